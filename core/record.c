// SPDX-License-Identifier: GPL-2.0-only
/*
 * record.c - the recording's writer and reader (see record.h).
 *
 * Same discipline as logring.c: one producer (the loop) publishes head with
 * a release store after the event is written, one consumer (the log
 * thread) publishes tail after the event left for the file. The loop never
 * calls into stdio; a write error stops the recording (counted as drops),
 * never the scheduler.
 *
 * The loop only copies: a time goes into the ring as its double's bits and
 * a name as the kernel's 16 bytes; the log thread finishes each event in
 * place (finish()) before it leaves for the file. The loop is the thread
 * the machine waits on; the conversions (under emulation, as in the VM
 * benches, each a helper call) are the writer's, done in one pass.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "logring.h"
#include "record.h"

_Static_assert(sizeof(struct rec_header) == 80, "rec_header is a file format");
_Static_assert(sizeof(struct rec_event) == 64, "rec_event is a file format");

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "record.c reads the name a word at a time, little-endian, as the file is"
#endif

/* A time as the loop put it in the ring: the double's bits. */
static uint64_t raw_ns(double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	return bits;
}

/*
 * A time as recorded, from the double whose bits these are: whole ns,
 * truncated toward zero as C's conversion does, 0 for anything not a
 * finite positive below 2^63. In integer arithmetic: under emulation (the
 * VM benches) each floating-point compare and conversion is a helper call,
 * and the writer does four per event. tests/test_record.c checks it
 * against C's conversion over every exponent and random bits.
 */
static uint64_t cooked_ns(uint64_t bits)
{
	uint64_t mant = (bits & ((1ull << 52) - 1)) | (1ull << 52);
	int exp = (int)(bits >> 52 & 0x7ff) - 1023;

	/* negative (and -0), below 1 (and subnormals), or at least 2^63
	 * (and the infinities and NaNs, exponent 1024) */
	if (bits >> 63 || exp < 0 || exp >= 63)
		return 0;
	return exp >= 52 ? mant << (exp - 52) : mant >> (52 - exp);
}

/*
 * Eight bytes of a name up to its NUL, zeros from it on (*@seen: a NUL came
 * earlier, all zeros); what follows the NUL in the kernel's buffer is
 * another task's. The lowest byte of (w - 0x01..) & ~w & 0x80.. that is
 * set marks the first zero byte (bytes above it may be set falsely, none
 * below it is): a word at a time, without a call.
 */
static uint64_t upto_nul(uint64_t w, bool *seen)
{
	uint64_t z = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;

	if (*seen)
		return 0;
	if (!z)
		return w;
	*seen = true;
	return w & ((1ull << (__builtin_ctzll(z) & ~7u)) - 1);
}

int recorder_open(struct recorder *r, struct rec_event *ring, const char *path,
		  uint32_t nr_cpus, const char *backend, const char *policy, char *err,
		  size_t errlen)
{
	struct rec_header h;
	struct timespec ts;
	struct stat st;

	memset(r, 0, sizeof(*r));
	r->ring = ring;
	if (!ring) {
		snprintf(err, errlen, "--record: no room for the recording's ring; raise --arena-mb");
		return -ENOMEM;
	}
	/* Not a FIFO or a device: opening one would block, writing it is
	 * not a recording. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "--record: %s is not a regular file; name a file", path);
		return -EINVAL;
	}
	r->f = fopen(path, "wb");
	if (!r->f) {
		int e = errno;

		snprintf(err, errlen, "--record: cannot write %s: %s; name a file in a folder you "
			 "can write", path, strerror(e));
		return -e;
	}
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, REC_MAGIC, 8);
	h.version = REC_VERSION;
	h.event_size = sizeof(struct rec_event);
	h.nr_cpus = nr_cpus;
	clock_gettime(CLOCK_REALTIME, &ts);
	h.start_unix_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	snprintf(h.backend, sizeof(h.backend), "%s", backend ? backend : "");
	snprintf(h.policy, sizeof(h.policy), "%s", policy ? policy : "");
	if (fwrite(&h, sizeof(h), 1, r->f) != 1 || fflush(r->f)) {
		int e = errno ? errno : EIO;

		snprintf(err, errlen, "--record: cannot write %s: %s", path, strerror(e));
		fclose(r->f);
		r->f = NULL;
		return -e;
	}
	return 0;
}

/* The next free event, or NULL (counted) when the log thread fell behind,
 * the recording is full or writing it failed. */
static struct rec_event *next(struct recorder *r)
{
	if (__atomic_load_n(&r->failed, __ATOMIC_RELAXED) || r->nr_events >= REC_MAX_EVENTS ||
	    r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE) == REC_RING) {
		r->nr_dropped++;
		return NULL;
	}
	return &r->ring[r->head % REC_RING];
}

static void publish(struct recorder *r)
{
	r->nr_events++;
	/* Pairs with the acquire load of head in recorder_flush(). */
	__atomic_store_n(&r->head, r->head + 1, __ATOMIC_RELEASE);
	/* Each quarter of the ring that fills wakes the writer if it sleeps
	 * long (logring.c). tail is read afresh: while the writer sleeps it
	 * stands still, so the count passes every quarter exactly. */
	if (r->log && (r->head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE)) % (REC_RING / 4) == 0)
		logring_wake(r->log);
}

bool recorder_due(void *arg)
{
	struct recorder *r = arg;

	/* Sequentially consistent: the writer's half of logring.c's Dekker pair. */
	return __atomic_load_n(&r->head, __ATOMIC_SEQ_CST) - r->tail >= REC_RING / 4;
}

void recorder_task(struct recorder *r, const struct scx_task *t)
{
	struct rec_event *e = next(r);

	if (!e)
		return;
	e->ts = raw_ns(t->enqueue_ts);
	e->start_ts = raw_ns(t->start_ts);
	e->stop_ts = raw_ns(t->stop_ts);
	e->exec_runtime = raw_ns(t->exec_runtime);
	e->pid = t->pid;
	e->tgid = t->tgid;
	e->cpu = (int16_t)(t->prev_cpu >= -1 && t->prev_cpu < INT16_MAX ? t->prev_cpu : -1);
	e->nr_cpus_allowed = (uint16_t)(t->nr_cpus_allowed > 0 && t->nr_cpus_allowed < UINT16_MAX ?
					t->nr_cpus_allowed : 0);
	e->weight = (uint16_t)(t->weight <= 10000 ? t->weight : 10000);
	e->kind = REC_QUEUED;
	e->flags = (uint8_t)(t->flags & (REC_F_WAKEUP | REC_F_PREEMPTED | REC_F_OBSERVED));
	memcpy(e->comm, &t->comm_w0, 8);
	memcpy(e->comm + 8, &t->comm_w1, 8);
	publish(r);
}

void recorder_exit(struct recorder *r, int32_t pid, double now, double cpu_ns)
{
	struct rec_event *e = next(r);

	if (!e)
		return;
	memset(e, 0, sizeof(*e));
	e->ts = raw_ns(now);
	e->pid = pid;
	e->exec_runtime = raw_ns(cpu_ns);
	e->cpu = -1;
	e->kind = REC_EXIT;
	publish(r);
}

/* What the loop left raw, as the file has it (the log thread's side). */
static void finish(struct rec_event *e)
{
	uint64_t w0, w1;
	bool seen = false;

	e->ts = cooked_ns(e->ts);
	e->start_ts = cooked_ns(e->start_ts);
	e->stop_ts = cooked_ns(e->stop_ts);
	e->exec_runtime = cooked_ns(e->exec_runtime);
	memcpy(&w0, e->comm, 8);
	memcpy(&w1, e->comm + 8, 8);
	w0 = upto_nul(w0, &seen);
	w1 = upto_nul(w1, &seen) & 0x00ffffffffffffffull;   /* the last byte a NUL */
	memcpy(e->comm, &w0, 8);
	memcpy(e->comm + 8, &w1, 8);
}

bool recorder_flush(void *arg)
{
	struct recorder *r = arg;
	uint64_t head = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE), start = r->tail;
	bool any = r->tail != head;

	while (r->tail != head) {
		/* The ring's events up to its end, or up to head: one write. */
		uint64_t at = r->tail % REC_RING, n = head - r->tail;

		if (n > REC_RING - at)
			n = REC_RING - at;
		for (uint64_t i = 0; r->f && i < n; i++)
			finish(&r->ring[at + i]);
		if (r->f && fwrite(&r->ring[at], sizeof(struct rec_event), n, r->f) != n) {
			r->err = errno ? errno : EIO;
			fclose(r->f);
			r->f = NULL;
			/* The loop sees it and counts the rest as drops. */
			__atomic_store_n(&r->failed, true, __ATOMIC_RELAXED);
		} else if (r->f) {
			r->nr_written += n;
		}
		/* Pairs with the acquire load of tail in next(). */
		__atomic_store_n(&r->tail, r->tail + n, __ATOMIC_RELEASE);
	}
	if (any && r->f)
		fflush(r->f);
	/* Only a ring a quarter full keeps the writer at its fast pace: each
	 * of its wake-ups is the scheduler process's CPU time, and the ring
	 * holds 0.8 s of events at 40k a second. */
	return head - start >= REC_RING / 4;
}

int recorder_close(struct recorder *r, double now)
{
	struct rec_event end;
	int err;

	if (!r->ring)
		return 0;
	(void)recorder_flush(r);
	if (r->f) {
		memset(&end, 0, sizeof(end));
		end.ts = cooked_ns(raw_ns(now));
		end.start_ts = r->nr_events;
		end.stop_ts = r->nr_dropped;
		end.cpu = -1;
		end.kind = REC_END;
		if (fwrite(&end, sizeof(end), 1, r->f) != 1 && !r->err)
			r->err = errno ? errno : EIO;
		if (fclose(r->f) && !r->err)
			r->err = errno ? errno : EIO;
		r->f = NULL;
	}
	err = r->err;
	r->ring = NULL;
	return err ? -err : 0;
}

/* Refuse a file this build cannot read as a recording, saying why. */
static int bad(char *err, size_t errlen, const char *path, const char *why)
{
	snprintf(err, errlen, "%s: %s; record one with `scx_lua run POLICY --record FILE`", path,
		 why);
	return -EINVAL;
}

int record_read(const char *path, struct rec_header *h, struct rec_event **out, size_t *nr,
		char *err, size_t errlen)
{
	FILE *f;
	struct stat st;
	size_t n, got;
	struct rec_event *ev;

	*out = NULL;
	*nr = 0;
	/* Before opening: a FIFO would block the open. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return bad(err, errlen, path, "not a regular file");
	f = fopen(path, "rb");
	if (!f) {
		int e = errno;

		snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode)) {
		fclose(f);
		return bad(err, errlen, path, "not a regular file");
	}
	if (fread(h, sizeof(*h), 1, f) != 1 || memcmp(h->magic, REC_MAGIC, 8)) {
		fclose(f);
		return bad(err, errlen, path, "not a scx_lua recording (no SCXREC1 header)");
	}
	if (h->version != REC_VERSION || h->event_size != sizeof(struct rec_event)) {
		fclose(f);
		return bad(err, errlen, path, "a recording of another scx_lua version");
	}
	if (h->nr_cpus < 1 || h->nr_cpus > 1024) {
		fclose(f);
		return bad(err, errlen, path, "the header's CPU count is not 1 to 1024");
	}
	h->backend[sizeof(h->backend) - 1] = '\0';
	h->policy[sizeof(h->policy) - 1] = '\0';
	n = ((size_t)st.st_size - sizeof(*h)) / sizeof(struct rec_event);
	if (n > REC_MAX_EVENTS + 1) {
		fclose(f);
		return bad(err, errlen, path, "over 16 Mi events (1 GiB): record a shorter run");
	}
	ev = malloc((n ? n : 1) * sizeof(*ev));
	if (!ev) {
		fclose(f);
		snprintf(err, errlen, "%s: no memory for %zu events", path, n);
		return -ENOMEM;
	}
	got = fread(ev, sizeof(*ev), n, f);
	fclose(f);
	for (size_t i = 0; i < got; i++)
		ev[i].comm[sizeof(ev[i].comm) - 1] = '\0';
	*out = ev;
	*nr = got;
	return 0;
}
