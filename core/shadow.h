/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * shadow.h - `run --shadow CANDIDATE.lua`: a second policy decides every
 * batch the live one decides, on the same inputs, and its decisions are
 * compared and thrown away. What it reports, per batch of two tasks or more:
 * the rank correlation (Spearman's rho) of the two orders by deadline, and
 * per task whether the candidate would have run it earlier, later or in
 * the same place in the batch, on another CPU, with another slice.
 *
 * The candidate has its own per-task state (vtime, scratch, rule) in its
 * own store, its own stats and rule table, so it evolves as it would live.
 * Left out, and said so in its stats' help: its rules are never published
 * (the kernel applies the live policy's), it sees no OBSERVED flag (it
 * decides every task), scx.select_cpu answers "any CPU" to it (asking the
 * kernel would claim an idle CPU the live policy may need), and the
 * comparison is within a batch, not against tasks already queued.
 *
 * Promotion (SIGHUP with --promote) makes the candidate the live policy:
 * its file is loaded as a reload would, and it inherits the per-task
 * state the shadow built.
 */
#ifndef SCX_SHADOW_H
#define SCX_SHADOW_H

#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "policy_abi.h"
#include "store.h"

struct shadow_counts {
	uint64_t nr_decided;         /* tasks it decided (rule-decided ones left out) */
	uint64_t nr_batches;         /* batches of two tasks or more, ranked */
	uint64_t nr_ranked;          /* tasks in them */
	uint64_t nr_earlier, nr_later, nr_same;  /* the candidate's place against the live one's */
	uint64_t nr_cpu_differ;      /* another CPU asked */
	uint64_t nr_slice_differ;    /* another slice (by more than 1%, or not a number) */
	uint64_t nr_bad;             /* deadlines the core would have corrected */
	double rho_sum;              /* rho x tasks, over the ranked batches */
	double rho_min;
};

struct sched;

struct shadow {
	struct sched *s;
	struct store store;          /* the candidate's per-task state */
	struct scx_task *save;       /* batch_max: the live inputs, put back after it ran */
	double *key;                 /* batch_max: its deadlines */
	double *slice;
	double *live;                /* batch_max: the live deadlines, validated */
	int32_t *cpu;
	uint32_t *ra, *rb;           /* batch_max: ranks, live / candidate */
	uint32_t *pos, *idx, *tmp;   /* batch_max: compared positions, sort scratch */
	struct scx_stats stats;      /* its calls, time, errors (host.stats for it) */
	struct scx_rule rules[SCX_RULE_MAX];
	struct scx_tune tune;
	uint32_t rules_gen;
	struct scx_host host;
	struct shadow_counts c;
	uint32_t batch_max;
	double last_report_ns;       /* its own rate limit: it never hides the live policy's */
	uint64_t nr_suppressed;
	char path[4096];
	char name[64];               /* its P.name, kept when it stops */
	char stopped[256];           /* why it stopped, "" while it runs */
};

/* The arena bytes shadow_init() carves for @batch_max and @store_cap. */
size_t shadow_arena_bytes(uint32_t batch_max, uint32_t store_cap);
/* Carve its memory (before the Lua heaps take the rest); then load @path as
 * the candidate beside @s's policy. 0, or a negative errno with the reason
 * in s->ph->err. */
int shadow_init(struct shadow *sh, struct arena *a, struct sched *s);
int shadow_load(struct shadow *sh, struct sched *s, const char *path);
/* Before the live policy's call: the candidate decides the batch. */
void shadow_before(struct shadow *sh, struct sched *s, uint32_t n, double now);
/* After the live decisions were validated: compare. */
void shadow_after(struct shadow *sh, struct sched *s, uint32_t n);
void shadow_tick(struct shadow *sh, struct sched *s, double now);
/* Its file was loaded as the live policy (a promotion): the live policy
 * goes on with the per-task state the shadow built. */
void shadow_adopt(struct shadow *sh, struct sched *s);
/* One "[shadow] ..." stats line / a JSON object of the same counters. */
int shadow_format(const struct shadow *sh, char *buf, size_t len);
int shadow_format_json(const struct shadow *sh, char *buf, size_t len);
/* Its entry of scx_stats' metadata map (json.h). */
size_t shadow_stats_meta(char *buf, size_t len);
void shadow_describe(FILE *f);

#endif
