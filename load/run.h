/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run.h - what `scx_lua load`'s parent and its task processes share: one
 * MAP_SHARED region, set up before the first fork and read by the parent
 * once the run is over. Not a public interface: only load/ includes it.
 *
 * Ownership: the parent writes a task's plan (struct load_plan) before
 * forking and never again; from the go signal on, a task's struct
 * load_task is written by that task alone, except `state` and `woken_at`,
 * which a waker sets (task.c: the hand-off) and the wakee reads after its
 * pipe said so. The parent reads everything only after the task exited or
 * was killed (a killed task's figures are those it last stored: it stores
 * them as it goes, for that reason). Samples go in chunks taken from one
 * pool with an atomic counter: no IPC, no allocation and no system call
 * on the hot path beyond the clocks.
 *
 * Times are CLOCK_MONOTONIC nanoseconds; in struct load_task, from the
 * start of the run (t0).
 */
#ifndef SCX_LOAD_RUN_H
#define SCX_LOAD_RUN_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "workload.h"

/* A task's state, as the parent and the wakers see it. */
enum lstate {
	L_UNBORN,     /* before its arrival */
	L_RUN,        /* in a burst: running, or preempted (last_seen says when it ran) */
	L_SLEEP,      /* in clock_nanosleep until wake_at */
	L_WAIT,       /* blocked on its pipe: a waker may take it */
	L_WOKEN,      /* a waker took it at woken_at: runnable */
	L_DONE,       /* finished (work_ms, lifetime_ms) or the run ended: figures final */
};

#define CHUNK_SAMPLES 62

/* 256 bytes of samples of one kind of one task; chunks of a task are a list. */
struct load_chunk {
	int32_t next;                /* chunk index, -1: last */
	uint32_t n;
	float v[CHUNK_SAMPLES];      /* ns: floats are exact enough for latencies */
};

/* What the parent decided for a task before forking it. */
struct load_plan {
	int group, index;            /* its group, its place in the group */
	uint64_t rng;                /* seed of its draws (the burst and sleep sequences) */
	int nice;
	int rd_fd;                   /* its pipe's read end ("wait" groups), else -1 */
	int wakes_first, wakes_n;    /* the tasks it wakes: task ids, first and count */
};

struct load_task {
	struct load_plan plan;
	int32_t pid;
	_Atomic int state;           /* enum lstate */
	_Atomic int64_t woken_at;    /* set by its waker before the pipe write */
	int64_t wake_at;             /* L_SLEEP: when its timer expires */
	int64_t last_seen;           /* L_RUN: the last time it was seen running */
	int64_t arrival, first_run, finish;     /* -1: never */
	double cpu_ns;               /* from its arrival to its end, as the simulator counts */
	double life_cpu_ns;          /* the process's whole life, setup and exit too (wait4) */
	uint64_t runs, preempt, bursts, wakeups, migrations, llc_migrations;
	double worst_wait;           /* the longest wait, the open one at the end included */
	int32_t wait_head, wait_tail, wake_head, wake_tail;  /* chunk lists, -1: empty */
	uint32_t nr_dropped;         /* samples the pool had no room for */
	int nice_set;                /* what getpriority() said after setting it */
	char err[200];               /* why it could not start */
} __attribute__((aligned(64)));

struct load_region {
	_Atomic int nr_ready;        /* tasks set up, waiting for the go */
	_Atomic int64_t t0, end;     /* the run's start and end (0: not started) */
	int nr_tasks, nr_cpus;
	int cpu[1024];               /* the machine's CPUs the run uses, in order */
	int llc[1024];               /* by CPU number: its last-level cache's id, -1: unknown */
	int go_rd, go_wr;            /* the go pipe: EOF on go_rd (the parent closed go_wr) is
				      * the start for every task at once */
	int32_t parent;              /* the tasks die with it (PR_SET_PDEATHSIG) */
	bool ext;                    /* each task switches itself to SCHED_EXT */
	_Atomic int32_t chunks_used;
	int32_t nr_chunks;
	struct load_chunk *chunk;    /* the pool, in the same mapping */
	struct load_task *task;
	const struct workload *w;    /* the parent's copy, inherited */
	int *wr_fd;                  /* per task: its pipe's write end, -1: none */
	uint64_t *mask;              /* per group: its CPUs as indexes into cpu[] (0: all) */
};

/* task.c: one task's life, in the forked child; never returns. */
void task_main(struct load_region *r, int id) __attribute__((noreturn));

/* CLOCK_MONOTONIC in ns: the vDSO's, no system call. */
static inline int64_t load_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
