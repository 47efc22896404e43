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

/* Times of every exponent, each side of its power of two, and random bit
 * patterns (NaNs with payloads, subnormals, huge and negative ones among
 * them): the writer's integer conversion agrees with C's on each. */
static void many_times(void)
{
	enum { NR = 20000 };
	char path[] = "/tmp/test_record.XXXXXX", err[256];
	struct rec_event *ring = calloc(REC_RING, sizeof(*ring)), *ev = NULL;
	double *in = calloc(NR, sizeof(*in));
	uint64_t x = 0x9e3779b97f4a7c15ull;
	struct recorder r;
	struct rec_header h;
	size_t nr = 0, n = 0, bad = 0, first = 0;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && ring && in, "a temporary file, a ring, the inputs");
	if (fd < 0 || !ring || !in)
		return;
	close(fd);
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
	CHECK(recorder_open(&r, ring, path, 4, "synth", "test", err, sizeof(err)) == 0, "%s", err);
	for (size_t i = 0; i < NR; i++) {
		struct scx_task t;

		memset(&t, 0, sizeof(t));
		t.pid = (int32_t)i;
		t.weight = 100;
		t.enqueue_ts = t.start_ts = t.stop_ts = t.exec_runtime = in[i];
		recorder_task(&r, &t);
		if (r.head - r.tail >= REC_RING / 2)
			(void)recorder_flush(&r);
	}
	(void)recorder_flush(&r);
	CHECK(recorder_close(&r, 1e9) == 0, "closed");
	CHECK(record_read(path, &h, &ev, &nr, err, sizeof(err)) == 0, "%s", err);
	CHECK(nr == NR + 1, "%zu events read back, %d written and END", nr, NR);
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
	free(ev);
	free(in);
	free(ring);
	unlink(path);
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
	char path[] = "/tmp/test_record.XXXXXX", err[256];
	struct rec_event *ring = calloc(REC_RING, sizeof(*ring)), *ev;
	struct recorder r;
	struct rec_header h;
	size_t nr;
	int fd = mkstemp(path);

	CHECK(fd >= 0 && ring, "a temporary file and a ring");
	close(fd);
	CHECK(recorder_open(&r, ring, path, 4, "synth", "test", err, sizeof(err)) == 0, "%s", err);
	for (int i = 0; i < NN; i++) {
		struct scx_task t;

		memset(&t, 0, sizeof(t));
		t.pid = 100 + i;
		t.weight = 100;
		t.prev_cpu = -1;
		named(&t, names[i]);
		recorder_task(&r, &t);
	}
	for (int i = 0; i < NT; i++) {
		struct scx_task t;

		memset(&t, 0, sizeof(t));
		t.pid = 200 + i;
		t.weight = 100;
		t.enqueue_ts = t.start_ts = t.stop_ts = t.exec_runtime = times[i].in;
		recorder_task(&r, &t);
	}
	(void)recorder_flush(&r);
	CHECK(recorder_close(&r, 1e9) == 0, "closed");
	CHECK(record_read(path, &h, &ev, &nr, err, sizeof(err)) == 0, "%s", err);
	CHECK(nr == NN + NT + 1, "%zu events read back, %d written and END", nr, NN + NT);
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
	free(ring);
	unlink(path);
	many_times();
	TEST_END("test_record");
}
