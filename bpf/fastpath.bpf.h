/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fastpath.bpf.h - the policy's rule, applied here: a task the policy gave
 * a rule (rules.h) is decided at its enqueue with the rule's arithmetic,
 * without a round trip through user space, and the policy is told after
 * the fact (an observed record, submitted without a wake-up and without
 * anybody waiting on it; dropped and counted when the ring is full). The
 * policy stays in charge: it sees every such decision, can change a
 * task's rule or take the task back (rule 0), and decides every task it
 * gave no rule, every new task, and everything under -u. Included once, by
 * main.bpf.c.
 */
#ifndef SCX_LUA_FASTPATH_BPF_H
#define SCX_LUA_FASTPATH_BPF_H

static bool rule_dispatch(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	struct drain_ctx dc = { .cpu = -1, .slot_free = false };
	u64 now = bpf_ktime_get_ns(), clock = rule_clock;
	struct observed obs = { .vtime_before = tctx->vtime, .now = now };
	u32 id = tctx->rule;
	struct rule_params *r;

	if (!builtin_idle)
		return false;   /* -u: every decision goes through the policy */
	r = bpf_map_lookup_elem(&rules, &id);
	if (!r || r->kind == RULE_NONE)
		return false;
	rule_decide(r, &tctx->vtime, &clock, tctx->stop_ts - tctx->start_ts, tctx->exec_runtime,
		    p->scx.weight, now - time_base, &obs.deadline, &obs.slice);
	if (clock > rule_clock)
		rule_clock = clock;
	tctx->deadline = obs.deadline;
	tctx->decided = 1;
	tctx->slice = obs.slice;
	tctx->slice_used = 0;
	tctx->kept = 0;
	tctx->woke = !!(enq_flags & SCX_ENQ_WAKEUP);
	if (obs.deadline > vtime_max)
		vtime_max = obs.deadline;
	insert_shared(p, tctx, obs.slice, obs.deadline, enq_flags);
	if (r->preempt)
		place_shared(p, tctx, obs.deadline, &dc);
	else
		kick_idle_for(p, SCX_LUA_KICK_TASK_IDLE);
	__sync_fetch_and_add(&nr_rule_dispatches, 1);
	if (!send_record(p, tctx, enq_flags, &obs))
		__sync_fetch_and_add(&nr_observe_dropped, 1);
	return true;
}

#endif
