/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * usersched.bpf.h - main.bpf.c's side of the scheduler process: its
 * threads' enqueue, and when it gets a CPU. It is parked in SCHED_DSQ, not
 * woken per record: a record finding an idle CPU kicks it; a woken task's
 * record preempts a CPU hog for it (rules.h); otherwise the budget timer,
 * armed by the first record that found every CPU busy, preempts the CPU
 * busy longest once the oldest record has waited the budget. CPUs looking
 * for work run it first by rules.h (lua_dispatch). The heartbeat runs it
 * at least every HEARTBEAT_NS, with or without work. Included once, by
 * main.bpf.c.
 */
#ifndef SCX_LUA_USERSCHED_BPF_H
#define SCX_LUA_USERSCHED_BPF_H

/* A kick for the scheduler that has not led to its run within a budget
 * is presumed lost (the CPU found other work): another may be sent. */
static bool usersched_kick_pending(u64 now)
{
	u64 at = usersched_kicked_at;

	return at && now - at < tune.budget_ns;
}

static void usersched_kick(s32 cpu, u64 flags, int why)
{
	usersched_kicked_at = bpf_ktime_get_ns();
	if (flags & SCX_KICK_PREEMPT)
		kick_preempt(cpu, why);
	else
		kick(cpu, flags, why);
}

static void arm_budget(u64 delay)
{
	u32 key = TIMER_BUDGET;
	struct timer_slot *t;

	if (budget_armed)
		return;
	t = bpf_map_lookup_elem(&timers, &key);
	if (!t)
		return;
	budget_armed = 1;
	bpf_timer_start(&t->timer, delay ? delay : 1, 0);
}

/*
 * The budget ran out for the oldest record and no CPU has looked for work
 * since: preempt the CPU busy longest, to run the scheduler there. This is
 * what gets a sleeper's decision made beside CPU hogs, which never give a
 * CPU up before their slice ends.
 */
static int budget_fn(void *map, int *key, struct bpf_timer *timer)
{
	struct rule_cpu best = {};
	struct rule_sched s;
	struct rule_tune tu;
	s32 victim = -1;
	u64 now = bpf_ktime_get_ns();

	budget_armed = 0;
	sched_view(&s);
	tune_view(&tu);
	if (usersched_running || !s.pending_since || usersched_kick_pending(now))
		return 0;
	if (now - s.pending_since < tu.budget_ns) {
		arm_budget(tu.budget_ns - (now - s.pending_since));
		return 0;
	}
	for (s32 i = 0; i < SCX_LUA_MAX_CPUS && i < nr_cpu_ids_ro; i++) {
		struct rule_cpu *c = &cpus[i & CPU_MASK];

		if (rule_budget_may_preempt(c) &&
		    (victim < 0 || rule_sched_victim_better(c, &best))) {
			best = *c;
			victim = i;
		}
	}
	if (victim >= 0)
		usersched_kick(victim, SCX_KICK_PREEMPT, SCX_LUA_KICK_SCHED_BUDGET);
	return 0;
}

/*
 * A record is waiting: make sure the scheduler gets a CPU in time. Nothing
 * to do while it runs (it drains again before it yields) or once a CPU was
 * kicked for it. An idle CPU runs it at once. Else a woken task's record
 * may preempt a CPU hog (rules.h); everything else waits for a CPU that
 * looks for work, or for the budget (ops.tick).
 */
static void get_usersched_a_cpu(struct task_struct *p, u64 enq_flags, bool woke)
{
	struct rule_tune tu;
	struct rule_cpu best = {};
	s32 victim = -1, cpu, own;
	u64 now;

	/* Under -p the kernel runs it before any of ours (sched_view). */
	if (!park_usersched)
		return;
	now = bpf_ktime_get_ns();
	if (usersched_running || usersched_kick_pending(now))
		return;
	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (cpu >= 0) {
		usersched_kick(cpu, SCX_KICK_IDLE, SCX_LUA_KICK_SCHED_IDLE);
		return;
	}
	if (enq_flags & SCX_ENQ_LAST) {
		/* This CPU is about to go idle: it can run the scheduler. */
		usersched_kick(scx_bpf_task_cpu(p), SCX_KICK_IDLE, SCX_LUA_KICK_SCHED_IDLE);
		return;
	}
	tune_view(&tu);
	if (!woke) {
		arm_budget(tu.budget_ns);
		return;
	}
	own = scx_bpf_task_cpu(p);
	for (s32 i = 0; i < SCX_LUA_MAX_CPUS && i < nr_cpu_ids_ro; i++) {
		struct rule_cpu *c = &cpus[i & CPU_MASK];

		if (rule_sched_may_preempt(c, &tu, now) &&
		    (victim < 0 ||
		     rule_sched_victim_better_for(c, i == own, &best, victim == own))) {
			best = *c;
			victim = i;
		}
	}
	if (victim >= 0) {
		usersched_owed |= RULE_OWED_HOG;
		usersched_kick(victim, SCX_KICK_PREEMPT, SCX_LUA_KICK_SCHED_HOG);
	} else {
		arm_budget(tu.budget_ns);
	}
}

/* The scheduler process's own threads. */
static void enqueue_usersched(struct task_struct *p, u64 enq_flags)
{
	if (!is_usersched_loop(p)) {
		/* Its helpers (log writer, watchdog) are short and rare. */
		insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		return;
	}
	/* Back without sleeping and not parked by itself: a higher class or
	 * its slice took the CPU with a batch in its hands. */
	if (!(enq_flags & SCX_ENQ_WAKEUP) && !usersched_parked)
		usersched_owed |= RULE_OWED_MIDBATCH;
	insert(p, SCX_LUA_SCHED_DSQ, slice_ns, enq_flags);
	/* Not for records nobody waits on: the CPU kicked would find the
	 * scheduler unwanted (rule_sched_instead_of_idle) and idle again, and
	 * the kick would hold back the next one for a record that is awaited
	 * (usersched_kick_pending). */
	if (usersched_wanted())
		get_usersched_a_cpu(p, enq_flags, false);
}

/*
 * The scheduler runs at least every HEARTBEAT_NS, work or not: P.tick, its
 * signals and its stats depend on it, and the kernel's watchdog ejects a
 * scheduler that leaves a runnable task (its own) waiting 30 s.
 */
static int heartbeat_fn(void *map, int *key, struct bpf_timer *timer)
{
	u64 now = bpf_ktime_get_ns();

	__sync_fetch_and_add(&nr_heartbeats, 1);
	if (scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ) > 0)
		starve_scan = 1;
	/*
	 * Under -p the loop wakes by itself (its epoll timeout: sched_view),
	 * but only ops.dispatch takes the decisions it sent off the ring: with
	 * every CPU of ours idle and the loop's own CPU busy with fair tasks,
	 * none would run it. An idle CPU is woken for them.
	 */
	if (!park_usersched) {
		if (decisions_unseen()) {
			struct task_struct *p = bpf_task_from_pid(usersched_pid);

			if (p) {
				kick_idle_for(p, SCX_LUA_KICK_HEARTBEAT);
				bpf_task_release(p);
			}
		}
	} else if (!usersched_running && now - usersched_last_run > HEARTBEAT_NS) {
		struct task_struct *p = bpf_task_from_pid(usersched_pid);

		usersched_owed |= RULE_OWED_HEARTBEAT;
		if (p) {
			if (!kick_idle_for(p, SCX_LUA_KICK_HEARTBEAT))
				usersched_kick(scx_bpf_task_cpu(p), SCX_KICK_PREEMPT,
					       SCX_LUA_KICK_HEARTBEAT);
			bpf_task_release(p);
		}
	}
	bpf_timer_start(timer, HEARTBEAT_NS, 0);
	return 0;
}

#endif
