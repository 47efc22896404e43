/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * store.h - per-task state that outlives one enqueue: keyed by pid, in the
 * arena, bounded.
 *
 * What is kept: the task's vtime and the policy's scratch slots (copied into
 * and out of struct scx_task around each policy call, so they survive policy
 * reloads), plus bookkeeping.
 *
 * When entries go: (1) the backend reports the task exited (store_remove);
 * (2) the pid was not seen for the TTL (store_expire, run from the tick) --
 * safe for vtime policies because a sleeper's vtime is clamped to the
 * global floor on wake-up anyway; (3) the store is full: the least recently
 * seen of a sample of entries is evicted (Redis' sampled LRU), counted in
 * nr_evictions. A lookup therefore always succeeds: the scheduler never
 * refuses a task because its bookkeeping is full.
 *
 * Open addressing with linear probing at load <= 1/2 and backward-shift
 * deletion (no tombstones). Lookup O(1) expected; expire O(budget).
 */
#ifndef SCX_STORE_H
#define SCX_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "policy_abi.h"

struct store_entry {
	int32_t pid;
	uint32_t used;
	double last_seen;
	double vtime;
	double last_stop_ts;  /* stop_ts of the last record: a repeat means no new run */
	struct scx_scratch scratch;
	uint64_t nr_enqueues;
	uint32_t rule;        /* the policy's rule for it (t->rule) */
	uint32_t introducing; /* a record "an idle CPU took it" in this batch, unanswered */
};

struct store {
	struct store_entry *t;
	uint32_t mask;        /* table size - 1 */
	uint32_t nr, cap;     /* entries, maximum entries */
	uint32_t hand;        /* where the next eviction sample starts */
	uint32_t sweep;       /* where the next expiry pass starts */
	uint64_t nr_evictions, nr_expired;
};

int store_init(struct store *s, struct arena *a, uint32_t cap);
/* The arena bytes store_init() carves for @cap. */
size_t store_arena_bytes(uint32_t cap);
/* Forget every entry (the counters stay). */
void store_clear(struct store *s);
/* Find @pid or make a zeroed entry for it (*is_new set). Never NULL. */
struct store_entry *store_get(struct store *s, int32_t pid, double now, bool *is_new);
struct store_entry *store_find(struct store *s, int32_t pid);
void store_remove(struct store *s, int32_t pid);
/* Drop entries last seen before @now - @ttl, looking at @budget table
 * slots from where the previous call stopped (the whole table takes
 * size/budget calls), so no single call costs O(table). An entry moved
 * behind the sweep by a deletion waits for the next pass. Returns how many. */
uint32_t store_expire(struct store *s, double now, double ttl, uint32_t budget);

#endif
