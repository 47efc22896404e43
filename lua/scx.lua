-- SPDX-License-Identifier: GPL-2.0-only
--
-- scx: what a policy gets from `require "scx"`.
--
-- Units, flags, weight scaling, CPU selection and logging. Everything here
-- is safe to call from the per-task loop: the helpers are tiny Lua functions
-- the JIT inlines, and the two that reach C (select_cpu, log) are FFI calls
-- through function pointers, which the JIT compiles to direct calls.
-- Policies get a read-only view of this table (see runtime.lua).
--
-- Every function here that takes a task first checks that it is one the
-- core handed out: a task cdata whose address lies in the task pool. The
-- sandbox has no ffi, but it holds numbers, tables and other cdata
-- (t.scratch, t.comm_w0), and scx.comm(0) once read address 0. In a trace
-- the check is a type guard and two pointer compares.

local ffi = require "ffi"
local bit = require "bit"
local host = require "scx.host"   -- struct scx_host *, set by the runtime
local C = ffi.C
local band = bit.band
local istype, cast = ffi.istype, ffi.cast

local task_ct = ffi.typeof("struct scx_task")
local task_ptr = ffi.typeof("const struct scx_task *")
local pool = cast(task_ptr, host.tasks)       -- NB: upvalues, not host.* per call
local pool_end = pool + host.nr_tasks
local uptr = ffi.typeof("uintptr_t")
local pool_addr, task_size = tonumber(cast(uptr, pool)), ffi.sizeof(task_ct)

local function not_a_task(fn, t)
  local what = type(t)
  if what == "cdata" then what = "another C object (t.scratch? t.comm_w0?)" end
  -- level 4: the policy's line (not_a_task < checked < scx.fn < policy)
  error(("%s expects a task (the t given to P.enqueue or P.dispatch), not %s"):format(fn, what), 4)
end

-- t itself when it is one of the core's tasks; otherwise an error naming @fn.
local function checked(t, fn)
  if not istype(task_ct, t) then not_a_task(fn, t) end
  local p = cast(task_ptr, t)
  if p < pool or p >= pool_end then not_a_task(fn, t) end
  return t
end

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
  TF_OBSERVED = C.SCX_TF_OBSERVED,
  DF_PREEMPT = C.SCX_DF_PREEMPT,
  RULE_NONE = C.SCX_RULE_NONE, RULE_FIFO = C.SCX_RULE_FIFO, RULE_VTIME = C.SCX_RULE_VTIME,
  RULE_MAX = C.SCX_RULE_MAX,
  nr_cpus = host.nr_cpus,
}

-- Weight scaling in the sched_ext convention (weight 100 = nice 0):
-- a heavier task gets more (scale_by_weight) or is charged less
-- (scale_by_weight_inverse) for the same value.
function scx.scale_by_weight(v, t) return v * checked(t, "scx.scale_by_weight").weight / 100 end
function scx.scale_by_weight_inverse(v, t)
  return v * 100 / checked(t, "scx.scale_by_weight_inverse").weight
end

-- t's vtime advanced by its last run, weighted: what fair-share policies
-- charge a task when it comes back (a run is charged exactly once: the
-- core zeroes the run of a task queued again without running).
function scx.charged(t)
  checked(t, "scx.charged")
  return t.vtime + (t.stop_ts - t.start_ts) * 100 / t.weight
end

function scx.is_preempted(t) return band(checked(t, "scx.is_preempted").flags, C.SCX_TF_PREEMPTED) ~= 0 end
function scx.is_wakeup(t) return band(checked(t, "scx.is_wakeup").flags, C.SCX_TF_WAKEUP) ~= 0 end
function scx.is_new(t) return band(checked(t, "scx.is_new").flags, C.SCX_TF_NEW) ~= 0 end
-- A task that may run on one CPU only (a per-CPU worker, a pinned thread):
-- no choice to make about where it runs, only when. Policies usually run it
-- on t.prev_cpu, its one CPU, soon (rustland's --percpu-local).
function scx.is_percpu(t) return checked(t, "scx.is_percpu").nr_cpus_allowed == 1 end

-- The task's command name as a Lua string (allocates: fine per batch,
-- costly per task in a hot policy; compare pids where you can).
local COMM_OFF = ffi.offsetof("struct scx_task", "comm_w0")
local u8p = ffi.typeof("const uint8_t *")
function scx.comm(t)
  checked(t, "scx.comm")
  -- The core NUL-terminates the 16 bytes, so ffi.string stops inside them.
  return ffi.string(cast(u8p, t) + COMM_OFF)
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
-- C is told the slot, not the pid or CPU: it reads those from its own
-- copy, whatever the policy did to t.
local select_cpu, ctx = host.select_cpu, host.ctx
function scx.select_cpu(t)
  -- NB: not `p - pool`: the JIT does not compile a pointer difference over
  -- a struct whose size is not a power of two. Addresses fit a double.
  local slot = (tonumber(cast(uptr, cast(task_ptr, checked(t, "scx.select_cpu")))) - pool_addr) / task_size
  return select_cpu(ctx, slot)
end

-- Log a line without blocking the scheduler (a full log ring drops it and
-- counts nr_log_dropped). Arguments as string.format.
function scx.log(fmt, ...)
  local s = string.format(fmt, ...) .. "\n"
  host.log(host.ctx, s, #s)
end

-- Publish rule @id (1..RULE_MAX-1) for the kernel side to apply by itself
-- (docs/policy-guide.md, "Rules"): a task whose t.rule is @id then has its
-- wake-ups decided in BPF, at BPF's cost, and the policy sees each of them
-- after the fact (scx.TF_OBSERVED). @p: kind ("fifo", "vtime" or "none"),
-- slice_ns, slice_min_ns, slice_max_ns, slice_by_weight, lag_ns, lead_ns,
-- runtime_cap_ns, preempt. Call it from P.init or P.tick; the core checks
-- the numbers and publishes the table after the call.
local kinds = { none = C.SCX_RULE_NONE, fifo = C.SCX_RULE_FIFO, vtime = C.SCX_RULE_VTIME }
local function rule_num(p, k, dflt)
  local v = p[k]
  if v == nil then return dflt end
  if type(v) ~= "number" or v ~= v or v < 0 or v == math.huge then
    error(("scx.rule: %s must be a finite number >= 0 (ns), not %s"):format(k, tostring(v)), 3)
  end
  return v
end
function scx.rule(id, p)
  if type(id) ~= "number" or id ~= math.floor(id) or id < 1 or id >= C.SCX_RULE_MAX then
    error(("scx.rule: the id must be a whole number from 1 to %d, not %s")
      :format(C.SCX_RULE_MAX - 1, tostring(id)), 2)
  end
  if type(p) ~= "table" then error("scx.rule: expects a table of parameters", 2) end
  local kind = kinds[p.kind or "none"]
  if not kind then
    error(("scx.rule: kind is \"fifo\", \"vtime\" or \"none\", not %s"):format(tostring(p.kind)), 2)
  end
  local r = host.rules[id]
  r.kind = kind
  r.preempt = p.preempt and 1 or 0
  r.slice_by_weight = p.slice_by_weight and 1 or 0
  r.slice_ns = rule_num(p, "slice_ns", 20e6)
  r.slice_min_ns = rule_num(p, "slice_min_ns", 1e6)
  r.slice_max_ns = rule_num(p, "slice_max_ns", 100e6)
  r.lag_ns = rule_num(p, "lag_ns", 0)
  r.runtime_cap_ns = rule_num(p, "runtime_cap_ns", 0)
  r.lead_ns = rule_num(p, "lead_ns", 0)
  host.rules_gen[0] = host.rules_gen[0] + 1
end

-- The live path's settings this policy wants (docs/policy-guide.md):
-- budget_us, how long a task may wait for the scheduler process to decide
-- it; preempt_us, how long a task runs before a woken task with an earlier
-- deadline may preempt it; keep_preempted, a task preempted by the kernel
-- side keeps its deadline and what is left of its slice without asking the
-- policy. Options given on the command line win over these.
function scx.tune(p)
  if type(p) ~= "table" then error("scx.tune: expects a table of settings", 2) end
  local t = host.tune
  for k, v in pairs(p) do
    if k == "keep_preempted" then
      t.keep_preempted = v and 1 or 0
    elseif k == "budget_us" or k == "preempt_us" then
      if type(v) ~= "number" or v ~= v or v < 0 or v > 1e6 then
        error(("scx.tune: %s must be a number from 0 to 1000000, not %s"):format(k, tostring(v)), 2)
      end
      if k == "budget_us" then t.budget_ns = v * 1e3 else t.preempt_min_ns = v * 1e3 end
    else
      error(("scx.tune: no setting %s (budget_us, preempt_us, keep_preempted)"):format(tostring(k)), 2)
    end
  end
  host.rules_gen[0] = host.rules_gen[0] + 1
end

return scx
