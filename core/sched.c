// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched.c - the batch loop (see sched.h).
 *
 * Trust boundary: everything the backend hands us is sanitised in
 * prepare() (weights clamped, timestamps made monotonic, comm terminated)
 * and everything a policy returns is checked in validate() before it can
 * reach the heap or the backend. The inputs in between are const to Lua
 * (runtime.lua), so the pid the store is keyed by and the kernel is told
 * is the one prepare() saw. A policy can be wrong but cannot make the core
 * wrong.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "sched.h"

#define DEADLINE_MAX SCX_VTIME_MAX

size_t sched_arena_bytes(const struct sched_cfg *cfg)
{
	return (size_t)cfg->max_tasks * (sizeof(struct scx_task) + sizeof(struct task_token) +
					 sizeof(uint32_t) + sizeof(struct heap_entry)) +
	       (size_t)cfg->batch_max * (sizeof(uint32_t) + sizeof(struct heap_entry)) +
	       store_arena_bytes(cfg->store_cap) +
	       SCX_RULE_MAX * sizeof(struct scx_rule) + 18 * 64;
}

int sched_init(struct sched *s, struct arena *a, const struct sched_cfg *cfg,
	       const struct backend_ops *be, void *bctx, struct scx_stats *stats)
{
	memset(s, 0, sizeof(*s));
	s->cfg = *cfg;
	s->be = be;
	s->bctx = bctx;
	s->stats = stats;
	s->tasks = arena_carve(a, cfg->max_tasks * sizeof(*s->tasks));
	s->tok = arena_carve(a, cfg->max_tasks * sizeof(*s->tok));
	s->free_slot = arena_carve(a, cfg->max_tasks * sizeof(*s->free_slot));
	s->batch = arena_carve(a, cfg->batch_max * sizeof(*s->batch));
	s->dbatch = arena_carve(a, cfg->batch_max * sizeof(*s->dbatch));
	if (!s->tasks || !s->tok || !s->free_slot || !s->batch || !s->dbatch ||
	    heap_init(&s->heap, a, cfg->max_tasks) || store_init(&s->store, a, cfg->store_cap) ||
	    rulebook_init(&s->rules, a, cfg->slice_max_ns))
		return -ENOMEM;
	/* Hand out low slots first: they stay warm in cache. */
	for (uint32_t i = 0; i < cfg->max_tasks; i++)
		s->free_slot[i] = cfg->max_tasks - 1 - i;
	s->nr_free = cfg->max_tasks;
	s->fb.slice_ns = cfg->slice_ns;
	return 0;
}

/* Sanitise backend input, attach persisted state, set output defaults. */
static void prepare(struct sched *s, struct scx_task *t, struct task_token *tok, double now)
{
	bool is_new;
	struct store_entry *e = store_get(&s->store, t->pid, now, &is_new);

	if (t->weight < 1)
		t->weight = 1;
	else if (t->weight > 10000)
		t->weight = 10000;
	if (!(t->start_ts >= 0))
		t->start_ts = 0;
	if (!(t->stop_ts >= t->start_ts))
		t->stop_ts = t->start_ts;
	if (!(t->exec_runtime >= 0) || isinf(t->exec_runtime))
		t->exec_runtime = 0;
	if (t->prev_cpu < 0 || t->prev_cpu >= s->cfg.nr_cpus)
		t->prev_cpu = 0;
	SCX_TASK_COMM(t)[SCX_COMM_LEN - 1] = '\0';
	t->flags &= SCX_TF_WAKEUP | SCX_TF_PREEMPTED | SCX_TF_OBSERVED;
	/* Only a backend that applies rules decides tasks before we see them. */
	if (!s->be->set_rules)
		t->flags &= ~(uint32_t)SCX_TF_OBSERVED;
	/* The policy answers a new task's introduction (an idle CPU took it)
	 * and a record of the same task in the same batch in one call: to it
	 * the second is the task's first decision as well, not a task with
	 * no vtime. */
	if (is_new || (e->introducing && !tok->introduced))
		t->flags |= SCX_TF_NEW;
	else if (t->stop_ts == e->last_stop_ts) {
		/* No run since the last record (its affinity or priority
		 * changed while it waited): that run was reported already,
		 * and a policy charging it again would push the task back
		 * once per change (stress-ng --affinity: thousands). */
		t->flags |= SCX_TF_REQUEUED;
		t->start_ts = t->stop_ts;
	}
	e->last_stop_ts = t->stop_ts;
	e->introducing = tok->introduced && (t->flags & SCX_TF_NEW);

	e->nr_enqueues++;
	/* A task under a rule has its vtime where the rule runs. */
	t->vtime = tok->rule && isfinite(tok->vtime) ? tok->vtime : e->vtime;
	tok->vtime = t->vtime;   /* what the policy was given, for rulebook_compare() */
	t->rule = (t->flags & SCX_TF_OBSERVED) ? tok->rule : e->rule;
	t->scratch = e->scratch;
	t->deadline = now;
	t->slice_ns = s->cfg.slice_ns;
	t->cpu = SCX_CPU_ANY;
	t->dispatch_flags = 0;
	s->stats->nr_queued++;
}

static void warn_output(struct sched *s, const struct scx_task *t, const char *what, double v)
{
	char msg[256];

	if (!s->ph)
		return;
	snprintf(msg, sizeof(msg), "policy %s: invalid %s %g for pid %d (%.16s); corrected, see stats",
		 s->ph->path, what, v, t->pid, SCX_TASK_COMM_CONST(t));
	policy_report(s->ph, msg);
}

/* Clamp or reject what the policy decided. Counted and reported. */
static void validate(struct sched *s, struct scx_task *t)
{
	double d = t->deadline, sl = t->slice_ns;

	if (isnan(d) || isinf(d)) {
		/* No order to honour: put it behind everything queued so far. */
		s->stats->nr_bad_deadline++;
		warn_output(s, t, "deadline", d);
		d = s->max_deadline;
	} else if (d < 0) {
		s->stats->nr_bad_deadline++;
		warn_output(s, t, "deadline", d);
		d = 0;
	} else if (d > DEADLINE_MAX) {
		s->stats->nr_bad_deadline++;
		warn_output(s, t, "deadline", d);
		d = DEADLINE_MAX;
	}
	if (d > s->max_deadline)
		s->max_deadline = d;
	t->deadline = d;

	if (!(sl > 0)) {
		s->stats->nr_bad_slice++;
		warn_output(s, t, "slice_ns", sl);
		sl = s->cfg.slice_ns;
	} else if (sl < SCX_SLICE_HARD_MIN) {
		sl = SCX_SLICE_HARD_MIN;
	} else if (sl > s->cfg.slice_max_ns) {
		s->stats->nr_bad_slice++;
		warn_output(s, t, "slice_ns", sl);
		sl = s->cfg.slice_max_ns;
	}
	t->slice_ns = sl;

	if (t->cpu != SCX_CPU_ANY && (t->cpu < 0 || t->cpu >= s->cfg.nr_cpus)) {
		s->stats->nr_bad_cpu++;
		warn_output(s, t, "cpu", t->cpu);
		t->cpu = SCX_CPU_ANY;
	}
	t->dispatch_flags &= SCX_DF_PREEMPT;
}

static void save_state(struct sched *s, struct scx_task *t, double now)
{
	bool is_new;
	struct store_entry *e = store_get(&s->store, t->pid, now, &is_new);

	/* A vtime that is not a finite number, or beyond any real one, would
	 * poison every later comparison (and the fallback's clock): keep the
	 * old one, in the store and in the task (which P.dispatch may still
	 * read; found by fuzz_outputs). */
	if (t->vtime >= -SCX_VTIME_MAX && t->vtime <= SCX_VTIME_MAX) {
		e->vtime = t->vtime;
	} else {
		s->stats->nr_bad_vtime++;
		warn_output(s, t, "vtime", t->vtime);
		t->vtime = e->vtime;
	}
	e->scratch = t->scratch;
	e->rule = t->rule;
	e->introducing = 0;
}

static void report_failure(struct sched *s, int err, const char *fn, uint32_t n)
{
	char msg[2400];

	s->stats->nr_policy_errors++;
	if (err == -ETIMEDOUT)
		snprintf(msg, sizeof(msg), "%s\nScheduling continues with the built-in fallback "
			 "(weighted vtime) until the policy is reloaded (SIGHUP or --watch).",
			 s->ph->err);
	else
		snprintf(msg, sizeof(msg), "policy %s: %s failed%s; %u task(s) ordered by the "
			 "fallback:\n%s", s->ph->path, fn,
			 err == -ENOMEM ? " (its heap is exhausted: raise --arena-mb or fix a leak; "
					  "the policy is retired until it is reloaded)" : "",
			 n, s->ph->err);
	/* A hang or a retirement is rare and important: never rate-limit it. */
	if (err == -ETIMEDOUT || err == -ENOMEM)
		s->ph->last_report_ns = 0;
	policy_report(s->ph, msg);
}

static void enqueue_batch(struct sched *s, uint32_t n, double now)
{
	int err = -ENOENT;

	s->stats->nr_batches++;
	if (n > s->stats->max_batch)
		s->stats->max_batch = n;
	if (s->cpolicy) {
		s->cpolicy(s->cpolicy_arg, s->tasks, s->batch, n, now);
		err = 0;
	} else if (s->ph && policy_active(s->ph)) {
		if (s->shadow)
			shadow_before(s->shadow, s, n, now);
		err = policy_enqueue(s->ph, n, now);
		if (err)
			report_failure(s, err, "P.enqueue", n);
	}
	if (err) {
		/*
		 * Continue the order the policy left, do not jump it: the
		 * fallback's clock starts at 0 while a policy's deadlines are
		 * usually "now"-based (uptime ns), so without this floor every
		 * task ordered after a hang or an error went ahead of all the
		 * policy had queued, which then waited for the starvation
		 * guard (cyclictest: 5.2 s in the VM's hook-stopped hang case).
		 * One slice more: the fallback's floor is a slice behind its
		 * clock, and it must not land before the policy's last.
		 */
		if (s->fb.vtime_now < s->max_deadline + s->fb.slice_ns)
			s->fb.vtime_now = s->max_deadline + s->fb.slice_ns;
		fallback_order(&s->fb, &s->store, s->tasks, s->batch, n);
		s->stats->nr_fallback_batches++;
		s->stats->nr_fallback_tasks += n;
	}
	rulebook_publish(&s->rules, s->be, s->bctx, s->stats);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t slot = s->batch[i];
		struct scx_task *t = &s->tasks[slot];

		validate(s, t);
		t->rule = rulebook_valid_id(&s->rules, t->rule, s->stats);
		if (t->flags & SCX_TF_OBSERVED) {
			/* Decided in the kernel by its rule, or run on an idle
			 * CPU undecided: the policy only saw it. */
			if (s->tok[slot].introduced) {
				/* The policy's vtime, checked, goes to the backend. */
				save_state(s, t, now);
				rulebook_introduced(&s->rules, t, &s->tok[slot], s->be, s->bctx,
						    s->stats);
			} else {
				rulebook_observed(&s->rules, t, &s->tok[slot], s->be, s->bctx,
						  s->stats);
				save_state(s, t, now);
			}
			s->free_slot[s->nr_free++] = slot;
			continue;
		}
		rulebook_compare(&s->rules, t, s->tok[slot].vtime, s->stats);
		save_state(s, t, now);
		/* Cannot fail: the heap has a place for every task slot. */
		heap_push(&s->heap, t->deadline, s->seq++, slot);
	}
	/* The slots of observed tasks are free again but not yet reused. */
	if (s->shadow && !err)
		shadow_after(s->shadow, s, n);
	if (heap_size(&s->heap) > s->stats->max_pending)
		s->stats->max_pending = heap_size(&s->heap);
}

static uint32_t dispatch_some(struct sched *s, double now)
{
	uint32_t k = s->be->nr_dispatch_slots(s->bctx), n = 0, done = 0;
	bool full = false;

	if (k > heap_size(&s->heap))
		k = heap_size(&s->heap);
	if (k > s->cfg.batch_max)
		k = s->cfg.batch_max;
	while (n < k) {
		s->dbatch[n] = heap_pop(&s->heap);
		s->batch[n] = s->dbatch[n].slot;
		n++;
	}
	if (!n)
		return 0;
	if (!s->cpolicy && s->ph && policy_has_dispatch(s->ph)) {
		int err = policy_dispatch(s->ph, n, now);

		if (err)
			report_failure(s, err, "P.dispatch", n);
		for (uint32_t i = 0; i < n; i++) {
			struct scx_task *t = &s->tasks[s->batch[i]];

			t->deadline = s->dbatch[i].deadline; /* only the heap orders */
			validate(s, t);
			save_state(s, t, now);
		}
	} else if (!s->cpolicy && s->ph) {
		/* A policy (or a shadow) that kept a task from an earlier call
		 * may have written to it while it waited: what the backend gets
		 * is checked again (and counted if it changed). */
		for (uint32_t i = 0; i < n; i++) {
			struct scx_task *t = &s->tasks[s->batch[i]];

			t->deadline = s->dbatch[i].deadline;
			validate(s, t);
		}
	}
	/*
	 * A refused task goes back in the heap with its original key. -EAGAIN
	 * means the backend is full: the rest would be refused too, and
	 * stopping keeps their order. Any other refusal is about that task
	 * alone, and the rest go on: one task the backend never takes must not
	 * hold up everything behind it, round after round.
	 */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t slot = s->batch[i];
		int err = full ? -EAGAIN : s->be->dispatch(s->bctx, &s->tasks[slot], &s->tok[slot]);

		if (!err) {
			s->free_slot[s->nr_free++] = slot;
			s->stats->nr_dispatched++;
			done++;
			continue;
		}
		full = err == -EAGAIN;
		heap_push(&s->heap, s->dbatch[i].deadline, s->dbatch[i].seq, slot);
		s->stats->nr_requeued++;
	}
	return done;
}

static void tick(struct sched *s, double now)
{
	int32_t pids[64];
	int n;

	if (s->ph && !s->cpolicy) {
		int err = policy_tick(s->ph, now);

		if (err)
			report_failure(s, err, "P.tick", 0);
		rulebook_publish(&s->rules, s->be, s->bctx, s->stats);
		if (s->shadow)
			shadow_tick(s->shadow, s, now);
	}
	while ((n = s->be->exited(s->bctx, pids, 64)) > 0)
		for (int i = 0; i < n; i++) {
			store_remove(&s->store, pids[i]);
			if (s->shadow)
				store_remove(&s->shadow->store, pids[i]);
			if (s->rec)
				recorder_exit(s->rec, pids[i], now, 0);
		}
	/* 1024 slots a tick: a full pass every few seconds at 100 ms ticks. */
	store_expire(&s->store, now, s->cfg.store_ttl_ns, 1024);
	sched_update_stats(s);
}

uint32_t sched_step(struct sched *s)
{
	double now = s->be->now(s->bctx);
	uint32_t n = 0, moved = 0;

	while (s->nr_free) {
		uint32_t slot = s->free_slot[s->nr_free - 1];
		struct scx_task *t = &s->tasks[slot];
		int got;

		t->exec_runtime = 0;   /* an exit's CPU time, if the backend knows it */
		s->tok[slot].introduced = 0;   /* slots are reused; only some backends set it */
		got = s->be->drain(s->bctx, t, &s->tok[slot]);

		if (got == 2) {
			store_remove(&s->store, t->pid);
			if (s->shadow)
				store_remove(&s->shadow->store, t->pid);
			if (s->rec)
				recorder_exit(s->rec, t->pid, now, t->exec_runtime);
			continue;
		}
		if (got != 1)
			break;
		if (s->rec)
			recorder_task(s->rec, t);
		s->nr_free--;
		prepare(s, t, &s->tok[slot], now);
		s->batch[n++] = slot;
		if (n == s->cfg.batch_max) {
			enqueue_batch(s, n, now);
			moved += n;
			n = 0;
		}
	}
	if (!s->nr_free)
		s->stats->nr_pool_full++;
	if (n) {
		enqueue_batch(s, n, now);
		moved += n;
	}
	moved += dispatch_some(s, now);
	s->stats->nr_pending = heap_size(&s->heap);
	s->be->notify(s->bctx, heap_size(&s->heap));
	if (now >= s->next_tick) {
		tick(s, now);
		s->next_tick = now + s->cfg.tick_ns;
	}
	return moved;
}

static long thread_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/*
 * A newly loaded policy may order on another scale (uptime ns, a vtime from
 * 0, a runtime): what the old one queued was decided already, so it leaves
 * first, in the old order, instead of waiting until the new scale passes it.
 * The fallback's clock and floor follow the new policy's deadlines from
 * here on (an old policy's far deadline would otherwise put every task the
 * fallback orders behind all of the new policy's).
 */
void sched_policy_changed(struct sched *s)
{
	heap_rank(&s->heap);
	s->max_deadline = 0;
	s->fb.vtime_now = 0;
	rulebook_publish(&s->rules, s->be, s->bctx, s->stats);
}

void sched_mark_warm(struct sched *s)
{
	s->warm_faults = thread_faults();
	s->warm = true;
}

void sched_update_stats(struct sched *s)
{
	if (s->warm)
		s->stats->nr_page_faults = (uint64_t)(thread_faults() - s->warm_faults);
	s->stats->nr_store_evictions = s->store.nr_evictions;
	s->stats->nr_store_expired = s->store.nr_expired;
}
