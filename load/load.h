/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * load.h - `scx_lua load WORKLOAD.lua`: a workload file run as real
 * processes on whatever scheduler the kernel runs, measured with the
 * simulator's definitions and printed in its formats (load.c).
 */
#ifndef SCX_LOAD_H
#define SCX_LOAD_H

#include "report.h"
#include "run.h"

/* argv[0] is "load". Exit status: 0, 1 (a task could not start, or the
 * run failed), 2 (bad command line or workload), 128 + signal (stopped). */
int load_main(int argc, char **argv);

/* What a running scx_lua says about itself (sched.c). */
struct load_sched {
	bool ok;                     /* it answered */
	int32_t pid;
	char policy[64];             /* P.name */
	struct lua_counters c;       /* the [bpf] counters */
	unsigned long long batches, errors, fallback;
	double cpu_ns;               /* the process's CPU time, -1: unknown */
};

/* Ask the scheduler on stats socket @path; 0, or -1 (nobody answered). */
int load_sched_read(const char *path, struct load_sched *s);

/* collect.c: the run's figures as the simulator's (a struct sim_result,
 * then sim_metrics()); @idle_ns: the CPUs' idle time over the run; @a, @b:
 * the scheduler before and after it (not ok: the figures stay 0). */
int load_collect(struct sim_metrics *m, const struct load_region *r, double duration_ns,
		 double idle_ns, const struct load_sched *a, const struct load_sched *b);
/* The machine's CPUs this process may use, in order (numbers below @max),
 * and the last-level cache id of each by its number (-1: unknown); the count. */
int load_cpus(int *cpu, int *llc, int max);
/* Idle ns of these CPUs so far (/proc/stat), or NAN. */
double load_idle_ns(const int *cpu, int n);
/* What schedules the machine: "sched_ext:OPS" or "kernel default". */
const char *load_scheduler(char *buf, size_t len);

#endif
