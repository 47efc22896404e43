/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * simrun.h - run one policy on one workload in the simulator, for tests:
 * the same engine, runtime and backend `scx_lua sim` uses.
 */
#ifndef SCX_TEST_SIMRUN_H
#define SCX_TEST_SIMRUN_H

#include <stdio.h>
#include <string.h>

#include "../sim/machine.h"
#include "../core/engine.h"
#include "../sim/report.h"

struct run {
	struct workload w;
	struct sim *sim;
	struct engine e;
	struct sim_metrics m;
};

struct run_opts {
	uint64_t seed;
	double duration_s;       /* 0: the workload's */
	bool full_user;
	const char *opts[4];     /* --opt KEY=VALUE */
};

static inline int simulate_with(struct run *r, const char *policy, const char *workload,
				const struct run_opts *o)
{
	struct sim_cfg sc = { .seed = o->seed ? o->seed : 1, .cost_batch_ns = 2000,
			      .cost_task_ns = 150, .record = true, .full_user = o->full_user };
	struct engine_cfg cfg;
	char err[256];
	int nr_opts = 0;

	memset(r, 0, sizeof(*r));
	if (workload_load(&r->w, workload, err, sizeof(err))) {
		printf("workload: %s\n", err);
		return -1;
	}
	sc.nr_cpus = r->w.cpus;
	sc.duration_ns = o->duration_s ? o->duration_s * 1e9 : r->w.duration_ns;
	sc.slice_ns = 20e6;
	sc.llc_cpus = r->w.llc_cpus;
	r->sim = sim_new(&r->w, &sc);
	engine_cfg_default(&cfg);
	cfg.arena_bytes = 64u << 20;
	cfg.sched.nr_cpus = sc.nr_cpus;
	cfg.policy.backend = "sim";
	for (int c = 0; c < sc.nr_cpus; c++)
		cfg.cpu_llc[c] = r->w.llc_cpus ? c / r->w.llc_cpus : 0;
	while (nr_opts < 4 && o->opts[nr_opts])
		nr_opts++;
	cfg.policy.opts = o->opts;
	cfg.policy.nr_opts = nr_opts;
	if (!r->sim || engine_init(&r->e, &cfg, &sim_ops, r->sim) || policy_load(&r->e.ph, policy)) {
		printf("setup %s: %s\n", policy, r->e.ph.err);
		return -1;
	}
	sim_run(r->sim, &r->e.sched);
	sim_metrics(&r->m, sim_result(r->sim), &r->w);
	r->m.policy_errors = r->e.stats->nr_policy_errors;
	return 0;
}

static inline int simulate(struct run *r, const char *policy, const char *workload, uint64_t seed)
{
	struct run_opts o = { .seed = seed };

	return simulate_with(r, policy, workload, &o);
}

static inline void done(struct run *r)
{
	engine_free(&r->e);
	sim_free(r->sim);
}

static inline int group_of(const struct run *r, const char *name)
{
	for (int g = 0; g < r->m.nr_groups; g++)
		if (!strcmp(r->m.g[g].name, name))
			return g;
	return 0;
}

#endif
