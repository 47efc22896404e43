// SPDX-License-Identifier: GPL-2.0-only
/*
 * Hostile policies: the input bytes pick a small sandboxed Lua policy from
 * a grammar of what an attacker or a careless student writes (writes of
 * every type to every task field, every scx function with odd arguments,
 * recursion through library functions, allocation bursts, errors under
 * pcall, coroutines, hangs, a module of its own, kernel rules), and the
 * loop runs it the way `check` does: loaded, JIT trace events watched,
 * rounds of the synth backend (refusals, exits, ticks), the JIT report,
 * then replaced by the next input's policy. The core must not crash (ASan/UBSan), must not pass
 * anything invalid to the backend, must lose no task, and no call may stay
 * past the watchdog's bounds (libFuzzer's -timeout catches that).
 *
 * Not here: the CLI's own code (fuzz_cli), records from the kernel
 * (fuzz_records), outputs without Lua (fuzz_outputs).
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_backend.h"
#include "../../core/synth.h"

#define ROUNDS 6
#define MAX_STMTS 10
#define SRC_MAX 16384

/* The grammar: statements with holes. V: a value, F: a task field, S: a
 * recursion through a library function, %d: a count. Each hole takes an
 * input byte (0 when the input has run out). */
#define N(a) (sizeof(a) / sizeof((a)[0]))
static const char *const values[] = {
	"0", "-1", "1e308", "-1e308", "0/0", "1/0", "-1/0", "2^53", "2^63", "-2^63",
	"4294967296", "-2147483649", "1e-300", "0x7fffffff", "'str'", "''", "{}", "nil",
	"true", "t", "t.scratch", "t.comm_w0", "now", "t.pid", "scx", "P", "function() end",
	"coroutine.create(function() end)", "string.rep('a', 1000)", "setmetatable({}, MT)",
	"t.vtime", "G", "'%s%d'", "-0.5",
};
static const char *const counts[] = {
	"0", "1", "2", "7", "8", "-1", "100", "1000", "100000", "1000000",
};
static const char *const fields[] = {
	"pid", "tgid", "prev_cpu", "nr_cpus_allowed", "weight", "flags", "start_ts", "stop_ts",
	"exec_runtime", "enqueue_ts", "comm_w0", "comm_w1", "vtime", "deadline", "slice_ns", "cpu",
	"dispatch_flags", "scratch", "scratch[0]", "scratch[7]", "scratch[8]", "scratch[-1]", "foo",
	"rule",
};
static const char *const recursions[] = {
	"local function r(d) if d > %d then return end; ('ab'):gsub('.', function() r(d + 1) end) end; r(0)",
	"local o; o = setmetatable({}, { __tostring = function() return string.format('%%s', o) end }); local s = string.format('%%s', o)",
	"local function c(a, b) table.sort({ 3, 2, 1 }, c); return a < b end; table.sort({ 2, 1 }, c)",
	"local function w(d) if d > %d then return end; coroutine.wrap(w)(d + 1) end; w(0)",
	"local m = {}; local tt = setmetatable({}, m); m.__index = function() os.time(tt); return 1 end; os.time(tt)",
	"local function rd() load(rd); return nil end; load(rd)",
	"local function f(d) if d > %d then return end; pcall(f, d + 1) end; f(0)",
	"local function f(d) return 1 + f(d + 1) end; f(0)",
	"local s = setmetatable({}, MT); MT.__index = function(_, k) return s[k] end; local x = s.y",
	"load(string.rep('(', 300) .. '1' .. string.rep(')', 300))",
	"local a, b, c, d = pcall(require, 'mod'), pcall(require, 'mod.sub'), pcall(require, 'link'), pcall(require, 'pipe')",
	"local ok, e = pcall(require, 'a..b'); ok, e = pcall(require, '../x'); ok, e = pcall(require, 'nomod')",
	"local function f() return f() end; f()",
};
static const char *const stmts[] = {
	"t.F = V",
	"t.F = t.F",
	"local x = t.F",
	"t.deadline = now + (t.pid %% 7) * %d",
	"t.scratch[%d] = V",
	"pcall(scx.comm, V)",
	"pcall(scx.select_cpu, V)",
	"t.cpu = scx.select_cpu(t)",
	"pcall(scx.charged, V); pcall(scx.scale_by_weight, V, V); pcall(scx.is_new, V)",
	"local s = scx.comm(t) .. tostring(t) .. tostring(t.scratch)",
	"pcall(scx.log, V, V)",
	"pcall(scx.rule, %d, { kind = V, slice_ns = V, lag_ns = V, preempt = V }); t.rule = %d",
	"print(V, t, now)",
	"pcall(function() S end)",
	"S",
	"for i = 1, %d do G[#G + 1] = { i } end",
	"G[#G + 1] = string.rep('x', %d * 1000)",
	"for i = 1, %d do G[i] = nil end",
	"error(V)",
	"pcall(error, V)",
	"assert(V, V)",
	"local co = coroutine.wrap(function() coroutine.yield(V); error(V) end); pcall(co); pcall(co); pcall(co)",
	"setmetatable(G, { __index = function(_, k) return V end }); local y = G.nothing",
	"pcall(setmetatable, t, {})",
	"pcall(getmetatable, V)",
	"local f = load('return ' .. tostring(V)); if f then pcall(f) end",
	"pcall(collectgarbage, V)",
	"P.name = V",
	"pcall(function() scx.x = V end)",
	"for i = 1, %d * 10 do local z = i * 2 end",
	"if now and t.pid %% %d == 0 then return end",
	"pcall(function() while true do end end)",
	"local k = %d; while k > 0 do k = k - 1 end",
};

struct gen {
	const uint8_t *p;
	size_t left;
	char out[SRC_MAX];
	size_t len;
};

static unsigned pick(struct gen *g, unsigned n)
{
	unsigned b = 0;

	if (g->left) {
		b = *g->p++;
		g->left--;
	}
	return b % n;
}

static void put(struct gen *g, const char *s)
{
	size_t n = strlen(s);

	if (g->len + n < SRC_MAX - 1) {
		memcpy(g->out + g->len, s, n + 1);
		g->len += n;
	}
}

/* Hangs cost two watchdog budgets each: one pick in a few hundred. */
static bool hangs(const char *s)
{
	return strstr(s, "while true") || strstr(s, "return f()");
}

static void put_hole(struct gen *g, char kind)
{
	char buf[512];

	switch (kind) {
	case 'V':
		put(g, values[pick(g, N(values))]);
		break;
	case 'F':
		put(g, fields[pick(g, N(fields))]);
		break;
	case 'D':
		put(g, counts[pick(g, N(counts))]);
		break;
	default: { /* 'S' */
		const char *r = recursions[pick(g, N(recursions))];

		if (hangs(r) && pick(g, 16))
			r = recursions[0];
		snprintf(buf, sizeof(buf), r, 1 << pick(g, 12));
		put(g, buf);
	}
	}
}

static void put_stmt(struct gen *g)
{
	const char *s = stmts[pick(g, N(stmts))];
	char c[2] = "";

	if (hangs(s) && pick(g, 16))
		s = stmts[0];
	for (; *s; s++) {
		if (*s == 'V' || *s == 'F' || *s == 'S') {
			put_hole(g, *s);
		} else if (s[0] == '%' && s[1] == 'd') {
			put_hole(g, 'D');
			s++;
		} else {
			s += s[0] == '%' && s[1] == '%';
			c[0] = *s;
			put(g, c);
		}
	}
	put(g, "\n");
}

/* The policy for @data: every hook (the optional ones when picked) with
 * up to MAX_STMTS statements. */
static void gen_policy(struct gen *g)
{
	static const char *const hooks[] = {
		"function P.init(sys) local t, now = nil, nil\n", "function P.enqueue(t, now)\n",
		"function P.dispatch(t, now)\n", "function P.tick(now, stats) local t = nil\n",
		"function P.exit(reason) local t, now = nil, nil\n",
	};

	put(g, "local scx = require 'scx'\nlocal P = { name = 'fuzz' }\nlocal G, MT = {}, {}\n");
	for (unsigned h = 0; h < N(hooks); h++) {
		unsigned n = pick(g, MAX_STMTS + 1);

		if (h != 1 && pick(g, 2))
			continue;
		put(g, hooks[h]);
		for (unsigned i = 0; i < (h == 1 ? n : n / 3); i++)
			put_stmt(g);
		put(g, h == 1 ? "t.deadline = t.deadline\nend\n" : "end\n");
	}
	put(g, "return P\n");
}

/* What the backend may be handed, as fuzz_backend.h checks it. */
static int checked_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	const char *broken = fuzz_broken(t);

	if (broken) {
		fprintf(stderr, "fuzz_policy: invalid %s reached the backend\n", broken);
		abort();
	}
	return synth_ops.dispatch(ctx, t, tok);
}

static struct backend_ops checked_ops;
static struct synth *sy;
static char dir[64], path[128];

static void write_file(const char *name, const char *text)
{
	char p[192];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f || fputs(text, f) < 0 || fclose(f))
		abort();
}

/* A folder with the policy, two modules, a link out and a FIFO. */
static void make_folder(void)
{
	char p[192];

	snprintf(dir, sizeof(dir), "/tmp/fuzz_policy.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/policy.lua", dir);
	snprintf(p, sizeof(p), "%s/mod", dir);
	if (mkdir(p, 0755))
		abort();
	write_file("mod.lua", "return { f = function() return 1 end }\n");
	write_file("mod/sub.lua", "error('a module that fails')\n");
	snprintf(p, sizeof(p), "%s/link.lua", dir);
	if (symlink("/etc/passwd", p))
		abort();
	snprintf(p, sizeof(p), "%s/pipe.lua", dir);
	if (mkfifo(p, 0644))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct synth_cfg sc = { .nr_tasks = 128, .burst = 16, .nr_cpus = FUZZ_CPUS,
				.exit_every = 37, .refuse_every = 13, .slots_per_round = 12,
				.seed = 1 };
	struct engine_cfg cfg;

	(void)argc;
	(void)argv;
	make_folder();
	engine_cfg_default(&cfg);
	cfg.arena_bytes = 48u << 20;
	cfg.sched.nr_cpus = FUZZ_CPUS;
	cfg.sched.max_tasks = 1024;
	cfg.sched.batch_max = 64;
	cfg.sched.tick_ns = 2e6;            /* P.tick every other round */
	cfg.policy.watchdog_ms = 20;
	cfg.policy.backend = "fuzz";
	checked_ops = synth_ops;
	checked_ops.dispatch = checked_dispatch;
	sy = synth_new(&sc);
	if (!sy || engine_init(&fuzz_engine, &cfg, &checked_ops, sy))
		abort();
	return 0;
}

/* After every input: nothing lost, nothing held twice, the order intact. */
static void check_invariants(void)
{
	struct sched *s = &fuzz_engine.sched;
	struct synth_counts c;

	synth_counts(sy, &c);
	if (c.nr_invalid || c.nr_bad_cpu || c.nr_made_runnable != c.nr_dispatched + heap_size(&s->heap) ||
	    c.nr_outstanding != heap_size(&s->heap) ||
	    s->nr_free + heap_size(&s->heap) != s->cfg.max_tasks || !heap_valid(&s->heap) ||
	    !isfinite(s->fb.vtime_now) || s->fb.vtime_now > 2 * SCX_VTIME_MAX) {
		fprintf(stderr, "fuzz_policy: books broken (made %llu, dispatched %llu, held %u, "
			"invalid %llu, bad cpu %llu, clock %g)\n",
			(unsigned long long)c.nr_made_runnable, (unsigned long long)c.nr_dispatched,
			heap_size(&s->heap), (unsigned long long)c.nr_invalid,
			(unsigned long long)c.nr_bad_cpu, s->fb.vtime_now);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct gen g;
	char report[4096];
	bool compiled;

	g.p = data;
	g.left = size;
	g.len = 0;
	g.out[0] = '\0';
	gen_policy(&g);
	write_file("policy.lua", g.out);
	/* A policy that does not load leaves the last one running, as a
	 * failed reload does. */
	if (policy_load(&fuzz_engine.ph, path) == 0) {
		sched_policy_changed(&fuzz_engine.sched);
		policy_jit_watch(&fuzz_engine.ph);
	}
	for (int r = 0; r < ROUNDS; r++) {
		sched_step(&fuzz_engine.sched);
		synth_ops.wait(sy, 0);
	}
	if (policy_active(&fuzz_engine.ph))
		policy_jit_report(&fuzz_engine.ph, &compiled, report, sizeof(report));
	check_invariants();
	return 0;
}
