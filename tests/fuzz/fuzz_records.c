// SPDX-License-Identifier: GPL-2.0-only
/* Arbitrary queued records (pid 0, huge weights, timestamps going
 * backwards, NaN, comm without NUL) through the real loop and the deadline
 * policy in Lua: nothing crashes, nothing invalid reaches the backend,
 * nothing is lost. */
#include "fuzz_backend.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_engine_init("policies/deadline.lua");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run(data, size);
	return 0;
}
