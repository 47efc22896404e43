// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench.c - `make bench`: what the core costs, in one run, as a table.
 *
 * 1. ns per task through the whole loop (synthetic backend drain, store,
 *    policy, validation, heap, dispatch) for policies/deadline.lua against
 *    the same rule in C (deadline_c.c), at batch sizes 1, 8, 64, 512. Runs
 *    alternate Lua and C and repeat; the best of each is kept, because the
 *    machines are noisy and the minimum is the least disturbed run.
 * 2. Heap push+pop at 1k and 64k pending tasks.
 * 3. Policy reload time.
 * 4. Page faults of the loop thread after warm-up, memory locked.
 * 5. What `run --record` adds per task: the same Lua loop at batch 64 with
 *    a recording, its ring written out by the loop thread itself whenever
 *    it holds 4096 events, so that the copy and the write are both in the
 *    time measured and nothing is dropped (live, the log thread writes).
 * Figures, not pass/fail: targets are printed beside them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "machine.h"
#include "deadline_c.h"
#include "engine.h"
#include "synth.h"

#define REPEAT 3

struct result {
	double ns_per_task;
	long faults;
	bool ok;
	uint64_t events, dropped;    /* recorded, when recording */
};

static long thread_faults(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_minflt + ru.ru_majflt;
}

/* @record: a file to record to (NULL: none). */
static struct result loop_run(uint32_t batch, bool lua, uint64_t tasks, const char *record)
{
	struct synth_cfg sc = { .nr_tasks = batch * 2 < 1024 ? 1024 : batch * 2, .burst = batch,
				.nr_cpus = 4, .exit_every = 1000, .seed = 42 };
	struct synth *sy = synth_new(&sc);
	struct engine_cfg cfg;
	struct engine e;
	struct deadline_c dc = { 0, 20e6, 1e6, 100e6 };
	struct result r = { 0 };
	uint64_t t0, n0;
	long f0;

	engine_cfg_default(&cfg);
	cfg.arena_bytes = 128u << 20;
	cfg.lock = true;
	cfg.sched.batch_max = batch;
	cfg.sched.nr_cpus = 4;
	cfg.policy.backend = "bench";
	cfg.record = record != NULL;
	if (!sy || engine_init(&e, &cfg, &synth_ops, sy))
		goto out;
	if (record) {
		char err[256];

		if (engine_record(&e, record, "synth", "deadline", err, sizeof(err))) {
			fprintf(stderr, "bench: %s\n", err);
			goto out;
		}
	}
	if (lua) {
		if (policy_load(&e.ph, "policies/deadline.lua")) {
			fprintf(stderr, "bench: %s\n", e.ph.err);
			goto out;
		}
	} else {
		e.sched.cpolicy = deadline_c_enqueue;
		e.sched.cpolicy_arg = &dc;
	}
	arena_prefault_stack(256 << 10);
	/* Warm-up: JIT traces, caches, every page the loop touches. */
	while (e.stats->nr_dispatched < tasks / 4) {
		sched_step(&e.sched);
		synth_ops.wait(sy, 0);
		if (record && e.rec.head - e.rec.tail >= 4096)
			(void)recorder_flush(&e.rec);
	}
	f0 = thread_faults();
	n0 = e.stats->nr_dispatched;
	t0 = clock_ns();
	while (e.stats->nr_dispatched - n0 < tasks) {
		sched_step(&e.sched);
		synth_ops.wait(sy, 0);
		if (record && e.rec.head - e.rec.tail >= 4096)
			(void)recorder_flush(&e.rec);
	}
	r.ns_per_task = (double)(clock_ns() - t0) / (double)(e.stats->nr_dispatched - n0);
	r.faults = thread_faults() - f0;
	r.ok = e.stats->nr_policy_errors == 0 && e.stats->nr_fallback_batches == 0 &&
	       (!record || e.rec.nr_dropped == 0);
	if (record) {
		r.events = e.rec.nr_events;
		r.dropped = e.rec.nr_dropped;
	}
out:
	engine_free(&e);
	synth_free(sy);
	return r;
}

static double heap_bench(uint32_t n)
{
	struct arena a;
	struct heap h;
	uint64_t seq = 0, rng = 1, t0, ops = 4000000;
	double sink = 0;

	arena_init(&a, (size_t)n * 32 + (1u << 20), 0);
	heap_init(&h, &a, n);
	for (uint32_t i = 0; i < n; i++) {
		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		heap_push(&h, (double)(rng >> 40), seq++, i);
	}
	t0 = clock_ns();
	for (uint64_t i = 0; i < ops; i++) {
		struct heap_entry e = heap_pop(&h);

		rng = rng * 6364136223846793005ull + 1442695040888963407ull;
		/* Deadlines move forward, as vtimes do. */
		heap_push(&h, e.deadline + (double)(rng >> 44), seq++, e.slot);
		sink += e.deadline;
	}
	t0 = clock_ns() - t0;
	arena_free(&a);
	return sink < 0 ? 0 : (double)t0 / (double)ops;
}

static void reload_bench(double *median, double *worst)
{
	struct synth_cfg sc = { .nr_tasks = 1024, .burst = 64, .nr_cpus = 4, .seed = 3 };
	struct synth *sy = synth_new(&sc);
	struct engine_cfg cfg;
	struct engine e;
	double ms[21];

	engine_cfg_default(&cfg);
	cfg.arena_bytes = 128u << 20;
	cfg.policy.backend = "bench";
	*median = *worst = -1;
	if (engine_init(&e, &cfg, &synth_ops, sy) || policy_load(&e.ph, "policies/deadline.lua"))
		goto out;
	for (int i = 0; i < 21; i++) {
		for (int j = 0; j < 100; j++) { /* the policy is busy, as it would be */
			sched_step(&e.sched);
			synth_ops.wait(sy, 0);
		}
		if (policy_load(&e.ph, i % 2 ? "policies/deadline.lua" : "policies/fifo.lua"))
			goto out;
		ms[i] = e.stats->reload_ns / 1e6;
	}
	for (int i = 0; i < 21; i++)
		for (int j = i + 1; j < 21; j++)
			if (ms[j] < ms[i]) {
				double t = ms[i];

				ms[i] = ms[j];
				ms[j] = t;
			}
	*median = ms[10];
	*worst = ms[20];
out:
	engine_free(&e);
	synth_free(sy);
}

/* Wall time to simulate tests/workloads/hundred.lua under deadline. */
static double sim_bench(uint64_t *decisions)
{
	struct workload w;
	struct sim_cfg sc = { .nr_cpus = 4, .duration_ns = 10e9, .seed = 1, .cost_batch_ns = 2000,
			      .cost_task_ns = 150, .slice_ns = 20e6 };
	struct engine_cfg cfg;
	struct engine e;
	struct sim *sim;
	char err[256];
	uint64_t t0;
	double ms = -1;

	if (workload_load(&w, "tests/workloads/hundred.lua", err, sizeof(err))) {
		fprintf(stderr, "bench: %s\n", err);
		return -1;
	}
	sim = sim_new(&w, &sc);
	engine_cfg_default(&cfg);
	cfg.arena_bytes = 64u << 20;
	cfg.sched.nr_cpus = 4;
	cfg.policy.backend = "sim";
	if (!sim || engine_init(&e, &cfg, &sim_ops, sim) || policy_load(&e.ph, "policies/deadline.lua"))
		goto out;
	t0 = clock_ns();
	sim_run(sim, &e.sched);
	ms = (double)(clock_ns() - t0) / 1e6;
	*decisions = e.stats->nr_queued;
out:
	engine_free(&e);
	sim_free(sim);
	return ms;
}

int main(int argc, char **argv)
{
	static const uint32_t batches[] = { 1, 8, 64, 512 };
	uint64_t tasks = argc > 1 ? strtoull(argv[1], NULL, 10) : 2000000;
	long worst_faults = 0;
	double best512 = 0, med, worst;
	bool all_ok = true;

	printf("scx_lua bench: %llu tasks per run, best of %d, synthetic backend, memory %s\n\n",
	       (unsigned long long)tasks, REPEAT, geteuid() == 0 ? "locked" : "NOT locked (not root)");
	printf("| batch | Lua deadline ns/task | C deadline ns/task | Lua/C | target |\n");
	printf("|------:|---------------------:|-------------------:|------:|-------:|\n");
	for (unsigned i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		struct result bl = { .ns_per_task = 1e18, .ok = true }, bc = bl;

		for (int r = 0; r < REPEAT; r++) {
			struct result l = loop_run(batches[i], true, tasks, NULL);
			struct result c = loop_run(batches[i], false, tasks, NULL);

			all_ok &= l.ok && c.ok;
			if (l.ns_per_task < bl.ns_per_task)
				bl.ns_per_task = l.ns_per_task;
			if (c.ns_per_task < bc.ns_per_task)
				bc.ns_per_task = c.ns_per_task;
			worst_faults = l.faults > worst_faults ? l.faults : worst_faults;
			worst_faults = c.faults > worst_faults ? c.faults : worst_faults;
		}
		printf("| %5u | %20.1f | %18.1f | %5.2fx | %6s |\n", batches[i], bl.ns_per_task,
		       bc.ns_per_task, bl.ns_per_task / bc.ns_per_task,
		       batches[i] >= 64 ? "<=1.10x" : "-");
		if (batches[i] == 512)
			best512 = bl.ns_per_task;
	}
	printf("\nthroughput through the loop (Lua deadline, batch 512): %.1f M tasks/s\n",
	       1e3 / best512);
	printf("heap push+pop: %.1f ns at 1k pending, %.1f ns at 64k pending\n", heap_bench(1024),
	       heap_bench(65536));
	{
		struct result plain = { .ns_per_task = 1e18 }, rec = plain;
		char path[] = "/tmp/scx_lua-bench-XXXXXX";
		int fd = mkstemp(path);

		for (int r = 0; fd >= 0 && r < REPEAT; r++) {
			struct result a = loop_run(64, true, tasks, NULL);
			struct result b = loop_run(64, true, tasks, path);

			all_ok &= a.ok && b.ok;
			if (a.ns_per_task < plain.ns_per_task)
				plain = a;
			if (b.ns_per_task < rec.ns_per_task)
				rec = b;
		}
		if (fd < 0) {
			printf("run --record: not measured, cannot create %s: %s\n", path,
			       strerror(errno));
		} else {
			close(fd);
			unlink(path);
			printf("run --record (Lua deadline, batch 64, %llu events recorded, %llu dropped): "
			       "%.1f ns/task against %.1f without, +%.1f ns a recorded task\n",
			       (unsigned long long)rec.events, (unsigned long long)rec.dropped,
			       rec.ns_per_task, plain.ns_per_task, rec.ns_per_task - plain.ns_per_task);
		}
	}
	reload_bench(&med, &worst);
	printf("policy reload (new LuaJIT state, load, init, swap): median %.2f ms, worst %.2f ms "
	       "of 21 (target <= 50 ms)\n", med, worst);
	printf("page faults of the loop thread after warm-up, worst run: %ld (target 0)\n",
	       worst_faults);
	{
		uint64_t n = 0;
		double ms = sim_bench(&n);

		printf("simulator: 10 s of a 4-CPU machine, 100 tasks, deadline policy: %.0f ms wall, "
		       "%llu policy decisions (target well under 1000 ms)\n", ms, (unsigned long long)n);
	}
	if (!all_ok)
		printf("WARNING: a run had policy errors or fallback batches: figures are suspect\n");
	return 0;
}
