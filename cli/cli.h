/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cli.h - parsed command line, shared by the commands (main.c parses
 * run's and check's, sim_cmd.c sim's own; opts.c the options they share).
 */
#ifndef SCX_CLI_H
#define SCX_CLI_H

#include <limits.h>
#include <stdbool.h>

#include "engine.h"
#include "synth.h"

#define CLI_MAX_OPTS 64

struct cli {
	const char *cmd;          /* "run" or "check" */
	const char *policy;       /* as found (find.c): a path */
	char found[PATH_MAX];
	const char *backend;      /* "bpf" or "synth" */
	struct engine_cfg ecfg;
	const char *opts[CLI_MAX_OPTS];
	int nr_opts;
	double stats_s;           /* --stats: seconds between lines, 0 = off */
	bool stats_json;          /* --stats-json: one JSON object instead of the lines */
	const char *stats_socket; /* --stats-socket: NULL = the default, "none" = off */
	double monitor_s;         /* --monitor: read a running scheduler's stats, 0 = run one */
	double duration_s;        /* --duration: stop after, 0 = until signalled */
	const char *record;       /* --record: the recording's file, NULL = none */
	const char *shadow;       /* --shadow: a candidate policy's file, NULL = none */
	char shadow_found[PATH_MAX];
	bool promote;             /* --promote: SIGHUP makes the shadow the live policy */
	bool promoted;            /* ... and it did: SIGHUP reloads it as the live policy */
	int restarts;             /* kernel restart requests followed so far */
	bool watch, verbose, partial, full_user;
	int exit_dump_len;
	int starve_ms;            /* --starve-ms, 0 = off */
	unsigned queue_kb;        /* --queue-kb, 0 = the BPF object's size */
	unsigned budget_us;       /* --budget-us: a record waits at most this for the scheduler */
	unsigned preempt_us;      /* --preempt-us: run this long before a deadline preempts it */
	bool preempt_sync;        /* --preempt-sync: a sync wake-up may preempt too */
	bool budget_set, preempt_set;   /* given explicitly: they win over the policy's */
	unsigned synth_tasks, synth_burst;
	unsigned long long seed;
};

#define SIM_MAX_POLICIES 16
#define SIM_MAX_EXPECT 32

/* --expect "GROUP.METRIC OP NUMBER" (or machine.METRIC): a grading check. */
struct sim_expect {
	char scope[32], metric[32], op[3];
	double value;
	const char *text;
};

/*
 * `scx_lua sim`'s own options. Those it shares with run go to struct cli,
 * where for sim 0 CPUs and 0 s mean the workload's.
 */
struct sim_args {
	const char *workload, *replay, *record, *trace, *report;  /* --replay, --record: recordings */
	char **policies;          /* into argv; sim_main() replaces names by paths */
	int nr_policies;
	double cost_batch_ns, cost_task_ns;
	bool cost_measured, json;
	struct sim_expect expect[SIM_MAX_EXPECT];
	int nr_expect;
	double steps_from_ms, steps_to_ms;   /* --steps A-B: to 0 = off */
	double win_from_ms, win_to_ms;       /* --window A-B for the report: to 0 = the first second */
	const char *explain;                 /* --explain GROUP|PID */
	bool quiz, answers;                  /* --quiz [--answers] */
};

/* run_main() returns this when the kernel asked for a restart. */
#define RUN_RESTART 75

void cli_defaults(struct cli *o);
/* 0: run o->cmd; 1: -h/-V done; 2: bad command line, @err says why. */
int cli_parse(struct cli *o, int argc, char **argv, char *err, size_t errlen);
int run_main(struct cli *o);
int check_main(struct cli *o);
/* As cli_parse(), for `sim` (argv[0] is "sim"); @o from cli_defaults(). */
int sim_parse(struct cli *o, struct sim_args *a, int argc, char **argv, char *err, size_t errlen);
int sim_main(struct cli *o, int argc, char **argv);
/*
 * find.c: the file for a policy (or, with @workload, a workload) given by
 * name or path. A path comes back as given; a name as the first match in
 * the search path, written to @out; NULL if none, @err listing where it
 * looked and what to do.
 */
const char *cli_find(const char *arg, bool workload, char *out, size_t len, char *err,
		     size_t errlen);
/* `scx_lua list`: every policy the search path finds, with its idea. */
int list_main(void);

#endif
