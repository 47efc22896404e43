-- Lab 3: starvation. Starting point: shortest job first, by attained CPU.
--
-- Goal: on policies/workloads/stream.lua (a stream of 2000 short jobs that
-- keeps 2 CPUs nearly busy, beside 4 long jobs), every job must finish,
-- no long job may wait more than 100 ms at a time, and the short jobs'
-- mean turnaround must stay under 15 ms (fifo gets 487 ms: ranking by CPU
-- used is right for them). Grade: policies/labs/grade 3
--
-- Hints: this policy ranks by CPU used so far, so a long job that has run
-- a while waits behind everything. Ageing: let waiting count in its favour.
local scx = require "scx"
local P = { name = "lab3" }

function P.enqueue(t, now)
  t.deadline = t.exec_runtime
  t.slice_ns = 20 * scx.MSEC
end

return P
