// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - scx_lua's command line: parse, validate, hand over to a command.
 *
 * Every option is checked here, with a message that names the option and
 * the accepted range, so no command has to defend against nonsense.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <luajit.h>

#include "cli.h"

#ifndef SCX_LUA_VERSION
#define SCX_LUA_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fprintf(f,
"usage: scx_lua [run] POLICY.lua [options]     run the scheduler with a Lua policy\n"
"       scx_lua check POLICY.lua [options]     load a policy, run it on synthetic\n"
"                                              batches, report errors and JIT aborts\n"
"       scx_lua sim POLICY.lua... --workload F  run policies on a simulated machine\n"
"                                              (scx_lua sim --help)\n"
"\n"
"scheduling:\n"
"  -s, --slice-us N       default time slice (20000)\n"
"  -S, --slice-us-min N   minimum slice policies should use (1000)\n"
"      --slice-us-max N   hard upper bound on any slice (100000)\n"
"  -p, --partial          only schedule tasks that opted in to SCHED_EXT\n"
"  -u, --full-user        no idle fast path: every decision goes through the policy\n"
"      --exit-dump-len N  kernel debug dump length on exit\n"
"      --starve-ms N      a task waiting longer than this runs next, whatever the\n"
"                         policy said (5000; 0 = off: the kernel ejects at 30 s)\n"
"      --queue-kb N       kernel->user ring of queued tasks, KiB, a power of two\n"
"                         (1024, ~10k tasks); when full, tasks bypass the policy\n"
"policy:\n"
"      --opt KEY=VALUE    pass an option to the policy (sys.opts.KEY); repeatable\n"
"      --watch            reload the policy when its file changes (also on SIGHUP)\n"
"      --no-sandbox       give the policy the full Lua library (io, os, ffi)\n"
"      --watchdog-ms N    CPU time a policy call may use before it is stopped (250)\n"
"engine:\n"
"      --arena-mb N       preallocated, locked memory (256)\n"
"      --max-tasks N      tasks the core can hold at once (8192)\n"
"      --batch N          tasks per policy call at most (512)\n"
"      --cpus N           CPUs (default: online CPUs)\n"
"      --backend NAME     bpf (the kernel) or synth (synthetic tasks, no kernel)\n"
"      --synth-tasks N    synth: live tasks (256); --synth-burst N: per round (64)\n"
"      --seed N           synth: random seed\n"
"output:\n"
"      --stats S          print a stats line every S seconds\n"
"      --duration S       stop after S seconds\n"
"  -v, --verbose          libbpf's debug output (verifier log) and more messages\n"
"  -V, --version          print versions and exit\n"
"  -h, --help             this text\n");
}

/* Parse errors are collected here; parse() stops at the first one. */
struct perr {
	char msg[256];
	bool failed;
};

static long num(struct perr *e, const char *opt, const char *v, long lo, long hi)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || *end || end == v || n < lo || n > hi) {
		if (!e->failed)
			snprintf(e->msg, sizeof(e->msg), "%s expects a whole number from %ld to %ld, "
				 "not '%s'", opt, lo, hi, v);
		e->failed = true;
		return lo;
	}
	return n;
}

static void bad(struct perr *e, const char *fmt, const char *arg)
{
	if (!e->failed)
		snprintf(e->msg, sizeof(e->msg), fmt, arg);
	e->failed = true;
}

enum {
	O_SLICE_MAX = 256, O_EXIT_DUMP, O_OPT, O_WATCH, O_NO_SANDBOX, O_WATCHDOG, O_ARENA,
	O_MAX_TASKS, O_BATCH, O_CPUS, O_BACKEND, O_SYNTH_TASKS, O_SYNTH_BURST, O_SEED, O_STATS,
	O_DURATION, O_QUEUE_KB, O_STARVE,
};

static const struct option longopts[] = {
	{ "slice-us", required_argument, 0, 's' },
	{ "slice-us-min", required_argument, 0, 'S' },
	{ "slice-us-max", required_argument, 0, O_SLICE_MAX },
	{ "partial", no_argument, 0, 'p' },
	{ "full-user", no_argument, 0, 'u' },
	{ "exit-dump-len", required_argument, 0, O_EXIT_DUMP },
	{ "queue-kb", required_argument, 0, O_QUEUE_KB },
	{ "starve-ms", required_argument, 0, O_STARVE },
	{ "opt", required_argument, 0, O_OPT },
	{ "watch", no_argument, 0, O_WATCH },
	{ "no-sandbox", no_argument, 0, O_NO_SANDBOX },
	{ "watchdog-ms", required_argument, 0, O_WATCHDOG },
	{ "arena-mb", required_argument, 0, O_ARENA },
	{ "max-tasks", required_argument, 0, O_MAX_TASKS },
	{ "batch", required_argument, 0, O_BATCH },
	{ "cpus", required_argument, 0, O_CPUS },
	{ "backend", required_argument, 0, O_BACKEND },
	{ "synth-tasks", required_argument, 0, O_SYNTH_TASKS },
	{ "synth-burst", required_argument, 0, O_SYNTH_BURST },
	{ "seed", required_argument, 0, O_SEED },
	{ "stats", required_argument, 0, O_STATS },
	{ "duration", required_argument, 0, O_DURATION },
	{ "verbose", no_argument, 0, 'v' },
	{ "version", no_argument, 0, 'V' },
	{ "help", no_argument, 0, 'h' },
	{ 0, 0, 0, 0 },
};

/*
 * Fill @o from the command line. Returns 0; 1 when the user asked for -h or
 * -V (printed, nothing to run); 2 with @err set on a bad option. Never
 * exits, so it can be tested and fuzzed in-process.
 */
int cli_parse(struct cli *o, int argc, char **argv, char *err, size_t errlen)
{
	struct perr e = { .failed = false };
	int c;

	optind = 0; /* GNU getopt: re-initialise, parse() may run more than once */
	opterr = 0;
	while (!e.failed && (c = getopt_long(argc, argv, "s:S:puvVh", longopts, NULL)) != -1) {
		switch (c) {
		case 's': o->ecfg.sched.slice_ns = num(&e, "--slice-us", optarg, 10, 10000000) * 1e3; break;
		case 'S': o->ecfg.sched.slice_min_ns = num(&e, "--slice-us-min", optarg, 10, 10000000) * 1e3; break;
		case O_SLICE_MAX: o->ecfg.sched.slice_max_ns = num(&e, "--slice-us-max", optarg, 10, 10000000) * 1e3; break;
		case 'p': o->partial = true; break;
		case 'u': o->full_user = true; break;
		case O_EXIT_DUMP: o->exit_dump_len = (int)num(&e, "--exit-dump-len", optarg, 0, 1 << 24); break;
		case O_STARVE: o->starve_ms = (int)num(&e, "--starve-ms", optarg, 0, 25000); break;
		case O_QUEUE_KB:
			o->queue_kb = (unsigned)num(&e, "--queue-kb", optarg, 4, 1 << 20);
			if (!e.failed && (o->queue_kb & (o->queue_kb - 1)))
				bad(&e, "--queue-kb must be a power of two (4, 8, ... 1048576), not '%s'", optarg);
			break;
		case O_OPT:
			if (!strchr(optarg, '=') || optarg[0] == '=')
				bad(&e, "--opt expects KEY=VALUE, not '%s'", optarg);
			else if (o->nr_opts == CLI_MAX_OPTS)
				bad(&e, "at most 64 --opt%s", "");
			else
				o->opts[o->nr_opts++] = optarg;
			break;
		case O_WATCH: o->watch = true; break;
		case O_NO_SANDBOX: o->ecfg.policy.sandbox = false; break;
		case O_WATCHDOG: o->ecfg.policy.watchdog_ms = (int)num(&e, "--watchdog-ms", optarg, 20, 450); break;
		case O_ARENA: o->ecfg.arena_bytes = (size_t)num(&e, "--arena-mb", optarg, 16, 65536) << 20; break;
		case O_MAX_TASKS: o->ecfg.sched.max_tasks = (uint32_t)num(&e, "--max-tasks", optarg, 16, 1 << 22); break;
		case O_BATCH: o->ecfg.sched.batch_max = (uint32_t)num(&e, "--batch", optarg, 1, 65536); break;
		case O_CPUS: o->ecfg.sched.nr_cpus = (int)num(&e, "--cpus", optarg, 1, 1024); break;
		case O_BACKEND:
			if (strcmp(optarg, "bpf") && strcmp(optarg, "synth"))
				bad(&e, "--backend is bpf or synth, not '%s'", optarg);
			else
				o->backend = optarg;
			break;
		case O_SYNTH_TASKS: o->synth_tasks = (unsigned)num(&e, "--synth-tasks", optarg, 1, 1 << 20); break;
		case O_SYNTH_BURST: o->synth_burst = (unsigned)num(&e, "--synth-burst", optarg, 1, 1 << 20); break;
		case O_SEED: o->seed = (unsigned long long)num(&e, "--seed", optarg, 0, 0x7fffffffffffffffL); break;
		case O_STATS: o->stats_s = (int)num(&e, "--stats", optarg, 1, 3600); break;
		case O_DURATION: o->duration_s = (double)num(&e, "--duration", optarg, 1, 1 << 30); break;
		case 'v': o->verbose = true; break;
		case 'V':
			printf("scx_lua %s (ABI %d), %s, libbpf %s\n", SCX_LUA_VERSION, SCX_ABI_VERSION,
			       LUAJIT_VERSION, libbpf_version_string());
			return 1;
		case 'h': usage(stdout); return 1;
		default:
			bad(&e, "unknown option or missing value: %s (scx_lua -h lists them)",
			    optind > 0 && optind <= argc ? argv[optind - 1] : "?");
		}
	}
	if (!e.failed && optind != argc - 1)
		bad(&e, "%s", optind >= argc ? "which policy? e.g. scx_lua policies/deadline.lua"
					   : "one policy file at a time");
	if (!e.failed && (o->ecfg.sched.slice_min_ns > o->ecfg.sched.slice_ns ||
			  o->ecfg.sched.slice_ns > o->ecfg.sched.slice_max_ns))
		bad(&e, "%s", "slices must satisfy --slice-us-min <= --slice-us <= --slice-us-max");
	if (e.failed) {
		snprintf(err, errlen, "%s", e.msg);
		return 2;
	}
	o->policy = argv[optind];
	return 0;
}

void cli_defaults(struct cli *o)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(o, 0, sizeof(*o));
	engine_cfg_default(&o->ecfg);
	o->ecfg.sched.nr_cpus = ncpu > 0 ? (int)ncpu : 1;
	o->backend = "bpf";
	o->synth_tasks = 256;
	o->synth_burst = 64;
	o->starve_ms = 5000;
	o->cmd = "run";
}

#ifndef SCX_NO_MAIN
int main(int argc, char **argv)
{
	static struct cli o; /* large (the LLC map): not on the stack */
	char err[300];
	int rc;

	cli_defaults(&o);
	if (argc > 1 && !strcmp(argv[1], "sim"))
		return sim_main(&o, argc - 1, argv + 1);
	if (argc > 1 && (!strcmp(argv[1], "run") || !strcmp(argv[1], "check"))) {
		o.cmd = argv[1];
		argv++;
		argc--;
	}
	rc = cli_parse(&o, argc, argv, err, sizeof(err));
	if (rc == 1)
		return 0;
	if (rc) {
		fprintf(stderr, "scx_lua: %s\n", err);
		if (strstr(err, "which policy") || strstr(err, "unknown option"))
			usage(stderr);
		return 2;
	}
	o.ecfg.lock = !strcmp(o.backend, "bpf");
	if (!strcmp(o.cmd, "check"))
		return check_main(&o);
	for (;;) {
		rc = run_main(&o);
		if (rc != RUN_RESTART)
			return rc;
	}
}
#endif
