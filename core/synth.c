// SPDX-License-Identifier: GPL-2.0-only
/*
 * synth.c - a synthetic "kernel" for tests, benchmarks and `check`.
 *
 * A fixed population of tasks with varied weights and names. Each round
 * (one wait() call) makes up to `burst` tasks runnable, in the order they
 * came back from their last run; a dispatched task "runs" for part of its
 * slice, then either sleeps (exec_runtime resets, WAKEUP next time) or is
 * preempted, and returns to the ready ring. Some tasks exit and are replaced
 * by new pids, so the store's exit path is exercised.
 *
 * It also keeps the books the tests check: every task made runnable must be
 * dispatched exactly once before it can be made runnable again, with the
 * token it was queued with. Not a simulator: no CPUs are modelled, time
 * advances by a constant per round (that is the simulator backend's job).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

enum { T_READY, T_HELD };

struct stask {
	int32_t pid, tgid;
	uint32_t weight;
	uint32_t state;
	uint32_t flags;
	int32_t last_cpu;
	uint64_t enq_cnt;
	double start_ts, stop_ts, exec_runtime;
	char comm[16];
};

struct synth {
	struct synth_cfg cfg;
	struct stask *t;
	uint32_t *ring;          /* indices of READY tasks, FIFO */
	uint32_t head, tail;     /* tail - head = nr ready */
	uint32_t round_left;
	uint32_t slots_left;
	int32_t next_pid;
	uint64_t rng;
	double now;
	int32_t exited[64];
	int nr_exited;
	struct synth_counts c;
};

static uint64_t rnd(struct synth *s)
{
	/* xorshift64*: deterministic for a seed, cheap, good enough here. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ull;
}

static const char *const names[] = { "Xorg", "kworker/u8:1", "make", "cc1", "firefox",
				     "pipewire", "sshd", "stress-ng", "bash", "postgres" };

static void spawn(struct synth *s, struct stask *t)
{
	static const uint32_t weights[] = { 100, 100, 100, 100, 36, 335, 1024, 15 };

	memset(t, 0, sizeof(*t));
	t->pid = s->next_pid++;
	t->tgid = t->pid;
	t->weight = weights[rnd(s) % 8];
	t->flags = SCX_TF_NEW | SCX_TF_WAKEUP;
	t->last_cpu = (int32_t)(rnd(s) % s->cfg.nr_cpus);
	snprintf(t->comm, sizeof(t->comm), "%s", names[rnd(s) % 10]);
}

struct synth *synth_new(const struct synth_cfg *cfg)
{
	struct synth *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *cfg;
	if (!s->cfg.nr_cpus)
		s->cfg.nr_cpus = 4;
	if (!s->cfg.round_ns)
		s->cfg.round_ns = 1e6;
	s->t = calloc(cfg->nr_tasks, sizeof(*s->t));
	s->ring = calloc(cfg->nr_tasks, sizeof(*s->ring));
	if (!s->t || !s->ring) {
		synth_free(s);
		errno = ENOMEM;
		return NULL;
	}
	s->rng = cfg->seed ? cfg->seed : 0x9e3779b97f4a7c15ull;
	s->next_pid = 1000;
	for (uint32_t i = 0; i < cfg->nr_tasks; i++) {
		spawn(s, &s->t[i]);
		s->ring[s->tail++ % cfg->nr_tasks] = i;
	}
	s->round_left = s->cfg.burst;
	s->slots_left = s->cfg.slots_per_round;
	return s;
}

void synth_free(struct synth *s)
{
	if (!s)
		return;
	free(s->t);
	free(s->ring);
	free(s);
}

static int synth_drain(void *ctx, struct scx_task *out, struct task_token *tok)
{
	struct synth *s = ctx;
	struct stask *t;
	uint32_t i;

	if (!s->round_left || s->head == s->tail)
		return 0;
	s->round_left--;
	i = s->ring[s->head++ % s->cfg.nr_tasks];
	t = &s->t[i];
	t->state = T_HELD;
	t->enq_cnt++;
	out->pid = t->pid;
	out->tgid = t->tgid;
	out->prev_cpu = t->last_cpu;
	out->nr_cpus_allowed = (int32_t)s->cfg.nr_cpus;
	out->weight = t->weight;
	out->flags = t->flags;
	out->start_ts = t->start_ts;
	out->stop_ts = t->stop_ts;
	out->exec_runtime = t->exec_runtime;
	out->enqueue_ts = s->now;
	memcpy(SCX_TASK_COMM(out), t->comm, SCX_COMM_LEN);
	tok->enq_cnt = t->enq_cnt;
	tok->cookie = i;
	s->c.nr_made_runnable++;
	return 1;
}

static uint32_t synth_nr_dispatch_slots(void *ctx)
{
	struct synth *s = ctx;

	return s->cfg.slots_per_round ? s->slots_left : UINT32_MAX;
}

static int synth_dispatch(void *ctx, const struct scx_task *d, const struct task_token *tok)
{
	struct synth *s = ctx;
	struct stask *t;
	double ran;

	if (tok->cookie >= s->cfg.nr_tasks) {
		s->c.nr_invalid++;
		return -EINVAL;
	}
	t = &s->t[tok->cookie];
	if (t->state != T_HELD || t->enq_cnt != tok->enq_cnt || t->pid != d->pid) {
		s->c.nr_invalid++; /* double or stale dispatch: a core bug */
		return -EINVAL;
	}
	if (s->cfg.refuse_every && rnd(s) % s->cfg.refuse_every == 0) {
		s->c.nr_refused++;
		return -EAGAIN;
	}
	if (s->cfg.slots_per_round) {
		if (!s->slots_left)
			return -EAGAIN;
		s->slots_left--;
	}
	if (d->cpu != SCX_CPU_ANY && (d->cpu < 0 || d->cpu >= (int32_t)s->cfg.nr_cpus))
		s->c.nr_bad_cpu++;
	s->c.nr_dispatched++;

	/* Run for a random part of the slice; a quarter of runs end in sleep. */
	ran = d->slice_ns * (double)(rnd(s) % 1000 + 1) / 1000.0;
	t->last_cpu = d->cpu == SCX_CPU_ANY ? (int32_t)(rnd(s) % s->cfg.nr_cpus) : d->cpu;
	t->start_ts = s->now;
	t->stop_ts = s->now + ran;
	if (rnd(s) % 4 == 0) {
		t->exec_runtime = 0;
		t->flags = SCX_TF_WAKEUP;
	} else {
		t->exec_runtime += ran;
		t->flags = ran < d->slice_ns ? SCX_TF_PREEMPTED : 0;
	}
	if (s->cfg.exit_every && s->c.nr_dispatched % s->cfg.exit_every == 0) {
		if (s->nr_exited < (int)(sizeof(s->exited) / sizeof(s->exited[0])))
			s->exited[s->nr_exited++] = t->pid;
		s->c.nr_exits++;
		spawn(s, t);
	}
	t->state = T_READY;
	s->ring[s->tail++ % s->cfg.nr_tasks] = (uint32_t)tok->cookie;
	return 0;
}

static int32_t synth_select_cpu(void *ctx, int32_t pid, int32_t prev_cpu, uint32_t flags)
{
	struct synth *s = ctx;

	(void)pid;
	(void)flags;
	/* Pretend the previous CPU is idle half of the time. */
	if (rnd(s) % 2)
		return prev_cpu;
	return SCX_CPU_ANY;
}

static void synth_notify(void *ctx, uint64_t nr_pending)
{
	(void)ctx;
	(void)nr_pending;
}

static double synth_now(void *ctx)
{
	return ((struct synth *)ctx)->now;
}

static int synth_wait(void *ctx, int timeout_ms)
{
	struct synth *s = ctx;

	(void)timeout_ms;
	s->now += s->cfg.round_ns;
	s->round_left = s->cfg.burst;
	s->slots_left = s->cfg.slots_per_round;
	return 0;
}

static int synth_exited(void *ctx, int32_t *pids, int max)
{
	struct synth *s = ctx;
	int n = s->nr_exited < max ? s->nr_exited : max;

	memcpy(pids, s->exited, n * sizeof(*pids));
	memmove(s->exited, s->exited + n, (s->nr_exited - n) * sizeof(*pids));
	s->nr_exited -= n;
	return n;
}

void synth_counts(const struct synth *s, struct synth_counts *c)
{
	*c = s->c;
	c->nr_outstanding = s->cfg.nr_tasks - (s->tail - s->head);
}

const struct backend_ops synth_ops = {
	.name = "synth",
	.drain = synth_drain,
	.nr_dispatch_slots = synth_nr_dispatch_slots,
	.dispatch = synth_dispatch,
	.select_cpu = synth_select_cpu,
	.notify = synth_notify,
	.now = synth_now,
	.wait = synth_wait,
	.exited = synth_exited,
};
