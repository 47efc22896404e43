// SPDX-License-Identifier: GPL-2.0-only
/*
 * The batch loop, driven by the synthetic backend: no task is lost or
 * dispatched twice (with refusals, exits, errors and hangs), the heap order
 * holds within a dispatch round, a broken or hung policy falls back within
 * the watchdog bound, and a reload keeps the per-task state.
 */
#include "../core/sched.c"
#include "../core/engine.h"
#include "../core/synth.h"
#include "../core/watchdog.h"
#include "test.h"

#include <pthread.h>

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Every made-runnable task is either dispatched or still held by the core. */
static void check_books(const char *what, struct synth *sy, struct sched *s)
{
	struct synth_counts c;

	synth_counts(sy, &c);
	CHECK(c.nr_invalid == 0, "%s: %llu double/stale dispatches", what,
	      (unsigned long long)c.nr_invalid);
	CHECK(c.nr_made_runnable == c.nr_dispatched + heap_size(&s->heap),
	      "%s: runnable %llu != dispatched %llu + held %u", what,
	      (unsigned long long)c.nr_made_runnable, (unsigned long long)c.nr_dispatched,
	      heap_size(&s->heap));
	CHECK(c.nr_outstanding == heap_size(&s->heap), "%s: outstanding %u vs held %u", what,
	      c.nr_outstanding, heap_size(&s->heap));
	CHECK(s->nr_free + heap_size(&s->heap) == s->cfg.max_tasks, "%s: slots leak", what);
}

static void run_rounds(struct engine *e, struct synth *sy, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		sched_step(&e->sched);
		synth_ops.wait(sy, 0);
	}
}

static struct synth *mk(struct engine *e, uint32_t refuse, uint32_t slots, uint32_t max_tasks)
{
	struct synth_cfg sc = { .nr_tasks = 400, .burst = 64, .nr_cpus = 4, .exit_every = 50,
				.refuse_every = refuse, .slots_per_round = slots, .seed = 7 };
	struct synth *sy = synth_new(&sc);
	struct engine_cfg cfg;

	engine_cfg_default(&cfg);
	cfg.arena_bytes = 64u << 20;
	cfg.sched.max_tasks = max_tasks;
	cfg.sched.batch_max = 32;
	cfg.sched.nr_cpus = 4;
	cfg.policy.backend = "synth";
	if (engine_init(e, &cfg, &synth_ops, sy))
		return NULL;
	return sy;
}

/* C policy for the order test: deadline = pid % 97, recorded at dispatch. */
static void by_pid(void *arg, struct scx_task *tasks, const uint32_t *batch, uint32_t n, double now)
{
	for (uint32_t i = 0; i < n; i++)
		tasks[batch[i]].deadline = tasks[batch[i]].pid % 97;
}

/* A backend that records what synth accepted, to check the order. */
static struct backend_ops rec_ops;
static uint64_t rec_round, rec_last_round = UINT64_MAX;
static double rec_last;
static int rec_bad, rec_n;

static int rec_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	int rc = synth_ops.dispatch(ctx, t, tok);

	if (rc == 0) {
		if (rec_last_round == rec_round && t->deadline < rec_last)
			rec_bad++;
		rec_last = t->deadline;
		rec_last_round = rec_round;
		rec_n++;
	}
	return rc;
}

/* For 16: what reaches the backend is always valid. */
static int spoil_n, spoil_bad;

static int spoil_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	int rc = synth_ops.dispatch(ctx, t, tok);

	if (rc == 0) {
		spoil_n++;
		if (!(t->slice_ns >= SCX_SLICE_HARD_MIN) || t->cpu < SCX_CPU_ANY || t->cpu >= 4)
			spoil_bad++;
	}
	return rc;
}

/* For 9 and 10: tasks ordered by error_later.lua carry its 7 ms slice.
 * Counts their dispatches, the others', and theirs after any other. */
static int slice_policy, slice_fb, slice_jumped;

static int slice_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	int rc = synth_ops.dispatch(ctx, t, tok);

	if (rc == 0 && t->slice_ns == 7e6) {
		slice_policy++;
		if (slice_fb)
			slice_jumped++;
	} else if (rc == 0) {
		slice_fb++;
	}
	return rc;
}

/* For 9 and 10: on a fresh engine, error_later.lua loaded, dispatches counted. */
static struct synth *mk_slices(struct engine *e)
{
	struct synth *sy = mk(e, 0, 4, 8192);

	CHECK(policy_load(&e->ph, "tests/policies/error_later.lua") == 0, "load error_later");
	slice_policy = slice_fb = slice_jumped = 0;
	rec_ops = synth_ops;
	rec_ops.dispatch = slice_dispatch;
	e->sched.be = &rec_ops;
	return sy;
}

/* Tasks with error_later.lua's slice still in the core's heap. */
static uint32_t held_by_policy(const struct sched *s)
{
	uint32_t held = 0;

	for (uint32_t i = 0; i < heap_size(&s->heap); i++)
		held += s->tasks[s->heap.e[i].slot].slice_ns == 7e6;
	return held;
}

/* For 12: a backend that never takes pid 1000 (refused with -EINVAL,
 * not "full"), and accepts everything else; a policy that puts pid 1000
 * first. */
static int refuse_one_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	return t->pid == 1000 ? -EINVAL : synth_ops.dispatch(ctx, t, tok);
}

static void refused_first(void *arg, struct scx_task *tasks, const uint32_t *batch, uint32_t n,
			  double now)
{
	for (uint32_t i = 0; i < n; i++)
		tasks[batch[i]].deadline = tasks[batch[i]].pid == 1000 ? 0 : now;
}

/* For 13: what hang_in_c.lua calls, ~50 us holding a mutex (error
 * checking: a mutex left held fails the relock instead of hanging). */
static pthread_mutex_t c_lock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

static void hold_c_lock(void)
{
	uint64_t t0 = clock_ns();

	if (pthread_mutex_lock(&c_lock))
		return;
	while (clock_ns() - t0 < 50000)
		;
	pthread_mutex_unlock(&c_lock);
}

/* 13: hang_in_c.lua, abandoned five times: never from inside the C call. */
static void never_jump_from_c(void)
{
	struct synth_cfg sc = { .nr_tasks = 64, .burst = 8, .nr_cpus = 4, .seed = 3 };
	struct synth *sy = synth_new(&sc);
	struct engine_cfg cfg;
	struct engine e;
	char opt[64];
	const char *opts[] = { opt };
	uint64_t deferred = watchdog_nr_deferred();
	int locked = 0;

	engine_cfg_default(&cfg);
	cfg.arena_bytes = 64u << 20;
	cfg.policy.sandbox = false;
	cfg.policy.watchdog_ms = 40;
	cfg.policy.opts = opts;
	cfg.policy.nr_opts = 1;
	snprintf(opt, sizeof(opt), "fn=%llu", (unsigned long long)(uintptr_t)hold_c_lock);
	CHECK(sy && engine_init(&e, &cfg, &synth_ops, sy) == 0, "engine up");
	for (int round = 0; round < 5; round++) {
		CHECK(policy_load(&e.ph, "tests/policies/hang_in_c.lua") == 0, "load: %s", e.ph.err);
		for (int i = 0; i < 100 && policy_active(&e.ph); i++)
			run_rounds(&e, sy, 1);
		if (pthread_mutex_trylock(&c_lock))
			locked++;
		else
			pthread_mutex_unlock(&c_lock);
	}
	CHECK(e.stats->nr_watchdog == 5, "5 hangs abandoned (%llu)",
	      (unsigned long long)e.stats->nr_watchdog);
	CHECK(locked == 0, "%d of 5 jumps left the C function's mutex held", locked);
	printf("hang_in_c: %llu stage-2 signals found the thread outside LuaJIT's code\n",
	       (unsigned long long)(watchdog_nr_deferred() - deferred));
	engine_free(&e);
	synth_free(sy);
}

/* A backend that reads a script: pid 77 queued, pid 77 exits, a new pid 77. */
static const int exit_script[] = { 1, 2, 1 };
static int exit_pos, exit_new[2], exit_seen;

static int exit_drain(void *ctx, struct scx_task *t, struct task_token *tok)
{
	(void)ctx;
	if (exit_pos >= 3)
		return 0;
	memset(t, 0, sizeof(*t));
	memset(tok, 0, sizeof(*tok));
	t->pid = 77;
	t->weight = 100;
	t->stop_ts = 1e6 * (exit_pos + 1);
	return exit_script[exit_pos++];
}

static void exit_policy(void *arg, struct scx_task *tasks, const uint32_t *batch, uint32_t n,
			double now)
{
	for (uint32_t i = 0; i < n; i++) {
		exit_new[exit_seen++ & 1] = !!(tasks[batch[i]].flags & SCX_TF_NEW);
		tasks[batch[i]].vtime = 5e6;
	}
}

static int accept_all(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	return 0;
}

int main(void)
{
	struct engine e;
	struct synth *sy;

	/* 1. Fallback only, refusals and a small dispatch budget: books balance. */
	sy = mk(&e, 5, 20, 8192);
	CHECK(sy != NULL, "engine up");
	run_rounds(&e, sy, 500);
	check_books("fallback+refusals", sy, &e.sched);
	CHECK(e.stats->nr_requeued > 0, "refusals were exercised (%llu)",
	      (unsigned long long)e.stats->nr_requeued);
	CHECK(e.stats->nr_fallback_batches == e.stats->nr_batches, "no policy: all fallback");
	engine_free(&e);
	synth_free(sy);

	/* 2. Order: within one dispatch round, tasks leave in deadline order,
	 * refusals included (a refused task goes back with its key). */
	sy = mk(&e, 10, 16, 8192);
	e.sched.cpolicy = by_pid;
	rec_ops = synth_ops;
	rec_ops.dispatch = rec_dispatch;
	e.sched.be = &rec_ops;
	for (int r = 0; r < 300; r++) {
		sched_step(&e.sched);
		synth_ops.wait(sy, 0);
		rec_round++;
	}
	CHECK(rec_n > 1000, "dispatches recorded (%d)", rec_n);
	CHECK(rec_bad == 0, "%d out-of-order dispatches within a round", rec_bad);
	CHECK(heap_valid(&e.sched.heap), "heap valid");
	check_books("ordered", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	/* 3. Slot pool smaller than the population: backpressure, no loss. */
	sy = mk(&e, 0, 8, 64);
	run_rounds(&e, sy, 300);
	check_books("small pool", sy, &e.sched);
	CHECK(e.stats->nr_pool_full > 0, "pool-full rounds counted");
	engine_free(&e);
	synth_free(sy);

	/* 4. The deadline policy in Lua: no errors, no invalid outputs. */
	sy = mk(&e, 7, 40, 8192);
	CHECK(policy_load(&e.ph, "policies/deadline.lua") == 0, "load deadline: %s", e.ph.err);
	run_rounds(&e, sy, 500);
	check_books("deadline", sy, &e.sched);
	CHECK(e.stats->nr_policy_errors == 0 && e.stats->nr_fallback_batches == 0,
	      "deadline: %llu errors", (unsigned long long)e.stats->nr_policy_errors);
	CHECK(e.stats->nr_bad_deadline + e.stats->nr_bad_slice + e.stats->nr_bad_cpu == 0,
	      "deadline: invalid outputs");

	/* 5. Reload keeps task state: vtimes in the store survive fifo. */
	{
		struct store_entry *se = NULL;
		double v;
		int32_t pid = 0;

		for (uint32_t i = 0; i <= e.sched.store.mask && !se; i++)
			if (e.sched.store.t[i].used && e.sched.store.t[i].vtime > 0)
				se = &e.sched.store.t[i];
		CHECK(se != NULL, "some task has a vtime");
		if (se) {
			pid = se->pid;
			v = se->vtime;
			CHECK(policy_load(&e.ph, "policies/fifo.lua") == 0, "reload to fifo");
			CHECK(!strcmp(policy_name(&e.ph), "fifo"), "fifo active");
			se = store_find(&e.sched.store, pid);
			CHECK(se && se->vtime == v, "vtime of pid %d survived the reload", pid);
		}
		CHECK(e.stats->nr_reloads == 1 && e.stats->reload_ns > 0, "reload counted and timed");
		CHECK(policy_load(&e.ph, "tests/policies/syntax_error.lua") != 0, "broken reload fails");
		CHECK(strstr(e.ph.err, "syntax_error.lua:4:") != NULL, "error names file:line: %s", e.ph.err);
		CHECK(!strcmp(policy_name(&e.ph), "fifo"), "old policy still active after failed reload");
		CHECK(policy_load(&e.ph, "tests/policies/init_error.lua") != 0, "init failure fails");
		CHECK(!strcmp(policy_name(&e.ph), "fifo"), "old policy still active after init failure");
		CHECK(e.ph.path[0] && !strcmp(e.ph.path, "policies/fifo.lua"), "path restored: %s", e.ph.path);
		run_rounds(&e, sy, 50);
		check_books("after reloads", sy, &e.sched);
	}
	engine_free(&e);
	synth_free(sy);

	/* 6. A policy that errors every time: every batch falls back, no loss. */
	sy = mk(&e, 0, 0, 8192);
	CHECK(policy_load(&e.ph, "tests/policies/error_always.lua") == 0, "load error_always");
	run_rounds(&e, sy, 100);
	check_books("error_always", sy, &e.sched);
	CHECK(e.stats->nr_fallback_batches == e.stats->nr_batches && e.stats->nr_batches > 0,
	      "every batch fell back");
	CHECK(strstr(e.ph.err, "error_always.lua:5:") != NULL, "error names line 5: %s", e.ph.err);
	engine_free(&e);
	synth_free(sy);

	/* 7. Hung in a JIT-compiled loop: abandoned within 1 s of the loop's own
	 * CPU time (the watchdog's bound is 2 budgets of it, 500 ms; wall time
	 * depends on what else the machine runs), fallback after. */
	sy = mk(&e, 0, 0, 8192);
	CHECK(policy_load(&e.ph, "tests/policies/hang_jit.lua") == 0, "load hang_jit");
	{
		uint64_t worst = 0;

		for (int i = 0; i < 300; i++) {
			uint64_t t0 = thread_cpu_ns(), dt;

			sched_step(&e.sched);
			dt = thread_cpu_ns() - t0;
			if (dt > worst)
				worst = dt;
			synth_ops.wait(sy, 0);
		}
		CHECK(worst < 1000000000ull, "longest step %.0f ms of CPU, bound 1000 ms", worst / 1e6);
		printf("hang_jit: longest step %.0f ms of CPU\n", worst / 1e6);
	}
	CHECK(e.stats->nr_watchdog == 1 && !policy_active(&e.ph), "watchdog fired once, policy retired");
	CHECK(strstr(e.ph.err, "could not be interrupted") != NULL, "says why: %s", e.ph.err);
	check_books("hang_jit", sy, &e.sched);
	/* The abandoned heap is usable again: a new policy loads into it. */
	CHECK(policy_load(&e.ph, "policies/deadline.lua") == 0, "reload after a hang: %s", e.ph.err);
	run_rounds(&e, sy, 50);
	CHECK(policy_active(&e.ph) && e.stats->nr_policy_errors == 1, "runs again after reload");
	check_books("after hang", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	/* 8. Heap exhaustion: errors counted, fallback orders, no loss. */
	sy = mk(&e, 0, 0, 8192);
	CHECK(policy_load(&e.ph, "tests/policies/oom.lua") == 0, "load oom");
	run_rounds(&e, sy, 200);
	CHECK(e.stats->nr_policy_errors > 0 && strstr(e.ph.err, "not enough memory"),
	      "exhaustion reported: %s", e.ph.err);
	check_books("oom", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	/* 9. From the policy to the fallback: what the policy queued (its
	 * 7 ms slice marks it) leaves before anything the fallback ordered
	 * after it, though the fallback's own clock starts near 0. */
	sy = mk_slices(&e);
	run_rounds(&e, sy, 200);
	CHECK(e.stats->nr_fallback_batches > 0 && e.stats->nr_fallback_batches < e.stats->nr_batches,
	      "both orders ran (%llu of %llu batches by the fallback)",
	      (unsigned long long)e.stats->nr_fallback_batches,
	      (unsigned long long)e.stats->nr_batches);
	CHECK(slice_policy > 0 && slice_fb > 0, "dispatched: %d by the policy, %d by the fallback",
	      slice_policy, slice_fb);
	CHECK(slice_jumped == 0, "%d policy-ordered tasks left after fallback-ordered ones",
	      slice_jumped);
	CHECK(held_by_policy(&e.sched) == 0, "%u policy-ordered tasks still held after 180 "
	      "fallback rounds", held_by_policy(&e.sched));
	check_books("policy to fallback", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	/* 10. Reload to a policy on another scale (vruntime: a vtime from 0,
	 * after uptime-scale deadlines): what was pending leaves first. */
	sy = mk_slices(&e);
	run_rounds(&e, sy, 15);
	CHECK(e.stats->nr_fallback_batches == 0, "still its own order before the reload");
	{
		uint32_t pending = heap_size(&e.sched.heap), held;

		CHECK(policy_load(&e.ph, "policies/vruntime.lua") == 0, "reload: %s", e.ph.err);
		sched_policy_changed(&e.sched);
		run_rounds(&e, sy, 100);
		held = held_by_policy(&e.sched);
		CHECK(pending > 50 && held == 0, "%u of %u pending at the reload still held", held,
		      pending);
		CHECK(slice_jumped == 0, "%d of them left after the new policy's", slice_jumped);
	}
	check_books("reload to another scale", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	/* 11. A task queued again without running (affinity or nice changed
	 * while it waited) carries the same stop_ts: flagged, its run zeroed,
	 * so a policy charging runs does not charge that one twice. */
	sy = mk(&e, 0, 0, 8192);
	{
		struct scx_task t = { .pid = 4242, .weight = 100, .start_ts = 1e6, .stop_ts = 3e6 };
		struct task_token tok = { 0 };

		prepare(&e.sched, &t, &tok, 4e6);
		CHECK((t.flags & SCX_TF_NEW) && !(t.flags & SCX_TF_REQUEUED) && t.start_ts == 1e6,
		      "first record: new, run kept");
		t.start_ts = 1e6, t.stop_ts = 3e6, t.flags = 0;
		prepare(&e.sched, &t, &tok, 5e6);
		CHECK((t.flags & SCX_TF_REQUEUED) && t.stop_ts - t.start_ts == 0,
		      "same stop_ts: requeued, run zeroed (flags %u, run %g)", t.flags,
		      t.stop_ts - t.start_ts);
		t.start_ts = 6e6, t.stop_ts = 8e6, t.flags = SCX_TF_WAKEUP;
		prepare(&e.sched, &t, &tok, 9e6);
		CHECK(!(t.flags & SCX_TF_REQUEUED) && t.stop_ts - t.start_ts == 2e6,
		      "after a new run: not requeued, run 2 ms");
	}
	/* An introduction (an idle CPU took the task, undecided) and its next
	 * record in one batch: the policy answers both in one call, so the
	 * second is a first decision too; once answered, no longer. */
	{
		struct scx_task t = { .pid = 4343, .weight = 100, .stop_ts = 1e6 };
		struct task_token intro = { .introduced = 1 }, tok = { 0 };

		prepare(&e.sched, &t, &intro, 2e6);
		CHECK(t.flags & SCX_TF_NEW, "introduction: new");
		t = (struct scx_task){ .pid = 4343, .weight = 100, .stop_ts = 3e6 };
		prepare(&e.sched, &t, &tok, 3e6);
		CHECK(t.flags & SCX_TF_NEW, "its next record in the same batch: new as well");
		save_state(&e.sched, &t, 3e6);
		t = (struct scx_task){ .pid = 4343, .weight = 100, .stop_ts = 5e6 };
		prepare(&e.sched, &t, &tok, 6e6);
		CHECK(!(t.flags & SCX_TF_NEW), "after the batch: not new");
	}
	engine_free(&e);
	synth_free(sy);

	/* 12. One task the backend will not take, first in deadline order
	 * every round: the others still leave. It held up all of them (a
	 * policy that rewrote t.pid made synth refuse its tasks that way:
	 * dispatched=1, requeued=199694384). */
	sy = mk(&e, 0, 0, 8192);
	e.sched.cpolicy = refused_first;
	rec_ops = synth_ops;
	rec_ops.dispatch = refuse_one_dispatch;
	e.sched.be = &rec_ops;
	run_rounds(&e, sy, 200);
	CHECK(e.stats->nr_dispatched > 200 * 32 * 9 / 10, "%llu dispatched in 200 rounds of "
	      "up to 32 (a batch) around a task refused every time",
	      (unsigned long long)e.stats->nr_dispatched);
	check_books("one task refused", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	never_jump_from_c();

	/* 14. What a failed policy left is not the fallback's: the clock stays
	 * finite, and no task it orders has an invalid deadline. */
	sy = mk(&e, 0, 0, 8192);
	CHECK(policy_load(&e.ph, "tests/policies/hostile/poison_fallback.lua") == 0, "load: %s",
	      e.ph.err);
	run_rounds(&e, sy, 100);
	CHECK(e.stats->nr_fallback_batches > 10, "%llu batches by the fallback",
	      (unsigned long long)e.stats->nr_fallback_batches);
	CHECK(isfinite(e.sched.fb.vtime_now) && e.sched.fb.vtime_now <= SCX_VTIME_MAX,
	      "the fallback's clock is %g", e.sched.fb.vtime_now);
	CHECK(e.stats->nr_bad_deadline == 0, "%llu invalid deadlines",
	      (unsigned long long)e.stats->nr_bad_deadline);
	CHECK(e.stats->nr_bad_vtime > 0, "1e308 vtimes refused and counted");
	check_books("poisoned fallback", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	/* 16. A policy that keeps a task and writes into it later, while it
	 * waits in the heap (a few dispatch slots a round): what the backend
	 * gets is checked again, never NaN or a CPU out of range. */
	sy = mk(&e, 0, 4, 8192);
	CHECK(policy_load(&e.ph, "tests/policies/keeps_and_spoils.lua") == 0, "load: %s", e.ph.err);
	{
		static struct backend_ops ops;

		ops = synth_ops;
		ops.dispatch = spoil_dispatch;
		e.sched.be = &ops;
		run_rounds(&e, sy, 300);
		e.sched.be = &synth_ops;
	}
	CHECK(spoil_n > 1000 && spoil_bad == 0, "%d of %d dispatches carried a NaN slice or a "
	      "CPU out of range", spoil_bad, spoil_n);
	CHECK(e.stats->nr_bad_slice > 0 && e.stats->nr_bad_cpu > 0,
	      "the writes were caught and counted (%llu slices, %llu CPUs)",
	      (unsigned long long)e.stats->nr_bad_slice, (unsigned long long)e.stats->nr_bad_cpu);
	check_books("spoiled", sy, &e.sched);
	engine_free(&e);
	synth_free(sy);

	/* 15. A pid the backend reports exited is forgotten at once, in the
	 * ring's order: the next task with that pid is new, with no vtime. */
	sy = mk(&e, 0, 0, 8192);
	{
		static struct backend_ops ops;

		ops = synth_ops;
		ops.drain = exit_drain;
		ops.dispatch = accept_all;
		e.sched.be = &ops;
		e.sched.cpolicy = exit_policy;
		sched_step(&e.sched);
		CHECK(exit_seen == 2 && exit_new[0] && exit_new[1],
		      "pid 77 after its exit is new again (seen %d, new %d/%d)", exit_seen, exit_new[0],
		      exit_new[1]);
		CHECK(store_find(&e.sched.store, 77) && store_find(&e.sched.store, 77)->vtime == 5e6,
		      "the new pid 77's state is its own");
		e.sched.be = &synth_ops;
	}
	engine_free(&e);
	synth_free(sy);
	TEST_END("test_sched");
}
