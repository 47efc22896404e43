// SPDX-License-Identifier: GPL-2.0-only
/*
 * load.c - `scx_lua load WORKLOAD.lua`: the workload file the simulator
 * runs, run as real processes on the live kernel, whatever schedules it
 * (its default scheduler, or scx_lua with a policy), and reported as the
 * simulator reports (its table, or --json), so a policy's simulated and
 * real figures can be set side by side.
 *
 * The command reads as its steps: parse; load the workload (sim/workload.c,
 * the same checks and messages); plan each task (its nice from the group's
 * weight, its CPUs, its pipe) and check the machine's limits; map the
 * shared region and fork every task (task.c), which sets itself up and
 * waits; start the clock for all at once (EOF on the go pipe); sleep until
 * the end; reap; report (collect.c). All memory is mapped and touched before
 * the clock starts.
 *
 * No orphans: each task dies with this process (PR_SET_PDEATHSIG) and ends
 * by itself at the run's end; SIGINT, SIGTERM or SIGHUP here kill every
 * task by pid, reap them and exit 128 + the signal; a task still not done
 * 2 s after the end (starved) is killed and reported up to where it was.
 *
 * The scheduler's own figures (steps, dispatches, errors, its CPU time:
 * the overhead) are a running scx_lua's, asked over its stats socket
 * before and after (sched.c); under any other scheduler they stay 0.
 *
 * Not here: a workload's llc_cpus (the machine's real caches count), more
 * CPUs than the machine gives this process, the simulator's draws (the same
 * seed gives other bursts and sleeps: each side seeds its own generator).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "expect.h"
#include "load.h"
#include "opts.h"
#include "statsd.h"

#define MAX_TASKS 20000
#define GRACE_NS 2000000000LL     /* after the end, before a task is killed */
#define POOL_MAX (256u << 20)     /* bytes of samples at most */

struct load_args {
	const char *workload;
	const char *stats_socket;  /* a running scx_lua's, for its own figures; NULL: none */
	bool socket_given;         /* else asked only while a sched_ext scheduler is attached */
	double duration_ms;       /* 0: the workload's */
	int cpus;                 /* 0: every CPU this process may use */
	unsigned long long seed;
	bool json;
	bool ext;                 /* --ext: the tasks run as SCHED_EXT */
	struct sim_expect expect[SIM_MAX_EXPECT];
	int nr_expect;
};

static void usage(FILE *f)
{
	fprintf(f,
"usage: scx_lua load WORKLOAD [options]\n"
"  Run a workload file's groups as real processes on this machine, under whatever\n"
"  scheduler the kernel runs (start scx_lua POLICY first to measure a policy), and\n"
"  print the figures scx_lua sim prints, with its definitions.\n"
"  WORKLOAD            a file, or a name looked for as scx_lua sim does (interactive)\n"
"  --duration-ms N     how long, 1 to 3600000 ms (default: the workload's, else 10000)\n"
"  --cpus N            use only the first N CPUs this process may run on (default: all;\n"
"                      the workload's `cpus` is the simulator's machine, not this one)\n"
"  --seed N            random seed of the bursts and sleeps (default 1)\n"
"  --json              the metrics as JSON, as scx_lua sim --json\n"
"  --stats-socket P    ask the scx_lua serving its stats on P for its policy's name,\n"
"                      steps, dispatches, errors and CPU time (the overhead) over the\n"
"                      run (default, while sched_ext runs a scheduler:\n"
"                      " STATSD_DEFAULT_PATH "; none: do not ask)\n"
"  --expect CHECK      grade the run as scx_lua sim --expect does (its help lists the\n"
"                      metrics): a PASS/FAIL line each, exit 1 if any fails; repeatable\n"
"  --ext               the tasks ask for SCHED_EXT, as a scheduler started with -p\n"
"                      (--partial) wants them; without one loaded they run as normal\n"
"Each task is a process named as its group (comm), with the group's nice (its weight\n"
"rounded to the nearest nice) and CPUs (workload CPU i is the machine's CPU i mod N).\n"
"Wait and wake-up latency run from the wake-up (timer expiry, the waker's pipe write)\n"
"to the task running again in user space; a preemption is seen as a gap in the burst's\n"
"spin. Under another scheduler than scx_lua, steps, dispatches and overhead stay 0.\n"
"Exit: 0, 1 a task could not start (or a check failed), 2 bad command line or workload, 128+N on signal N.\n");
}

enum { O_DURATION_MS = OPT_OWN, O_JSON, O_CPUS, O_SEED, O_EXPECT, O_STATS_SOCKET, O_EXT };

static const struct option longopts[] = {
	{ "duration-ms", required_argument, 0, O_DURATION_MS },
	{ "cpus", required_argument, 0, O_CPUS },
	{ "seed", required_argument, 0, O_SEED },
	{ "json", no_argument, 0, O_JSON },
	{ "expect", required_argument, 0, O_EXPECT },
	{ "stats-socket", required_argument, 0, O_STATS_SOCKET },
	{ "ext", no_argument, 0, O_EXT },
	{ "help", no_argument, 0, 'h' },
	{ 0, 0, 0, 0 },
};

/* 0; 1: --help printed; 2: @err says what is wrong. */
static int parse(struct load_args *a, int argc, char **argv, char *err, size_t errlen)
{
	struct opt_err e = { .failed = false };
	int c;

	memset(a, 0, sizeof(*a));
	a->seed = 1;
	a->stats_socket = STATSD_DEFAULT_PATH;
	optind = 0;
	opterr = 0;
	while (!e.failed && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case O_DURATION_MS: a->duration_ms = (double)opt_whole(&e, "--duration-ms", optarg, 1, 3600000); break;
		case O_CPUS: a->cpus = (int)opt_whole(&e, "--cpus", optarg, 1, 1024); break;
		case O_SEED: a->seed = (unsigned long long)opt_whole(&e, "--seed", optarg, 0, LLONG_MAX); break;
		case O_JSON: a->json = true; break;
		case O_EXT: a->ext = true; break;
		case O_EXPECT: expect_add(&e, a->expect, &a->nr_expect, optarg); break;
		case O_STATS_SOCKET:
			if (!optarg[0] || strlen(optarg) > 107)
				opt_fail(&e, "--stats-socket expects a path of 1 to 107 characters (or none)");
			a->stats_socket = strcmp(optarg, "none") ? optarg : NULL;
			a->socket_given = true;
			break;
		case 'h': usage(stdout); return 1;
		default: opt_unknown(&e, argc, argv, "scx_lua load");
		}
	}
	if (!e.failed && optind != argc - 1)
		opt_fail(&e, "%s", optind >= argc ? "which workload? e.g. scx_lua load "
			 "policies/workloads/interactive.lua" : "one workload file at a time");
	if (e.failed) {
		snprintf(err, errlen, "%s", e.msg);
		return 2;
	}
	a->workload = argv[optind];
	return 0;
}

/* The nice whose weight is nearest to @weight (nice_to_weight() inverted). */
static int weight_to_nice(uint32_t weight)
{
	int best = 0;

	for (int n = -20; n <= 19; n++)
		if (fabs(log(nice_to_weight(n)) - log(weight)) <
		    fabs(log(nice_to_weight(best)) - log(weight)))
			best = n;
	return best;
}

static double dist_mean(const struct dist *d)
{
	double s = 0;

	switch (d->kind) {
	case DIST_FIXED: case DIST_EXP: return d->a;
	case DIST_UNIFORM: return (d->a + d->b) / 2;
	case DIST_SEQ:
		for (int i = 0; i < d->nr_seq; i++)
			s += d->seq[i];
		return s / d->nr_seq;
	case DIST_INF: return INFINITY;
	default: return 0;
	}
}

/* Chunks of samples for the whole run: each task's wake-ups at its mean
 * rate, preemptions at up to 4000 per CPU-second, twice over (waits and
 * wake-ups), and a part-filled chunk of each kind per task. */
static int32_t pool_chunks(const struct workload *w, int nr_tasks, int cpus, double dur_ns)
{
	double samples = cpus * 4000.0 * dur_ns / 1e9, max = POOL_MAX / sizeof(struct load_chunk);

	for (int g = 0; g < w->nr_groups; g++) {
		double cycle = dist_mean(&w->g[g].burst) + dist_mean(&w->g[g].sleep);

		if (isfinite(cycle))
			samples += w->g[g].count * dur_ns / fmax(cycle, 10e3);
	}
	samples = 2 * 1.5 * samples / CHUNK_SAMPLES + 4.0 * nr_tasks + 4096;
	return (int32_t)fmin(samples, max);
}

/* The machine can hold this many processes and pipes; else why not. */
static int check_limits(int nr_tasks, int nr_fds, char *err, size_t errlen)
{
	struct rlimit rl;
	FILE *f;
	long avail_kb = -1;
	char line[128];

	if (nr_tasks > MAX_TASKS) {
		snprintf(err, errlen, "the workload has %d tasks, more than the %d processes scx_lua "
			 "load starts: lower the groups' counts", nr_tasks, MAX_TASKS);
		return 2;
	}
	if (geteuid() && !getrlimit(RLIMIT_NPROC, &rl) && rl.rlim_cur != RLIM_INFINITY &&
	    (rlim_t)nr_tasks + 64 > rl.rlim_cur) {
		snprintf(err, errlen, "the workload has %d tasks and this user may run %llu processes: "
			 "raise the limit (ulimit -u %d) or lower the groups' counts", nr_tasks,
			 (unsigned long long)rl.rlim_cur, nr_tasks + 256);
		return 2;
	}
	if (!getrlimit(RLIMIT_NOFILE, &rl) && (rlim_t)nr_fds + 32 > rl.rlim_cur) {
		rl.rlim_cur = rl.rlim_max;
		if ((rlim_t)nr_fds + 32 > rl.rlim_cur || setrlimit(RLIMIT_NOFILE, &rl)) {
			snprintf(err, errlen, "the workload's \"wait\" tasks need %d pipe ends and this "
				 "process may open %llu files: raise the limit (ulimit -n %d)", nr_fds,
				 (unsigned long long)rl.rlim_cur, nr_fds + 64);
			return 2;
		}
	}
	if ((f = fopen("/proc/meminfo", "r"))) {
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "MemAvailable: %ld kB", &avail_kb) == 1)
				break;
		fclose(f);
	}
	/* A process costs the kernel ~100 KiB (stack, tables, its pages). */
	if (avail_kb >= 0 && (long)nr_tasks * 256 > avail_kb) {
		snprintf(err, errlen, "the workload has %d tasks, about %ld MiB of processes, and "
			 "%ld MiB are available: lower the groups' counts", nr_tasks,
			 (long)nr_tasks / 4, avail_kb / 1024);
		return 2;
	}
	return 0;
}

static struct load_region *R;
static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

/* The region, with every task's plan; NULL and @err on failure. */
static struct load_region *plan(const struct workload *w, const struct load_args *a,
				double dur_ns, char *err, size_t errlen)
{
	static int cpu[1024], llc[1024], first[WORKLOAD_MAX_GROUPS];
	static uint64_t mask[WORKLOAD_MAX_GROUPS];
	int nr_cpus = load_cpus(cpu, llc, 1024), n = 0, nr_fds = 0, id = 0;
	struct load_region *r;
	size_t bytes;
	int32_t chunks;
	int *wr;

	if (a->cpus > nr_cpus) {
		snprintf(err, errlen, "--cpus %d: this process may run on %d CPUs; give at most %d",
			 a->cpus, nr_cpus, nr_cpus);
		return NULL;
	}
	nr_cpus = a->cpus ? a->cpus : nr_cpus;
	for (int g = 0; g < w->nr_groups; g++) {
		first[g] = n;
		n += w->g[g].count;
		nr_fds += w->g[g].sleep.kind == DIST_WAIT ? 2 * w->g[g].count : 0;
		mask[g] = w->g[g].affinity;
	}
	if (check_limits(n, nr_fds, err, errlen))
		return NULL;
	chunks = pool_chunks(w, n, nr_cpus, dur_ns);
	bytes = sizeof(*r) + (size_t)n * sizeof(struct load_task) + (size_t)chunks *
		sizeof(struct load_chunk) + 128;
	r = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	wr = calloc((size_t)n, sizeof(*wr));
	if (r == MAP_FAILED || !wr) {
		snprintf(err, errlen, "cannot map %zu MiB for %d tasks' figures: %s", bytes >> 20, n,
			 strerror(errno));
		return NULL;
	}
	memset(r, 0, bytes);   /* touched now, not during the run */
	r->task = (struct load_task *)((char *)r + ((sizeof(*r) + 63) & ~(size_t)63));
	r->chunk = (struct load_chunk *)(r->task + n);
	r->nr_chunks = chunks;
	r->nr_tasks = n;
	r->nr_cpus = nr_cpus;
	memcpy(r->cpu, cpu, sizeof(cpu));
	memcpy(r->llc, llc, sizeof(llc));
	r->w = w;
	r->wr_fd = wr;
	r->mask = mask;
	r->parent = getpid();
	r->ext = a->ext;
	for (int g = 0; g < w->nr_groups; g++) {
		const struct wgroup *wg = &w->g[g];
		int wakes = wg->wakes >= 0 && w->g[wg->wakes].sleep.kind == DIST_WAIT ? wg->wakes : -1;

		for (int k = 0; k < wg->count; k++, id++) {
			struct load_task *t = &r->task[id];
			int p[2] = { -1, -1 };

			if (wg->sleep.kind == DIST_WAIT && pipe(p)) {
				snprintf(err, errlen, "cannot make a pipe for task %d of group %s: %s", k,
					 wg->name, strerror(errno));
				return NULL;
			}
			t->plan = (struct load_plan){
				.group = g, .index = k, .nice = weight_to_nice(wg->weight), .rd_fd = p[0],
				.rng = (a->seed + 1) * 6364136223846793005ull ^
				       (uint64_t)(id + 1) * 1442695040888963407ull,
				.wakes_first = wakes >= 0 ? first[wakes] : 0,
				.wakes_n = wakes >= 0 ? w->g[wakes].count : 0,
			};
			t->plan.rng = t->plan.rng ? t->plan.rng : 1;
			wr[id] = p[1];
			t->arrival = (int64_t)(wg->arrival_ns + k * wg->arrival_every_ns);
			t->first_run = t->finish = -1;
			t->wait_head = t->wait_tail = t->wake_head = t->wake_tail = -1;
		}
	}
	return r;
}

/* Notes on how this machine differs from the workload's (stderr). */
static void notes(const struct workload *w, const struct load_region *r)
{
	if (w->cpus && w->cpus != r->nr_cpus)
		fprintf(stderr, "scx_lua load: note: \"%s\" models %d CPUs; this run has %d (compare "
			"with scx_lua sim --cpus %d)\n", w->name, w->cpus, r->nr_cpus, r->nr_cpus);
	for (int g = 0; g < w->nr_groups; g++) {
		int nice = weight_to_nice(w->g[g].weight);

		if (nice_to_weight(nice) != w->g[g].weight)
			fprintf(stderr, "scx_lua load: note: group %s: weight %u runs as nice %d "
				"(weight %u)\n", w->g[g].name, w->g[g].weight, nice, nice_to_weight(nice));
		if (w->g[g].affinity >> r->nr_cpus)
			fprintf(stderr, "scx_lua load: note: group %s: its affinity names CPUs past "
				"%d: CPU i runs on the machine's CPU i mod %d\n", w->g[g].name,
				r->nr_cpus - 1, r->nr_cpus);
	}
}

/* What the kernel charged a reaped child over its whole life. */
static double life_ns(const struct rusage *ru)
{
	return ((double)ru->ru_utime.tv_sec + (double)ru->ru_stime.tv_sec) * 1e9 +
	       ((double)ru->ru_utime.tv_usec + (double)ru->ru_stime.tv_usec) * 1e3;
}

/* Kill every task not yet reaped, by pid, and reap them all. */
static void kill_all(struct load_region *r, bool *reaped)
{
	struct rusage ru = { 0 };

	for (int i = 0; i < r->nr_tasks; i++)
		if (r->task[i].pid > 0 && !reaped[i])
			kill(r->task[i].pid, SIGKILL);
	for (int i = 0; i < r->nr_tasks; i++)
		if (r->task[i].pid > 0 && !reaped[i]) {
			pid_t got;

			while ((got = wait4(r->task[i].pid, NULL, 0, &ru)) < 0 && errno == EINTR)
				;
			if (got == r->task[i].pid)
				r->task[i].life_cpu_ns = life_ns(&ru);
			reaped[i] = true;
		}
}

/* Reap what exited (WNOHANG; this process has no other children); how
 * many are still alive. */
static int reap(struct load_region *r, bool *reaped)
{
	struct rusage ru;
	int alive = 0;
	pid_t pid;

	while ((pid = wait4(-1, NULL, WNOHANG, &ru)) > 0)
		for (int i = 0; i < r->nr_tasks; i++)
			if (r->task[i].pid == pid) {
				r->task[i].life_cpu_ns = life_ns(&ru);
				reaped[i] = true;
				break;
			}
	for (int i = 0; i < r->nr_tasks; i++)
		alive += r->task[i].pid > 0 && !reaped[i];
	return alive;
}

static int stopped(struct load_region *r, bool *reaped)
{
	kill_all(r, reaped);
	fprintf(stderr, "scx_lua load: stopped by %s: the workload's %d processes were killed\n",
		strsignal(stop_signal), r->nr_tasks);
	return 128 + stop_signal;
}

static void nap_ms(double ms)
{
	struct timespec ts = { 0, (long)(ms * 1e6) };

	nanosleep(&ts, NULL);
}

/* Fork every task; each sets itself up and says ready. 0, or 1 after
 * saying which task could not start and why (the others killed). */
static int spawn(struct load_region *r, bool *reaped)
{
	int go[2];

	if (pipe(go)) {
		fprintf(stderr, "scx_lua load: cannot make the start pipe: %s\n", strerror(errno));
		return 1;
	}
	r->go_rd = go[0];
	r->go_wr = go[1];
	fflush(NULL);
	for (int i = 0; i < r->nr_tasks && !stop_signal; i++) {
		pid_t pid = fork();

		if (pid == 0)
			task_main(r, i);
		if (pid < 0) {
			fprintf(stderr, "scx_lua load: cannot start task %d of %d: fork: %s (the limits: "
				"ulimit -u, /proc/sys/kernel/threads-max, memory)\n", i + 1, r->nr_tasks,
				strerror(errno));
			kill_all(r, reaped);
			return 1;
		}
		r->task[i].pid = pid;
	}
	while (!stop_signal && atomic_load(&r->nr_ready) < r->nr_tasks)
		nap_ms(1);
	for (int i = 0; i < r->nr_tasks && !stop_signal; i++) {
		const struct load_task *t = &r->task[i];

		if (!t->err[0])
			continue;
		fprintf(stderr, "scx_lua load: task %d of group %s (pid %d) cannot start: %s\n",
			t->plan.index, r->w->g[t->plan.group].name, t->pid, t->err);
		kill_all(r, reaped);
		return 1;
	}
	close(go[0]);
	return 0;
}

/* What the parent measures around the run itself. */
struct around {
	double idle_ns;                  /* the CPUs' idle time, NAN: unknown */
	struct load_sched before, after; /* a running scx_lua's own figures */
};

/* Start the clock for every task at once, sleep until the end, reap;
 * @sock: a running scx_lua's stats socket (NULL: none). 0, or 128 + a signal. */
static int run(struct load_region *r, bool *reaped, double dur_ns, const char *sock,
	       struct around *am)
{
	int64_t t0, end;
	struct timespec ts;
	double idle0;
	int alive, late = 0;

	/* Asked before the clock: its answer takes a step of its loop. */
	if (sock)
		load_sched_read(sock, &am->before);
	/* Room for every task to reach its arrival's sleep before t0 (else
	 * its first wake-up would count the late start as latency). */
	t0 = load_now() + 20000000 + (int64_t)r->nr_tasks * 50000;
	end = t0 + (int64_t)dur_ns;
	atomic_store(&r->t0, t0);
	atomic_store(&r->end, end);
	close(r->go_wr);   /* the go: every task reads EOF */
	ts = (struct timespec){ t0 / 1000000000, t0 % 1000000000 };
	while (!stop_signal && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	idle0 = load_idle_ns(r->cpu, r->nr_cpus);
	ts = (struct timespec){ end / 1000000000, end % 1000000000 };
	while (!stop_signal && clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
	am->idle_ns = load_idle_ns(r->cpu, r->nr_cpus) - idle0;
	if (am->before.ok && !stop_signal)
		load_sched_read(sock, &am->after);
	while (!stop_signal && (alive = reap(r, reaped)) && load_now() < end + GRACE_NS)
		nap_ms(2);
	if (stop_signal)
		return stopped(r, reaped);
	for (int i = 0; i < r->nr_tasks; i++)
		late += !reaped[i];
	if (late)
		fprintf(stderr, "scx_lua load: note: %d tasks had not stopped %.0f s after the end "
			"(starved?): killed; their figures are up to when they last ran\n", late,
			GRACE_NS / 1e9);
	kill_all(r, reaped);
	return 0;
}

/* The table or JSON, then the checks; 1 if one failed. */
static int print_and_grade(const struct load_args *a, const struct sim_metrics *m, int nr_cpus,
			   bool sched_ok)
{
	int failed;

	if (a->json) {
		sim_print_json(stdout, m, 1);
	} else {
		sim_print_table(stdout, m);
		printf("(measured on this machine's kernel, %d CPUs of %ld online; the scheduler's "
		       "figures are %s)\n", nr_cpus, sysconf(_SC_NPROCESSORS_ONLN),
		       sched_ok ? "its own, from its stats socket" : "0: no scx_lua answered");
	}
	if (!a->nr_expect)
		return 0;
	printf("\n");
	failed = expect_grade(m, a->expect, a->nr_expect);
	printf("%s: %d of %d checks passed\n", failed ? "FAIL" : "PASS", a->nr_expect - failed,
	       a->nr_expect);
	return failed ? 1 : 0;
}

int load_main(int argc, char **argv)
{
	static struct workload w;
	static struct sim_metrics m;
	struct load_args a;
	struct sigaction sa = { .sa_handler = on_signal };
	static struct around am = { .idle_ns = NAN };
	char err[512], found[PATH_MAX], sched[96];
	double dur_ns;
	unsigned long long dropped = 0;
	bool *reaped;
	int rc;

	rc = parse(&a, argc, argv, err, sizeof(err));
	if (rc == 1)
		return 0;
	if (!rc && !(a.workload = cli_find(a.workload, true, found, sizeof(found), err, sizeof(err))))
		rc = 2;
	if (!rc && (workload_load(&w, a.workload, err, sizeof(err)) ||
		    expect_names(a.expect, a.nr_expect, &w, err, sizeof(err))))
		rc = 2;
	dur_ns = a.duration_ms ? a.duration_ms * 1e6 : w.duration_ns ? w.duration_ns : 10e9;
	if (!rc && !(R = plan(&w, &a, dur_ns, err, sizeof(err))))
		rc = 2;
	if (rc) {
		fprintf(stderr, "scx_lua load: %s\n", err);
		if (strstr(err, "which workload") || strstr(err, "unknown option"))
			usage(stderr);
		return 2;
	}
	notes(&w, R);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	reaped = calloc((size_t)R->nr_tasks, sizeof(*reaped));
	if (!reaped)
		return 1;
	if ((rc = spawn(R, reaped)))
		return rc;
	if (stop_signal)
		return stopped(R, reaped);
	/* The default socket only while sched_ext runs a scheduler: an scx_lua
	 * on the synth backend there schedules nothing of this machine. */
	if (!a.socket_given && !strcmp(load_scheduler(sched, sizeof(sched)), "kernel default"))
		a.stats_socket = NULL;
	if ((rc = run(R, reaped, dur_ns, a.stats_socket, &am)))
		return rc;
	if (load_collect(&m, R, dur_ns, am.idle_ns, &am.before, &am.after)) {
		fprintf(stderr, "scx_lua load: out of memory for the report\n");
		return 1;
	}
	/* scx_lua's policy by its P.name, as sim labels it; else what runs. */
	m.policy = am.after.ok && am.after.policy[0] ? am.after.policy :
		   load_scheduler(sched, sizeof(sched));
	m.seed = a.seed;
	for (int i = 0; i < R->nr_tasks; i++)
		dropped += R->task[i].nr_dropped;
	if (dropped)
		fprintf(stderr, "scx_lua load: note: %llu samples did not fit the %d MiB kept for "
			"them and are left out of the percentiles (a shorter --duration-ms keeps all)\n",
			dropped, (int)(POOL_MAX >> 20));
	return print_and_grade(&a, &m, R->nr_cpus, am.after.ok);
}
