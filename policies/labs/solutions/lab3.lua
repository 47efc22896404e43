-- Lab 3, a reference solution: ageing. The key is when the task joined
-- the queue plus a multiple of the CPU it has used: short jobs still go
-- first (little CPU used), but every new arrival joins with a later key,
-- so a long job's key is eventually the earliest: its wait is bounded.
-- A 5 ms slice keeps the long jobs from holding a CPU when they get one.
local scx = require "scx"
local P = { name = "lab3-solution" }

function P.enqueue(t, now)
  t.deadline = t.enqueue_ts + 8 * t.exec_runtime
  t.slice_ns = 5 * scx.MSEC
end

return P
