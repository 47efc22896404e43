-- SPDX-License-Identifier: GPL-2.0-only
--
-- mlfq: multi-level feedback queue, as OSTEP teaches it.
--
-- Idea: several priority levels; a task at a higher level always runs
--   before one at a lower level, and tasks at the same level take turns.
--   Rule 3: a new task starts at the top. Rule 4: once it has used its
--   allotment at a level (however many runs that took), it moves down.
--   Rule 5: every boost period, every task goes back to the top, so no
--   task starves and a task that became interactive is seen again.
--   Lower levels get longer quanta (2, 4, 8, ... ms).
-- Source: Arpaci-Dusseau, OSTEP ch. 8; Corbato's CTSS (1962).
-- Weakness: the boost period and allotments are magic numbers; a task
--   that yields just before its allotment runs out games rule 4 only if
--   the allotment is per run, which here it is not.
-- Knobs: --opt levels=N (4), quantum_us=N (2000, doubled per level),
--   allot_us=N (40000, per level), boost_ms=N (200). With these, a task
--   using under a fifth of a CPU stays on top between boosts.
local scx = require "scx"

local P = { name = "mlfq" }
local levels, quantum, allot, boost
local epoch, last_boost = 1, 0
local LEVEL_SPAN = 1e15          -- keys of one level: ~11 days of enqueue times
local band, TF_NEW = bit.band, scx.TF_NEW

function P.init(sys)
  levels = sys.opts.levels or 4
  quantum = (sys.opts.quantum_us or 2000) * scx.USEC
  allot = (sys.opts.allot_us or 40000) * scx.USEC
  boost = (sys.opts.boost_ms or 200) * scx.MSEC
end

function P.tick(now, stats)
  if now - last_boost >= boost then  -- rule 5, lazily: tasks see the epoch change
    epoch = epoch + 1
    last_boost = now
  end
end

-- scratch[0]: level, [1]: time used at this level, [2]: boost epoch seen
function P.enqueue(t, now)
  local s = t.scratch
  if band(t.flags, TF_NEW) ~= 0 or s[2] ~= epoch then
    s[0], s[1], s[2] = 0, 0, epoch
  else
    s[1] = s[1] + (t.stop_ts - t.start_ts)
    if s[1] >= allot and s[0] < levels - 1 then
      s[0], s[1] = s[0] + 1, 0
    end
  end
  local level = s[0]
  t.deadline = level * LEVEL_SPAN + t.enqueue_ts
  t.slice_ns = quantum * 2 ^ level
end

return P
