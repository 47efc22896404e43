-- Must fail lab 2: the weight read from the task's name instead of
-- t.weight. The hidden variant swaps the names.
local scx = require "scx"
local P = { name = "cheat-by-name" }
local W = { w100 = 100, w200 = 200, w400 = 400 }
function P.enqueue(t, now)
  local w = W[scx.comm(t)] or 100
  t.vtime = t.vtime + (t.stop_ts - t.start_ts) * 100 / w
  t.deadline = t.vtime
  t.slice_ns = 5 * scx.MSEC
end
return P
