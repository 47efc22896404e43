// SPDX-License-Identifier: GPL-2.0-only
/* Heap: invariant after every operation, pop order against a sorted model. */
#include <stdlib.h>

#include "../core/heap.c"
#include "test.h"

static int cmp_entry(const void *a, const void *b)
{
	const struct heap_entry *x = a, *y = b;

	if (x->deadline != y->deadline)
		return x->deadline < y->deadline ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int main(void)
{
	struct arena a;
	struct heap h;
	struct heap_entry model[4096], e;
	uint32_t nm = 0;
	uint64_t seq = 0;
	int bad_order = 0, bad_valid = 0;

	arena_init(&a, 8u << 20, 0);
	CHECK(heap_init(&h, &a, 4096) == 0, "init");

	/* Fixed: equal deadlines pop in insertion (seq) order. */
	heap_push(&h, 5, seq++, 1);
	heap_push(&h, 3, seq++, 2);
	heap_push(&h, 5, seq++, 3);
	heap_push(&h, 3, seq++, 4);
	heap_push(&h, 1, seq++, 5);
	{
		uint32_t want[] = { 5, 2, 4, 1, 3 };

		for (int i = 0; i < 5; i++) {
			e = heap_pop(&h);
			CHECK(e.slot == want[i], "fixed pop %d gave slot %u, want %u", i, e.slot, want[i]);
		}
	}
	CHECK(heap_empty(&h), "empty after fixed");

	/* Full heap refuses, keeps its contents. */
	for (uint32_t i = 0; i < 4096; i++)
		heap_push(&h, (double)(rnd64() % 100), seq++, i);
	CHECK(heap_push(&h, 0, seq++, 9999) == -ENOSPC, "push on full heap");
	CHECK(heap_size(&h) == 4096 && heap_valid(&h), "full heap intact");
	while (!heap_empty(&h))
		heap_pop(&h);

	/* Random pushes and pops against a model; check after every op. */
	for (int op = 0; op < 200000; op++) {
		if (nm < 4096 && (nm == 0 || rnd64() % 3)) {
			struct heap_entry x = { (double)(rnd64() % 1000), seq++, (uint32_t)op };

			heap_push(&h, x.deadline, x.seq, x.slot);
			model[nm++] = x;
		} else {
			uint32_t best = 0;

			for (uint32_t i = 1; i < nm; i++)
				if (cmp_entry(&model[i], &model[best]) < 0)
					best = i;
			e = heap_pop(&h);
			if (e.seq != model[best].seq)
				bad_order++;
			model[best] = model[--nm];
		}
		if (!heap_valid(&h) || heap_size(&h) != nm)
			bad_valid++;
	}
	CHECK(bad_order == 0, "%d pops out of (deadline, seq) order", bad_order);
	CHECK(bad_valid == 0, "%d operations broke the heap invariant", bad_valid);

	/* heap_rank keeps the order (slots tell), re-keys to (0, rank), and
	 * everything pushed after it comes later, even with deadline 0.
	 * Then the drain order equals the sorted model. */
	qsort(model, nm, sizeof(model[0]), cmp_entry);
	CHECK(nm > 100, "%u entries left to rank", nm);
	heap_rank(&h);
	CHECK(heap_valid(&h) && heap_size(&h) == nm, "ranked heap intact");
	heap_push(&h, 0, seq++, 99999);
	bad_order = 0;
	for (uint32_t i = 0; i < nm; i++) {
		e = heap_pop(&h);
		if (e.slot != model[i].slot || e.deadline != 0 || e.seq != i)
			bad_order++;
	}
	CHECK(bad_order == 0, "ranked drain: %d out of order or not re-keyed", bad_order);
	CHECK(heap_size(&h) == 1 && heap_pop(&h).slot == 99999, "a later push comes after");
	arena_free(&a);
	TEST_END("test_heap");
}
