/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * machine.h - a simulated machine under sched_ext, as a backend.
 *
 * sim_run() plays a workload on N simulated CPUs and calls the very same
 * sched_step() the live scheduler runs, so a policy file behaves here as it
 * does on a kernel. What is modelled, following sched_ext:
 * - a waking task gets its previous CPU; with the idle fast path (the live
 *   backend's default, off with full_user) it runs at once on an idle CPU
 *   allowed to it, else it is queued for user space with its timestamps
 *   and exec_runtime (reset when it sleeps);
 * - the user-space scheduler is a task: when work is queued it takes an
 *   idle CPU, or preempts the CPU it last ran on, and holds it for
 *   cost_batch + cost_task x batch (or the measured wall time of the step);
 *   its decisions take effect when it is done. A slow policy shows.
 * - dispatches go to a CPU's local FIFO or to the shared queue ordered by
 *   deadline; a CPU outside the task's affinity is bounced to the shared
 *   queue (counted); DF_PREEMPT preempts the target CPU;
 * - a task runs until its burst ends (it sleeps), its slice ends (it is
 *   queued again, unless nothing else is runnable: then its slice is
 *   refilled, as sched_ext does for the last runnable task), or it is
 *   preempted.
 * Deterministic: same workload, policy and seed give identical results
 * (except with cost_measured).
 */
#ifndef SCX_BACKEND_SIM_H
#define SCX_BACKEND_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "workload.h"

struct sched;

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
	uint64_t nr_runs, nr_preempt, nr_wakeups, nr_bursts;
	uint64_t nr_migrations, nr_llc_migrations; /* runs on another CPU / LLC than the last */
	struct samples wait, wake;
};

struct sim_segment {
	float start_ms, end_ms;     /* floats: a trace need not be exact */
	int32_t cpu, task;          /* task -1: the scheduler */
};

struct sim_wake {
	float ms;
	int32_t task;
	int32_t cpu;        /* -1: a wake-up; else a dispatch decision to this CPU (-2: shared) */
};

struct sim_result {
	int nr_cpus, nr_tasks;
	double duration_ns;
	double busy_ns, idle_ns, sched_ns;   /* summed over CPUs */
	uint64_t nr_kernel_dispatches, nr_user_dispatches, nr_bounce, nr_refills, nr_steps;
	uint64_t nr_sched_preempt;           /* tasks preempted to run the scheduler */
	uint64_t nr_deadline_preempts;       /* preempted for an earlier deadline */
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
void sim_free(struct sim *s);
double samples_pct(struct samples *s, double p); /* sorts in place; p in [0,100] */
/* Append; on memory shortage the sample is dropped (never a task). */
void samples_add(struct samples *s, double v);

#endif
