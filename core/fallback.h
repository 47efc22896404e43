/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fallback.h - the order the core uses when there is no policy to ask:
 * no policy loaded, the policy raised an error, it hung, or its heap ran
 * out. Weighted vtime, as CFS and scx_simple do it: a task is charged its
 * last run scaled by 100/weight, and a sleeper may not lag the global vtime
 * by more than one slice. Simple on purpose: it has to be right, not clever.
 */
#ifndef SCX_FALLBACK_H
#define SCX_FALLBACK_H

#include <stdint.h>

#include "policy_abi.h"
#include "store.h"

struct fallback {
	double vtime_now;
	double slice_ns;
};

/* Beyond any real vtime or deadline in ns (~2^63): the core refuses larger
 * ones from a policy, and the fallback never produces one. */
#define SCX_VTIME_MAX 9.2e18

/* Sets vtime, deadline, slice_ns, cpu and dispatch_flags of each task in
 * @batch, starting from the vtime saved in @st, never from what a failed
 * policy call left in the task. */
void fallback_order(struct fallback *fb, struct store *st, struct scx_task *tasks,
		    const uint32_t *batch, uint32_t n);

#endif
