/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * synth.h - the synthetic backend: a seeded population of tasks that run,
 * come back, sleep and exit, with books kept so tests can prove every task
 * made runnable is dispatched exactly once. Used by the unit tests, the
 * benchmarks, `scx_lua check` and `--backend synth`. No CPUs and no time
 * model: that is the simulator's job (sim/machine.h).
 */
#ifndef SCX_SYNTH_H
#define SCX_SYNTH_H

#include <stdint.h>

#include "backend.h"

struct synth_cfg {
	uint32_t nr_tasks;       /* live tasks at any time */
	uint32_t burst;          /* tasks made runnable per round (the batch size) */
	uint32_t nr_cpus;
	uint32_t exit_every;     /* a task exits and a new pid replaces it every N dispatches (0: never) */
	uint32_t refuse_every;   /* refuse one dispatch in N (0: never) */
	uint32_t slots_per_round; /* dispatches accepted per round (0: all) */
	uint64_t seed;
	double round_ns;         /* simulated time per round */
};

struct synth;
struct synth *synth_new(const struct synth_cfg *cfg);
void synth_free(struct synth *s);
extern const struct backend_ops synth_ops;
/* For tests: every task made runnable is dispatched exactly once. */
struct synth_counts {
	uint64_t nr_made_runnable, nr_dispatched, nr_refused, nr_exits, nr_bad_cpu;
	uint64_t nr_invalid;      /* double or stale dispatches: core bugs */
	uint32_t nr_outstanding; /* queued or held by the core right now */
};
void synth_counts(const struct synth *s, struct synth_counts *c);

#endif
