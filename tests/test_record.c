// SPDX-License-Identifier: GPL-2.0-only
/*
 * The recording's events as the loop writes them: a name keeps its bytes up
 * to the NUL and nothing of what follows it in the kernel's buffer, always
 * NUL-terminated; a time is whole ns, 0 for anything not a finite positive
 * below 2^63; the file reads back event for event, in order, with its END.
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
	TEST_END("test_record");
}
