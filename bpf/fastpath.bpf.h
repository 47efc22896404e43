/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fastpath.bpf.h - what is decided here, without a round trip to user
 * space: a task whose slice ran out while nothing else waits goes on
 * (keep_running at its enqueue, keep_prev in ops.dispatch); a task we
 * preempted keeps its place if the policy asked for that (keep_preempted);
 * a task the policy gave a rule (rules.h) is
 * decided at its enqueue with the rule's arithmetic (rule_dispatch) and,
 * woken where it may preempt at once, placed there (preempt_in_place), and
 * the policy is told after the fact (an observed record, submitted without
 * a wake-up and without anybody waiting on it; dropped and counted when
 * the ring is full). The policy stays in charge: it sees every such
 * decision, can change a task's rule or take the task back (rule 0), and
 * decides every task it gave no rule, every new task, and everything
 * under -u. Included once, by main.bpf.c.
 */
#ifndef SCX_LUA_FASTPATH_BPF_H
#define SCX_LUA_FASTPATH_BPF_H

#define RCU_READER_SLICE_NS (500ULL * 1000)

/*
 * A task whose slice ran out while nothing else waits for a CPU goes on
 * here at once (rules.h), with the same slice and deadline as its last
 * decision and the same start, so the policy's next record shows one run.
 * Without this, each wake-up of one of the scheduler's own threads, landing
 * on a CPU that runs a hog, sent the hog through user space and back.
 */
static bool keep_running(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	bool woke = enq_flags & SCX_ENQ_WAKEUP;
	s32 cpu = scx_bpf_task_cpu(p);
	s32 nr_local, nr_shared;
	struct rule_sched s;

	/*
	 * rule_keep_running is a conjunction: its terms are looked at one by
	 * one, likeliest to fail first, and the first that fails answers.
	 * The commonest enqueue, a wake-up, asks nothing more; the commonest
	 * slice's end, a task preempted for a woken one, stops at this CPU's
	 * queue, which holds that task.
	 *
	 * "This CPU's" queue is both ours and the kernel's local DSQ: a task
	 * the kernel will run here next (a per-CPU kthread, a wake-up that the
	 * idle fast path sent here) would otherwise have this one wait behind
	 * it, out of reach of the other CPUs, while one of them went idle.
	 */
	if (!rule_keep_running_may(woke, p->scx.slice, tctx->slice))
		return false;
	nr_local = nr_queued_for(cpu);
	if (nr_local)
		return false;
	nr_shared = scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ);
	if (nr_shared)
		return false;
	sched_view(&s);
	if (!rule_keep_running(woke, p->scx.slice, tctx->slice, &s, nr_shared, nr_local))
		return false;
	tctx->deadline = tctx->run_deadline;
	tctx->decided = tctx->run_decided;
	tctx->kept = 1;
	tctx->slice_used = 0;
	insert(p, SCX_DSQ_LOCAL, tctx->slice, enq_flags);
	trace("enq %d: kept running, nothing waits", p->pid);
	__sync_fetch_and_add(&nr_kept, 1);
	return true;
}

/*
 * ops.dispatch found nothing this CPU may run, and @prev, its slice out (or
 * taken by a kick whose task ran elsewhere), is still runnable here: it goes
 * on by the same rule as keep_running, without a trip through ops.enqueue or
 * a context switch. Decided here because under SCX_OPS_ENQ_LAST the kernel
 * would enqueue it only once it has committed this CPU to idle. No
 * ops.running follows, so this CPU's state for the rules is set here.
 */
static bool keep_prev(struct task_struct *prev, s32 cpu, const struct rule_sched *s)
{
	struct task_ctx *tctx;
	struct rule_cpu *c;

	if (!prev || is_usersched_task(prev) || !(prev->scx.flags & SCX_TASK_QUEUED))
		return false;
	tctx = lookup_task_ctx(prev);
	/* 0, 0: the moves that came before found nothing in either DSQ for here */
	if (!tctx || !rule_keep_running(false, prev->scx.slice, tctx->slice, s, 0, 0))
		return false;
	tctx->slice_used = 0;
	tctx->slice_ts = bpf_ktime_get_ns();
	c = cpu_state(cpu);
	c->kicked = 0;
	c->deadline = tctx->run_deadline;
	c->run_start = tctx->run_ts;
	set_slice(prev, tctx->slice);
	trace("dispatch cpu %d: %d kept running, nothing waits", cpu, prev->pid);
	__sync_fetch_and_add(&nr_kept, 1);
	return true;
}

/*
 * A task preempted inside an RCU read-side section (or with migration
 * disabled) holds up every grace period on the machine until it runs
 * again, and the kernel ends a sched_ext scheduler at the first RCU stall
 * (21 s): in a fork storm such a task, queued behind the backlog, was
 * enough. It goes first on its own CPU, with a short slice: it only has to
 * leave the section, and it is preempted again soon if it lingers there.
 */
static bool rcu_reader_first(struct task_struct *p, u64 enq_flags)
{
	int own;

	if (enq_flags & SCX_ENQ_WAKEUP)
		return false;   /* a sleeper is in no read-side section */
	/* A task preempted is enqueued in its own context, where this very
	 * program's trampoline holds an RCU read lock and migration disabled:
	 * those are not the task's. Counting them made every preempted task
	 * go first, and a CPU hog took its CPU back from everyone, forever. */
	own = p->pid == (s32)bpf_get_current_pid_tgid();
	if (p->rcu_read_lock_nesting <= own && p->migration_disabled <= own)
		return false;
	insert(p, SCX_DSQ_LOCAL, RCU_READER_SLICE_NS, enq_flags | SCX_ENQ_HEAD);
	trace("enq %d: preempted in an RCU section, first", p->pid);
	__sync_fetch_and_add(&nr_rcu_first, 1);
	return true;
}

/*
 * A task we preempted, back without sleeping: if the policy allows it, it
 * keeps its place (deadline) and what is left of its slice, and the
 * policy's next record shows one run, as for a kept run.
 */
static bool keep_preempted(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	u64 left;

	if (!tune_keep_preempted || !tctx->preempted || !tctx->slice || !tctx->run_decided)
		return false;
	left = rule_slice_left(tctx->slice, tctx->slice_used, SLICE_MIN_NS);
	if (!left)
		return false;
	tctx->deadline = tctx->run_deadline;
	tctx->decided = 1;
	tctx->kept = 1;
	insert_shared(p, tctx, left, tctx->run_deadline, enq_flags);
	trace("enq %d: preempted, keeps deadline %llu", p->pid, tctx->run_deadline);
	__sync_fetch_and_add(&nr_preempt_kept, 1);
	kick_idle_for(p, SCX_LUA_KICK_TASK_IDLE);
	return true;
}

/* Is a CPU @p may use idle? */
static bool any_idle_for(struct task_struct *p)
{
	const struct cpumask *idle = scx_bpf_get_idle_cpumask();
	bool any;

	/* A CPU number, not bpf_cpumask_intersects()'s bool, which needs
	 * kbool() (compat.bpf.h: it returned -256 for false here). */
	any = bpf_cpumask_any_and_distribute(idle, p->cpus_ptr) < nr_cpu_ids_ro;
	scx_bpf_put_idle_cpumask(idle);
	return any;
}

/*
 * A woken task that may preempt the CPU waking it, its own (rules.h,
 * rule_preempt_in_place): into this CPU's local DSQ with SCX_ENQ_PREEMPT.
 * The kernel zeroes the running task's slice and reschedules on the way
 * out of the wake-up; that task comes back marked preempted (kicked, as
 * for a kick). Or one with no idle CPU to go to (or pinned here), while
 * the scheduler process has held this CPU for a while
 * (rule_wakeup_preempts_sched): the same insertion, and the scheduler
 * comes back owed (RULE_OWED_MIDBATCH).
 */
static bool preempt_in_place(struct task_struct *p, struct task_ctx *tctx, u64 deadline,
			     u64 slice, u64 enq_flags)
{
	s32 here = bpf_get_smp_processor_id();
	bool own = (enq_flags & SCX_ENQ_WAKEUP) && scx_bpf_task_cpu(p) == here;
	struct rule_tune tu;
	bool victim;
	struct rule_cpu *c;
	u64 waiting, now;

	if (!own)
		return false;   /* the common case, cheaply */
	tune_view(&tu);
	c = cpu_state(here);
	now = bpf_ktime_get_ns();
	if (!rule_wakeup_may_preempt(&tu, tctx->sync_wake))
		return false;
	/* The kfuncs are asked only while the scheduler runs here. */
	if (sched_since[here & CPU_MASK] &&
	    rule_wakeup_preempts_sched(p->nr_cpus_allowed == 1 || !any_idle_for(p),
				       sched_since[here & CPU_MASK],
				       scx_bpf_dsq_nr_queued(here & CPU_MASK), &tu, now)) {
		insert(p, SCX_DSQ_LOCAL, slice, enq_flags | SCX_ENQ_PREEMPT);
		trace("enq %d: pinned here, preempts the scheduler on cpu %d", p->pid, here);
		__sync_fetch_and_add(&nr_sched_preempted, 1);
		return true;
	}
	victim = rule_deadline_preempts(c, &tu, deadline, now);
	if (!victim)
		return false;
	waiting = scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ) + nr_queued_for(here);
	/* With tasks waiting the answer is no whatever the idle CPUs: the
	 * three kfuncs that look at them are spared. */
	if (!rule_preempt_in_place(victim, own, waiting, !waiting && any_idle_for(p)))
		return false;
	c->deadline = deadline;
	c->run_start = 0;
	c->kicked = 1;
	insert(p, SCX_DSQ_LOCAL, slice, enq_flags | SCX_ENQ_PREEMPT);
	trace("enq %d: preempts cpu %d in place", p->pid, here);
	__sync_fetch_and_add(&nr_deadline_preempts, 1);
	return true;
}

/*
 * A task an idle CPU took before the policy ever decided it has no rule, so
 * its first wake-up that finds no idle CPU would wait for the scheduler
 * process: at a load's start, a sleeper beside new CPU hogs waited for the
 * round trip (10-25 ms under emulation, LuaJIT compiling the new paths).
 * Its first such run sends the policy a record instead, for the record
 * only (QF_IDLE: nothing waits on it, the run stands): the policy's answer
 * gives it its rule and vtime (SCX_LUA_DF_RULE_ONLY), before it needs them.
 * Once per task; only while some rule is published. Left out: a task that
 * had a rule before a reload keeps its id; if the new policy has no such
 * rule, it is decided in Lua at its next wait, as before.
 */
static void introduce(struct task_struct *p, struct task_ctx *tctx, u64 wake_flags)
{
	struct observed obs = { .vtime_before = tctx->vtime, .slice = slice_ns, .idle = true };

	if (!rules_live || tctx->rule || tctx->introduced)
		return;
	obs.now = bpf_ktime_get_ns();
	/* A fork's first run follows no sleep (the replay reads it as born).
	 * Lost to a full ring: the next idle CPU tries again. */
	if (send_record(p, tctx, (wake_flags & SCX_WAKE_FORK) ? 0 : SCX_ENQ_WAKEUP, &obs)) {
		tctx->introduced = 1;
		usersched_introduced = 1;
		__sync_fetch_and_add(&nr_introduced, 1);
	} else {
		__sync_fetch_and_add(&nr_observe_dropped, 1);
	}
}

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
	trace("enq %d: rule %u, deadline %llu slice %llu", p->pid, id, obs.deadline, obs.slice);
	if (!r->preempt) {
		insert_shared(p, tctx, obs.slice, obs.deadline, enq_flags);
		kick_idle_for(p, SCX_LUA_KICK_TASK_IDLE);
	} else if (!preempt_in_place(p, tctx, obs.deadline, obs.slice, enq_flags)) {
		insert_shared(p, tctx, obs.slice, obs.deadline, enq_flags);
		tctx->tick_preempt = tctx->woke;
		place_shared(p, tctx, obs.deadline, &dc);
	}
	__sync_fetch_and_add(&nr_rule_dispatches, 1);
	if (!send_record(p, tctx, enq_flags, &obs))
		__sync_fetch_and_add(&nr_observe_dropped, 1);
	return true;
}

#endif
