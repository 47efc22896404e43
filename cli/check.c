// SPDX-License-Identifier: GPL-2.0-only
/*
 * check.c - `scx_lua check POLICY.lua`: is this policy safe to load?
 *
 * Loads the policy the way the scheduler would (sandbox on unless
 * --no-sandbox), runs it through the real loop over synthetic batches
 * (varied weights, wake-ups, exits, refused dispatches), with LuaJIT's
 * trace events watched, and reports what a policy author must fix:
 * errors with file:line, invalid outputs, hangs, and JIT trace aborts in
 * the per-task path (a NYI there makes the policy interpreted, ~10x slower).
 * Exit status 0 only when clean.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CHECK_ROUNDS 400

/* Lines are "where\twhy\tcount\tin_loop"; sums the counts. */
static int count_aborts(const char *report, bool nyi_only)
{
	int n = 0;

	for (const char *p = report; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *c = memchr(p, '\t', len);

		c = c ? memchr(c + 1, '\t', len - (size_t)(c + 1 - p)) : NULL;
		if (c && (!nyi_only || memmem(p, len, "NYI", 3)))
			n += atoi(c + 1);
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

/* Print the JIT report ("where\twhy\tcount\tin_loop" lines); @report is
 * cut up. Returns the number of problems (0 or 1). */
static int report_jit(struct engine *e, char *report, bool compiled)
{
	int nyi = count_aborts(report, true), aborts = count_aborts(report, false);

	printf("  JIT: batch loop compiled: %s; trace aborts: %d (NYI: %d)\n",
	       compiled ? "yes" : "no", aborts, nyi);
	if (aborts)
		for (char *l = strtok(report, "\n"); l; l = strtok(NULL, "\n")) {
			char *f[4] = { l, "", "", "" };

			for (int i = 1; i < 4 && f[i - 1]; i++) {
				char *tab = strchr(f[i - 1], '\t');

				if (!tab)
					break;
				*tab = '\0';
				f[i] = tab + 1;
			}
			printf("    %s: %s (x%s)\n", f[0], f[1], f[2]);
		}
	return policy_active(&e->ph) && (!compiled || nyi) ? 1 : 0;
}

/* What the loop counted. Returns the number of problems. */
static int report_stats(struct engine *e)
{
	const struct scx_stats *st = e->stats;
	int problems = 0;

	printf("  policy \"%s\": %llu tasks queued, %llu dispatched, %llu requeued\n",
	       policy_name(&e->ph), (unsigned long long)st->nr_queued,
	       (unsigned long long)st->nr_dispatched, (unsigned long long)st->nr_requeued);
	printf("  policy errors: %llu\n", (unsigned long long)st->nr_policy_errors);
	printf("  invalid outputs: %llu deadline, %llu slice, %llu cpu, %llu vtime\n",
	       (unsigned long long)st->nr_bad_deadline, (unsigned long long)st->nr_bad_slice,
	       (unsigned long long)st->nr_bad_cpu, (unsigned long long)st->nr_bad_vtime);
	printf("  watchdog: %llu\n", (unsigned long long)st->nr_watchdog);
	if (st->nr_rule_checked || st->nr_bad_rule) {
		/* The rule runs in the kernel where the policy would: they must agree. */
		printf("  rules: %llu decisions compared with the task's rule, %llu differ; "
		       "%llu invalid rules or rule ids\n", (unsigned long long)st->nr_rule_checked,
		       (unsigned long long)st->nr_rule_disagree, (unsigned long long)st->nr_bad_rule);
		problems += st->nr_rule_disagree || st->nr_bad_rule ? 1 : 0;
	}
	problems += st->nr_policy_errors ? 1 : 0;
	problems += st->nr_bad_deadline + st->nr_bad_slice + st->nr_bad_cpu + st->nr_bad_vtime ? 1 : 0;
	problems += st->nr_watchdog ? 1 : 0;
	if (e->ph.err[0] && (st->nr_policy_errors || st->nr_watchdog))
		printf("  last error:\n%s\n", e->ph.err);
	return problems;
}

/* The engine check runs on: small, unlocked, on the synthetic backend. */
static int check_engine(struct cli *o, struct engine *e, struct synth *sy)
{
	o->ecfg.lock = false;
	o->ecfg.arena_bytes = o->ecfg.arena_bytes < (64u << 20) ? o->ecfg.arena_bytes : 64u << 20;
	o->ecfg.policy.backend = "check";
	o->ecfg.policy.opts = o->opts;
	o->ecfg.policy.nr_opts = o->nr_opts;
	return engine_init(e, &o->ecfg, &synth_ops, sy);
}

int check_main(struct cli *o)
{
	struct synth_cfg sc = {
		.nr_tasks = 512, .burst = 64, .nr_cpus = (uint32_t)o->ecfg.sched.nr_cpus,
		.exit_every = 97, .refuse_every = 50, .slots_per_round = 48,
		.seed = o->seed ? o->seed : 1,
	};
	struct synth *sy = synth_new(&sc);
	struct engine e;
	char report[8192] = "", warn[1024];
	bool compiled = false;
	int problems = 0, rc = 2;

	if (!sy)
		return 2;
	/* Our report and the policy's messages (stderr) interleave in order. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (check_engine(o, &e, sy))
		goto out;
	printf("scx_lua check: %s\n", o->policy);
	rc = 1;
	if (policy_load(&e.ph, o->policy)) {
		printf("  load: FAILED\n%s\nresult: 1 problem\n", e.ph.err);
		goto out;
	}
	policy_jit_watch(&e.ph);
	policy_check_watch(&e.ph);
	for (int i = 0; i < CHECK_ROUNDS && policy_active(&e.ph); i++) {
		sched_step(&e.sched);
		synth_ops.wait(sy, 0);
	}
	if (policy_active(&e.ph))
		policy_jit_report(&e.ph, &compiled, report, sizeof(report));
	if (policy_active(&e.ph) && !policy_check_report(&e.ph, warn, sizeof(warn)) && warn[0])
		for (char *l = strtok(warn, "\n"); l; l = strtok(NULL, "\n"))
			printf("  warning: %s\n", l);
	problems += report_stats(&e);
	problems += report_jit(&e, report, compiled);
	if (!policy_active(&e.ph))
		problems++;
	if (problems)
		printf("result: %d problem%s\n", problems, problems == 1 ? "" : "s");
	else
		printf("result: clean\n");
	policy_exit(&e.ph, "check");
	rc = problems ? 1 : 0;
out:
	engine_free(&e);
	synth_free(sy);
	return rc;
}
