/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * thread.h - what the scheduler's helper threads (log writer, watchdog)
 * share: the signals they leave to the loop thread, and a futex sleep.
 */
#ifndef SCX_THREAD_H
#define SCX_THREAD_H

#include <errno.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* Block, in the calling thread, the signals that stop, reload or report
 * (they are the loop thread's); around pthread_create() so the new thread
 * starts with them blocked. @old: the mask to restore after. */
static inline void thread_block_loop_signals(sigset_t *old)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGINT);
	sigaddset(&s, SIGTERM);
	sigaddset(&s, SIGHUP);
	sigaddset(&s, SIGUSR1);
	pthread_sigmask(SIG_BLOCK, &s, old);
}

/* Sleep up to @ts while *@word == @val; a futex that fails for good (none
 * under seccomp or an emulator) sleeps the time instead of spinning. */
static inline void futex_nap(uint32_t *word, uint32_t val, const struct timespec *ts)
{
	if (syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, val, ts, NULL, 0) &&
	    errno != EAGAIN && errno != ETIMEDOUT && errno != EINTR)
		nanosleep(ts, NULL);
}

static inline void futex_wake_one(uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

#endif
