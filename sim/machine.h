/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * machine.h - a simulated machine under sched_ext, as a backend.
 *
 * sim_run() plays a workload on N simulated CPUs and calls the very same
 * sched_step() the live scheduler runs, so a policy file behaves here as it
 * does on a kernel. What is modelled, following sched_ext and bpf/main.bpf.c
 * (whose rules, bpf/rules.h, the model compiles and applies itself):
 * - a waking task gets its previous CPU; with the idle fast path (the live
 *   backend's default, off with full_user) it runs at once on an idle CPU
 *   allowed to it, else a record is queued for user space (with its
 *   timestamps and exec_runtime, reset when it sleeps) in a ring of
 *   queue_bytes; a full ring, or a scheduler stuck for 1 s, bypasses it to
 *   the shared queue (counted);
 * - the user-space scheduler is a task, parked: an idle CPU runs it when it
 *   has records; a CPU looking for work runs it first when rules.h says so
 *   (owed, the latency budget, the ring's watermark), else after decided
 *   work; a woken task's record preempts a CPU hog for it; a budget timer
 *   preempts the CPU busy longest when nobody looked for work in time; a
 *   heartbeat runs it every 100 ms. It holds its CPU for cost_batch +
 *   cost_task x batch (or the measured wall time of the step), and its
 *   decisions take effect when it is done. A slow policy shows.
 * - dispatches go to a CPU's local FIFO or to the shared queue ordered by
 *   deadline; the CPU that was running the scheduler takes the first of
 *   them, an idle CPU the next, and a woken task preempts the CPU running
 *   the latest deadline (after preempt_min_ns); a CPU outside the task's
 *   affinity is bounced to the shared queue; DF_PREEMPT preempts the target;
 * - a task runs until its burst ends (it sleeps), its slice ends (it is
 *   queued again, unless nothing else waits: then it goes on, `kept`), or
 *   it is preempted (marked so; with keep_preempted it keeps its deadline
 *   and what is left of its slice without a record);
 * - the starvation guard: every heartbeat, a CPU looking for work takes
 *   the first task that waited starve_ns in the shared queue.
 * Not modelled: the kernel's own bypass mode, hotplug, SIGSTOP of the
 * scheduler, IPI latency (a kick takes effect at once).
 * Deterministic: same workload, policy and seed give identical results
 * (except with cost_measured).
 */
#ifndef SCX_BACKEND_SIM_H
#define SCX_BACKEND_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend.h"
#include "counters.h"
#include "rules.h"

#include "workload.h"

struct sched;
struct recorder;

struct sim_cfg {
	int nr_cpus;
	double duration_ns;
	uint64_t seed;
	double cost_batch_ns;   /* scheduler cost per step */
	double cost_task_ns;    /* and per task decided */
	bool cost_measured;     /* charge the step's measured wall time instead */
	bool full_user;         /* no idle fast path */
	double slice_ns;        /* fast-path and refill slice */
	bool record;            /* keep run segments and wake-ups (trace, report) */
	int llc_cpus;           /* CPUs per LLC, for cross-LLC migrations (0: one LLC) */
	/* the live path's settings, as for `scx_lua run` (0: its default) */
	struct rule_tune tune;  /* --budget-us, --preempt-us (both 0: 4 ms, 1 ms) */
	double queue_bytes;     /* the ring of records (1 MiB) */
	double starve_ns;       /* the starvation guard (5 s; < 0: off) */
	bool keep_preempted;    /* a task we preempt keeps its deadline without a record */
	bool budget_fixed, preempt_fixed;  /* given explicitly: the policy's (scx.tune) loses */
	/* --steps / --explain (journal.c): every decision and run in
	 * [journal_from_ns, journal_to_ns) as text on @journal (NULL: off),
	 * and for --explain the task whose wait is told (-1: none). */
	FILE *journal;
	double journal_from_ns, journal_to_ns;
	int explain_task;
	/* sim --record: the core writes the records it drains into this
	 * recorder's ring; the machine empties it to the file as it goes
	 * (there is no log thread here), so nothing is dropped. NULL: off. */
	struct recorder *rec;
};

/* Latency samples, in ns. */
struct samples {
	double *v;
	uint32_t n, cap;
};

struct sim_task_stats {
	int group;
	int32_t pid;
	uint32_t weight;
	double cpu_ns, arrival, first_run, finish; /* first_run, finish: -1 if never */
	double life_cpu_ns;     /* a live process's CPU over its whole life, its setup and
				 * exit too, which its cpu_ns leaves out; 0: as cpu_ns */
	uint64_t nr_runs, nr_preempt, nr_wakeups, nr_bursts;
	uint64_t nr_migrations, nr_llc_migrations; /* runs on another CPU / LLC than the last */
	struct samples wait, wake;
	double wait_open;       /* runnable, not running, at the end: for how long (else 0) */
	double worst_wait, worst_wait_end;  /* the longest wait, the open one included, and its end */
};

struct sim_segment {
	float start_ms, end_ms;     /* floats: a trace need not be exact */
	int32_t cpu, task;          /* task -1: the scheduler */
};

struct sim_wake {
	float ms;
	int32_t task;
	int32_t cpu;        /* -1: a wake-up; else a dispatch decision to this CPU (-2: shared) */
	int32_t by;         /* a wake-up by another task (a hand-off): that task; else -1 */
};

struct sim_result {
	int nr_cpus, nr_tasks;
	double duration_ns;
	double busy_ns, idle_ns, sched_ns;   /* summed over CPUs */
	struct lua_counters c;               /* named as the live backend's */
	uint64_t nr_steps;                   /* the scheduler's steps (batches) */
	uint64_t nr_sched_preempt;           /* tasks preempted to run the scheduler */
	struct sim_task_stats *task;
	struct sim_segment *seg;
	uint32_t nr_seg, cap_seg;
	struct sim_wake *wakes;
	uint32_t nr_wakes, cap_wakes;
};

struct sim;
extern const struct backend_ops sim_ops;

struct sim *sim_new(const struct workload *w, const struct sim_cfg *cfg);
/* Plays the whole workload, driving @core. 0 or negative errno. */
int sim_run(struct sim *s, struct sched *core);
const struct sim_result *sim_result(const struct sim *s);
/* After a run with cfg.explain_task set: why that task waited from
 * @wait_from to @wait_to (journal.c). */
void sim_explain(FILE *f, const struct sim *s, double wait_from, double wait_to);
void sim_free(struct sim *s);
/* sim --record (cfg.rec): set once the engine that owns @rec exists. */
void sim_set_recorder(struct sim *s, struct recorder *rec);
double samples_pct(struct samples *s, double p); /* sorts in place; p in [0,100] */
/* Append; on memory shortage the sample is dropped (never a task). */
void samples_add(struct samples *s, double v);

#endif
