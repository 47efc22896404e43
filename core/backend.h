/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * backend.h - the only way the core talks to "the kernel side".
 *
 * Three backends implement it: the live one (BPF ringbufs), the simulator,
 * and the synthetic generator used by tests and benchmarks. The core never
 * knows which one it drives, which is what lets one policy file run on a
 * real kernel and in the simulator unchanged.
 *
 * Contract:
 * - drain() fills one free task slot (inputs only; the core sets the
 *   persisted fields and output defaults) and its private token, returning
 *   1, or 0 when nothing is queued. It must not block.
 * - nr_dispatch_slots() says how many dispatches would be accepted now;
 *   dispatch() may still refuse one (-EAGAIN): the core puts the task back
 *   in its heap, it is never lost. Any other error is counted by the
 *   backend and also means "keep the task".
 * - select_cpu() may be called by the policy through the runtime; it
 *   returns an idle CPU or SCX_CPU_ANY.
 * - notify() tells the backend how many tasks the core still holds (the
 *   kernel side uses it to decide whether the scheduler must run again).
 * - wait() blocks up to @timeout_ms for work; 0 when woken by work.
 * - exited() reports pids that exited since the last call (optional).
 */
#ifndef SCX_BACKEND_H
#define SCX_BACKEND_H

#include <stdint.h>

#include "policy_abi.h"

/* What only the backend needs to carry from drain to dispatch (e.g. the
 * kernel's enqueue counter used to detect stale dispatches). */
struct task_token {
	uint64_t enq_cnt;
	uint64_t cookie;
};

struct backend_ops {
	const char *name;
	int (*drain)(void *ctx, struct scx_task *t, struct task_token *tok);
	uint32_t (*nr_dispatch_slots)(void *ctx);
	int (*dispatch)(void *ctx, const struct scx_task *t, const struct task_token *tok);
	int32_t (*select_cpu)(void *ctx, int32_t pid, int32_t prev_cpu, uint32_t flags);
	void (*notify)(void *ctx, uint64_t nr_pending);
	double (*now)(void *ctx);
	int (*wait)(void *ctx, int timeout_ms);
	int (*exited)(void *ctx, int32_t *pids, int max);
};

#endif
