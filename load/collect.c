// SPDX-License-Identifier: GPL-2.0-only
/*
 * collect.c - a live run's figures in the simulator's terms, and the
 * machine facts the run needs (its CPUs and caches, their idle time, what
 * schedules them), read from /proc and /sys.
 *
 * The tasks' figures become a struct sim_result, and sim_metrics() in
 * sim/report.c turns it into the report: one definition of every
 * metric for both. The scheduler's own figures (its CPU time, so the
 * overhead; its steps, dispatch counters, errors) come from what a running
 * scx_lua said before and after the run (sched.c), else stay 0. busy_ns is
 * the workload's CPU time, not other processes'.
 */
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load.h"

/* A task's chunk list as the simulator's samples (a copy the result owns). */
static void samples_of(struct samples *s, const struct load_region *r, int32_t k)
{
	for (; k >= 0 && k < r->nr_chunks; k = r->chunk[k].next)
		for (uint32_t i = 0; i < r->chunk[k].n && i < CHUNK_SAMPLES; i++)
			samples_add(s, r->chunk[k].v[i]);
}

/* A task the parent killed (starved past the end) reports no open wait:
 * since when it was runnable, from what it last stored; -1: it was not. */
static double runnable_since(const struct load_task *t, double end)
{
	switch (atomic_load(&t->state)) {
	case L_RUN: return (double)t->last_seen;
	case L_SLEEP: return t->wake_at < end ? (double)t->wake_at : -1;
	case L_WOKEN: return (double)atomic_load(&t->woken_at);
	default: return -1;
	}
}

static void task_stats(struct sim_task_stats *ts, const struct load_region *r, int i, double end)
{
	const struct load_task *t = &r->task[i];
	double since = runnable_since(t, end);

	ts->group = t->plan.group;
	ts->pid = t->pid;
	ts->weight = r->w->g[t->plan.group].weight;
	ts->cpu_ns = t->cpu_ns;
	ts->life_cpu_ns = t->life_cpu_ns;
	ts->arrival = (double)t->arrival;
	ts->first_run = (double)t->first_run;
	ts->finish = (double)t->finish;
	ts->nr_runs = t->runs;
	ts->nr_preempt = t->preempt;
	ts->nr_wakeups = t->wakeups;
	ts->nr_bursts = t->bursts;
	ts->nr_migrations = t->migrations;
	ts->nr_llc_migrations = t->llc_migrations;
	samples_of(&ts->wait, r, t->wait_head);
	samples_of(&ts->wake, r, t->wake_head);
	ts->worst_wait = t->worst_wait;
	if (atomic_load(&t->state) != L_DONE && since >= 0 && since < end) {
		ts->wait_open = end - since;
		ts->worst_wait = fmax(ts->worst_wait, ts->wait_open);
	}
	ts->worst_wait_end = end;
}

/* The scheduler's figures over the run: @b minus @a, counter by counter
 * (struct lua_counters is all unsigned long long). */
static void sched_delta(struct sim_result *res, const struct load_sched *a,
			const struct load_sched *b)
{
	const unsigned long long *x = (const unsigned long long *)&a->c;
	const unsigned long long *y = (const unsigned long long *)&b->c;
	unsigned long long *d = (unsigned long long *)&res->c;

	for (size_t k = 0; k < sizeof(res->c) / sizeof(*d); k++)
		d[k] = y[k] - x[k];
	res->nr_steps = b->batches - a->batches;
	if (a->cpu_ns >= 0 && b->cpu_ns >= a->cpu_ns)
		res->sched_ns = b->cpu_ns - a->cpu_ns;
}

int load_collect(struct sim_metrics *m, const struct load_region *r, double duration_ns,
		 double idle_ns, const struct load_sched *a, const struct load_sched *b)
{
	bool sched = a->ok && b->ok && a->pid == b->pid;

	struct sim_result res = {
		.nr_cpus = r->nr_cpus,
		.nr_tasks = r->nr_tasks,
		.duration_ns = duration_ns,
		.idle_ns = isnan(idle_ns) ? 0 : idle_ns,
	};

	res.task = calloc((size_t)r->nr_tasks, sizeof(*res.task));
	if (!res.task)
		return -1;
	for (int i = 0; i < r->nr_tasks; i++) {
		task_stats(&res.task[i], r, i, duration_ns);
		res.busy_ns += res.task[i].cpu_ns;
	}
	if (sched)
		sched_delta(&res, a, b);
	sim_metrics(m, &res, r->w);
	if (sched) {
		m->policy_errors = b->errors - a->errors;
		m->fallback_batches = b->fallback - a->fallback;
	}
	for (int i = 0; i < r->nr_tasks; i++) {
		free(res.task[i].wait.v);
		free(res.task[i].wake.v);
	}
	free(res.task);
	return 0;
}

/* The id of @cpu's last-level cache (the highest cache index with an id). */
static int llc_id(int cpu)
{
	int id = -1;

	for (int idx = 0; idx < 8; idx++) {
		char path[96];
		FILE *f;
		int v;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index%d/id", cpu, idx);
		if (!(f = fopen(path, "r")))
			continue;
		if (fscanf(f, "%d", &v) == 1)
			id = v + 100000 * idx;   /* ids are per level: keep levels apart */
		fclose(f);
	}
	return id;
}

int load_cpus(int *cpu, int *llc, int max)
{
	cpu_set_t set;
	int n = 0;

	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	for (int c = 0; c < CPU_SETSIZE && c < max; c++) {
		llc[c] = CPU_ISSET(c, &set) ? llc_id(c) : -1;
		if (CPU_ISSET(c, &set))
			cpu[n++] = c;
	}
	return n;
}

double load_idle_ns(const int *cpu, int n)
{
	FILE *f = fopen("/proc/stat", "r");
	double hz = (double)sysconf(_SC_CLK_TCK), idle = 0;
	char line[512];
	int found = 0;

	if (!f)
		return NAN;
	while (fgets(line, sizeof(line), f)) {
		unsigned long long v[5];
		int c;

		if (sscanf(line, "cpu%d %llu %llu %llu %llu %llu", &c, &v[0], &v[1], &v[2], &v[3],
			   &v[4]) != 6)
			continue;
		for (int i = 0; i < n; i++)
			if (cpu[i] == c) {
				idle += (double)(v[3] + v[4]);   /* idle + iowait */
				found++;
			}
	}
	fclose(f);
	return found == n && hz > 0 ? idle / hz * 1e9 : NAN;
}

const char *load_scheduler(char *buf, size_t len)
{
	FILE *f = fopen("/sys/kernel/sched_ext/state", "r");
	char state[32] = "", ops[64] = "";

	if (f) {
		if (!fgets(state, sizeof(state), f))
			state[0] = '\0';
		fclose(f);
	}
	if (!strncmp(state, "enabled", 7) && (f = fopen("/sys/kernel/sched_ext/root/ops", "r"))) {
		if (fgets(ops, sizeof(ops), f))
			ops[strcspn(ops, "\n")] = '\0';
		fclose(f);
	}
	snprintf(buf, len, ops[0] ? "sched_ext:%s" : "kernel default", ops);
	return buf;
}
