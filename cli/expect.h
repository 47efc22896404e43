/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * expect.h - --expect "GROUP.METRIC OP NUMBER" (or machine.METRIC): a check
 * over a run's metrics, one PASS/FAIL line each. The labs' graders read
 * those lines; `sim` and `load` both take the option, so a check means the
 * same on the simulated machine and on the kernel. Metric names are those
 * of `scx_lua sim --help`, in the units their names say (ms, a share).
 */
#ifndef SCX_CLI_EXPECT_H
#define SCX_CLI_EXPECT_H

#include "cli.h"
#include "opts.h"
#include "report.h"

/* Parse @text into the next of @x (at most SIM_MAX_EXPECT); @e on failure. */
void expect_add(struct opt_err *e, struct sim_expect *x, int *n, const char *text);
/* 0; 2 with @err naming the first check whose metric @w does not have. */
int expect_names(const struct sim_expect *x, int n, const struct workload *w, char *err,
		 size_t errlen);
/* The value of a metric by name; NAN: no such metric. */
double expect_metric(const struct sim_metrics *m, const char *scope, const char *name);
/* Prints one PASS/FAIL line per check; returns how many failed. */
int expect_grade(const struct sim_metrics *m, const struct sim_expect *x, int n);

#endif
