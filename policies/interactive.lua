-- SPDX-License-Identifier: GPL-2.0-only
--
-- interactive: latency-critical tasks first, recognised by behaviour.
--
-- Idea: a task that wakes often and runs briefly each time (input, audio,
--   a producer or consumer in a pipeline) is latency-critical; one that
--   runs long and rarely sleeps is not. Per task we keep an average run
--   length and an average wake-up frequency (moving averages in scratch
--   slots), and set
--     criticality = 1 + ln(1 + wake-ups per second)
--     deadline    = vruntime + (slice * 100/weight) / criticality
--     slice       = twice the average run, within [slice_min, slice]
--   so frequent wakers get earlier deadlines and shorter slices, while
--   vruntime keeps everyone's CPU share fair.
-- Source: the idea of scx_lavd (latency criticality from wake and wait
--   frequencies) and scx_rusty's interactive boost, much simplified.
-- Weakness: user space cannot see who wakes whom, so lavd's separate
--   "wakes others" and "waits for others" frequencies are one frequency
--   here; a task that changes behaviour takes a few wake-ups to be seen.
-- Knobs: --opt slice_us=N, slice_min_us=N, alpha=0.25 (averaging weight).
local scx = require "scx"

local P = { name = "interactive" }
local slice, slice_min, alpha
local vtime_now = 0
local band, TF_NEW, TF_WAKEUP = bit.band, scx.TF_NEW, scx.TF_WAKEUP
local log, max, min = math.log, math.max, math.min

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
  slice_min = (sys.opts.slice_min_us or sys.slice_min_ns / scx.USEC) * scx.USEC
  alpha = sys.opts.alpha or 0.25
end

-- scratch[0]: last wake-up (ns), [1]: wake-ups per second, [2]: average run (ns)
function P.enqueue(t, now)
  local s = t.scratch
  local ran = t.stop_ts - t.start_ts
  if ran > 0 then s[2] = s[2] + alpha * (ran - s[2]) end
  if band(t.flags, TF_WAKEUP) ~= 0 then
    local dt = t.enqueue_ts - s[0]
    if s[0] > 0 and dt > 0 then s[1] = s[1] + alpha * (1e9 / dt - s[1]) end
    s[0] = t.enqueue_ts
  end
  local v
  if band(t.flags, TF_NEW) ~= 0 then
    v = vtime_now
  else
    v = max(scx.charged(t), vtime_now - slice)
  end
  if v > vtime_now then vtime_now = v end
  t.vtime = v
  local crit = 1 + log(1 + s[1])
  t.deadline = v + (slice * 100 / t.weight) / crit
  t.slice_ns = min(slice, max(slice_min, 2 * s[2]))
end

return P
