-- Lab 2: fair share by weight. Starting point: round robin.
--
-- Goal: on policies/workloads/weighted.lua (hogs of weight 100, 200, 400),
-- each group's CPU share must be within 5% of its fair share (1:2:4).
-- Grade: policies/labs/grade 2
--
-- Hints: t.weight (100 = nice 0); t.vtime and t.scratch[] are kept for you
-- between enqueues; t.stop_ts - t.start_ts is how long the task just ran.
local scx = require "scx"
local P = { name = "lab2" }

function P.enqueue(t, now)
  t.deadline = t.enqueue_ts
  t.slice_ns = 10 * scx.MSEC
end

return P
