// SPDX-License-Identifier: GPL-2.0-only
/* Task store: lookups against a model through inserts, backward-shift
 * deletions, expiry and sampled-LRU eviction. */
#include "../core/store.c"
#include "test.h"

#define NPID 3000

int main(void)
{
	struct arena a;
	struct store s;
	static bool present[NPID];
	bool is_new;
	int bad = 0, nr = 0;

	arena_init(&a, 16u << 20, 0);
	CHECK(store_init(&s, &a, 2048) == 0, "init");

	/* Fixed: new, then found with its state. */
	store_get(&s, 42, 1.0, &is_new)->vtime = 7;
	CHECK(is_new, "first get is new");
	CHECK(store_get(&s, 42, 2.0, &is_new)->vtime == 7 && !is_new, "second get finds state");
	store_remove(&s, 42);
	CHECK(store_find(&s, 42) == NULL && s.nr == 0, "removed");

	/* Random inserts/removes below capacity against a model. */
	for (int op = 0; op < 200000; op++) {
		int32_t pid = (int32_t)(rnd64() % NPID);

		if (rnd64() % 2 && nr < 2000) {
			struct store_entry *e = store_get(&s, pid, op, &is_new);

			if (is_new == present[pid])
				bad++;
			if (is_new) {
				present[pid] = true;
				nr++;
				e->vtime = pid;
			} else if (e->vtime != pid) {
				bad++;
			}
		} else {
			store_remove(&s, pid);
			if (present[pid])
				nr--;
			present[pid] = false;
		}
		if (op % 997 == 0)
			for (int32_t p = 0; p < NPID; p++) {
				struct store_entry *e = store_find(&s, p);

				if ((e != NULL) != present[p] || (e && e->vtime != p))
					bad++;
			}
	}
	CHECK(bad == 0, "%d lookups disagreed with the model", bad);
	CHECK((int)s.nr == nr, "count %u vs model %d", s.nr, nr);

	/* Expiry: drop what was not seen recently, keep the rest. */
	for (int32_t p = 0; p < NPID; p++)
		store_remove(&s, p);
	for (int32_t p = 0; p < 1000; p++)
		store_get(&s, p, p < 500 ? 10.0 : 100.0, &is_new);
	CHECK(store_expire(&s, 150.0, 60.0, 100) < 500, "a bounded pass does part of the work");
	{
		uint32_t n = 0;

		for (int i = 0; i < 64; i++)
			n += store_expire(&s, 150.0, 60.0, 100);
		CHECK(s.nr == 500 && s.nr_expired == 500, "repeated passes expire all 500 (%u)", s.nr);
	}
	bad = 0;
	for (int32_t p = 0; p < 1000; p++)
		if ((store_find(&s, p) != NULL) != (p >= 500))
			bad++;
	CHECK(bad == 0, "%d wrong after expiry", bad);

	/* Full: eviction keeps capacity, takes an old entry, never fails. */
	for (int32_t p = 0; p < NPID; p++)
		store_remove(&s, p);
	for (int32_t p = 0; p < 2048; p++)
		store_get(&s, p, 1000.0 + p, &is_new);
	CHECK(s.nr == 2048, "filled");
	CHECK(store_get(&s, 100000, 5000.0, &is_new) != NULL && is_new, "insert into full store");
	CHECK(s.nr == 2048 && s.nr_evictions == 1, "evicted one (nr %u, evictions %llu)",
	      s.nr, (unsigned long long)s.nr_evictions);
	CHECK(store_find(&s, 100000) != NULL, "new entry present");
	for (int32_t p = 0; p < 5000; p++)
		store_get(&s, 200000 + p, 6000.0 + p, &is_new);
	CHECK(s.nr == 2048, "still at capacity after 5000 more");
	CHECK(store_find(&s, 200000 + 4999) != NULL, "latest entry present");

	/* Cleared (a shadow policy reloaded): empty, then fills to capacity
	 * again, every entry found and new. */
	store_clear(&s);
	CHECK(s.nr == 0 && store_find(&s, 200000 + 4999) == NULL, "cleared: nothing found");
	for (int32_t p = 0; p < 3 * 2048; p++) {
		struct store_entry *e = store_get(&s, 300000 + p, 20000.0 + p, &is_new);

		if (!e || !is_new || e->vtime != 0) {
			CHECK(0, "after a clear, pid %d is not new and zeroed", 300000 + p);
			break;
		}
	}
	CHECK(s.nr == 2048 && store_find(&s, 300000 + 3 * 2048 - 1) != NULL,
	      "after a clear: at capacity again, the latest found (nr %u)", s.nr);
	CHECK(store_arena_bytes(2048) == 4096 * sizeof(struct store_entry),
	      "the arena bytes are the table's");
	arena_free(&a);
	TEST_END("test_store");
}
