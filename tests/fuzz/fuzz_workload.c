// SPDX-License-Identifier: GPL-2.0-only
/* Workload files: any bytes through the loader (a Lua table evaluated with
 * no library and a step limit); what loads and is small enough is then
 * simulated for a few milliseconds under the fallback order, and the
 * simulator's conservation law must hold. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../sim/machine.h"
#include "../../core/engine.h"
#include "../../sim/workload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/scx_fuzz_wl_XXXXXX", err[512];
	struct workload w;
	int fd = mkstemp(path), n = 0;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (workload_load(&w, path, err, sizeof(err)) == 0) {
		for (int g = 0; g < w.nr_groups; g++)
			n += w.g[g].count;
		if (n <= 200 && (w.cpus ? w.cpus : 4) <= 16) {
			struct sim_cfg sc = { .nr_cpus = w.cpus ? w.cpus : 4, .duration_ns = 20e6,
					      .seed = 1, .cost_batch_ns = 2000, .cost_task_ns = 150,
					      .slice_ns = 20e6 };
			struct engine_cfg cfg;
			static struct engine e;
			struct sim *s = sim_new(&w, &sc);
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
	} else if (!err[0]) {
		abort(); /* every refusal says why */
	}
	unlink(path);
	return 0;
}
