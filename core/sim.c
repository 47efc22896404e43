// SPDX-License-Identifier: GPL-2.0-only
/*
 * sim.c - `scx_lua sim POLICY.lua [POLICY2.lua ...] --workload FILE`.
 *
 * Each policy runs on its own engine (the same arena, store, heap and Lua
 * runtime as the live scheduler) driven by the simulated machine, on the
 * same workload and seed; one policy prints its metrics, several print them
 * side by side (compare mode).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "sim_report.h"

#define MAX_POLICIES 16

static void usage(FILE *f)
{
	fprintf(f,
"usage: scx_lua sim POLICY.lua [POLICY.lua ...] --workload FILE [options]\n"
"  --workload FILE     a workload table (policies/workloads/*.lua)\n"
"  --cpus N            CPUs (default: the workload's, else 4)\n"
"  --duration S        simulated seconds, decimals allowed (default: the workload's, else 10)\n"
"  --seed N            random seed (default 1)\n"
"  --cost B,T          scheduler cost: B ns per step plus T ns per task (default 2000,150)\n"
"  --cost measured     charge the measured wall time of each step (not deterministic)\n"
"  --full-user         no idle fast path: every wake-up goes through the policy\n"
"  --json              metrics as JSON\n"
"  --trace OUT.json    Chrome/Perfetto trace (open in ui.perfetto.dev)\n"
"  --report OUT.html   self-contained HTML report (first policy)\n"
"  --opt KEY=VALUE     passed to every policy; -s/-S/--slice-us-max as for run\n");
}

static double num(const char *opt, const char *v, double lo, double hi)
{
	char *end;
	double d = strtod(v, &end);

	if (*end || end == v || !(d >= lo && d <= hi)) {
		fprintf(stderr, "scx_lua sim: %s expects a number from %g to %g, not '%s'\n", opt, lo,
			hi, v);
		exit(2);
	}
	return d;
}

static int run_one(struct cli *o, const char *policy, const struct workload *w,
		   const struct sim_cfg *sc, struct sim_metrics *m, const char *trace,
		   const char *report)
{
	struct sim *sim = sim_new(w, sc);
	struct engine e;
	int rc = 1;

	if (!sim) {
		fprintf(stderr, "scx_lua sim: out of memory for %d tasks\n", 0);
		return 1;
	}
	o->ecfg.lock = false;
	o->ecfg.sched.nr_cpus = sc->nr_cpus;
	o->ecfg.policy.backend = "sim";
	o->ecfg.policy.opts = o->opts;
	o->ecfg.policy.nr_opts = o->nr_opts;
	if (engine_init(&e, &o->ecfg, &sim_ops, sim))
		goto out;
	if (policy_load(&e.ph, policy)) {
		fprintf(stderr, "scx_lua sim: cannot load %s:\n%s\n", policy, e.ph.err);
		goto out;
	}
	sim_run(sim, &e.sched);
	policy_exit(&e.ph, "sim");
	sim_metrics(m, sim_result(sim), w);
	m->policy = strdup(policy_name(&e.ph)[0] ? policy_name(&e.ph) : policy);
	m->seed = sc->seed;
	m->policy_errors = e.stats->nr_policy_errors;
	m->fallback_batches = e.stats->nr_fallback_batches;
	if (trace && sim_write_trace(trace, sim_result(sim), w))
		fprintf(stderr, "scx_lua sim: cannot write %s\n", trace);
	if (report && sim_write_html(report, m, sim_result(sim), w))
		fprintf(stderr, "scx_lua sim: cannot write %s\n", report);
	rc = 0;
out:
	engine_free(&e);
	sim_free(sim);
	return rc;
}

enum { O_WORKLOAD = 300, O_CPUS, O_DURATION, O_SEED, O_COST, O_FULL_USER, O_JSON, O_TRACE,
       O_REPORT, O_OPT, O_SLICE_MAX };

int sim_main(struct cli *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "workload", required_argument, 0, O_WORKLOAD },
		{ "cpus", required_argument, 0, O_CPUS },
		{ "duration", required_argument, 0, O_DURATION },
		{ "seed", required_argument, 0, O_SEED },
		{ "cost", required_argument, 0, O_COST },
		{ "full-user", no_argument, 0, O_FULL_USER },
		{ "json", no_argument, 0, O_JSON },
		{ "trace", required_argument, 0, O_TRACE },
		{ "report", required_argument, 0, O_REPORT },
		{ "opt", required_argument, 0, O_OPT },
		{ "slice-us", required_argument, 0, 's' },
		{ "slice-us-min", required_argument, 0, 'S' },
		{ "slice-us-max", required_argument, 0, O_SLICE_MAX },
		{ "help", no_argument, 0, 'h' },
		{ 0, 0, 0, 0 },
	};
	struct sim_cfg sc = { .seed = 1, .cost_batch_ns = 2000, .cost_task_ns = 150 };
	const char *wpath = NULL, *trace = NULL, *report = NULL;
	static struct sim_metrics m[MAX_POLICIES];
	struct workload w;
	char err[512];
	bool json = false;
	double cpus = 0, dur = 0;
	int c, n = 0, rc = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "s:S:h", longopts, NULL)) != -1) {
		switch (c) {
		case O_WORKLOAD: wpath = optarg; break;
		case O_CPUS: cpus = num("--cpus", optarg, 1, 64); break;
		case O_DURATION: dur = num("--duration", optarg, 0.001, 3600); break;
		case O_SEED: sc.seed = (uint64_t)num("--seed", optarg, 0, 1e15); break;
		case O_COST:
			if (!strcmp(optarg, "measured")) {
				sc.cost_measured = true;
			} else if (sscanf(optarg, "%lf,%lf", &sc.cost_batch_ns, &sc.cost_task_ns) != 2 ||
				   sc.cost_batch_ns < 0 || sc.cost_task_ns < 0) {
				fprintf(stderr, "scx_lua sim: --cost expects B,T (ns) or 'measured'\n");
				return 2;
			}
			break;
		case O_FULL_USER: sc.full_user = true; break;
		case O_JSON: json = true; break;
		case O_TRACE: trace = optarg; break;
		case O_REPORT: report = optarg; break;
		case O_OPT:
			if (!strchr(optarg, '=') || o->nr_opts == CLI_MAX_OPTS) {
				fprintf(stderr, "scx_lua sim: --opt expects KEY=VALUE\n");
				return 2;
			}
			o->opts[o->nr_opts++] = optarg;
			break;
		case 's': o->ecfg.sched.slice_ns = num("--slice-us", optarg, 10, 1e7) * 1e3; break;
		case 'S': o->ecfg.sched.slice_min_ns = num("--slice-us-min", optarg, 10, 1e7) * 1e3; break;
		case O_SLICE_MAX: o->ecfg.sched.slice_max_ns = num("--slice-us-max", optarg, 10, 1e7) * 1e3; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (!wpath || optind >= argc) {
		fprintf(stderr, "scx_lua sim: %s\n", !wpath ? "which workload? --workload "
			"policies/workloads/interactive.lua" : "which policy? e.g. policies/deadline.lua");
		usage(stderr);
		return 2;
	}
	if (argc - optind > MAX_POLICIES) {
		fprintf(stderr, "scx_lua sim: at most %d policies at once\n", MAX_POLICIES);
		return 2;
	}
	if (workload_load(&w, wpath, err, sizeof(err))) {
		fprintf(stderr, "scx_lua sim: %s\n", err);
		return 2;
	}
	sc.nr_cpus = cpus ? (int)cpus : w.cpus ? w.cpus : 4;
	sc.duration_ns = dur ? dur * 1e9 : w.duration_ns ? w.duration_ns : 10e9;
	sc.slice_ns = o->ecfg.sched.slice_ns;
	sc.record = trace || report;
	/* The simulator holds every task at once, in the worst case. */
	o->ecfg.arena_bytes = 64u << 20;
	for (int i = optind; i < argc; i++, n++) {
		if (run_one(o, argv[i], &w, &sc, &m[n], n ? NULL : trace, n ? NULL : report))
			return 1;
		rc |= m[n].policy_errors ? 1 : 0;
	}
	if (json)
		sim_print_json(stdout, m, n);
	else if (n == 1)
		sim_print_table(stdout, &m[0]);
	else
		sim_print_compare(stdout, m, n);
	return rc;
}
