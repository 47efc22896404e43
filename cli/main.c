// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.c - scx_lua's command line: parse, validate, hand over to a command.
 *
 * Every option is checked here (the convention and the options shared
 * with `sim` are in opts.c), with a message that names the option and the
 * accepted range, so no command has to defend against nonsense.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>
#include <luajit.h>

#include "cli.h"
#include "live.h"
#include "load.h"
#include "opts.h"
#include "statsd.h"

#ifndef SCX_LUA_VERSION
#define SCX_LUA_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fprintf(f,
"usage: scx_lua [run] POLICY [options]         run the scheduler with a Lua policy\n"
"       scx_lua check POLICY [options]         load a policy, run it on synthetic\n"
"                                              batches, report errors and JIT aborts\n"
"       scx_lua sim POLICY... --workload W     run policies on a simulated machine\n"
"                                              (scx_lua sim --help)\n"
"       scx_lua load WORKLOAD [--json]         run a workload file as real processes and\n"
"                                              measure it as sim does (scx_lua load --help)\n"
"       scx_lua list                           the policies found by name, with their idea\n"
"       scx_lua --monitor S [--stats-socket P] print a running scheduler's stats every\n"
"                                              S seconds (--stats-json: as JSON)\n"
"POLICY is a file (my.lua, ./dir/p.lua) or a name (deadline), looked for in the\n"
"current folder, ./policies, /etc/scx_lua/policies, then BIN/../share/scx_lua/policies.\n"
"\n"
"scheduling:\n"
"  -s, --slice-us N       default time slice (20000)\n"
"  -S, --slice-us-min N   minimum slice policies should use (1000)\n"
"      --slice-us-max N   hard upper bound on any slice (100000)\n"
"  -p, --partial          only schedule tasks that opted in to SCHED_EXT\n"
"  -u, --full-user        no idle fast path and no rule in BPF: the policy decides\n"
"                         every wake-up and slice's end, but for a slice that ends\n"
"                         with nothing waiting (it goes on), per-CPU, memory and\n"
"                         RCU kernel threads and tasks preempted in an RCU read\n"
"                         section (they run first), keep_preempted, a full ring\n"
"                         or a stuck scheduler (bypassed), the starvation guard\n"
"      --exit-dump-len N  kernel debug dump length on exit\n"
"      --starve-ms N      a task waiting longer than this runs next, whatever the\n"
"                         policy said (5000; 0 = off: the kernel ejects at 30 s)\n"
"      --queue-kb N       kernel->user ring of queued tasks, KiB, a power of two\n"
"                         (1024, ~10k tasks); when full, tasks bypass the policy\n"
"      --budget-us N      latency budget: a task waits at most this long for the\n"
"                         scheduler process to decide it (4000); until then, tasks\n"
"                         already decided run first and decisions batch up\n"
"      --preempt-us N     a woken task with an earlier deadline preempts a CPU only\n"
"                         after its task ran this long (1000)\n"
"      --preempt-sync     a sync wake-up (pipe write, message) may preempt too;\n"
"                         by default it waits for a CPU to free up\n"
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
"      --stats S          print a stats line every S seconds (0.1 to 3600; SIGUSR1: now)\n"
"      --stats-json       the stats as one JSON object per interval (default: 1 s)\n"
"      --help-stats       what each name in the stats lines counts\n"
"      --stats-socket P   serve the stats on UNIX socket P (scx_stats' protocol;\n"
"                         live default " STATSD_DEFAULT_PATH ", none: off)\n"
"      --duration S       stop after S seconds (decimals allowed)\n"
"      --record FILE      write what the scheduler saw to FILE (sim --replay FILE)\n"
"      --shadow POLICY    also run POLICY on every batch, compare its order with the\n"
"                         live one's in the stats, use none of it; SIGHUP reloads it\n"
"      --promote          with --shadow: SIGHUP makes the shadow the live policy\n"
"  -v, --verbose          libbpf's debug output (verifier log), the BPF side's decisions\n"
"                         in the trace pipe (/sys/kernel/tracing/trace_pipe), more messages\n"
"  -V, --version          print versions and exit\n"
"  -h, --help             this text\n");
}

/* --help-stats: every name of the two stats lines, from their own tables. */
static void help_stats(void)
{
	printf("--stats prints two lines. The core's, [scx_lua]:\n");
	engine_describe_stats(stdout);
	printf("The BPF side's, [bpf] (the live backend only):\n");
	bpf_backend_describe_stats(stdout);
	printf("With --shadow, the shadow policy against the live one, [shadow]:\n");
	shadow_describe(stdout);
}

enum {
	O_EXIT_DUMP = OPT_OWN, O_WATCH, O_NO_SANDBOX, O_WATCHDOG, O_ARENA, O_MAX_TASKS, O_BATCH,
	O_BACKEND, O_SYNTH_TASKS, O_SYNTH_BURST, O_STATS, O_QUEUE_KB, O_STARVE, O_HELP_STATS,
	O_STATS_JSON, O_STATS_SOCKET, O_MONITOR, O_RECORD, O_SHADOW, O_PROMOTE,
};

static const struct option longopts[] = {
	OPTS_SHARED,
	{ "partial", no_argument, 0, 'p' },
	{ "exit-dump-len", required_argument, 0, O_EXIT_DUMP },
	{ "queue-kb", required_argument, 0, O_QUEUE_KB },
	{ "starve-ms", required_argument, 0, O_STARVE },
	{ "watch", no_argument, 0, O_WATCH },
	{ "no-sandbox", no_argument, 0, O_NO_SANDBOX },
	{ "watchdog-ms", required_argument, 0, O_WATCHDOG },
	{ "arena-mb", required_argument, 0, O_ARENA },
	{ "max-tasks", required_argument, 0, O_MAX_TASKS },
	{ "batch", required_argument, 0, O_BATCH },
	{ "backend", required_argument, 0, O_BACKEND },
	{ "synth-tasks", required_argument, 0, O_SYNTH_TASKS },
	{ "synth-burst", required_argument, 0, O_SYNTH_BURST },
	{ "stats", required_argument, 0, O_STATS },
	{ "verbose", no_argument, 0, 'v' },
	{ "version", no_argument, 0, 'V' },
	{ "help", no_argument, 0, 'h' },
	{ "help-stats", no_argument, 0, O_HELP_STATS },
	{ "stats-json", no_argument, 0, O_STATS_JSON },
	{ "stats-socket", required_argument, 0, O_STATS_SOCKET },
	{ "monitor", required_argument, 0, O_MONITOR },
	{ "record", required_argument, 0, O_RECORD },
	{ "shadow", required_argument, 0, O_SHADOW },
	{ "promote", no_argument, 0, O_PROMOTE },
	{ 0, 0, 0, 0 },
};

/* The options only run and check take; false: not one of them. */
static bool own_option(struct opt_err *e, struct cli *o, int c, const char *arg)
{
	switch (c) {
	case 'p': o->partial = true; break;
	case O_EXIT_DUMP: o->exit_dump_len = (int)opt_whole(e, "--exit-dump-len", arg, 0, 1 << 24); break;
	case O_STARVE: o->starve_ms = (int)opt_whole(e, "--starve-ms", arg, 0, 25000); break;
	case O_QUEUE_KB:
		o->queue_kb = (unsigned)opt_whole(e, "--queue-kb", arg, 4, 1 << 20);
		if (!e->failed && (o->queue_kb & (o->queue_kb - 1)))
			opt_fail(e, "--queue-kb must be a power of two (4, 8, ... 1048576), not '%s'", arg);
		break;
	case O_WATCH: o->watch = true; break;
	case O_NO_SANDBOX: o->ecfg.policy.sandbox = false; break;
	case O_WATCHDOG: o->ecfg.policy.watchdog_ms = (int)opt_whole(e, "--watchdog-ms", arg, 20, 450); break;
	case O_ARENA: o->ecfg.arena_bytes = (size_t)opt_whole(e, "--arena-mb", arg, 16, 65536) << 20; break;
	case O_MAX_TASKS: o->ecfg.sched.max_tasks = (uint32_t)opt_whole(e, "--max-tasks", arg, 16, 1 << 22); break;
	case O_BATCH: o->ecfg.sched.batch_max = (uint32_t)opt_whole(e, "--batch", arg, 1, 65536); break;
	case O_BACKEND:
		if (strcmp(arg, "bpf") && strcmp(arg, "synth"))
			opt_fail(e, "--backend is bpf or synth, not '%s'", arg);
		else
			o->backend = arg;
		break;
	case O_SYNTH_TASKS: o->synth_tasks = (unsigned)opt_whole(e, "--synth-tasks", arg, 1, 1 << 20); break;
	case O_SYNTH_BURST: o->synth_burst = (unsigned)opt_whole(e, "--synth-burst", arg, 1, 1 << 20); break;
	case O_STATS: o->stats_s = opt_number(e, "--stats", arg, 0.1, 3600); break;
	case O_STATS_JSON: o->stats_json = true; break;
	case O_STATS_SOCKET:
		if (!arg[0] || strlen(arg) > 107)
			opt_fail(e, "--stats-socket expects a path of 1 to 107 characters (or none)");
		o->stats_socket = arg;
		break;
	case O_MONITOR: o->monitor_s = opt_number(e, "--monitor", arg, 0.1, 3600); break;
	case O_RECORD:
		if (!arg[0])
			opt_fail(e, "--record expects a file name");
		o->record = arg;
		o->ecfg.record = true;
		break;
	case O_SHADOW:
		o->shadow = arg;
		o->ecfg.shadow = true;
		break;
	case O_PROMOTE: o->promote = true; break;
	case 'v': o->verbose = true; break;
	default: return false;
	}
	return true;
}

/*
 * Fill @o from the command line. Returns 0; 1 when the user asked for -h or
 * -V (printed, nothing to run); 2 with @err set on a bad option. Never
 * exits, so it can be tested and fuzzed in-process.
 */
int cli_parse(struct cli *o, int argc, char **argv, char *err, size_t errlen)
{
	struct opt_err e = { .failed = false };
	int c;

	optind = 0; /* GNU getopt: re-initialise, parse() may run more than once */
	opterr = 0;
	while (!e.failed && (c = getopt_long(argc, argv, OPTS_SHARED_SHORT "pvVh", longopts, NULL)) != -1) {
		if (opt_shared(&e, o, c, optarg) || own_option(&e, o, c, optarg))
			continue;
		switch (c) {
		case 'V':
			printf("scx_lua %s (ABI %d), %s, libbpf %s\n", SCX_LUA_VERSION, SCX_ABI_VERSION,
			       LUAJIT_VERSION, libbpf_version_string());
			return 1;
		case 'h': usage(stdout); return 1;
		case O_HELP_STATS: help_stats(); return 1;
		default: opt_unknown(&e, argc, argv, "scx_lua");
		}
	}
	if (!e.failed && o->monitor_s && optind != argc)
		opt_fail(&e, "--monitor reads a running scheduler: no policy file with it");
	else if (!e.failed && o->monitor_s && (o->record || o->shadow))
		opt_fail(&e, "--monitor runs no scheduler: --record and --shadow need one");
	else if (!e.failed && o->promote && !o->shadow)
		opt_fail(&e, "--promote promotes a shadow: give --shadow POLICY too");
	else if (!e.failed && o->shadow && o->watch)
		opt_fail(&e, "--watch reloads the live policy into the Lua state the shadow uses: "
			 "with --shadow, edit the shadow and send SIGHUP");
	else if (!e.failed && !o->monitor_s && optind != argc - 1)
		opt_fail(&e, "%s", optind >= argc ? "which policy? e.g. scx_lua policies/deadline.lua"
					      : "one policy file at a time");
	if (!e.failed)
		opt_check_shared(&e, o);
	if (e.failed) {
		snprintf(err, errlen, "%s", e.msg);
		return 2;
	}
	if (o->stats_json && !o->stats_s && !o->monitor_s)
		o->stats_s = 1;
	o->policy = o->monitor_s ? NULL : argv[optind];
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
	o->budget_us = 4000;
	o->preempt_us = 1000;
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
	if (argc > 1 && !strcmp(argv[1], "load"))
		return load_main(argc - 1, argv + 1);
	if (argc == 2 && !strcmp(argv[1], "list"))
		return list_main();
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
	if (o.monitor_s)
		return statsd_monitor(o.stats_socket ? o.stats_socket : STATSD_DEFAULT_PATH,
				      o.monitor_s, o.stats_json, 0);
	o.policy = cli_find(o.policy, false, o.found, sizeof(o.found), err, sizeof(err));
	if (!o.policy) {
		fprintf(stderr, "scx_lua: %s\n", err);
		return 2;
	}
	if (o.shadow && !strcmp(o.cmd, "check")) {
		fprintf(stderr, "scx_lua: check looks at one policy: run it on the shadow's file "
			"(scx_lua check %s)\n", o.shadow);
		return 2;
	}
	if (o.shadow) {
		o.shadow = cli_find(o.shadow, false, o.shadow_found, sizeof(o.shadow_found), err,
				    sizeof(err));
		if (!o.shadow) {
			fprintf(stderr, "scx_lua: --shadow: %s\n", err);
			return 2;
		}
	}
	o.ecfg.lock = !strcmp(o.backend, "bpf");
	if (!strcmp(o.cmd, "check"))
		return check_main(&o);
	for (;;) {
		rc = run_main(&o);
		if (rc != RUN_RESTART)
			return rc;
		/* The next session runs what this one ended with: a promoted
		 * shadow is the policy, not a shadow of itself. */
		o.restarts++;
		if (o.promoted)
			o.shadow = NULL;
		o.promoted = false;
	}
}
#endif
