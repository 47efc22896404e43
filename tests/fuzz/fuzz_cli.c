// SPDX-License-Identifier: GPL-2.0-only
/* The command lines of run/check (cli_parse) and of sim (sim_parse), both
 * fed the same arguments: the input split at NUL bytes. A parser must
 * return 0, 1 or 2, never exit, say why it refused, and when it accepts a
 * line the configuration must be consistent. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/cli.h"

#define MAX_ARGS 32

static void check_shared(const struct cli *o)
{
	if (o->ecfg.sched.slice_min_ns > o->ecfg.sched.slice_ns ||
	    o->ecfg.sched.slice_ns > o->ecfg.sched.slice_max_ns || o->ecfg.sched.nr_cpus < 0 ||
	    o->ecfg.sched.nr_cpus > 1024 || o->duration_s < 0 || o->nr_opts > CLI_MAX_OPTS)
		abort();
	for (int i = 0; i < o->nr_opts; i++)
		if (!strchr(o->opts[i], '=') || o->opts[i][0] == '=')
			abort();
}

static void check_run(int argc, char **argv)
{
	static struct cli o;
	char err[300] = "";
	int rc;

	cli_defaults(&o);
	rc = cli_parse(&o, argc, argv, err, sizeof(err));
	if (rc < 0 || rc > 2 || (rc == 2 && !err[0]))
		abort(); /* every refusal says why */
	if (rc == 0) {
		check_shared(&o);
		/* --monitor reads a running scheduler: no policy then. */
		if ((!o.policy && !o.monitor_s) || o.ecfg.sched.batch_max < 1 || o.ecfg.sched.nr_cpus < 1)
			abort();
	}
}

static void check_sim(int argc, char **argv)
{
	static struct cli o;
	static struct sim_args a;
	char err[300] = "";
	int rc;

	cli_defaults(&o);
	argv[0] = "sim";
	rc = sim_parse(&o, &a, argc, argv, err, sizeof(err));
	if (rc < 0 || rc > 2 || (rc == 2 && !err[0]))
		abort();
	if (rc == 0) {
		check_shared(&o);
		/* 0 CPUs or 0 s: the workload's; costs must be finite, the clock adds them. */
		/* --quiz makes its own workload. */
		if ((!a.workload && !a.quiz) || a.nr_policies < 1 || a.nr_policies > SIM_MAX_POLICIES ||
		    a.nr_expect > SIM_MAX_EXPECT || !isfinite(a.cost_batch_ns) || a.cost_batch_ns < 0 ||
		    !isfinite(a.cost_task_ns) || a.cost_task_ns < 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char buf[4096], *args[MAX_ARGS + 1], *argv[MAX_ARGS + 1];
	int argc = 1;

	args[0] = NULL; /* each parser names itself */
	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (char *p = buf; p < buf + size && argc < MAX_ARGS; p += strlen(p) + 1)
		args[argc++] = p;
	args[argc] = NULL;
	freopen("/dev/null", "w", stdout); /* -h and -V print */
	/* getopt_long() permutes argv: each parser gets its own copy. */
	memcpy(argv, args, sizeof(argv));
	argv[0] = "scx_lua";
	check_run(argc, argv);
	memcpy(argv, args, sizeof(argv));
	check_sim(argc, argv); /* sets argv[0] */
	return 0;
}
