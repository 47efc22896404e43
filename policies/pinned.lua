-- SPDX-License-Identifier: GPL-2.0-only
--
-- pinned: keep a task on the CPU it last ran on when that CPU is idle.
--
-- Idea: a task's data is still in its last CPU's caches: run it there if
--   that CPU is free, otherwise let any free CPU take it (spread). Order is
--   weighted vtime (fair share). Mostly matters with --full-user (-u), when
--   every wake-up comes to the policy; with the kernel's idle fast path,
--   an idle previous CPU is already preferred before the policy is asked.
-- Source: the "prev CPU if idle" rule of every sched_ext example
--   (scx_simple, scx_rustland) and of CFS's wake_affine.
-- Weakness: a busy previous CPU means a migration anyway; no notion of
--   how much cache a task really has there.
-- Knobs: --opt slice_us=N (default -s).
local scx = require "scx"

local P = { name = "pinned" }
local slice
local vtime_now = 0
local max = math.max

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
end

function P.enqueue(t, now)
  local v = max(scx.charged(t), vtime_now - slice)
  if v > vtime_now then vtime_now = v end
  t.vtime = v
  t.deadline = v
  t.slice_ns = slice
  if scx.select_cpu(t) == t.prev_cpu then t.cpu = t.prev_cpu end
end

return P
