// SPDX-License-Identifier: GPL-2.0-only
/*
 * quiz.c - `scx_lua sim POLICY --quiz [--seed N] [--answers]`: a lecture-
 * sized exercise in the manner of OSTEP's homework simulators. The seed
 * makes three jobs on one CPU (each arrives at a multiple of 10 ms and
 * needs 10 to 80 ms of CPU, never sleeping); the question asks for the
 * timeline under the policy and each job's response and turnaround time;
 * --answers runs the real policy on the simulated machine and prints them.
 *
 * The scheduler's own cost is 0 here, so the answers are whole
 * milliseconds a student can reach by hand; everything else is the
 * machine as `sim` runs it: the first job takes the idle CPU without the
 * policy, the policy sees each arrival and a preempted job again, slices
 * end.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "quiz.h"

#define QUIZ_JOBS 3

static uint64_t quiz_rng(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

void quiz_workload(struct workload *w, uint64_t seed)
{
	uint64_t r = seed * 0x9e3779b97f4a7c15ull + 1;
	double end = 0;

	memset(w, 0, sizeof(*w));
	snprintf(w->name, sizeof(w->name), "quiz %llu", (unsigned long long)seed);
	w->cpus = 1;
	w->nr_groups = QUIZ_JOBS;
	for (int i = 0; i < QUIZ_JOBS; i++) {
		struct wgroup *g = &w->g[i];

		snprintf(g->name, sizeof(g->name), "%c", 'A' + i);
		snprintf(g->comm, sizeof(g->comm), "%c", 'A' + i);
		g->count = 1;
		g->weight = 100;
		g->wakes = -1;
		/* A first at 0, the others within 50 ms; 10 to 80 ms of work. */
		g->arrival_ns = i ? (double)(quiz_rng(&r) % 6) * 10e6 : 0;
		g->work_ns = (double)(1 + quiz_rng(&r) % 8) * 10e6;
		g->burst.kind = DIST_INF;
		g->sleep.kind = DIST_FIXED;
		end += g->work_ns;
	}
	w->duration_ns = end + 60e6;
}

void quiz_ask(FILE *f, const struct workload *w, const char *policy, double slice_ns,
	      uint64_t seed)
{
	fprintf(f, "Quiz %llu: %s on 1 CPU, default slice %.0f ms. Three jobs, none sleeps:\n\n",
		(unsigned long long)seed, policy, slice_ns / 1e6);
	fprintf(f, "  job  arrives  needs\n");
	for (int i = 0; i < w->nr_groups; i++)
		fprintf(f, "  %-3s  %4.0f ms  %3.0f ms\n", w->g[i].name, w->g[i].arrival_ns / 1e6,
			w->g[i].work_ns / 1e6);
	fprintf(f, "\nThe first job takes the idle CPU at once; after that the policy sees each "
		"arrival,\nand each job whose slice ran out or that was preempted, and orders them "
		"by deadline.\nWork out: the timeline (which job runs from when to when), each job's "
		"response\ntime (first run - arrival) and turnaround time (finish - arrival), and "
		"their averages.\nThen: scx_lua sim %s --quiz --seed %llu --answers\n", policy,
		(unsigned long long)seed);
}

void quiz_answer(FILE *f, const struct sim_result *r, const struct workload *w)
{
	double resp = 0, turn = 0, first[QUIZ_JOBS];
	int last = -1, nr = 0;
	float from = 0, to = 0;

	for (int i = 0; i < QUIZ_JOBS; i++)
		first[i] = -1;

	fprintf(f, "Timeline:\n");
	/* Runs of one job back to back (a slice renewed, the scheduler's
	 * zero-cost steps between) are one line. */
	for (uint32_t i = 0; i <= r->nr_seg; i++) {
		const struct sim_segment *s = i < r->nr_seg ? &r->seg[i] : NULL;

		/* The scheduler's own steps, and a job it interrupted before the
		 * job did anything (it took the idle CPU as the step began). */
		if (s && (s->task < 0 || s->end_ms - s->start_ms < 0.05f))
			continue;
		if (s && s->task == last && s->start_ms - to < 1e-3f) {
			to = s->end_ms;
			continue;
		}
		if (last >= 0) {
			fprintf(f, "  %6.1f - %6.1f ms  %s\n", from, to, w->g[r->task[last].group].name);
			if (last < QUIZ_JOBS && first[last] < 0)
				first[last] = from * 1e6;
		}
		if (!s)
			break;
		last = s->task;
		from = s->start_ms;
		to = s->end_ms;
	}
	/* Response from the timeline as printed: the first run a student can see. */
	fprintf(f, "\n  job  response  turnaround\n");
	for (int i = 0; i < r->nr_tasks && i < QUIZ_JOBS; i++) {
		const struct sim_task_stats *t = &r->task[i];

		if (first[i] < 0 || t->finish < 0) {
			fprintf(f, "  %-3s  did not finish in %.0f ms\n", w->g[t->group].name,
				r->duration_ns / 1e6);
			continue;
		}
		fprintf(f, "  %-3s  %8.1f  %10.1f\n", w->g[t->group].name,
			(first[i] - t->arrival) / 1e6, (t->finish - t->arrival) / 1e6);
		resp += first[i] - t->arrival;
		turn += t->finish - t->arrival;
		nr++;
	}
	if (nr)
		fprintf(f, "  avg  %8.1f  %10.1f\n", resp / nr / 1e6, turn / nr / 1e6);
}
