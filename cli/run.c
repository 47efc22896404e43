// SPDX-License-Identifier: GPL-2.0-only
/*
 * run.c - `scx_lua POLICY.lua`: the scheduler process.
 *
 * The control plane around the loop: signals (SIGINT/SIGTERM stop,
 * SIGHUP reloads, SIGUSR1 prints the stats lines now), --watch, --stats,
 * the stats socket (statsd.c), warm-up and the final report. The
 * loop thread only ever polls flags set by the handlers; nothing here runs
 * inside a signal handler but a store to a flag.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "clock.h"

#include "json.h"
#include "live.h"
#include "cli.h"
#include "statsd.h"

static volatile sig_atomic_t stop_sig, reload_req, stats_req;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_req = 1;
}

static void on_usr1(int sig)
{
	(void)sig;
	stats_req = 1;
}

struct filestamp {
	struct timespec mtime, ctime;
	ino_t ino;
	off_t size;
	bool ok;
};

static struct filestamp stamp(const char *path)
{
	struct filestamp f = { 0 };
	struct stat st;

	if (stat(path, &st) == 0) {
		f.mtime = st.st_mtim;
		f.ctime = st.st_ctim;
		f.ino = st.st_ino;
		f.size = st.st_size;
		f.ok = true;
	}
	return f;
}

static bool stamp_changed(const struct filestamp *a, const struct filestamp *b)
{
	return a->ok != b->ok || a->ino != b->ino || a->size != b->size ||
	       a->mtime.tv_sec != b->mtime.tv_sec || a->mtime.tv_nsec != b->mtime.tv_nsec ||
	       a->ctime.tv_sec != b->ctime.tv_sec || a->ctime.tv_nsec != b->ctime.tv_nsec;
}

static int reload(struct engine *e, const char *path, const char *why)
{
	static struct rulebook_saved saved;
	char prev[64];
	int err;

	snprintf(prev, sizeof(prev), "%s", policy_name(&e->ph));
	/* The new policy publishes its own rules and settings, or none. */
	rulebook_clear(&e->sched.rules, &saved);
	err = policy_load(&e->ph, path);
	if (!err) {
		sched_policy_changed(&e->sched);
		if (e->sched.be == &bpf_ops)   /* the kernel's exit dump names it */
			bpf_backend_set_policy_name(e->sched.bctx, policy_name(&e->ph));
		logring_printf(&e->log, 2, "scx_lua: %s: reloaded %s (policy \"%s\") in %.2f ms\n",
			       why, path, policy_name(&e->ph), e->stats->reload_ns / 1e6);
	} else {
		rulebook_restore(&e->sched.rules, &saved);
		logring_printf(&e->log, 2, "scx_lua: %s: reload of %s failed, still running "
			       "\"%s\":\n%s\n", why, path, prev, e->ph.err);
	}
	return err;
}


static int make_backend(struct cli *o, const struct backend_ops **be, void **bctx)
{
	char why[512];

	if (!strcmp(o->backend, "synth")) {
		struct synth_cfg sc = {
			.nr_tasks = o->synth_tasks, .burst = o->synth_burst,
			.nr_cpus = (uint32_t)o->ecfg.sched.nr_cpus, .exit_every = 1000,
			.seed = o->seed,
		};

		*bctx = synth_new(&sc);
		*be = &synth_ops;
		return *bctx ? 0 : -ENOMEM;
	}
	if (bpf_backend_preflight(why, sizeof(why)) == 0) {
		struct bpf_backend_cfg bc = {
			.ops_name = o->policy,
			.partial = o->partial, .full_user = o->full_user,
			.exit_dump_len = o->exit_dump_len, .verbose = o->verbose,
			.queue_bytes = (size_t)o->queue_kb << 10,
			.starve_ns = (unsigned long long)o->starve_ms * 1000000ull,
			.slice_ns = (unsigned long long)o->ecfg.sched.slice_ns,
			.tune = { .preempt_min_ns = (unsigned long long)o->preempt_us * 1000,
				  .budget_ns = (unsigned long long)o->budget_us * 1000,
				  .preempt_sync = o->preempt_sync },
			.tune_fixed = (o->budget_set ? BPF_TUNE_BUDGET : 0) |
				      (o->preempt_set ? BPF_TUNE_PREEMPT : 0),
		};

		*bctx = bpf_backend_open(&bc, why, sizeof(why));
		if (*bctx) {
			*be = &bpf_ops;
			o->ecfg.sched.nr_cpus = bpf_backend_nr_cpus(*bctx);
			return 0;
		}
	}
	fprintf(stderr, "scx_lua: %s\n", why);
	return -ENOTSUP;
}

static void close_backend(const struct backend_ops *be, void *bctx)
{
	if (be == &synth_ops)
		synth_free(bctx);
	else
		bpf_backend_close(bctx);
}

/* The scheduler process's state between its steps. */
struct runner {
	struct cli *o;
	const struct backend_ops *be;
	void *bctx;
	struct engine e;
	struct filestamp fs;
	uint64_t t_start, next_stats, next_watch, warm_at;
	struct statsd *statsd;
	char line[LOGRING_LINE], ended[1400], json[STATSD_MAX], pstats[8192];
	bool restart;
};

static bool is_live(const struct runner *r)
{
	return r->be == &bpf_ops;
}

/*
 * The stats socket: where --stats-socket says, or scx's default when live
 * (a warning there if it cannot be, the scheduler matters more), none for
 * the synth backend unless asked. 0, or 1 with the message said.
 */
static int open_statsd(struct runner *r)
{
	const char *path = r->o->stats_socket;
	static char meta[32768];
	static const struct json_field top[] = {
		{ "t", "float", "seconds since the scheduler started" },
		{ "core", "core", "the core: batches, the policy's calls and outputs" },
		{ "bpf", "bpf", "the BPF side (live backend only)" },
		{ "policy", "dict", "the policy's own metrics (P.stats), if it has any" },
	};
	static const struct json_field shadow = { "shadow", "shadow",
						  "the shadow policy against the live one" };
	struct json_field f[5] = { top[0], top[1], top[2], top[3] };
	int nf = is_live(r) ? 4 : 3;
	size_t n;

	if ((path && !strcmp(path, "none")) || (!path && !is_live(r)))
		return 0;
	if (!is_live(r))   /* no BPF side */
		f[2] = f[3];
	if (r->o->shadow)
		f[nf++] = shadow;
	n = json_meta(meta, sizeof(meta), "scx_lua", "scx_lua: a scheduler whose policy is Lua",
		      1, f, nf);
	n = json_put(meta, sizeof(meta), n, ",");
	n += engine_stats_meta(meta + n, sizeof(meta) - n);
	if (is_live(r)) {
		n = json_put(meta, sizeof(meta), n, ",");
		n += bpf_backend_stats_meta(meta + n, sizeof(meta) - n);
	}
	if (r->o->shadow) {
		n = json_put(meta, sizeof(meta), n, ",");
		shadow_stats_meta(meta + n, sizeof(meta) - n);
	}
	r->statsd = statsd_open(path ? path : STATSD_DEFAULT_PATH, meta, r->line, sizeof(r->line));
	if (r->statsd || !path) {
		if (!r->statsd)
			fprintf(stderr, "scx_lua: warning: %s; running without it\n", r->line);
		return 0;
	}
	fprintf(stderr, "scx_lua: %s\n", r->line);
	return 1;
}

/* The policy's file name without folder and ".lua": what a recording names. */
static const char *policy_stem(const char *path)
{
	static char stem[32];
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strcspn(b, ".");
	snprintf(stem, sizeof(stem), "%.*s", (int)(n < sizeof(stem) ? n : sizeof(stem) - 1), b);
	return stem;
}

/*
 * --record FILE; after a restart the kernel asked for, FILE.1, FILE.2...:
 * each session's clock starts at 0, and the file already written holds
 * what happened before. 0, or 1 with the message said.
 */
static int open_record(struct runner *r)
{
	static char path[PATH_MAX + 16];

	if (r->o->restarts)
		snprintf(path, sizeof(path), "%s.%d", r->o->record, r->o->restarts);
	else
		snprintf(path, sizeof(path), "%s", r->o->record);
	/* A full file (RLIMIT_FSIZE) is a write error, not a fatal signal. */
	signal(SIGXFSZ, SIG_IGN);
	if (engine_record(&r->e, path, r->be->name, policy_stem(r->o->policy), r->line,
			  sizeof(r->line))) {
		fprintf(stderr, "scx_lua: %s\n", r->line);
		return 1;
	}
	if (r->o->restarts)
		fprintf(stderr, "scx_lua: recording this session to %s\n", path);
	return 0;
}

/* --record: the trailer written, and what it holds said. */
static void report_record(struct runner *r)
{
	const struct recorder *rec = &r->e.rec;
	uint64_t lost = rec->nr_dropped;
	int err = engine_record_close(&r->e);

	if (err)
		fprintf(stderr, "scx_lua: --record: writing the recording failed (%s): it is cut "
			"short; free some space or record elsewhere\n", strerror(-err));
	fprintf(stderr, "scx_lua: recorded %llu events to %s%s", (unsigned long long)rec->nr_written,
		r->o->record, lost || err ? "" : "\n");
	if (lost || err)
		fprintf(stderr, ", %llu not: %s\n",
			(unsigned long long)(lost + rec->nr_events - rec->nr_written),
			err ? "writing failed" : rec->nr_events >= REC_MAX_EVENTS ?
			"the recording is full (16 Mi events): record a shorter run" :
			"the log thread fell behind");
}

/* Backend, engine, policy, signals, attach. 0, or 1 with a message said. */
static int setup(struct runner *r)
{
	struct cli *o = r->o;
	struct sigaction sa;

	if (make_backend(o, &r->be, &r->bctx))
		return 1;
	o->ecfg.policy.backend = r->be->name;
	o->ecfg.policy.opts = o->opts;
	o->ecfg.policy.nr_opts = o->nr_opts;
	if (engine_init(&r->e, &o->ecfg, r->be, r->bctx))
		return 1;
	if (policy_load(&r->e.ph, o->policy)) {
		fprintf(stderr, "scx_lua: cannot load %s:\n%s\n", o->policy, r->e.ph.err);
		return 1;
	}
	sched_policy_changed(&r->e.sched);   /* publishes its rules and settings */
	if (o->shadow && engine_shadow(&r->e, o->shadow)) {
		fprintf(stderr, "scx_lua: cannot load the shadow %s:\n%s\n", o->shadow, r->e.ph.err);
		return 1;
	}
	if (is_live(r))
		bpf_backend_set_policy_name(r->bctx, policy_name(&r->e.ph));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	if (open_statsd(r))
		return 1;
	if (o->record && open_record(r))
		return 1;
	fprintf(stderr, "scx_lua: running \"%s\" (%s) on the %s backend%s\n",
		policy_name(&r->e.ph), o->policy, r->be->name,
		o->ecfg.lock ? (r->e.arena.locked ? ", memory locked" : ", memory NOT locked") : "");
	if (is_live(r) && bpf_backend_attach(r->bctx, r->line, sizeof(r->line))) {
		fprintf(stderr, "scx_lua: %s\n", r->line);
		return 1;
	}
	logring_start(&r->e.log);
	arena_prefault_stack(256 << 10);
	r->fs = stamp(o->policy);
	r->t_start = clock_ns();
	r->warm_at = r->t_start + 1000000000ull;
	r->next_stats = o->stats_s ? r->t_start + (uint64_t)(o->stats_s * 1e9) : UINT64_MAX;
	r->next_watch = r->t_start + 250000000ull;
	return 0;
}

/*
 * The stats as one JSON object {"t": seconds, "core": {...}, "bpf": {...},
 * "policy": {...}}: what --stats-json prints and the socket serves. The
 * length; the object is whole or, past r->json, cut before "bpf" or
 * "policy" (never in the middle of one).
 */
static size_t stats_json(struct runner *r, uint64_t now)
{
	size_t n, max = sizeof(r->json) - 2;

	n = (size_t)snprintf(r->json, max, "{\"t\":%.3f,\"core\":",
			     (double)(now - r->t_start) / 1e9);
	n += (size_t)engine_format_stats_json(&r->e, r->json + n, max - n);
	if (is_live(r) && n + 8 < max) {
		size_t m = n + (size_t)snprintf(r->json + n, max - n, ",\"bpf\":");

		m += (size_t)bpf_backend_format_stats_json(r->bctx, r->json + m, max - m);
		if (m + 1 < max)
			n = m;
	}
	if (r->o->shadow && n + 600 < max) {
		n += (size_t)snprintf(r->json + n, max - n, ",\"shadow\":");
		n += (size_t)shadow_format_json(&r->e.shadow, r->json + n, max - n);
	}
	if (policy_stats(&r->e.ph, true, r->pstats, sizeof(r->pstats)) > 0 &&
	    n + strlen(r->pstats) + 12 < max)
		n += (size_t)snprintf(r->json + n, max - n, ",\"policy\":%s", r->pstats);
	r->json[n++] = '}';
	r->json[n] = '\0';
	return n;
}

/*
 * --stats: the core's line, live the BPF side's, and the policy's own if
 * it has P.stats; or with --stats-json the object above. Through the log
 * ring, which writes at once once it is stopped (exit).
 */
static void put_stats(struct runner *r, uint64_t now)
{
	size_t n;

	if (r->o->stats_json) {
		n = stats_json(r, now);
		r->json[n++] = '\n';
		logring_put_long(&r->e.log, 1, r->json, n);
		return;
	}
	engine_format_stats(&r->e, r->line, sizeof(r->line));
	logring_put(&r->e.log, 1, r->line, strlen(r->line));
	if (is_live(r)) {
		bpf_backend_format_stats(r->bctx, r->line, sizeof(r->line));
		logring_put(&r->e.log, 1, r->line, strlen(r->line));
	}
	if (r->o->shadow) {
		shadow_format(&r->e.shadow, r->line, sizeof(r->line));
		logring_put(&r->e.log, 1, r->line, strlen(r->line));
	}
	if (policy_stats(&r->e.ph, false, r->pstats + 11, sizeof(r->pstats) - 12) > 0) {
		memcpy(r->pstats, "  [policy] ", 11);
		n = strlen(r->pstats);
		r->pstats[n++] = '\n';
		logring_put_long(&r->e.log, 1, r->pstats, n);
	}
}

/*
 * SIGHUP with a shadow: a live policy that was retired (a hang, its heap
 * exhausted) is reloaded, as without a shadow; with --promote a running
 * shadow becomes the live policy, which goes on with the per-task state
 * the shadow built; otherwise the shadow is reloaded from its file (a
 * broken edit leaves no shadow until the next SIGHUP, said).
 */
static void shadow_hup(struct runner *r)
{
	struct engine *e = &r->e;
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s", e->shadow.path);
	if (!policy_active(&e->ph)) {
		reload(e, r->o->policy, "SIGHUP");
		return;
	}
	if (r->o->promote && policy_shadow_name(&e->ph)) {
		policy_shadow_drop(&e->ph, "promote");
		if (reload(e, path, "SIGHUP --promote")) {
			snprintf(e->shadow.stopped, sizeof(e->shadow.stopped), "promotion failed");
			logring_printf(&e->log, 2, "scx_lua: the shadow was dropped to try it: "
				       "fix %s and send SIGHUP to load it again\n", path);
			return;
		}
		shadow_adopt(&e->shadow, &e->sched);
		r->o->policy = path;
		r->o->promoted = true;
		r->fs = stamp(path);
		return;
	}
	if (engine_shadow(e, path))
		logring_printf(&e->log, 2, "scx_lua: SIGHUP: the shadow %s did not load; "
			       "no shadow until it does:\n%s\n", path, e->ph.err);
	else
		logring_printf(&e->log, 2, "scx_lua: SIGHUP: reloaded the shadow %s "
			       "(policy \"%s\")\n", path, policy_shadow_name(&e->ph));
}

/* Between steps: warm-up, reloads, --watch, --stats. */
static void housekeeping(struct runner *r, uint64_t now)
{
	struct cli *o = r->o;

	if (!r->e.sched.warm && now >= r->warm_at)
		sched_mark_warm(&r->e.sched);
	if (reload_req && o->shadow && !o->promoted) {
		reload_req = 0;
		shadow_hup(r);
	} else if (reload_req) {
		reload_req = 0;
		reload(&r->e, o->policy, "SIGHUP");
		r->fs = stamp(o->policy); /* --watch must not load it again */
	}
	if (o->watch && now >= r->next_watch) {
		struct filestamp nf = stamp(o->policy);

		r->next_watch = now + 250000000ull;
		if (nf.ok && stamp_changed(&r->fs, &nf))
			reload(&r->e, o->policy, "file changed");
		r->fs = nf;
	}
	if (statsd_wanted(r->statsd))
		statsd_publish(r->statsd, r->json, stats_json(r, now));
	if (now >= r->next_stats || stats_req) {
		stats_req = 0;
		put_stats(r, now);
		if (o->stats_s)
			r->next_stats = now + (uint64_t)(o->stats_s * 1e9);
	}
}

/* One step, then give the CPU back (the live backend parks us). */
static void loop(struct runner *r)
{
	while (!stop_sig) {
		uint32_t moved = sched_step(&r->e.sched);
		uint64_t now;

		r->be->wait(r->bctx, moved ? 0 : r->e.sched.heap.nr ? 1 : 100);
		if (is_live(r) && bpf_backend_ended(r->bctx, r->ended, sizeof(r->ended), &r->restart))
			break;
		now = clock_ns();
		housekeeping(r, now);
		if (r->o->duration_s > 0 && now - r->t_start >= (uint64_t)(r->o->duration_s * 1e9))
			break;
	}
}

/*
 * Detach first: nothing after it (the policy's P.exit, the final stats,
 * freeing) may hold the machine's tasks hostage. Then say why we stopped.
 */
static int report(struct runner *r)
{
	bool again;

	if (is_live(r))
		bpf_backend_detach(r->bctx);
	statsd_close(r->statsd);
	r->statsd = NULL;
	policy_exit(&r->e.ph, r->ended[0] ? "kernel" :
			      stop_sig ? (stop_sig == SIGINT ? "SIGINT" : "SIGTERM") : "duration");
	logring_stop(&r->e.log);
	fflush(stdout);
	put_stats(r, clock_ns());
	if (r->o->record)
		report_record(r);
	if (!r->ended[0]) {
		fprintf(stderr, "scx_lua: stopped (%s), detached\n",
			stop_sig ? strsignal(stop_sig) : "--duration elapsed");
		return 0;
	}
	/* A SIGINT or SIGTERM that came with the kernel's restart request
	 * (stop_sig is never cleared) still stops us. */
	again = r->restart && !stop_sig;
	fprintf(stderr, "scx_lua: the kernel stopped the scheduler (%s)%s\n", r->ended,
		again ? "; restarting" : r->restart ? "; not restarting: asked to stop" : "");
	return again ? RUN_RESTART : r->restart ? 0 : 1;
}

int run_main(struct cli *o)
{
	static struct runner r;   /* large (buffers, the engine): not on the stack */
	int rc;

	memset(&r, 0, sizeof(r));
	r.o = o;
	rc = setup(&r);
	if (!rc) {
		loop(&r);
		rc = report(&r);
	} else if (r.be && is_live(&r)) {
		bpf_backend_detach(r.bctx);
	}
	statsd_close(r.statsd);
	if (r.be) {
		engine_free(&r.e);
		close_backend(r.be, r.bctx);
	}
	return rc;
}
