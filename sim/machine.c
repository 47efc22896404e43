// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine.c - the simulated machine (see machine.h for the model): the
 * events, the tasks' lives (arrive, run, sleep, wake, end), the CPUs'
 * accounting, and the backend interface the core drives. What the BPF
 * dispatcher decides (records, the scheduler's CPU, dispatch order,
 * preemption) is dispatcher.c.
 *
 * A discrete-event loop over a min-heap of events (the core's own heap,
 * keyed by time then insertion order, so ties resolve the same way every
 * run). A task has at most one live event; a rescheduled task bumps its
 * event sequence and the old event is skipped when it comes up.
 *
 * Not a kernel: no priority inheritance, no migration cost, no cache
 * model, no SMT; an idle CPU picks work the instant it appears.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model.h"
#include "record.h"

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

void sim_fifo_push(struct fifo *f, int n, int32_t v)
{
	f->q[f->tail++ % (uint32_t)n] = v;
}

int32_t sim_fifo_pop(struct fifo *f, int n)
{
	return f->q[f->head++ % (uint32_t)n];
}

bool sim_fifo_empty(const struct fifo *f)
{
	return f->head == f->tail;
}

/* Make room for one more element in a doubling array. False when memory
 * is short: the caller drops a measurement, never a task. */
static bool grow(void **arr, uint32_t n, uint32_t *cap, size_t elem)
{
	void *p;

	if (n < *cap)
		return true;
	p = realloc(*arr, (size_t)(*cap ? *cap * 2 : 64) * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = *cap ? *cap * 2 : 64;
	return true;
}

void samples_add(struct samples *s, double v)
{
	if (grow((void **)&s->v, s->n, &s->cap, sizeof(*s->v)))
		s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double samples_pct(struct samples *s, double p)
{
	size_t i;

	if (!s->n)
		return NAN;
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	i = (size_t)ceil(p / 100.0 * s->n);
	return s->v[i ? i - 1 : 0];
}

static bool is_task_event(enum ev type)
{
	return type == EV_ARRIVE || type == EV_WAKE || type == EV_RUN_END;
}

/* A task's events that were superseded stay in the heap until their time;
 * many preemptions can fill it with them: keep only the live ones. */
static void compact_events(struct sim *s)
{
	uint32_t n = 0;

	while (!heap_empty(&s->events)) {
		struct heap_entry e = heap_pop(&s->events);
		enum ev type = (enum ev)(e.slot >> 24);

		if (!is_task_event(type) || e.seq == s->t[e.slot & 0xffffff].ev_seq)
			s->ev_scratch[n++] = e;
	}
	while (n--)
		heap_push(&s->events, s->ev_scratch[n].deadline, s->ev_scratch[n].seq,
			  s->ev_scratch[n].slot);
}

void sim_at(struct sim *s, double when, enum ev type, int id)
{
	uint64_t seq = s->seq++;
	uint32_t slot = (uint32_t)type << 24 | (uint32_t)(id & 0xffffff);

	if (id >= 0 && is_task_event(type))
		s->t[id].ev_seq = seq;
	if (heap_push(&s->events, when, seq, slot)) {
		compact_events(s);
		heap_push(&s->events, when, seq, slot); /* live events: one per task, a few more */
	}
}

static void record_seg(struct sim *s, int cpu, int task, double from, double to)
{
	struct sim_result *r = &s->r;

	if (!s->cfg.record || to <= from || !grow((void **)&r->seg, r->nr_seg, &r->cap_seg,
						    sizeof(*r->seg)))
		return;
	r->seg[r->nr_seg++] = (struct sim_segment){ (float)(from / 1e6), (float)(to / 1e6), cpu, task };
}

void sim_record_event(struct sim *s, int task, int cpu)
{
	struct sim_result *r = &s->r;

	if (!s->cfg.record || !grow((void **)&r->wakes, r->nr_wakes, &r->cap_wakes, sizeof(*r->wakes)))
		return;
	r->wakes[r->nr_wakes++] = (struct sim_wake){ (float)(s->now / 1e6), task, cpu,
						     cpu == -1 && s->hold_sched ? s->waker : -1 };
}

bool sim_allowed(const struct ttask *t, int cpu)
{
	return !t->affinity || (cpu < 64 && (t->affinity >> cpu & 1));
}

/* CPU accounting: close the interval since the CPU last changed hands. */
static void cpu_account(struct sim *s, int c)
{
	double d = s->now - s->cpu[c].since;

	if (s->cpu[c].cur == -1)
		s->r.idle_ns += d;
	else if (s->cpu[c].cur == SCHED_RUNS)
		s->r.sched_ns += d;
	else
		s->r.busy_ns += d;
	s->cpu[c].since = s->now;
}

void sim_set_cpu(struct sim *s, int c, int who)
{
	cpu_account(s, c);
	s->cpu[c].cur = who;
	s->cpu[c].rc = (struct rule_cpu){ 0 };
}

static void draw_burst(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];
	const struct wgroup *g = &s->w->g[s->r.task[id].group];

	if (t->tr)  /* a replay: its next recorded burst (run_end ends it after the last) */
		t->burst_left = t->tr_pos < t->tr->nr_step ? t->tr->step[t->tr_pos++] : 0;
	else
		t->burst_left = dist_draw(&g->burst, &t->rng, &t->seq_burst);
	if (t->burst_left < 1000)
		t->burst_left = 1000; /* 1 us: every burst does some work */
}

static void count_run(struct sim *s, int id, int c)
{
	struct ttask *t = &s->t[id];
	struct sim_task_stats *ts = &s->r.task[id];

	samples_add(&ts->wait, s->now - t->runnable_since);
	if (s->now - t->runnable_since > ts->worst_wait) {
		ts->worst_wait = s->now - t->runnable_since;
		ts->worst_wait_end = s->now;
	}
	if (t->woke)
		samples_add(&ts->wake, s->now - t->runnable_since);
	t->woke = false;
	if (ts->first_run < 0)
		ts->first_run = s->now;
	else if (c != t->prev_cpu) {
		ts->nr_migrations++;
		if (s->cfg.llc_cpus && c / s->cfg.llc_cpus != t->prev_cpu / s->cfg.llc_cpus)
			ts->nr_llc_migrations++;
	}
	ts->nr_runs++;
}

/* @id gets CPU @c for at most @slice; what the CPU runs, as rules.h sees it. */
void sim_start_run(struct sim *s, int id, int c, double slice)
{
	struct ttask *t = &s->t[id];
	struct rule_cpu *rc = &s->cpu[c].rc;
	double until;

	sim_set_cpu(s, c, id);
	count_run(s, id, c);
	t->st = T_RUNNING;
	t->cpu = c;
	t->preempted = false;
	t->deadline = t->pending_deadline;
	t->pending_deadline = 0;
	t->run_decided = t->decided;
	t->decided = false;
	t->start_ts = t->run_start = s->now;
	t->slice = slice;
	rc->deadline = t->deadline > 0 ? (rule_ns)t->deadline : 0;
	rc->weight = t->rule ? rule_run_weight(s->rules[t->rule].kind, rc->deadline,
					       s->r.task[id].weight) : 0;
	rc->run_start = rc->charge_from = sim_rt(s->now);
	rc->busy_since = sim_rt(s->now - t->exec_runtime);
	journal_run(s, id, c);
	until = fmin(slice, fmin(t->burst_left, t->work_left));
	if (t->end_at - s->now < until)
		until = fmax(t->end_at - s->now, 0);
	sim_at(s, s->now + until, EV_RUN_END, id);
}

/* Stop what runs on @c (accounting its CPU time); the CPU is left idle. */
int sim_stop_running(struct sim *s, int c)
{
	int id = s->cpu[c].cur;
	struct ttask *t = &s->t[id];
	double ran = s->now - t->start_ts;

	s->r.task[id].cpu_ns += ran;
	t->burst_left -= ran;
	t->work_left -= ran;
	t->exec_runtime += ran;
	t->slice_used += ran;
	t->stop_ts = s->now;
	t->prev_cpu = c;
	t->ev_seq = UINT64_MAX; /* its RUN_END is void */
	record_seg(s, c, id, t->start_ts, s->now);
	journal_stop(s, id, c, ran);
	sim_set_cpu(s, c, -1);
	return id;
}

static void wake(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];
	int c = -1;

	t->exec_runtime = 0;
	t->runnable_since = s->now;
	t->woke = true;
	s->r.task[id].nr_wakeups++;
	sim_record_event(s, id, -1);
	journal_wake(s, id);
	if (t->burst_left <= EPS)
		draw_burst(s, id);
	if (!s->cfg.full_user) {
		if (s->cpu[t->prev_cpu].cur == -1 && sim_allowed(t, t->prev_cpu))
			c = t->prev_cpu;
		for (int i = 0; c < 0 && i < s->cfg.nr_cpus; i++)
			if (s->cpu[i].cur == -1 && sim_allowed(t, i))
				c = i;
	}
	if (c >= 0) {
		/* The idle fast path: no decision needed, as select_cpu does. */
		s->r.c.kernel_dispatches++;
		t->pending_deadline = 0;
		disp_introduce(s, id);   /* with its last run's times, as select_cpu's */
		sim_start_run(s, id, c, s->cfg.slice_ns);
		return;
	}
	disp_enqueue(s, id, true);
}

static void finish_task(struct sim *s, int id)
{
	s->t[id].st = T_DONE;
	s->r.task[id].finish = s->now;
	/* The live backend reports an exit as it happens (a record from
	 * ops.exit_task); the core hears of this one only at its next tick: a
	 * recording gets the time now (the tick's repeat is ignored by replay).
	 * No CPU time with it: every run of a simulated task is in its records
	 * already (the live backend's exits carry it for the runs it decided
	 * alone). */
	if (s->cfg.rec)
		recorder_exit(s->cfg.rec, s->r.task[0].pid + id, s->now, 0);
	if (s->nr_exited < s->nr_tasks)
		s->exited[s->nr_exited++] = s->r.task[0].pid + id;
}

/* A hand-off wakes the next stage while the waker still holds its CPU
 * (write, then read): the wakee cannot simply take this CPU, and nobody
 * preempts the waker, which is about to give it up anyway. */
static void hand_off(struct sim *s, int id, double ran)
{
	struct ttask *t = &s->t[id];
	const struct wgroup *g = &s->w->g[s->r.task[id].group];
	struct rule_cpu rc = s->cpu[t->cpu].rc;

	if (g->wakes < 0 || t->burst_left - ran > EPS || t->work_left - ran <= EPS ||
	    s->now >= t->end_at - EPS)
		return;
	s->cpu[t->cpu].rc = (struct rule_cpu){ 0 };
	s->hold_sched = true;
	s->waker = id;
	for (int i = 0; i < s->nr_tasks; i++)
		if (s->r.task[i].group == g->wakes && s->t[i].st == T_WAIT) {
			wake(s, i);
			break;
		}
	s->hold_sched = false;
	s->cpu[t->cpu].rc = rc;
}

/*
 * A replayed task's burst ended: its recorded sleep, a wait for its waker,
 * or after its last burst its end. One that was alive when the recording
 * ended, and got here sooner than it did (under a policy that made it wait
 * less), goes round its recorded life again from its first sleep: it would
 * have gone on, and not going on would hand its CPU time to the others.
 */
static void replay_sleep(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];

	if (t->tr_pos >= t->tr->nr_step && !t->tr->exits && t->tr->nr_step >= 3)
		t->tr_pos = 1;
	if (t->tr_pos >= t->tr->nr_step) {
		s->r.task[id].nr_bursts--;  /* not a burst that ended in a sleep */
		if (t->tr->exits)
			finish_task(s, id);
		else
			t->st = T_SLEEP;    /* one burst, no sleep to repeat: it sleeps on */
		return;
	}
	if (t->tr->step[t->tr_pos] < 0) {
		t->tr_pos++;
		t->st = T_WAIT;
		return;
	}
	t->st = T_SLEEP;
	sim_at(s, s->now + t->tr->step[t->tr_pos++], EV_WAKE, id);
}

/* Its slice ran out: it goes on if nothing else waits (the same run,
 * continued: its start and deadline stay, `kept`), else a record. */
static void slice_end(struct sim *s, int id, int c)
{
	struct ttask *t = &s->t[id];
	double start = t->run_start, deadline = t->deadline;

	if (!disp_keep_running(s, c)) {
		int was = s->switching;

		sim_stop_running(s, c);
		t->runnable_since = s->now;
		s->switching = c;
		disp_enqueue(s, id, false);
		s->switching = was;
		return;
	}
	sim_stop_running(s, c);
	s->r.c.kept++;
	s->r.task[id].nr_runs--;
	t->runnable_since = s->now;
	t->slice_used = 0;   /* a kept run: a fresh slice of the same length */
	t->pending_deadline = deadline;
	t->decided = t->run_decided;
	sim_start_run(s, id, c, t->slice);
	t->run_start = start;
	s->cpu[c].rc.charge_from = sim_rt(start);   /* one run, as the rule charges it */
}

static void run_end(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];
	const struct wgroup *g = &s->w->g[s->r.task[id].group];
	int c = t->cpu;

	hand_off(s, id, s->now - t->start_ts);
	if (t->burst_left - (s->now - t->start_ts) > EPS &&
	    t->work_left - (s->now - t->start_ts) > EPS && s->now < t->end_at - EPS) {
		slice_end(s, id, c);
		if (s->cpu[c].cur == id)
			return;
	} else {
		sim_stop_running(s, c);
		if (t->work_left <= EPS || s->now >= t->end_at - EPS) {
			finish_task(s, id);
		} else {
			s->r.task[id].nr_bursts++;
			if (t->tr)
				replay_sleep(s, id);
			else if (g->sleep.kind == DIST_WAIT) {
				t->st = T_WAIT;
			} else {
				t->st = T_SLEEP;
				sim_at(s, s->now + dist_draw(&g->sleep, &t->rng, &t->seq_sleep),
				       EV_WAKE, id);
			}
		}
	}
	disp_cpu_pick(s, c, false);
	disp_pick_all_idle(s);
}

/* The live backend's defaults for what the command line left at 0. */
static void set_defaults(struct sim_cfg *c)
{
	if (!c->tune.preempt_min_ns && !c->tune.budget_ns)
		c->tune = (struct rule_tune){ .preempt_min_ns = 1000000, .budget_ns = 4000000 };
	if (!c->queue_bytes)
		c->queue_bytes = 1 << 20;
	if (!c->starve_ns)
		c->starve_ns = 5e9;
}

struct sim *sim_new(const struct workload *w, const struct sim_cfg *cfg)
{
	struct sim *s = calloc(1, sizeof(*s));
	int n = 0, id = 0;
	size_t per_cpu;

	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->w = w;
	s->switching = -1;
	set_defaults(&s->cfg);
	s->base = s->cfg;
	for (int g = 0; g < w->nr_groups; g++)
		n += w->g[g].count;
	s->nr_tasks = n;
	per_cpu = (size_t)n * sizeof(int32_t);
	if (arena_init(&s->arena, (size_t)n * 512 + per_cpu * (size_t)cfg->nr_cpus +
			       (size_t)(s->cfg.queue_bytes / SIM_REC_BYTES + 1) * 96 + (4u << 20), 0) ||
	    heap_init(&s->events, &s->arena, (uint32_t)n * 4 + (uint32_t)cfg->nr_cpus + 64) ||
	    heap_init(&s->shared, &s->arena, (uint32_t)n + 1))
		goto fail;
	s->t = arena_carve(&s->arena, (size_t)n * sizeof(*s->t));
	s->cpu = arena_carve(&s->arena, (size_t)cfg->nr_cpus * sizeof(*s->cpu));
	s->obs_cap = (uint32_t)(s->cfg.queue_bytes / SIM_REC_BYTES) + 1;
	s->ring_cap = (uint32_t)n + s->obs_cap;
	s->ring.q = arena_carve(&s->arena, (size_t)s->ring_cap * sizeof(int32_t));
	s->obs = arena_carve(&s->arena, (size_t)s->obs_cap * sizeof(*s->obs));
	s->dbuf = arena_carve(&s->arena, (size_t)n * sizeof(*s->dbuf));
	s->scratch = arena_carve(&s->arena, (size_t)n * sizeof(*s->scratch) + 64);
	s->ev_scratch = arena_carve(&s->arena, ((size_t)n * 4 + (size_t)cfg->nr_cpus + 64) *
						sizeof(*s->ev_scratch));
	s->exited = arena_carve(&s->arena, per_cpu);
	s->r.task = calloc((size_t)n, sizeof(*s->r.task));
	if (!s->t || !s->cpu || !s->ring.q || !s->obs || !s->dbuf || !s->scratch || !s->ev_scratch ||
	    !s->exited || !s->r.task)
		goto fail;
	for (int c = 0; c < cfg->nr_cpus; c++) {
		s->cpu[c].cur = -1;
		s->cpu[c].local.q = arena_carve(&s->arena, per_cpu);
		if (!s->cpu[c].local.q)
			goto fail;
	}
	s->r.nr_cpus = cfg->nr_cpus;
	s->r.nr_tasks = n;
	s->r.duration_ns = cfg->duration_ns;
	for (int g = 0; g < w->nr_groups; g++) {
		for (int k = 0; k < w->g[g].count; k++, id++) {
			struct ttask *t = &s->t[id];
			struct sim_task_stats *ts = &s->r.task[id];

			const struct wtask *tr = w->g[g].task ? &w->g[g].task[k] : NULL;

			ts->group = g;
			ts->pid = 100 + id;
			ts->weight = tr ? tr->weight : w->g[g].weight;
			ts->arrival = tr ? tr->arrival_ns : w->g[g].arrival_ns + k * w->g[g].arrival_every_ns;
			t->tr = tr;
			ts->first_run = ts->finish = -1;
			t->rng = mix(cfg->seed ^ mix((uint64_t)id + 1));
			t->affinity = (tr ? tr->affinity : w->g[g].affinity) &
				      (cfg->nr_cpus >= 64 ? ~0ull : (1ull << cfg->nr_cpus) - 1);
			if ((tr ? tr->affinity : w->g[g].affinity) && !t->affinity)
				t->affinity = 1; /* the mask names no CPU we have: CPU 0 */
			t->prev_cpu = (int)(mix((uint64_t)id) % (uint64_t)cfg->nr_cpus);
			while (!sim_allowed(t, t->prev_cpu))
				t->prev_cpu = (t->prev_cpu + 1) % cfg->nr_cpus;
			t->work_left = w->g[g].work_ns > 0 ? w->g[g].work_ns : INFINITY;
			t->end_at = w->g[g].lifetime_ns > 0 ? ts->arrival + w->g[g].lifetime_ns : INFINITY;
			t->slice = cfg->slice_ns;
			sim_at(s, ts->arrival, EV_ARRIVE, id);
		}
	}
	return s;
fail:
	sim_free(s);
	return NULL;
}

int sim_run(struct sim *s, struct sched *core)
{
	s->core = core;
	sim_at(s, s->cfg.duration_ns, EV_END, -1);
	sim_at(s, SIM_HEARTBEAT_NS, EV_HEARTBEAT, -1);
	sim_at(s, SIM_TICK_NS, EV_TICK, -1);
	while (!heap_empty(&s->events)) {
		struct heap_entry e = heap_pop(&s->events);
		enum ev type = (enum ev)(e.slot >> 24);
		int id = (int)(e.slot & 0xffffff);

		if (is_task_event(type) && e.seq != s->t[id].ev_seq)
			continue; /* superseded */
		s->now = e.deadline;
		if (type == EV_END)
			break;
		switch (type) {
		case EV_ARRIVE:
			draw_burst(s, id);
			wake(s, id);
			break;
		case EV_WAKE:
			wake(s, id);
			break;
		case EV_RUN_END:
			run_end(s, id);
			break;
		case EV_SCHED_DONE:
			disp_sched_done(s, id);
			break;
		case EV_BUDGET:
			disp_budget(s);
			break;
		case EV_HEARTBEAT:
			disp_heartbeat(s);
			sim_at(s, s->now + SIM_HEARTBEAT_NS, EV_HEARTBEAT, -1);
			break;
		case EV_TICK:
			disp_tick(s);
			sim_at(s, s->now + SIM_TICK_NS, EV_TICK, -1);
			break;
		default:
			break;
		}
		/* Kicked CPUs act once the event that kicked them is done. */
		if (s->need_pick) {
			s->need_pick = false;
			disp_pick_all_idle(s);
		}
		/* A step drains at most a ring of records: half a recorder's ring
		 * of room before each event is enough never to drop one. */
		if (s->cfg.rec && s->cfg.rec->head - s->cfg.rec->tail > REC_RING / 2)
			recorder_flush(s->cfg.rec);
	}
	/* Close the books at the end of the run. A task still waiting has a
	 * wait that no run sampled: a task starved to the end must show. */
	s->now = s->cfg.duration_ns;
	for (int c = 0; c < s->cfg.nr_cpus; c++) {
		if (s->cpu[c].cur >= 0)
			sim_stop_running(s, c);
		cpu_account(s, c);
	}
	for (int i = 0; i < s->r.nr_tasks; i++) {
		enum tstate st = s->t[i].st;
		struct sim_task_stats *ts = &s->r.task[i];

		if (st != T_QUEUED && st != T_HELD && st != T_DSQ)
			continue;
		ts->wait_open = s->now - s->t[i].runnable_since;
		if (ts->wait_open > ts->worst_wait) {
			ts->worst_wait = ts->wait_open;
			ts->worst_wait_end = s->now;
		}
	}
	return 0;
}

const struct sim_result *sim_result(const struct sim *s)
{
	return &s->r;
}

void sim_set_recorder(struct sim *s, struct recorder *rec)
{
	s->cfg.rec = rec;
}

void sim_free(struct sim *s)
{
	if (!s)
		return;
	for (int i = 0; s->r.task && i < s->r.nr_tasks; i++) {
		free(s->r.task[i].wait.v);
		free(s->r.task[i].wake.v);
	}
	free(s->r.task);
	free(s->r.seg);
	free(s->r.wakes);
	arena_free(&s->arena);
	free(s);
}
