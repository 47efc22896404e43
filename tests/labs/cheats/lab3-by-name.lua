-- Must fail lab 3: shortest-first, except that tasks *named* long go
-- first in arrival order. The hidden variant names the short jobs "long".
local scx = require "scx"
local P = { name = "cheat-by-name" }
function P.enqueue(t, now)
  t.deadline = scx.comm(t) == "long" and t.enqueue_ts * 1e-3 or t.exec_runtime
  t.slice_ns = 5 * scx.MSEC
end
return P
