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
#include "fuzz_sim.h"

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
		if (n <= 200 && (w.cpus ? w.cpus : 4) <= 16)
			fuzz_simulate(&w, w.cpus ? w.cpus : 4);
	} else if (!err[0]) {
		abort(); /* every refusal says why */
	}
	unlink(path);
	return 0;
}
