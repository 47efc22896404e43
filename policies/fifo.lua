-- SPDX-License-Identifier: GPL-2.0-only
--
-- fifo: first come, first served.
--
-- Idea: tasks run in the order they became runnable, each for a full slice.
--   A task that used up its slice goes to the back of the line; a task that
--   was preempted (for instance so the user-space scheduler could run) keeps
--   its place, remembered in t.scratch[0], and what is left of its slice,
--   t.scratch[1] being what it used: with a fresh slice after every
--   preemption, a hog preempted more often than its slice lasts would hold
--   its place for ever.
-- Source: the oldest policy there is; OSTEP ch. 7 starts here.
-- Weakness: a waking interactive task waits behind every hog queued before
--   it (up to one full slice each): great throughput, poor latency.
-- In BPF: first come, first served is rule 1 (scx.rule, kind "fifo"), and
--   a task the kernel side preempts keeps its place and what is left of
--   its slice there (scx.tune keep_preempted), so after a task's first
--   decision here its wake-ups take no round trip. P.enqueue still sees
--   each of them (scx.TF_OBSERVED). In Lua: new tasks, and everything with
--   --opt rule=false or under -u.
-- Knobs: --opt slice_us=N (default: the scheduler's -s), rule=false.
local scx = require "scx"

local P = { name = "fifo" }
local slice
local rule = 0
local band, TF_PREEMPTED = bit.band, scx.TF_PREEMPTED

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
  scx.tune { keep_preempted = true }
  if sys.opts.rule ~= false then
    scx.rule(1, { kind = "fifo", slice_ns = slice, slice_min_ns = slice, slice_max_ns = slice })
    rule = 1
  end
end

function P.enqueue(t, now)
  local s, used = t.scratch, 0
  if band(t.flags, TF_PREEMPTED) ~= 0 then used = s[1] + (t.stop_ts - t.start_ts) end
  if used == 0 or used >= slice then
    s[0] = t.enqueue_ts           -- a new place in line, a full slice
    used = 0
  end
  s[1] = used
  t.deadline = s[0]               -- ties keep arrival order (the core's seq)
  t.slice_ns = slice - used
  t.rule = rule
end

return P
