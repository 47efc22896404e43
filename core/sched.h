/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.h - the batch loop: drain, decide, order, dispatch.
 *
 * One step: drain every task the backend has queued (as long as a task slot
 * is free), run the policy once per batch of up to batch_max tasks, validate
 * what it decided, push the tasks into the heap, pop as many as the backend
 * will take, dispatch them (a refused one goes back into the heap with its
 * original key: nothing is dropped; a full backend ends the round, a task
 * refused on its own does not hold up the others), and tell the backend
 * how many remain. A step never blocks; sched_wait() does.
 *
 * Memory: everything is carved from the arena at sched_init(); a step
 * allocates nothing outside the Lua heaps.
 */
#ifndef SCX_SCHED_H
#define SCX_SCHED_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "backend.h"
#include "fallback.h"
#include "heap.h"
#include "logring.h"
#include "policy.h"
#include "record.h"
#include "shadow.h"
#include "rulebook.h"
#include "store.h"

/* Hard bounds on a policy's slice, whatever it asks. */
#define SCX_SLICE_HARD_MIN 10000.0 /* 10 us */

struct sched_cfg {
	uint32_t max_tasks;     /* tasks the core can hold at once (task slots) */
	uint32_t store_cap;     /* pids remembered */
	uint32_t batch_max;     /* tasks per policy call */
	int nr_cpus;
	double slice_ns;        /* default slice */
	double slice_min_ns;    /* for policies (sys.slice_min_ns) */
	double slice_max_ns;    /* hard upper bound */
	double tick_ns;         /* P.tick period, in backend time */
	double store_ttl_ns;    /* forget pids not seen for this long */
};

/* A batch policy written in C, used instead of Lua when set (benchmarks). */
typedef void (*sched_cpolicy_fn)(void *arg, struct scx_task *tasks, const uint32_t *batch,
				 uint32_t n, double now);

struct sched {
	struct sched_cfg cfg;
	const struct backend_ops *be;
	void *bctx;
	struct scx_task *tasks;
	struct task_token *tok;
	uint32_t *free_slot;
	uint32_t nr_free;
	uint32_t *batch;
	struct heap_entry *dbatch;   /* heap keys of the tasks being dispatched */
	struct heap heap;
	struct store store;
	struct rulebook rules;       /* the policy's rules (scx.rule) */
	struct fallback fb;
	struct policy_host *ph;      /* NULL: fallback (or cpolicy) only */
	sched_cpolicy_fn cpolicy;
	void *cpolicy_arg;
	struct scx_stats *stats;
	struct recorder *rec;        /* --record: what was drained (NULL: off) */
	struct shadow *shadow;       /* --shadow: a candidate policy compared (NULL: off) */
	uint64_t seq;
	double max_deadline;         /* largest valid deadline seen */
	double next_tick;
	long warm_faults;            /* page faults of this thread at warm-up */
	bool warm;
};

/* Carves all memory from @a. 0 or negative errno. */
int sched_init(struct sched *s, struct arena *a, const struct sched_cfg *cfg,
	       const struct backend_ops *be, void *bctx, struct scx_stats *stats);
/* Size of the arena part sched_init() will carve for @cfg. */
size_t sched_arena_bytes(const struct sched_cfg *cfg);

/* One pass of the loop. Returns how many tasks it moved (0: idle). */
uint32_t sched_step(struct sched *s);
/* A new policy took over: what is pending leaves first, in its order. */
void sched_policy_changed(struct sched *s);
/* Record the page-fault count now; later faults show in nr_page_faults. */
void sched_mark_warm(struct sched *s);
void sched_update_stats(struct sched *s);

#endif
