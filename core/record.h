/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * record.h - `run --record FILE`: what the scheduler saw, one fixed-size
 * event per record drained from the backend and per pid that exited, for
 * `sim --replay FILE` to turn back into a workload.
 *
 * The file: a struct rec_header, then struct rec_event until the end. All
 * fields little-endian as the machine writes them (the recording is read
 * on the machine kind that wrote it; the header's magic and sizes refuse
 * anything else). Times are ns since the scheduler started, as the policy
 * sees them.
 *
 * What a task did, read back from its events in order:
 * - start_ts..stop_ts is its last run before this record; a record with
 *   no run since the previous one repeats that run's times (the kernel
 *   keeps them), so a run is new only when start_ts moved on; 0, 0: it
 *   never ran. exec_runtime is its CPU time since it last slept;
 * - REC_F_WAKEUP: it slept from the previous record's stop_ts until ts;
 * - REC_F_OBSERVED: its rule decided it in the kernel, or an idle CPU took
 *   it before the policy ever decided it (the policy only saw it);
 *   REC_F_PREEMPTED: it lost its CPU before its slice ended;
 * - REC_EXIT: the pid is gone (ts is when the scheduler learnt it);
 *   exec_runtime is its CPU time over its whole life when the backend
 *   knows it (the live one does), else 0.
 * Runs the kernel side decided without a record (an idle CPU found at
 * wake-up, a slice refilled) leave no event of their own: they show in a
 * later event's exec_runtime and start_ts. Not recorded: the affinity mask
 * (only how many CPUs it allows), cgroups, what a task waits on.
 *
 * The loop copies an event into a ring carved from the arena, its times as
 * the doubles' bits and the name as the kernel's 16 bytes; the log thread
 * turns them into the fields above and writes the ring to the file. A full
 * ring drops events and counts them (nr_dropped, and the file's trailer
 * says so): recording never blocks scheduling.
 */
#ifndef SCX_RECORD_H
#define SCX_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "policy_abi.h"

#define REC_MAGIC "SCXREC1\n"
#define REC_VERSION 1
#define REC_RING 32768           /* events: ~0.3 s at 100k records a second */
#define REC_MAX_EVENTS (16u << 20) /* 1 GiB: past it, events are dropped, and
                                  * a longer file is refused by the reader */

enum { REC_QUEUED = 1, REC_EXIT = 2, REC_END = 3 };

/* rec_event.flags: the record's SCX_TF_* as the backend set them. */
enum { REC_F_WAKEUP = SCX_TF_WAKEUP, REC_F_PREEMPTED = SCX_TF_PREEMPTED,
       REC_F_OBSERVED = SCX_TF_OBSERVED };

struct rec_header {
	char magic[8];               /* REC_MAGIC */
	uint32_t version;            /* REC_VERSION */
	uint32_t event_size;         /* sizeof(struct rec_event) */
	uint32_t nr_cpus;
	uint32_t pad;
	uint64_t start_unix_ns;      /* wall clock when the scheduler started */
	char backend[16];            /* "bpf", "synth": what produced it */
	char policy[32];             /* the policy's file stem */
};

struct rec_event {
	uint64_t ts;                 /* REC_QUEUED: enqueue_ts; REC_EXIT: when seen */
	uint64_t start_ts, stop_ts;  /* its last run (0, 0: none since the last event) */
	uint64_t exec_runtime;       /* CPU time since it last slept */
	int32_t pid, tgid;
	int16_t cpu;                 /* the CPU it last ran on (-1: none) */
	uint16_t nr_cpus_allowed;
	uint16_t weight;             /* 1..10000, 100 = nice 0 */
	uint8_t kind;                /* REC_* */
	uint8_t flags;               /* REC_F_* */
	char comm[16];               /* NUL-terminated, zeros after it */
};
/* REC_END (the last event, written at a clean stop): ts = when, pid = 0,
 * start_ts = events recorded, stop_ts = events dropped. */

struct logring;

struct recorder {
	FILE *f;                     /* the log thread's (the loop reads `failed`) */
	struct logring *log;         /* its writer, woken at each quarter of the ring */
	struct rec_event *ring;      /* REC_RING, from the arena */
	uint64_t head, tail;         /* producer (loop) / consumer (log thread) */
	uint64_t nr_events;          /* put in the ring */
	uint64_t nr_dropped;         /* not: the ring was full, the cap reached, or writing failed */
	uint64_t nr_written;         /* in the file */
	bool failed;                 /* a write failed: the file is closed (atomic) */
	int err;                     /* that write's errno */
};

/* Opens @path (truncating) and writes the header; @ring holds REC_RING
 * events (the engine carves it when asked to record). 0 or negative errno,
 * with a message in @err naming the path and the fix. */
int recorder_open(struct recorder *r, struct rec_event *ring, const char *path,
		  uint32_t nr_cpus, const char *backend, const char *policy, char *err,
		  size_t errlen);
/* The loop's side: copy one drained record / one exit into the ring. */
void recorder_task(struct recorder *r, const struct scx_task *t);
void recorder_exit(struct recorder *r, int32_t pid, double now, double cpu_ns);
/* The log thread's side: write what the ring holds; true if that was a
 * quarter of it or more (the writer should come back soon). */
bool recorder_flush(void *r);
/* The log thread's look before a long sleep: a quarter of the ring or more
 * waits to be written. */
bool recorder_due(void *r);
/* After the log thread stopped: flush, write REC_END, close. */
int recorder_close(struct recorder *r, double now);

/* Reading, for sim --replay: the whole file into @out (malloc'd). 0 or
 * negative errno with a message naming the file and what is wrong. */
int record_read(const char *path, struct rec_header *h, struct rec_event **out, size_t *nr,
		char *err, size_t errlen);

#endif
