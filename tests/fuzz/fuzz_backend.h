/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_backend.h - a backend whose queued records come from the fuzzer's
 * bytes, and whose dispatch aborts on anything the core should never let
 * through: a crash here is a finding. One engine per process (built once),
 * as the scheduler has one; state carries over between inputs, as it would.
 */
#ifndef SCX_FUZZ_BACKEND_H
#define SCX_FUZZ_BACKEND_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/engine.h"

#define FUZZ_CPUS 4

/* The fuzzer's input, consumed from the front. */
struct fuzz_bytes {
	const uint8_t *p;
	size_t left;
};

/* The next @n input bytes into @dst; @dst untouched when fewer are left. */
static void take(struct fuzz_bytes *in, void *dst, size_t n)
{
	if (in->left < n)
		return;
	memcpy(dst, in->p, n);
	in->p += n;
	in->left -= n;
}

struct fuzz_be {
	struct fuzz_bytes in;
	uint64_t nr_drained, nr_dispatched;
	double now;
};

static struct fuzz_be fb;

/* A record: pid, tgid, prev_cpu, nr_cpus_allowed, weight, flags, four
 * timestamps, 16 bytes of comm (NUL or not): anything at all. */
static int fuzz_drain(void *ctx, struct scx_task *t, struct task_token *tok)
{
	(void)ctx;
	if (fb.in.left < 24 + 32 + 16)
		return 0;
	take(&fb.in, &t->pid, 4);
	take(&fb.in, &t->tgid, 4);
	take(&fb.in, &t->prev_cpu, 4);
	take(&fb.in, &t->nr_cpus_allowed, 4);
	take(&fb.in, &t->weight, 4);
	take(&fb.in, &t->flags, 4);
	take(&fb.in, &t->start_ts, 8);
	take(&fb.in, &t->stop_ts, 8);
	take(&fb.in, &t->exec_runtime, 8);
	take(&fb.in, &t->enqueue_ts, 8);
	take(&fb.in, SCX_TASK_COMM(t), 16);
	tok->enq_cnt = ++fb.nr_drained;
	tok->cookie = 0;
	return 1;
}

static uint32_t fuzz_slots(void *ctx)
{
	(void)ctx;
	return UINT32_MAX;
}

/* What prepare() and validate() promise the backend: NULL, or what broke. */
static const char *fuzz_broken(const struct scx_task *t)
{
	return !(t->deadline >= 0) || isinf(t->deadline) || t->deadline > 9.3e18 ? "deadline" :
	       !(t->slice_ns >= 10000) || t->slice_ns > 100e6 ? "slice" :
	       t->cpu != SCX_CPU_ANY && (t->cpu < 0 || t->cpu >= FUZZ_CPUS) ? "cpu" :
	       t->dispatch_flags & ~(uint32_t)SCX_DF_PREEMPT ? "dispatch_flags" :
	       t->weight < 1 || t->weight > 10000 ? "weight" :
	       !(t->stop_ts >= t->start_ts) ? "timestamps" :
	       !isfinite(t->vtime) ? "vtime" : SCX_TASK_COMM_CONST(t)[15] != '\0' ? "comm" : NULL;
}

static int fuzz_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	const char *broken = fuzz_broken(t);

	(void)ctx;
	(void)tok;
	if (broken) {
		fprintf(stderr, "fuzz: invalid %s reached the backend (pid %d, deadline %g, slice %g, "
			"cpu %d, vtime %g, start %g stop %g)\n", broken, t->pid, t->deadline, t->slice_ns,
			t->cpu, t->vtime, t->start_ts, t->stop_ts);
		abort();
	}
	fb.nr_dispatched++;
	return 0;
}

static int32_t fuzz_select_cpu(void *ctx, int32_t pid, int32_t prev, uint32_t flags)
{
	(void)ctx;
	(void)flags;
	return (pid & 1) ? prev : SCX_CPU_ANY;
}

static void fuzz_notify(void *ctx, uint64_t n) { (void)ctx; (void)n; }
static double fuzz_now(void *ctx) { (void)ctx; return fb.now; }
static int fuzz_wait(void *ctx, int ms) { (void)ctx; (void)ms; return 0; }
static int fuzz_exited(void *ctx, int32_t *pids, int max) { (void)ctx; (void)pids; (void)max; return 0; }

static const struct backend_ops fuzz_ops = {
	.name = "fuzz", .drain = fuzz_drain, .nr_dispatch_slots = fuzz_slots,
	.dispatch = fuzz_dispatch, .select_cpu = fuzz_select_cpu, .notify = fuzz_notify,
	.now = fuzz_now, .wait = fuzz_wait, .exited = fuzz_exited,
};

static struct engine fuzz_engine;

static void fuzz_engine_init(const char *policy)
{
	struct engine_cfg cfg;

	engine_cfg_default(&cfg);
	cfg.arena_bytes = 64u << 20;
	cfg.sched.nr_cpus = FUZZ_CPUS;
	cfg.sched.max_tasks = 4096;
	cfg.policy.backend = "fuzz";
	if (engine_init(&fuzz_engine, &cfg, &fuzz_ops, NULL))
		abort();
	if (policy && policy_load(&fuzz_engine.ph, policy))
		abort();
}

/* Step until the input is used up; every drained task must be dispatched. */
static void fuzz_run(const uint8_t *data, size_t size)
{
	fb.in = (struct fuzz_bytes){ data, size };
	while (fb.in.left >= 24 + 32 + 16) {
		fb.now += 1e6;
		sched_step(&fuzz_engine.sched);
	}
	sched_step(&fuzz_engine.sched);
	if (fb.nr_dispatched != fb.nr_drained || heap_size(&fuzz_engine.sched.heap))
		abort(); /* a task was lost or kept */
}

#endif
