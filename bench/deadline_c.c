// SPDX-License-Identifier: GPL-2.0-only
/*
 * deadline_c.c - the same rule as policies/deadline.lua, line for line, so
 * the benchmark compares the cost of Lua against C and nothing else.
 */
#include <math.h>

#include "deadline_c.h"

void deadline_c_enqueue(void *arg, struct scx_task *tasks, const uint32_t *batch, uint32_t n,
			double now)
{
	struct deadline_c *d = arg;

	for (uint32_t i = 0; i < n; i++) {
		struct scx_task *t = &tasks[batch[i]];
		double v = t->vtime, w = t->weight, floor;

		if (v > d->vtime_now)
			d->vtime_now = v;
		floor = fmax(d->vtime_now - d->slice, 0);
		if (t->flags & SCX_TF_NEW)
			v = floor + d->slice * 100 / w;
		else if (v < floor)
			v = floor;
		v += (t->stop_ts - t->start_ts) * 100 / w;
		t->vtime = v;
		t->deadline = v + fmin(t->exec_runtime * 100 / w, 100 * d->slice);
		t->slice_ns = fmin(d->slice_max, fmax(d->slice_min, d->slice * w / 100));
	}
}
