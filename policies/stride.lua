-- SPDX-License-Identifier: GPL-2.0-only
--
-- stride: proportional share, deterministic.
--
-- Idea: lottery without the luck. Each task has a stride inversely
--   proportional to its tickets (its weight) and a pass value; the task
--   with the smallest pass runs, and its pass advances by its stride for
--   every quantum it used (fractions of a quantum count as fractions). A
--   task that was away joins at the global pass, so sleeping earns nothing.
-- Source: Waldspurger & Weihl, "Stride Scheduling" (MIT TM-528, 1995).
-- Weakness: a new or waking task starts level with everyone, even if it
--   used little before; no latency preference.
-- Knobs: --opt quantum_us=N (default 10000).
local scx = require "scx"

local P = { name = "stride" }
local quantum
local STRIDE1 = 1e6              -- the stride of a task with 100 tickets
local clock                      -- global pass: scx.vclock
local band, TF_NEW, TF_WAKEUP = bit.band, scx.TF_NEW, scx.TF_WAKEUP
local max = math.max

function P.init(sys)
  quantum = (sys.opts.quantum_us or 10000) * scx.USEC
  clock = scx.vclock(2 * quantum)
end

function P.enqueue(t, now)
  local pass = t.vtime           -- the pass value lives in the persisted vtime
  if band(t.flags, TF_NEW + TF_WAKEUP) ~= 0 then pass = max(pass, clock.now) end
  pass = pass + (t.stop_ts - t.start_ts) / quantum * STRIDE1 * 100 / t.weight
  t.vtime = pass
  t.deadline = pass
  t.slice_ns = quantum
end

function P.dispatch(t, now)
  clock:dispatched(t.vtime, now)
end

return P
