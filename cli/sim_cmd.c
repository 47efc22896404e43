// SPDX-License-Identifier: GPL-2.0-only
/*
 * sim_cmd.c - `scx_lua sim POLICY.lua [POLICY2.lua ...] --workload FILE`
 * (or --replay RECORDING: a run's recording as the workload, sim/replay.c;
 * --record FILE records the first policy's run as `run --record` does).
 *
 * Each policy runs on its own engine (the same arena, store, heap and Lua
 * runtime as the live scheduler) driven by the simulated machine, on the
 * same workload and seed; one policy prints its metrics, several print them
 * side by side (compare mode). The command reads as its steps: parse (never
 * exits: the convention of opts.h), load the workload, configure the
 * machine, run each policy, print and grade. A bad command line or
 * workload exits 2.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "expect.h"
#include "opts.h"
#include "quiz.h"
#include "replay.h"
#include "report.h"

static void usage(FILE *f)
{
	fprintf(f,
"usage: scx_lua sim POLICY [POLICY ...] --workload W | --replay FILE [options]\n"
"  POLICY, W           a file, or a name looked for as scx_lua run does (a\n"
"                      workload in the same folders' workloads/: interactive)\n"
"  --workload W        a workload table (policies/workloads/*.lua)\n"
"  --replay FILE       a recording (run --record FILE) as the workload: each task's own\n"
"                      bursts and sleeps, wake-up chains where they show; CPUs and\n"
"                      duration from the recording\n"
"  --record FILE       record the first policy's run as run --record does (to replay)\n"
"  --cpus N            CPUs, 1 to 1024 (default: the workload's, else 4)\n"
"  --duration S        simulated seconds, decimals allowed (default: the workload's, else 10)\n"
"  --seed N            random seed (default 1)\n"
"  --cost B,T          scheduler cost: B ns per step plus T ns per task (default 2000,150)\n"
"  --cost measured     charge the measured wall time of each step (not deterministic)\n"
"  --budget-us N       the live path's latency budget, as for run (4000)\n"
"  --preempt-us N      the live path's preemption guard, as for run (1000)\n"
"  --preempt-sync      a sync wake-up (pipe, message) may preempt too, as for run\n"
"  -u, --full-user     no idle fast path: every wake-up goes through the policy\n"
"  --json              metrics as JSON\n"
"  --trace OUT.json    Chrome/Perfetto trace (open in ui.perfetto.dev)\n"
"  --report OUT.html   self-contained HTML report, a section per policy\n"
"  --window A-B        the report's charts from A to B ms (default: the first second)\n"
"  --expect CHECK      grade the run: 'GROUP.METRIC OP NUMBER' or 'machine.METRIC OP NUMBER'\n"
"                      (share, wake_p50_ms, wake_p99_ms, wake_max_ms, wake_mean_ms, wait_p50_ms,\n"
"                      wait_p99_ms, wait_max_ms, starve_ms, turnaround_ms, response_ms, runs,\n"
"                      preemptions, migrations, llc_migrations, done, bursts; machine:\n"
"                      utilisation, jain, throughput, overhead, policy_errors,\n"
"                      fallback_batches);\n"
"                      prints PASS/FAIL for each, exit 1 if any fails; repeatable\n"
"  --opt KEY=VALUE     passed to every policy; -s/-S/--slice-us-max as for run\n"
"  --steps A-B         every wake-up, decision and run from A to B ms, as text\n"
"                      (the first policy)\n"
"  --explain WHAT      why a task waited: WHAT is a group (its longest wait) or a\n"
"                      pid; what the policy saw and set, who held each CPU meanwhile\n"
"  --quiz [--answers]  three jobs on one CPU made from --seed: work out the timeline,\n"
"                      response and turnaround; --answers shows them (no --workload)\n");
}

/* --explain: which task, and the wait the first run found for it. */
struct explain_at {
	const char *what;       /* a group's name or a pid; NULL: no --explain */
	int id;                 /* the task; -1 until found */
	double from, to;        /* its worst wait, ns */
	bool quiz;              /* not --explain: print the quiz's answers */
};

/* The task @x names, from the first run's result: a pid, or the group's
 * task that waited longest. */
static void explain_find(struct explain_at *x, const struct sim_result *r,
			 const struct workload *w)
{
	char *end;
	long pid = strtol(x->what, &end, 10);

	x->id = -1;
	for (int i = 0; i < r->nr_tasks; i++) {
		const struct sim_task_stats *t = &r->task[i];

		if (*end ? strcmp(w->g[t->group].name, x->what) : t->pid != pid)
			continue;
		if (x->id < 0 || t->worst_wait > r->task[x->id].worst_wait)
			x->id = i;
	}
	if (x->id >= 0) {
		x->to = r->task[x->id].worst_wait_end;
		x->from = x->to - r->task[x->id].worst_wait;
	}
}

/* --window, for the report's charts: one per command. */
static double report_window[2];

/* The policy's file name without folder and ".lua", for a recording's header. */
static const char *stem(const char *path, char *out, size_t len)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	snprintf(out, len, "%.*s", (int)strcspn(b, "."), b);
	return out;
}

/* --record: the core writes what it drains; the machine flushes it. */
static int record_open(struct engine *e, const char *path, const char *policy,
		       struct sim *sim)
{
	char err[512], name[32];

	if (engine_record(e, path, "sim", stem(policy, name, sizeof(name)), err, sizeof(err))) {
		fprintf(stderr, "scx_lua sim: %s\n", err);
		return 1;
	}
	sim_set_recorder(sim, &e->rec);
	return 0;
}

static int record_close(struct engine *e, const char *path)
{
	uint64_t n = e->rec.nr_events, lost = e->rec.nr_dropped;
	int err = engine_record_close(e);

	if (err)
		fprintf(stderr, "scx_lua sim: --record: writing %s failed (%s): free some space or "
			"record elsewhere\n", path, strerror(-err));
	else
		fprintf(stderr, "scx_lua sim: recorded %llu events to %s (%llu lost)\n",
			(unsigned long long)n, path, (unsigned long long)lost);
	return err ? 1 : 0;
}

static int run_one(struct cli *o, const char *policy, const struct workload *w,
		   const struct sim_cfg *sc, struct sim_metrics *m, const char *trace,
		   FILE *report, struct explain_at *x, const char *record)
{
	struct sim *sim = sim_new(w, sc);
	struct engine e;
	int rc = 1;

	if (!sim) {
		fprintf(stderr, "scx_lua sim: out of memory for the simulated machine (%d CPUs)\n",
			sc->nr_cpus);
		return 1;
	}
	o->ecfg.lock = false;
	o->ecfg.sched.nr_cpus = sc->nr_cpus;
	o->ecfg.policy.backend = "sim";
	o->ecfg.policy.opts = o->opts;
	o->ecfg.policy.nr_opts = o->nr_opts;
	o->ecfg.record = record != NULL;
	memset(&e, 0, sizeof(e));  /* engine_free() takes a half-built engine */
	if (engine_init(&e, &o->ecfg, &sim_ops, sim))
		goto out;
	if (record && record_open(&e, record, policy, sim))
		goto out;
	if (policy_load(&e.ph, policy)) {
		fprintf(stderr, "scx_lua sim: cannot load %s:\n%s\n", policy, e.ph.err);
		goto out;
	}
	sched_policy_changed(&e.sched);   /* its rules and settings, as run does */
	sim_run(sim, &e.sched);
	policy_exit(&e.ph, "sim");
	if (record && record_close(&e, record))
		goto out;
	if (x && x->quiz) {
		quiz_answer(stdout, sim_result(sim), w);
	} else if (x && x->id < 0) {
		explain_find(x, sim_result(sim), w);
	} else if (x) {
		const struct sim_task_stats *t = &sim_result(sim)->task[x->id];

		/* A policy reading the wall clock (os.time) can make the second
		 * run differ from the first: then the story is another wait's. */
		if (t->worst_wait_end != x->to || t->worst_wait != x->to - x->from)
			printf("\nwarning: this run did not repeat the first (the policy reads the "
			       "wall clock, or the watchdog fired?): what follows may be another "
			       "wait than the one measured\n");
		sim_explain(stdout, sim, x->from, x->to);
	}
	sim_metrics(m, sim_result(sim), w);
	m->policy = strdup(policy_name(&e.ph)[0] ? policy_name(&e.ph) : policy);
	m->seed = sc->seed;
	m->policy_errors = e.stats->nr_policy_errors;
	m->win_from_ms = report_window[0];
	m->win_to_ms = report_window[1];
	m->fallback_batches = e.stats->nr_fallback_batches;
	if (trace && sim_write_trace(trace, sim_result(sim), w))
		fprintf(stderr, "scx_lua sim: cannot write %s\n", trace);
	if (report)
		sim_html_policy(report, m, sim_result(sim), w);
	rc = 0;
out:
	engine_free(&e);
	sim_free(sim);
	return rc;
}

enum { O_WORKLOAD = OPT_OWN, O_REPLAY, O_RECORD, O_COST, O_JSON, O_TRACE, O_REPORT, O_EXPECT, O_STEPS, O_EXPLAIN,
       O_QUIZ, O_ANSWERS, O_WINDOW };

static const struct option longopts[] = {
	OPTS_SHARED,
	{ "workload", required_argument, 0, O_WORKLOAD },
	{ "replay", required_argument, 0, O_REPLAY },
	{ "record", required_argument, 0, O_RECORD },
	{ "cost", required_argument, 0, O_COST },
	{ "json", no_argument, 0, O_JSON },
	{ "trace", required_argument, 0, O_TRACE },
	{ "report", required_argument, 0, O_REPORT },
	{ "expect", required_argument, 0, O_EXPECT },
	{ "steps", required_argument, 0, O_STEPS },
	{ "explain", required_argument, 0, O_EXPLAIN },
	{ "quiz", no_argument, 0, O_QUIZ },
	{ "answers", no_argument, 0, O_ANSWERS },
	{ "window", required_argument, 0, O_WINDOW },
	{ "help", no_argument, 0, 'h' },
	{ 0, 0, 0, 0 },
};

/* --cost B,T: finite, since the machine's clock advances by it every step. */
static void parse_cost(struct opt_err *e, struct sim_args *a, const char *arg)
{
	char tail;

	if (!strcmp(arg, "measured"))
		a->cost_measured = true;
	else if (sscanf(arg, "%lf,%lf%c", &a->cost_batch_ns, &a->cost_task_ns, &tail) != 2 ||
		 !(isfinite(a->cost_batch_ns) && a->cost_batch_ns >= 0) ||
		 !(isfinite(a->cost_task_ns) && a->cost_task_ns >= 0))
		opt_fail(e, "--cost expects B,T (ns, each >= 0) or 'measured', not '%s'", arg);
}

/* A window in ms: FROM-TO, or FROM-TOms; FROM < TO. */
static void parse_window(struct opt_err *e, const char *opt, const char *arg, double *from,
			 double *to)
{
	char tail[8] = "";

	if (sscanf(arg, "%lf-%lf%7s", from, to, tail) < 2 || (tail[0] && strcmp(tail, "ms")) ||
	    !(*from >= 0) || !(*to > *from) || !isfinite(*to))
		opt_fail(e, "%s expects a window in ms, FROM-TO (0-50 or 0-50ms), FROM < TO, "
			 "not '%s'", opt, arg);
}

/* The options only sim takes; false: not one of them. */
static bool own_option(struct opt_err *e, struct sim_args *a, int c, const char *arg)
{
	switch (c) {
	case O_WORKLOAD: a->workload = arg; break;
	case O_REPLAY: a->replay = arg; break;
	case O_RECORD: a->record = arg; break;
	case O_COST: parse_cost(e, a, arg); break;
	case O_JSON: a->json = true; break;
	case O_TRACE: a->trace = arg; break;
	case O_REPORT: a->report = arg; break;
	case O_EXPECT: expect_add(e, a->expect, &a->nr_expect, arg); break;
	case O_STEPS: parse_window(e, "--steps", arg, &a->steps_from_ms, &a->steps_to_ms); break;
	case O_WINDOW: parse_window(e, "--window", arg, &a->win_from_ms, &a->win_to_ms); break;
	case O_EXPLAIN: a->explain = arg; break;
	case O_QUIZ: a->quiz = true; break;
	case O_ANSWERS: a->answers = true; break;
	default: return false;
	}
	return true;
}

int sim_parse(struct cli *o, struct sim_args *a, int argc, char **argv, char *err, size_t errlen)
{
	struct opt_err e = { .failed = false };
	int c;

	memset(a, 0, sizeof(*a));
	a->cost_batch_ns = 2000;
	a->cost_task_ns = 150;
	/* Shared options, sim's defaults: the workload's CPUs and duration, seed 1. */
	o->ecfg.sched.nr_cpus = 0;
	o->duration_s = 0;
	o->seed = 1;
	optind = 0; /* GNU getopt: re-initialise, as cli_parse() */
	opterr = 0;
	while (!e.failed && (c = getopt_long(argc, argv, OPTS_SHARED_SHORT "h", longopts, NULL)) != -1) {
		if (opt_shared(&e, o, c, optarg) || own_option(&e, a, c, optarg))
			continue;
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		opt_unknown(&e, argc, argv, "scx_lua sim");
	}
	if (!e.failed && a->answers && !a->quiz)
		opt_fail(&e, "--answers goes with --quiz");
	if (!e.failed && a->workload && a->replay)
		opt_fail(&e, "--workload and --replay both name the workload: give one (--replay "
			 "FILE replays a recording, --workload W runs a workload table)");
	if (!e.failed && a->quiz && (a->workload || a->replay || argc - optind != 1 || a->json || a->explain ||
				     a->steps_to_ms > 0 || a->nr_expect || a->trace || a->report))
		opt_fail(&e, "--quiz makes its own workload for one policy: scx_lua sim POLICY "
			 "--quiz [--seed N] [--answers]");
	if (!e.failed && !a->quiz && (!(a->workload || a->replay) || optind >= argc))
		opt_fail(&e, "%s", !(a->workload || a->replay) ? "which workload? --workload "
			 "policies/workloads/interactive.lua, or --replay FILE (a run's --record)"
			 : "which policy? e.g. policies/deadline.lua");
	if (!e.failed && (a->steps_to_ms > 0 || a->explain) && (a->json || a->cost_measured))
		opt_fail(&e, "--steps and --explain print text from a repeatable run: not with "
			 "--json or --cost measured");
	if (!e.failed && argc - optind > SIM_MAX_POLICIES)
		opt_fail(&e, "at most %d policies at once", SIM_MAX_POLICIES);
	if (!e.failed)
		opt_check_shared(&e, o);
	if (e.failed) {
		snprintf(err, errlen, "%s", e.msg);
		return 2;
	}
	if (a->record)
		o->record = a->record;  /* run_one() records the first policy's run */
	a->policies = argv + optind;
	a->nr_policies = argc - optind;
	return 0;
}

/* Names to files (find.c): the workload, then each policy. */
static int find_files(struct sim_args *a, char *err, size_t errlen)
{
	static char found[SIM_MAX_POLICIES + 1][PATH_MAX];

	bool own = a->quiz || a->replay;  /* not a workload file to look for */

	if (!own)
		a->workload = cli_find(a->workload, true, found[0], PATH_MAX, err, errlen);
	for (int n = 0; (a->workload || own) && n < a->nr_policies; n++)
		if (!(a->policies[n] = (char *)cli_find(a->policies[n], false, found[n + 1],
							 PATH_MAX, err, errlen)))
			return 2;
	return a->workload || own ? 0 : 2;
}

/* Load the workload (a replay says what it made of the recording); every
 * --expect must name one of its metrics. */
static int load_workload(const struct sim_args *a, struct workload *w, char *err, size_t errlen)
{
	char note[2048];

	if (a->replay) {
		if (replay_load(w, a->replay, note, sizeof(note), err, errlen))
			return 2;
		/* JSON on stdout stays JSON */
		fprintf(a->json ? stderr : stdout, "%s\n%s", note, a->json ? "" : "\n");
	} else if (workload_load(w, a->workload, err, errlen)) {
		return 2;
	}
	if (expect_names(a->expect, a->nr_expect, w, err, errlen))
		return 2;
	return 0;
}

/* The group that pins its tasks to CPUs, or NULL. */
static const char *pinned_group(const struct workload *w)
{
	for (int g = 0; g < w->nr_groups; g++)
		if (w->g[g].affinity)
			return w->g[g].name;
	return NULL;
}

/* The machine: the command line's values, else the workload's, else defaults. */
static int machine_cfg(struct cli *o, const struct sim_args *a, const struct workload *w,
		       struct sim_cfg *sc, char *err, size_t errlen)
{
	*sc = (struct sim_cfg){
		.nr_cpus = o->ecfg.sched.nr_cpus ? o->ecfg.sched.nr_cpus : w->cpus ? w->cpus : 4,
		.duration_ns = o->duration_s ? o->duration_s * 1e9 : w->duration_ns ? w->duration_ns : 10e9,
		.seed = o->seed,
		.cost_batch_ns = a->cost_batch_ns,
		.cost_task_ns = a->cost_task_ns,
		.cost_measured = a->cost_measured,
		.full_user = o->full_user,
		.slice_ns = o->ecfg.sched.slice_ns,
		.record = a->trace || a->report,
		.llc_cpus = w->llc_cpus,
		.tune = { .preempt_min_ns = (rule_ns)o->preempt_us * 1000,
			  .budget_ns = (rule_ns)o->budget_us * 1000,
			  .preempt_sync = o->preempt_sync },
		.budget_fixed = o->budget_set,
		.preempt_fixed = o->preempt_set,
		.explain_task = -1,
	};
	/* The machine keeps a task's allowed CPUs in a 64-bit mask. */
	if (sc->nr_cpus > 64 && pinned_group(w)) {
		snprintf(err, errlen, "--cpus %d: group %s sets an affinity, and the simulator's "
			 "affinity masks hold 64 CPUs; use --cpus 64 or fewer", sc->nr_cpus,
			 pinned_group(w));
		return 2;
	}
	/* The simulated machine has LLCs, but one node and no SMT. */
	for (int c = 0; c < sc->nr_cpus; c++) {
		o->ecfg.cpu_llc[c] = w->llc_cpus ? c / w->llc_cpus : 0;
		o->ecfg.cpu_node[c] = 0;
		o->ecfg.cpu_core[c] = c;
	}
	/* The simulator holds every task at once, in the worst case. */
	o->ecfg.arena_bytes = 64u << 20;
	return 0;
}

/* Metrics as asked, then the grading; 1 if a policy erred or a check failed. */
static int print_and_grade(const struct sim_args *a, const struct sim_metrics *m)
{
	int n = a->nr_policies, rc = 0, failed = 0;

	for (int p = 0; p < n; p++)
		rc |= m[p].policy_errors ? 1 : 0;
	if (a->json)
		sim_print_json(stdout, m, n);
	else if (n == 1)
		sim_print_table(stdout, &m[0]);
	else
		sim_print_compare(stdout, m, n);
	if (!a->nr_expect)
		return rc;
	printf("\n");
	for (int p = 0; p < n; p++)
		failed += expect_grade(&m[p], a->expect, a->nr_expect);
	printf("%s: %d of %d checks passed\n", failed ? "FAIL" : "PASS", n * a->nr_expect - failed,
	       n * a->nr_expect);
	return rc | (failed ? 1 : 0);
}

/* Two policies with one P.name (a student's copies) are told apart by
 * their files' names, and by their place if those agree too. */
static void label_policies(const struct sim_args *a, struct sim_metrics *m)
{
	static char labels[SIM_MAX_POLICIES][64];
	bool same[SIM_MAX_POLICIES] = { false };

	for (int p = 0; p < a->nr_policies; p++)
		for (int q = 0; q < p; q++)
			if (!strcmp(m[p].policy, m[q].policy))
				same[p] = same[q] = true;
	for (int p = 0; p < a->nr_policies; p++) {
		const char *base = strrchr(a->policies[p], '/');

		if (!same[p])
			continue;
		base = base ? base + 1 : a->policies[p];
		snprintf(labels[p], sizeof(labels[p]), "%.*s", (int)strcspn(base, "."), base);
		for (int q = 0; q < p; q++)
			if (same[q] && !strcmp(labels[p], labels[q]))
				snprintf(labels[p] + strlen(labels[p]), sizeof(labels[p]) - strlen(labels[p]),
					 "#%d", p + 1);
		m[p].policy = labels[p];
	}
}

/* --explain, after the first policy's run found the wait: the same run
 * again (the machine is deterministic) with the journal open on it. */
static int explain(struct cli *o, const struct sim_args *a, const struct workload *w,
		   const struct sim_cfg *sc, struct explain_at *x)
{
	struct sim_cfg again = *sc;
	static struct sim_metrics m;

	if (x->id < 0) {
		fprintf(stderr, "scx_lua sim: --explain %s: no such group or pid in %s (groups are "
			"the workload's names; pids are in --steps)\n", x->what, w->name);
		return 2;
	}
	if (x->to <= x->from) {
		printf("--explain %s: it never waited\n", x->what);
		return 0;
	}
	printf("%s on %s: the longest wait of %s (--explain):\n", a->policies[0], w->name, x->what);
	again.journal = stdout;
	again.journal_from_ns = x->from;
	/* The decisions that ended the wait land within the step after it. */
	again.journal_to_ns = x->to + 1;
	again.explain_task = x->id;
	return run_one(o, a->policies[0], w, &again, &m, NULL, NULL, x, NULL);
}

/* --quiz: the question, or with --answers the run that answers it. */
static int quiz(struct cli *o, const struct sim_args *a, const struct workload *w,
		struct sim_cfg *sc)
{
	static struct sim_metrics m;
	struct explain_at x = { .id = -1, .quiz = true };

	quiz_ask(stdout, w, a->policies[0], sc->slice_ns, o->seed);
	if (!a->answers)
		return 0;
	printf("\nAnswers (%s, as the simulated machine ran it):\n", a->policies[0]);
	sc->record = true;
	/* A lecture's machine decides at once (no batching budget), and a job
	 * the scheduler's own step interrupted keeps its place. */
	if (!sc->budget_fixed)
		sc->tune.budget_ns = 1;
	sc->keep_preempted = true;
	return run_one(o, a->policies[0], w, sc, &m, NULL, NULL, &x, NULL);
}

int sim_main(struct cli *o, int argc, char **argv)
{
	/* Large: not on the stack. */
	static struct sim_args a;
	static struct workload w;
	static struct sim_metrics m[SIM_MAX_POLICIES];
	struct sim_cfg sc;
	FILE *html = NULL;
	char err[512];
	int rc;

	rc = sim_parse(o, &a, argc, argv, err, sizeof(err));
	if (rc == 1)
		return 0;
	if (!rc)
		rc = find_files(&a, err, sizeof(err));
	if (!rc && a.quiz) {
		quiz_workload(&w, o->seed);
		a.cost_batch_ns = a.cost_task_ns = 0;   /* whole milliseconds */
	} else if (!rc) {
		rc = load_workload(&a, &w, err, sizeof(err));
	}
	if (!rc)
		rc = machine_cfg(o, &a, &w, &sc, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "scx_lua sim: %s\n", err);
		if (strstr(err, "which workload") || strstr(err, "which policy") ||
		    strstr(err, "unknown option"))
			usage(stderr);
		return 2;
	}
	if (a.quiz)
		return quiz(o, &a, &w, &sc);
	if (a.steps_to_ms > 0) {
		printf("%s on %s, %.3f to %.3f ms (--steps):\n", a.policies[0], w.name,
		       a.steps_from_ms, a.steps_to_ms);
		sc.journal = stdout;
		sc.journal_from_ns = a.steps_from_ms * 1e6;
		sc.journal_to_ns = a.steps_to_ms * 1e6;
	}
	report_window[0] = a.win_from_ms;
	report_window[1] = a.win_to_ms;
	if (a.report && !(html = sim_html_begin(a.report, &w, a.nr_policies))) {
		fprintf(stderr, "scx_lua sim: cannot write %s: %s\n", a.report, strerror(errno));
		return 2;
	}
	for (int n = 0; n < a.nr_policies; n++) {
		struct explain_at x = { .what = a.explain, .id = -1 };

		if (run_one(o, a.policies[n], &w, &sc, &m[n], n ? NULL : a.trace, html,
			    n || !a.explain ? NULL : &x, n ? NULL : o->record))
			return 1;
		if (!n)
			sc.journal = NULL;
		if (!n && a.explain && (rc = explain(o, &a, &w, &sc, &x)))
			return rc;
	}
	if (a.steps_to_ms > 0 || a.explain)
		printf("\n");
	if (html && sim_html_end(html))
		fprintf(stderr, "scx_lua sim: cannot write %s: %s\n", a.report, strerror(errno));
	label_policies(&a, m);
	return print_and_grade(&a, m);
}
