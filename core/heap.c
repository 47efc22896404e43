// SPDX-License-Identifier: GPL-2.0-only
/*
 * heap.c - the pending-task min-heap (see heap.h).
 *
 * 0-based array, children of i at 2i+1 and 2i+2. Sift with a hole instead of
 * swaps (one store per level). Entries are 24 bytes, so a 64k-task heap is
 * 1.5 MiB and its top levels stay in cache.
 */
#include <errno.h>

#include "heap.h"

static inline bool before(const struct heap_entry *a, const struct heap_entry *b)
{
	if (a->deadline != b->deadline)
		return a->deadline < b->deadline;
	return a->seq < b->seq;
}

int heap_init(struct heap *h, struct arena *a, uint32_t cap)
{
	h->e = arena_carve(a, (size_t)cap * sizeof(*h->e));
	h->nr = 0;
	h->cap = cap;
	return h->e ? 0 : -ENOMEM;
}

int heap_push(struct heap *h, double deadline, uint64_t seq, uint32_t slot)
{
	struct heap_entry x = { deadline, seq, slot };
	uint32_t i;

	if (h->nr == h->cap)
		return -ENOSPC;
	i = h->nr++;
	while (i > 0) {
		uint32_t parent = (i - 1) / 2;

		if (!before(&x, &h->e[parent]))
			break;
		h->e[i] = h->e[parent];
		i = parent;
	}
	h->e[i] = x;
	return 0;
}

struct heap_entry heap_pop(struct heap *h)
{
	struct heap_entry top = h->e[0], x = h->e[--h->nr];
	uint32_t i = 0, n = h->nr;

	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && before(&h->e[c + 1], &h->e[c]))
			c++;
		if (!before(&h->e[c], &x))
			break;
		h->e[i] = h->e[c];
		i = c;
	}
	if (n)
		h->e[i] = x;
	return top;
}

const struct heap_entry *heap_peek(const struct heap *h)
{
	return &h->e[0];
}

void heap_rank(struct heap *h)
{
	uint32_t n = h->nr;

	/* Heapsort in place: each pop frees the cell it is stored in, so the
	 * array ends up in descending order, which is reversed into an
	 * ascending one (itself a valid heap) without other memory. */
	while (h->nr) {
		struct heap_entry x = heap_pop(h);

		h->e[h->nr] = x;
	}
	for (uint32_t i = 0; i < n / 2; i++) {
		struct heap_entry t = h->e[i];

		h->e[i] = h->e[n - 1 - i];
		h->e[n - 1 - i] = t;
	}
	for (uint32_t i = 0; i < n; i++) {
		h->e[i].deadline = 0;
		h->e[i].seq = i;
	}
	h->nr = n;
}

bool heap_valid(const struct heap *h)
{
	for (uint32_t i = 1; i < h->nr; i++)
		if (before(&h->e[i], &h->e[(i - 1) / 2]))
			return false;
	return true;
}
