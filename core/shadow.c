// SPDX-License-Identifier: GPL-2.0-only
/*
 * shadow.c - a candidate policy decides the live batches, for comparison
 * only (see shadow.h).
 *
 * The candidate runs on the live task slots themselves, before the live
 * policy: the prepared inputs are saved, the candidate's own per-task
 * state put in, it decides, its outputs and state are taken out, and the
 * saved slots are put back, so the live policy sees exactly what it would
 * have seen without a shadow. Running on the same slots keeps the runtime's
 * pool checks (scx.select_cpu, the scratch metatype) unchanged for it.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fallback.h"
#include "json.h"
#include "sched.h"
#include "shadow.h"

/* A candidate that costs more than this a task (and SHADOW_SLOW_TIMES the
 * live policy's), or this much in one call, is stopped: a shadow must not
 * slow scheduling down. */
#define SHADOW_SLOW_NS 2000.0
#define SHADOW_SLOW_TIMES 4.0
#define SHADOW_CALL_MAX_NS 20e6

size_t shadow_arena_bytes(uint32_t batch_max, uint32_t store_cap)
{
	return store_arena_bytes(store_cap) +
	       (size_t)batch_max * (sizeof(struct scx_task) + 3 * sizeof(double) +
				    sizeof(int32_t) + 5 * sizeof(uint32_t)) +
	       16 * 64;
}

/* Lua's way to the backend's idle-CPU pick, for the candidate: never the
 * kernel (the pick claims the CPU it returns). */
static int32_t shadow_select_cpu(void *ctx, uint32_t slot)
{
	(void)ctx;
	(void)slot;
	return SCX_CPU_ANY;
}

/* Its own rate limit, so that it never hides the live policy's messages
 * (nor they its); @always: a stop, said whatever the limit. */
static void shadow_say(struct shadow *sh, const char *msg, bool always)
{
	double now = (double)clock_ns();

	if (!always && now - sh->last_report_ns < 1e9) {
		sh->nr_suppressed++;
		return;
	}
	sh->last_report_ns = now;
	if (sh->nr_suppressed)
		logring_printf(sh->s->ph->log, 2, "scx_lua: %s\n  (%llu similar messages "
			       "suppressed)\n", msg, (unsigned long long)sh->nr_suppressed);
	else
		logring_printf(sh->s->ph->log, 2, "scx_lua: %s\n", msg);
	sh->nr_suppressed = 0;
}

static void shadow_log(void *ctx, const char *msg, size_t len)
{
	struct shadow *sh = ctx;
	char line[LOGRING_LINE];
	int n = snprintf(line, sizeof(line), "[shadow] %.*s", (int)len, msg);

	if (n > 0)
		logring_put(sh->s->ph->log, 2, line,
			    (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
}

int shadow_init(struct shadow *sh, struct arena *a, struct sched *s)
{
	uint32_t bm = s->cfg.batch_max;

	memset(sh, 0, sizeof(*sh));
	sh->s = s;
	sh->batch_max = bm;
	sh->save = arena_carve(a, bm * sizeof(*sh->save));
	sh->key = arena_carve(a, bm * sizeof(double));
	sh->slice = arena_carve(a, bm * sizeof(double));
	sh->live = arena_carve(a, bm * sizeof(double));
	sh->cpu = arena_carve(a, bm * sizeof(int32_t));
	sh->ra = arena_carve(a, bm * sizeof(uint32_t));
	sh->rb = arena_carve(a, bm * sizeof(uint32_t));
	sh->pos = arena_carve(a, bm * sizeof(uint32_t));
	sh->idx = arena_carve(a, bm * sizeof(uint32_t));
	sh->tmp = arena_carve(a, bm * sizeof(uint32_t));
	if (!sh->save || !sh->key || !sh->slice || !sh->live || !sh->cpu || !sh->ra || !sh->rb ||
	    !sh->pos || !sh->idx || !sh->tmp || store_init(&sh->store, a, s->cfg.store_cap))
		return -ENOMEM;
	s->shadow = sh;
	return 0;
}

/* Why it is not running ("" while it is). */
static const char *stopped(const struct shadow *sh)
{
	if (sh->stopped[0] || !sh->s || policy_shadow_name(sh->s->ph))
		return sh->stopped;
	return "stopped";
}

int shadow_load(struct shadow *sh, struct sched *s, const char *path)
{
	char msg[400];
	int err;

	/* A new candidate starts from nothing, as a new policy would, and so
	 * do the figures about it. */
	store_clear(&sh->store);
	memset(&sh->c, 0, sizeof(sh->c));
	sh->c.rho_min = 1;
	memset(&sh->stats, 0, sizeof(sh->stats));
	memset(sh->rules, 0, sizeof(sh->rules));
	sh->tune = (struct scx_tune){ -1, -1, -1 };
	snprintf(sh->path, sizeof(sh->path), "%s", path);
	sh->host = s->ph->host;   /* the same pool, batch and C stack guard */
	sh->host.stats = &sh->stats;
	sh->host.rules = sh->rules;
	sh->host.tune = &sh->tune;
	sh->host.rules_gen = &sh->rules_gen;
	sh->host.select_cpu = shadow_select_cpu;
	sh->host.log = shadow_log;
	sh->host.ctx = sh;
	err = policy_shadow_load(s->ph, path, &sh->host, &sh->stats);
	if (err) {
		snprintf(sh->stopped, sizeof(sh->stopped), "did not load");
		return err;
	}
	snprintf(sh->name, sizeof(sh->name), "%s", policy_shadow_name(s->ph));
	sh->stopped[0] = '\0';
	if (policy_shadow_has_dispatch(s->ph)) {
		snprintf(msg, sizeof(msg), "warning: the shadow %s has P.dispatch, which a shadow "
			 "does not get: only its P.enqueue order is compared, and state it keeps "
			 "in P.dispatch goes stale", path);
		shadow_say(sh, msg, true);
	}
	return 0;
}

/* The candidate is stopped (its state is dropped): said, whatever the
 * rate limit, with @why. */
static void shadow_stop(struct shadow *sh, const char *why, const char *detail)
{
	char msg[2400];

	policy_shadow_drop(sh->s->ph, "stopped");
	snprintf(sh->stopped, sizeof(sh->stopped), "%s", why);
	snprintf(msg, sizeof(msg), "shadow %s stopped (%s; the live policy is not affected)%s%s",
		 sh->path, why, detail ? ":\n" : "", detail ? detail : "");
	shadow_say(sh, msg, true);
}

/* A failed call: said at most once a second, or as a stop when it took
 * the candidate's state with it. */
static void shadow_failed(struct shadow *sh, const char *fn)
{
	char msg[2400];

	if (!policy_shadow_name(sh->s->ph)) {
		snprintf(msg, sizeof(msg), "%s failed", fn);
		shadow_stop(sh, msg, sh->s->ph->err);
		return;
	}
	snprintf(msg, sizeof(msg), "shadow %s: %s failed (the live policy is not affected):\n%s",
		 sh->path, fn, sh->s->ph->err);
	shadow_say(sh, msg, false);
}

/* A candidate slower than the budget above is stopped. */
static void shadow_budget(struct shadow *sh, uint64_t call_ns)
{
	const struct scx_stats *ls = sh->s->stats;
	double mine, live, limit;
	char msg[200];

	if (!policy_shadow_name(sh->s->ph))
		return;
	if (call_ns > SHADOW_CALL_MAX_NS) {
		snprintf(msg, sizeof(msg), "one call took %.1f ms", call_ns / 1e6);
		shadow_stop(sh, msg, NULL);
		return;
	}
	if (sh->c.nr_decided < 1000)
		return;
	mine = (double)sh->stats.policy_ns / (double)sh->c.nr_decided;
	live = ls->nr_queued ? (double)ls->policy_ns / (double)ls->nr_queued : 0;
	limit = SHADOW_SLOW_TIMES * live > SHADOW_SLOW_NS ? SHADOW_SLOW_TIMES * live : SHADOW_SLOW_NS;
	if (mine > limit) {
		snprintf(msg, sizeof(msg), "too slow: %.0f ns a task against the live policy's "
			 "%.0f", mine, live);
		shadow_stop(sh, msg, NULL);
	}
}

void shadow_before(struct shadow *sh, struct sched *s, uint32_t n, double now)
{
	uint64_t t0;
	int err;

	if (!policy_shadow_name(s->ph) || n > sh->batch_max)
		return;
	for (uint32_t i = 0; i < n; i++) {
		struct scx_task *t = &s->tasks[s->batch[i]];
		bool is_new;
		struct store_entry *e = store_get(&sh->store, t->pid, now, &is_new);

		sh->save[i] = *t;
		t->vtime = e->vtime;
		t->scratch = e->scratch;
		t->rule = e->rule;
		/* It decides every task, and a task is new to it when it is. */
		t->flags &= ~(uint32_t)(SCX_TF_OBSERVED | SCX_TF_NEW);
		if (is_new)
			t->flags |= SCX_TF_NEW;
	}
	t0 = clock_ns();
	err = policy_shadow_enqueue(s->ph, n, now);
	if (err) {
		for (uint32_t i = 0; i < n; i++)
			s->tasks[s->batch[i]] = sh->save[i];
		sh->key[0] = NAN;   /* nothing to compare */
		shadow_failed(sh, "P.enqueue");
		return;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct scx_task *t = &s->tasks[s->batch[i]];
		bool is_new;
		struct store_entry *e = store_get(&sh->store, t->pid, now, &is_new);
		double d = t->deadline;

		if (!(d >= 0 && d <= 1e300)) {   /* NaN, negative, infinite */
			sh->c.nr_bad++;
			d = isnan(d) || d > 0 ? INFINITY : 0;
		}
		sh->key[i] = d;
		sh->slice[i] = t->slice_ns;
		sh->cpu[i] = t->cpu;
		if (t->vtime >= -SCX_VTIME_MAX && t->vtime <= SCX_VTIME_MAX)
			e->vtime = t->vtime;
		e->scratch = t->scratch;
		e->rule = t->rule < SCX_RULE_MAX ? t->rule : 0;
		*t = sh->save[i];
	}
	shadow_budget(sh, clock_ns() - t0);
}

/* Sort positions @idx[0..n-1] by @key, ties in batch order (as the heap
 * breaks them): a merge sort over carved scratch, no allocation. */
static void sort_by_key(uint32_t *idx, uint32_t *tmp, const double *key, uint32_t n)
{
	for (uint32_t w = 1; w < n; w *= 2) {
		for (uint32_t lo = 0; lo < n; lo += 2 * w) {
			uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			uint32_t i = lo, j = mid, k = lo;

			while (i < mid && j < hi)
				tmp[k++] = key[idx[j]] < key[idx[i]] ||
					   (key[idx[j]] == key[idx[i]] && idx[j] < idx[i]) ?
					   idx[j++] : idx[i++];
			while (i < mid)
				tmp[k++] = idx[i++];
			while (j < hi)
				tmp[k++] = idx[j++];
		}
		memcpy(idx, tmp, n * sizeof(*idx));
	}
}

/* rank[p]: the place of position p (of @m compared ones) in @key's order. */
static void ranks(struct shadow *sh, const double *key, uint32_t *rank, uint32_t m)
{
	for (uint32_t i = 0; i < m; i++)
		sh->idx[i] = sh->pos[i];
	sort_by_key(sh->idx, sh->tmp, key, m);
	for (uint32_t r = 0; r < m; r++)
		rank[sh->idx[r]] = r;
}

void shadow_after(struct shadow *sh, struct sched *s, uint32_t n)
{
	double d2 = 0, rho;
	uint32_t m = 0;

	if (!policy_shadow_name(s->ph) || !n || n > sh->batch_max || isnan(sh->key[0]))
		return;
	for (uint32_t i = 0; i < n; i++) {
		const struct scx_task *t = &s->tasks[s->batch[i]];
		double a = t->slice_ns, b = sh->slice[i];

		/* A rule decided it in the kernel: its deadline is the rule's,
		 * on another scale; nothing to compare. */
		if (t->flags & SCX_TF_OBSERVED)
			continue;
		sh->pos[m++] = i;
		if (!(fabs(a - b) <= 0.01 * (a > b ? a : b)))
			sh->c.nr_slice_differ++;
		if (sh->cpu[i] != t->cpu)
			sh->c.nr_cpu_differ++;
		sh->live[i] = t->deadline;
	}
	sh->c.nr_decided += m;
	if (m < 2)
		return;
	ranks(sh, sh->live, sh->ra, m);
	ranks(sh, sh->key, sh->rb, m);
	for (uint32_t k = 0; k < m; k++) {
		uint32_t i = sh->pos[k];
		double d = (double)sh->rb[i] - (double)sh->ra[i];

		d2 += d * d;
		if (sh->rb[i] < sh->ra[i])
			sh->c.nr_earlier++;
		else if (sh->rb[i] > sh->ra[i])
			sh->c.nr_later++;
		else
			sh->c.nr_same++;
	}
	rho = 1 - 6 * d2 / ((double)m * ((double)m * m - 1));
	sh->c.nr_batches++;
	sh->c.nr_ranked += m;
	sh->c.rho_sum += rho * m;
	if (rho < sh->c.rho_min)
		sh->c.rho_min = rho;
}

void shadow_tick(struct shadow *sh, struct sched *s, double now)
{
	struct scx_stats own = sh->stats;

	if (!policy_shadow_name(s->ph))
		return;
	/* Its P.tick sees the scheduler's counters, with its own policy ones. */
	sh->stats = *s->stats;
	sh->stats.nr_policy_calls = own.nr_policy_calls;
	sh->stats.nr_policy_errors = own.nr_policy_errors;
	sh->stats.policy_ns = own.policy_ns;
	sh->stats.lua_mem = own.lua_mem;
	sh->stats.nr_watchdog = own.nr_watchdog;
	if (policy_shadow_tick(s->ph, now))
		shadow_failed(sh, "P.tick");
	store_expire(&sh->store, now, s->cfg.store_ttl_ns, 1024);
}

void shadow_adopt(struct shadow *sh, struct sched *s)
{
	struct store tmp = s->store;

	s->store = sh->store;
	sh->store = tmp;
	/* The live counters go on from where they were. */
	s->store.nr_evictions = tmp.nr_evictions;
	s->store.nr_expired = tmp.nr_expired;
	snprintf(sh->stopped, sizeof(sh->stopped), "promoted");
}

static const char *const shadow_help[][2] = {
	{ "shadow", "the candidate policy (--shadow): its decisions are compared, not used" },
	{ "decided", "tasks it decided (rule-decided ones are left out)" },
	{ "batches", "batches of two such tasks or more, ranked" },
	{ "rho", "rank correlation of the two orders in a batch, weighed by its tasks (1: the same order; -: none yet)" },
	{ "rho_min", "the lowest of one batch" },
	{ "earlier/later/same", "tasks the candidate would place earlier, later, the same in the batch" },
	{ "cpu_differ", "tasks it would send to another CPU (it is told \"any CPU\" by select_cpu)" },
	{ "slice_differ", "tasks it would give another slice (by more than 1%, or not a number)" },
	{ "bad", "its outputs the core would have corrected (NaN, negative, infinite deadlines)" },
	{ "errors", "its failed calls (a failure that retires its state stops the shadow)" },
	{ "policy=...ns/task", "mean time inside its calls per task it decided; a shadow over "
			       "2 us a task and 4x the live policy's, or 20 ms in one call, is stopped" },
};

void shadow_describe(FILE *f)
{
	for (size_t i = 0; i < sizeof(shadow_help) / sizeof(shadow_help[0]); i++)
		fprintf(f, "  %-20s %s\n", shadow_help[i][0], shadow_help[i][1]);
}

/* The mean rank correlation, each batch weighed by its tasks; NAN when no
 * batch of two could be ranked. */
static double rho_mean(const struct shadow *sh)
{
	return sh->c.nr_ranked ? sh->c.rho_sum / (double)sh->c.nr_ranked : NAN;
}

/* "%.3f", or "-" when @v is not a number (nothing compared yet). */
static const char *num(char *buf, size_t len, double v)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.3f", v);
	return buf;
}

int shadow_format(const struct shadow *sh, char *buf, size_t len)
{
	const struct shadow_counts *c = &sh->c;
	const char *why = stopped(sh);
	char r[16], rm[16];

	return snprintf(buf, len, "[shadow] shadow=%s%s%s%s decided=%llu batches=%llu rho=%s "
			"rho_min=%s earlier/later/same=%llu/%llu/%llu cpu_differ=%llu "
			"slice_differ=%llu bad=%llu errors=%llu policy=%.0fns/task\n",
			sh->name[0] ? sh->name : "?", why[0] ? "(" : "", why, why[0] ? ")" : "",
			(unsigned long long)c->nr_decided, (unsigned long long)c->nr_batches,
			num(r, sizeof(r), rho_mean(sh)),
			num(rm, sizeof(rm), c->nr_batches ? c->rho_min : NAN),
			(unsigned long long)c->nr_earlier, (unsigned long long)c->nr_later,
			(unsigned long long)c->nr_same, (unsigned long long)c->nr_cpu_differ,
			(unsigned long long)c->nr_slice_differ, (unsigned long long)c->nr_bad,
			(unsigned long long)sh->stats.nr_policy_errors,
			c->nr_decided ? (double)sh->stats.policy_ns / (double)c->nr_decided : 0.0);
}

/* The JSON object's fields, for --stats-json, the socket and its metadata. */
static const struct json_field shadow_json[] = {
	{ "name", "string", "the candidate's name (P.name)" },
	{ "stopped", "string", "why it stopped (\"\" while it runs; \"promoted\")" },
	{ "decided", "u64", "tasks it decided (rule-decided ones are left out)" },
	{ "batches", "u64", "batches of two such tasks or more, ranked" },
	{ "tasks", "u64", "tasks in them" },
	{ "rho", "float", "rank correlation of the two orders in a batch, weighed by its tasks "
			  "(1: the same order; null before any batch of two)" },
	{ "rho_min", "float", "the lowest of one batch (null before any)" },
	{ "earlier", "u64", "tasks the candidate would place earlier in the batch" },
	{ "later", "u64", "... later" },
	{ "same", "u64", "... in the same place" },
	{ "cpu_differ", "u64", "tasks it would send to another CPU" },
	{ "slice_differ", "u64", "tasks it would give another slice (by more than 1%, or not a number)" },
	{ "bad", "u64", "its deadlines the core would have corrected" },
	{ "errors", "u64", "its failed calls" },
	{ "policy_ns", "u64", "time inside its calls" },
};
#define NR_SHADOW_JSON (int)(sizeof(shadow_json) / sizeof(shadow_json[0]))

size_t shadow_stats_meta(char *buf, size_t len)
{
	return json_meta(buf, len, "shadow", "the shadow policy against the live one (--shadow)",
			 0, shadow_json, NR_SHADOW_JSON);
}

int shadow_format_json(const struct shadow *sh, char *buf, size_t len)
{
	const struct shadow_counts *c = &sh->c;
	double v[NR_SHADOW_JSON] = {
		0, 0, (double)c->nr_decided, (double)c->nr_batches, (double)c->nr_ranked,
		rho_mean(sh), c->nr_batches ? c->rho_min : NAN, (double)c->nr_earlier,
		(double)c->nr_later, (double)c->nr_same, (double)c->nr_cpu_differ,
		(double)c->nr_slice_differ, (double)c->nr_bad, (double)sh->stats.nr_policy_errors,
		(double)sh->stats.policy_ns,
	};
	size_t n = json_put(buf, len, 0, "{\"name\":");

	n += json_string(buf + n, len - n, sh->name);
	n = json_put(buf, len, n, ",\"stopped\":");
	n += json_string(buf + n, len - n, stopped(sh));
	for (int i = 2; i < NR_SHADOW_JSON && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, isnan(v[i]) ? ",\"%s\":null" :
				      !strcmp(shadow_json[i].kind, "float") ? ",\"%s\":%.4f" :
				      ",\"%s\":%.0f", shadow_json[i].name, v[i]);
	n = json_put(buf, len, n, "}");
	return (int)(n < len ? n : len - 1);
}
