// SPDX-License-Identifier: GPL-2.0-only
/*
 * fallback.c - weighted vtime ordering (see fallback.h).
 *
 * It runs after a policy failed, so it trusts nothing the policy could
 * have touched: a task's vtime comes from the store (which takes only
 * finite vtimes within SCX_VTIME_MAX), and no further ahead than the
 * fallback's own clock; the weight is clamped again. A batch that set
 * t.weight = 0 and then raised an error made the clock inf for the life of
 * the process, and every later task got an invalid deadline.
 */
#include <string.h>

#include "fallback.h"

void fallback_order(struct fallback *fb, struct store *st, struct scx_task *tasks,
		    const uint32_t *batch, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		struct scx_task *t = &tasks[batch[i]];
		struct store_entry *e = store_find(st, t->pid);
		double v = e ? e->vtime : 0, floor = fb->vtime_now - fb->slice_ns;
		double ran = t->stop_ts - t->start_ts;
		uint32_t w = t->weight >= 1 && t->weight <= 10000 ? t->weight : SCX_WEIGHT_DFL;

		if (e)
			t->scratch = e->scratch;
		if (!(v >= floor))
			v = floor;
		else if (v > fb->vtime_now)
			v = fb->vtime_now; /* only a policy puts a task ahead of this clock */
		if (!(ran >= 0))
			ran = 0;
		else if (ran > fb->slice_ns)
			ran = fb->slice_ns;
		v += ran * SCX_WEIGHT_DFL / w;
		if (v > SCX_VTIME_MAX)
			v = SCX_VTIME_MAX;
		if (v > fb->vtime_now)
			fb->vtime_now = v;
		t->vtime = v;
		t->deadline = v;
		t->slice_ns = fb->slice_ns;
		t->cpu = SCX_CPU_ANY;
		t->dispatch_flags = 0;
	}
}
