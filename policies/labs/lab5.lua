-- Lab 5: a pipeline. Starting point: first come, first served.
--
-- Goal: on policies/workloads/pipeline.lua (producer -> filter -> consumer
-- beside three hogs on 2 CPUs), the producer must complete more than 1200
-- bursts in the 10 s, and the hogs must still get more than 70% of the
-- machine. Grade: policies/labs/grade 5
--
-- Hints: each stage runs briefly and then waits for the previous one;
-- how long a woken stage waits for a CPU bounds the whole pipeline.
local scx = require "scx"
local P = { name = "lab5" }

function P.enqueue(t, now)
  t.deadline = t.enqueue_ts
  t.slice_ns = 20 * scx.MSEC
end

return P
