// SPDX-License-Identifier: GPL-2.0-only
/* Buddy allocator: free lists and bitmap consistent after every operation,
 * no two live blocks overlap (patterns survive), exhaustion is an error not
 * a crash, and a real LuaJIT state runs on it and gives everything back. */
#include <lauxlib.h>
#include <lualib.h>

#include "../core/buddy.c"
#include "test.h"

#define NLIVE 512

struct live {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static bool intact(const struct live *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->p[i] != l->tag)
			return false;
	return true;
}

int main(void)
{
	struct arena a;
	struct buddy b;
	static struct live live[NLIVE];
	int bad_check = 0, bad_data = 0, fails = 0;
	void *p, *q;

	arena_init(&a, 64u << 20, 0);
	CHECK(buddy_init(&b, &a, 8u << 20, 1u << 20) == 0, "init");
	CHECK(b.size == (8u << 20) && b.nr_top == 8, "8 top blocks of 1 MiB (size %zu)", b.size);
	CHECK(buddy_check(&b) == 0, "fresh heap consistent");

	for (int op = 0; op < 100000; op++) {
		struct live *l = &live[rnd64() % NLIVE];

		if (l->p) {
			if (!intact(l))
				bad_data++;
			if (rnd64() % 4 == 0) { /* realloc through the Lua entry point */
				size_t n = 1 + rnd64() % 5000;
				unsigned char *r = buddy_lua_alloc(&b, l->p, l->n, n);

				if (r) {
					for (size_t i = 0; i < (n < l->n ? n : l->n); i++)
						if (r[i] != l->tag)
							bad_data++;
					l->p = r;
					l->n = n;
					memset(l->p, l->tag, n);
				}
			} else {
				buddy_lua_alloc(&b, l->p, l->n, 0);
				l->p = NULL;
			}
		} else {
			l->n = 1 + (rnd64() % 8 == 0 ? rnd64() % 200000 : rnd64() % 300);
			l->p = buddy_lua_alloc(&b, NULL, 0, l->n);
			if (!l->p) {
				fails++;
				continue;
			}
			l->tag = (unsigned char)(op | 1);
			memset(l->p, l->tag, l->n);
		}
		if (op % 64 == 0 && buddy_check(&b))
			bad_check++;
	}
	CHECK(bad_check == 0, "%d consistency failures", bad_check);
	CHECK(bad_data == 0, "%d overlapping or moved blocks", bad_data);
	for (int i = 0; i < NLIVE; i++)
		if (live[i].p)
			buddy_free(&b, live[i].p, live[i].n);
	CHECK(b.used == 0 && buddy_check(&b) == 0, "all freed: used %zu", b.used);
	CHECK(b.free[b.top_order] != NULL, "fully coalesced back to top blocks");

	/* Exhaustion: NULL and counted, never a crash; shrink never fails. */
	p = buddy_alloc(&b, 1u << 20);
	CHECK(p != NULL, "top block");
	CHECK(buddy_alloc(&b, (1u << 20) + 1) == NULL && b.nr_failed >= 1, "too big is refused");
	q = buddy_lua_alloc(&b, p, 1u << 20, 100);
	CHECK(q == p && buddy_check(&b) == 0, "shrink in place");
	buddy_free(&b, q, 100);
	while ((p = buddy_alloc(&b, 4096)))
		fails++;
	CHECK(b.used == b.size, "heap fills completely");
	buddy_reset(&b);
	CHECK(b.used == 0 && buddy_check(&b) == 0, "reset frees everything");

	/* A real Lua state on the heap. */
	{
		lua_State *L = lua_newstate(buddy_lua_alloc, &b);

		CHECK(L != NULL, "lua_newstate on a buddy heap");
		if (L) {
			luaL_openlibs(L);
			CHECK(luaL_dostring(L, "local t = {} for i = 1, 20000 do t[i] = tostring(i) end "
					      "assert(#t == 20000) t = nil collectgarbage()") == 0,
			      "Lua runs: %s", lua_tostring(L, -1));
			CHECK(luaL_dostring(L, "local t = {} while true do t[#t+1] = string.rep('x', 65536) .. #t end") != 0,
			      "a runaway allocation fails with an error");
			CHECK(strstr(lua_tostring(L, -1), "not enough memory") != NULL,
			      "error is 'not enough memory': %s", lua_tostring(L, -1));
			lua_close(L);
			CHECK(b.used == 0, "lua_close returns every byte (used %zu)", b.used);
		}
	}
	arena_free(&a);
	TEST_END("test_buddy");
}
