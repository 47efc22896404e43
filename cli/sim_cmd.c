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
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

#define MAX_POLICIES 16
#define MAX_EXPECT 32

/* --expect "GROUP.METRIC OP NUMBER" (or machine.METRIC): a grading check. */
struct expect {
	char scope[32], metric[32], op[3];
	double value;
	const char *text;
};

/* The value of a metric by name, in the units the names say; NAN: no such. */
static double metric(const struct sim_metrics *m, const char *scope, const char *name)
{
	if (!strcmp(scope, "machine")) {
		if (!strcmp(name, "utilisation")) return m->util;
		if (!strcmp(name, "jain")) return m->jain;
		if (!strcmp(name, "throughput")) return m->throughput;
		if (!strcmp(name, "overhead")) return m->overhead;
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
		if (!strcmp(name, "wait_p50_ms")) return gm->wait_p50 / 1e6;
		if (!strcmp(name, "wait_p99_ms")) return gm->wait_p99 / 1e6;
		if (!strcmp(name, "wait_max_ms")) return gm->wait_max / 1e6;
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

static int parse_expect(struct expect *e, const char *text)
{
	char lhs[64];

	e->text = text;
	if (sscanf(text, " %63[^ <>=] %2[<>=] %lf", lhs, e->op, &e->value) != 3 ||
	    sscanf(lhs, "%31[^.].%31s", e->scope, e->metric) != 2 ||
	    (strcmp(e->op, "<") && strcmp(e->op, "<=") && strcmp(e->op, ">") && strcmp(e->op, ">="))) {
		fprintf(stderr, "scx_lua sim: --expect '%s': write GROUP.METRIC OP NUMBER, e.g. "
			"'ui.wake_p99_ms < 2' or 'machine.jain >= 0.99' (OP: < <= > >=)\n", text);
		return -1;
	}
	return 0;
}

/* Prints one PASS/FAIL line per check; returns how many failed. */
static int grade(const struct sim_metrics *m, const struct expect *e, int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		double v = metric(m, e[i].scope, e[i].metric);
		bool ok = !isnan(v) && (!strcmp(e[i].op, "<") ? v < e[i].value :
					!strcmp(e[i].op, "<=") ? v <= e[i].value :
					!strcmp(e[i].op, ">") ? v > e[i].value : v >= e[i].value);

		printf("%s  %s: %s (got %.4g)\n", ok ? "PASS" : "FAIL", m->policy, e[i].text, v);
		failed += !ok;
	}
	return failed;
}

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
"  --expect CHECK      grade the run: 'GROUP.METRIC OP NUMBER' or 'machine.METRIC OP NUMBER'\n"
"                      (share, wake_p50_ms, wake_p99_ms, wake_max_ms, wait_p50_ms, wait_p99_ms,\n"
"                      wait_max_ms, turnaround_ms, response_ms, runs, preemptions, migrations,\n"
"                      llc_migrations, done, bursts; machine: utilisation, jain, throughput, overhead);\n"
"                      prints PASS/FAIL for each, exit 1 if any fails; repeatable\n"
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
       O_REPORT, O_OPT, O_SLICE_MAX, O_EXPECT };

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
		{ "expect", required_argument, 0, O_EXPECT },
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
	static struct expect ex[MAX_EXPECT];
	int nr_ex = 0;
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
		case O_EXPECT:
			if (nr_ex == MAX_EXPECT || parse_expect(&ex[nr_ex], optarg))
				return 2;
			nr_ex++;
			break;
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
	for (int i = 0; i < nr_ex; i++) {
		struct sim_metrics probe = { .nr_groups = w.nr_groups };

		for (int g = 0; g < w.nr_groups; g++)
			probe.g[g].name = w.g[g].name;
		/* Zeroed metrics: a known name gives 0, an unknown one NAN. */
		if (isnan(metric(&probe, ex[i].scope, ex[i].metric))) {
			fprintf(stderr, "scx_lua sim: --expect '%s': no metric %s.%s in this workload\n",
				ex[i].text, ex[i].scope, ex[i].metric);
			return 2;
		}
	}
	sc.nr_cpus = cpus ? (int)cpus : w.cpus ? w.cpus : 4;
	sc.duration_ns = dur ? dur * 1e9 : w.duration_ns ? w.duration_ns : 10e9;
	sc.slice_ns = o->ecfg.sched.slice_ns;
	sc.record = trace || report;
	sc.llc_cpus = w.llc_cpus;
	for (int c = 0; c < sc.nr_cpus; c++)
		o->ecfg.cpu_llc[c] = w.llc_cpus ? c / w.llc_cpus : 0;
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
	if (nr_ex) {
		int failed = 0;

		printf("\n");
		for (int p = 0; p < n; p++)
			failed += grade(&m[p], ex, nr_ex);
		printf("%s: %d of %d checks passed\n", failed ? "FAIL" : "PASS",
		       n * nr_ex - failed, n * nr_ex);
		rc |= failed ? 1 : 0;
	}
	return rc;
}
