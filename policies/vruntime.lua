-- SPDX-License-Identifier: GPL-2.0-only
--
-- vruntime: weighted fair share in the style of CFS.
--
-- Idea: each task has a virtual runtime that advances by the CPU time it
--   uses times 100/weight; the task with the smallest vruntime runs next,
--   so CPU time divides in proportion to weight. min_vruntime (scx.vclock)
--   follows the smallest vruntime being dispatched; a new task starts
--   there, and a task that slept may not come back more than `lag` behind
--   it (so it cannot bank credit while asleep).
-- Source: Linux CFS (2007-2023), kernel/sched/fair.c place_entity().
-- Weakness: no notion of latency: a waking task with little vruntime debt
--   runs soon, but only as soon as its credit says; one slice for all.
-- Knobs: --opt slice_us=N (default -s), lag_us=N (default slice/2).
local scx = require "scx"

local P = { name = "vruntime" }
local slice, lag
local clock
local band, TF_NEW, TF_WAKEUP = bit.band, scx.TF_NEW, scx.TF_WAKEUP

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
  lag = (sys.opts.lag_us or slice / 2 / scx.USEC) * scx.USEC
  clock = scx.vclock(2 * slice)
end

function P.enqueue(t, now)
  local v, min_vruntime = nil, clock.now
  if band(t.flags, TF_NEW) ~= 0 then
    v = min_vruntime
  else
    v = scx.charged(t)
    if band(t.flags, TF_WAKEUP) ~= 0 and v < min_vruntime - lag then
      v = min_vruntime - lag
    end
  end
  t.vtime = v
  t.deadline = v
  t.slice_ns = slice
end

function P.dispatch(t, now)
  clock:dispatched(t.vtime, now)
end

return P
