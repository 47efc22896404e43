// SPDX-License-Identifier: GPL-2.0-only
/*
 * replay.c - `sim --replay FILE`: a recording (core/record.h) turned back
 * into a workload whose tasks live their recorded lives (struct wtask).
 *
 * A pid's events, in the file's order, give its bursts and sleeps: a
 * burst is the CPU between two sleeps (the exec_runtime of its last record
 * before it slept, plus the run that ended in the sleep), a sleep lasts
 * from that run's stop to the wake-up's record. Waits are not kept: they
 * are what the replayed policy decides. A pid seen again after its exit is
 * a new task. Tasks are grouped by command name, the 31 busiest names a
 * group each and the rest in one "others" group. A group whose wake-ups
 * mostly come within 50 us of another group's burst ends, far more often
 * than chance would have it, waits for that group instead of sleeping its
 * recorded times: the wake-up chain, kept when another policy moves the
 * bursts.
 *
 * What the recording does not hold, the replay cannot give back: runs and
 * sleeps the kernel handled without a record (the idle fast path: record
 * with -u to see every wake-up; and a preempted task that a policy lets
 * keep its place, as fifo does, runs on unseen), the CPU time a task used
 * after its last record (tail_cpu() estimates it, unless the task was
 * born in the recording and its exit carries its life's CPU time, as the
 * live backend's exits do), affinity other than one CPU or all of them, a
 * weight changed mid-life, what a task waited for other than an inferred
 * chain. A task alive at the end that got through its recorded life sooner
 * (a policy that made it wait less) goes round it again (machine.c). A bad event is skipped and counted, a bad
 * file refused saying what is wrong; memory is a few times the events',
 * allocated here and freed by workload_free().
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

#define MAX_NS (24 * 3600e9)   /* a time past a day is not a recording's */
#define MIN_WAKES 5            /* a chain needs this many wake-ups to stand on */

/* A pid's life while it is read. */
struct rtask {
	int32_t pid;
	uint32_t first, nr;          /* its events: order[first .. first + nr) */
	int group;
	double arrival;
	bool exited;
	double exit_ts;
	double exit_cpu;             /* its exit's exec_runtime (its life's CPU), if any (else 0) */
	bool born;                   /* its first record is its fork's: its whole life is here */
	double cpu;                  /* recorded CPU: what ranks the names */
	uint32_t step0, nr_step;     /* its steps in rd.step */
	char comm[16];
};

struct rend { double t; int32_t task; };                   /* a burst ended */
struct rrun { double from, to; };                          /* a recorded run */
struct rwake { double t; int32_t task; uint32_t step; };   /* a wake-up: its sleep's step */

struct rd {
	const struct rec_header *h;
	const struct rec_event *ev;
	size_t n;                    /* events read (up to REC_END) */
	const char *path;
	double duration;
	int32_t *ev_task;            /* per event: its task, -1 skipped */
	uint32_t *order;             /* events by task, in file order */
	struct rtask *t;
	int nr_tasks;
	double *step;
	uint32_t nr_step;
	struct rend *end;
	uint32_t nr_end;
	struct rwake *wake;
	uint32_t nr_wake;
	struct rrun *run;
	uint32_t nr_run;
	/* what was skipped or guessed, for the note */
	uint64_t nr_bad_kind, nr_bad_time, nr_bad_pid, nr_unordered, nr_bad_run, nr_over_tasks;
	uint64_t nr_hidden, nr_after_end, nr_wide_affinity, nr_late, nr_guessed;
	bool has_end;
	uint64_t rec_dropped;
	int nr_groups, nr_merged, nr_chains;
	char chains[256];
};

static int fail(struct rd *r, char *err, size_t errlen, int rc, const char *what)
{
	snprintf(err, errlen, "%s: %s", r->path, what);
	return rc;
}

/* pid -> its live task, open addressing; cap is a power of two. */
struct pidmap { int32_t *pid, *task; uint32_t cap; };

static uint32_t slot_of(const struct pidmap *m, int32_t pid)
{
	uint32_t i = ((uint32_t)pid * 2654435761u) & (m->cap - 1);

	while (m->pid[i] && m->pid[i] != pid)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static bool is_valid_event(struct rd *r, const struct rec_event *e)
{
	if (e->kind != REC_QUEUED && e->kind != REC_EXIT) {
		r->nr_bad_kind++;
		return false;
	}
	if (!((double)e->ts <= MAX_NS)) {
		r->nr_bad_time++;
		return false;
	}
	if (e->pid <= 0) {
		r->nr_bad_pid++;
		return false;
	}
	return true;
}

/* Step 1: which task each event belongs to; the duration. */
static int scan(struct rd *r, char *err, size_t errlen)
{
	struct pidmap m = { 0 };
	size_t cap_tasks = r->n < REPLAY_MAX_TASKS ? r->n + 1 : REPLAY_MAX_TASKS;
	double *last_ts;
	int rc = 0;

	for (m.cap = 64; m.cap < 2 * cap_tasks + 2 * 64; m.cap *= 2)
		;
	m.pid = calloc(m.cap, sizeof(*m.pid));
	m.task = calloc(m.cap, sizeof(*m.task));
	r->t = calloc(cap_tasks, sizeof(*r->t));
	last_ts = calloc(cap_tasks, sizeof(*last_ts));
	r->ev_task = malloc((r->n + 1) * sizeof(*r->ev_task));
	if (!m.pid || !m.task || !r->t || !last_ts || !r->ev_task) {
		rc = fail(r, err, errlen, -ENOMEM, "no memory to read the recording");
		goto out;
	}
	for (size_t i = 0; i < r->n; i++) {
		const struct rec_event *e = &r->ev[i];
		uint32_t s;
		int id;

		r->ev_task[i] = -1;
		if (!is_valid_event(r, e))
			continue;
		s = slot_of(&m, e->pid);
		id = m.pid[s] ? m.task[s] : -1;
		if (id < -1 && (double)e->ts <= r->t[-2 - id].exit_ts) {
			/* A record drained after the exit it precedes, or the
			 * exit told twice (sim --record): the old life's. */
			r->nr_late += e->kind == REC_QUEUED;
			continue;
		}
		if (e->kind == REC_EXIT) {
			if (id >= 0) {
				r->t[id].exited = true;
				r->t[id].exit_ts = fmax((double)e->ts, last_ts[id]);
				r->t[id].exit_cpu = fmin((double)e->exec_runtime, MAX_NS);
				m.task[s] = -2 - id;  /* the pid may come back later: a new task */
				r->duration = fmax(r->duration, r->t[id].exit_ts);
			}
			continue;
		}
		if (id < 0) {
			/* Never over half full: a slot per task at most (an
			 * exited pid's slot stays, -2 - task, and is reused). */
			if ((size_t)r->nr_tasks >= cap_tasks) {
				r->nr_over_tasks++;
				continue;
			}
			id = r->nr_tasks++;
			m.pid[s] = e->pid;
			m.task[s] = id;
			r->t[id].pid = e->pid;
			last_ts[id] = (double)e->ts;
		}
		if ((double)e->ts < last_ts[id]) {
			r->nr_unordered++;
			continue;
		}
		last_ts[id] = (double)e->ts;
		r->ev_task[i] = id;
		r->t[id].nr++;
		memcpy(r->t[id].comm, e->comm, sizeof(r->t[id].comm));
		r->t[id].comm[15] = '\0';
		r->duration = fmax(r->duration, (double)e->ts);
	}
	if (!r->nr_tasks)
		rc = fail(r, err, errlen, -EINVAL, "no task events in the recording: nothing to "
			  "replay (was the scheduler given any load?)");
out:
	free(m.pid);
	free(m.task);
	free(last_ts);
	return rc;
}

/* Step 2: the events of each task together, in the file's order. */
static int sort_by_task(struct rd *r)
{
	uint32_t at = 0;

	r->order = malloc((r->n + 1) * sizeof(*r->order));
	if (!r->order)
		return -ENOMEM;
	for (int i = 0; i < r->nr_tasks; i++) {
		r->t[i].first = at;
		at += r->t[i].nr;
		r->t[i].nr = 0;
	}
	for (size_t i = 0; i < r->n; i++) {
		struct rtask *t;

		if (r->ev_task[i] < 0)
			continue;
		t = &r->t[r->ev_task[i]];
		r->order[t->first + t->nr++] = (uint32_t)i;
	}
	return 0;
}

/* The run an event reports, if it is a new one (after @since) and sane. */
static double new_run(struct rd *r, const struct rec_event *e, double since)
{
	if (!e->start_ts && !e->stop_ts)
		return 0;
	if (e->stop_ts < e->start_ts || (double)e->stop_ts > (double)e->ts + 1e6 ||
	    (double)e->stop_ts > MAX_NS) {
		r->nr_bad_run++;
		return 0;
	}
	return (double)e->start_ts >= since ? (double)(e->stop_ts - e->start_ts) : 0;
}

static void push_step(struct rd *r, struct rtask *t, double v)
{
	r->step[t->step0 + t->nr_step++] = v;
}

/* What a task's trace ends with, kept between the two passes of step 3. */
struct tail { double cpu, last_ts, longest, bursts; bool last_woke; };

/* Step 3a: a task's complete bursts and sleeps; where it stood at its last
 * event in @tl. A record that is not a wake-up carries exec_runtime, its
 * CPU since it woke; less than was known means it slept and woke unseen. */
static void trace_task(struct rd *r, struct rtask *t, struct tail *tl)
{
	const struct rec_event *e = &r->ev[r->order[t->first]];
	double cpu = 0, last_ts = 0, run = new_run(r, e, 0);

	/* It lived before its first record if that shows a run: from its
	 * start (a wake-up: that run was a burst of its own), or from when
	 * its CPU time since it woke began (still running). */
	t->arrival = run > 0 ? (double)e->start_ts : (double)e->ts;
	/* A fork's first enqueue is no wake-up and follows no run. A task
	 * asleep when the scheduler attached also shows no run (the kernel
	 * side knew nothing of it), but its first record is a wake-up. */
	t->born = !(e->flags & REC_F_WAKEUP) && !e->start_ts && !e->stop_ts;
	if (!(e->flags & REC_F_WAKEUP)) {
		cpu = fmin((double)e->exec_runtime, MAX_NS);
		t->arrival = fmin(t->arrival, fmax((double)e->stop_ts - cpu, 0));
	}
	t->step0 = r->nr_step;
	*tl = (struct tail){ 0 };
	for (uint32_t k = 0; k < t->nr; k++) {
		double x, from;

		e = &r->ev[r->order[t->first + k]];
		if (k)
			run = new_run(r, e, last_ts);
		else if (!(e->flags & REC_F_WAKEUP) || run <= 0) {
			last_ts = (double)e->ts;
			continue;  /* its first burst goes on (or starts) here */
		}
		tl->longest = fmax(tl->longest, run);
		if (run > 0)
			r->run[r->nr_run++] = (struct rrun){ (double)e->start_ts, (double)e->stop_ts };
		if (e->flags & REC_F_WAKEUP) {
			from = run > 0 ? (double)e->stop_ts : last_ts;
			push_step(r, t, cpu + run);
			push_step(r, t, fmax((double)e->ts - from, 0));
			if (run > 0)
				r->end[r->nr_end++] = (struct rend){ from, (int32_t)(t - r->t) };
			r->wake[r->nr_wake++] = (struct rwake){ (double)e->ts, (int32_t)(t - r->t),
								t->step0 + t->nr_step - 1 };
			tl->bursts += cpu + run;
			cpu = 0;
		} else {
			x = fmin((double)e->exec_runtime, MAX_NS);
			if (x + 1e3 < cpu) {
				/* It woke since, unseen (the idle fast path): a burst
				 * ended and a sleep of at most this long passed. */
				r->nr_hidden++;
				push_step(r, t, cpu);
				push_step(r, t, fmax((double)e->stop_ts - x - last_ts, 0));
				tl->bursts += cpu;
			}
			cpu = x > 0 ? x : cpu + run;
		}
		last_ts = (double)e->ts;
	}
	tl->cpu = cpu;
	tl->last_ts = last_ts;
	tl->last_woke = !!(e->flags & REC_F_WAKEUP);
}

/*
 * Step 3b: the CPU time after its last record, of which the recording has
 * the start only. An exit that carries the task's CPU time over its life
 * (the live backend's) gives it for a task born in the recording: its life
 * less what its records show, at most its time from its last record to its
 * exit. Runs the kernel decided alone are in that difference too, so the
 * task's total is right and they come at its end (exact with -u). A task
 * older than the recording had CPU before it that no record shows: its
 * exit's figure is not used. A task runnable when the scheduler attached
 * reads as born (its first record is like a fork's): what it ran before
 * lands in its last burst, bounded as said. Still
 * running at its last record (preempted, its slice out): it ran on until
 * its exit (at most its longest run more); if it never slept, for good
 * (another policy may give a hog more than it got); else to the length of
 * its mean burst. Woken at its last record: a burst like its others, at
 * most until its exit or the end; with none to go by, the mean of
 * everyone's, or if it exited, share_guesses().
 */
static double tail_cpu(const struct rd *r, const struct rtask *t, const struct tail *tl,
		       double mean_all, bool *guess)
{
	double wall = fmax((t->exited ? t->exit_ts : r->duration) - tl->last_ts, 0);
	uint32_t n_done = t->nr_step / 2;

	*guess = false;
	if (t->exit_cpu > 0 && t->born)
		return fmin(fmax(t->exit_cpu - tl->bursts - tl->cpu, 0), wall);
	if (!tl->last_woke && t->exited)
		return tl->longest > 0 ? fmin(wall, tl->longest) : wall;
	if (!tl->last_woke)
		return !n_done ? INFINITY : fmin(wall, fmax(tl->bursts / n_done - tl->cpu, 0));
	if (n_done)
		return fmin(wall, tl->bursts / n_done);
	*guess = t->exited;
	return t->exited ? wall : fmin(wall, mean_all);
}

/*
 * Jobs that woke, ran and exited with no record of their CPU time (a
 * stream of short processes): between them they had what the CPUs could
 * give over their span less the runs recorded in it, shared out by how
 * long each was about after its record, and no more than that. On an idle
 * machine that is each one's time (it ran at once); on a busy one, its
 * part of what the others left.
 */
static void share_guesses(struct rd *r, const struct tail *tl, const bool *guess, double *more)
{
	double a = INFINITY, b = -INFINITY, known = 0, walls = 0, spare;

	for (int i = 0; i < r->nr_tasks; i++)
		if (guess[i]) {
			a = fmin(a, tl[i].last_ts);
			b = fmax(b, r->t[i].exit_ts);
			walls += more[i];
			r->nr_guessed++;
		}
	if (!(b > a) || !(walls > 0))
		return;
	for (uint32_t i = 0; i < r->nr_run; i++)
		known += fmax(fmin(r->run[i].to, b) - fmax(r->run[i].from, a), 0);
	spare = fmax(r->h->nr_cpus * (b - a) - known, 0);
	for (int i = 0; i < r->nr_tasks; i++)
		if (guess[i])
			more[i] = fmin(more[i], spare * more[i] / walls);
}

static void finish_trace(struct rd *r, struct rtask *t, const struct tail *tl, double more)
{
	push_step(r, t, tl->cpu + more);
	t->cpu = tl->bursts + tl->cpu + (isfinite(more) ? more : fmax(r->duration - tl->last_ts, 0));
}

static int trace_all(struct rd *r)
{
	struct tail *tl = calloc((size_t)r->nr_tasks, sizeof(*tl));
	double *more = calloc((size_t)r->nr_tasks, sizeof(*more)), sum = 0, nb = 0;
	bool *guess = calloc((size_t)r->nr_tasks, sizeof(*guess));
	int rc = -ENOMEM;

	/* At most two steps per event, and the last burst per task. */
	r->step = malloc((2 * r->n + (size_t)r->nr_tasks + 1) * sizeof(*r->step));
	r->end = malloc((r->n + 1) * sizeof(*r->end));
	r->wake = malloc((r->n + 1) * sizeof(*r->wake));
	r->run = malloc((r->n + 1) * sizeof(*r->run));
	if (!tl || !more || !guess || !r->step || !r->end || !r->wake || !r->run)
		goto out;
	for (int i = 0; i < r->nr_tasks; i++) {
		trace_task(r, &r->t[i], &tl[i]);
		sum += tl[i].bursts;
		nb += r->t[i].nr_step / 2;
		r->nr_step += r->t[i].nr_step + 1;  /* room for its last burst */
	}
	for (int i = 0; i < r->nr_tasks; i++)
		more[i] = tail_cpu(r, &r->t[i], &tl[i], nb ? sum / nb : 1e6, &guess[i]);
	share_guesses(r, tl, guess, more);
	for (int i = 0; i < r->nr_tasks; i++)
		finish_trace(r, &r->t[i], &tl[i], more[i]);
	rc = 0;
out:
	free(tl);
	free(more);
	free(guess);
	return rc;
}

static int cmp_comm(const void *a, const void *b, void *arg)
{
	const struct rtask *t = arg;

	return strcmp(t[*(const int *)a].comm, t[*(const int *)b].comm);
}

struct name { int first, nr; double cpu; };  /* tasks by[first .. first + nr) */

static int cmp_cpu(const void *a, const void *b)
{
	const struct name *x = a, *y = b;

	return x->cpu > y->cpu ? -1 : x->cpu < y->cpu ? 1 : x->first - y->first;
}

/* A group name a table, a JSON string and --expect can all hold, and
 * unlike the others' (two names can clean up alike): "name~2". */
static void group_name(struct workload *w, int g, const char *comm)
{
	char base[16], *n = w->g[g].name;
	bool taken = true;

	snprintf(base, sizeof(base), "%s", comm[0] ? comm : "?");
	for (char *p = base; *p; p++)
		if (*p <= ' ' || *p > '~' || *p == '"' || *p == '\\' || *p == '<' || *p == '>' ||
		    *p == '&' || *p == '.')
			*p = '_';
	snprintf(n, sizeof(w->g[g].name), "%s", base);
	for (int k = 2; taken; k++) {
		taken = false;
		for (int j = 0; j < g && !taken; j++)
			taken = !strcmp(w->g[j].name, n);
		if (taken)
			snprintf(n, sizeof(w->g[g].name), "%s~%d", base, k);
	}
}

/* Step 4: groups by command name, the busiest first; @by gets the tasks
 * in group order. */
static int group_tasks(struct rd *r, struct workload *w, int *by)
{
	struct name *nm = malloc((size_t)r->nr_tasks * sizeof(*nm));
	int nr = 0, own;

	if (!nm)
		return -ENOMEM;
	for (int i = 0; i < r->nr_tasks; i++)
		by[i] = i;
	qsort_r(by, (size_t)r->nr_tasks, sizeof(*by), cmp_comm, r->t);
	for (int i = 0; i < r->nr_tasks; i++) {
		if (!i || strcmp(r->t[by[i]].comm, r->t[by[i - 1]].comm))
			nm[nr++] = (struct name){ .first = i };
		nm[nr - 1].nr++;
		nm[nr - 1].cpu += r->t[by[i]].cpu;
	}
	qsort(nm, (size_t)nr, sizeof(*nm), cmp_cpu);
	own = nr <= WORKLOAD_MAX_GROUPS ? nr : WORKLOAD_MAX_GROUPS - 1;
	r->nr_merged = nr - own;
	r->nr_groups = own + (nr > own);
	for (int g = 0; g < nr; g++)
		for (int k = 0; k < nm[g].nr; k++)
			r->t[by[nm[g].first + k]].group = g < own ? g : own;
	for (int g = 0; g < r->nr_groups; g++) {
		struct wgroup *wg = &w->g[g];

		memset(wg, 0, sizeof(*wg));
		snprintf(wg->comm, sizeof(wg->comm), "%s", g < own ? r->t[by[nm[g].first]].comm : "others");
		group_name(w, g, wg->comm);
		wg->wakes = -1;
		wg->weight = 100;
	}
	free(nm);
	/* by: stable by group, then by first event */
	for (int i = 0, at = 0; i < r->nr_groups; i++)
		for (int j = 0; j < r->nr_tasks; j++)
			if (r->t[j].group == i)
				by[at++] = j;
	return 0;
}

static int cmp_end(const void *a, const void *b)
{
	const struct rend *x = a, *y = b;

	return x->t < y->t ? -1 : x->t > y->t ? 1 : x->task - y->task;
}

/* The groups (a bit mask) with a burst end within the window of @w, other
 * than the woken task's own. At most 256 ends looked at: a hostile file
 * with every end at one instant stays linear. */
static uint32_t groups_near(const struct rd *r, const struct rwake *wk)
{
	size_t lo = 0, hi = r->nr_end;
	uint32_t mask = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (r->end[mid].t < wk->t - REPLAY_CHAIN_WINDOW_NS)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo, k = 0; i < r->nr_end && k < 256 &&
	     r->end[i].t <= wk->t + REPLAY_CHAIN_WINDOW_NS; i++, k++)
		if (r->end[i].task != wk->task)
			mask |= 1u << r->t[r->end[i].task].group;
	return mask;
}

/*
 * Step 5: wake-up chains. B follows A when at least half of B's wake-ups
 * come within the window of an A burst's end, and three times as often as
 * A's ends cover the timeline (what chance alone would give). A group
 * wakes one group (the model's `wakes`): the strongest chain wins. A
 * chained wake-up's sleep becomes a wait (< 0); B's others stay timed.
 */
static void infer_chains(struct rd *r, struct workload *w)
{
	uint32_t match[WORKLOAD_MAX_GROUPS][WORKLOAD_MAX_GROUPS] = { { 0 } };
	uint32_t nwakes[WORKLOAD_MAX_GROUPS] = { 0 };
	double cover[WORKLOAD_MAX_GROUPS] = { 0 }, upto[WORKLOAD_MAX_GROUPS];
	int from[WORKLOAD_MAX_GROUPS];
	double ratio[WORKLOAD_MAX_GROUPS];

	qsort(r->end, r->nr_end, sizeof(*r->end), cmp_end);
	for (int g = 0; g < WORKLOAD_MAX_GROUPS; g++)
		upto[g] = -INFINITY;
	for (uint32_t i = 0; i < r->nr_end; i++) {
		int g = r->t[r->end[i].task].group;
		double a = fmax(r->end[i].t - REPLAY_CHAIN_WINDOW_NS, upto[g]);

		upto[g] = fmax(upto[g], r->end[i].t + REPLAY_CHAIN_WINDOW_NS);
		cover[g] += fmax(upto[g] - a, 0);
	}
	for (uint32_t i = 0; i < r->nr_wake; i++) {
		int gb = r->t[r->wake[i].task].group;
		uint32_t m = groups_near(r, &r->wake[i]);

		nwakes[gb]++;
		for (int ga = 0; ga < r->nr_groups; ga++)
			match[gb][ga] += m >> ga & 1;
	}
	for (int gb = 0; gb < r->nr_groups; gb++) {
		from[gb] = -1;
		ratio[gb] = 0;
		for (int ga = 0; ga < r->nr_groups && nwakes[gb] >= MIN_WAKES; ga++) {
			double q = (double)match[gb][ga] / nwakes[gb];
			double chance = fmin(cover[ga] / fmax(r->duration, 1), 1);

			if (q >= 0.5 && q >= 3 * chance && q > ratio[gb]) {
				from[gb] = ga;
				ratio[gb] = q;
			}
		}
	}
	/* The strongest first: a waker already taken drops the weaker chain. */
	for (;;) {
		int best = -1;

		for (int gb = 0; gb < r->nr_groups; gb++)
			if (from[gb] >= 0 && w->g[from[gb]].wakes < 0 && (best < 0 || ratio[gb] > ratio[best]))
				best = gb;
		if (best < 0)
			break;
		w->g[from[best]].wakes = best;
		r->nr_chains++;
		snprintf(r->chains + strlen(r->chains), sizeof(r->chains) - strlen(r->chains),
			 "%s%s <- %s (%.0f%%)", r->nr_chains > 1 ? ", " : "", w->g[best].name,
			 w->g[from[best]].name, 100 * ratio[best]);
		for (int gb = 0; gb < r->nr_groups; gb++)
			if (from[gb] == from[best] && gb != best)
				from[gb] = -1;
		from[best] = -1;
	}
	for (uint32_t i = 0; i < r->nr_wake; i++) {
		int gb = r->t[r->wake[i].task].group;

		for (int ga = 0; ga < r->nr_groups; ga++)
			if (w->g[ga].wakes == gb && (groups_near(r, &r->wake[i]) >> ga & 1))
				r->step[r->wake[i].step] = -1;
	}
}

/* Step 6: the workload: each group's tasks' lives, in one allocation. */
static int build(struct rd *r, struct workload *w, const int *by)
{
	size_t tbytes = (size_t)r->nr_tasks * sizeof(struct wtask);
	char *mem = malloc(tbytes + (size_t)r->nr_step * sizeof(double) + 8);
	struct wtask *wt = (struct wtask *)mem;
	double *steps = (double *)(mem + ((tbytes + 7) & ~(size_t)7));
	uint32_t at = 0;

	if (!mem)
		return -ENOMEM;
	w->owned = mem;
	for (int i = 0; i < r->nr_tasks; i++) {
		const struct rtask *t = &r->t[by[i]];
		const struct rec_event *last = &r->ev[r->order[t->first + t->nr - 1]];
		struct wgroup *g = &w->g[t->group];

		if (!g->count++)
			g->task = &wt[i];
		memcpy(steps + at, r->step + t->step0, t->nr_step * sizeof(double));
		wt[i] = (struct wtask){
			.arrival_ns = t->arrival,
			.step = steps + at, .nr_step = t->nr_step,
			.weight = last->weight >= 1 && last->weight <= 10000 ? last->weight : 100,
			.exits = t->exited,
		};
		at += t->nr_step;
		memcpy(wt[i].comm, t->comm, sizeof(wt[i].comm));
		/* Pinned: one CPU allowed. Other masks are not recorded. */
		if (last->nr_cpus_allowed == 1 && last->cpu >= 0 && last->cpu < 64 &&
		    (uint32_t)last->cpu < r->h->nr_cpus && r->h->nr_cpus <= 64)
			wt[i].affinity = 1ull << last->cpu;
		else if (last->nr_cpus_allowed > 1 && last->nr_cpus_allowed < r->h->nr_cpus)
			r->nr_wide_affinity++;
		if (g->count == 1)
			g->weight = wt[i].weight;
	}
	return 0;
}

static void say(char *note, size_t len, const char *fmt, unsigned long long n, const char *what)
{
	if (n && strlen(note) + 1 < len)
		snprintf(note + strlen(note), len - strlen(note), fmt, n, what);
}

static void write_note(const struct rd *r, char *note, size_t len)
{
	snprintf(note, len, "replay: %s (%s backend, policy %s, %u CPUs, %.3f s): %d tasks in %d "
		 "groups", r->path, r->h->backend[0] ? r->h->backend : "?",
		 r->h->policy[0] ? r->h->policy : "?", r->h->nr_cpus, r->duration / 1e9, r->nr_tasks,
		 r->nr_groups);
	say(note, len, " (%llu %s)", (unsigned long long)r->nr_merged,
	    "more command names merged into others");
	snprintf(note + strlen(note), len - strlen(note), ", %d wake-up chain%s inferred%s%s",
		 r->nr_chains, r->nr_chains == 1 ? "" : "s", r->nr_chains ? ": " : "", r->chains);
	say(note, len, "\nreplay: %llu %s", r->nr_hidden, "wake-ups went unrecorded (the idle "
	    "fast path; record with -u to see them all): their bursts are merged");
	say(note, len, "\nreplay: %llu %s", r->nr_guessed, "tasks ran once and exited with no "
	    "record of their CPU time: theirs is guessed (the CPU time no recorded run took, "
	    "shared out)");
	say(note, len, "\nreplay: %llu %s", r->nr_late, "events of a task drained after its "
	    "exit ignored");
	say(note, len, "\nreplay: %llu %s", r->nr_over_tasks,
	    "events of tasks past the first 20000 skipped");
	say(note, len, "\nreplay: %llu %s", r->nr_bad_kind, "events of no known kind skipped");
	say(note, len, "\nreplay: %llu %s", r->nr_bad_time, "events past 24 h skipped");
	say(note, len, "\nreplay: %llu %s", r->nr_bad_pid, "events without a pid skipped");
	say(note, len, "\nreplay: %llu %s", r->nr_unordered, "events earlier than their task's "
	    "previous one skipped");
	say(note, len, "\nreplay: %llu %s", r->nr_bad_run, "runs that stop before they start "
	    "(or after their record) ignored");
	say(note, len, "\nreplay: %llu %s", r->nr_wide_affinity, "tasks allow some CPUs, not all: "
	    "the recording has no mask, they run anywhere");
	say(note, len, "\nreplay: %llu %s", r->nr_after_end, "events after the REC_END trailer ignored");
	say(note, len, "\nreplay: the recorder lost %llu %s", r->rec_dropped,
	    "events (its ring was full): tasks may miss bursts");
	if (!r->has_end && strlen(note) + 1 < len)
		snprintf(note + strlen(note), len - strlen(note), "\nreplay: no REC_END trailer: the "
			 "recording was cut short (the scheduler killed?); replaying what is there");
}

int replay_build(struct workload *w, const struct rec_header *h, const struct rec_event *ev,
		 size_t n, const char *path, char *note, size_t notelen, char *err, size_t errlen)
{
	struct rd r = { .h = h, .ev = ev, .n = n, .path = path };
	int *by = NULL;
	int rc;

	memset(w, 0, sizeof(*w));
	if (note && notelen)
		note[0] = '\0';
	if (n > REPLAY_MAX_EVENTS)
		return fail(&r, err, errlen, -E2BIG, "over 16 Mi events: replay a shorter recording");
	for (size_t i = 0; i < n; i++)
		if (ev[i].kind == REC_END) {
			r.has_end = true;
			r.rec_dropped = ev[i].stop_ts;
			r.nr_after_end = n - i - 1;
			r.n = i;
			r.duration = (double)ev[i].ts <= MAX_NS ? (double)ev[i].ts : 0;
			break;
		}
	if ((rc = scan(&r, err, errlen)))
		goto out;
	rc = -ENOMEM;
	if (sort_by_task(&r) || trace_all(&r) ||
	    !(by = malloc((size_t)r.nr_tasks * sizeof(*by))) || group_tasks(&r, w, by)) {
		fail(&r, err, errlen, rc, "no memory to replay the recording");
		goto out;
	}
	infer_chains(&r, w);
	if (build(&r, w, by)) {
		fail(&r, err, errlen, rc, "no memory to replay the recording");
		goto out;
	}
	rc = 0;
	w->nr_groups = r.nr_groups;
	w->cpus = (int)h->nr_cpus;
	w->duration_ns = fmax(r.duration, 1e6);
	snprintf(w->name, sizeof(w->name), "replay of %s", path);
	if (note && notelen)
		write_note(&r, note, notelen);
out:
	if (rc)
		workload_free(w);
	free(by);
	free(r.ev_task);
	free(r.order);
	free(r.t);
	free(r.step);
	free(r.end);
	free(r.wake);
	free(r.run);
	return rc;
}

int replay_load(struct workload *w, const char *path, char *note, size_t notelen, char *err,
		size_t errlen)
{
	struct rec_header h;
	struct rec_event *ev;
	size_t n;
	int rc;

	memset(w, 0, sizeof(*w));
	if ((rc = record_read(path, &h, &ev, &n, err, errlen)))
		return rc;
	rc = replay_build(w, &h, ev, n, path, note, notelen, err, errlen);
	free(ev);
	return rc;
}
