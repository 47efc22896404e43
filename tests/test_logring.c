// SPDX-License-Identifier: GPL-2.0-only
/*
 * The log ring's writer thread: lines reach their file descriptor in
 * order, a writer in its long sleep is woken by the line that comes (not
 * by its timeout), it leaves the scheduler's signals to the loop thread,
 * and stopping it loses no line.
 */
#include <dirent.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../core/logring.h"
#include "test.h"

/* The writer's blocked signals, from /proc (0 if not found). */
static unsigned long long writer_sigblk(void)
{
	DIR *d = opendir("/proc/self/task");
	struct dirent *de;
	unsigned long long mask = 0;

	while (d && (de = readdir(d))) {
		char path[300], buf[4096];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		buf[0] = '\0';
		if (!fgets(buf, sizeof(buf), f) || strncmp(buf, "scx_lua-log", 11)) {
			fclose(f);
			continue;
		}
		fclose(f);
		snprintf(path, sizeof(path), "/proc/self/task/%s/status", de->d_name);
		f = fopen(path, "r");
		while (f && fgets(buf, sizeof(buf), f))
			if (!strncmp(buf, "SigBlk:", 7))
				mask = strtoull(buf + 7, NULL, 16);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
	return mask;
}

static bool wait_sleeping(struct logring *r)
{
	for (int i = 0; i < 500; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		if (__atomic_load_n(&r->sleeping, __ATOMIC_ACQUIRE))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

int main(void)
{
	struct logring_slot *slots = calloc(LOGRING_SLOTS, sizeof(*slots));
	struct logring r;
	char buf[64];
	int fd[2];
	ssize_t n;

	CHECK(slots && pipe(fd) == 0, "setup");
	logring_init(&r, slots);
	logring_put(&r, fd[1], "before\n", 7);
	n = read(fd[0], buf, sizeof(buf));
	CHECK(n == 7 && !memcmp(buf, "before\n", 7), "before the thread: written at once");
	CHECK(logring_start(&r) == 0, "writer started");
	/* Quiet: the writer backs off into its long sleep. */
	CHECK(wait_sleeping(&r), "a quiet writer sleeps long (within 5 s)");
	{
		/* Read once it ran: a thread starts with every signal blocked. */
		unsigned long long blk = writer_sigblk();

		CHECK(blk & (1ull << (SIGINT - 1)) && blk & (1ull << (SIGTERM - 1)) &&
		      blk & (1ull << (SIGHUP - 1)) && blk & (1ull << (SIGUSR1 - 1)),
		      "the writer blocks INT, TERM, HUP and USR1 (SigBlk %llx)", blk);
		CHECK(!(blk & (1ull << (SIGPIPE - 1))), "but not SIGPIPE (SigBlk %llx)", blk);
	}

	logring_put(&r, fd[1], "one\n", 4);
	CHECK(__atomic_load_n(&r.sleeping, __ATOMIC_ACQUIRE) == 0,
	      "the line's producer woke it (cleared its futex word)");
	n = read(fd[0], buf, sizeof(buf));
	CHECK(n == 4 && !memcmp(buf, "one\n", 4), "the line came (%zd bytes)", n);

	/* Lines while it is busy: all of them, in order. */
	for (int i = 0; i < 100; i++) {
		char line[16];
		int len = snprintf(line, sizeof(line), "%03d\n", i);

		logring_put(&r, fd[1], line, (size_t)len);
	}
	{
		char all[400 + 1];
		size_t got = 0;

		while (got < 400 && (n = read(fd[0], all + got, 400 - got)) > 0)
			got += (size_t)n;
		all[got] = '\0';
		CHECK(got == 400 && !strncmp(all, "000\n001\n", 8) && !strncmp(all + 396, "099\n", 4),
		      "100 lines in order (%zu bytes)", got);
	}

	/* Asleep again: stopping wakes it (and a line put just before the
	 * stop is still written). */
	CHECK(wait_sleeping(&r), "asleep again");
	logring_put(&r, fd[1], "last\n", 5);
	logring_stop(&r);
	CHECK(!r.running && __atomic_load_n(&r.sleeping, __ATOMIC_ACQUIRE) == 0, "stopped");
	n = read(fd[0], buf, sizeof(buf));
	CHECK(n == 5 && !memcmp(buf, "last\n", 5), "the last line came (%zd bytes)", n);
	close(fd[0]);
	close(fd[1]);
	free(slots);
	TEST_END("test_logring");
}
