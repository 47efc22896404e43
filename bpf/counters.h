/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * counters.h - the live path's counters under one set of names, filled by
 * the live backend (from the BPF side's globals, bpf/live.c) and by the
 * simulated machine (sim/), and printed the same way by both, so a
 * simulator row and a vm-bench row compare name for name. User space only.
 */
#ifndef SCX_LUA_COUNTERS_H
#define SCX_LUA_COUNTERS_H

#include <stdio.h>

#include "intf.h"

struct lua_counters {
	unsigned long long queued;             /* records sent to the scheduler */
	unsigned long long user_dispatches;    /* decisions carried out */
	unsigned long long kernel_dispatches;  /* decided without the scheduler (idle CPU, bypass) */
	unsigned long long cancel;             /* decisions for a record since replaced */
	unsigned long long bounce;             /* a CPU the task may not use: shared DSQ */
	unsigned long long congested;          /* the ring was full: bypassed */
	unsigned long long stuck_bypass;       /* the scheduler was stuck: bypassed */
	unsigned long long stuck_rescued;      /* held by a stuck scheduler: run anyway */
	unsigned long long starve_rescued;     /* waited past --starve-ms: run next */
	unsigned long long deadline_preempts;  /* preempted for a woken task's earlier deadline */
	unsigned long long preempt_guarded;    /* would have been, but ran under --preempt-us */
	unsigned long long preempt_sync;       /* would have been, but the wake-up was a sync one */
	unsigned long long rcu_first;          /* preempted in an RCU read-side section: ran first */
	unsigned long long sched_preempted;    /* the scheduler, for a task with nowhere else to go */
	unsigned long long kept;               /* slice out, nothing waits: went on */
	unsigned long long preempt_kept;       /* preempted, kept its deadline in BPF */
	unsigned long long rule_dispatches;    /* decided by the policy's rule, in BPF */
	unsigned long long observe_dropped;    /* their records for the policy: ring full */
	unsigned long long introduced;         /* undecided, an idle CPU took them: told */
	unsigned long long runs[SCX_LUA_RUN_NR];    /* the scheduler got a CPU, by reason */
	unsigned long long kicks[SCX_LUA_KICK_NR];  /* CPUs kicked, by reason */
};

/* One counter: its name in the stats line, its value, what it counts. */
struct lua_counter {
	const char *name;
	unsigned long long v;
	const char *help;
};

#define LUA_COUNTERS_NR (19 + SCX_LUA_RUN_NR + SCX_LUA_KICK_NR)

/*
 * Every counter of @c, in the stats line's order, with its help: the one
 * table the line, --help-stats and any other view are made from.
 */
static inline int lua_counters_list(const struct lua_counters *c, struct lua_counter *out)
{
	static const char *const runs[SCX_LUA_RUN_NR][2] = {
		{ "run_midbatch", "the scheduler got a CPU: it had lost one with a batch in hand" },
		{ "run_hog", "... a CPU hog was preempted for a woken task's record" },
		{ "run_heartbeat", "... housekeeping, at least every 100 ms" },
		{ "run_budget", "... its oldest record had waited --budget-us" },
		{ "run_ring", "... the ring of records passed its watermark" },
		{ "run_idle", "... the CPU had nothing else to run" },
	};
	static const char *const kicks[SCX_LUA_KICK_NR][2] = {
		{ "kick_task_idle", "CPUs kicked: an idle CPU woken for a task" },
		{ "kick_deadline", "... preempted for a woken task's earlier deadline" },
		{ "kick_policy", "... preempted because the policy asked (DF_PREEMPT)" },
		{ "kick_sched_idle", "... an idle CPU woken for the scheduler" },
		{ "kick_sched_hog", "... a CPU hog preempted for the scheduler" },
		{ "kick_sched_budget", "... preempted from a tick: the budget ran out" },
		{ "kick_heartbeat", "... for the scheduler's heartbeat" },
		{ "kick_tick_deadline", "... preempted from a tick for a woken task waiting: an earlier deadline, or the scheduler's long step" },
	};
	const struct lua_counter f[] = {
		{ "queued", c->queued, "records sent to the scheduler process" },
		{ "user_dispatches", c->user_dispatches, "its decisions carried out" },
		{ "kernel_dispatches", c->kernel_dispatches,
		  "decided without it: an idle CPU, kernel threads, bypasses" },
		{ "cancel", c->cancel, "decisions for a record replaced since (stale)" },
		{ "bounce", c->bounce, "decisions naming a CPU the task may not use: shared queue" },
		{ "congested", c->congested, "the ring was full: the task bypassed the policy" },
		{ "stuck_bypass", c->stuck_bypass, "the scheduler process was stuck: bypassed" },
		{ "stuck_rescued", c->stuck_rescued, "held by a stuck scheduler process: run anyway" },
		{ "starve_rescued", c->starve_rescued, "waited past --starve-ms: run next" },
		{ "deadline_preempts", c->deadline_preempts,
		  "CPUs preempted for a woken task's earlier deadline" },
		{ "preempt_guarded", c->preempt_guarded,
		  "would have been, but the task had run less than --preempt-us" },
		{ "preempt_sync", c->preempt_sync,
		  "would have been, but the wake-up was a sync one (--preempt-sync)" },
		{ "rcu_first", c->rcu_first,
		  "preempted in an RCU read-side section: first on its CPU" },
		{ "sched_preempted", c->sched_preempted,
		  "the scheduler process preempted for a woken task with no other CPU to go to" },
		{ "kept", c->kept, "slice out while nothing waits: went on" },
		{ "preempt_kept", c->preempt_kept, "preempted by us, kept its deadline (keep_preempted)" },
		{ "rule_dispatches", c->rule_dispatches, "decided in the kernel by the policy's rule" },
		{ "observe_dropped", c->observe_dropped,
		  "their records for the policy, lost to a full ring" },
		{ "introduced", c->introduced,
		  "undecided tasks an idle CPU took: sent to the policy once, for their rule" },
	};
	int n = 0;

	_Static_assert(sizeof(f) / sizeof(f[0]) + SCX_LUA_RUN_NR + SCX_LUA_KICK_NR == LUA_COUNTERS_NR,
		       "LUA_COUNTERS_NR counts every counter");
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		out[n++] = f[i];
	for (int i = 0; i < SCX_LUA_RUN_NR; i++)
		out[n++] = (struct lua_counter){ runs[i][0], c->runs[i], runs[i][1] };
	for (int i = 0; i < SCX_LUA_KICK_NR; i++)
		out[n++] = (struct lua_counter){ kicks[i][0], c->kicks[i], kicks[i][1] };
	return n;
}

#endif
