/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock.h - the one clock of user space: CLOCK_MONOTONIC in nanoseconds,
 * the clock bpf_ktime_get_ns() reads on the kernel side, so timestamps from
 * either side compare without conversion. vDSO: no system call.
 */
#ifndef SCX_CLOCK_H
#define SCX_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif
