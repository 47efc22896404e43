-- SPDX-License-Identifier: GPL-2.0-only
--
-- fifo: first come, first served.
--
-- Idea: tasks run in the order they became runnable, each for a full slice.
-- Source: the oldest policy there is; OSTEP ch. 7 starts here.
-- Weakness: a waking interactive task waits behind every hog queued before
--   it (up to one full slice each): great throughput, poor latency.
-- Knobs: --opt slice_us=N (default: the scheduler's -s).
local scx = require "scx"

local P = { name = "fifo" }
local slice

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
end

function P.enqueue(t, now)
  t.deadline = t.enqueue_ts   -- arrival order; the core breaks ties FIFO
  t.slice_ns = slice
end

return P
