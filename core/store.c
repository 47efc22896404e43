// SPDX-License-Identifier: GPL-2.0-only
/*
 * store.c - pid-keyed task state (see store.h for the eviction rules).
 */
#include <errno.h>
#include <string.h>

#include "store.h"

#define EVICT_SAMPLE 8

static uint32_t hash_pid(int32_t pid)
{
	/* Fibonacci hashing: pids are dense and sequential, spread them. */
	return (uint32_t)((uint32_t)pid * 2654435769u);
}

/* Table slots for @cap entries: a power of two, at least twice @cap. */
static uint32_t table_size(uint32_t cap)
{
	uint32_t size = 2;

	while (size < 2 * (cap < 1 ? 1 : cap))
		size *= 2;
	return size;
}

size_t store_arena_bytes(uint32_t cap)
{
	return (size_t)table_size(cap) * sizeof(struct store_entry);
}

int store_init(struct store *s, struct arena *a, uint32_t cap)
{
	uint32_t size = table_size(cap);

	memset(s, 0, sizeof(*s));
	if (cap < 1)
		cap = 1;
	s->t = arena_carve(a, (size_t)size * sizeof(*s->t));
	s->mask = size - 1;
	s->cap = cap;
	return s->t ? 0 : -ENOMEM;
}

static uint32_t probe(const struct store *s, int32_t pid)
{
	uint32_t i = hash_pid(pid) & s->mask;

	while (s->t[i].used && s->t[i].pid != pid)
		i = (i + 1) & s->mask;
	return i;
}

void store_clear(struct store *s)
{
	memset(s->t, 0, ((size_t)s->mask + 1) * sizeof(*s->t));
	s->nr = 0;
	s->hand = 0;
	s->sweep = 0;
}

struct store_entry *store_find(struct store *s, int32_t pid)
{
	uint32_t i = probe(s, pid);

	return s->t[i].used ? &s->t[i] : NULL;
}

static void remove_at(struct store *s, uint32_t i)
{
	uint32_t j = i;

	/* Backward shift: pull later members of the probe run into the hole
	 * unless that would move them before their home slot. */
	for (;;) {
		uint32_t home;

		j = (j + 1) & s->mask;
		if (!s->t[j].used)
			break;
		home = hash_pid(s->t[j].pid) & s->mask;
		if (((j - home) & s->mask) >= ((j - i) & s->mask)) {
			s->t[i] = s->t[j];
			i = j;
		}
	}
	memset(&s->t[i], 0, sizeof(s->t[i]));
	s->nr--;
}

void store_remove(struct store *s, int32_t pid)
{
	uint32_t i = probe(s, pid);

	if (s->t[i].used)
		remove_at(s, i);
}

static void evict_one(struct store *s)
{
	uint32_t best = UINT32_MAX, seen = 0, i = s->hand;

	/* The table is at least half empty, so 8 used entries are near. */
	while (seen < EVICT_SAMPLE) {
		if (s->t[i].used) {
			if (best == UINT32_MAX || s->t[i].last_seen < s->t[best].last_seen)
				best = i;
			seen++;
		}
		i = (i + 1) & s->mask;
		if (i == s->hand)
			break;
	}
	s->hand = i;
	remove_at(s, best);
	s->nr_evictions++;
}

struct store_entry *store_get(struct store *s, int32_t pid, double now, bool *is_new)
{
	uint32_t i = probe(s, pid);

	*is_new = !s->t[i].used;
	if (*is_new) {
		if (s->nr == s->cap) {
			evict_one(s);
			i = probe(s, pid);
		}
		memset(&s->t[i], 0, sizeof(s->t[i]));
		s->t[i].pid = pid;
		s->t[i].used = 1;
		s->nr++;
	}
	s->t[i].last_seen = now;
	return &s->t[i];
}

uint32_t store_expire(struct store *s, double now, double ttl, uint32_t budget)
{
	uint32_t n = 0;

	if (budget > s->mask + 1)
		budget = s->mask + 1;
	while (budget--) {
		uint32_t i = s->sweep;

		/* remove_at() may shift a later entry into slot i: look again. */
		while (s->t[i].used && s->t[i].last_seen < now - ttl) {
			remove_at(s, i);
			n++;
		}
		s->sweep = (i + 1) & s->mask;
	}
	s->nr_expired += n;
	return n;
}
