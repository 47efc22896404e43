/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * heap.h - binary min-heap of pending tasks ordered by (deadline, seq).
 *
 * seq is a counter the core bumps on every enqueue, so equal deadlines keep
 * arrival order and the order is total (no two entries compare equal): a
 * policy that gives every task the same deadline gets FIFO, not chaos.
 * Storage is preallocated at init; push fails with -ENOSPC rather than grow.
 * push and pop are O(log n); peek, size O(1).
 */
#ifndef SCX_HEAP_H
#define SCX_HEAP_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"

struct heap_entry {
	double deadline;
	uint64_t seq;
	uint32_t slot;      /* index into the core's task pool */
};

struct heap {
	struct heap_entry *e;
	uint32_t nr, cap;
};

int heap_init(struct heap *h, struct arena *a, uint32_t cap);
/* 0, or -ENOSPC when full (the caller keeps the task). */
int heap_push(struct heap *h, double deadline, uint64_t seq, uint32_t slot);
/* Calling heap_pop() or heap_peek() on an empty heap is a bug. */
struct heap_entry heap_pop(struct heap *h);
const struct heap_entry *heap_peek(const struct heap *h);

static inline uint32_t heap_size(const struct heap *h) { return h->nr; }
static inline bool heap_empty(const struct heap *h) { return h->nr == 0; }

/* Re-key every entry to (0, its rank), keeping the order: ahead of any
 * later push whose seq is at least the number of entries. O(n log n). */
void heap_rank(struct heap *h);

/* For tests: true when every parent orders before its children. */
bool heap_valid(const struct heap *h);

#endif
