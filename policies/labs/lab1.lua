-- Lab 1: latency. Starting point: first come, first served.
--
-- Goal: on policies/workloads/interactive.lua, the interactive groups
-- (ui, audio) must wake up within 5 ms at the 99th percentile, while the
-- batch group keeps more than 85% of the machine. Grade: policies/labs/grade 1
--
-- Hints: t.exec_runtime is the CPU time since the task last slept; a task
-- that sleeps often has a small one. t.deadline orders the queue.
local scx = require "scx"
local P = { name = "lab1" }

function P.enqueue(t, now)
  t.deadline = t.enqueue_ts
  t.slice_ns = 20 * scx.MSEC
end

return P
