-- SPDX-License-Identifier: GPL-2.0-only
--
-- sjf: shortest (predicted) job first.
--
-- Idea: the scheduler cannot know how long a CPU burst will be, so it
--   predicts it from the past: an exponential average of the task's
--   completed bursts (a burst ends when the task sleeps). The task with
--   the shortest prediction runs first; a burst already longer than its
--   prediction counts as at least what it has used, so a hog sinks.
-- Source: the textbook exponential average (Silberschatz et al., ch. 5;
--   OSTEP ch. 7 for SJF and why it needs the oracle).
-- Weakness: starvation: long jobs wait as long as shorter ones keep
--   coming. New tasks are assumed short (initial_ms).
-- Knobs: --opt alpha=0.5, initial_ms=N (5), slice_us=N (default -s).
local scx = require "scx"

local P = { name = "sjf" }
local alpha, initial, slice
local band, TF_NEW, TF_WAKEUP = bit.band, scx.TF_NEW, scx.TF_WAKEUP
local max = math.max

function P.init(sys)
  alpha = sys.opts.alpha or 0.5
  initial = (sys.opts.initial_ms or 5) * scx.MSEC
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
end

-- scratch[0]: predicted burst (ns), [1]: CPU time of the burst seen last time
function P.enqueue(t, now)
  local s = t.scratch
  if band(t.flags, TF_NEW) ~= 0 then
    s[0] = initial
  elseif band(t.flags, TF_WAKEUP) ~= 0 then
    -- The previous burst ended with the run just before the sleep.
    local burst = s[1] + (t.stop_ts - t.start_ts)
    s[0] = alpha * burst + (1 - alpha) * s[0]
  end
  s[1] = t.exec_runtime
  t.deadline = max(s[0], t.exec_runtime)
  t.slice_ns = slice
end

return P
