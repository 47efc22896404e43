/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * buddy.h - a binary buddy allocator over a piece of the arena; the
 * allocator behind each LuaJIT state (lua_newstate with buddy_lua_alloc).
 *
 * Why buddy: Lua's allocator contract passes the old size on every free and
 * realloc, so blocks need no header; buddies coalesce in O(log n) with a
 * free bitmap; and the whole heap can be dropped in O(orders) by
 * buddy_reset(), which is how the core discards a Lua state it had to
 * abandon mid-call (see policy.c). Costs up to 2x internal fragmentation,
 * paid from a preallocated region that is sized for it.
 *
 * All calls are O(log(size / 32)). Not thread-safe: one heap, one thread.
 */
#ifndef SCX_BUDDY_H
#define SCX_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"

#define BUDDY_MIN_SHIFT 5   /* 32-byte smallest block */
#define BUDDY_MAX_ORDERS 26 /* up to 32 B << 25 = 1 GiB blocks */

struct buddy_node;

struct buddy {
	char *base;
	size_t size;             /* nr_top << (MIN_SHIFT + top_order) */
	unsigned top_order;
	size_t nr_top;
	struct buddy_node *free[BUDDY_MAX_ORDERS];
	uint64_t *bits;          /* one bit per block per order: set = free */
	size_t bit_off[BUDDY_MAX_ORDERS];
	size_t used, peak;       /* bytes in allocated blocks */
	uint64_t nr_failed;      /* allocations refused: heap exhausted */
};

/* Carves about @size bytes (rounded down to whole top blocks of at most
 * @max_block bytes) plus its bitmap from @a. 0 or -ENOMEM. */
int buddy_init(struct buddy *b, struct arena *a, size_t size, size_t max_block);
/* Forget every allocation: the heap is entirely free again. */
void buddy_reset(struct buddy *b);
/* NULL when no block is large enough (counted in nr_failed). */
void *buddy_alloc(struct buddy *b, size_t n);
/* @n must be the size given at allocation (or the last realloc). */
void buddy_free(struct buddy *b, void *p, size_t n);
/* lua_Alloc: @ud is the struct buddy. Shrinking never fails or moves. */
void *buddy_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* Debug/test: walks the free lists and bitmap; returns 0 or -EUCLEAN. */
int buddy_check(const struct buddy *b);

#endif
