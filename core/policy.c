// SPDX-License-Identifier: GPL-2.0-only
/*
 * policy.c - LuaJIT policy host: states, guarded calls, reload.
 *
 * Every call into a state goes through guarded_call(): protected, with a
 * traceback handler, watched by the watchdog (watchdog.c). A call the
 * watchdog had to abandon leaves its state inconsistent: it is dropped
 * without lua_close() and its buddy heap is reset in O(1).
 *
 * Not here: what to do with the batch after a failure (sched.c orders it
 * with the fallback) and task state (store.c).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "policy.h"
#include "sandbox.h"
#include "watchdog.h"

extern const char embed_runtime_lua[], embed_scx_lua[], embed_cdef_lua[];
extern const unsigned int embed_runtime_lua_len, embed_scx_lua_len, embed_cdef_lua_len;

void policy_report(struct policy_host *ph, const char *what)
{
	double now = (double)clock_ns();

	if (now - ph->last_report_ns < 1e9) {
		ph->nr_suppressed++;
		return;
	}
	ph->last_report_ns = now;
	if (ph->nr_suppressed)
		logring_printf(ph->log, 2, "scx_lua: %s\n  (%llu similar messages suppressed)\n",
			       what, (unsigned long long)ph->nr_suppressed);
	else
		logring_printf(ph->log, 2, "scx_lua: %s\n", what);
	ph->nr_suppressed = 0;
}

static void close_state(struct pstate *ps)
{
	if (ps->L)
		lua_close(ps->L);
	ps->L = NULL;
	buddy_reset(&ps->heap);
}

/* Take a state out of service until the user reloads: closed when it is
 * consistent (@may_close), else dropped wholesale with its heap. If it was
 * the active policy, the fallback orders everything from now on. */
static void retire(struct policy_host *ph, struct pstate *ps, bool may_close)
{
	if (!may_close)
		ps->L = NULL; /* inconsistent: not even lua_close() */
	close_state(ps);
	if (ph->active >= 0 && &ph->st[ph->active] == ps)
		ph->active = -1;
}

/* The watchdog fired at stage 2, or LuaJIT panicked (@panic): the state
 * cannot be trusted with another call, not even lua_close(). */
static void abandon(struct policy_host *ph, struct pstate *ps, const char *fn, bool panic)
{
	watchdog_jumped();
	retire(ph, ps, false);
	if (panic) {
		snprintf(ph->err, sizeof(ph->err), "%s: %s: LuaJIT panicked (an error outside any "
			 "protected call); its Lua state was dropped", ph->path, fn);
		return;
	}
	ph->stats->nr_watchdog++;
	snprintf(ph->err, sizeof(ph->err),
		 "%s: %s did not return within %d ms%s and could not be interrupted "
		 "(it was running %s); its Lua state was dropped",
		 ph->path, fn, watchdog_limit_ms(2), watchdog_unit(), watchdog_jumped_from());
}

/* An allocation failed inside a call (see state_alloc): the state is
 * dropped with its heap, as LuaJIT's own out-of-memory error would drop it. */
static int out_of_memory(struct policy_host *ph, struct pstate *ps, const char *fn)
{
	size_t mib = ps->heap.size >> 20;

	watchdog_jumped();
	retire(ph, ps, false);
	snprintf(ph->err, sizeof(ph->err), "%s: %s: not enough memory: the policy's Lua heap "
		 "(%zu MiB) is exhausted", ph->path, fn, mib);
	return -ENOMEM;
}

/*
 * The states' allocator. Out of memory inside JIT-compiled code crashes
 * LuaJIT 2.1 (check died with SIGSEGV on a policy appending 100 tables a
 * task to a global list), so an allocation that fails inside a policy call
 * never returns NULL to LuaJIT: the call is abandoned, like a hung one
 * (watchdog_oom_jump()), from our own frame, where nothing but the state
 * is left behind. Outside a call (creating or closing a state), or while a
 * C function of ours holds a descriptor, NULL is returned as usual.
 */
static void *state_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct pstate *ps = ud;
	void *p = buddy_lua_alloc(&ps->heap, ptr, osize, nsize);

	if (!p && nsize)
		watchdog_oom_jump();
	return p;
}

static int panic_handler(lua_State *L)
{
	(void)L;
	watchdog_panic_jump();
	/* Every entry into Lua is a guarded call, so this is unreachable. */
	fputs("scx_lua: LuaJIT panic outside a policy call\n", stderr);
	abort();
}

/*
 * A traceback whose frames are all the runtime's own or C's tells a policy
 * author nothing the first line did not: drop those frames, and the
 * "stack traceback:" header when nothing is left under it.
 */
static void tidy_traceback(char *s)
{
	char *tb = strstr(s, "\nstack traceback:"), *out, *line;
	bool kept = false;

	if (!tb)
		return;
	out = line = tb + strlen("\nstack traceback:");
	while (*line) {
		char *nl = strchr(line + 1, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);

		if (!memmem(line, len, "lua/runtime.lua:", 16) && !memmem(line, len, "lua/scx.lua:", 12) &&
		    !memmem(line, len, "[C]:", 4)) {
			memmove(out, line, len);
			out += len;
			kept = true;
		}
		line += len;
	}
	*out = '\0';
	if (!kept)
		*tb = '\0';
}

/*
 * A field a policy author reaches for by its name elsewhere (the kernel's,
 * a textbook's) is not in struct scx_task: the FFI's "has no member named"
 * then gets the name to use, after the message's first line.
 */
static void hint_member(char *err, size_t len)
{
	static const char *const hints[][2] = {
		{ "'comm'", "the command name is scx.comm(t) (a string; cache it per pid)" },
		{ "'nice'", "t.weight is the nice level as a weight: 100 is nice 0" },
		{ "'vruntime'", "the policy's own virtual time is t.vtime (scx.charged(t) adds the last run)" },
		{ "'cpu_allowed'", "t.nr_cpus_allowed, and scx.is_percpu(t) for one CPU" },
		{ "'cpus_allowed'", "t.nr_cpus_allowed, and scx.is_percpu(t) for one CPU" },
		{ "'slice'", "the slice is t.slice_ns" },
		{ "'prio'", "t.weight (100 = nice 0)" },
	};
	char *nl, rest[sizeof(((struct policy_host *)0)->err)];

	if (!strstr(err, "has no member named "))
		return;
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++) {
		if (!strstr(err, hints[i][0]))
			continue;
		nl = strchr(err, '\n');
		snprintf(rest, sizeof(rest), "%s", nl ? nl : "");
		if (nl)
			*nl = '\0';
		snprintf(err + strlen(err), len - strlen(err), "\n  hint: %s%s", hints[i][1], rest);
		return;
	}
}

/* A call that raised an error (@rc) or ran past its budget (@hooked):
 * ph->err says why, and a state that would only fail again is retired. */
static int call_failed(struct policy_host *ph, struct pstate *ps, const char *fn, int rc,
		       bool hooked)
{
	/* A load that ran long but finished is a load (it is not scheduling,
	 * and a loaded machine slows it); a batch that did is a hang. */
	if (!rc && ph->loading)
		return 0;
	if (rc) {
		const char *msg = lua_tostring(ps->L, -1);

		snprintf(ph->err, sizeof(ph->err), "%s",
			 msg ? msg : "(error object is not a string)");
		tidy_traceback(ph->err);
		hint_member(ph->err, sizeof(ph->err));
		lua_pop(ps->L, 1);
	} else {
		snprintf(ph->err, sizeof(ph->err), "%s: %s did not return within %d ms%s "
			 "(it returned later: stopped by the watchdog all the same)",
			 ph->path, fn, watchdog_limit_ms(1), watchdog_unit());
	}
	if (hooked) {
		/* A call the watchdog had to stop is a hung call, whatever it
		 * returned (a pcall around a loop caught the hook's first
		 * error, for ever): retired until the user reloads. */
		ph->stats->nr_watchdog++;
		retire(ph, ps, true);
		return -ETIMEDOUT;
	}
	if (rc == LUA_ERRMEM) {
		/* Only from C functions of ours (state_alloc jumps from the
		 * others): a state that ran out is not called again either. */
		retire(ph, ps, false);
		return -ENOMEM;
	}
	return -EINVAL;
}

/*
 * Call the function below @nargs arguments on ps->L, protected, watched,
 * with a traceback handler when the state has one. Leaves @nres results on
 * the stack on success; on failure leaves nothing and fills ph->err.
 */
static int guarded_call(struct policy_host *ph, struct pstate *ps, const char *fn,
			int nargs, int nres)
{
	lua_State *L = ps->L;
	int base = lua_gettop(L) - nargs, handler = 0, rc;
	uint64_t t0 = clock_ns();
	bool hooked;

	if (ps->ref_traceback != LUA_NOREF) {
		lua_rawgeti(L, LUA_REGISTRYINDEX, ps->ref_traceback);
		lua_insert(L, base);
		handler = base;
	}
	switch (sigsetjmp(*watchdog_jmp(), 0)) {
	case 0:
		break;
	case WATCHDOG_JUMP_OOM:
		return out_of_memory(ph, ps, fn);
	case WATCHDOG_JUMP_PANIC:
		abandon(ph, ps, fn, true);
		return -EINVAL;
	default:
		abandon(ph, ps, fn, false);
		return -ETIMEDOUT;
	}
	sandbox_enter();
	watchdog_enter(L, fn, t0);
	rc = lua_pcall(L, nargs, nres, handler);
	hooked = watchdog_leave();
	if (handler)
		lua_remove(L, handler);
	ph->stats->nr_policy_calls++;
	ph->stats->policy_ns += clock_ns() - t0;
	ph->stats->lua_mem = ps->heap.used;
	return rc || hooked ? call_failed(ph, ps, fn, rc, hooked) : 0;
}

static int l_traceback(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);

	if (!msg)
		msg = "(error object is not a string)";
	luaL_traceback(L, L, msg, 1);
	return 1;
}

static int preload_embedded(lua_State *L)
{
	const char *src = lua_touserdata(L, lua_upvalueindex(1));
	size_t len = (size_t)lua_tointeger(L, lua_upvalueindex(2));
	const char *name = lua_tostring(L, lua_upvalueindex(3));

	if (luaL_loadbuffer(L, src, len, name))
		return lua_error(L);
	lua_call(L, 0, 1);
	return 1;
}

static void add_preload(lua_State *L, const char *mod, const char *src, unsigned len,
			const char *chunkname)
{
	lua_getglobal(L, "package");
	lua_getfield(L, -1, "preload");
	lua_pushlightuserdata(L, (void *)src);
	lua_pushinteger(L, len);
	lua_pushstring(L, chunkname);
	lua_pushcclosure(L, preload_embedded, 3);
	lua_setfield(L, -2, mod);
	lua_pop(L, 2);
}

static int ref_field(lua_State *L, int t, const char *k)
{
	lua_getfield(L, t, k);
	return luaL_ref(L, LUA_REGISTRYINDEX);
}

/* Runs protected in the new state: libraries, embedded modules, runtime. */
static int l_setup(lua_State *L)
{
	struct pstate *ps = lua_touserdata(L, 1);

	luaL_openlibs(L);
	lua_pushcfunction(L, l_traceback);
	ps->ref_traceback = luaL_ref(L, LUA_REGISTRYINDEX);
	add_preload(L, "scx", embed_scx_lua, embed_scx_lua_len, "@lua/scx.lua");
	add_preload(L, "scx.cdef", embed_cdef_lua, embed_cdef_lua_len, "@build/gen/cdef.lua");
	if (luaL_loadbuffer(L, embed_runtime_lua, embed_runtime_lua_len, "@lua/runtime.lua"))
		return lua_error(L);
	lua_call(L, 0, 1);
	ps->ref_enqueue = ref_field(L, -1, "enqueue");
	ps->ref_dispatch = ref_field(L, -1, "dispatch");
	ps->ref_tick = ref_field(L, -1, "tick");
	ps->ref_exit = ref_field(L, -1, "exit");
	ps->ref_stats = ref_field(L, -1, "stats");
	ps->ref_jit_watch = ref_field(L, -1, "jit_watch");
	ps->ref_jit_report = ref_field(L, -1, "jit_report");
	ps->ref_check_watch = ref_field(L, -1, "check_watch");
	ps->ref_check_report = ref_field(L, -1, "check_report");
	lua_getfield(L, -1, "load");
	return 1;
}

/* t[name] = { [cpu] = v[cpu] } for cpu 0..@nr-1; without @v, 0 or (@self) the CPU. */
static void push_per_cpu(lua_State *L, int nr, const int32_t *v, bool self, const char *name)
{
	lua_createtable(L, nr, 1);
	for (int c = 0; c < nr; c++) {
		lua_pushinteger(L, v ? v[c] : self ? c : 0);
		lua_rawseti(L, -2, c);
	}
	lua_setfield(L, -2, name);
}

static void push_sys(struct policy_host *ph, lua_State *L, const char *path)
{
	lua_createtable(L, 0, 8);
	lua_pushinteger(L, ph->cfg.nr_cpus);
	lua_setfield(L, -2, "nr_cpus");
	lua_pushnumber(L, ph->cfg.slice_ns);
	lua_setfield(L, -2, "slice_ns");
	lua_pushnumber(L, ph->cfg.slice_min_ns);
	lua_setfield(L, -2, "slice_min_ns");
	lua_pushnumber(L, ph->cfg.slice_max_ns);
	lua_setfield(L, -2, "slice_max_ns");
	lua_pushnumber(L, ph->cfg.tick_ns);
	lua_setfield(L, -2, "tick_ns");
	lua_pushstring(L, ph->cfg.backend ? ph->cfg.backend : "?");
	lua_setfield(L, -2, "backend");
	lua_pushstring(L, path);
	lua_setfield(L, -2, "policy_path");
	/* sys.llc[cpu], sys.node[cpu], sys.core[cpu] (0-based keys). */
	push_per_cpu(L, ph->cfg.nr_cpus, ph->cfg.cpu_llc, false, "llc");
	push_per_cpu(L, ph->cfg.nr_cpus, ph->cfg.cpu_node, false, "node");
	push_per_cpu(L, ph->cfg.nr_cpus, ph->cfg.cpu_core, true, "core");
}

static void push_opts(struct policy_host *ph, lua_State *L)
{
	lua_createtable(L, 0, ph->cfg.nr_opts);
	for (int i = 0; i < ph->cfg.nr_opts; i++) {
		const char *kv = ph->cfg.opts[i], *eq = strchr(kv, '=');

		if (!eq)
			continue; /* the CLI rejects these before we get here */
		lua_pushlstring(L, kv, (size_t)(eq - kv));
		lua_pushstring(L, eq + 1);
		lua_settable(L, -3);
	}
}

/* The C functions the runtime needs: c.read_policy, c.read_module (in
 * @dir), c.wrap. */
static void push_cfuncs(lua_State *L, const char *dir)
{
	lua_createtable(L, 0, 3);
	sandbox_push_readers(L, dir);
	lua_getglobal(L, "coroutine");
	lua_getfield(L, -1, "wrap");
	lua_remove(L, -2);
	lua_pushcclosure(L, sandbox_wrap, 1);
	lua_setfield(L, -2, "wrap");
}

/*
 * Build the policy at @path in state @j, talking to the core through
 * @host. 0, or a negative errno with ph->err saying why (the state is
 * closed again).
 */
static int load_state(struct policy_host *ph, int j, const char *path, struct scx_host *host)
{
	int err;
	struct pstate *ps = &ph->st[j];
	char dir[PATH_MAX], prev_path[PATH_MAX];
	const char *slash;
	lua_State *L;
	uint64_t policy_ns = ph->stats->policy_ns;

	close_state(ps);
	memset(ps->name, 0, sizeof(ps->name));
	ps->ref_traceback = LUA_NOREF;
	L = ps->L = lua_newstate(state_alloc, ps);
	if (!L) {
		snprintf(ph->err, sizeof(ph->err), "%s: no room for a Lua state in the arena "
			 "(raise --arena-mb)", path);
		return -ENOMEM;
	}
	lua_atpanic(L, panic_handler);

	/* While loading, errors and the watchdog should name the new file. */
	snprintf(prev_path, sizeof(prev_path), "%s", ph->path);
	snprintf(ph->path, sizeof(ph->path), "%s", path);
	slash = strrchr(path, '/');
	if (slash)
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	else
		snprintf(dir, sizeof(dir), ".");

	lua_pushcfunction(L, l_setup);
	lua_pushlightuserdata(L, ps);
	ph->loading = true;
	err = guarded_call(ph, ps, "runtime setup", 1, 1);
	if (!err) {
		lua_pushlightuserdata(L, host);
		lua_pushinteger(L, SCX_ABI_VERSION);
		lua_pushstring(L, path);
		lua_pushstring(L, dir);
		lua_pushboolean(L, ph->cfg.sandbox);
		push_opts(ph, L);
		push_sys(ph, L, path);
		push_cfuncs(L, dir);
		err = guarded_call(ph, ps, "loading the policy (top level and P.init)", 8, 3);
	}
	ph->loading = false;
	/* Loading is not scheduling: keep it out of the per-task figure. */
	ph->stats->policy_ns = policy_ns;
	if (err) {
		if (ps->L)
			close_state(ps);
		snprintf(ph->path, sizeof(ph->path), "%s", prev_path);
		return err;
	}
	/* runtime.lua checked it: printable, < 64 bytes; C does not rely on it */
	snprintf(ps->name, sizeof(ps->name), "%s", lua_tostring(L, -3) ? lua_tostring(L, -3) : "?");
	for (char *c = ps->name; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	ps->has_dispatch = lua_toboolean(L, -2);
	ps->has_tick = lua_toboolean(L, -1);
	lua_pop(L, 3);
	return 0;
}

int policy_load(struct policy_host *ph, const char *path)
{
	int j = ph->active == 0 ? 1 : 0, err;
	uint64_t t0 = clock_ns();

	/* Two states: with a shadow beside a retired policy the free one is
	 * the other; beside a live one there is none, and the shadow goes. */
	if (ph->shadow >= 0 && ph->active < 0)
		j = 1 - ph->shadow;
	else if (ph->shadow >= 0)
		policy_shadow_drop(ph, "the live policy reloads into its state");
	err = load_state(ph, j, path, &ph->host);
	if (err) {
		ph->stats->nr_reload_failures++;
		return err;
	}
	if (ph->active >= 0) {
		struct pstate *old = &ph->st[ph->active];

		lua_rawgeti(old->L, LUA_REGISTRYINDEX, old->ref_exit);
		lua_pushstring(old->L, "reload");
		if (guarded_call(ph, old, "P.exit", 1, 0) != -ETIMEDOUT)
			close_state(old);
		ph->stats->nr_reloads++;
	}
	ph->active = j;
	ph->stats->reload_ns = clock_ns() - t0;
	return 0;
}

bool policy_active(const struct policy_host *ph)
{
	return ph->active >= 0;
}

bool policy_has_dispatch(const struct policy_host *ph)
{
	return ph->active >= 0 && ph->st[ph->active].has_dispatch;
}

bool policy_has_tick(const struct policy_host *ph)
{
	return ph->active >= 0 && ph->st[ph->active].has_tick;
}

const char *policy_name(const struct policy_host *ph)
{
	return ph->active >= 0 ? ph->st[ph->active].name : "fallback";
}

static int call_batch(struct policy_host *ph, int which, const char *fn, uint32_t n, double now)
{
	struct pstate *ps;

	if (ph->active < 0)
		return -ENOENT;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, which);
	lua_pushnumber(ps->L, n);
	lua_pushnumber(ps->L, now);
	return guarded_call(ph, ps, fn, 2, 0);
}

int policy_enqueue(struct policy_host *ph, uint32_t n, double now)
{
	return ph->active < 0 ? -ENOENT :
	       call_batch(ph, ph->st[ph->active].ref_enqueue, "P.enqueue", n, now);
}

int policy_dispatch(struct policy_host *ph, uint32_t n, double now)
{
	return ph->active < 0 ? -ENOENT :
	       call_batch(ph, ph->st[ph->active].ref_dispatch, "P.dispatch", n, now);
}

int policy_tick(struct policy_host *ph, double now)
{
	struct pstate *ps;

	if (ph->active < 0 || !ph->st[ph->active].has_tick)
		return 0;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_tick);
	lua_pushnumber(ps->L, now);
	return guarded_call(ph, ps, "P.tick", 1, 0);
}

void policy_exit(struct policy_host *ph, const char *reason)
{
	struct pstate *ps;

	if (ph->shadow >= 0)
		policy_shadow_drop(ph, reason);
	if (ph->active < 0)
		return;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_exit);
	lua_pushstring(ps->L, reason);
	if (guarded_call(ph, ps, "P.exit", 1, 0))
		policy_report(ph, ph->err);
}

/*
 * The shadow's calls leave the live policy's books as they were: its
 * calls, time and watchdog stops go to its own stats, its errors name its
 * file. A call that retired its state ends the shadow.
 */
static int shadow_call(struct policy_host *ph, const char *fn, int nargs)
{
	struct pstate *ps = &ph->st[ph->shadow];
	struct scx_stats keep = *ph->stats, *sst = ph->shadow_stats;
	static char live_path[PATH_MAX];
	int err;

	memcpy(live_path, ph->path, sizeof(live_path));
	memcpy(ph->path, ph->shadow_path, sizeof(ph->path));
	err = guarded_call(ph, ps, fn, nargs, 0);
	sst->nr_policy_calls += ph->stats->nr_policy_calls - keep.nr_policy_calls;
	sst->policy_ns += ph->stats->policy_ns - keep.policy_ns;
	sst->nr_watchdog += ph->stats->nr_watchdog - keep.nr_watchdog;
	sst->lua_mem = ps->heap.used;
	*ph->stats = keep;
	memcpy(ph->path, live_path, sizeof(ph->path));
	if (err)
		sst->nr_policy_errors++;
	if (!ps->L)
		ph->shadow = -1;
	return err;
}

int policy_shadow_load(struct policy_host *ph, const char *path, struct scx_host *host,
		       struct scx_stats *sst)
{
	int j = ph->active == 0 ? 1 : 0, err;
	struct scx_stats keep = *ph->stats;
	static char live_path[PATH_MAX];

	if (ph->shadow >= 0)
		policy_shadow_drop(ph, "reload");
	memcpy(live_path, ph->path, sizeof(live_path));
	err = load_state(ph, j, path, host);
	*ph->stats = keep;
	memcpy(ph->path, live_path, sizeof(ph->path));
	if (err)
		return err;
	ph->shadow = j;
	ph->shadow_stats = sst;
	snprintf(ph->shadow_path, sizeof(ph->shadow_path), "%s", path);
	return 0;
}

int policy_shadow_enqueue(struct policy_host *ph, uint32_t n, double now)
{
	struct pstate *ps;

	if (ph->shadow < 0)
		return -ENOENT;
	ps = &ph->st[ph->shadow];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_enqueue);
	lua_pushnumber(ps->L, n);
	lua_pushnumber(ps->L, now);
	return shadow_call(ph, "P.enqueue", 2);
}

int policy_shadow_tick(struct policy_host *ph, double now)
{
	struct pstate *ps;

	if (ph->shadow < 0 || !ph->st[ph->shadow].has_tick)
		return 0;
	ps = &ph->st[ph->shadow];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_tick);
	lua_pushnumber(ps->L, now);
	return shadow_call(ph, "P.tick", 1);
}

void policy_shadow_drop(struct policy_host *ph, const char *reason)
{
	struct pstate *ps;

	if (ph->shadow < 0)
		return;
	ps = &ph->st[ph->shadow];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_exit);
	lua_pushstring(ps->L, reason);
	if (shadow_call(ph, "P.exit", 1) != -ETIMEDOUT && ps->L)
		close_state(ps);
	ph->shadow = -1;
}

bool policy_shadow_has_dispatch(const struct policy_host *ph)
{
	return ph->shadow >= 0 && ph->st[ph->shadow].has_dispatch;
}

const char *policy_shadow_name(const struct policy_host *ph)
{
	return ph->shadow >= 0 ? ph->st[ph->shadow].name : NULL;
}

int policy_stats(struct policy_host *ph, bool json, char *buf, size_t len)
{
	uint64_t calls, ns;
	struct pstate *ps;
	const char *s;
	int err;

	buf[0] = '\0';
	if (ph->active < 0)
		return 0;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_stats);
	lua_pushboolean(ps->L, json);
	/* Not scheduling: kept out of the per-task cost the stats report. */
	calls = ph->stats->nr_policy_calls;
	ns = ph->stats->policy_ns;
	err = guarded_call(ph, ps, "P.stats", 1, 1);
	ph->stats->nr_policy_calls = calls;
	ph->stats->policy_ns = ns;
	if (err) {
		policy_report(ph, ph->err);
		return err;
	}
	s = lua_tostring(ps->L, -1);
	/* All or nothing: half an object is not JSON. */
	if (s && strlen(s) < len)
		memcpy(buf, s, strlen(s) + 1);
	lua_pop(ps->L, 1);
	return (int)strlen(buf);
}

int policy_jit_watch(struct policy_host *ph)
{
	struct pstate *ps;

	if (ph->active < 0)
		return -ENOENT;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_jit_watch);
	return guarded_call(ph, ps, "jit watch", 0, 0);
}

int policy_check_watch(struct policy_host *ph)
{
	struct pstate *ps;

	if (ph->active < 0)
		return -ENOENT;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_check_watch);
	return guarded_call(ph, ps, "check watch", 0, 0);
}

int policy_check_report(struct policy_host *ph, char *buf, size_t len)
{
	struct pstate *ps;
	int err;

	buf[0] = '\0';
	if (ph->active < 0)
		return -ENOENT;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_check_report);
	err = guarded_call(ph, ps, "check report", 0, 1);
	if (err)
		return err;
	snprintf(buf, len, "%s", lua_tostring(ps->L, -1) ? lua_tostring(ps->L, -1) : "");
	lua_pop(ps->L, 1);
	return 0;
}

int policy_jit_report(struct policy_host *ph, bool *loop_compiled, char *buf, size_t len)
{
	struct pstate *ps;
	int err;

	if (ph->active < 0)
		return -ENOENT;
	ps = &ph->st[ph->active];
	lua_rawgeti(ps->L, LUA_REGISTRYINDEX, ps->ref_jit_report);
	err = guarded_call(ph, ps, "jit report", 0, 2);
	if (err)
		return err;
	*loop_compiled = lua_toboolean(ps->L, -2);
	snprintf(buf, len, "%s", lua_tostring(ps->L, -1) ? lua_tostring(ps->L, -1) : "");
	lua_pop(ps->L, 2);
	return 0;
}

/* scx.select_cpu(t): the runtime checked that t is in the pool; the slot
 * is checked again here, and prev_cpu too (the kernel's kfunc ejects the
 * scheduler on a CPU out of range), so a wrong call costs a CPU_ANY. */
static int32_t host_select_cpu(void *ctx, uint32_t slot)
{
	struct policy_host *ph = ctx;
	const struct scx_task *t;
	int32_t cpu;

	if (slot >= ph->pool.nr_tasks)
		return SCX_CPU_ANY;
	t = &ph->pool.tasks[slot];
	if (t->prev_cpu < 0 || t->prev_cpu >= ph->cfg.nr_cpus)
		return SCX_CPU_ANY;
	cpu = ph->pool.select_cpu(ph->pool.ctx, t->pid, t->prev_cpu, t->flags);
	return cpu >= 0 && cpu < ph->cfg.nr_cpus ? cpu : SCX_CPU_ANY;
}

static void host_log(void *ctx, const char *msg, size_t len)
{
	struct policy_host *ph = ctx;

	logring_put(ph->log, 2, msg, len);
}

int policy_host_init(struct policy_host *ph, struct arena *a, size_t heap_bytes,
		     const struct policy_cfg *cfg, const struct policy_pool *pool,
		     struct scx_stats *stats, struct logring *log)
{
	int err;

	memset(ph, 0, sizeof(*ph));
	ph->cfg = *cfg;
	ph->active = -1;
	ph->shadow = -1;
	ph->stats = stats;
	ph->log = log;
	ph->pool = *pool;
	ph->host.abi_version = SCX_ABI_VERSION;
	ph->host.nr_cpus = cfg->nr_cpus;
	ph->host.tasks = pool->tasks;
	ph->host.nr_tasks = pool->nr_tasks;
	ph->host.batch = pool->batch;
	ph->host.stats = stats;
	ph->host.log = host_log;
	/* Lua reaches the backend only through us, so a bad answer is caught. */
	ph->host.select_cpu = host_select_cpu;
	ph->host.ctx = ph;
	ph->host.cstack_ok = sandbox_cstack_ok;
	sandbox_init();
	for (int i = 0; i < 2; i++) {
		err = buddy_init(&ph->st[i].heap, a, heap_bytes, 32u << 20);
		if (err)
			return err;
	}
	return watchdog_start(cfg->watchdog_ms);
}

void policy_host_free(struct policy_host *ph)
{
	watchdog_stop();
	for (int i = 0; i < 2; i++)
		if (ph->st[i].L)
			close_state(&ph->st[i]);
	ph->active = -1;
}
