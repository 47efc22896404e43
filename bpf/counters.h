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
	unsigned long long kept;               /* slice out, nothing waits: went on */
	unsigned long long preempt_kept;       /* preempted, kept its deadline in BPF */
	unsigned long long rule_dispatches;    /* decided by the policy's rule, in BPF */
	unsigned long long observe_dropped;    /* their records for the policy: ring full */
	unsigned long long runs[SCX_LUA_RUN_NR];    /* the scheduler got a CPU, by reason */
	unsigned long long kicks[SCX_LUA_KICK_NR];  /* CPUs kicked, by reason */
};

/* " name=value" for every counter, in this order. Returns the length. */
static inline int lua_counters_format(const struct lua_counters *c, char *buf, size_t len)
{
	static const char *const runs[SCX_LUA_RUN_NR] = {
		"run_midbatch", "run_hog", "run_heartbeat", "run_budget", "run_ring", "run_idle",
	};
	static const char *const kicks[SCX_LUA_KICK_NR] = {
		"kick_task_idle", "kick_deadline", "kick_policy", "kick_sched_idle",
		"kick_sched_hog", "kick_sched_budget", "kick_heartbeat",
	};
	const struct { const char *name; unsigned long long v; } f[] = {
		{ "queued", c->queued }, { "user_dispatches", c->user_dispatches },
		{ "kernel_dispatches", c->kernel_dispatches }, { "cancel", c->cancel },
		{ "bounce", c->bounce }, { "congested", c->congested },
		{ "stuck_bypass", c->stuck_bypass }, { "stuck_rescued", c->stuck_rescued },
		{ "starve_rescued", c->starve_rescued },
		{ "deadline_preempts", c->deadline_preempts },
		{ "preempt_guarded", c->preempt_guarded }, { "preempt_sync", c->preempt_sync },
		{ "rcu_first", c->rcu_first }, { "kept", c->kept },
		{ "preempt_kept", c->preempt_kept }, { "rule_dispatches", c->rule_dispatches },
		{ "observe_dropped", c->observe_dropped },
	};
	size_t n = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]) && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s=%llu", f[i].name, f[i].v);
	for (int i = 0; i < SCX_LUA_RUN_NR && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s=%llu", runs[i], c->runs[i]);
	for (int i = 0; i < SCX_LUA_KICK_NR && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, " %s=%llu", kicks[i], c->kicks[i]);
	return (int)(n < len ? n : len);
}

#endif
