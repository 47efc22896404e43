// SPDX-License-Identifier: GPL-2.0-only
/*
 * task.c - one task of a workload as a real process: what the simulator's
 * sim/machine.c does to a task, done for real and measured from inside.
 *
 * Its life: set up (die with the parent, its group's comm, nice and CPUs),
 * say ready, block until the go pipe's EOF, then as in the simulator:
 * sleep until its arrival; a CPU burst is a spin until the thread's CPU
 * clock advanced by the drawn burst; a sleep is clock_nanosleep to an
 * absolute time; a "wait" blocks on its pipe until a task of the group
 * that `wakes` it ends a burst (that waker takes the first waiting task of
 * the group, in order, as hand_off() does; with none waiting the wake-up
 * is lost, as there). work_ms and lifetime_ms end it; so does the run's end.
 *
 * What it measures, with the simulator's definitions (sim/report.c):
 * - a wake-up (arrival, timer, pipe) is timestamped when it happens: the
 *   timer's expiry time, the waker's clock just before its write; the wait
 *   and wake-up samples are from then to when the task runs again in user
 *   space (both include the wake-up's path through the kernel);
 * - a preemption shows in the spin as wall time that is not CPU time,
 *   confirmed by the involuntary context-switch count (getrusage, called
 *   only then): that gap is a wait sample and the run after it a run;
 * - migrations: sched_getcpu() at each run's start against the last one;
 * - preempt: involuntary context switches (getrusage), so a slice's end
 *   counts too, where the simulator counts only its own preemptions.
 * Figures go to its struct load_task as they change, so a task the parent
 * has to kill (starved past the end) still reports up to where it was.
 *
 * Not measured: time a task spends runnable inside a system call of its own
 * (the pipe write, the clock reads) counts as running; a preemption shorter
 * than GAP_NS is not seen (the involuntary switch count still has it).
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "run.h"

/* Shorter gaps in the spin are interrupts, not worth a system call. */
#define GAP_NS 2000
#define EPS 1e-3   /* as the simulator's: float slack on remaining work */

static struct load_region *R;
static struct load_task *T;
static const struct wgroup *G;
static int64_t t0, end_at;        /* absolute: the run's start and end */
static int64_t life_end;          /* absolute: its lifetime's end (INT64_MAX: none) */
static int64_t c_start;           /* its CPU clock at its arrival */
static long nivcsw0, nivcsw_seen;
static int last_cpu = -1;

static int64_t cputime(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long nivcsw(void)
{
	struct rusage ru;

	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nivcsw;
}

static void sleep_until(int64_t when)
{
	struct timespec ts = { when / 1000000000, when % 1000000000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/* Append a sample to a task's list; a chunk from the pool when full. */
static void add(int32_t *head, int32_t *tail, double v)
{
	struct load_chunk *c = *tail >= 0 ? &R->chunk[*tail] : NULL;

	if (!c || c->n == CHUNK_SAMPLES) {
		int32_t k;

		if (atomic_load_explicit(&R->chunks_used, memory_order_relaxed) >= R->nr_chunks ||
		    (k = atomic_fetch_add(&R->chunks_used, 1)) >= R->nr_chunks) {
			T->nr_dropped++;
			return;
		}
		R->chunk[k].next = -1;
		R->chunk[k].n = 0;
		if (c)
			c->next = k;
		else
			*head = k;
		*tail = k;
		c = &R->chunk[k];
	}
	c->v[c->n++] = (float)v;
}

static void note_wait(double w)
{
	if (w > T->worst_wait)
		T->worst_wait = w;
}

/*
 * It runs at @now after being runnable since @since (absolute; @woke: a
 * wake-up). As count_run() in sim/machine.c: one wait sample per run, a
 * wake-up sample after a wake-up. A run that starts after the end is no
 * run: its wait is the open one at the end. False: the run is over.
 */
static bool got_cpu(int64_t now, int64_t since, bool woke)
{
	int cpu;

	if (now >= end_at) {
		note_wait((double)(end_at - since));
		return false;
	}
	add(&T->wait_head, &T->wait_tail, (double)(now - since));
	if (woke)
		add(&T->wake_head, &T->wake_tail, (double)(now - since));
	note_wait((double)(now - since));
	cpu = sched_getcpu();
	if (T->first_run < 0) {
		T->first_run = now - t0;
	} else if (cpu != last_cpu && last_cpu >= 0 && cpu >= 0) {
		T->migrations++;
		if (cpu < 1024 && last_cpu < 1024 && R->llc[cpu] != R->llc[last_cpu])
			T->llc_migrations++;
	}
	last_cpu = cpu;
	T->runs++;
	return true;
}

enum burst_end { B_DONE, B_LIFE, B_END };

/* Spin until the CPU clock advanced by @want ns (or forever: INFINITY),
 * the lifetime or the run ends; *ran: CPU time it took. */
static enum burst_end burst(double want, double *ran)
{
	int64_t c0 = cputime(), c_prev = c0, m_prev = load_now();

	atomic_store(&T->state, L_RUN);
	for (;;) {
		int64_t c = cputime(), m = load_now();
		int64_t gap = (m - m_prev) - (c - c_prev);

		/* Wall time the CPU clock did not see: off the CPU though
		 * runnable (it never blocks here), if the kernel says it was
		 * switched out; else an interrupt. */
		if (gap > GAP_NS) {
			long n = nivcsw();

			if (n != nivcsw_seen) {
				nivcsw_seen = n;
				T->preempt = (uint64_t)(n - nivcsw0);
				if (!got_cpu(m, m - gap, false)) {
					*ran = (double)(c - c0);
					return B_END;
				}
			}
		}
		/* CPU time after the end is not the run's: on a shared CPU the
		 * tasks that notice the end late would add up to more than it. */
		if (m < end_at)
			T->cpu_ns = (double)(c - c_start);
		T->last_seen = m - t0;
		c_prev = c;
		m_prev = m;
		*ran = (double)(c - c0);
		if (m >= end_at)
			return B_END;
		if (*ran >= want)
			return B_DONE;
		if (m >= life_end)
			return B_LIFE;
	}
}

/* Block on the pipe until a waker takes it; false: the run ended first. */
static bool wait_pipe(void)
{
	struct pollfd p = { .fd = T->plan.rd_fd, .events = POLLIN };
	char b;

	atomic_store(&T->state, L_WAIT);
	for (;;) {
		int64_t left = end_at - load_now();
		struct timespec ts = { left / 1000000000, left % 1000000000 };
		int rc;

		if (left <= 0)
			break;
		rc = ppoll(&p, 1, &ts, NULL);
		if (rc > 0 && read(p.fd, &b, 1) == 1) {
			int64_t now = load_now();

			T->wakeups++;
			atomic_store(&T->state, L_RUN);
			return got_cpu(now, t0 + atomic_load(&T->woken_at), true);
		}
	}
	/* Taken just as the run ended: runnable, not run. */
	if (atomic_load(&T->state) == L_WOKEN)
		note_wait((double)(end_at - (t0 + atomic_load(&T->woken_at))));
	return false;
}

/*
 * The end of a burst wakes the first waiting task of the group this one
 * `wakes`, while it still holds its CPU (hand_off() in sim/machine.c).
 * Tolerated race: the parent may read woken_at before this store if it
 * kills the wakee in between; it only uses it for a killed task's open wait.
 */
static void hand_off(void)
{
	for (int k = 0; k < T->plan.wakes_n; k++) {
		int id = T->plan.wakes_first + k;
		int expect = L_WAIT;

		if (atomic_compare_exchange_strong(&R->task[id].state, &expect, L_WOKEN)) {
			atomic_store(&R->task[id].woken_at, load_now() - t0);
			/* Pairs with the wakee's read(): it reads woken_at after it. */
			if (write(R->wr_fd[id], "w", 1) != 1)
				atomic_store(&R->task[id].state, L_WAIT);
			return;
		}
	}
}

/* The workload's life of the task, from the go to its end. */
static void live(void)
{
	int seq_burst = 0, seq_sleep = 0;
	double work_left = G->work_ns > 0 ? G->work_ns : INFINITY;
	int64_t arrive = t0 + T->arrival;

	if (arrive >= end_at)
		return;
	T->wake_at = T->arrival;
	atomic_store(&T->state, L_SLEEP);
	sleep_until(arrive);
	c_start = cputime();
	T->wakeups++;
	if (!got_cpu(load_now(), arrive, true))
		return;
	life_end = G->lifetime_ns > 0 ? arrive + (int64_t)G->lifetime_ns : INT64_MAX;
	for (;;) {
		double bl = dist_draw(&G->burst, &T->plan.rng, &seq_burst), ran;
		enum burst_end e;
		int64_t now;

		bl = bl < 1000 ? 1000 : bl;
		e = load_now() >= life_end ? B_LIFE : burst(fmin(bl, work_left), &ran);
		if (e == B_END)
			return;
		now = load_now();
		if (e == B_LIFE)
			ran = 0;
		work_left -= ran;
		if (e == B_LIFE || work_left <= EPS) {
			T->finish = now - t0;
			return;
		}
		T->bursts++;
		hand_off();
		if (G->sleep.kind == DIST_WAIT) {
			if (!wait_pipe())
				return;
		} else {
			int64_t at = now + (int64_t)dist_draw(&G->sleep, &T->plan.rng, &seq_sleep);

			if (at >= end_at) {
				T->wake_at = at - t0;
				atomic_store(&T->state, L_SLEEP);
				sleep_until(end_at);
				return;
			}
			T->wake_at = at - t0;
			atomic_store(&T->state, L_SLEEP);
			sleep_until(at);
			T->wakeups++;
			if (!got_cpu(load_now(), at, true))
				return;
		}
	}
}

/* The first reason this task cannot run as planned, in T->err; -1. */
static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(T->err, sizeof(T->err), fmt, ap);
	va_end(ap);
	return -1;
}

/* sched_setattr(2) to SCHED_EXT (7, in Linux's uapi since 6.12), keeping
 * @nice; glibc has no wrapper. 0, or -1 and errno. */
static int set_ext(int nice)
{
	struct { uint32_t size, policy; uint64_t flags; int32_t nice; uint32_t prio;
		 uint64_t runtime, deadline, period; } attr = {
		.size = sizeof(attr), .policy = 7, .nice = nice };

	return (int)syscall(SYS_sched_setattr, 0, &attr, 0);
}

/* Set up as the plan says; 0, or -1 with T->err saying why. */
static int setup(int id)
{
	cpu_set_t set;
	uint64_t mask = R->mask[T->plan.group];

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != R->parent)
		return fail("its parent went away before it started");
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);   /* a wakee killed: its waker's write fails, no more */
	prctl(PR_SET_NAME, G->comm);
	/* Only the pipes it reads or writes stay open; the go pipe's write
	 * end must close, or its EOF never comes. */
	close(R->go_wr);
	for (int k = 0; k < R->nr_tasks; k++) {
		struct load_plan *p = &R->task[k].plan;

		if (p->rd_fd >= 0 && k != id)
			close(p->rd_fd);
		if (R->wr_fd[k] >= 0 && (k < T->plan.wakes_first ||
					 k >= T->plan.wakes_first + T->plan.wakes_n))
			close(R->wr_fd[k]);
	}
	errno = 0;
	if (setpriority(PRIO_PROCESS, 0, T->plan.nice))
		return fail("cannot set nice %d: %s (a negative nice needs root or CAP_SYS_NICE)",
			    T->plan.nice, strerror(errno));
	T->nice_set = getpriority(PRIO_PROCESS, 0);
	if (R->ext && set_ext(T->nice_set))
		return fail("cannot switch to SCHED_EXT: %s%s", strerror(errno),
			    errno == EINVAL ? " (this kernel has no sched_ext; --ext needs one "
			    "built with CONFIG_SCHED_CLASS_EXT)" : "");
	CPU_ZERO(&set);
	for (int i = 0; i < 64; i++)
		if (mask >> i & 1)
			CPU_SET(R->cpu[i % R->nr_cpus], &set);
	for (int i = 0; !mask && i < R->nr_cpus; i++)
		CPU_SET(R->cpu[i], &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return fail("cannot set its CPUs (sched_setaffinity): %s; is a CPU offline, or "
			    "outside this cgroup's cpuset?", strerror(errno));
	return 0;
}

void task_main(struct load_region *r, int id)
{
	char b;

	R = r;
	T = &r->task[id];
	G = &r->w->g[T->plan.group];
	T->pid = getpid();
	if (setup(id)) {
		atomic_fetch_add(&R->nr_ready, 1);
		_exit(3);
	}
	atomic_fetch_add(&R->nr_ready, 1);
	/* The go: EOF when the parent closes its end (or dies). */
	while (read(R->go_rd, &b, 1) < 0 && errno == EINTR)
		;
	t0 = atomic_load(&R->t0);
	end_at = atomic_load(&R->end);
	if (!t0)
		_exit(0);
	life_end = INT64_MAX;
	nivcsw0 = nivcsw_seen = nivcsw();
	live();
	/* A task that never arrived used nothing, as in the simulator; one
	 * that left before the end is counted to its exit, one still there at
	 * the end keeps what burst() counted up to it. */
	if (T->first_run < 0)
		T->cpu_ns = 0;
	else if (load_now() < end_at)
		T->cpu_ns = (double)(cputime() - c_start);
	T->preempt = (uint64_t)(nivcsw() - nivcsw0);
	atomic_store(&T->state, L_DONE);
	_exit(0);
}
