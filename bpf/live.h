/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * live.h - the live backend (bpf/main.bpf.c in the kernel).
 *
 * Order of use: bpf_backend_preflight() (root, sched_ext, BTF, nobody else
 * attached: each failure says what to do), bpf_backend_open() (load, not
 * yet scheduling), build the engine and load the policy, then
 * bpf_backend_attach() (from here the kernel sends tasks), and
 * bpf_backend_close() to detach. bpf_backend_ended() tells whether the
 * kernel stopped us, why, and whether it asked for a restart; on an error
 * exit it also prints the kernel's debug dump to stderr, once.
 */
#ifndef SCX_BACKEND_BPF_H
#define SCX_BACKEND_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "backend.h"
#include "counters.h"

/* The live path's rules' tunables (bpf/rules.h), settable while attached. */
struct bpf_backend_tune {
	unsigned long long preempt_min_ns;  /* run this long before a deadline preempts it */
	unsigned long long budget_ns;       /* a record waits at most this for the scheduler */
	bool preempt_sync;                  /* a sync wake-up may preempt too */
	bool keep_preempted;                /* a task we preempt keeps its deadline in BPF */
};

struct bpf_backend_cfg {
	bool partial;          /* -p: only SCHED_EXT tasks */
	bool full_user;        /* no idle fast path: every decision in user space */
	int exit_dump_len;
	bool verbose;           /* libbpf's debug output, verifier log included, and
				   the BPF side's decisions to the trace pipe */
	const char *ops_name;   /* the policy's name or file: root/ops shows
				   scx_lua_<it> (folder and .lua dropped, [A-Za-z0-9_]);
				   NULL: scx_lua */
	unsigned long long slice_ns;
	unsigned long long starve_ns;  /* starvation guard, 0 = off */
	size_t queue_bytes;     /* queued ringbuf size, 0 = default; power of two */
	struct bpf_backend_tune tune;
	unsigned tune_fixed;    /* BPF_TUNE_*: given on the command line, the policy's loses */
};

enum { BPF_TUNE_BUDGET = 1, BPF_TUNE_PREEMPT = 2 };

struct bpf_backend;
extern const struct backend_ops bpf_ops;

int bpf_backend_preflight(char *why, size_t len);
struct bpf_backend *bpf_backend_open(const struct bpf_backend_cfg *cfg, char *why, size_t len);
int bpf_backend_attach(struct bpf_backend *b, char *why, size_t len);
/* Closes the link: the kernel takes its tasks back. Idempotent. */
void bpf_backend_detach(struct bpf_backend *b);
void bpf_backend_close(struct bpf_backend *b);
int bpf_backend_nr_cpus(const struct bpf_backend *b);
int bpf_backend_ended(struct bpf_backend *b, char *why, size_t len, bool *restart);
/* The name the kernel's debug dump gives the policy (ops.dump): call it
 * after each policy load. Any time, attached or not. */
void bpf_backend_set_policy_name(struct bpf_backend *b, const char *name);
int bpf_backend_format_stats(struct bpf_backend *b, char *buf, size_t len);
/* A line per name of that stats line, saying what it counts. */
void bpf_backend_describe_stats(FILE *f);
/* The same counters as one JSON object. */
int bpf_backend_format_stats_json(struct bpf_backend *b, char *buf, size_t len);
/* Its description, as an entry of scx_stats' metadata map (json.h). */
size_t bpf_backend_stats_meta(char *buf, size_t len);
void bpf_backend_tune(struct bpf_backend *b, const struct bpf_backend_tune *t);
void bpf_backend_counters(struct bpf_backend *b, struct lua_counters *c);

#endif
