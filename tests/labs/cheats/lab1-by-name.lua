-- Must fail lab 1: first come, first served, except that tasks *named* ui
-- or audio go first. Passes the handed-out workload; the hidden variant
-- names the batch jobs "ui".
local scx = require "scx"
local P = { name = "cheat-by-name" }
function P.enqueue(t, now)
  local c = scx.comm(t)
  t.deadline = (c == "ui" or c == "audio") and 0 or t.enqueue_ts
  t.slice_ns = 20 * scx.MSEC
end
return P
