/* SPDX-License-Identifier: GPL-2.0-only */
/* deadline_c.h - policies/deadline.lua written in C, the benchmark's yardstick. */
#ifndef SCX_DEADLINE_C_H
#define SCX_DEADLINE_C_H

#include <stdint.h>

#include "policy_abi.h"

struct deadline_c {
	double vtime_now, slice, slice_min, slice_max;
};

void deadline_c_enqueue(void *arg, struct scx_task *tasks, const uint32_t *batch, uint32_t n,
			double now);

#endif
