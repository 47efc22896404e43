// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recording's events as the loop writes them: a name keeps its bytes up
 * to the NUL and nothing of what follows it in the kernel's buffer, always
 * NUL-terminated; a time is whole ns, 0 for anything not a finite positive
 * below 2^63, truncated as C's conversion does (the writer's integer
 * arithmetic against that conversion, over every exponent and random bits);
 * the file reads back event for event, in order, with its END.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/record.h"
#include "test.h"

/* A task named by @name's 16 bytes as the kernel's buffer holds them. */
static void named(struct scx_task *t, const char name[16])
{
	memcpy(&t->comm_w0, name, 8);
	memcpy(&t->comm_w1, name + 8, 8);
}

/* What the file must hold for a time: C's own conversion. */
static uint64_t want_ns(double v)
{
	return v > 0 && v < 0x1p63 ? (uint64_t)(int64_t)v : 0;
}

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* @t[0..@n) recorded into a file, as the loop and the log thread would,
 * and read back: the events (END last; the caller frees them), @nr their
 * count; NULL if any step failed (said). */
static struct rec_event *round_trip(const struct scx_task *t, size_t n, size_t *nr)
{
	char path[] = "/tmp/test_record.XXXXXX", err[256];
	struct rec_event *ring = calloc(REC_RING, sizeof(*ring)), *ev = NULL;
	struct recorder r;
	struct rec_header h;
	int fd = mkstemp(path);

	*nr = 0;
	CHECK(fd >= 0 && ring, "a temporary file and a ring");
	if (fd < 0 || !ring) {
		free(ring);
		return NULL;
	}
	close(fd);
	CHECK(recorder_open(&r, ring, path, 4, "synth", "test", err, sizeof(err)) == 0, "%s", err);
	for (size_t i = 0; i < n; i++) {
		recorder_task(&r, &t[i]);
		if (r.head - r.tail >= REC_RING / 2)
			(void)recorder_flush(&r);
	}
	(void)recorder_flush(&r);
	CHECK(recorder_close(&r, 1e9) == 0, "closed");
	CHECK(record_read(path, &h, &ev, nr, err, sizeof(err)) == 0, "%s", err);
	CHECK(*nr == n + 1, "%zu events read back, %zu written and END", *nr, n);
	{
		/* The reader cuts a name at 16 bytes itself: the file's own. */
		FILE *f = fopen(path, "rb");
		struct rec_event e;
		size_t unended = 0, seen = 0;

		if (f && fseek(f, sizeof(struct rec_header), SEEK_SET) == 0)
			for (; fread(&e, sizeof(e), 1, f) == 1; seen++)
				unended += e.comm[sizeof(e.comm) - 1] != 0;
		CHECK(f && seen == n + 1 && !unended, "%zu of %zu names in the file without their NUL",
		      unended, seen);
		if (f)
			fclose(f);
	}
	free(ring);
	unlink(path);
	return ev;
}

/* A task of pid @pid whose four times are all @v. */
static struct scx_task timed(int32_t pid, double v)
{
	struct scx_task t;

	memset(&t, 0, sizeof(t));
	t.pid = pid;
	t.weight = 100;
	t.enqueue_ts = t.start_ts = t.stop_ts = t.exec_runtime = v;
	return t;
}

/* Times of every exponent, each side of its power of two, and random bit
 * patterns (NaNs with payloads, subnormals, huge and negative ones among
 * them): the writer's integer conversion agrees with C's on each. */
static void many_times(void)
{
	enum { NR = 20000 };
	struct scx_task *t = calloc(NR, sizeof(*t));
	double *in = calloc(NR, sizeof(*in));
	struct rec_event *ev = NULL;
	uint64_t x = 0x9e3779b97f4a7c15ull;
	size_t nr = 0, n = 0, bad = 0, first = 0;

	CHECK(t && in, "the inputs");
	if (!t || !in)
		goto out;
	for (int k = -1100; k <= 1100 && n + 3 <= NR; k++) {
		double p = ldexp(1, k);

		in[n++] = p;
		in[n++] = nextafter(p, 0);
		in[n++] = nextafter(p, INFINITY);
	}
	while (n < NR) {
		uint64_t b = rnd(&x);

		/* half of them in the range that holds ns, half anything */
		if (n & 1)
			b = (b & ~(0x7ffull << 52)) | ((uint64_t)(1023 + rnd(&x) % 70) << 52);
		memcpy(&in[n++], &b, sizeof(b));
	}
	for (size_t i = 0; i < NR; i++)
		t[i] = timed((int32_t)i, in[i]);
	ev = round_trip(t, NR, &nr);
	for (size_t i = 0; ev && i < NR && i < nr; i++) {
		uint64_t w = want_ns(in[i]);

		if (ev[i].ts != w || ev[i].start_ts != w || ev[i].stop_ts != w ||
		    ev[i].exec_runtime != w) {
			if (!bad++)
				first = i;
		}
	}
	CHECK(ev && !bad, "%zu of %d times converted as C converts them (first wrong: %a, %llu)",
	      NR - bad, NR, in[first], ev ? (unsigned long long)ev[first].ts : 0ull);
out:
	free(ev);
	free(in);
	free(t);
}

int main(void)
{
	/* Names: the bytes up to the NUL, then garbage that must not show. */
	static const char names[][16] = {
		{ 'a', 'b', 0, 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X' },
		{ 0, 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X' },
		{ 's', 'e', 'v', 'e', 'n', '_', '7', 0, 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X' },
		{ 'e', 'i', 'g', 'h', 't', '_', '_', '8', 0, 'X', 'X', 'X', 'X', 'X', 'X', 'X' },
		{ 'f', 'i', 'f', 't', 'e', 'e', 'n', '_', 'c', 'h', 'a', 'r', 's', '!', '!', 0 },
		/* No NUL at all: the 16th byte is made one. */
		{ 's', 'i', 'x', 't', 'e', 'e', 'n', '_', 'c', 'h', 'a', 'r', 's', '!', '!', '!' },
		/* 0x80 and 0x01 bytes before the NUL: the word trick's false marks. */
		{ (char)0x80, 0x01, (char)0xff, 'z', 0, 0x01, (char)0x80, 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X', 'X' },
	};
	static const char *const want[] = { "ab", "", "seven_7", "eight__8", "fifteen_chars!!",
					    "sixteen_chars!!", "\x80\x01\xffz" };
	/* Times: what the file holds for each. */
	static const struct { double in; uint64_t out; } times[] = {
		{ 0, 0 }, { -0.0, 0 }, { -5, 0 }, { 1.9, 1 }, { 0.5, 0 }, { 1e9, 1000000000 },
		{ 9.2e18, 9200000000000000000ull }, { 9.3e18, 0 }, { 1.8e19, 0 }, { INFINITY, 0 },
		{ -INFINITY, 0 }, { NAN, 0 }, { 5e-324, 0 },
	};
	enum { NT = sizeof(times) / sizeof(times[0]), NN = sizeof(names) / sizeof(names[0]) };
	struct scx_task t[NN + NT];
	struct rec_event *ev;
	size_t nr;

	for (int i = 0; i < NN; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].pid = 100 + i;
		t[i].weight = 100;
		t[i].prev_cpu = -1;
		named(&t[i], names[i]);
	}
	for (int i = 0; i < NT; i++)
		t[NN + i] = timed(200 + i, times[i].in);
	ev = round_trip(t, NN + NT, &nr);
	for (int i = 0; ev && i < NN && i < (int)nr; i++) {
		char tail = 0;

		for (size_t k = strlen(want[i]); k < sizeof(ev[i].comm); k++)
			tail |= ev[i].comm[k];
		CHECK(ev[i].pid == 100 + i && !strcmp(ev[i].comm, want[i]) && !tail,
		      "name %d: '%.16s', zeros after it: %s", i, ev[i].comm, tail ? "no" : "yes");
	}
	for (int i = 0; ev && i < NT && NN + i < (int)nr; i++) {
		const struct rec_event *e = &ev[NN + i];

		CHECK(e->pid == 200 + i && e->ts == times[i].out && e->start_ts == times[i].out &&
		      e->stop_ts == times[i].out && e->exec_runtime == times[i].out,
		      "time %g: %llu, want %llu", times[i].in, (unsigned long long)e->ts,
		      (unsigned long long)times[i].out);
	}
	CHECK(ev && nr && ev[nr - 1].kind == REC_END && ev[nr - 1].start_ts == NN + NT &&
	      ev[nr - 1].stop_ts == 0, "END: every event recorded, none dropped");
	free(ev);
	many_times();
	TEST_END("test_record");
}
