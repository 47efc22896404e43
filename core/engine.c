// SPDX-License-Identifier: GPL-2.0-only
/*
 * engine.c - assemble an engine (see engine.h).
 *
 * Arena layout, in carve order: log ring, stats, loop structures (task
 * slots, heap, store, batch arrays), then the rest split into the two Lua
 * heaps. The Lua heaps take what is left, so --arena-mb grows only them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "json.h"

/* The first number in sysfs file @path, or @dflt. */
static int sysfs_int(const char *path, int dflt)
{
	FILE *f = fopen(path, "r");
	int v;

	if (!f)
		return dflt;
	if (fscanf(f, "%d", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

/* @cpu's NUMA node: sysfs links cpuN/nodeM, or 0 without NUMA. */
static int cpu_node(int cpu)
{
	char path[96];

	for (int n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/node%d", cpu, n);
		if (access(path, F_OK) == 0)
			return n;
	}
	return 0;
}

/*
 * The machine as the kernel reports it, for the CPUs the system has (each
 * probe of a missing one is a failed open): the LLC (L3, else L2), the
 * NUMA node, and the physical core as the lowest CPU of its SMT siblings
 * (a CPU without siblings is its own core).
 */
static void topology_read(struct engine_cfg *cfg)
{
	long nconf = sysconf(_SC_NPROCESSORS_CONF);

	for (int c = 0; c < 1024; c++) {
		char path[96];

		cfg->cpu_llc[c] = 0;
		cfg->cpu_node[c] = 0;
		cfg->cpu_core[c] = c;
		if (c >= nconf)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index3/id", c);
		cfg->cpu_llc[c] = sysfs_int(path, -1);
		if (cfg->cpu_llc[c] < 0) {
			snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/cache/index2/id", c);
			cfg->cpu_llc[c] = sysfs_int(path, 0);
		}
		cfg->cpu_node[c] = cpu_node(c);
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		cfg->cpu_core[c] = sysfs_int(path, c);
	}
}

void engine_cfg_default(struct engine_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->arena_bytes = 256u << 20;
	cfg->sched.max_tasks = 8192;
	cfg->sched.store_cap = 32768;
	cfg->sched.batch_max = 512;
	cfg->sched.nr_cpus = 4;
	cfg->sched.slice_ns = 20e6;
	cfg->sched.slice_min_ns = 1e6;
	cfg->sched.slice_max_ns = 100e6;
	cfg->sched.tick_ns = 100e6;
	cfg->sched.store_ttl_ns = 60e9;
	cfg->policy.sandbox = true;
	cfg->policy.watchdog_ms = 250;
	topology_read(cfg);
}

int engine_init(struct engine *e, const struct engine_cfg *cfg,
		const struct backend_ops *be, void *bctx)
{
	struct policy_pool pool;
	struct policy_cfg pc = cfg->policy;
	size_t need = sched_arena_bytes(&cfg->sched) + LOGRING_SLOTS * sizeof(struct logring_slot) +
		      (cfg->record ? REC_RING * sizeof(struct rec_event) : 0) +
		      (cfg->shadow ? shadow_arena_bytes(cfg->sched.batch_max, cfg->sched.store_cap) : 0);
	size_t heap;
	int err;

	memset(e, 0, sizeof(*e));
	err = arena_init(&e->arena, cfg->arena_bytes, cfg->lock ? ARENA_LOCK : 0);
	if (err) {
		fprintf(stderr, "scx_lua: cannot map a %zu MiB arena: %s; lower --arena-mb\n",
			cfg->arena_bytes >> 20, strerror(-err));
		return err;
	}
	if (cfg->lock && !e->arena.locked)
		fprintf(stderr, "scx_lua: warning: cannot lock memory (%s): the scheduler may "
			"page-fault; run as root or raise RLIMIT_MEMLOCK\n",
			strerror(e->arena.lock_errno));
	if (need + (8u << 20) > cfg->arena_bytes) {
		fprintf(stderr, "scx_lua: --arena-mb %zu is too small: the loop alone needs %zu MiB "
			"and each policy heap at least 4 MiB\n", cfg->arena_bytes >> 20,
			(need >> 20) + 1);
		return -ENOMEM;
	}
	logring_init(&e->log, arena_carve(&e->arena, LOGRING_SLOTS * sizeof(struct logring_slot)));
	e->stats = arena_carve(&e->arena, sizeof(*e->stats));
	if (cfg->record)
		e->rec_ring = arena_carve(&e->arena, REC_RING * sizeof(struct rec_event));
	err = sched_init(&e->sched, &e->arena, &cfg->sched, be, bctx, e->stats);
	if (err)
		return err;
	if (cfg->shadow) {
		err = shadow_init(&e->shadow, &e->arena, &e->sched);
		if (err)
			return err;
	}

	/* Each buddy heap also carves a bitmap of ~1/128 of its size. */
	heap = (arena_left(&e->arena) - 4096) / 2;
	heap -= heap / 64;
	pool = (struct policy_pool){ .tasks = e->sched.tasks, .nr_tasks = cfg->sched.max_tasks,
				     .batch = e->sched.batch, .select_cpu = be->select_cpu,
				     .ctx = bctx };
	pc.nr_cpus = cfg->sched.nr_cpus;
	pc.cpu_llc = cfg->cpu_llc;
	pc.cpu_node = cfg->cpu_node;
	pc.cpu_core = cfg->cpu_core;
	pc.slice_ns = cfg->sched.slice_ns;
	pc.slice_min_ns = cfg->sched.slice_min_ns;
	pc.slice_max_ns = cfg->sched.slice_max_ns;
	pc.tick_ns = cfg->sched.tick_ns;
	err = policy_host_init(&e->ph, &e->arena, heap, &pc, &pool, e->stats, &e->log);
	if (err) {
		fprintf(stderr, "scx_lua: cannot set up the policy host: %s\n", strerror(-err));
		return err;
	}
	/* scx.rule() writes the core's rule table directly (rulebook.h). */
	e->ph.host.rules = e->sched.rules.defs;
	e->ph.host.tune = e->sched.rules.tune;
	e->ph.host.rules_gen = e->sched.rules.gen;
	e->sched.ph = &e->ph;
	return 0;
}

int engine_record(struct engine *e, const char *path, const char *backend, const char *policy,
		  char *err, size_t errlen)
{
	int rc = recorder_open(&e->rec, e->rec_ring, path, (uint32_t)e->sched.cfg.nr_cpus,
			       backend, policy, err, errlen);

	if (rc)
		return rc;
	e->sched.rec = &e->rec;
	e->rec.log = &e->log;
	e->log.flush = recorder_flush;
	e->log.due = recorder_due;
	e->log.flush_arg = &e->rec;
	return 0;
}

int engine_shadow(struct engine *e, const char *path)
{
	if (!e->sched.shadow) {
		snprintf(e->ph.err, sizeof(e->ph.err), "no room was reserved for a shadow");
		return -EINVAL;
	}
	return shadow_load(&e->shadow, &e->sched, path);
}

int engine_record_close(struct engine *e)
{
	logring_stop(&e->log);
	e->sched.rec = NULL;
	e->log.flush = NULL;
	e->log.due = NULL;
	return recorder_close(&e->rec, e->sched.be->now(e->sched.bctx));
}

void engine_free(struct engine *e)
{
	logring_stop(&e->log);
	if (e->rec.ring)
		(void)engine_record_close(e);
	policy_host_free(&e->ph);
	arena_free(&e->arena);
}

/* The counters the core keeps elsewhere, brought into e->stats. */
static void stats_refresh(struct engine *e)
{
	sched_update_stats(&e->sched);
	e->stats->nr_log_dropped = e->log.nr_dropped;
	if (!policy_active(&e->ph))
		e->stats->lua_mem = 0;
}

/* What engine_format_stats() prints, name by name, in its order. */
static const char *const stats_help[][2] = {
	{ "policy", "the policy's name (P.name)" },
	{ "queued", "tasks received from the backend" },
	{ "dispatched", "decisions the backend accepted" },
	{ "requeued", "decisions refused and put back in the heap, original key kept" },
	{ "pending", "tasks in the heap now" },
	{ "batches", "policy calls over a batch" },
	{ "errors", "policy calls that raised an error" },
	{ "fallback", "batches ordered by the built-in fallback instead of the policy" },
	{ "bad(d/s/c)", "outputs corrected: deadlines, slices, CPUs" },
	{ "watchdog", "policy calls stopped for running past --watchdog-ms" },
	{ "reloads", "policy reloads done / refused (the old policy kept running)" },
	{ "evicted", "pids dropped from the full task store, least recently seen first" },
	{ "faults", "page faults of the scheduler process since warm-up (want 0)" },
	{ "policy=...ns/task", "mean time inside the policy per task" },
	{ "lua_mem", "memory the policy's Lua state holds" },
	{ "max_batch", "the most tasks one policy call saw" },
	{ "observed", "tasks decided in the kernel by their rule, shown to the policy" },
	{ "rule_disagree", "tasks the policy's P.enqueue and its rule ordered differently" },
	{ "rule_changes", "rules the policy changed after the fact" },
	{ "bad_rule", "rules, or rule ids, refused as invalid" },
};

/* The counters --stats-json and the stats socket show, under the names of
 * the text line, with what each counts (the socket's "stats_meta"). */
#define STAT(name, field, help) { name, offsetof(struct scx_stats, field), help }
static const struct { const char *name; size_t off; const char *help; } stats_json[] = {
	STAT("queued", nr_queued, "tasks received from the backend"),
	STAT("dispatched", nr_dispatched, "decisions the backend accepted"),
	STAT("requeued", nr_requeued, "decisions refused and put back in the heap"),
	STAT("pending", nr_pending, "tasks in the heap now"),
	STAT("batches", nr_batches, "policy calls over a batch"),
	STAT("errors", nr_policy_errors, "policy calls that raised an error"),
	STAT("fallback", nr_fallback_batches, "batches ordered by the built-in fallback"),
	STAT("bad_deadline", nr_bad_deadline, "deadlines the policy set that were corrected"),
	STAT("bad_slice", nr_bad_slice, "slices the policy set that were corrected"),
	STAT("bad_cpu", nr_bad_cpu, "CPUs the policy set that were corrected"),
	STAT("watchdog", nr_watchdog, "policy calls stopped for running past --watchdog-ms"),
	STAT("reloads", nr_reloads, "policy reloads done"),
	STAT("reload_failures", nr_reload_failures, "reloads refused: the old policy kept running"),
	STAT("evicted", nr_store_evictions, "pids dropped from the full task store"),
	STAT("faults", nr_page_faults, "page faults of the scheduler process since warm-up"),
	STAT("policy_ns", policy_ns, "time inside the policy, ns"),
	STAT("lua_mem", lua_mem, "bytes the policy's Lua state holds"),
	STAT("max_batch", max_batch, "the most tasks one policy call saw"),
	STAT("observed", nr_observed, "tasks decided in the kernel by their rule, shown to the policy"),
	STAT("rule_disagree", nr_rule_disagree, "tasks P.enqueue and the rule ordered differently"),
	STAT("rule_changes", nr_rule_changes, "rules the policy changed after the fact"),
	STAT("bad_rule", nr_bad_rule, "rules, or rule ids, refused as invalid"),
};
#undef STAT
#define NR_STATS_JSON (int)(sizeof(stats_json) / sizeof(stats_json[0]))

size_t engine_stats_meta(char *buf, size_t len)
{
	struct json_field f[NR_STATS_JSON + 1] = {
		{ "policy", "string", "the policy's name (P.name)" },
	};

	for (int i = 0; i < NR_STATS_JSON; i++)
		f[i + 1] = (struct json_field){ stats_json[i].name, "u64", stats_json[i].help };
	return json_meta(buf, len, "core", "the core: batches, the policy's calls and outputs",
			 0, f, NR_STATS_JSON + 1);
}

int engine_format_stats_json(struct engine *e, char *buf, size_t len)
{
	const struct scx_stats *s = e->stats;
	size_t n;

	stats_refresh(e);
	n = (size_t)snprintf(buf, len, "{\"policy\":");
	n += (size_t)json_string(buf + n, len - n, policy_name(&e->ph));
	for (int i = 0; i < NR_STATS_JSON && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, ",\"%s\":%llu", stats_json[i].name,
				      *(const unsigned long long *)((const char *)s + stats_json[i].off));
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, "}");
	return (int)(n < len ? n : len - 1);
}

void engine_describe_stats(FILE *f)
{
	for (size_t i = 0; i < sizeof(stats_help) / sizeof(stats_help[0]); i++)
		fprintf(f, "  %-18s %s\n", stats_help[i][0], stats_help[i][1]);
}

int engine_format_stats(struct engine *e, char *buf, size_t len)
{
	const struct scx_stats *s = e->stats;
	double per_task = s->nr_queued ? (double)s->policy_ns / (double)s->nr_queued : 0;

	stats_refresh(e);
	return snprintf(buf, len,
		"[scx_lua] policy=%s queued=%llu dispatched=%llu requeued=%llu pending=%llu "
		"batches=%llu errors=%llu fallback=%llu bad(d/s/c)=%llu/%llu/%llu watchdog=%llu "
		"reloads=%llu/%llu evicted=%llu faults=%llu policy=%.0fns/task lua_mem=%lluKiB "
		"max_batch=%llu observed=%llu rule_disagree=%llu rule_changes=%llu bad_rule=%llu\n",
		policy_name(&e->ph), (unsigned long long)s->nr_queued,
		(unsigned long long)s->nr_dispatched, (unsigned long long)s->nr_requeued,
		(unsigned long long)s->nr_pending, (unsigned long long)s->nr_batches,
		(unsigned long long)s->nr_policy_errors, (unsigned long long)s->nr_fallback_batches,
		(unsigned long long)s->nr_bad_deadline, (unsigned long long)s->nr_bad_slice,
		(unsigned long long)s->nr_bad_cpu, (unsigned long long)s->nr_watchdog,
		(unsigned long long)s->nr_reloads, (unsigned long long)s->nr_reload_failures,
		(unsigned long long)s->nr_store_evictions, (unsigned long long)s->nr_page_faults,
		per_task, (unsigned long long)(s->lua_mem >> 10), (unsigned long long)s->max_batch,
		(unsigned long long)s->nr_observed, (unsigned long long)s->nr_rule_disagree,
		(unsigned long long)s->nr_rule_changes, (unsigned long long)s->nr_bad_rule);
}
