/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * channels.bpf.h - main.bpf.c's two channels to user space and the DSQs
 * they feed: a record out (send_record) for each task that needs a
 * decision, the decisions back (drain_dispatched), the shared DSQ and the
 * rescues that keep it moving when user space does not (held tasks of a
 * stuck scheduler, starved tasks). Included once, by main.bpf.c, after the
 * state and the kick helpers it uses.
 */
#ifndef SCX_LUA_CHANNELS_BPF_H
#define SCX_LUA_CHANNELS_BPF_H

/* A rule's decision, sent after the fact (QF_OBSERVED). */
struct observed {
	u64 vtime_before, deadline, slice;
	u64 now;   /* when the rule decided: the record's enqueue_ts, as the rule saw it */
	bool idle; /* no rule decided it: an idle CPU took it (introduce()) */
};

/* What ops.dispatch passes to each decision it drains. */
struct drain_ctx {
	s32 cpu;          /* the CPU draining; -1: ops.enqueue (a rule's decision) */
	bool slot_free;   /* it will take the shared DSQ's first task next */
	bool stopped;     /* the drain stopped early: it may have left decisions */
};

/* Into the shared DSQ, stamped (@tctx may be NULL) for the starvation guard. */
static void insert_shared(struct task_struct *p, struct task_ctx *tctx, u64 slice, u64 vtime,
			  u64 flags)
{
	if (tctx) {
		tctx->shared_ts = bpf_ktime_get_ns();
		tctx->tick_preempt = 0;   /* rule_dispatch sets it for a wake-up */
		tctx->on_way = 0;
	}
	insert_vtime(p, SCX_LUA_SHARED_DSQ, slice, vtime, flags);
}

/* Bypass: order it behind what user space already sent to the shared DSQ. */
static void dispatch_shared(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	insert_shared(p, tctx, slice_ns, vtime_max, enq_flags);
	__sync_fetch_and_add(&nr_kernel_dispatches, 1);
	kick_idle_for(p, SCX_LUA_KICK_TASK_IDLE);
}

/*
 * One record for user space. Submitted without a wake-up when the
 * scheduler is parked (it is given a CPU by the rules, not by the ring);
 * with -p the scheduler is not ours to park and sleeps in epoll instead.
 * False when the ring is full or the task cannot be tracked: the caller
 * bypasses it, so no untracked task can be stranded. With @obs, the task
 * was decided by its rule already: the record only tells the policy, and
 * nothing waits for an answer.
 */
static bool send_record(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags,
			const struct observed *obs)
{
	u64 now = obs ? obs->now : bpf_ktime_get_ns();
	struct queued_task *q;
	s32 pid = p->pid;

	q = bpf_ringbuf_reserve(&queued, sizeof(*q), 0);
	if (!q)
		return false;
	tctx->woke = !!(enq_flags & SCX_ENQ_WAKEUP);
	if (!obs) {
		tctx->enq_cnt++;
		if (bpf_map_update_elem(&held, &pid, &tctx->enq_cnt, BPF_ANY)) {
			bpf_ringbuf_discard(q, BPF_RB_NO_WAKEUP);
			return false;
		}
	}
	q->pid = pid;
	q->tgid = p->tgid;
	q->prev_cpu = scx_bpf_task_cpu(p);
	q->nr_cpus_allowed = p->nr_cpus_allowed;
	q->flags = (tctx->woke ? SCX_LUA_QF_WAKEUP : 0) |
		   (tctx->preempted ? SCX_LUA_QF_PREEMPTED : 0);
	q->weight = p->scx.weight;
	q->start_ts = tctx->start_ts;
	q->stop_ts = tctx->stop_ts;
	q->exec_runtime = tctx->exec_runtime;
	q->enqueue_ts = now;
	q->enq_cnt = tctx->enq_cnt;
	q->rule = tctx->rule;
	q->vtime = obs ? obs->vtime_before : tctx->vtime;
	if (obs) {
		q->flags |= obs->idle ? SCX_LUA_QF_IDLE : SCX_LUA_QF_OBSERVED;
		q->deadline = obs->deadline;
		q->slice_ns = obs->slice;
		q->vtime_after = tctx->vtime;
	}
	/* Two loads, not a helper call: the kernel keeps comm NUL-padded
	 * (strscpy_pad), as the record wants it. */
	__builtin_memcpy(q->comm, p->comm, sizeof(q->comm));
	bpf_ringbuf_submit(q, park_usersched ? BPF_RB_NO_WAKEUP : 0);
	if (obs)
		return true; /* nothing waits on it: no budget */
	__sync_fetch_and_add(&nr_queued, 1);
	if (!usersched_pending_since)
		usersched_pending_since = now;
	return true;
}

/*
 * A task just dispatched to the shared DSQ needs a CPU: the one draining,
 * if it may run there (it takes the shared DSQ's first task next), else an
 * idle one, else, for a wake-up, a CPU rules.h lets the wake-up preempt:
 * the one placing it, from ops.enqueue, if it may be (no IPI), else the one
 * running the latest deadline. Only a wake-up preempts, as in Linux's
 * wakeup_preempt(): a task back from its slice preempting in turn would
 * make CPU hogs take each other's CPU in a loop. A CPU draining in
 * ops.dispatch is never a victim: it is between two tasks (what it ran
 * still shows in its state until ops.stopping), and a kick would take the
 * next task's slice.
 */
static void place_shared(struct task_struct *p, struct task_ctx *tctx, u64 deadline,
			 struct drain_ctx *dc)
{
	s32 here = dc->cpu < 0 ? (s32)bpf_get_smp_processor_id() : -1;
	struct rule_cpu best = {};
	struct rule_tune tu;
	bool guarded = false;
	s32 victim = -1;
	u64 now;

	if (dc->slot_free && cpu_in(p->cpus_ptr, dc->cpu)) {
		dc->slot_free = false;
		return;
	}
	if (kick_idle_for(p, SCX_LUA_KICK_TASK_IDLE) || !tctx->woke)
		return;
	tune_view(&tu);
	now = bpf_ktime_get_ns();
	for (s32 i = 0; i < SCX_LUA_MAX_CPUS && i < nr_cpu_ids_ro; i++) {
		struct rule_cpu *c = &cpus[i & CPU_MASK];

		if (i == dc->cpu || !cpu_in(p->cpus_ptr, i))
			continue;
		if (rule_deadline_preempts(c, &tu, deadline, now)) {
			if (victim < 0 ||
			    rule_deadline_victim_better_here(c, i == here, &best, victim == here,
							     now)) {
				best = *c;
				victim = i;
			}
		} else if (rule_deadline_guarded(c, &tu, deadline, now)) {
			guarded = true;
		}
	}
	if (victim >= 0 && !rule_wakeup_may_preempt(&tu, tctx->sync_wake)) {
		__sync_fetch_and_add(&nr_preempt_sync, 1);
	} else if (victim >= 0) {
		/* Taken: the next wake-up in this drain looks elsewhere. */
		cpus[victim & CPU_MASK].deadline = deadline;
		cpus[victim & CPU_MASK].run_start = 0;
		tctx->tick_preempt = 0;   /* that CPU is on its way: no tick's too */
		tctx->on_way = 1;
		__sync_fetch_and_add(&nr_deadline_preempts, 1);
		kick_preempt(victim, SCX_LUA_KICK_DEADLINE);
	} else if (guarded) {
		__sync_fetch_and_add(&nr_preempt_guarded, 1);
	}
}

/*
 * @p exits: tell the core, which forgets its pid (a recycled pid must come
 * back new, not with the old task's vtime and scratch). Best effort: a full
 * ring drops it (counted) and the core's store forgets the pid after its
 * time to live instead.
 */
static void send_exit(struct task_struct *p)
{
	struct queued_task *q = bpf_ringbuf_reserve(&queued, sizeof(*q), 0);
	s32 pid = p->pid;

	bpf_map_delete_elem(&held, &pid);
	if (!q) {
		__sync_fetch_and_add(&nr_exit_dropped, 1);
		return;
	}
	__builtin_memset(q, 0, sizeof(*q));
	q->pid = pid;
	q->tgid = p->tgid;
	q->flags = SCX_LUA_QF_EXIT;
	/* Its CPU time over its life, for a recording (--record): the runs
	 * the kernel side decided alone left no record of their own. */
	q->exec_runtime = p->se.sum_exec_runtime;
	bpf_ringbuf_submit(q, BPF_RB_NO_WAKEUP);
}

/* A CPU the policy named for @p: one it may run on, and online (nobody
 * consumes an offline CPU's DSQ). */
static bool cpu_usable(struct task_struct *p, s32 cpu)
{
	const struct cpumask *online;
	bool ok;

	if (cpu >= SCX_LUA_MAX_CPUS || !cpu_in(p->cpus_ptr, cpu))
		return false;
	online = scx_bpf_get_online_cpumask();
	ok = cpu_in(online, cpu);
	scx_bpf_put_cpumask(online);
	return ok;
}

/* The policy gave @p rule @rule (0: it decides again) and its vtime. */
static void take_rule(struct task_struct *p, struct task_ctx *tctx, u32 rule, u64 vtime)
{
	struct rule_params *r;
	u64 clock = rule_clock;

	if (rule >= RULE_MAX) {
		__sync_fetch_and_add(&nr_rule_invalid, 1);
		rule = 0;
	}
	tctx->rule = rule;
	tctx->vtime = vtime;
	r = rule ? bpf_map_lookup_elem(&rules, &rule) : NULL;
	if (!r)
		return;
	rule_clock_follow(r, &clock, vtime, p->scx.weight);
	if (clock > rule_clock)
		rule_clock = clock;
}

/* A change of rule after the fact (the task was decided by its rule). */
static void set_rule_of(s32 pid, u32 rule, u64 vtime)
{
	struct task_struct *p = bpf_task_from_pid(pid);
	struct task_ctx *tctx;

	if (!p)
		return;
	tctx = lookup_task_ctx(p);
	if (tctx)
		take_rule(p, tctx, rule, vtime);
	bpf_task_release(p);
}

/* Go on draining while this dispatch has slots to fill. */
static long drain_next(struct drain_ctx *dc)
{
	if (scx_bpf_dispatch_nr_slots())
		return 0;
	dc->stopped = true;
	return 1;
}

static long handle_dispatched(struct bpf_dynptr *dynptr, void *ctx)
{
	struct drain_ctx *dc = ctx;
	struct dispatched_task d;
	struct task_struct *p;
	struct task_ctx *tctx;

	if (bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0)) {
		dc->stopped = true;
		return 1;
	}
	if (d.flags & SCX_LUA_DF_RULE_ONLY) {
		set_rule_of(d.pid, d.rule, d.vtime);
		return 0;
	}
	p = bpf_task_from_pid(d.pid);
	if (!p) {
		/* exited while user space held it: nothing left to run */
		bpf_map_delete_elem(&held, &d.pid);
		trace("dsp %d: exited meanwhile", d.pid);
		__sync_fetch_and_add(&nr_failed_dispatches, 1);
		return drain_next(dc);
	}
	tctx = lookup_task_ctx(p);
	if (!tctx || tctx->enq_cnt != d.enq_cnt) {
		/* re-enqueued (or rescued) since: the newer record decides */
		__sync_fetch_and_add(&nr_cancel_dispatches, 1);
		trace("dsp %d: stale (enq_cnt %llu), cancelled", d.pid, d.enq_cnt);
		bpf_task_release(p);
		return drain_next(dc);
	}
	bpf_map_delete_elem(&held, &d.pid);
	if (d.cpu >= 0 && !cpu_usable(p, d.cpu)) {
		__sync_fetch_and_add(&nr_bounce_dispatches, 1);
		d.cpu = SCX_LUA_CPU_ANY;
	}
	tctx->deadline = d.deadline;
	tctx->decided = 1;
	tctx->slice = d.slice_ns;
	tctx->slice_used = 0;
	take_rule(p, tctx, d.rule, d.vtime);
	trace("dsp %d: cpu %d deadline %llu slice %llu", d.pid, d.cpu, d.deadline, d.slice_ns);
	if (d.cpu >= 0) {
		bool draining = d.cpu == dc->cpu;

		insert(p, d.cpu & CPU_MASK, d.slice_ns, 0);
		/* The draining CPU takes its own DSQ before the shared one: a
		 * later task for the shared DSQ must not count on it. */
		if (draining)
			dc->slot_free = false;
		switch (rule_policy_kick(d.flags & SCX_LUA_DF_PREEMPT, draining)) {
		case RULE_KICK_PREEMPT:
			kick_preempt(d.cpu, SCX_LUA_KICK_POLICY);
			break;
		case RULE_KICK_IDLE:
			kick(d.cpu, SCX_KICK_IDLE, SCX_LUA_KICK_TASK_IDLE);
			break;
		}
	} else {
		if (d.deadline > vtime_max)
			vtime_max = d.deadline;
		insert_shared(p, tctx, d.slice_ns, d.deadline, 0);
		place_shared(p, tctx, d.deadline, dc);
	}
	__sync_fetch_and_add(&nr_user_dispatches, 1);
	bpf_task_release(p);
	return drain_next(dc);
}

/* The kernel's cap on the records one bpf_user_ringbuf_drain() call takes
 * (BPF_MAX_USER_RINGBUF_SAMPLES): a drain that hit it may have left some. */
#define USER_RINGBUF_DRAIN_MAX (128 * 1024)

/* How many decisions user space has sent, if some are not taken yet; 0:
 * none. Read with a full barrier (the drain below counts on it). */
static u64 decisions_unseen(void)
{
	u64 sent = __sync_fetch_and_add(&dispatched_sent, 0);

	return sent != dispatched_seen ? sent : 0;
}

/*
 * Every decision user space sent. No wake-up: nobody waits on this ring.
 * @first: the scheduler runs next here, so the shared DSQ's first task
 * does not. The count is read with a full barrier before the drain, so a
 * drain that ran to the end has seen every decision counted in it.
 */
static void drain_dispatched(s32 cpu, bool first)
{
	u64 sent = decisions_unseen();
	struct drain_ctx dc = { .cpu = cpu };
	long n;

	if (!sent)
		return;
	dc.slot_free = !first && !scx_bpf_dsq_nr_queued(cpu & CPU_MASK);
	n = bpf_user_ringbuf_drain(&dispatched, handle_dispatched, &dc, BPF_RB_NO_WAKEUP);
	/* -EBUSY: another CPU drains, and may stop short of the end. */
	if (n >= 0 && n < USER_RINGBUF_DRAIN_MAX && !dc.stopped && sent > dispatched_seen)
		dispatched_seen = sent;
}

/*
 * User space is stuck: run what it holds from the shared DSQ, behind what
 * it already decided. Bumping enq_cnt makes its late decision stale.
 */
static long rescue_held(struct bpf_map *map, s32 *pid, u64 *cnt, void *ctx)
{
	struct task_struct *p = bpf_task_from_pid(*pid);
	struct task_ctx *tctx;

	if (!p) {
		bpf_map_delete_elem(map, pid);
		return 0;
	}
	tctx = lookup_task_ctx(p);
	if (tctx && tctx->enq_cnt == *cnt) {
		tctx->enq_cnt++;
		insert_shared(p, tctx, slice_ns, vtime_max, 0);
		trace("rescue %d: held by a stuck scheduler, shared", *pid);
		__sync_fetch_and_add(&nr_stuck_rescued, 1);
	}
	bpf_task_release(p);
	bpf_map_delete_elem(map, pid);
	return scx_bpf_dispatch_nr_slots() ? 0 : 1;
}

/*
 * The starvation guard: the first task in the shared DSQ that has waited
 * longer than starve_ns and may run here goes to this CPU now. One per
 * dispatch keeps the walk's cost off the common path (it runs once per
 * heartbeat while nothing starves).
 */
static bool rescue_starved(s32 cpu)
{
	struct bpf_iter_scx_dsq it;
	struct task_struct *p;
	u64 now = bpf_ktime_get_ns();
	bool moved = false;

	if (bpf_iter_scx_dsq_new(&it, SCX_LUA_SHARED_DSQ, 0) == 0) {
		while ((p = bpf_iter_scx_dsq_next(&it))) {
			struct task_ctx *tctx = lookup_task_ctx(p);

			if (!tctx || !tctx->shared_ts || now - tctx->shared_ts < starve_ns ||
			    !cpu_in(p->cpus_ptr, cpu))
				continue;
			if (move_from_iter(&it, p, SCX_DSQ_LOCAL)) {
				trace("rescue %d: starved, runs on cpu %d", p->pid, cpu);
				__sync_fetch_and_add(&nr_starve_rescued, 1);
				moved = true;
				break;
			}
		}
	}
	bpf_iter_scx_dsq_destroy(&it);
	return moved;
}

/* Give this CPU to the scheduler, parked in SCHED_DSQ. */
static bool run_usersched(const struct rule_sched *s, const struct rule_tune *tu)
{
	int why;

	if (!move_to_local(SCX_LUA_SCHED_DSQ))
		return false;
	why = rule_run_reason(s, tu, bpf_ktime_get_ns());
	trace("dispatch: the scheduler runs, reason %d", why);
	if (why >= 0 && why < SCX_LUA_RUN_NR)
		__sync_fetch_and_add(&nr_sched_runs[why], 1);
	return true;
}

/*
 * Idle-CPU selection for user space (scx.select_cpu), run with
 * bpf_prog_test_run(): the same choice select_cpu would make, for a task
 * that is already queued in user space.
 */
SEC("syscall")
int lua_pick_cpu(struct task_cpu_arg *in)
{
	struct task_struct *p;
	s32 cpu = SCX_LUA_CPU_ANY;

	p = bpf_task_from_pid(in->pid);
	if (!p)
		return -EINVAL;
	/* A CPU out of range is a kfunc error that ejects the scheduler (6.16+):
	 * whatever user space sent, only the task's own CPU or a real one. */
	if (in->cpu < 0 || in->cpu >= nr_cpu_ids_ro || in->cpu >= SCX_LUA_MAX_CPUS)
		in->cpu = scx_bpf_task_cpu(p);
	bpf_rcu_read_lock();
	if (have_select_cpu_and) {
		cpu = scx_bpf_select_cpu_and(p, in->cpu, 0, p->cpus_ptr, 0);
	} else if (in->cpu >= 0 && in->cpu < SCX_LUA_MAX_CPUS &&
		   cpu_in(p->cpus_ptr, in->cpu) &&
		   kbool(scx_bpf_test_and_clear_cpu_idle(in->cpu))) {
		cpu = in->cpu;
	} else {
		cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	}
	bpf_rcu_read_unlock();
	bpf_task_release(p);
	return cpu < 0 ? SCX_LUA_CPU_ANY : cpu;
}

#endif
