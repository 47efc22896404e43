-- SPDX-License-Identifier: GPL-2.0-only
--
-- scx: what a policy gets from `require "scx"`.
--
-- Units, flags, weight scaling, CPU selection and logging. Everything here
-- is safe to call from the per-task loop: the helpers are tiny Lua functions
-- the JIT inlines, and the two that reach C (select_cpu, log) are FFI calls
-- through function pointers, which the JIT compiles to direct calls.
-- Policies get a read-only view of this table (see runtime.lua).

local ffi = require "ffi"
local bit = require "bit"
local host = require "scx.host"   -- struct scx_host *, set by the runtime
local C = ffi.C
local band = bit.band

local scx = {
  -- time units, in the nanoseconds every time field uses
  NSEC = 1, USEC = 1e3, MSEC = 1e6, SEC = 1e9,
  CPU_ANY = C.SCX_CPU_ANY,
  WEIGHT_DFL = C.SCX_WEIGHT_DFL,
  NR_SCRATCH = C.SCX_NR_SCRATCH,
  TF_WAKEUP = C.SCX_TF_WAKEUP,
  TF_PREEMPTED = C.SCX_TF_PREEMPTED,
  TF_NEW = C.SCX_TF_NEW,
  TF_REQUEUED = C.SCX_TF_REQUEUED,
  DF_PREEMPT = C.SCX_DF_PREEMPT,
  nr_cpus = host.nr_cpus,
}

-- Weight scaling in the sched_ext convention (weight 100 = nice 0):
-- a heavier task gets more (scale_by_weight) or is charged less
-- (scale_by_weight_inverse) for the same value.
function scx.scale_by_weight(v, t) return v * t.weight / 100 end
function scx.scale_by_weight_inverse(v, t) return v * 100 / t.weight end

-- t's vtime advanced by its last run, weighted: what fair-share policies
-- charge a task when it comes back (a run is charged exactly once: the
-- core zeroes the run of a task queued again without running).
function scx.charged(t) return t.vtime + (t.stop_ts - t.start_ts) * 100 / t.weight end

function scx.is_preempted(t) return band(t.flags, C.SCX_TF_PREEMPTED) ~= 0 end
function scx.is_wakeup(t) return band(t.flags, C.SCX_TF_WAKEUP) ~= 0 end
function scx.is_new(t) return band(t.flags, C.SCX_TF_NEW) ~= 0 end

-- The task's command name as a Lua string (allocates: fine per batch,
-- costly per task in a hot policy; compare pids where you can).
local COMM_OFF = ffi.offsetof("struct scx_task", "comm_w0")
local u8p = ffi.typeof("const uint8_t *")
function scx.comm(t)
  -- The core NUL-terminates the 16 bytes, so ffi.string stops inside them.
  return ffi.string(ffi.cast(u8p, t) + COMM_OFF)
end

-- A virtual clock for fair-share policies: where "now" is in vtime, for
-- placing new and waking tasks. It follows the smallest vtime dispatched
-- in each window (default 2 slices, a time in which every CPU-bound task
-- comes back at least once), never moving back nor faster than wall time.
-- Not the last or largest vtime dispatched: a task far ahead (a nice-19
-- task is charged 100x its run) is often dispatched alone while the others
-- run, and a clock that jumped to it would put every sleeper behind all of
-- them (seen: 2 s waits in the simulator). Use: clock:dispatched(t.vtime, now) in
-- P.dispatch, clock.now when placing.
local VClock = {}
VClock.__index = VClock
function VClock:dispatched(v, now)
  if self.since == 0 then
    -- first use (also after a reload: vtimes in the store are not 0)
    self.now, self.min, self.since = v, v, now
  elseif now - self.since > self.window then
    -- and no faster than wall time: the smallest vtime among running
    -- tasks of weight >= 100 cannot advance faster, and a window in
    -- which only tasks far ahead were dispatched must not carry it there
    local lim = self.now + (now - self.since)
    if self.min > self.now then self.now = math.min(self.min, lim) end
    self.min, self.since = v, now
  elseif v < self.min then
    self.min = v
  end
end
function scx.vclock(window_ns)
  return setmetatable({ now = 0, min = 0, since = 0, window = window_ns or 40e6 }, VClock)
end

-- Ask the backend for an idle CPU for t: an idle CPU number, or CPU_ANY.
function scx.select_cpu(t)
  return host.select_cpu(host.ctx, t.pid, t.prev_cpu, t.flags)
end

-- Log a line without blocking the scheduler (a full log ring drops it and
-- counts nr_log_dropped). Arguments as string.format.
function scx.log(fmt, ...)
  local s = string.format(fmt, ...) .. "\n"
  host.log(host.ctx, s, #s)
end

return scx
