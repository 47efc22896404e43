// SPDX-License-Identifier: GPL-2.0-only
/* Recordings for sim --replay: any bytes as the events behind a valid
 * header (or, when they start with the magic, as the whole file) through
 * record_read() and replay; what loads and is small enough is then
 * simulated for a few milliseconds, and the simulator's conservation law
 * must hold. Every refusal says why. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/engine.h"
#include "../../core/record.h"
#include "../../sim/machine.h"
#include "../../sim/replay.h"
#include "fuzz_sim.h"

/* The file: the input as is, or a header made from its first byte and the
 * rest as events (so the fuzzer spends its time past the magic). */
static int write_file(int fd, const uint8_t *data, size_t size)
{
	struct rec_header h;

	if (size >= 8 && !memcmp(data, REC_MAGIC, 8))
		return write(fd, data, size) == (ssize_t)size ? 0 : -1;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, REC_MAGIC, 8);
	h.version = REC_VERSION;
	h.event_size = sizeof(struct rec_event);
	h.nr_cpus = size ? 1 + data[0] % 8 : 1;
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h))
		return -1;
	return size < 2 || write(fd, data + 1, size - 1) == (ssize_t)(size - 1) ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[] = "/tmp/scx_fuzz_rec_XXXXXX", err[512] = "", note[2048];
	static struct workload w;
	int fd = mkstemp(path), n = 0;

	if (fd < 0)
		return 0;
	if (write_file(fd, data, size)) {
		close(fd);
		unlink(path);
		return 0;
	}
	close(fd);
	if (replay_load(&w, path, note, sizeof(note), err, sizeof(err)) == 0) {
		for (int g = 0; g < w.nr_groups; g++) {
			n += w.g[g].count;
			for (int k = 0; k < w.g[g].count; k++)
				for (uint32_t i = 0; i < w.g[g].task[k].nr_step; i++)
					if (isnan(w.g[g].task[k].step[i]) || w.g[g].task[k].nr_step % 2 == 0)
						abort(); /* a life is bursts and sleeps, ending with a burst */
		}
		if (!note[0] || n < 1 || w.nr_groups > WORKLOAD_MAX_GROUPS)
			abort();
		if (n <= 200 && w.cpus <= 16)
			fuzz_simulate(&w, w.cpus);
		workload_free(&w);
	} else if (!err[0]) {
		abort(); /* every refusal says why */
	}
	unlink(path);
	return 0;
}
