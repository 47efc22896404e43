// SPDX-License-Identifier: GPL-2.0-only
/*
 * logring.c - single-producer single-consumer line ring (see logring.h).
 *
 * head is published with a release store after the slot is written and
 * read with an acquire load by the writer; tail likewise in the other
 * direction. A line cut by a signal that longjmps out of the producer is
 * simply never published (see policy.c's watchdog).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logring.h"
#include "thread.h"

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere to report a failing stderr */
		p += w;
		n -= (size_t)w;
	}
}

int logring_init(struct logring *r, struct logring_slot *slots)
{
	memset(r, 0, sizeof(*r));
	r->slot = slots;
	return slots ? 0 : -ENOMEM;
}

static bool drain(struct logring *r)
{
	uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE);
	bool any = r->flush ? r->flush(r->flush_arg) : false;

	any |= r->tail != head;
	while (r->tail != head) {
		struct logring_slot *s = &r->slot[r->tail % LOGRING_SLOTS];

		write_all(s->fd, s->buf, s->len);
		/* Pairs with the acquire load of tail in logring_put(). */
		__atomic_store_n(&r->tail, r->tail + 1, __ATOMIC_RELEASE);
	}
	return any;
}

/*
 * While lines come, the writer polls every WRITER_BUSY_MS, so that logging
 * costs the loop no wake-up call. The first pass that finds nothing puts
 * it to sleep on a futex for up to WRITER_QUIET_MS, and the next line or
 * recording quarter wakes it (logring_wake(): one system call per quiet
 * spell, not per line). Each wake-up of this thread is a context switch
 * charged to the scheduler process: in the VM each cost ~0.8 ms, and
 * polling every 160 ms when quiet was 0.4-0.5% of a CPU.
 *
 * The sleep is a Dekker pair: the writer stores `sleeping` and then looks
 * at head (and due()), the producer stores head and then looks at
 * `sleeping`, both sequentially consistent, so at least one sees the
 * other's store; FUTEX_WAIT itself refuses to sleep once `sleeping` was
 * cleared. A wake-up lost anyway would cost one WRITER_QUIET_MS, not a line.
 */
#define WRITER_BUSY_MS 20
/* Also while recording: a scheduler killed outright (SIGKILL, the OOM
 * killer) loses up to this much of its recording. Not less: in the VM a
 * wake-up of this thread costs ~0.8 ms (0.035% of a CPU for the ~16 of a
 * vm-bench set), so one a second would cost about what recording does. */
#define WRITER_QUIET_MS 5000

static void nap(struct logring *r, long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	if (ms <= WRITER_BUSY_MS) {
		nanosleep(&ts, NULL);
		return;
	}
	__atomic_store_n(&r->sleeping, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->head, __ATOMIC_SEQ_CST) == r->tail &&
	    !(r->due && r->due(r->flush_arg)) && !__atomic_load_n(&r->stop, __ATOMIC_SEQ_CST))
		futex_nap(&r->sleeping, 1, &ts);
	__atomic_store_n(&r->sleeping, 0, __ATOMIC_RELAXED);
}

void logring_wake(struct logring *r)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&r->sleeping, __ATOMIC_RELAXED) &&
	    __atomic_exchange_n(&r->sleeping, 0, __ATOMIC_ACQ_REL))
		futex_wake_one(&r->sleeping);
}

static void *writer(void *arg)
{
	struct logring *r = arg;

	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE))
		nap(r, drain(r) ? WRITER_BUSY_MS : WRITER_QUIET_MS);
	(void)drain(r);
	return NULL;
}

int logring_start(struct logring *r)
{
	sigset_t old;
	int err;

	r->stop = false;
	r->sleeping = 0;
	/* Taken here, they would wait for the loop's next run to be seen.
	 * (SIGPIPE and the like stay with the thread whose write raised them.) */
	thread_block_loop_signals(&old);
	err = pthread_create(&r->thread, NULL, writer, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_setname_np(r->thread, "scx_lua-log");
	r->running = true;
	return 0;
}

void logring_stop(struct logring *r)
{
	if (!r->running)
		return;
	__atomic_store_n(&r->stop, true, __ATOMIC_SEQ_CST);
	logring_wake(r);
	pthread_join(r->thread, NULL);
	r->running = false;
}

void logring_put(struct logring *r, int fd, const char *msg, size_t len)
{
	struct logring_slot *s;

	if (len > LOGRING_LINE)
		len = LOGRING_LINE;
	if (!r->running) {
		write_all(fd, msg, len);
		return;
	}
	if (r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == LOGRING_SLOTS) {
		r->nr_dropped++;
		return;
	}
	s = &r->slot[r->head % LOGRING_SLOTS];
	s->fd = fd;
	s->len = (uint32_t)len;
	memcpy(s->buf, msg, len);
	/* Pairs with the acquire load of head in drain(), and with nap(). */
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_SEQ_CST);
	logring_wake(r);
}

void logring_put_long(struct logring *r, int fd, const char *msg, size_t len)
{
	size_t pieces = (len + LOGRING_LINE - 1) / LOGRING_LINE;

	/* One producer: the free slots seen here can only grow meanwhile. */
	if (r->running &&
	    LOGRING_SLOTS - (r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE)) < pieces) {
		r->nr_dropped++;
		return;
	}
	for (size_t off = 0; off < len; off += LOGRING_LINE)
		logring_put(r, fd, msg + off, len - off < LOGRING_LINE ? len - off : LOGRING_LINE);
}

void logring_printf(struct logring *r, int fd, const char *fmt, ...)
{
	char buf[LOGRING_LINE];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf)) {
		n = sizeof(buf) - 1;
		buf[n - 1] = '\n'; /* keep the line a line */
	}
	logring_put(r, fd, buf, (size_t)n);
}
