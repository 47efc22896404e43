-- SPDX-License-Identifier: GPL-2.0-only
--
-- runtime.lua: the trusted half of a policy's Lua state.
--
-- The core (policy.c) creates a fresh LuaJIT state per policy load, runs
-- this chunk, and calls R.load() once. After that it calls R.enqueue(n, now)
-- once per batch: the per-task loop below runs in Lua, where the JIT
-- compiles it together with the policy's P.enqueue (Lua-to-Lua calls are
-- inlined into the trace), so C pays one C-to-Lua call per batch, not per
-- task. NB: keep `tasks` and `batch` as upvalues and P's functions in locals
-- per batch; a global or table lookup per task costs more than the policy.
--
-- This chunk also builds the sandbox a policy runs in: a fresh environment
-- holding copies of the safe parts of the standard library, a `require` that
-- resolves only "scx" and regular files in the policy's own directory (no
-- links followed: sandbox.c), `load` restricted to source text, and library
-- functions that call back into Lua bounded on the C stack. The trusted side
-- keeps io, os, ffi, jit, debug.

local ffi = require "ffi"
local cdef = require "scx.cdef"
local policy_env   -- the policy's environment: the sandbox's, or _G

-- A task's inputs are the core's: Lua sees them const, so `t.pid = x` is an
-- error at the policy's line (compiled code too), and what the core reads
-- back after a call (the pid it keys the store by and the kernel dispatches,
-- the weight the fallback divides by) is what it wrote. C sees the same
-- layout, without const.
local INPUTS = { "pid", "tgid", "prev_cpu", "nr_cpus_allowed", "weight", "flags",
  "start_ts", "stop_ts", "exec_runtime", "enqueue_ts", "comm_w0, comm_w1" }
local function inputs_const(src)
  local body = src:match("struct scx_task%s*(%b{})")
  local ro = body
  for _, f in ipairs(INPUTS) do
    local n
    ro, n = ro:gsub("\n(%s*)([%w_]+ " .. f .. ";)", "\n%1const %2", 1)
    if n ~= 1 then error("runtime: no input field '" .. f .. "' in struct scx_task: rebuild scx_lua", 0) end
  end
  return (src:gsub(body:gsub("%p", "%%%0"), (ro:gsub("%%", "%%%%")), 1))
end
ffi.cdef(inputs_const(cdef.source))

-- t.scratch[i]: eight doubles with checked indices (see policy_abi.h for
-- why no raw array is exposed). With a constant index the JIT folds the
-- comparisons away.
local function bad_slot(i)
  error(("t.scratch[%s]: the scratch slots are t.scratch[0] to t.scratch[7]"):format(tostring(i)), 3)
end
ffi.metatype("struct scx_scratch", {
  __index = function(s, i)
    if i == 0 then return s.s0 elseif i == 1 then return s.s1 elseif i == 2 then return s.s2
    elseif i == 3 then return s.s3 elseif i == 4 then return s.s4 elseif i == 5 then return s.s5
    elseif i == 6 then return s.s6 elseif i == 7 then return s.s7 end
    bad_slot(i)
  end,
  __newindex = function(s, i, v)
    if i == 0 then s.s0 = v elseif i == 1 then s.s1 = v elseif i == 2 then s.s2 = v
    elseif i == 3 then s.s3 = v elseif i == 4 then s.s4 = v elseif i == 5 then s.s5 = v
    elseif i == 6 then s.s6 = v elseif i == 7 then s.s7 = v else bad_slot(i) end
  end,
  __tostring = function() return "scx_scratch" end,
})
-- FFI's tostring of a task or its scratch prints its address: a policy has
-- no use for it, and it was the way to aim scx.comm at any memory.
ffi.metatype("struct scx_task", {
  __tostring = function(t) return "scx_task(pid " .. t.pid .. ")" end,
})

local R = {}
local P                      -- the policy table
local host, tasks, batch     -- C structs, set by R.load
local stats_t = {}           -- reused table for P.tick

-- string.dump yields bytecode, and LuaJIT will load bytecode; no policy
-- needs it and the runtime does not either.
string.dump = nil
-- Policies may not reach the real string table through getmetatable("").
getmetatable("").__metatable = "string"

-- Library functions that call back into Lua from C go one level deeper on
-- the C stack each time (see sandbox.c, "The C stack"): each checks the
-- call's C stack budget first. In the real tables, before the sandbox
-- copies them: ("x"):gsub() reaches string.gsub through the string
-- metatable, not through the sandbox's copy.
local function guard_cstack(cstack_ok, wrap)
  local function guard(name, f)
    -- NB: no string.format here, it is one of the guarded
    local msg = name .. ": nested too deeply through library calls (a callback calling " .. name
      .. " again?): the policy call used up its C stack"
    return function(...)
      if cstack_ok() == 0 then error(msg, 2) end
      return f(...)
    end
  end
  string.gsub = guard("string.gsub", string.gsub)
  string.format = guard("string.format", string.format)
  table.sort = guard("table.sort", table.sort)
  os.time = guard("os.time", os.time)
  load = guard("load", load)
  loadstring = guard("loadstring", loadstring)
  coroutine.resume = guard("coroutine.resume", coroutine.resume)
  coroutine.wrap = wrap
end

local function copy(t, except)
  local c = {}
  for k, v in pairs(t) do
    if not (except and except[k]) then c[k] = v end
  end
  return c
end

local function readonly(t, name)
  return setmetatable({}, {
    __index = t,
    __newindex = function(_, k)
      error(("%s is read-only (tried to set %s)"):format(name, tostring(k)), 2)
    end,
    __metatable = name,
  })
end

local function sandbox_env(dir, read_module, scx_ro)
  local env = {
    assert = assert, error = error, ipairs = ipairs, next = next,
    pairs = pairs, pcall = pcall, select = select, tonumber = tonumber,
    tostring = tostring, type = type, unpack = unpack, xpcall = xpcall,
    rawequal = rawequal, rawget = rawget, rawset = rawset,
    setmetatable = setmetatable, getmetatable = getmetatable,
    _VERSION = _VERSION,
    math = copy(math), string = copy(string), table = copy(table),
    bit = copy(require "bit"), coroutine = copy(coroutine),
    os = { time = os.time, clock = os.clock, date = os.date, difftime = os.difftime },
  }
  env._G = env
  env.print = function(...)
    local n, parts = select("#", ...), {}
    for i = 1, n do parts[i] = tostring((select(i, ...))) end
    scx_ro.log("%s", table.concat(parts, "\t"))
  end
  env.collectgarbage = function(opt, arg)
    if opt == nil or opt == "collect" or opt == "count" or opt == "step" then
      return collectgarbage(opt, arg)
    end
    error("collectgarbage('" .. tostring(opt) .. "') is not allowed in a policy", 2)
  end
  local function load_text(chunk, name, mode, fenv)
    if mode ~= nil and mode ~= "t" then
      error("policies may load source text only (mode 't'), not bytecode", 2)
    end
    return load(chunk, name, "t", fenv or env)
  end
  env.load = load_text
  env.loadstring = function(s, name) return load_text(s, name) end
  local loaded = { scx = scx_ro }
  env.require = function(name)
    if type(name) ~= "string" then error("require expects a module name", 2) end
    if loaded[name] ~= nil then return loaded[name] end
    -- C resolves the name inside dir (a.b is a/b.lua), follows no link,
    -- takes only a regular file
    local src, path = read_module(name)
    if not src then
      error(("module '%s': policies may require only 'scx' and modules in %s (%s)")
        :format(name, dir, path), 2)
    end
    local f, lerr = load(src, "@" .. path, "t", env)
    if not f then error(lerr, 0) end
    local m = f(name)
    if m == nil then m = true end
    loaded[name] = m
    return m
  end
  return env
end

local function numberish(v)
  local n = tonumber(v)
  if n then return n end
  if v == "true" then return true elseif v == "false" then return false end
  return v
end

-- R.load(host, abi, path, dir, sandbox, opts, sys, c): read and
-- compile the policy, check its shape, run P.init. Errors propagate to C
-- (which adds the traceback and keeps the previous policy).
function R.load(host_ptr, abi, path, dir, sandbox, opts, sys, c)
  if abi ~= ffi.C.SCX_ABI_VERSION then
    error(("scx runtime ABI %d does not match the core's ABI %d: rebuild scx_lua (make)")
      :format(ffi.C.SCX_ABI_VERSION, abi), 0)
  end
  host = ffi.cast("struct scx_host *", host_ptr)
  tasks, batch = host.tasks, host.batch
  guard_cstack(host.cstack_ok, c.wrap)
  package.loaded["scx.host"] = host
  local scx = require "scx"
  local scx_ro = readonly(scx, "scx")
  local env = sandbox and sandbox_env(dir, c.read_module, scx_ro) or _G
  policy_env = env

  local src, why = c.read_policy(path)
  if not src then error(why, 0) end
  local chunkname = "@" .. path
  local chunk, err = load(src, chunkname, sandbox and "t" or "bt", env)
  if not chunk then error(err, 0) end
  local p = chunk()
  if type(p) ~= "table" then
    error(chunkname:sub(2) .. ": a policy must return a table (local P = {} ... return P)", 0)
  end
  if type(p.enqueue) ~= "function" then
    error(chunkname:sub(2) .. ": the policy has no enqueue function (function P.enqueue(t, now))", 0)
  end
  for _, k in ipairs({ "init", "dispatch", "tick", "exit", "stats" }) do
    if p[k] ~= nil and type(p[k]) ~= "function" then
      error(("%s: P.%s must be a function, not a %s"):format(chunkname:sub(2), k, type(p[k])), 0)
    end
  end
  local o = {}
  for k, v in pairs(opts) do o[k] = numberish(v) end
  sys.opts = o
  P = p
  if P.init then P.init(sys) end
  -- The name goes into every stats line: a table there reached
  -- printf("%s", NULL), a newline forged stats lines.
  local name = P.name
  if name == nil then name = chunkname:match("([^/]+)%.lua$") or "policy" end
  if type(name) ~= "string" or #name == 0 or #name > 63 or name:find("%c") then
    error(("%s: P.name must be a string of 1 to 63 printable characters, not %s")
      :format(chunkname:sub(2), type(name) ~= "string" and "a " .. type(name) or
        '"' .. name:sub(1, 80):gsub("%c", function(c) return "\\" .. c:byte() end) .. '"'), 0)
  end
  return name, P.dispatch ~= nil, P.tick ~= nil
end

-- The hot loop. One call per batch; n >= 1.
function R.enqueue(n, now)
  local enqueue = P.enqueue
  for i = 0, n - 1 do
    enqueue(tasks[batch[i]], now)
  end
end

-- A twin of R.enqueue on purpose: one shared loop taking the hook as an
-- argument would make its trace polymorphic in the callee, and the JIT
-- would guard and side-exit on every switch between the two.
function R.dispatch(n, now)
  local dispatch = P.dispatch
  for i = 0, n - 1 do
    dispatch(tasks[batch[i]], now)
  end
end

local STAT_FIELDS = {}
for name in cdef.source:match("struct scx_stats%s*(%b{})"):gmatch("uint64_t%s+([%w_]+);") do
  STAT_FIELDS[#STAT_FIELDS + 1] = name
end

function R.tick(now)
  local s = host.stats
  for i = 1, #STAT_FIELDS do
    local k = STAT_FIELDS[i]
    stats_t[k] = tonumber(s[k])
  end
  P.tick(now, stats_t)
end

-- P.stats(): the policy's own metrics, served with the core's (--stats,
-- --stats-json, the stats socket). A stranger's table: at most STATS_MAX
-- names of [A-Za-z_][A-Za-z0-9_]* up to 48 characters, each a finite number
-- (JSON has no NaN), anything else an error naming the fix. Returned as a
-- JSON object (@json) or as "name=value ..." for the text line, names
-- sorted so that two calls print in the same order.
local STATS_MAX = 64
function R.stats(json)
  if not P.stats then return nil end
  local m = P.stats()
  if type(m) ~= "table" then
    error(("P.stats must return a table of name = number, not a %s"):format(type(m)), 0)
  end
  local names = {}
  for k, v in pairs(m) do
    if type(k) ~= "string" or #k > 48 or not k:find("^[%a_][%w_]*$") then
      error(("P.stats: %s is not a metric name: use letters, digits and _ (48 at most)")
        :format(type(k) == "string" and '"' .. k:sub(1, 60):gsub("[%c\\\"]", function(c)
          return "\\" .. c:byte() end) .. '"' or "a " .. type(k) .. " key"), 0)
    end
    if type(v) ~= "number" or v ~= v or v == math.huge or v == -math.huge then
      error(("P.stats: %s is %s: metrics are finite numbers")
        :format(k, type(v) == "number" and tostring(v) or "a " .. type(v)), 0)
    end
    names[#names + 1] = k
    if #names > STATS_MAX then
      error(("P.stats: more than %d metrics: return the ones that matter"):format(STATS_MAX), 0)
    end
  end
  table.sort(names)
  local out = {}
  for i, k in ipairs(names) do
    local v = m[k]
    local s = (v == math.floor(v) and v >= -2^53 and v <= 2^53) and ("%d"):format(v) or ("%.17g"):format(v)
    out[i] = json and ('"%s":%s'):format(k, s) or ("%s=%s"):format(k, s)
  end
  return json and "{" .. table.concat(out, ",") .. "}" or table.concat(out, " ")
end

function R.exit(reason)
  if P and P.exit then P.exit(reason) end
end

-- What `check` warns about beyond errors (R.check_watch before the
-- batches, R.check_report after): wall-clock calls (os.time, os.clock,
-- os.date: a system call each, and the simulator's runs stop repeating),
-- and a task kept after the call (the slot holds another task in the next
-- batch: keep t.pid or t.scratch instead).
local clock_calls
function R.check_watch()
  clock_calls = {}
  local os_t = policy_env and rawget(policy_env, "os")
  if type(os_t) ~= "table" then return end
  for _, k in ipairs({ "time", "clock", "date" }) do
    local f = rawget(os_t, k)
    if type(f) == "function" then
      clock_calls[k] = 0
      rawset(os_t, k, function(...) clock_calls[k] = clock_calls[k] + 1; return f(...) end)
    end
  end
end

-- Where a task cdata sits in what P can reach (P's fields, its functions'
-- upvalues), a few levels deep; nil if nowhere.
local function find_task(root, rootname)
  local debug = require "debug"
  local seen, budget = {}, 5000
  local function walk(v, name, depth)
    budget = budget - 1
    if budget < 0 or depth > 4 then return nil end
    if type(v) == "cdata" and ffi.istype("struct scx_task", v) then return name end
    if type(v) == "table" and not seen[v] then
      seen[v] = true
      for k, x in next, v do
        local found = walk(x, name .. "." .. tostring(k), depth + 1)
        if found then return found end
      end
    elseif type(v) == "function" and not seen[v] then
      seen[v] = true
      for i = 1, 60 do
        local un, uv = debug.getupvalue(v, i)
        if not un then break end
        local found = walk(uv, un, depth + 1)
        if found then return found end
      end
    end
  end
  return walk(root, rootname, 0)
end

function R.check_report()
  local out = {}
  for _, k in ipairs({ "time", "clock", "date" }) do
    local n = clock_calls and clock_calls[k] or 0
    if n > 0 then
      out[#out + 1] = ("os.%s() called %d times: wall-clock time makes the simulator's runs "
        .. "differ and costs a system call each; use the `now` the hooks get"):format(k, n)
    end
  end
  local where = P and find_task(P, "P")
  if where then
    out[#out + 1] = ("a task is kept after the call, in %s: its slot holds another task in the "
      .. "next batch; keep t.pid, or state in t.scratch / t.vtime"):format(where)
  end
  return table.concat(out, "\n")
end

-- JIT watch (used by `scx_lua check` and the tests): record which traces
-- start in the batch loop and every trace abort with its source line.
local jw
function R.jit_watch()
  local jit = require "jit"
  local jutil = require "jit.util"
  local ok, vmdef = pcall(require, "jit.vmdef")
  jw = { loop_compiled = false, aborts = {}, by_key = {} }
  local loop_info = jutil.funcinfo(R.enqueue)
  local function where(func, pc)
    local fi = jutil.funcinfo(func, pc)
    return (fi.source or "?"):gsub("^@", "") .. ":" .. tostring(fi.currentline or fi.linedefined or "?")
  end
  local started_in_loop = {}
  local function is_loop(func)
    local fi = jutil.funcinfo(func)
    return fi.source == loop_info.source and fi.linedefined == loop_info.linedefined
  end
  jit.attach(function(what, tr, func, pc, otr, oex)
    if what == "start" then
      started_in_loop[tr] = is_loop(func)
    elseif what == "stop" then
      if started_in_loop[tr] then jw.loop_compiled = true end
    elseif what == "abort" then
      local msg = ok and vmdef.traceerr[otr] or ("trace error " .. tostring(otr))
      if ok and msg:find("bytecode %%d") then
        local op = tonumber(oex) or 0
        msg = msg:gsub("%%d", vmdef.bcnames:sub(op * 6 + 1, op * 6 + 6):gsub("%s+$", ""))
        if msg:find("FNEW") then msg = msg .. " (a closure created per call: hoist it out)" end
      elseif msg:find("%%d") then msg = msg:format(tonumber(oex) or 0)
      elseif msg:find("%%s") then
        msg = msg:format(type(oex) == "number" and ok and vmdef.ffnames[oex] or tostring(oex))
      end
      local key = where(func, pc) .. "\t" .. msg
      local a = jw.by_key[key]
      if not a then
        a = { key = key, n = 0, in_loop = started_in_loop[tr] or false }
        jw.by_key[key] = a
        jw.aborts[#jw.aborts + 1] = a
      end
      a.n = a.n + 1
    end
  end, "trace")
end

-- Returns loop_compiled, and one line per distinct abort:
-- "where<TAB>why<TAB>count<TAB>started_in_loop".
function R.jit_report()
  if not jw then return false, "" end
  local lines = {}
  for _, a in ipairs(jw.aborts) do
    lines[#lines + 1] = a.key .. "\t" .. a.n .. "\t" .. tostring(a.in_loop)
  end
  return jw.loop_compiled, table.concat(lines, "\n")
end

return R
