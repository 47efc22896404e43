/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_sim.h - run a workload the fuzzer made (a file, a recording) for
 * 20 ms in the simulator under the built-in fallback, and abort if its
 * time books do not add up: busy + idle + scheduler time must be the
 * machine's CPUs x the duration.
 */
#ifndef SCX_FUZZ_SIM_H
#define SCX_FUZZ_SIM_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/engine.h"
#include "../../sim/machine.h"

static void fuzz_simulate(const struct workload *w, int nr_cpus)
{
	struct sim_cfg sc = { .nr_cpus = nr_cpus, .duration_ns = 20e6, .seed = 1,
			      .cost_batch_ns = 2000, .cost_task_ns = 150, .slice_ns = 20e6 };
	struct engine_cfg cfg;
	static struct engine e;
	struct sim *s = sim_new(w, &sc);
	const struct sim_result *r;

	memset(&e, 0, sizeof(e)); /* engine_free() takes a zeroed engine */
	engine_cfg_default(&cfg);
	cfg.arena_bytes = 24u << 20;
	cfg.sched.nr_cpus = sc.nr_cpus;
	cfg.policy.backend = "sim";
	if (s && !engine_init(&e, &cfg, &sim_ops, s)) {
		sim_run(s, &e.sched);
		r = sim_result(s);
		if (fabs(r->busy_ns + r->idle_ns + r->sched_ns - sc.nr_cpus * sc.duration_ns) >
		    1e-6 * sc.nr_cpus * sc.duration_ns)
			abort();
	}
	engine_free(&e);
	sim_free(s);
}

#endif
