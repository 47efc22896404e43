// SPDX-License-Identifier: GPL-2.0-only
/*
 * buddy.c - binary buddy allocator (see buddy.h for why).
 *
 * Block of order k is (32 << k) bytes, aligned to its size relative to the
 * heap base. A free block sits on the doubly linked list of its order and
 * has its bit set; an allocated block has no record at all (its size comes
 * back from the caller, as Lua's allocator contract guarantees). The buddy
 * of the block at offset off, order k, is at off ^ (32 << k).
 */
#include <errno.h>
#include <string.h>

#include "buddy.h"

struct buddy_node {
	struct buddy_node *next, *prev;
};

static size_t block_size(unsigned order)
{
	return (size_t)1 << (BUDDY_MIN_SHIFT + order);
}

static unsigned order_of(size_t n)
{
	unsigned k = 0;

	while (block_size(k) < n)
		k++;
	return k;
}

static size_t bit_index(const struct buddy *b, size_t off, unsigned k)
{
	return b->bit_off[k] + (off >> (BUDDY_MIN_SHIFT + k));
}

static int is_free(const struct buddy *b, size_t off, unsigned k)
{
	size_t i = bit_index(b, off, k);

	return (b->bits[i / 64] >> (i % 64)) & 1;
}

static void set_free(struct buddy *b, size_t off, unsigned k, int on)
{
	size_t i = bit_index(b, off, k);

	if (on)
		b->bits[i / 64] |= 1ull << (i % 64);
	else
		b->bits[i / 64] &= ~(1ull << (i % 64));
}

static void push(struct buddy *b, size_t off, unsigned k)
{
	struct buddy_node *n = (struct buddy_node *)(b->base + off);

	n->prev = NULL;
	n->next = b->free[k];
	if (n->next)
		n->next->prev = n;
	b->free[k] = n;
	set_free(b, off, k, 1);
}

static void unlink_node(struct buddy *b, size_t off, unsigned k)
{
	struct buddy_node *n = (struct buddy_node *)(b->base + off);

	if (n->prev)
		n->prev->next = n->next;
	else
		b->free[k] = n->next;
	if (n->next)
		n->next->prev = n->prev;
	set_free(b, off, k, 0);
}

int buddy_init(struct buddy *b, struct arena *a, size_t size, size_t max_block)
{
	size_t nbits = 0;

	memset(b, 0, sizeof(*b));
	b->top_order = BUDDY_MAX_ORDERS - 1;
	while (b->top_order > 0 &&
	       (block_size(b->top_order) > max_block || block_size(b->top_order) > size))
		b->top_order--;
	b->nr_top = size / block_size(b->top_order);
	b->size = b->nr_top * block_size(b->top_order);
	for (unsigned k = 0; k <= b->top_order; k++) {
		b->bit_off[k] = nbits;
		nbits += (b->size >> (BUDDY_MIN_SHIFT + k)) + 1;
	}
	b->bits = arena_carve(a, (nbits + 63) / 64 * 8);
	b->base = arena_carve(a, b->size);
	if (!b->bits || !b->base || !b->nr_top)
		return -ENOMEM;
	buddy_reset(b);
	return 0;
}

void buddy_reset(struct buddy *b)
{
	memset(b->bits, 0, (b->bit_off[b->top_order] +
			    (b->size >> (BUDDY_MIN_SHIFT + b->top_order)) + 1 + 63) / 64 * 8);
	memset(b->free, 0, sizeof(b->free));
	for (size_t i = b->nr_top; i-- > 0;)
		push(b, i * block_size(b->top_order), b->top_order);
	b->used = 0;
}

void *buddy_alloc(struct buddy *b, size_t n)
{
	unsigned k = order_of(n ? n : 1), j = k;
	size_t off;

	while (j <= b->top_order && !b->free[j])
		j++;
	if (j > b->top_order) {
		b->nr_failed++;
		return NULL;
	}
	off = (char *)b->free[j] - b->base;
	unlink_node(b, off, j);
	/* Split down to order k, freeing the upper halves. */
	while (j > k) {
		j--;
		push(b, off + block_size(j), j);
	}
	b->used += block_size(k);
	if (b->used > b->peak)
		b->peak = b->used;
	return b->base + off;
}

void buddy_free(struct buddy *b, void *p, size_t n)
{
	size_t off = (char *)p - b->base;
	unsigned k = order_of(n ? n : 1);

	b->used -= block_size(k);
	while (k < b->top_order) {
		size_t mate = off ^ block_size(k);

		if (!is_free(b, mate, k))
			break;
		unlink_node(b, mate, k);
		off &= ~block_size(k);
		k++;
	}
	push(b, off, k);
}

/* Give back the upper halves of a block in place: never fails, never moves. */
static void shrink(struct buddy *b, void *p, unsigned from, unsigned to)
{
	size_t off = (char *)p - b->base;

	while (from > to) {
		from--;
		/* The lower half stays allocated, so the upper half cannot merge. */
		push(b, off + block_size(from), from);
		b->used -= block_size(from);
	}
}

void *buddy_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct buddy *b = ud;
	unsigned ko, kn;
	void *q;

	if (nsize == 0) {
		if (ptr)
			buddy_free(b, ptr, osize);
		return NULL;
	}
	if (!ptr)
		return buddy_alloc(b, nsize);
	ko = order_of(osize ? osize : 1);
	kn = order_of(nsize);
	if (kn == ko)
		return ptr;
	if (kn < ko) {
		shrink(b, ptr, ko, kn);
		return ptr;
	}
	q = buddy_alloc(b, nsize);
	if (!q)
		return NULL; /* Lua keeps the old block and raises "not enough memory" */
	memcpy(q, ptr, osize);
	buddy_free(b, ptr, osize);
	return q;
}

int buddy_check(const struct buddy *b)
{
	size_t free_bytes = 0, nbits_set = 0;

	for (unsigned k = 0; k <= b->top_order; k++) {
		const struct buddy_node *prev = NULL;

		for (const struct buddy_node *n = b->free[k]; n; prev = n, n = n->next) {
			size_t off = (const char *)n - b->base;

			if (n->prev != prev || off % block_size(k) || off >= b->size ||
			    !is_free(b, off, k))
				return -EUCLEAN;
			/* A free block whose buddy is free too should have merged. */
			if (k < b->top_order && is_free(b, off ^ block_size(k), k))
				return -EUCLEAN;
			free_bytes += block_size(k);
		}
		for (size_t off = 0; off < b->size; off += block_size(k))
			nbits_set += is_free(b, off, k);
	}
	/* Every set bit is on a list, and free + used covers the heap. */
	for (unsigned k = 0; k <= b->top_order; k++)
		for (const struct buddy_node *n = b->free[k]; n; n = n->next)
			nbits_set--;
	if (nbits_set != 0 || free_bytes + b->used != b->size)
		return -EUCLEAN;
	return 0;
}
