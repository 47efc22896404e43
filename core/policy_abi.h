/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * policy_abi.h - what a Lua policy sees of the core, and nothing else.
 *
 * Everything between the ffi:begin and ffi:end markers is fed verbatim
 * (minus comments) to ffi.cdef() by the runtime: the Makefile generates
 * build/gen/cdef.lua from this file, so C and Lua can never disagree on a
 * layout. Keep that region plain C: fixed-width types, constants as enums
 * (Lua reads enums as numbers), no macros, no includes.
 *
 * Times are doubles in nanoseconds since the scheduler started. A double
 * holds whole nanoseconds exactly for 104 days of uptime and loses at most a
 * few ns after that, which no scheduling decision can see; in exchange every
 * field is a plain Lua number and the per-task loop never boxes a uint64.
 *
 * No raw arrays cross to Lua: LuaJIT does not bounds-check FFI arrays, so
 * `t.scratch[100000] = x` or `t.comm + n` would let a sandboxed policy write
 * into the core's memory. The scratch slots are eight named doubles behind
 * a bounds-checked metatype (runtime.lua), and the command name is two
 * words that only the trusted scx.comm(t) turns into a string.
 *
 * Ownership: the core owns every struct here (preallocated, in the locked
 * arena). Lua borrows a `struct scx_task *` for the duration of one batch
 * call and must not keep it: after the call the slot is reused for another
 * task. Bump SCX_ABI_VERSION whenever this region changes; the runtime
 * refuses to start against a core with another version.
 */
#ifndef SCX_POLICY_ABI_H
#define SCX_POLICY_ABI_H

#include <stddef.h>
#include <stdint.h>

/* ffi:begin */
enum {
	SCX_ABI_VERSION = 6,
	SCX_CPU_ANY = -1,        /* t.cpu: any CPU, first one free */
	SCX_NR_SCRATCH = 8,      /* t.scratch[0..7]: the policy's own per-task state */
	SCX_COMM_LEN = 16,
	SCX_WEIGHT_DFL = 100,    /* weight of a nice-0 task; range 1..10000 */
};

/* t.flags: why the task is being enqueued (translated by the backend). */
enum {
	SCX_TF_WAKEUP = 1,       /* it slept and woke up (exec_runtime was reset) */
	SCX_TF_PREEMPTED = 2,    /* it was runnable and lost its CPU before the slice ended */
	SCX_TF_NEW = 4,          /* first time the core sees this pid */
	SCX_TF_REQUEUED = 8,     /* queued again without running since the last time
	                          * (affinity or priority changed while it waited):
	                          * the core sets start_ts = stop_ts: no new run */
	SCX_TF_OBSERVED = 16,    /* its rule decided it already, in the kernel: this call
	                          * only tells the policy (outputs other than t.rule and
	                          * t.scratch are ignored; t.deadline holds the rule's);
	                          * with t.rule 0, an idle CPU took it undecided, and
	                          * t.vtime is kept too */
};

/* A rule the kernel side applies by itself (scx.rule; bpf/rules.h). */
enum {
	SCX_RULE_NONE = 0,       /* the policy decides */
	SCX_RULE_FIFO = 1,       /* deadline = when it was queued */
	SCX_RULE_VTIME = 2,      /* weighted vtime plus a bounded runtime term */
	SCX_RULE_MAX = 16,       /* ids 1..15 */
};

/* The live path's settings a policy may choose (scx.tune): < 0, not set
 * (the command line's, or the default). */
struct scx_tune {
	double budget_ns;        /* how long a task may wait for the scheduler process */
	double preempt_min_ns;   /* how long a task runs before a deadline preempts it */
	double keep_preempted;   /* 1: a task we preempt keeps its deadline and slice left */
};

struct scx_rule {
	uint32_t kind;           /* SCX_RULE_* */
	uint32_t preempt;        /* a woken task preempts by deadline */
	uint32_t slice_by_weight;
	uint32_t pad;
	double slice_ns, slice_min_ns, slice_max_ns;
	double lag_ns;           /* a sleeper's vtime floor: the clock minus this */
	double runtime_cap_ns;   /* bound on exec_runtime * 100 / weight in the deadline */
	double lead_ns;          /* how far a vtime may lead the clock, at weight 100 */
};

/* t.dispatch_flags: requests to the backend. */
enum {
	SCX_DF_PREEMPT = 1,      /* preempt whatever runs on t.cpu */
};

/* t.scratch[0..7]: indexing is checked by the runtime's metatype. */
struct scx_scratch {
	double s0, s1, s2, s3, s4, s5, s6, s7;
};

struct scx_task {
	/* inputs: set by the core before P.enqueue; const to Lua (runtime.lua) */
	int32_t pid;
	int32_t tgid;
	int32_t prev_cpu;        /* CPU it last ran on */
	int32_t nr_cpus_allowed;
	uint32_t weight;         /* 1..10000, SCX_WEIGHT_DFL = nice 0 */
	uint32_t flags;          /* SCX_TF_* */
	/* stop_ts - start_ts is the run since the last enqueue (0: none) */
	double start_ts;         /* ns: when it last started running */
	double stop_ts;          /* ns: when it last stopped running */
	double exec_runtime;     /* ns: CPU time since it last slept */
	double enqueue_ts;       /* ns: when the backend queued it */
	uint64_t comm_w0, comm_w1; /* 16 chars, NUL-terminated: scx.comm(t); C: SCX_TASK_COMM(t) */
	/* persisted per pid across enqueues and policy reloads */
	double vtime;
	struct scx_scratch scratch;
	/* outputs: the core fills defaults (deadline = now, slice_ns = sys.slice_ns,
	 * cpu = SCX_CPU_ANY) before P.enqueue and validates them after */
	double deadline;         /* heap key: smallest is dispatched first */
	double slice_ns;
	int32_t cpu;
	uint32_t dispatch_flags; /* SCX_DF_* */
	/* in and out, persisted per pid: the rule (scx.rule) that decides its next
	 * wake-ups in the kernel, 0: this policy does */
	uint32_t rule;
	uint32_t pad;
};

/* Counters of the core, read by P.tick through a Lua table copy. */
struct scx_stats {
	uint64_t nr_queued;          /* tasks drained from the backend */
	uint64_t nr_dispatched;      /* dispatches the backend accepted */
	uint64_t nr_requeued;        /* dispatches refused and put back in the heap */
	uint64_t nr_batches;
	uint64_t nr_policy_calls;    /* C-to-Lua calls (one per batch and hook) */
	uint64_t nr_policy_errors;
	uint64_t nr_fallback_batches;
	uint64_t nr_fallback_tasks;
	uint64_t nr_bad_deadline;    /* NaN, negative or infinite deadlines */
	uint64_t nr_bad_slice;       /* NaN, <= 0 or beyond the bounds */
	uint64_t nr_bad_cpu;         /* CPU out of range */
	uint64_t nr_bad_vtime;       /* NaN, infinite or beyond any real vtime: not stored */
	uint64_t nr_watchdog;        /* policy calls that did not return in time */
	uint64_t nr_reloads;
	uint64_t nr_reload_failures;
	uint64_t nr_store_evictions; /* store full: least recently seen pid dropped */
	uint64_t nr_store_expired;   /* pids not seen for the store TTL */
	uint64_t nr_pool_full;       /* rounds that left tasks in the backend: no free slot */
	uint64_t nr_log_dropped;     /* log lines lost to a full log ring */
	uint64_t nr_page_faults;     /* minor + major faults since warm-up */
	uint64_t nr_pending;         /* tasks in the heap now */
	uint64_t max_pending;
	uint64_t policy_ns;          /* time spent inside policy calls */
	uint64_t lua_mem;            /* bytes the policy state holds */
	uint64_t reload_ns;          /* duration of the last reload */
	uint64_t nr_observed;        /* decided in the kernel by their rule, seen by the policy */
	uint64_t nr_rule_checked;    /* decisions compared with the task's rule */
	uint64_t nr_rule_disagree;   /* the policy and its rule decided a task differently */
	uint64_t nr_rule_changes;    /* rules changed after the fact (observed tasks) */
	uint64_t nr_bad_rule;        /* rules, or rule ids, that were not valid */
	uint64_t max_batch;          /* the most tasks one policy call saw */
};

/* Handed to the runtime once at load; the only door from Lua into C.
 * select_cpu takes a task's slot (tasks[slot]), never values read from the
 * task by Lua: C looks the task up itself. */
struct scx_host {
	uint32_t abi_version;
	int32_t nr_cpus;
	struct scx_task *tasks;      /* slot pool */
	uint32_t nr_tasks;           /* slots in the pool */
	uint32_t *batch;             /* slot indices of the current batch */
	struct scx_stats *stats;
	void *ctx;
	int32_t (*select_cpu)(void *ctx, uint32_t slot);
	void (*log)(void *ctx, const char *msg, size_t len);
	int32_t (*cstack_ok)(void);  /* 0: this call used up its C stack budget */
	struct scx_rule *rules;      /* SCX_RULE_MAX, written by scx.rule() */
	struct scx_tune *tune;       /* written by scx.tune() */
	uint32_t *rules_gen;         /* bumped by scx.rule() and scx.tune(): the core publishes */
};
/* ffi:end */

/* The command name as C sees it (16 bytes, the core terminates it). */
#define SCX_TASK_COMM(t) ((char *)&(t)->comm_w0)
#define SCX_TASK_COMM_CONST(t) ((const char *)&(t)->comm_w0)

#endif
