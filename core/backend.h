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
 *   1, or 0 when nothing is queued; or 2 when what it read says the task
 *   t->pid exited (the core forgets the pid at once, in the ring's order,
 *   so a recycled pid comes back new; t->exec_runtime is then its CPU time
 *   over its life, or 0 if not known). It must not block.
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
 * - Rules (bpf/rules.h): set_rules() hands over the policy's whole rule
 *   table whenever it changes; a record the backend's rule decided already
 *   comes with SCX_TF_OBSERVED and the decision in its token, needs no
 *   dispatch, and set_task_rule() tells the backend a new rule (t->rule,
 *   t->vtime) for such a task. dispatch() carries t->rule and t->vtime for
 *   the rest; set_tune() passes the policy's settings (scx.tune). A
 *   backend without rules leaves these NULL.
 */
#ifndef SCX_BACKEND_H
#define SCX_BACKEND_H

#include <stdint.h>

#include "policy_abi.h"
#include "rules.h"

/* What only the backend needs to carry from drain to dispatch (e.g. the
 * kernel's enqueue counter used to detect stale dispatches). */
struct task_token {
	uint64_t enq_cnt;
	uint64_t cookie;
	uint32_t rule;           /* the rule the backend knows the task by (0: none) */
	uint32_t introduced;     /* with SCX_TF_OBSERVED: no rule decided it, an idle
	                          * CPU took it; the policy's rule and vtime are kept */
	double vtime;            /* with a rule: its vtime there, before this record */
	/* SCX_TF_OBSERVED: what the rule decided */
	double obs_deadline, obs_slice, obs_vtime;
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
	void (*set_rules)(void *ctx, const struct rule_params *rules);   /* SCX_RULE_MAX */
	void (*set_tune)(void *ctx, const struct scx_tune *tune);        /* < 0: unset */
	int (*set_task_rule)(void *ctx, const struct scx_task *t, const struct task_token *tok);
};

#endif
