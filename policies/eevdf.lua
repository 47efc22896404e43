-- SPDX-License-Identifier: GPL-2.0-only
--
-- eevdf: earliest eligible virtual deadline first, as Linux has done
-- since 6.6.
--
-- Idea: V is the weighted average vruntime; a task's lag is V - vruntime.
--   A task is eligible when its lag is >= 0 (it got no more than its
--   share); among eligible tasks the one with the earliest virtual deadline
--   vruntime + slice * 100/weight runs first. A short slice (request) means
--   an earlier deadline: latency without extra CPU share.
-- Source: Stoica & Abdel-Wahab 1995; Linux kernel/sched/fair.c.
-- Approximations the user-space view forces:
--   * V averages the tasks waiting in user space (added at enqueue, removed
--     at dispatch), not the ones running on a CPU, which it cannot see.
--   * The core orders by one key, so eligibility becomes a penalty: an
--     ineligible task's key is its deadline plus its distance ahead of V.
--   * A waking task keeps at most one slice of lag (Linux decays it).
--   * V may run at most one slice ahead of the smallest vtime being
--     dispatched (scx.vclock): when a light task (nice 19, charged 100x)
--     is the only one waiting, the average is its vtime alone, and
--     sleepers placed there would wait behind every other task.
-- Weakness: the approximations above; V is noisy when few tasks wait.
-- Knobs: --opt slice_us=N (default -s); per-task requests are not exposed.
local scx = require "scx"

local P = { name = "eevdf" }
local slice
local sum_wv, sum_w, V = 0, 0, 0
local clock
local band, TF_NEW, TF_WAKEUP = bit.band, scx.TF_NEW, scx.TF_WAKEUP
local max = math.max

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
  clock = scx.vclock(2 * slice)
end

function P.enqueue(t, now)
  local w = t.weight
  local v
  local Vp = V                              -- V for placing this task
  if clock.since > 0 and Vp > clock.now + slice then Vp = clock.now + slice end
  if band(t.flags, TF_NEW) ~= 0 then
    v = Vp
  else
    v = scx.charged(t)
    if band(t.flags, TF_WAKEUP) ~= 0 then v = max(v, Vp - slice) end
  end
  t.vtime = v
  local vd = v + slice * 100 / w
  if v > Vp then vd = vd + (v - Vp) end   -- not eligible yet: later
  t.deadline = vd
  t.slice_ns = slice
  sum_wv, sum_w = sum_wv + w * v, sum_w + w
  V = sum_wv / sum_w
end

function P.dispatch(t, now)
  local w = t.weight
  sum_wv, sum_w = sum_wv - w * t.vtime, sum_w - w
  if sum_w > 0 then V = sum_wv / sum_w else sum_wv, sum_w = 0, 0 end
  clock:dispatched(t.vtime, now)
end

return P
