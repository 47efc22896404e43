/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy.h - hosting a Lua policy: load, call once per batch, isolate,
 * reload.
 *
 * Two LuaJIT states live in two fixed heaps carved from the arena: the
 * active one and a spare. A reload builds the new policy in the spare and
 * swaps only when it loaded and its init succeeded, so a broken edit never
 * replaces a working policy. Every call into Lua is guarded: errors come
 * back with a traceback naming file:line, and a call that does not return
 * within the watchdog budget is stopped (interpreted code, by a hook) or
 * abandoned (JIT-compiled code cannot be interrupted: the state and its
 * heap are dropped wholesale). Either way the caller gets a negative errno
 * and orders the batch with the C fallback. Task state lives in the core's
 * store, not in Lua, so nothing is lost with a state.
 *
 * One policy host per process (the watchdog signal handler finds it
 * through a static). All calls from the loop thread.
 */
#ifndef SCX_POLICY_H
#define SCX_POLICY_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "buddy.h"
#include "clock.h"
#include "logring.h"
#include "policy_abi.h"

struct lua_State;

struct policy_cfg {
	bool sandbox;
	int watchdog_ms;        /* CPU ms per stage; wall bound 8x (policy.c) */
	int nr_cpus;
	double slice_ns, slice_min_ns, slice_max_ns, tick_ns;
	const char *backend;    /* reported to P.init as sys.backend */
	const char *const *opts; /* "key=value" strings */
	const int32_t *cpu_llc; /* nr_cpus entries: last-level cache id per CPU (NULL: all 0) */
	const int32_t *cpu_node; /* ... NUMA node per CPU (NULL: all 0) */
	const int32_t *cpu_core; /* ... physical core: lowest SMT sibling (NULL: the CPU itself) */
	int nr_opts;
};

/* The loop's side: the task pool Lua borrows, and the backend's CPU pick
 * (which the host calls with the task's pid, CPU and flags as the core
 * keeps them, never as Lua left them). */
struct policy_pool {
	struct scx_task *tasks;
	uint32_t nr_tasks;
	uint32_t *batch;
	int32_t (*select_cpu)(void *ctx, int32_t pid, int32_t prev_cpu, uint32_t flags);
	void *ctx;
};

struct pstate {
	struct lua_State *L;
	struct buddy heap;
	int ref_traceback, ref_enqueue, ref_dispatch, ref_tick, ref_exit, ref_stats;
	int ref_jit_watch, ref_jit_report, ref_check_watch, ref_check_report;
	bool has_dispatch, has_tick;
	char name[64];
};

struct policy_host {
	struct policy_cfg cfg;
	struct pstate st[2];
	int active;             /* index into st, -1: none (fallback orders everything) */
	int shadow;             /* the spare running a shadow policy (--shadow), -1: none */
	char shadow_path[PATH_MAX];
	struct scx_stats *shadow_stats;
	char path[PATH_MAX];    /* file of the active policy */
	struct scx_host host;   /* what Lua sees; host.ctx is this policy_host */
	struct policy_pool pool;
	struct scx_stats *stats;
	struct logring *log;
	char err[2048];         /* the last error, file:line first */
	double last_report_ns;
	uint64_t nr_suppressed;
	bool loading;           /* inside policy_load()'s calls */
};

/* @heap_bytes is the size of each of the two Lua heaps. 0 or negative
 * errno. */
int policy_host_init(struct policy_host *ph, struct arena *a, size_t heap_bytes,
		     const struct policy_cfg *cfg, const struct policy_pool *pool,
		     struct scx_stats *stats, struct logring *log);
void policy_host_free(struct policy_host *ph);

/* Load @path into the spare state and make it active. On failure the
 * previous policy stays active and ph->err says why (file:line). */
int policy_load(struct policy_host *ph, const char *path);
bool policy_active(const struct policy_host *ph);
bool policy_has_dispatch(const struct policy_host *ph);
bool policy_has_tick(const struct policy_host *ph);
const char *policy_name(const struct policy_host *ph);

/* Run P.enqueue / P.dispatch over host.batch[0..n-1]. 0, or a negative
 * errno (-ETIMEDOUT: watchdog; -ENOMEM: heap exhausted; -EINVAL: a Lua
 * error) after which the caller must order the batch itself. */
int policy_enqueue(struct policy_host *ph, uint32_t n, double now);
int policy_dispatch(struct policy_host *ph, uint32_t n, double now);
int policy_tick(struct policy_host *ph, double now);
void policy_exit(struct policy_host *ph, const char *reason);
/* The policy's own metrics (P.stats) into @buf: a JSON object (@json) or
 * "name=value ..."; "" when it has none or they do not fit. The length, or
 * a negative errno after an error (reported; the policy stays). */
int policy_stats(struct policy_host *ph, bool json, char *buf, size_t len);

/*
 * The shadow (--shadow): a second policy in the spare state, called over
 * the same batches through its own @host (its own stats, rule table and
 * select_cpu), whose decisions the caller compares and throws away. Its
 * failures are counted in @sst and end it, never the live policy; ph->err
 * says why. There are two states: loading the live policy (a reload)
 * drops the shadow first, unless the live policy was retired (its state
 * is free). Promotion is dropping it and loading its file as the live
 * policy.
 */
int policy_shadow_load(struct policy_host *ph, const char *path, struct scx_host *host,
		       struct scx_stats *sst);
int policy_shadow_enqueue(struct policy_host *ph, uint32_t n, double now);
int policy_shadow_tick(struct policy_host *ph, double now);
void policy_shadow_drop(struct policy_host *ph, const char *reason);
bool policy_shadow_has_dispatch(const struct policy_host *ph);
/* Its P.name, NULL when there is none. */
const char *policy_shadow_name(const struct policy_host *ph);

/* For `check`: start watching JIT traces, then report. */
int policy_jit_watch(struct policy_host *ph);
int policy_jit_report(struct policy_host *ph, bool *loop_compiled, char *buf, size_t len);
/* For `check`: start counting wall-clock calls, then one warning a line
 * (os.time() calls, a task kept after the call); "" when none. */
int policy_check_watch(struct policy_host *ph);
int policy_check_report(struct policy_host *ph, char *buf, size_t len);

/* Report an error at most once per second; the rest are counted. */
void policy_report(struct policy_host *ph, const char *what);

#endif
