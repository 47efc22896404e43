/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * logring.h - log lines from the loop (and from policies, via scx.log) go
 * through a ring to a writer thread, so a slow terminal or a full pipe never
 * blocks scheduling. A full ring drops the line and counts it.
 *
 * One producer (the loop thread) and one consumer (the writer thread).
 * Before logring_start(), and after logring_stop(), lines are written
 * synchronously: start-up and shutdown messages need no thread.
 */
#ifndef SCX_LOGRING_H
#define SCX_LOGRING_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOGRING_SLOTS 256
#define LOGRING_LINE 1024

struct logring_slot {
	int fd;
	uint32_t len;
	char buf[LOGRING_LINE];
};

struct logring {
	struct logring_slot *slot;   /* LOGRING_SLOTS, carved from the arena */
	uint64_t head, tail;         /* written by producer / consumer only */
	uint64_t nr_dropped;
	/* Also run by the writer thread each pass (the recording); true when
	 * it wants the next pass soon. due(): true if it wants a pass now
	 * (checked before a long sleep, see logring_wake()). Both set before
	 * logring_start(). */
	bool (*flush)(void *arg);
	bool (*due)(void *arg);
	void *flush_arg;
	uint32_t sleeping;           /* futex word: the writer is in a long sleep */
	bool running, stop;
	pthread_t thread;
};

int logring_init(struct logring *r, struct logring_slot *slots);
int logring_start(struct logring *r);
void logring_stop(struct logring *r);
void logring_put(struct logring *r, int fd, const char *msg, size_t len);
/* The producer's side of a long sleep: wake the writer if it is in one
 * (one system call then; none while it polls). After publishing what it
 * should write, and after a seq_cst fence or store of that. */
void logring_wake(struct logring *r);
/* A message longer than a line, in consecutive pieces: all or none. */
void logring_put_long(struct logring *r, int fd, const char *msg, size_t len);
void logring_printf(struct logring *r, int fd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
