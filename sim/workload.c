// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload.c - read a workload table (see workload.h) and draw from its
 * distributions.
 *
 * The file runs in a bare Lua state with an empty environment, under a
 * step limit: a workload is data, so it gets no library, and a file that
 * loops forever is an error, not a hang. Every field is checked and a bad
 * one named ("workloads/x.lua: group 2 (ui): burst_ms: ...").
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "workload.h"

#define MS 1e6

/* Kernel's sched_prio_to_weight, nice -20..19, in units of 1024. */
static const int prio_to_weight[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
	1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
	110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};

uint32_t nice_to_weight(int nice)
{
	uint32_t w;

	if (nice < -20)
		nice = -20;
	if (nice > 19)
		nice = 19;
	/* As sched_ext reports it: rounded to a scale where nice 0 = 100. */
	w = (uint32_t)((prio_to_weight[nice + 20] * 100 + 512) / 1024);
	return w ? w : 1;
}

static uint64_t next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

static double unit(uint64_t *s)
{
	/* (0, 1]: never 0, so -log(u) is finite */
	return ((double)(next(s) >> 11) + 1.0) / 9007199254740992.0;
}

double dist_draw(const struct dist *d, uint64_t *rng, int *seq_pos)
{
	switch (d->kind) {
	case DIST_FIXED:
		return d->a;
	case DIST_EXP:
		return -log(unit(rng)) * d->a;
	case DIST_UNIFORM:
		return d->a + (d->b - d->a) * unit(rng);
	case DIST_SEQ: {
		double v = d->seq[*seq_pos % d->nr_seq];

		(*seq_pos)++;
		return v;
	}
	default:
		return INFINITY;
	}
}

struct ctx {
	lua_State *L;
	const char *path;
	char *err;
	size_t errlen;
	char where[96];
};

static int fail(struct ctx *c, const char *field, const char *what)
{
	snprintf(c->err, c->errlen, "%s: %s%s%s: %s", c->path, c->where, *c->where ? ": " : "",
		 field, what);
	return -EINVAL;
}

/* The first line of the file where @key is assigned ("key =", or a quoted
 * ["key"] =), 0 if not found: a table does not remember its lines. Only a
 * regular file is read again (a pipe was read once already). */
static int line_of(const char *path, const char *key)
{
	char buf[512];
	struct stat st;
	FILE *f = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "r") : NULL;
	int line = 0, found = 0;
	size_t k = strlen(key);

	while (f && !found && fgets(buf, sizeof(buf), f)) {
		line++;
		for (char *p = strstr(buf, key); p && !found; p = strstr(p + 1, key)) {
			char *q = p + k;

			if (p > buf && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
				continue;
			while (*q == ' ' || *q == '\t' || *q == '"' || *q == '\'' || *q == ']')
				q++;
			found = *q == '=' && q[1] != '=';
		}
	}
	if (f)
		fclose(f);
	return found ? line : 0;
}

/* How many edits turn @a into @b (both short): for "did you mean". */
static int edits(const char *a, const char *b)
{
	int la = (int)strlen(a), lb = (int)strlen(b), d[24][24] = { { 0 } };

	if (la > 23 || lb > 23)
		return 99;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;

			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return d[la][lb];
}

static bool is_known(const char *k, const char *const *known)
{
	for (int i = 0; known[i]; i++)
		if (!strcmp(k, known[i]))
			return true;
	return false;
}

/* "unknown key at line N; did you mean K? (known: ...)" for @k. */
static int unknown_key(struct ctx *c, const char *k, const char *const *known)
{
	char what[320], field[64];
	const char *near = NULL;
	int best = 3, line = line_of(c->path, k);
	size_t n;

	/* Two edits apart only for longer names: "wake" is not "name". */
	for (int i = 0; known[i]; i++) {
		int e = edits(k, known[i]);

		if (e < best && (e < 2 || strlen(k) >= 5)) {
			best = e;
			near = known[i];
		}
	}
	n = (size_t)snprintf(what, sizeof(what), "unknown key");
	if (line)
		n += (size_t)snprintf(what + n, sizeof(what) - n, " at line %d", line);
	if (near)
		n += (size_t)snprintf(what + n, sizeof(what) - n, "; did you mean %s?", near);
	n += (size_t)snprintf(what + n, sizeof(what) - n, " (known:");
	for (int i = 0; known[i] && n < sizeof(what); i++)
		n += (size_t)snprintf(what + n, sizeof(what) - n, " %s", known[i]);
	if (n < sizeof(what))
		snprintf(what + n, sizeof(what) - n, ")");
	snprintf(field, sizeof(field), "%.60s", k);
	return fail(c, field, what);
}

/*
 * Every key of the table at @t must be one of @known (NULL-terminated): a
 * misspelt key (wake for wakes) would otherwise be ignored in silence and
 * the workload would not be the one its author meant.
 */
static int known_keys(struct ctx *c, int t, const char *const *known)
{
	lua_State *L = c->L;

	lua_pushnil(L);
	while (lua_next(L, t)) {
		int rc = 0;

		lua_pop(L, 1);
		if (lua_type(L, -1) != LUA_TSTRING)
			rc = fail(c, "key", "every key must be a name (name = value)");
		else if (!is_known(lua_tostring(L, -1), known))
			rc = unknown_key(c, lua_tostring(L, -1), known);
		if (rc) {
			lua_pop(L, 1);
			return rc;
		}
	}
	return 0;
}

static int get_number(struct ctx *c, int t, const char *field, double lo, double hi, double *out,
		      bool *present)
{
	int rc = 0;

	lua_getfield(c->L, t, field);
	*present = !lua_isnil(c->L, -1);
	if (*present) {
		if (!lua_isnumber(c->L, -1))
			rc = fail(c, field, "expected a number");
		else if (!(lua_tonumber(c->L, -1) >= lo && lua_tonumber(c->L, -1) <= hi))
			rc = fail(c, field, "out of range");
		else
			*out = lua_tonumber(c->L, -1);
	}
	lua_pop(c->L, 1);
	return rc;
}

/* Reads field as a duration in ms: number, "inf", "wait", or a spec table. */
static int get_dist(struct ctx *c, int t, const char *field, struct dist *d, bool allow_inf,
		    bool allow_wait)
{
	lua_State *L = c->L;
	int rc = 0;

	memset(d, 0, sizeof(*d));
	lua_getfield(L, t, field);
	if (lua_isnil(L, -1)) {
		d->kind = DIST_FIXED; /* absent: zero */
	} else if (lua_type(L, -1) == LUA_TNUMBER) {
		d->kind = DIST_FIXED;
		d->a = lua_tonumber(L, -1) * MS;
		if (!(d->a >= 0))
			rc = fail(c, field, "a duration must be >= 0 ms");
	} else if (lua_type(L, -1) == LUA_TSTRING) {
		const char *s = lua_tostring(L, -1);

		if (allow_inf && !strcmp(s, "inf"))
			d->kind = DIST_INF;
		else if (allow_wait && !strcmp(s, "wait"))
			d->kind = DIST_WAIT;
		else
			rc = fail(c, field, allow_inf ? "the only word allowed is \"inf\""
					   : "the only word allowed is \"wait\"");
	} else if (lua_istable(L, -1)) {
		const char *kind;
		int n = (int)lua_objlen(L, -1);

		lua_rawgeti(L, -1, 1);
		kind = lua_tostring(L, -1);
		lua_pop(L, 1);
		for (int i = 2; i <= n && i <= DIST_SEQ_MAX + 1; i++) {
			lua_rawgeti(L, -1, i);
			if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) < 0) {
				lua_pop(L, 1);
				rc = fail(c, field, "distribution parameters are ms >= 0");
				goto out;
			}
			d->seq[i - 2] = lua_tonumber(L, -1) * MS;
			lua_pop(L, 1);
		}
		if (kind && !strcmp(kind, "exp") && n == 2) {
			d->kind = DIST_EXP;
			d->a = d->seq[0];
		} else if (kind && !strcmp(kind, "uniform") && n == 3 && d->seq[0] <= d->seq[1]) {
			d->kind = DIST_UNIFORM;
			d->a = d->seq[0];
			d->b = d->seq[1];
		} else if (kind && !strcmp(kind, "seq") && n >= 2 && n <= DIST_SEQ_MAX + 1) {
			d->kind = DIST_SEQ;
			d->nr_seq = n - 1;
		} else {
			rc = fail(c, field, "expected {\"exp\", mean}, {\"uniform\", lo, hi} or "
				  "{\"seq\", a, b, ...} (at most 16 values)");
		}
	} else {
		rc = fail(c, field, "expected a number of ms or a distribution table");
	}
out:
	lua_pop(L, 1);
	return rc;
}

static int group_index(const struct workload *w, const char *name)
{
	for (int i = 0; i < w->nr_groups; i++)
		if (!strcmp(w->g[i].name, name))
			return i;
	return -1;
}

static void step_limit(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	luaL_error(L, "the workload file takes too long to evaluate (a loop?)");
}

/* name: the group's, else "groupN"; from here messages say "group N (name)". */
static void read_name(struct ctx *c, int t, struct wgroup *g, int gi)
{
	lua_getfield(c->L, t, "name");
	if (lua_type(c->L, -1) == LUA_TSTRING)
		snprintf(g->name, sizeof(g->name), "%s", lua_tostring(c->L, -1));
	else
		snprintf(g->name, sizeof(g->name), "group%d", gi + 1);
	lua_pop(c->L, 1);
	snprintf(c->where, sizeof(c->where), "group %d (%s)", gi + 1, g->name);
	/* comm: the tasks' command name, so a workload can hide which group is
	 * which from a policy that decides by name (the labs' hidden variants). */
	lua_getfield(c->L, t, "comm");
	snprintf(g->comm, sizeof(g->comm), "%s",
		 lua_type(c->L, -1) == LUA_TSTRING ? lua_tostring(c->L, -1) : g->name);
	lua_pop(c->L, 1);
}

/* count, weight or nice (not both), work_ms, lifetime_ms. */
static int read_sizes(struct ctx *c, int t, struct wgroup *g)
{
	double v = 0;
	bool has, has_w, has_n;
	int rc;

	if ((rc = get_number(c, t, "count", 1, 100000, &v, &has)))
		return rc;
	if (has)
		g->count = (int)v;
	if ((rc = get_number(c, t, "weight", 1, 10000, &v, &has_w)))
		return rc;
	if (has_w)
		g->weight = (uint32_t)v;
	if ((rc = get_number(c, t, "nice", -20, 19, &v, &has_n)))
		return rc;
	if (has_n && has_w)
		return fail(c, "nice", "give weight or nice, not both");
	if (has_n)
		g->weight = nice_to_weight((int)v);
	if ((rc = get_number(c, t, "work_ms", 0, 1e9, &v, &has)))
		return rc;
	g->work_ns = has ? v * MS : 0;
	if ((rc = get_number(c, t, "lifetime_ms", 0, 1e9, &v, &has)))
		return rc;
	g->lifetime_ns = has ? v * MS : 0;
	return 0;
}

/* arrival_ms: ms, or {"every", ms[, first_ms]}. */
static int read_arrival(struct ctx *c, int t, struct wgroup *g)
{
	lua_State *L = c->L;
	int rc = 0;

	lua_getfield(L, t, "arrival_ms");
	if (lua_isnumber(L, -1)) {
		g->arrival_ns = lua_tonumber(L, -1) * MS;
	} else if (lua_istable(L, -1)) {
		lua_rawgeti(L, -1, 1);
		lua_rawgeti(L, -2, 2);
		lua_rawgeti(L, -3, 3);
		if (!lua_isstring(L, -3) || strcmp(lua_tostring(L, -3), "every") ||
		    !lua_isnumber(L, -2) || lua_tonumber(L, -2) < 0)
			rc = fail(c, "arrival_ms", "expected ms or {\"every\", ms[, first_ms]}");
		g->arrival_every_ns = lua_tonumber(L, -2) * MS;
		g->arrival_ns = lua_isnumber(L, -1) ? lua_tonumber(L, -1) * MS : 0;
		lua_pop(L, 3);
	} else if (!lua_isnil(L, -1)) {
		rc = fail(c, "arrival_ms", "expected ms or {\"every\", ms[, first_ms]}");
	}
	lua_pop(L, 1);
	return rc;
}

/* affinity: a list of CPU numbers, 0..63 (the machine keeps a 64-bit mask). */
static int read_affinity(struct ctx *c, int t, struct wgroup *g)
{
	lua_State *L = c->L;
	int rc = 0;

	lua_getfield(L, t, "affinity");
	if (lua_istable(L, -1)) {
		for (int i = 1; i <= (int)lua_objlen(L, -1); i++) {
			lua_rawgeti(L, -1, i);
			if (!lua_isnumber(L, -1) || lua_tonumber(L, -1) < 0 || lua_tonumber(L, -1) > 63)
				rc = fail(c, "affinity", "CPU numbers 0..63");
			else
				g->affinity |= 1ull << (int)lua_tonumber(L, -1);
			lua_pop(L, 1);
		}
	} else if (!lua_isnil(L, -1)) {
		rc = fail(c, "affinity", "expected a list of CPU numbers");
	}
	lua_pop(L, 1);
	return rc;
}

static int read_group(struct ctx *c, struct workload *w, int gi, const char **wakes)
{
	lua_State *L = c->L;
	struct wgroup *g = &w->g[gi];
	int rc, t = lua_gettop(L);

	memset(g, 0, sizeof(*g));
	*wakes = NULL; /* an early error must not leave it dangling (found by fuzz_workload) */
	g->wakes = -1;
	g->count = 1;
	g->weight = 100;
	static const char *const known[] = { "name", "comm", "count", "weight", "nice", "work_ms",
		"lifetime_ms", "arrival_ms", "burst_ms", "sleep_ms", "affinity", "wakes", NULL };

	snprintf(c->where, sizeof(c->where), "group %d", gi + 1);
	read_name(c, t, g, gi);
	if ((rc = known_keys(c, t, known)))
		return rc;
	if ((rc = read_sizes(c, t, g)) || (rc = read_arrival(c, t, g)) ||
	    (rc = get_dist(c, t, "burst_ms", &g->burst, true, false)) ||
	    (rc = get_dist(c, t, "sleep_ms", &g->sleep, false, true)))
		return rc;
	if (g->burst.kind == DIST_FIXED && g->burst.a == 0)
		return fail(c, "burst_ms", "missing or zero: every task needs CPU bursts (or \"inf\")");
	rc = read_affinity(c, t, g);
	lua_getfield(L, t, "wakes");
	*wakes = lua_isstring(L, -1) ? lua_tostring(L, -1) : NULL;
	lua_pop(L, 1);
	return rc;
}

/* Run the file with no globals under the step limit; its table is left at index 1. */
static int eval_file(struct ctx *c)
{
	if (luaL_loadfile(c->L, c->path)) {
		snprintf(c->err, c->errlen, "%s", lua_tostring(c->L, -1));
		return -EINVAL;
	}
	lua_newtable(c->L); /* no globals at all */
	lua_setfenv(c->L, -2);
	lua_sethook(c->L, step_limit, LUA_MASKCOUNT, 10000000);
	if (lua_pcall(c->L, 0, 1, 0)) {
		snprintf(c->err, c->errlen, "%s", lua_tostring(c->L, -1));
		return -EINVAL;
	}
	lua_sethook(c->L, NULL, 0, 0);
	if (!lua_istable(c->L, -1))
		return fail(c, "file", "must return a table (return { groups = { ... } })");
	return 0;
}

/* name, cpus, llc_cpus, duration_ms. */
static int read_machine(struct ctx *c, struct workload *w)
{
	double v;
	bool has;
	int rc;

	static const char *const known[] = { "name", "cpus", "llc_cpus", "duration_ms", "groups",
		NULL };

	if ((rc = known_keys(c, 1, known)))
		return rc;
	lua_getfield(c->L, -1, "name");
	snprintf(w->name, sizeof(w->name), "%s",
		 lua_isstring(c->L, -1) ? lua_tostring(c->L, -1) : c->path);
	lua_pop(c->L, 1);
	if ((rc = get_number(c, 1, "cpus", 1, 64, &v, &has)))
		return rc;
	w->cpus = has ? (int)v : 0;
	if ((rc = get_number(c, 1, "llc_cpus", 1, 64, &v, &has)))
		return rc;
	w->llc_cpus = has ? (int)v : 0;
	if ((rc = get_number(c, 1, "duration_ms", 1, 1e9, &v, &has)))
		return rc;
	w->duration_ns = has ? v * MS : 0;
	return 0;
}

/* Every group, then what each `wakes` names (a later group may be named). */
static int read_groups(struct ctx *c, struct workload *w)
{
	const char *wakes[WORKLOAD_MAX_GROUPS];
	char wake_names[WORKLOAD_MAX_GROUPS][32];
	int rc;

	lua_getfield(c->L, 1, "groups");
	if (!lua_istable(c->L, -1) || lua_objlen(c->L, -1) == 0)
		return fail(c, "groups", "expected a non-empty list of task groups");
	w->nr_groups = (int)lua_objlen(c->L, -1);
	if (w->nr_groups > WORKLOAD_MAX_GROUPS)
		return fail(c, "groups", "at most 32 groups");
	for (int i = 0; i < w->nr_groups; i++) {
		lua_rawgeti(c->L, -1, i + 1);
		if (!lua_istable(c->L, -1)) {
			snprintf(c->where, sizeof(c->where), "group %d", i + 1);
			return fail(c, "group", "expected a table");
		}
		rc = read_group(c, w, i, &wakes[i]);
		snprintf(wake_names[i], sizeof(wake_names[i]), "%s", wakes[i] ? wakes[i] : "");
		lua_pop(c->L, 1);
		if (rc)
			return rc;
	}
	for (int i = 0; i < w->nr_groups; i++) {
		snprintf(c->where, sizeof(c->where), "group %d (%s)", i + 1, w->g[i].name);
		for (int j = 0; j < i; j++)
			if (!strcmp(w->g[i].name, w->g[j].name))
				return fail(c, "name", "another group has this name: checks and "
					    "wakes could not tell them apart; rename one");
	}
	for (int i = 0; i < w->nr_groups; i++) {
		snprintf(c->where, sizeof(c->where), "group %d (%s)", i + 1, w->g[i].name);
		if (!wake_names[i][0])
			continue;
		w->g[i].wakes = group_index(w, wake_names[i]);
		if (w->g[i].wakes < 0)
			return fail(c, "wakes", "names no group of this workload");
	}
	/* A group that sleeps until woken, that nobody wakes, would never run
	 * after its first burst. */
	for (int i = 0; i < w->nr_groups; i++) {
		bool woken = false;

		for (int j = 0; j < w->nr_groups; j++)
			woken |= w->g[j].wakes == i;
		if (w->g[i].sleep.kind == DIST_WAIT && !woken) {
			snprintf(c->where, sizeof(c->where), "group %d (%s)", i + 1, w->g[i].name);
			return fail(c, "sleep_ms", "\"wait\", but no group wakes it: give another "
				    "group wakes = \"<this name>\", or a sleep time");
		}
	}
	return 0;
}

int workload_load(struct workload *w, const char *path, char *err, size_t errlen)
{
	struct ctx c = { .path = path, .err = err, .errlen = errlen };
	int rc;

	memset(w, 0, sizeof(*w));
	c.L = luaL_newstate();
	if (!c.L)
		return -ENOMEM;
	if (!(rc = eval_file(&c)) && !(rc = read_machine(&c, w)))
		rc = read_groups(&c, w);
	lua_close(c.L);
	return rc;
}

void workload_free(struct workload *w)
{
	free(w->owned);
	w->owned = NULL;
	for (int g = 0; g < w->nr_groups; g++)
		w->g[g].task = NULL;
}
