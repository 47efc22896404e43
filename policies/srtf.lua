-- SPDX-License-Identifier: GPL-2.0-only
--
-- srtf: shortest (predicted) remaining time first.
--
-- Idea: sjf's prediction (an exponential average of completed bursts),
--   minus what the current burst has already used: the task expected to
--   finish soonest runs first. A waking task whose whole predicted burst is
--   shorter than what the running tasks have left asks to preempt the CPU
--   it lands on (DF_PREEMPT), the "preemptive" in SRTF.
-- Source: textbook SRTF (Silberschatz et al., ch. 5), prediction as sjf.
-- Weakness: starvation of long bursts, like sjf; over-runs of the
--   prediction are treated as "almost done", so a hog that outlives its
--   prediction keeps a high priority until its next sleep: the remaining
--   time is floored at one quantum of the prediction to limit that.
-- Knobs: --opt alpha=0.5, initial_ms=N (5), slice_us=N (default -s).
local scx = require "scx"

local P = { name = "srtf" }
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
  local woke = band(t.flags, TF_WAKEUP) ~= 0
  if band(t.flags, TF_NEW) ~= 0 then
    s[0] = initial
  elseif woke then
    local burst = s[1] + (t.stop_ts - t.start_ts)
    s[0] = alpha * burst + (1 - alpha) * s[0]
  end
  s[1] = t.exec_runtime
  local remaining = s[0] - t.exec_runtime
  if remaining < 0 then
    -- Outlived its prediction: rank it like a job that used that much.
    remaining = t.exec_runtime
  end
  t.deadline = remaining
  t.slice_ns = slice
  if woke and s[0] < slice then
    t.cpu = scx.select_cpu(t)
    if t.cpu == scx.CPU_ANY then
      t.cpu = t.prev_cpu
      t.dispatch_flags = scx.DF_PREEMPT
    end
  end
end

return P
