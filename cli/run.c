// SPDX-License-Identifier: GPL-2.0-only
/*
 * run.c - `scx_lua POLICY.lua`: the scheduler process.
 *
 * The control plane around the loop: signals (SIGINT/SIGTERM stop,
 * SIGHUP reloads), --watch, --stats, warm-up and the final report. The
 * loop thread only ever polls flags set by the handlers; nothing here runs
 * inside a signal handler but a store to a flag.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "live.h"
#include "cli.h"

static volatile sig_atomic_t stop_sig, reload_req;

static void on_stop(int sig)
{
	stop_sig = sig;
}

static void on_hup(int sig)
{
	(void)sig;
	reload_req = 1;
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

static void reload(struct engine *e, const char *path, const char *why)
{
	char prev[64];

	snprintf(prev, sizeof(prev), "%s", policy_name(&e->ph));
	if (policy_load(&e->ph, path) == 0) {
		sched_policy_changed(&e->sched);
		logring_printf(&e->log, 2, "scx_lua: %s: reloaded %s (policy \"%s\") in %.2f ms\n",
			       why, path, policy_name(&e->ph), e->stats->reload_ns / 1e6);
	} else {
		logring_printf(&e->log, 2, "scx_lua: %s: reload of %s failed, still running "
			       "\"%s\":\n%s\n", why, path, prev, e->ph.err);
	}
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
			.partial = o->partial, .full_user = o->full_user,
			.exit_dump_len = o->exit_dump_len, .verbose = o->verbose,
			.queue_bytes = (size_t)o->queue_kb << 10,
			.starve_ns = (unsigned long long)o->starve_ms * 1000000ull,
			.slice_ns = (unsigned long long)o->ecfg.sched.slice_ns,
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

int run_main(struct cli *o)
{
	const struct backend_ops *be;
	void *bctx;
	struct engine e;
	struct sigaction sa;
	struct filestamp fs = stamp(o->policy);
	uint64_t t_start, next_stats, next_watch, warm_at;
	char line[LOGRING_LINE], ended[1400] = "";
	bool restart = false;
	int err;

	if (make_backend(o, &be, &bctx))
		return 1;
	o->ecfg.policy.backend = be->name;
	o->ecfg.policy.opts = o->opts;
	o->ecfg.policy.nr_opts = o->nr_opts;
	if (engine_init(&e, &o->ecfg, be, bctx)) {
		engine_free(&e);
		close_backend(be, bctx);
		return 1;
	}
	err = policy_load(&e.ph, o->policy);
	if (err) {
		fprintf(stderr, "scx_lua: cannot load %s:\n%s\n", o->policy, e.ph.err);
		engine_free(&e);
		close_backend(be, bctx);
		return 1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_hup;
	sigaction(SIGHUP, &sa, NULL);

	fprintf(stderr, "scx_lua: running \"%s\" (%s) on the %s backend%s\n",
		policy_name(&e.ph), o->policy, be->name,
		o->ecfg.lock ? (e.arena.locked ? ", memory locked" : ", memory NOT locked") : "");
	if (be == &bpf_ops && bpf_backend_attach(bctx, line, sizeof(line))) {
		fprintf(stderr, "scx_lua: %s\n", line);
		engine_free(&e);
		close_backend(be, bctx);
		return 1;
	}
	logring_start(&e.log);
	arena_prefault_stack(256 << 10);

	t_start = clock_ns();
	warm_at = t_start + 1000000000ull;
	next_stats = o->stats_s ? t_start + (uint64_t)o->stats_s * 1000000000ull : UINT64_MAX;
	next_watch = t_start + 250000000ull;
	while (!stop_sig) {
		uint64_t now;

		if (!sched_step(&e.sched))
			be->wait(bctx, e.sched.heap.nr ? 1 : 100);
		if (be == &bpf_ops && bpf_backend_ended(bctx, ended, sizeof(ended), &restart))
			break;
		now = clock_ns();
		if (!e.sched.warm && now >= warm_at)
			sched_mark_warm(&e.sched);
		if (reload_req) {
			reload_req = 0;
			reload(&e, o->policy, "SIGHUP");
			fs = stamp(o->policy); /* --watch must not load it again */
		}
		if (o->watch && now >= next_watch) {
			struct filestamp nf = stamp(o->policy);

			next_watch = now + 250000000ull;
			if (nf.ok && stamp_changed(&fs, &nf))
				reload(&e, o->policy, "file changed");
			fs = nf;
		}
		if (now >= next_stats) {
			engine_format_stats(&e, line, sizeof(line));
			logring_put(&e.log, 1, line, strlen(line));
			if (be == &bpf_ops) {
				bpf_backend_format_stats(bctx, line, sizeof(line));
				logring_put(&e.log, 1, line, strlen(line));
			}
			next_stats = now + (uint64_t)o->stats_s * 1000000000ull;
		}
		if (o->duration_s > 0 && now - t_start >= (uint64_t)(o->duration_s * 1e9))
			break;
	}
	policy_exit(&e.ph, ended[0] ? "kernel" : stop_sig ? (stop_sig == SIGINT ? "SIGINT" : "SIGTERM")
					     : "duration");
	logring_stop(&e.log);
	engine_format_stats(&e, line, sizeof(line));
	fputs(line, stdout);
	if (be == &bpf_ops) {
		bpf_backend_format_stats(bctx, line, sizeof(line));
		fputs(line, stdout);
	}
	fflush(stdout);
	engine_free(&e);
	close_backend(be, bctx); /* detaches from sched_ext */
	if (ended[0]) {
		/* A SIGINT or SIGTERM that came with the kernel's restart request
		 * (stop_sig is never cleared) still stops us. */
		bool again = restart && !stop_sig;

		fprintf(stderr, "scx_lua: the kernel stopped the scheduler (%s)%s\n", ended,
			again ? "; restarting" : restart ? "; not restarting: asked to stop" : "");
		return again ? RUN_RESTART : restart ? 0 : 1;
	}
	fprintf(stderr, "scx_lua: stopped (%s), detached\n",
		stop_sig ? strsignal(stop_sig) : "--duration elapsed");
	return 0;
}
