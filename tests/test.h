/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test.h - the smallest harness that says what failed: CHECK() counts and
 * prints failures with file:line; TEST_END() prints "N passed, N failed"
 * (read by tests/run.sh) and sets the exit status.
 */
#ifndef SCX_TEST_H
#define SCX_TEST_H

#include <stdio.h>

static int test_passed, test_failed;

#define CHECK(cond, ...)                                                        \
	do {                                                                    \
		if (cond) {                                                     \
			test_passed++;                                          \
		} else {                                                        \
			test_failed++;                                          \
			printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);  \
			printf(__VA_ARGS__);                                    \
			printf("\n");                                           \
		}                                                               \
	} while (0)

#define TEST_END(name)                                                          \
	do {                                                                    \
		printf("%s: %d passed, %d failed\n", name, test_passed, test_failed); \
		return test_failed ? 1 : 0;                                     \
	} while (0)

/* Deterministic random numbers for reproducible "random" inputs. */
static unsigned long long test_rng = 88172645463325252ull;
static inline unsigned long long rnd64(void)
{
	test_rng ^= test_rng << 13;
	test_rng ^= test_rng >> 7;
	test_rng ^= test_rng << 17;
	return test_rng;
}

#endif
