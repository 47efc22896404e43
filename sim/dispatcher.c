// SPDX-License-Identifier: GPL-2.0-only
/*
 * dispatcher.c - the simulated machine's model of bpf/main.bpf.c: records
 * in a ring, the scheduler process's CPU, the order a CPU looks for work
 * in, where a decision lands, who is preempted, and the rescues (a full
 * ring, a stuck scheduler, a starved task). Every decision the live side
 * takes from bpf/rules.h is taken here from the same functions, and every
 * counter carries the live side's name (struct lua_counters).
 *
 * Left out: IPIs take no time (a kicked CPU acts at once), the kernel's
 * bypass mode and hotplug, the scheduler's other threads, kernel threads,
 * and the scheduler's preemption for a woken task (rule_wakeup_preempts_sched,
 * tick_preempt_sched): its steps take no time here. The kernel's tick is
 * one for all CPUs (SIM_TICK_NS).
 */
#include <math.h>
#include <time.h>

#include "model.h"

static void sched_view(const struct sim *s, struct rule_sched *v)
{
	*v = (struct rule_sched){
		.pending_since = (rule_ns)s->pending_since,
		.ring_used = (rule_ns)s->ring_bytes,
		.ring_size = (rule_ns)s->cfg.queue_bytes,
		.held = s->held,
		.owed = s->owed,
		.introduced = s->introduced,
	};
}

static bool stuck(const struct sim *s)
{
	return s->sched_last_run > 0 && s->now - s->sched_last_run > SIM_STUCK_NS;
}

/* A CPU a kick would find idle (not the one between two tasks). */
static bool idle_for_kick(const struct sim *s, int c)
{
	return s->cpu[c].cur == -1 && c != s->switching;
}

static void arm_budget(struct sim *s, double delay)
{
	if (s->budget_armed)
		return;
	s->budget_armed = true;
	sim_at(s, s->now + (delay > 0 ? delay : 1), EV_BUDGET, -1);
}

/* Into the shared queue, in deadline order. */
static void to_shared(struct sim *s, int id, double slice, double deadline)
{
	struct ttask *t = &s->t[id];

	t->st = T_DSQ;
	t->slice = slice;
	t->pending_deadline = deadline;
	t->decided = true;
	t->shared_ts = s->now;
	t->tick_preempt = false;   /* rule_dispatch sets it for a wake-up */
	heap_push(&s->shared, deadline, s->seq++, (uint32_t)id);
}

/* Bypass: behind what the scheduler already sent to the shared queue. */
static void bypass(struct sim *s, int id)
{
	to_shared(s, id, s->cfg.slice_ns, s->vtime_max);
	s->t[id].pending_deadline = 0; /* kernel-dispatched: nobody preempts for it */
	s->t[id].decided = false;
	s->r.c.kernel_dispatches++;
}

/* Run the scheduler's step on @c; its decisions land when it is done. */
static void start_sched(struct sim *s, int c)
{
	uint64_t n0 = s->core->stats->nr_queued;
	struct rule_sched v;
	struct timespec a, b;
	double cost;

	sched_view(s, &v);
	s->r.c.runs[rule_run_reason(&v, &s->cfg.tune, sim_rt(s->now))]++;
	journal_sched(s, c);
	s->sched_running = true;
	s->sched_cpu = c;
	s->sched_last_run = s->now;
	s->pending_since = 0;
	s->owed = 0;
	s->introduced = false;
	sim_set_cpu(s, c, SCHED_RUNS);
	s->in_step = true;
	clock_gettime(CLOCK_MONOTONIC, &a);
	sched_step(s->core);
	clock_gettime(CLOCK_MONOTONIC, &b);
	s->in_step = false;
	s->r.nr_steps++;
	if (s->cfg.cost_measured)
		cost = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
	else
		cost = s->cfg.cost_batch_ns +
		       s->cfg.cost_task_ns * (double)(s->core->stats->nr_queued - n0);
	sim_at(s, s->now + cost, EV_SCHED_DONE, c);
}

/* Preempt what runs on @c: it comes back marked preempted (a record, or
 * its place kept). @for_sched: the scheduler takes the CPU. */
static void preempt(struct sim *s, int c, int why, bool for_sched)
{
	int v = sim_stop_running(s, c), was = s->switching;

	s->r.task[v].nr_preempt++;
	s->r.c.kicks[why]++;
	journal_note(s, v, for_sched ? "is preempted: the scheduler process needs its CPU" :
		     "is preempted for a woken task with an earlier deadline");
	s->t[v].runnable_since = s->now;
	s->t[v].preempted = true;
	if (for_sched)
		s->r.nr_sched_preempt++;
	s->switching = c;   /* nested: a victim's rule may preempt another CPU */
	disp_enqueue(s, v, false);
	s->switching = was;
	if (for_sched && !s->sched_running && s->cpu[c].cur == -1)
		start_sched(s, c);
}

/* As get_usersched_a_cpu(): an idle CPU, a hog for a woken task's record,
 * else the budget timer. */
static void get_sched_a_cpu(struct sim *s, int id, bool woke)
{
	struct rule_cpu best = { 0 };
	int victim = -1, own = s->t[id].prev_cpu;

	if (s->sched_running || s->hold_sched)
		return;
	for (int c = 0; c < s->cfg.nr_cpus; c++)
		if (idle_for_kick(s, c) && sim_allowed(&s->t[id], c)) {
			s->r.c.kicks[SCX_LUA_KICK_SCHED_IDLE]++;
			disp_cpu_pick(s, c, false);
			return;
		}
	if (!woke) {
		arm_budget(s, (double)s->cfg.tune.budget_ns);
		return;
	}
	for (int c = 0; c < s->cfg.nr_cpus; c++) {
		const struct rule_cpu *rc = &s->cpu[c].rc;

		if (s->cpu[c].cur >= 0 && rule_sched_may_preempt(rc, &s->cfg.tune, sim_rt(s->now)) &&
		    (victim < 0 || rule_sched_victim_better_for(rc, c == own, &best, victim == own))) {
			best = *rc;
			victim = c;
		}
	}
	if (victim < 0) {
		arm_budget(s, (double)s->cfg.tune.budget_ns);
		return;
	}
	s->owed |= RULE_OWED_HOG;
	preempt(s, victim, SCX_LUA_KICK_SCHED_HOG, true);
}

/* A preempted task keeps its place if the policy allows it (as
 * keep_preempted() in bpf/main.bpf.c). */
static bool keep_preempted(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];
	rule_ns left;

	if (!s->cfg.keep_preempted || !t->preempted || !t->run_decided)
		return false;
	left = rule_slice_left((rule_ns)t->pslice, (rule_ns)t->slice_used, (rule_ns)SIM_SLICE_MIN_NS);
	if (!left)
		return false;
	to_shared(s, id, (double)left, t->deadline);
	s->r.c.preempt_kept++;
	return true;
}

static void place_shared(struct sim *s, int id, double deadline, int self, bool *slot_free);

/* As take_rule(): the policy gave the task a rule (0: none) and a vtime. */
void disp_take_rule(struct sim *s, int id, uint32_t rule, double vtime)
{
	s->t[id].rule = rule < RULE_MAX ? rule : 0;
	s->t[id].vtime = (double)rule_ns_of(vtime);
	if (s->t[id].rule)
		rule_clock_follow(&s->rules[s->t[id].rule], &s->rule_clock, rule_ns_of(vtime),
				  s->r.task[id].weight);
}

/* The record of a rule's decision, for the policy (dropped if the ring is full). */
static bool observe(struct sim *s, int id, bool woke, double vtime_before, rule_ns deadline,
		    rule_ns slice, bool idle)
{
	struct ttask *t = &s->t[id];
	uint32_t k = s->obs_next++ % s->obs_cap;

	if (s->ring_bytes + SIM_REC_BYTES > s->cfg.queue_bytes) {
		s->r.c.observe_dropped++;
		return false;
	}
	s->obs[k] = (struct obs_rec){
		.task = id, .rule = t->rule,
		.flags = SCX_TF_OBSERVED | (woke ? SCX_TF_WAKEUP : t->preempted ? SCX_TF_PREEMPTED : 0),
		.start_ts = t->run_start, .stop_ts = t->stop_ts, .exec_runtime = t->exec_runtime,
		.enqueue_ts = s->now, .vtime_before = vtime_before, .deadline = (double)deadline,
		.slice = (double)slice, .vtime_after = t->vtime, .idle = idle,
	};
	sim_fifo_push(&s->ring, (int)s->ring_cap, -1 - (int32_t)k);
	s->ring_bytes += SIM_REC_BYTES;
	return true;
}

/* As introduce() in bpf/fastpath.bpf.h: an idle CPU took a task the policy
 * never decided; the policy hears of it once, for its rule. */
void disp_introduce(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];

	if (!s->rules_live || t->rule || t->introduced)
		return;
	/* A task that never ran was forked (its first enqueue is no wake-up),
	 * as the kernel's SCX_WAKE_FORK says. Lost to a full ring: the next
	 * idle CPU tries again. */
	if (observe(s, id, t->stop_ts > 0, t->vtime, 0, (rule_ns)s->cfg.slice_ns, true)) {
		t->introduced = true;
		s->introduced = true;
		s->r.c.introduced++;
	}
}

/* As rule_dispatch() in bpf/fastpath.bpf.h: the task's rule decides it here. */
static bool rule_dispatch(struct sim *s, int id, bool woke)
{
	struct ttask *t = &s->t[id];
	const struct rule_params *r = &s->rules[t->rule];
	rule_ns v = rule_ns_of(t->vtime), deadline, slice;
	double before = t->vtime;
	bool no_slot = false;

	if (s->cfg.full_user || r->kind == RULE_NONE)
		return false;
	rule_decide(r, &v, &s->rule_clock, (rule_ns)(t->stop_ts - t->run_start),
		    (rule_ns)t->exec_runtime, s->r.task[id].weight, (rule_ns)s->now, &deadline, &slice);
	t->vtime = (double)v;
	t->rec_woke = woke;
	t->rec_sync = woke && s->hold_sched;
	if ((double)deadline > s->vtime_max)
		s->vtime_max = (double)deadline;
	to_shared(s, id, (double)slice, (double)deadline);
	t->pslice = (double)slice;
	t->slice_used = 0;
	if (r->preempt) {
		t->tick_preempt = woke;
		place_shared(s, id, (double)deadline, -1, &no_slot);
	}
	s->r.c.rule_dispatches++;
	journal_rule(s, id, (double)deadline, (double)slice);
	observe(s, id, woke, before, deadline, slice, false);
	return true;
}

/* A task needs a decision (as lua_enqueue): bypassed, kept, or a record. */
void disp_enqueue(struct sim *s, int id, bool woke)
{
	struct ttask *t = &s->t[id];

	if (stuck(s)) {
		s->r.c.stuck_bypass++;
		journal_note(s, id, "bypasses the policy: the scheduler process is stuck");
		bypass(s, id);
		return;
	}
	if (!woke && keep_preempted(s, id))
		return;
	if (t->rule && rule_dispatch(s, id, woke))
		return;
	if (s->ring_bytes + SIM_REC_BYTES > s->cfg.queue_bytes) {
		s->r.c.congested++;
		journal_note(s, id, "bypasses the policy: the ring of records is full");
		bypass(s, id);
		get_sched_a_cpu(s, id, woke);
		return;
	}
	t->st = T_QUEUED;
	t->rec_woke = woke;
	t->rec_sync = woke && s->hold_sched;
	t->flags = woke ? SCX_TF_WAKEUP : t->preempted ? SCX_TF_PREEMPTED : 0;
	t->enq_cnt++;
	t->enq_ts = s->now;
	sim_fifo_push(&s->ring, (int)s->ring_cap, id);
	s->ring_bytes += SIM_REC_BYTES;
	s->r.c.queued++;
	if (!s->pending_since)
		s->pending_since = (double)sim_rt(s->now);
	get_sched_a_cpu(s, id, woke);
}

/* Slice out on @c: does its task go on (rule_keep_running)? */
bool disp_keep_running(struct sim *s, int c)
{
	struct ttask *t = &s->t[s->cpu[c].cur];
	struct rule_sched v;

	sched_view(s, &v);
	return rule_keep_running(false, 0, (rule_ns)t->slice, &v, !heap_empty(&s->shared),
				 !sim_fifo_empty(&s->cpu[c].local));
}

/*
 * The best task in the shared queue @c may run (the queue's order, skipping
 * tasks pinned elsewhere), or with @starved only one that waited
 * starve_ns. Taken out of the queue; -1 if none.
 */
static int take_shared(struct sim *s, int c, bool starved)
{
	uint32_t n = 0;
	int id = -1;

	while (!heap_empty(&s->shared)) {
		struct heap_entry e = heap_pop(&s->shared);
		const struct ttask *t = &s->t[e.slot];

		if (sim_allowed(t, c) && (!starved || s->now - t->shared_ts >= s->cfg.starve_ns)) {
			id = (int)e.slot;
			break;
		}
		s->scratch[n++] = e;
	}
	while (n--)
		heap_push(&s->shared, s->scratch[n].deadline, s->scratch[n].seq, s->scratch[n].slot);
	return id;
}

/* A stuck scheduler's records and decisions run from the shared queue;
 * bumping enq_cnt makes its late decisions stale (as rescue_held()). */
static void rescue_held(struct sim *s)
{
	for (uint32_t n = s->ring.tail - s->ring.head; n; n--) {
		int id = sim_fifo_pop(&s->ring, (int)s->ring_cap);

		if (id < 0) {  /* an observed record: nothing to rescue */
			sim_fifo_push(&s->ring, (int)s->ring_cap, id);
			continue;
		}
		s->ring_bytes -= SIM_REC_BYTES;
		s->t[id].enq_cnt++;
		to_shared(s, id, s->cfg.slice_ns, s->vtime_max);
		s->t[id].decided = false;
		s->r.c.stuck_rescued++;
	}
	for (uint32_t i = 0; i < s->nr_dbuf; i++) {
		struct ttask *t = &s->t[s->dbuf[i].task];

		if (t->st == T_DSQ && t->enq_cnt == s->dbuf[i].enq_cnt) {
			t->enq_cnt++;
			to_shared(s, s->dbuf[i].task, s->cfg.slice_ns, s->vtime_max);
			t->decided = false;
			s->r.c.stuck_rescued++;
		}
	}
}

static void run_task(struct sim *s, int id, int c)
{
	sim_start_run(s, id, c, s->t[id].slice);
}

/*
 * A CPU looks for work (as lua_dispatch): the scheduler if it runs first,
 * this CPU's queue, a starved task, the shared queue, the scheduler if it
 * has anything to do. @ran_here: the scheduler just left this CPU.
 */
void disp_cpu_pick(struct sim *s, int c, bool ran_here)
{
	struct rule_sched v;
	int id;

	if (s->cpu[c].cur != -1)
		return;
	if (stuck(s))
		rescue_held(s);
	sched_view(s, &v);
	if (!s->sched_running && rule_sched_first(&v, &s->cfg.tune, sim_rt(s->now), ran_here)) {
		start_sched(s, c);
		return;
	}
	if (!sim_fifo_empty(&s->cpu[c].local)) {
		run_task(s, sim_fifo_pop(&s->cpu[c].local, s->nr_tasks), c);
		return;
	}
	if (s->cfg.starve_ns > 0 && s->starve_scan) {
		id = take_shared(s, c, true);
		if (id >= 0) {
			s->r.c.starve_rescued++;
			journal_note(s, id, "waited past --starve-ms: runs next, whatever its deadline");
			run_task(s, id, c);
			return;
		}
		s->starve_scan = false;
	}
	id = take_shared(s, c, false);
	if (id >= 0) {
		run_task(s, id, c);
		return;
	}
	sched_view(s, &v);
	if (!s->sched_running && rule_sched_instead_of_idle(&v))
		start_sched(s, c);
}

void disp_pick_all_idle(struct sim *s)
{
	for (int c = 0; c < s->cfg.nr_cpus; c++)
		disp_cpu_pick(s, c, false);
}

/*
 * A decision for the shared queue needs a CPU (as place_shared()): the one
 * that ran the scheduler, if free; an idle one; else, for a wake-up, the CPU
 * running the latest deadline, if rules.h lets it be preempted.
 */
static void place_shared(struct sim *s, int id, double deadline, int self, bool *slot_free)
{
	struct ttask *t = &s->t[id];
	struct rule_cpu best = { 0 };
	bool guarded = false;
	int victim = -1;

	if (*slot_free && self >= 0 && sim_allowed(t, self)) {
		*slot_free = false;
		return;
	}
	for (int c = 0; c < s->cfg.nr_cpus; c++)
		if (idle_for_kick(s, c) && c != self && sim_allowed(t, c)) {
			s->r.c.kicks[SCX_LUA_KICK_TASK_IDLE]++;
			s->need_pick = true; /* it picks when this event is done */
			return;
		}
	if (!t->rec_woke)
		return;
	for (int c = 0; c < s->cfg.nr_cpus; c++) {
		const struct rule_cpu *rc = &s->cpu[c].rc;

		if (s->cpu[c].cur < 0 || !sim_allowed(t, c))
			continue;
		/* No CPU places a wake-up here (rule_deadline_victim_better_here):
		 * a timer's comes from none, and a hand-off's waker is no victim
		 * (hand_off() in machine.c); an IPI takes no time anyway. */
		if (rule_deadline_preempts(rc, &s->cfg.tune, (rule_ns)deadline, sim_rt(s->now))) {
			if (victim < 0 || rule_deadline_victim_better_here(rc, false, &best, false,
									 sim_rt(s->now))) {
				best = *rc;
				victim = c;
			}
		} else if (rule_deadline_guarded(rc, &s->cfg.tune, (rule_ns)deadline,
						 sim_rt(s->now))) {
			guarded = true;
		}
	}
	if (victim >= 0 && !rule_wakeup_may_preempt(&s->cfg.tune, t->rec_sync)) {
		s->r.c.preempt_sync++;
	} else if (victim >= 0) {
		s->r.c.deadline_preempts++;
		t->tick_preempt = false;   /* that CPU is on its way: no tick's too */
		preempt(s, victim, SCX_LUA_KICK_DEADLINE, false);
		s->need_pick = true;
	} else if (guarded) {
		s->r.c.preempt_guarded++;
	}
}

/* One decision of the step that just ended (as handle_dispatched()). */
static void land(struct sim *s, struct dbuf_ent *d, int self, bool *slot_free)
{
	struct ttask *t = &s->t[d->task];
	bool draining;

	if (t->st != T_DSQ || t->enq_cnt != d->enq_cnt) {
		s->r.c.cancel++;   /* rescued while the scheduler was stuck */
		return;
	}
	sim_record_event(s, d->task, d->cpu >= 0 ? d->cpu : -2);
	s->r.c.user_dispatches++;
	disp_take_rule(s, d->task, d->rule, d->vtime);
	t->pslice = d->slice;
	t->slice_used = 0;
	if (d->cpu >= 0 && !sim_allowed(t, d->cpu)) {
		s->r.c.bounce++;
		d->cpu = SCX_CPU_ANY;
	}
	if (d->cpu < 0) {
		if (d->deadline > s->vtime_max)
			s->vtime_max = d->deadline;
		to_shared(s, d->task, d->slice, d->deadline);
		place_shared(s, d->task, d->deadline, self, slot_free);
		return;
	}
	t->slice = d->slice;
	t->pending_deadline = d->deadline;
	t->decided = true;
	draining = d->cpu == self;
	sim_fifo_push(&s->cpu[d->cpu].local, s->nr_tasks, d->task);
	if (draining)
		*slot_free = false;   /* as handle_dispatched: its own queue comes first */
	/* RULE_KICK_IDLE needs nothing here: an idle CPU looks at once. */
	if (rule_policy_kick(d->flags & SCX_DF_PREEMPT, draining) == RULE_KICK_PREEMPT &&
	    s->cpu[d->cpu].cur >= 0)
		preempt(s, d->cpu, SCX_LUA_KICK_POLICY, false);
}

void disp_sched_done(struct sim *s, int c)
{
	uint32_t n = s->nr_dbuf;
	bool slot_free = sim_fifo_empty(&s->cpu[c].local);

	s->nr_dbuf = 0;
	for (uint32_t i = 0; i < n; i++)
		land(s, &s->dbuf[i], c, &slot_free);
	s->sched_running = false;
	s->sched_last_run = s->now;
	sim_set_cpu(s, c, -1);
	disp_cpu_pick(s, c, true);
	disp_pick_all_idle(s);
	/* Its yield (enqueue_usersched()): records that came during the step
	 * get a CPU or the budget timer. */
	if (s->pending_since && !s->sched_running)
		arm_budget(s, (double)s->cfg.tune.budget_ns);
}

/* The budget timer (as budget_fn()). */
void disp_budget(struct sim *s)
{
	struct rule_cpu best = { 0 };
	int victim = -1;
	double waited;

	s->budget_armed = false;
	if (s->sched_running || !s->pending_since)
		return;
	waited = (double)(sim_rt(s->now) - (rule_ns)s->pending_since);
	if (waited < (double)s->cfg.tune.budget_ns) {
		arm_budget(s, (double)s->cfg.tune.budget_ns - waited);
		return;
	}
	for (int c = 0; c < s->cfg.nr_cpus; c++) {
		const struct rule_cpu *rc = &s->cpu[c].rc;

		if (s->cpu[c].cur >= 0 && rule_budget_may_preempt(rc) &&
		    (victim < 0 || rule_sched_victim_better(rc, &best))) {
			best = *rc;
			victim = c;
		}
	}
	if (victim >= 0)
		preempt(s, victim, SCX_LUA_KICK_SCHED_BUDGET, true);
	else
		disp_pick_all_idle(s);
}

/*
 * The kernel's tick on every CPU running a task (as lua_tick()'s
 * tick_preempt_for_waiting()): the shared queue's first task, woken and
 * placed by a rule that preempts, takes the CPU from a later deadline (or
 * a run nobody decided) once its guard has passed; once, whichever CPU
 * ticks first. The budget's backstop is EV_BUDGET's, and the scheduler's
 * own steps take no time here. A kick lands at once here; but within one
 * tick the CPUs after the first that preempted see the same head, now
 * claimed, and leave it (the kernel's ticks look past a task a CPU is on
 * its way to: first_waiting()). Left out: with the shared queue a heap,
 * the task behind the head is not at hand.
 */
void disp_tick(struct sim *s)
{
	if (s->cfg.full_user)
		return;
	for (int c = 0; c < s->cfg.nr_cpus && !heap_empty(&s->shared); c++) {
		const struct heap_entry *e = heap_peek(&s->shared);
		struct ttask *h = &s->t[e->slot];

		if (s->cpu[c].cur < 0 || !sim_fifo_empty(&s->cpu[c].local) || !h->tick_preempt ||
		    !sim_allowed(h, c) || !rule_wakeup_may_preempt(&s->cfg.tune, h->rec_sync) ||
		    !rule_tick_preempts_for_waiting(&s->cpu[c].rc, false, &s->cfg.tune,
						    (rule_ns)e->deadline, sim_rt(s->now)))
			continue;
		h->tick_preempt = false;
		s->r.c.deadline_preempts++;
		preempt(s, c, SCX_LUA_KICK_TICK_DEADLINE, false);
		s->need_pick = true;
	}
}

/* The heartbeat (as heartbeat_fn()): the starvation scan, and the
 * scheduler at least every 100 ms. */
void disp_heartbeat(struct sim *s)
{
	if (!heap_empty(&s->shared))
		s->starve_scan = true;
	if (s->sched_running || s->now - s->sched_last_run <= SIM_HEARTBEAT_NS)
		return;
	s->owed |= RULE_OWED_HEARTBEAT;
	for (int c = 0; c < s->cfg.nr_cpus; c++)
		if (s->cpu[c].cur == -1) {
			s->r.c.kicks[SCX_LUA_KICK_HEARTBEAT]++;
			disp_cpu_pick(s, c, false);
			return;
		}
	if (s->cpu[0].cur >= 0)
		preempt(s, 0, SCX_LUA_KICK_HEARTBEAT, true);
}
