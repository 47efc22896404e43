-- SPDX-License-Identifier: GPL-2.0-only
--
-- deadline: scx_rustland's rule, the default policy.
--
-- Idea: weighted fair share plus a latency bonus for tasks that sleep often.
--   vtime advances by the time a task ran, scaled by 100/weight; a task
--   that slept may not lag the global vtime by more than one slice (so it
--   cannot hoard credit), nor lead it by more than two slices' charge (a
--   run that went on because nothing else wanted the CPU is owed to
--   nobody: charged in full, it carried the global vtime, and every
--   sleeper's floor with it, past the deadlines the running hogs had just
--   been given, and a woken task waited a whole slice behind them; or the
--   task itself waits behind the hogs it forked: 20 ms in `scx_lua sim`
--   on workloads/loadstart.lua, none with the bound); a
--   new task starts one slice late (so a fork burst cannot swamp running
--   tasks). The deadline adds the CPU time the task used since it last
--   slept, so tasks that run briefly and sleep go first,
--   and hogs sort behind them.
--   One change from scx_rustland: that CPU time is scaled by 100/weight, as
--   vtime is. Unscaled, a heavy task (longer slices) builds the penalty
--   faster, and weighted hogs got 25/31/44% instead of 1:2:4 for their
--   first 100 slices (seen in `scx_lua sim` on workloads/weighted.lua).
-- Source: scx_rustland (Andrea Righi), update_enqueued(); the lead bound
--   is EEVDF's lag clamp (two slices, either way) applied ahead of the clock.
-- Weakness: the global vtime only moves forward as tasks are enqueued, so
--   after a reload it restarts from the tasks' own saved vtimes; a task
--   that never sleeps can wait up to 100 slices behind interactive ones.
-- In BPF: this same rule, published as rule 1 (scx.rule, kind "vtime"):
--   after its first decision here, a task's wake-ups and slice ends are
--   decided in the kernel at BPF's cost, including the preemption of a CPU
--   running a later deadline. P.enqueue still sees every one of them
--   (scx.TF_OBSERVED), which keeps vtime_now in step. What stays in Lua: new
--   tasks, and everything with --opt rule=false or under -u.
-- Knobs: --opt slice_us=N (base slice, default -s), slice_min_us=N
--   (floor, default -S), rule=false (no rule: every decision in Lua),
--   keep_preempted=true (a task the kernel side preempts, with a decided
--   run and some slice left, goes back with its deadline and the rest of
--   its slice and sends no record: P.enqueue sees the run with its next
--   one. It holds with rule=false and under -u too: it is scx.tune's, not
--   the rule's. Fewer switches for message passing, but a hog keeps an
--   early deadline, so a sleeper's next wake-up may find no CPU it can
--   preempt; off by default for that, see docs/results.md).
--   slice = slice * weight / 100, within [slice_min, --slice-us-max].
local scx = require "scx"

local P = { name = "deadline" }
local slice, slice_min, slice_max
local rule = 0
local vtime_now = 0          -- NB: an upvalue, not P.vtime_now: read per task

local max, min = math.max, math.min
local band, TF_NEW = bit.band, scx.TF_NEW

function P.init(sys)
  slice = (sys.opts.slice_us or sys.slice_ns / scx.USEC) * scx.USEC
  slice_min = (sys.opts.slice_min_us or sys.slice_min_ns / scx.USEC) * scx.USEC
  slice_max = sys.slice_max_ns
  local kp = sys.opts.keep_preempted
  if kp ~= nil and type(kp) ~= "boolean" then
    error("--opt keep_preempted takes true or false, not " .. tostring(kp), 0)
  end
  if kp then scx.tune { keep_preempted = true } end
  if sys.opts.rule ~= false then
    -- What P.enqueue does below, for the kernel to do by itself.
    scx.rule(1, { kind = "vtime", slice_ns = slice, slice_min_ns = slice_min,
                  slice_max_ns = slice_max, slice_by_weight = true, lag_ns = slice,
                  lead_ns = 2 * slice, runtime_cap_ns = 100 * slice, preempt = true })
    rule = 1
  end
end

function P.enqueue(t, now)
  local v, w = t.vtime, t.weight
  if v > vtime_now then vtime_now = v end
  local floor = max(vtime_now - slice, 0)   -- vtimes are never negative
  if band(t.flags, TF_NEW) ~= 0 then
    v = floor + slice * 100 / w
  elseif v < floor then
    v = floor
  end
  v = min(v + (t.stop_ts - t.start_ts) * 100 / w, vtime_now + 2 * slice * 100 / w)
  t.vtime = v
  -- The runtime penalty is weighted like vtime: see the header.
  t.deadline = v + min(t.exec_runtime * 100 / w, 100 * slice)
  t.slice_ns = min(slice_max, max(slice_min, slice * w / 100))
  t.rule = rule
end

return P
