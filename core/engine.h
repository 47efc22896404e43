/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * engine.h - one scheduler instance: the arena and everything carved from
 * it (log ring, stats, loop, policy host), put together in the one order
 * that works. Commands (run, check, the benchmarks, the simulator) build an
 * engine on top of a backend and drive sched_step() their own way.
 */
#ifndef SCX_ENGINE_H
#define SCX_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "arena.h"
#include "backend.h"
#include "logring.h"
#include "policy.h"
#include "record.h"
#include "sched.h"

struct engine_cfg {
	size_t arena_bytes;
	bool lock;               /* mlockall (the live backend) */
	bool record;             /* reserve the recording's ring (engine_record) */
	bool shadow;             /* reserve a shadow policy's memory (engine_shadow) */
	struct sched_cfg sched;
	struct policy_cfg policy;
	/* Per CPU, filled by engine_cfg_default from sysfs; commands may override. */
	int32_t cpu_llc[1024];   /* last-level cache id */
	int32_t cpu_node[1024];  /* NUMA node */
	int32_t cpu_core[1024];  /* physical core: the lowest CPU among its SMT siblings */
};

struct engine {
	struct arena arena;
	struct logring log;
	struct scx_stats *stats;
	struct sched sched;
	struct policy_host ph;
	struct recorder rec;
	struct rec_event *rec_ring;   /* cfg.record: REC_RING events */
	struct shadow shadow;         /* cfg.shadow: carved, loaded by engine_shadow */
};

/* 0 or negative errno, with a message on stderr saying what to change. */
int engine_init(struct engine *e, const struct engine_cfg *cfg,
		const struct backend_ops *be, void *bctx);
void engine_free(struct engine *e);
/* Start recording what the loop drains into @path (cfg.record must have
 * been set); the log thread writes it. Before logring_start(). 0 or
 * negative errno with a message in @err. */
int engine_record(struct engine *e, const char *path, const char *backend, const char *policy,
		  char *err, size_t errlen);
/* Load @path as a shadow policy (cfg.shadow must have been set): it
 * decides every batch beside the live one, for comparison (shadow.h). 0 or
 * negative errno with e->ph.err saying why. */
int engine_shadow(struct engine *e, const char *path);
/* After logring_stop(): the rest of the recording and its trailer. */
int engine_record_close(struct engine *e);
/* Defaults shared by every command (slices, sizes, budgets). */
void engine_cfg_default(struct engine_cfg *cfg);
/* One human-readable stats line, newline-terminated. */
int engine_format_stats(struct engine *e, char *buf, size_t len);
/* A line per name of that stats line, saying what it counts. */
void engine_describe_stats(FILE *f);
/* The same counters as one JSON object, values unscaled (ns, bytes). */
int engine_format_stats_json(struct engine *e, char *buf, size_t len);
/* Its description, as an entry of scx_stats' metadata map (json.h). */
size_t engine_stats_meta(char *buf, size_t len);

#endif
