// SPDX-License-Identifier: GPL-2.0-only
/*
 * opts.c - option values checked one way for every command (see opts.h).
 *
 * Ranges are the widest the whole program handles, not what a typical run
 * uses: a limit here is a promise that the value works everywhere it goes.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opts.h"

void opt_fail(struct opt_err *e, const char *fmt, ...)
{
	va_list ap;

	if (e->failed)
		return; /* the first error is the one the user must fix first */
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->failed = true;
}

long long opt_whole(struct opt_err *e, const char *opt, const char *v, long long lo, long long hi)
{
	char *end;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi) {
		opt_fail(e, "%s expects a whole number from %lld to %lld, not '%s'", opt, lo, hi, v);
		return lo;
	}
	return n;
}

double opt_number(struct opt_err *e, const char *opt, const char *v, double lo, double hi)
{
	char *end;
	double d = strtod(v, &end);

	/* Written so that NaN fails too. */
	if (*end || end == v || !(d >= lo && d <= hi)) {
		opt_fail(e, "%s expects a number from %.15g to %.15g, not '%s'", opt, lo, hi, v);
		return lo;
	}
	return d;
}

void opt_unknown(struct opt_err *e, int argc, char **argv, const char *cmd)
{
	/* getopt_long() has moved past the offending word (or to argc). */
	opt_fail(e, "unknown option or missing value: %s (%s -h lists them)",
		 optind > 0 && optind <= argc ? argv[optind - 1] : "?", cmd);
}

/* --opt KEY=VALUE: a policy reads sys.opts.KEY, so KEY cannot be empty. */
static void keyval(struct opt_err *e, struct cli *o, const char *v)
{
	if (!strchr(v, '=') || v[0] == '=')
		opt_fail(e, "--opt expects KEY=VALUE, not '%s'", v);
	else if (o->nr_opts == CLI_MAX_OPTS)
		opt_fail(e, "at most %d --opt", CLI_MAX_OPTS);
	else
		o->opts[o->nr_opts++] = v;
}

bool opt_shared(struct opt_err *e, struct cli *o, int c, const char *arg)
{
	/* As many CPUs as the engine has LLC slots for (the simulator's limit is its own). */
	const long long max_cpus = sizeof(o->ecfg.cpu_llc) / sizeof(o->ecfg.cpu_llc[0]);

	switch (c) {
	case 's': o->ecfg.sched.slice_ns = opt_whole(e, "--slice-us", arg, 10, 10000000) * 1e3; break;
	case 'S': o->ecfg.sched.slice_min_ns = opt_whole(e, "--slice-us-min", arg, 10, 10000000) * 1e3; break;
	case OPT_SLICE_MAX: o->ecfg.sched.slice_max_ns = opt_whole(e, "--slice-us-max", arg, 10, 10000000) * 1e3; break;
	case 'u': o->full_user = true; break;
	case OPT_KEYVAL: keyval(e, o, arg); break;
	case OPT_CPUS: o->ecfg.sched.nr_cpus = (int)opt_whole(e, "--cpus", arg, 1, max_cpus); break;
	case OPT_SEED: o->seed = (unsigned long long)opt_whole(e, "--seed", arg, 0, LLONG_MAX); break;
	/* Seconds, decimals allowed: wall time for run, simulated time for sim. */
	case OPT_DURATION: o->duration_s = opt_number(e, "--duration", arg, 0.001, 1 << 30); break;
	case OPT_BUDGET:
		o->budget_us = (unsigned)opt_whole(e, "--budget-us", arg, 0, 1000000);
		o->budget_set = true;
		break;
	case OPT_PREEMPT:
		o->preempt_us = (unsigned)opt_whole(e, "--preempt-us", arg, 0, 1000000);
		o->preempt_set = true;
		break;
	case OPT_PREEMPT_SYNC: o->preempt_sync = true; break;
	default: return false;
	}
	return true;
}

void opt_check_shared(struct opt_err *e, const struct cli *o)
{
	if (o->ecfg.sched.slice_min_ns > o->ecfg.sched.slice_ns ||
	    o->ecfg.sched.slice_ns > o->ecfg.sched.slice_max_ns)
		opt_fail(e, "slices must satisfy --slice-us-min <= --slice-us <= --slice-us-max");
}
