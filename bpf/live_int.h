/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * live_int.h - the live backend's state, shared by its two user-space
 * files: load.c (open, configure, load, attach, detach) and live.c (the
 * backend operations the core calls every step, and the counters). Only
 * bpf/ includes it; the skeleton's types come with it.
 */
#ifndef SCX_LIVE_INT_H
#define SCX_LIVE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <bpf/libbpf.h>

/* The skeleton is generated with the kernel's type names. */
typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef int32_t s32;

#include "intf.h"
#include "live.h"
#include "rules.h"
#include "main.skel.h"

struct bpf_backend {
	struct scx_lua *skel;
	void *elf;                  /* patched copy the object was opened from */
	struct bpf_link *ops_link;  /* libbpf's view: holds the map update */
	int link_fd;                /* the real struct_ops link */
	/* queued ringbuf, mapped by hand */
	unsigned long *cons_pos;
	const unsigned long *prod_pos;
	const char *data;
	unsigned long mask, cons;
	void *map_cons, *map_prod;
	size_t map_prod_sz, page;
	int epfd;
	struct user_ring_buffer *urb;
	uint64_t base_ns;
	int nr_cpus;
	int pick_fd;
	bool park;                  /* the loop thread yields instead of sleeping */
	struct bpf_backend_tune tune_base;   /* the command line's settings */
	unsigned tune_fixed;
	unsigned int quick;         /* quick empty yields in a row */
	uint64_t step_nr;           /* records drained in this step so far */
	uint64_t step_start;        /* ns: its first record */
	char compact_old[16];       /* vm.compact_unevictable_allowed to restore, "": none */
	bool dump_printed;          /* the exit dump went to stderr already */
};

#endif
