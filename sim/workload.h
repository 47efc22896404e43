/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * workload.h - what the simulator runs: groups of identical tasks, each an
 * alternation of CPU bursts and sleeps, read from a Lua table file.
 *
 *   return {
 *     name = "interactive + batch", cpus = 4, duration_ms = 10000, llc_cpus = 2,
 *     groups = {
 *       { name = "hog", count = 4, burst_ms = "inf" },
 *       { name = "ui", count = 2, nice = -5, burst_ms = {"exp", 0.5},
 *         sleep_ms = {"exp", 16}, affinity = {0, 1} },
 *       { name = "req", count = 50, arrival_ms = {"every", 2}, work_ms = 3,
 *         burst_ms = {"uniform", 0.2, 1}, sleep_ms = 1 },
 *       { name = "producer", burst_ms = 0.3, sleep_ms = 2, wakes = "consumer" },
 *       { name = "consumer", burst_ms = 0.5, sleep_ms = "wait" },
 *     },
 *   }
 *
 * A duration is a number (fixed), {"exp", mean}, {"uniform", lo, hi} or
 * {"seq", a, b, ...} (cycled), in milliseconds; burst "inf" never sleeps,
 * sleep "wait" sleeps until a task whose group `wakes` this one ends a
 * burst. A task ends after work_ms of CPU or lifetime_ms after arrival.
 * The file is evaluated with no library at all: data, not code.
 *
 * A replayed recording (sim --replay, replay.c) is a workload too, whose
 * tasks each carry their own recorded life (struct wtask) instead of
 * drawing from their group's distributions.
 */
#ifndef SCX_WORKLOAD_H
#define SCX_WORKLOAD_H

#include <stdbool.h>
#include <stdint.h>

enum dist_kind { DIST_FIXED, DIST_EXP, DIST_UNIFORM, DIST_SEQ, DIST_INF, DIST_WAIT };

#define DIST_SEQ_MAX 16

struct dist {
	enum dist_kind kind;
	double a, b;                 /* ns: fixed value / mean / bounds */
	double seq[DIST_SEQ_MAX];
	int nr_seq;
};

/*
 * One recorded task's life (replay.c): it arrives at arrival_ns, runs
 * step[0] ns of CPU, sleeps step[1] ns, runs step[2], ... and ends with a
 * burst (nr_step is odd). A sleep < 0 lasts until a task of the group that
 * `wakes` this one ends a burst (an inferred wake-up chain). After its last
 * burst it ends if it exited, else it starts again from step[1].
 */
struct wtask {
	double arrival_ns;
	const double *step;          /* owned by the workload (workload_free) */
	uint32_t nr_step;
	uint32_t weight;
	uint64_t affinity;           /* as wgroup.affinity */
	bool exits;
	char comm[16];               /* its own, for scx.comm(t): a merged group has many */
};

struct wgroup {
	char name[32];
	char comm[16];               /* what scx.comm(t) says: the name unless given */
	int count;
	uint32_t weight;             /* 100 = nice 0 */
	double arrival_ns;           /* first arrival */
	double arrival_every_ns;     /* then one more every this (0: all at once) */
	double work_ns;              /* 0: unbounded */
	double lifetime_ns;          /* 0: unbounded */
	struct dist burst, sleep;
	uint64_t affinity;           /* bit mask of CPUs; 0: all */
	int wakes;                   /* group index woken at the end of each burst, -1 */
	const struct wtask *task;    /* count recorded lives (a replay), NULL: drawn */
};

#define WORKLOAD_MAX_GROUPS 32

struct workload {
	char name[64];
	int cpus;                    /* 0: not given */
	int llc_cpus;                /* CPUs per last-level cache (0: one LLC) */
	double duration_ns;          /* 0: not given */
	int nr_groups;
	struct wgroup g[WORKLOAD_MAX_GROUPS];
	void *owned;                 /* a replay's tasks and steps: workload_free() */
};

/* 0, or -EINVAL with a message naming the file, the group and the field. */
int workload_load(struct workload *w, const char *path, char *err, size_t errlen);
/* Draw from a distribution; *seq_pos cycles DIST_SEQ. */
double dist_draw(const struct dist *d, uint64_t *rng, int *seq_pos);
uint32_t nice_to_weight(int nice);
/* What a replay allocated (a loaded file owns nothing); safe on either. */
void workload_free(struct workload *w);

#endif
