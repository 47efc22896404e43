// SPDX-License-Identifier: GPL-2.0-only
/*
 * fallback.c - weighted vtime ordering (see fallback.h).
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

		if (e)
			t->scratch = e->scratch;
		if (v < floor)
			v = floor;
		if (ran > fb->slice_ns)
			ran = fb->slice_ns;
		v += ran * SCX_WEIGHT_DFL / t->weight;
		if (v > fb->vtime_now)
			fb->vtime_now = v;
		t->vtime = v;
		t->deadline = v;
		t->slice_ns = fb->slice_ns;
		t->cpu = SCX_CPU_ANY;
		t->dispatch_flags = 0;
	}
}
