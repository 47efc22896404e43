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

size_t shadow_arena_bytes(uint32_t batch_max, uint32_t store_cap)
{
	uint32_t tab = 2;

	while (tab < 2 * store_cap)
		tab *= 2;
	return (size_t)tab * sizeof(struct store_entry) +
	       (size_t)batch_max * (sizeof(struct scx_task) + 3 * sizeof(double) +
				    sizeof(int32_t) + 3 * sizeof(uint32_t)) +
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

static void shadow_log(void *ctx, const char *msg, size_t len)
{
	struct sched *s = ctx;
	char line[LOGRING_LINE];
	int n = snprintf(line, sizeof(line), "[shadow] %.*s", (int)len, msg);

	if (s->ph && n > 0)
		logring_put(s->ph->log, 2, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line));
}

int shadow_init(struct shadow *sh, struct arena *a, struct sched *s)
{
	uint32_t bm = s->cfg.batch_max;

	memset(sh, 0, sizeof(*sh));
	sh->batch_max = bm;
	sh->save = arena_carve(a, bm * sizeof(*sh->save));
	sh->key = arena_carve(a, bm * sizeof(double));
	sh->slice = arena_carve(a, bm * sizeof(double));
	sh->live = arena_carve(a, bm * sizeof(double));
	sh->cpu = arena_carve(a, bm * sizeof(int32_t));
	sh->ra = arena_carve(a, bm * sizeof(uint32_t));
	sh->rb = arena_carve(a, bm * sizeof(uint32_t));
	sh->idx = arena_carve(a, bm * sizeof(uint32_t));
	if (!sh->save || !sh->key || !sh->slice || !sh->live || !sh->cpu || !sh->ra || !sh->rb || !sh->idx ||
	    store_init(&sh->store, a, s->cfg.store_cap))
		return -ENOMEM;
	sh->c.rho_min = 1;
	s->shadow = sh;
	return 0;
}

int shadow_load(struct shadow *sh, struct sched *s, const char *path)
{
	int err;

	/* A new candidate starts from nothing, as a new policy would. */
	for (uint32_t i = 0; i <= sh->store.mask; i++)
		sh->store.t[i].pid = 0;
	sh->store.nr = 0;
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
	sh->host.ctx = s;
	err = policy_shadow_load(s->ph, path, &sh->host, &sh->stats);
	if (err) {
		snprintf(sh->stopped, sizeof(sh->stopped), "did not load");
		return err;
	}
	snprintf(sh->name, sizeof(sh->name), "%s", policy_shadow_name(s->ph));
	sh->stopped[0] = '\0';
	return 0;
}

/* A failed call: said once, and the shadow is gone if its state is. */
static void shadow_failed(struct shadow *sh, struct sched *s, const char *fn)
{
	char msg[2400];

	snprintf(msg, sizeof(msg), "shadow %s: %s failed (the live policy is not affected)%s:\n%s",
		 sh->path, fn, policy_shadow_name(s->ph) ? "" : "; the shadow is stopped",
		 s->ph->err);
	policy_report(s->ph, msg);
	if (!policy_shadow_name(s->ph))
		snprintf(sh->stopped, sizeof(sh->stopped), "%s failed", fn);
}

void shadow_before(struct shadow *sh, struct sched *s, uint32_t n, double now)
{
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
		t->flags &= ~(uint32_t)SCX_TF_OBSERVED;
	}
	if (policy_shadow_enqueue(s->ph, n, now)) {
		shadow_failed(sh, s, "P.enqueue");
		for (uint32_t i = 0; i < n; i++) {
			s->tasks[s->batch[i]] = sh->save[i];
			sh->key[i] = NAN;   /* nothing to compare */
		}
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
}

static const double *sort_key;

static int by_key(const void *a, const void *b)
{
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	double x = sort_key[i], y = sort_key[j];

	/* Ties in batch order, as the heap breaks them (its sequence). */
	return x < y ? -1 : x > y ? 1 : (i > j) - (i < j);
}

/* rank[i]: the place of batch position i in the order of @key. */
static void ranks(struct shadow *sh, const double *key, uint32_t *rank, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		sh->idx[i] = i;
	sort_key = key;
	qsort(sh->idx, n, sizeof(*sh->idx), by_key);
	for (uint32_t r = 0; r < n; r++)
		rank[sh->idx[r]] = r;
}

void shadow_after(struct shadow *sh, struct sched *s, uint32_t n)
{
	double *lk = sh->live, d2 = 0, rho;

	if (!policy_shadow_name(s->ph) || n < 2 || n > sh->batch_max || isnan(sh->key[0]))
		return;
	/* The live keys, as validated, beside the candidate's. */
	for (uint32_t i = 0; i < n; i++) {
		const struct scx_task *t = &s->tasks[s->batch[i]];
		double a = t->slice_ns, b = sh->slice[i];

		if (fabs(a - b) > 0.01 * (a > b ? a : b))
			sh->c.nr_slice_differ++;
		if (sh->cpu[i] != t->cpu)
			sh->c.nr_cpu_differ++;
		lk[i] = t->deadline;
	}
	ranks(sh, lk, sh->ra, n);
	ranks(sh, sh->key, sh->rb, n);
	for (uint32_t i = 0; i < n; i++) {
		double d = (double)sh->rb[i] - (double)sh->ra[i];

		d2 += d * d;
		if (sh->rb[i] < sh->ra[i])
			sh->c.nr_earlier++;
		else if (sh->rb[i] > sh->ra[i])
			sh->c.nr_later++;
		else
			sh->c.nr_same++;
	}
	rho = 1 - 6 * d2 / ((double)n * ((double)n * n - 1));
	sh->c.nr_batches++;
	sh->c.nr_tasks += n;
	sh->c.rho_sum += rho;
	if (rho < sh->c.rho_min)
		sh->c.rho_min = rho;
}

void shadow_tick(struct shadow *sh, struct sched *s, double now)
{
	if (!policy_shadow_name(s->ph))
		return;
	if (policy_shadow_tick(s->ph, now))
		shadow_failed(sh, s, "P.tick");
	store_expire(&sh->store, now, s->cfg.store_ttl_ns, 1024);
}

void shadow_adopt(struct shadow *sh, struct sched *s)
{
	struct store tmp = s->store;

	s->store = sh->store;
	sh->store = tmp;
	snprintf(sh->stopped, sizeof(sh->stopped), "promoted");
}

static const char *const shadow_help[][2] = {
	{ "shadow", "the candidate policy (--shadow): its decisions are compared, not used" },
	{ "batches", "batches of two tasks or more both policies decided" },
	{ "rho", "mean rank correlation of the two orders in a batch (1: the same order)" },
	{ "rho_min", "the lowest of one batch" },
	{ "earlier/later/same", "tasks the candidate would place earlier, later, the same in the batch" },
	{ "cpu_differ", "tasks it would send to another CPU (it is told \"any CPU\" by select_cpu)" },
	{ "slice_differ", "tasks it would give another slice" },
	{ "bad", "its outputs the core would have corrected (NaN, negative, infinite deadlines)" },
	{ "errors", "its failed calls (a failure that retires its state stops the shadow)" },
	{ "policy=...ns/task", "mean time inside its calls per task compared" },
};

void shadow_describe(FILE *f)
{
	for (size_t i = 0; i < sizeof(shadow_help) / sizeof(shadow_help[0]); i++)
		fprintf(f, "  %-20s %s\n", shadow_help[i][0], shadow_help[i][1]);
}

static double rho_mean(const struct shadow *sh)
{
	return sh->c.nr_batches ? sh->c.rho_sum / (double)sh->c.nr_batches : 1;
}

int shadow_format(const struct shadow *sh, char *buf, size_t len)
{
	const struct shadow_counts *c = &sh->c;

	return snprintf(buf, len, "[shadow] shadow=%s%s%s%s batches=%llu rho=%.3f rho_min=%.3f "
			"earlier/later/same=%llu/%llu/%llu cpu_differ=%llu slice_differ=%llu "
			"bad=%llu errors=%llu policy=%.0fns/task\n",
			sh->name[0] ? sh->name : "?", sh->stopped[0] ? "(" : "", sh->stopped,
			sh->stopped[0] ? ")" : "", (unsigned long long)c->nr_batches, rho_mean(sh),
			c->nr_batches ? c->rho_min : 1.0, (unsigned long long)c->nr_earlier,
			(unsigned long long)c->nr_later, (unsigned long long)c->nr_same,
			(unsigned long long)c->nr_cpu_differ, (unsigned long long)c->nr_slice_differ,
			(unsigned long long)c->nr_bad,
			(unsigned long long)sh->stats.nr_policy_errors,
			c->nr_tasks ? (double)sh->stats.policy_ns / (double)c->nr_tasks : 0.0);
}

/* The JSON object's fields, for --stats-json, the socket and its metadata. */
static const struct json_field shadow_json[] = {
	{ "name", "string", "the candidate's name (P.name)" },
	{ "stopped", "string", "why it stopped (\"\" while it runs; \"promoted\")" },
	{ "batches", "u64", "batches of two tasks or more both policies decided" },
	{ "tasks", "u64", "tasks in them" },
	{ "rho", "float", "mean rank correlation of the two orders in a batch (1: the same)" },
	{ "rho_min", "float", "the lowest of one batch" },
	{ "earlier", "u64", "tasks the candidate would place earlier in the batch" },
	{ "later", "u64", "... later" },
	{ "same", "u64", "... in the same place" },
	{ "cpu_differ", "u64", "tasks it would send to another CPU" },
	{ "slice_differ", "u64", "tasks it would give another slice (by more than 1%)" },
	{ "bad", "u64", "its outputs the core would have corrected" },
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
		0, 0, (double)c->nr_batches, (double)c->nr_tasks, rho_mean(sh),
		c->nr_batches ? c->rho_min : 1.0, (double)c->nr_earlier, (double)c->nr_later,
		(double)c->nr_same, (double)c->nr_cpu_differ, (double)c->nr_slice_differ,
		(double)c->nr_bad, (double)sh->stats.nr_policy_errors, (double)sh->stats.policy_ns,
	};
	size_t n = json_put(buf, len, 0, "{\"name\":");

	n += json_string(buf + n, len - n, sh->name);
	n = json_put(buf, len, n, ",\"stopped\":");
	n += json_string(buf + n, len - n, sh->stopped);
	for (int i = 2; i < NR_SHADOW_JSON && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, !strcmp(shadow_json[i].kind, "float") ?
				      ",\"%s\":%.4f" : ",\"%s\":%.0f", shadow_json[i].name, v[i]);
	n = json_put(buf, len, n, "}");
	return (int)(n < len ? n : len - 1);
}
