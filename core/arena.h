/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * arena.h - the one preallocated, locked region all hot-path memory comes from.
 *
 * arena_init() maps the region, locks the process's memory (current and
 * future mappings, so LuaJIT's machine-code areas are locked as they appear)
 * and touches every page, so the loop never takes a page fault on it.
 * arena_carve() hands out fixed pieces at start-up; there is no free. The
 * Lua states get their pieces and run a buddy allocator inside (buddy.h).
 */
#ifndef SCX_ARENA_H
#define SCX_ARENA_H

#include <stdbool.h>
#include <stddef.h>

enum {
	ARENA_LOCK = 1, /* mlockall(); failure is reported, not fatal */
};

struct arena {
	char *base;
	size_t size;
	size_t used;
	bool locked;      /* mlockall() succeeded */
	int lock_errno;   /* why it did not */
};

/* Returns 0 or a negative errno (-ENOMEM: the region cannot be mapped). */
int arena_init(struct arena *a, size_t size, unsigned flags);
/* 64-byte aligned, zeroed; NULL with errno = ENOMEM when the arena is full. */
void *arena_carve(struct arena *a, size_t size);
size_t arena_left(const struct arena *a);
void arena_free(struct arena *a);
/* Touch @bytes of stack now, so deep calls later do not fault. */
void arena_prefault_stack(size_t bytes);

#endif
