// SPDX-License-Identifier: GPL-2.0-only
/*
 * expect.c - the --expect checks of `sim` and `load` (see expect.h): parse,
 * check the names against the workload before a run, grade after it.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "expect.h"

/* In the units the names say. */
double expect_metric(const struct sim_metrics *m, const char *scope, const char *name)
{
	if (!strcmp(scope, "machine")) {
		if (!strcmp(name, "utilisation")) return m->util;
		if (!strcmp(name, "jain")) return m->jain;
		if (!strcmp(name, "throughput")) return m->throughput;
		if (!strcmp(name, "overhead")) return m->overhead;
		if (!strcmp(name, "policy_errors")) return (double)m->policy_errors;
		if (!strcmp(name, "fallback_batches")) return (double)m->fallback_batches;
		return NAN;
	}
	for (int g = 0; g < m->nr_groups; g++) {
		const struct group_metrics *gm = &m->g[g];

		if (strcmp(gm->name, scope))
			continue;
		if (!strcmp(name, "share")) return gm->share;
		if (!strcmp(name, "wake_p50_ms")) return gm->wake_p50 / 1e6;
		if (!strcmp(name, "wake_p99_ms")) return gm->wake_p99 / 1e6;
		if (!strcmp(name, "wake_max_ms")) return gm->wake_max / 1e6;
		if (!strcmp(name, "wake_mean_ms")) return gm->wake_mean / 1e6;
		if (!strcmp(name, "wait_p50_ms")) return gm->wait_p50 / 1e6;
		if (!strcmp(name, "wait_p99_ms")) return gm->wait_p99 / 1e6;
		if (!strcmp(name, "wait_max_ms")) return gm->wait_max / 1e6;
		if (!strcmp(name, "starve_ms")) return gm->starve_max / 1e6;
		if (!strcmp(name, "turnaround_ms")) return gm->turnaround / 1e6;
		if (!strcmp(name, "response_ms")) return gm->response / 1e6;
		if (!strcmp(name, "runs")) return (double)gm->runs;
		if (!strcmp(name, "preemptions")) return (double)gm->preempt;
		if (!strcmp(name, "migrations")) return (double)gm->migrations;
		if (!strcmp(name, "llc_migrations")) return (double)gm->llc_migrations;
		if (!strcmp(name, "done")) return gm->nr_done;
		if (!strcmp(name, "bursts")) return (double)gm->bursts;
		return NAN;
	}
	return NAN;
}

void expect_add(struct opt_err *e, struct sim_expect *xs, int *n, const char *text)
{
	struct sim_expect *x = &xs[*n];
	char lhs[64];

	if (*n == SIM_MAX_EXPECT) {
		opt_fail(e, "at most %d --expect", SIM_MAX_EXPECT);
		return;
	}
	x->text = text;
	if (sscanf(text, " %63[^ <>=] %2[<>=] %lf", lhs, x->op, &x->value) != 3 ||
	    sscanf(lhs, "%31[^.].%31s", x->scope, x->metric) != 2 ||
	    (strcmp(x->op, "<") && strcmp(x->op, "<=") && strcmp(x->op, ">") && strcmp(x->op, ">=")))
		opt_fail(e, "--expect '%s': write GROUP.METRIC OP NUMBER, e.g. 'ui.wake_p99_ms < 2' "
			 "or 'machine.jain >= 0.99' (OP: < <= > >=)", text);
	else
		(*n)++;
}

int expect_names(const struct sim_expect *x, int n, const struct workload *w, char *err,
		 size_t errlen)
{
	struct sim_metrics probe = { .nr_groups = w->nr_groups };

	for (int g = 0; g < w->nr_groups; g++)
		probe.g[g].name = w->g[g].name;
	for (int i = 0; i < n; i++)
		/* Zeroed metrics: a known name gives 0, an unknown one NAN. */
		if (isnan(expect_metric(&probe, x[i].scope, x[i].metric))) {
			snprintf(err, errlen, "--expect '%s': no metric %s.%s in this workload",
				 x[i].text, x[i].scope, x[i].metric);
			return 2;
		}
	return 0;
}

int expect_grade(const struct sim_metrics *m, const struct sim_expect *e, int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		double v = expect_metric(m, e[i].scope, e[i].metric);
		bool ok = !isnan(v) && (!strcmp(e[i].op, "<") ? v < e[i].value :
					!strcmp(e[i].op, "<=") ? v <= e[i].value :
					!strcmp(e[i].op, ">") ? v > e[i].value : v >= e[i].value);

		printf("%s  %s: %s (got %.4g)\n", ok ? "PASS" : "FAIL", m->policy, e[i].text, v);
		failed += !ok;
	}
	return failed;
}
