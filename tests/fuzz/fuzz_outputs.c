// SPDX-License-Identifier: GPL-2.0-only
/* Arbitrary policy outputs (deadline, slice, CPU, flags, vtime: NaN,
 * infinities, negatives, out of range) into the validation and dispatch
 * path: validate() must turn every one into something the backend accepts. */
#include "fuzz_backend.h"

static struct fuzz_bytes out;

static uint64_t take64(void)
{
	uint64_t v = 0x7ff8000000000001ull; /* a NaN when the input runs dry */

	take(&out, &v, 8);
	return v;
}

static void from_bytes(void *arg, struct scx_task *tasks, const uint32_t *batch, uint32_t n,
		       double now)
{
	(void)arg;
	(void)now;
	for (uint32_t i = 0; i < n; i++) {
		struct scx_task *t = &tasks[batch[i]];
		uint64_t a = take64(), b = take64(), c = take64(), v = take64();

		memcpy(&t->deadline, &a, 8);
		memcpy(&t->slice_ns, &b, 8);
		t->cpu = (int32_t)c;
		t->dispatch_flags = (uint32_t)(c >> 32);
		memcpy(&t->vtime, &v, 8);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_engine_init(NULL);
	fuzz_engine.sched.cpolicy = from_bytes;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* First half: outputs; second half: well-formed-enough records. */
	static uint8_t rec[16 * 72];

	out = (struct fuzz_bytes){ data, size };
	for (size_t i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)(i * 37 + size);
	fuzz_run(rec, sizeof(rec));
	return 0;
}
