/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * report.h - what a simulation measured, and the four ways to show it:
 * a table, JSON, a Chrome/Perfetto trace, a self-contained HTML report.
 */
#ifndef SCX_SIM_REPORT_H
#define SCX_SIM_REPORT_H

#include <stdio.h>

#include "machine.h"
#include "workload.h"

struct group_metrics {
	const char *name;
	int n, nr_done;
	uint32_t weight;
	double cpu_ns, share;              /* share of the machine's CPU time */
	double life_cpu_ns;                /* the processes' whole lives (sim_task_stats) */
	double wait_p50, wait_p99, wait_max;   /* ns, NAN when no sample */
	double wake_p50, wake_p99, wake_max;
	double wake_mean;                  /* ns: what cyclictest calls its average, NAN when no sample */
	double starve_max;                 /* ns: longest wait of any task, the open one included */
	int starve_task;                   /* whose (an index into the result's tasks), -1: none */
	uint32_t nr_wait, nr_wake;         /* samples behind the percentiles */
	uint64_t runs, preempt, bursts, migrations, llc_migrations;
	double turnaround, response;       /* mean ns over tasks that finished / ran */
};

struct sim_metrics {
	const char *policy, *workload;
	int cpus, nr_groups;
	double duration_ns;
	uint64_t seed;
	double util, jain, throughput, overhead;
	double busy_ns, idle_ns, sched_ns, task_cpu_ns;
	uint64_t steps, sched_preempt;
	struct lua_counters c;   /* the live backend's counters, by the same names */
	uint64_t policy_errors, fallback_batches;
	double win_from_ms, win_to_ms;   /* the HTML report's window (--window; to 0: the first second) */
	struct group_metrics g[WORKLOAD_MAX_GROUPS];
};

void sim_metrics(struct sim_metrics *m, const struct sim_result *r, const struct workload *w);
void sim_print_table(FILE *f, const struct sim_metrics *m);
/* Term and definition of each word the reports use. */
extern const char *const sim_glossary[][2];
extern const int sim_glossary_nr;
void sim_print_compare(FILE *f, const struct sim_metrics *m, int n);
void sim_print_json(FILE *f, const struct sim_metrics *m, int n);
int sim_write_trace(const char *path, const struct sim_result *r, const struct workload *w);
/* The HTML report: a page, a section per policy (from a run recorded with
 * cfg.record), then the glossary. NULL / negative errno on failure. */
FILE *sim_html_begin(const char *path, const struct workload *w, int nr_policies);
void sim_html_policy(FILE *f, const struct sim_metrics *m, const struct sim_result *r,
		     const struct workload *w);
int sim_html_end(FILE *f);

#endif
