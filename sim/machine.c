// SPDX-License-Identifier: GPL-2.0-only
/*
 * machine.c - the simulated machine (see machine.h for the model).
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

#include "arena.h"
#include "machine.h"
#include "heap.h"
#include "sched.h"

enum ev { EV_ARRIVE, EV_WAKE, EV_RUN_END, EV_SCHED_DONE, EV_END };
enum tstate { T_UNBORN, T_SLEEP, T_WAIT, T_QUEUED, T_HELD, T_DSQ, T_RUNNING, T_DONE };

#define SCHED_RUNS -2
#define EPS 1e-3 /* ns: float slack when comparing remaining work */

struct ttask {
	enum tstate st;
	int cpu, prev_cpu;
	uint32_t flags;                /* for the next queued record */
	double burst_left, work_left, end_at;
	double start_ts, stop_ts, exec_runtime, runnable_since;
	double run_start;              /* for records: a continued run keeps its start */
	double slice;                  /* of the current run */
	double pending_deadline;       /* set by a user-space dispatch, taken by the next run */
	double deadline;               /* of the current run: 0 if the kernel dispatched it */
	bool woke;
	uint64_t enq_cnt, ev_seq, rng;
	int seq_burst, seq_sleep;
	uint64_t affinity;
};

struct fifo {
	int32_t *q;
	uint32_t head, tail;           /* tail - head = size; capacity nr_tasks */
};

struct tcpu {
	int cur;                       /* task, -1 idle, SCHED_RUNS */
	double since;
	struct fifo local;
};

struct dbuf_ent {
	int32_t task, cpu;
	double slice, deadline;
	uint32_t flags;
};

struct sim {
	struct sim_cfg cfg;
	const struct workload *w;
	struct arena arena;
	struct heap events, shared;
	uint64_t seq;
	double now;
	int nr_tasks;
	struct ttask *t;
	struct tcpu *cpu;
	struct fifo ring;              /* queued for user space */
	struct dbuf_ent *dbuf;         /* decisions of the running step */
	uint32_t nr_dbuf;
	bool sched_running, in_step;
	bool hold_sched;               /* a waker still holds its CPU: start later */
	int sched_cpu;
	int32_t *exited;
	int nr_exited;
	struct sched *core;
	struct sim_result r;
};

static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static void fifo_push(struct fifo *f, int n, int32_t v)
{
	f->q[f->tail++ % (uint32_t)n] = v;
}

static int32_t fifo_pop(struct fifo *f, int n)
{
	return f->q[f->head++ % (uint32_t)n];
}

static bool fifo_empty(const struct fifo *f)
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

static void at(struct sim *s, double when, enum ev type, int id)
{
	uint64_t seq = s->seq++;

	if (id >= 0 && type != EV_SCHED_DONE)
		s->t[id].ev_seq = seq;
	heap_push(&s->events, when, seq, (uint32_t)type << 24 | (uint32_t)(id & 0xffffff));
}

static void record_seg(struct sim *s, int cpu, int task, double from, double to)
{
	struct sim_result *r = &s->r;

	if (!s->cfg.record || to <= from || !grow((void **)&r->seg, r->nr_seg, &r->cap_seg,
						    sizeof(*r->seg)))
		return;
	r->seg[r->nr_seg++] = (struct sim_segment){ (float)(from / 1e6), (float)(to / 1e6), cpu, task };
}

static void record_event(struct sim *s, int task, int cpu)
{
	struct sim_result *r = &s->r;

	if (!s->cfg.record || !grow((void **)&r->wakes, r->nr_wakes, &r->cap_wakes, sizeof(*r->wakes)))
		return;
	r->wakes[r->nr_wakes++] = (struct sim_wake){ (float)(s->now / 1e6), task, cpu };
}

static bool allowed(const struct ttask *t, int cpu)
{
	return !t->affinity || (t->affinity >> cpu & 1);
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

static void set_cpu(struct sim *s, int c, int who)
{
	cpu_account(s, c);
	s->cpu[c].cur = who;
}

static void draw_burst(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];
	const struct wgroup *g = &s->w->g[s->r.task[id].group];

	t->burst_left = dist_draw(&g->burst, &t->rng, &t->seq_burst);
	if (t->burst_left < 1000)
		t->burst_left = 1000; /* 1 us: every burst does some work */
}

static void start_run(struct sim *s, int id, int c, double slice)
{
	struct ttask *t = &s->t[id];
	struct sim_task_stats *ts = &s->r.task[id];
	double until;

	set_cpu(s, c, id);
	samples_add(&ts->wait, s->now - t->runnable_since);
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
	t->st = T_RUNNING;
	t->cpu = c;
	t->deadline = t->pending_deadline;
	t->pending_deadline = 0;
	t->start_ts = t->run_start = s->now;
	t->slice = slice;
	until = fmin(slice, fmin(t->burst_left, t->work_left));
	if (t->end_at - s->now < until)
		until = fmax(t->end_at - s->now, 0);
	at(s, s->now + until, EV_RUN_END, id);
}

static void maybe_start_scheduler(struct sim *s);

static void queue_for_user(struct sim *s, int id, uint32_t flags)
{
	struct ttask *t = &s->t[id];

	t->st = T_QUEUED;
	t->flags = flags;
	t->enq_cnt++;
	fifo_push(&s->ring, s->nr_tasks, id);
	maybe_start_scheduler(s);
}

/* Stop what runs on @c (accounting its CPU time); the CPU is left idle. */
static int stop_running(struct sim *s, int c)
{
	int id = s->cpu[c].cur;
	struct ttask *t = &s->t[id];
	double ran = s->now - t->start_ts;

	s->r.task[id].cpu_ns += ran;
	t->burst_left -= ran;
	t->work_left -= ran;
	t->exec_runtime += ran;
	t->stop_ts = s->now;
	t->prev_cpu = c;
	t->ev_seq = UINT64_MAX; /* its RUN_END is void */
	record_seg(s, c, id, t->start_ts, s->now);
	set_cpu(s, c, -1);
	return id;
}

static bool anything_waiting(struct sim *s, int c)
{
	return !fifo_empty(&s->ring) || !fifo_empty(&s->cpu[c].local) ||
	       !heap_empty(&s->shared) || s->nr_dbuf || heap_size(&s->core->heap);
}

static void cpu_pick(struct sim *s, int c)
{
	struct heap_entry skipped[64];
	int nr_skipped = 0, id = -1;

	if (s->cpu[c].cur != -1)
		return;
	if (!fifo_empty(&s->cpu[c].local)) {
		id = fifo_pop(&s->cpu[c].local, s->nr_tasks);
	} else {
		/* The best task this CPU may run; others keep their place. */
		while (!heap_empty(&s->shared) && nr_skipped < 64) {
			struct heap_entry e = heap_pop(&s->shared);

			if (allowed(&s->t[e.slot], c)) {
				id = (int)e.slot;
				break;
			}
			skipped[nr_skipped++] = e;
		}
		while (nr_skipped--)
			heap_push(&s->shared, skipped[nr_skipped].deadline, skipped[nr_skipped].seq,
				  skipped[nr_skipped].slot);
	}
	if (id >= 0)
		start_run(s, id, c, s->t[id].slice);
}

static void pick_all_idle(struct sim *s)
{
	for (int c = 0; c < s->cfg.nr_cpus; c++)
		cpu_pick(s, c);
}

static void do_step(struct sim *s, int c)
{
	uint64_t n0 = s->core->stats->nr_queued;
	struct timespec a, b;
	double cost;

	s->sched_running = true;
	s->sched_cpu = c;
	set_cpu(s, c, SCHED_RUNS);
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
	at(s, s->now + cost, EV_SCHED_DONE, c);
}

/*
 * The scheduler wants a CPU: an idle one, or the one it last ran on. The
 * live side now preempts the CPU whose task has run longest since it last
 * slept, and only from 1 ms (kick_for_usersched() in bpf/main.bpf.c); not
 * modelled yet: with it, test_policies' latency and sjf/srtf cases lose
 * the contention they measure, and need new workloads first.
 */
static void maybe_start_scheduler(struct sim *s)
{
	int c;

	if (s->sched_running || s->hold_sched || fifo_empty(&s->ring))
		return;
	for (c = 0; c < s->cfg.nr_cpus; c++)
		if (s->cpu[c].cur == -1)
			break;
	if (c == s->cfg.nr_cpus) {
		int victim;

		c = s->sched_cpu;
		victim = stop_running(s, c);
		s->r.task[victim].nr_preempt++;
		s->r.nr_sched_preempt++;
		s->t[victim].runnable_since = s->now;
		/* Queued before the step drains: it is decided in this step. */
		s->t[victim].st = T_QUEUED;
		s->t[victim].flags = SCX_TF_PREEMPTED;
		s->t[victim].enq_cnt++;
		fifo_push(&s->ring, s->nr_tasks, victim);
	}
	do_step(s, c);
}

static void wake(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];
	int c = -1;

	t->exec_runtime = 0;
	t->runnable_since = s->now;
	t->woke = true;
	s->r.task[id].nr_wakeups++;
	record_event(s, id, -1);
	if (t->burst_left <= EPS)
		draw_burst(s, id);
	if (!s->cfg.full_user) {
		if (s->cpu[t->prev_cpu].cur == -1 && allowed(t, t->prev_cpu))
			c = t->prev_cpu;
		for (int i = 0; c < 0 && i < s->cfg.nr_cpus; i++)
			if (s->cpu[i].cur == -1 && allowed(t, i))
				c = i;
	}
	if (c >= 0) {
		/* The idle fast path: no decision needed, as select_cpu does. */
		s->r.nr_kernel_dispatches++;
		start_run(s, id, c, s->cfg.slice_ns);
		return;
	}
	queue_for_user(s, id, SCX_TF_WAKEUP);
}

static void finish_task(struct sim *s, int id)
{
	s->t[id].st = T_DONE;
	s->r.task[id].finish = s->now;
	if (s->nr_exited < s->nr_tasks)
		s->exited[s->nr_exited++] = s->r.task[0].pid + id;
}

static void run_end(struct sim *s, int id)
{
	struct ttask *t = &s->t[id];
	const struct wgroup *g = &s->w->g[s->r.task[id].group];
	int c = t->cpu;
	double slept, ran = s->now - t->start_ts;

	/* A hand-off wakes the next stage while the waker still holds its CPU
	 * (write, then read): the wakee cannot simply take this CPU. */
	if (g->wakes >= 0 && t->burst_left - ran <= EPS && t->work_left - ran > EPS &&
	    s->now < t->end_at - EPS) {
		s->hold_sched = true;
		for (int i = 0; i < s->nr_tasks; i++)
			if (s->r.task[i].group == g->wakes && s->t[i].st == T_WAIT) {
				wake(s, i);
				break;
			}
		s->hold_sched = false;
	}
	stop_running(s, c);
	if (t->work_left <= EPS || s->now >= t->end_at - EPS) {
		finish_task(s, id);
	} else if (t->burst_left <= EPS) {
		s->r.task[id].nr_bursts++;
		slept = dist_draw(&g->sleep, &t->rng, &t->seq_sleep);
		if (g->sleep.kind == DIST_WAIT) {
			t->st = T_WAIT;
		} else {
			t->st = T_SLEEP;
			at(s, s->now + slept, EV_WAKE, id);
		}
	} else if (anything_waiting(s, c)) {
		t->runnable_since = s->now;
		queue_for_user(s, id, 0); /* slice used up, others wait */
	} else {
		/* The last runnable task keeps its CPU with a fresh slice of
		 * its last length, and its deadline: the same run, continued
		 * (the kernel's keep-last, and `kept` in bpf/main.bpf.c). */
		double start = t->run_start, deadline = t->deadline;

		s->r.nr_refills++;
		s->r.task[id].nr_runs--;
		t->runnable_since = s->now;
		start_run(s, id, c, t->slice);
		t->run_start = start;
		t->deadline = deadline;
		return;
	}
	maybe_start_scheduler(s); /* a hand-off may have queued work meanwhile */
	cpu_pick(s, c);
}

/* As the live backend does (kick_for_deadline in bpf/main.bpf.c): with no
 * allowed CPU idle, preempt the one running the latest deadline if the
 * woken task's is earlier. @self is the scheduler's CPU, about to be free. */
static void preempt_for_deadline(struct sim *s, int id, double deadline, int self)
{
	int victim = -1;
	double latest = deadline;

	for (int c = 0; c < s->cfg.nr_cpus; c++)
		if ((s->cpu[c].cur == -1 || c == self) && allowed(&s->t[id], c))
			return; /* an idle CPU will take it */
	for (int c = 0; c < s->cfg.nr_cpus; c++) {
		int cur = s->cpu[c].cur;

		if (cur >= 0 && s->t[cur].deadline > latest && allowed(&s->t[id], c)) {
			latest = s->t[cur].deadline;
			victim = c;
		}
	}
	if (victim >= 0) {
		int v = stop_running(s, victim);

		s->r.task[v].nr_preempt++;
		s->r.nr_deadline_preempts++;
		s->t[v].runnable_since = s->now;
		queue_for_user(s, v, SCX_TF_PREEMPTED);
	}
}

static void sched_done(struct sim *s, int c)
{
	uint32_t n = s->nr_dbuf;

	s->nr_dbuf = 0;
	for (uint32_t i = 0; i < n; i++) {
		struct dbuf_ent *d = &s->dbuf[i];
		struct ttask *t = &s->t[d->task];

		if (t->st != T_DSQ)
			continue;
		t->slice = d->slice;
		t->pending_deadline = d->deadline;
		record_event(s, d->task, d->cpu >= 0 ? d->cpu : -2);
		if (d->cpu >= 0 && !allowed(t, d->cpu)) {
			s->r.nr_bounce++;
			d->cpu = SCX_CPU_ANY;
		}
		if (d->cpu >= 0) {
			fifo_push(&s->cpu[d->cpu].local, s->nr_tasks, d->task);
			if ((d->flags & SCX_DF_PREEMPT) && s->cpu[d->cpu].cur >= 0 && d->cpu != c) {
				int v = stop_running(s, d->cpu);

				s->r.task[v].nr_preempt++;
				s->t[v].runnable_since = s->now;
				queue_for_user(s, v, SCX_TF_PREEMPTED);
			}
		} else {
			heap_push(&s->shared, d->deadline, s->seq++, (uint32_t)d->task);
			if (s->t[d->task].flags & SCX_TF_WAKEUP) /* as wakeup_preempt() */
				preempt_for_deadline(s, d->task, d->deadline, c);
		}
	}
	s->sched_running = false;
	set_cpu(s, c, -1);
	/* Decisions first, then the scheduler again if more arrived. */
	pick_all_idle(s);
	maybe_start_scheduler(s);
	pick_all_idle(s);
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
	for (int g = 0; g < w->nr_groups; g++)
		n += w->g[g].count;
	s->nr_tasks = n;
	per_cpu = (size_t)n * sizeof(int32_t);
	if (arena_init(&s->arena, (size_t)n * 200 + per_cpu * (size_t)cfg->nr_cpus + (4u << 20), 0) ||
	    heap_init(&s->events, &s->arena, (uint32_t)n * 2 + (uint32_t)cfg->nr_cpus + 16) ||
	    heap_init(&s->shared, &s->arena, (uint32_t)n + 1))
		goto fail;
	s->t = arena_carve(&s->arena, (size_t)n * sizeof(*s->t));
	s->cpu = arena_carve(&s->arena, (size_t)cfg->nr_cpus * sizeof(*s->cpu));
	s->ring.q = arena_carve(&s->arena, per_cpu);
	s->dbuf = arena_carve(&s->arena, (size_t)n * sizeof(*s->dbuf));
	s->exited = arena_carve(&s->arena, per_cpu);
	s->r.task = calloc((size_t)n, sizeof(*s->r.task));
	if (!s->t || !s->cpu || !s->ring.q || !s->dbuf || !s->exited || !s->r.task)
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

			ts->group = g;
			ts->pid = 100 + id;
			ts->weight = w->g[g].weight;
			ts->arrival = w->g[g].arrival_ns + k * w->g[g].arrival_every_ns;
			ts->first_run = ts->finish = -1;
			t->rng = mix(cfg->seed ^ mix((uint64_t)id + 1));
			t->affinity = w->g[g].affinity & (cfg->nr_cpus >= 64 ? ~0ull
							   : (1ull << cfg->nr_cpus) - 1);
			if (w->g[g].affinity && !t->affinity)
				t->affinity = 1; /* the mask names no CPU we have: CPU 0 */
			t->prev_cpu = (int)(mix((uint64_t)id) % (uint64_t)cfg->nr_cpus);
			while (!allowed(t, t->prev_cpu))
				t->prev_cpu = (t->prev_cpu + 1) % cfg->nr_cpus;
			t->work_left = w->g[g].work_ns > 0 ? w->g[g].work_ns : INFINITY;
			t->end_at = w->g[g].lifetime_ns > 0 ? ts->arrival + w->g[g].lifetime_ns : INFINITY;
			t->slice = cfg->slice_ns;
			at(s, ts->arrival, EV_ARRIVE, id);
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
	at(s, s->cfg.duration_ns, EV_END, -1);
	while (!heap_empty(&s->events)) {
		struct heap_entry e = heap_pop(&s->events);
		enum ev type = (enum ev)(e.slot >> 24);
		int id = (int)(e.slot & 0xffffff);

		if (type != EV_END && type != EV_SCHED_DONE && e.seq != s->t[id].ev_seq)
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
			sched_done(s, id);
			break;
		default:
			break;
		}
	}
	/* Close the books at the end of the run. */
	s->now = s->cfg.duration_ns;
	for (int c = 0; c < s->cfg.nr_cpus; c++) {
		if (s->cpu[c].cur >= 0)
			stop_running(s, c);
		cpu_account(s, c);
	}
	return 0;
}

const struct sim_result *sim_result(const struct sim *s)
{
	return &s->r;
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

/* --- the backend interface, as the core sees it --- */

static int sim_drain(void *ctx, struct scx_task *out, struct task_token *tok)
{
	struct sim *s = ctx;
	struct ttask *t;
	int id;

	if (fifo_empty(&s->ring))
		return 0;
	id = fifo_pop(&s->ring, s->nr_tasks);
	t = &s->t[id];
	t->st = T_HELD;
	out->pid = s->r.task[id].pid;
	out->tgid = out->pid;
	out->prev_cpu = t->prev_cpu;
	out->nr_cpus_allowed = t->affinity ? __builtin_popcountll(t->affinity) : s->cfg.nr_cpus;
	out->weight = s->r.task[id].weight;
	out->flags = t->flags;
	out->start_ts = t->run_start;
	out->stop_ts = t->stop_ts;
	out->exec_runtime = t->exec_runtime;
	out->enqueue_ts = s->now;
	snprintf(SCX_TASK_COMM(out), SCX_COMM_LEN, "%s", s->w->g[s->r.task[id].group].name);
	tok->enq_cnt = t->enq_cnt;
	tok->cookie = (uint64_t)id;
	return 1;
}

static uint32_t sim_nr_dispatch_slots(void *ctx)
{
	(void)ctx;
	return UINT32_MAX; /* as the live backend: send everything */
}

static int sim_dispatch(void *ctx, const struct scx_task *d, const struct task_token *tok)
{
	struct sim *s = ctx;
	int id = (int)tok->cookie;

	if (id < 0 || id >= s->nr_tasks || s->t[id].st != T_HELD || s->t[id].enq_cnt != tok->enq_cnt)
		return -EINVAL;
	s->t[id].st = T_DSQ;
	s->dbuf[s->nr_dbuf++] = (struct dbuf_ent){ id, d->cpu, d->slice_ns, d->deadline,
						   d->dispatch_flags };
	s->r.nr_user_dispatches++;
	return 0;
}

static int32_t sim_select_cpu(void *ctx, int32_t pid, int32_t prev_cpu, uint32_t flags)
{
	struct sim *s = ctx;
	int id = pid - s->r.task[0].pid;

	(void)flags;
	if (id < 0 || id >= s->nr_tasks)
		return SCX_CPU_ANY;
	if (prev_cpu >= 0 && prev_cpu < s->cfg.nr_cpus && s->cpu[prev_cpu].cur == -1 &&
	    allowed(&s->t[id], prev_cpu))
		return prev_cpu;
	for (int c = 0; c < s->cfg.nr_cpus; c++)
		if (s->cpu[c].cur == -1 && allowed(&s->t[id], c))
			return c;
	return SCX_CPU_ANY;
}

static void sim_notify(void *ctx, uint64_t nr_pending)
{
	(void)ctx;
	(void)nr_pending;
}

static double sim_now(void *ctx)
{
	return ((struct sim *)ctx)->now;
}

static int sim_wait(void *ctx, int timeout_ms)
{
	(void)ctx;
	(void)timeout_ms;
	return 0;
}

static int sim_exited(void *ctx, int32_t *pids, int max)
{
	struct sim *s = ctx;
	int n = s->nr_exited < max ? s->nr_exited : max;

	memcpy(pids, s->exited, (size_t)n * sizeof(*pids));
	memmove(s->exited, s->exited + n, (size_t)(s->nr_exited - n) * sizeof(*pids));
	s->nr_exited -= n;
	return n;
}

const struct backend_ops sim_ops = {
	.name = "sim",
	.drain = sim_drain,
	.nr_dispatch_slots = sim_nr_dispatch_slots,
	.dispatch = sim_dispatch,
	.select_cpu = sim_select_cpu,
	.notify = sim_notify,
	.now = sim_now,
	.wait = sim_wait,
	.exited = sim_exited,
};
