-- SPDX-License-Identifier: GPL-2.0-only
--
-- rr: round robin with a fixed quantum.
--
-- Idea: one line, everyone to the back of it after every run, each run one
--   quantum. Unlike fifo, a preempted task loses its place too, and the
--   quantum is short, so no task waits more than (tasks / CPUs) quanta.
-- Source: OSTEP ch. 7 (round robin).
-- Weakness: ignores weights and behaviour: an interactive task waits its
--   turn behind every hog; a short quantum costs context switches.
-- Knobs: --opt quantum_us=N (default 5000).
local scx = require "scx"

local P = { name = "rr" }
local quantum

function P.init(sys)
  quantum = (sys.opts.quantum_us or 5000) * scx.USEC
end

function P.enqueue(t, now)
  t.deadline = t.enqueue_ts
  t.slice_ns = quantum
end

return P
