// SPDX-License-Identifier: GPL-2.0-only
/*
 * arena.c - map, lock and pre-fault one region; carve it at start-up.
 *
 * The scheduler must not fault while the machine waits on it, so the region
 * is populated up front (MAP_POPULATE, then a write to every page: populate
 * alone leaves read-only zero pages on some kernels) and the process is
 * locked with MCL_CURRENT|MCL_FUTURE. Locking needs CAP_IPC_LOCK or a high
 * RLIMIT_MEMLOCK; we raise the limit when we may and otherwise go on
 * unlocked and say so (the simulator and `check` do not need it).
 *
 * Deliberately not here: freeing pieces. Everything carved lives as long as
 * the process; the Lua heaps recycle memory inside their own piece.
 */
#include <alloca.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "arena.h"

#define ALIGN 64

int arena_init(struct arena *a, size_t size, unsigned flags)
{
	long page = sysconf(_SC_PAGESIZE);

	memset(a, 0, sizeof(*a));
	size = (size + page - 1) & ~(size_t)(page - 1);
	a->base = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (a->base == MAP_FAILED) {
		a->base = NULL;
		return -ENOMEM;
	}
	a->size = size;
	/* Write, not read: a read maps the shared zero page and the first
	 * write would still fault. */
	for (size_t off = 0; off < size; off += page)
		a->base[off] = 0;

	if (flags & ARENA_LOCK) {
		struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };

		setrlimit(RLIMIT_MEMLOCK, &rl); /* fails harmlessly when unprivileged */
		if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0)
			a->locked = true;
		else
			a->lock_errno = errno;
	}
	return 0;
}

void *arena_carve(struct arena *a, size_t size)
{
	size_t off = (a->used + ALIGN - 1) & ~(size_t)(ALIGN - 1);

	if (size > a->size || off > a->size - size) {
		errno = ENOMEM;
		return NULL;
	}
	a->used = off + size;
	return memset(a->base + off, 0, size);
}

size_t arena_left(const struct arena *a)
{
	return a->size - a->used;
}

void arena_free(struct arena *a)
{
	if (a->base)
		munmap(a->base, a->size);
	a->base = NULL;
}

void arena_prefault_stack(size_t bytes)
{
	char *buf = alloca(bytes);

	/* One write per page; the barrier keeps the compiler from eliding it. */
	for (size_t i = 0; i < bytes; i += 4096)
		buf[i] = 0;
	__asm__ volatile("" : : "r"(buf) : "memory");
}
