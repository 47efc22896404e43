/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * replay.h - `sim --replay FILE`: a recording (core/record.h) as a
 * workload whose tasks each live their recorded lives (replay.c).
 */
#ifndef SCX_SIM_REPLAY_H
#define SCX_SIM_REPLAY_H

#include <stddef.h>

#include "record.h"
#include "workload.h"

#define REPLAY_MAX_TASKS 20000         /* later pids are skipped, and said */
#define REPLAY_MAX_EVENTS (16u << 20)  /* a longer recording is refused */
#define REPLAY_CHAIN_WINDOW_NS 50e3    /* a wake-up this close to a burst's end follows it */

/* Read @path into @w. 0, or negative errno with @err naming the file and
 * what is wrong. @note gets one line on what the replay holds and what it
 * inferred or skipped ("replay: 12 tasks in 5 groups, ..."). Free @w with
 * workload_free(). */
int replay_load(struct workload *w, const char *path, char *note, size_t notelen, char *err,
		size_t errlen);
/* The same from events already read (the fuzzer, the tests). */
int replay_build(struct workload *w, const struct rec_header *h, const struct rec_event *ev,
		 size_t n, const char *path, char *note, size_t notelen, char *err, size_t errlen);

#endif
