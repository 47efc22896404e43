// SPDX-License-Identifier: GPL-2.0-only
/*
 * live.c - the live backend: bpf/main.bpf.c in the running kernel.
 *
 * drain() reads the `queued` BPF ringbuf directly from its mmapped pages
 * (one record per call, no callback, no syscall) and publishes the consumer
 * position once per step, in notify(), and before waiting (notify() also
 * records the step's batch, its size and time, for ops.dump); dispatch()
 * writes into the `dispatched` user ringbuf; select_cpu() runs the
 * lua_pick_cpu syscall program with bpf_prog_test_run().
 *
 * wait() parks the loop thread: it yields, and the BPF side runs it again
 * when its rules say (a record waited the latency budget, a CPU has nothing
 * else to run, the heartbeat): records come without wake-ups. While
 * sched_ext is not scheduling us (in its bypass mode, or once it ended us)
 * a yield returns at once, so a run of quick empty returns falls back to
 * sleeping in epoll. With -p the loop thread is not a sched_ext task and
 * always sleeps in epoll, woken by the ring.
 *
 * Loading and attaching are load.c.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include <bpf/bpf.h>

#include "clock.h"
#include "json.h"
#include "live_int.h"

#define RB_BUSY (1U << 31)
#define RB_DISCARD (1U << 30)
#define RB_HDR 8
#define SPIN_LIMIT 16       /* quick empty yields in a row before sleeping */

/* The loop thread's context switches (call it from that thread). */
static unsigned long long loop_switches(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_THREAD, &ru))
		return 0;
	return (unsigned long long)(ru.ru_nvcsw + ru.ru_nivcsw);
}

void bpf_backend_counters(struct bpf_backend *b, struct lua_counters *c)
{
	volatile struct scx_lua__bss *s = b->skel->bss;

	*c = (struct lua_counters){
		.queued = s->nr_queued, .user_dispatches = s->nr_user_dispatches,
		.kernel_dispatches = s->nr_kernel_dispatches, .cancel = s->nr_cancel_dispatches,
		.bounce = s->nr_bounce_dispatches, .congested = s->nr_sched_congested,
		.stuck_bypass = s->nr_stuck_bypass, .stuck_rescued = s->nr_stuck_rescued,
		.starve_rescued = s->nr_starve_rescued,
		.deadline_preempts = s->nr_deadline_preempts,
		.preempt_guarded = s->nr_preempt_guarded,
		.preempt_sync = s->nr_preempt_sync, .rcu_first = s->nr_rcu_first,
		.sched_preempted = s->nr_sched_preempted,
		.kept = s->nr_kept,
		.preempt_kept = s->nr_preempt_kept, .rule_dispatches = s->nr_rule_dispatches,
		.observe_dropped = s->nr_observe_dropped, .introduced = s->nr_introduced,
	};
	for (int i = 0; i < SCX_LUA_RUN_NR; i++)
		c->runs[i] = s->nr_sched_runs[i];
	for (int i = 0; i < SCX_LUA_KICK_NR; i++)
		c->kicks[i] = s->nr_kicks[i];
}

#define LIVE_EXTRAS 6

/* Every counter of the [bpf] line: the shared ones (counters.h), then
 * the live backend's own. @b NULL: names and help only. */
static int live_counters(struct bpf_backend *b, struct lua_counter *out)
{
	static const struct lua_counters zero;
	volatile struct scx_lua__bss *s = b ? b->skel->bss : NULL;
	struct lua_counters c = zero;
	int n;

	if (b)
		bpf_backend_counters(b, &c);
	n = lua_counters_list(&c, out);
	out[n++] = (struct lua_counter){ "scheduled", s ? s->nr_scheduled : 0,
		"tasks user space holds, undecided, as it last told the BPF side" };
	out[n++] = (struct lua_counter){ "running", s ? s->nr_running : 0, "tasks on a CPU now" };
	out[n++] = (struct lua_counter){ "failed", s ? s->nr_failed_dispatches : 0,
		"decisions for tasks that exited while user space held them" };
	out[n++] = (struct lua_counter){ "heartbeats", s ? s->nr_heartbeats : 0,
		"heartbeat timer runs (every 100 ms)" };
	out[n++] = (struct lua_counter){ "sched_switches", b ? loop_switches() : 0,
		"context switches of the scheduler's batch loop" };
	out[n++] = (struct lua_counter){ "online_cpus", s ? s->nr_online_cpus : 0,
		"CPUs online when it attached" };
	return n;
}

void bpf_backend_describe_stats(FILE *f)
{
	struct lua_counter c[LUA_COUNTERS_NR + LIVE_EXTRAS];
	int nr = live_counters(NULL, c);

	for (int i = 0; i < nr; i++)
		fprintf(f, "  %-18s %s\n", c[i].name, c[i].help);
}

size_t bpf_backend_stats_meta(char *buf, size_t len)
{
	struct lua_counter c[LUA_COUNTERS_NR + LIVE_EXTRAS];
	struct json_field f[LUA_COUNTERS_NR + LIVE_EXTRAS];
	int nr = live_counters(NULL, c);

	for (int i = 0; i < nr; i++)
		f[i] = (struct json_field){ c[i].name, "u64", c[i].help };
	return json_meta(buf, len, "bpf", "the BPF side: who decided, runs, kicks", 0, f, nr);
}

/* The [bpf] line (@json false) or the same counters as a JSON object. */
static int format_counters(struct bpf_backend *b, char *buf, size_t len, bool json)
{
	struct lua_counter f[LUA_COUNTERS_NR + LIVE_EXTRAS];
	int nr = live_counters(b, f);
	size_t n = (size_t)snprintf(buf, len, json ? "{" : "  [bpf]");

	for (int i = 0; i < nr && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, json ? "%s\"%s\":%llu" : "%s%s=%llu",
				      json ? (i ? "," : "") : " ", f[i].name, f[i].v);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, json ? "}" : "\n");
	return (int)(n < len ? n : len - 1);
}

int bpf_backend_format_stats_json(struct bpf_backend *b, char *buf, size_t len)
{
	return format_counters(b, buf, len, true);
}

int bpf_backend_format_stats(struct bpf_backend *b, char *buf, size_t len)
{
	return format_counters(b, buf, len, false);
}

static double rel(struct bpf_backend *b, unsigned long long ts)
{
	return ts ? (double)(int64_t)(ts - b->base_ns) : 0;
}

static int bpf_drain(void *ctx, struct scx_task *t, struct task_token *tok)
{
	struct bpf_backend *b = ctx;
	unsigned long prod = __atomic_load_n(b->prod_pos, __ATOMIC_ACQUIRE);

	while (b->cons < prod) {
		const uint32_t *hdr = (const uint32_t *)(b->data + (b->cons & b->mask));
		/* Pairs with the kernel's release of the header in ringbuf commit. */
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		const struct queued_task *q = (const void *)((const char *)hdr + RB_HDR);

		if (len & RB_BUSY)
			return 0; /* reserved, not yet submitted */
		b->cons += ((len & ~(RB_BUSY | RB_DISCARD)) + RB_HDR + 7) & ~7ul;
		if (len & RB_DISCARD)
			continue;
		t->pid = q->pid;
		if (q->flags & SCX_LUA_QF_EXIT) {
			t->exec_runtime = (double)q->exec_runtime;
			return 2;
		}
		t->tgid = q->tgid;
		t->prev_cpu = q->prev_cpu;
		t->nr_cpus_allowed = q->nr_cpus_allowed;
		t->weight = q->weight;
		t->flags = ((q->flags & SCX_LUA_QF_WAKEUP) ? SCX_TF_WAKEUP : 0) |
			   ((q->flags & SCX_LUA_QF_PREEMPTED) ? SCX_TF_PREEMPTED : 0) |
			   ((q->flags & (SCX_LUA_QF_OBSERVED | SCX_LUA_QF_IDLE)) ? SCX_TF_OBSERVED : 0);
		tok->introduced = !!(q->flags & SCX_LUA_QF_IDLE);
		t->start_ts = rel(b, q->start_ts);
		t->stop_ts = rel(b, q->stop_ts);
		t->exec_runtime = (double)q->exec_runtime;
		t->enqueue_ts = rel(b, q->enqueue_ts);
		memcpy(SCX_TASK_COMM(t), q->comm, SCX_COMM_LEN);
		tok->enq_cnt = q->enq_cnt;
		tok->cookie = 0;
		tok->rule = q->rule;
		tok->vtime = (double)q->vtime;
		tok->obs_deadline = (double)q->deadline;
		tok->obs_slice = (double)q->slice_ns;
		tok->obs_vtime = (double)q->vtime_after;
		if (!b->step_nr++)
			b->step_start = clock_ns();
		return 1;
	}
	return 0;
}

/*
 * Sequentially consistent, not just a release: before sleeping we store the
 * consumer position and then load the producer's. A release store may pass
 * that later load (x86 reorders a store before a load), and the kernel
 * decides whether to wake us by reading consumer_pos after it has moved
 * producer_pos (bpf_ringbuf_commit, behind a full barrier): each side could
 * then read the other's old value, the kernel skips the wake-up and we
 * sleep with a record waiting. The seq_cst store (xchg) is the barrier that
 * pairs with the kernel's; libbpf's consumer fixed the same race the same
 * way. It also pairs with the acquire of consumer_pos in ringbuf reserve.
 */
static void publish_cons(struct bpf_backend *b)
{
	__atomic_store_n(b->cons_pos, b->cons, __ATOMIC_SEQ_CST);
}

static bool ring_has_data(struct bpf_backend *b)
{
	return b->cons < __atomic_load_n(b->prod_pos, __ATOMIC_ACQUIRE);
}

static uint32_t bpf_nr_dispatch_slots(void *ctx)
{
	(void)ctx;
	/* Send everything: the kernel's shared DSQ keeps the deadline order,
	 * and a full user ringbuf refuses the rest (put back, retried). */
	return UINT32_MAX;
}

/* Counted after the record is visible: ops.dispatch skips the drain while
 * the count says it has seen them all (drain_dispatched). Counted before,
 * a drain could skip a record for good; this way, if the loop is taken
 * off its CPU between the two, the record waits until the next count (the
 * scheduler comes back owed, or the heartbeat brings it). */
static void submit(struct bpf_backend *b, struct dispatched_task *d)
{
	user_ring_buffer__submit(b->urb, d);
	__atomic_add_fetch(&b->skel->bss->dispatched_sent, 1, __ATOMIC_SEQ_CST);
}

static int bpf_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	struct bpf_backend *b = ctx;
	struct dispatched_task *d = user_ring_buffer__reserve(b->urb, sizeof(*d));

	if (!d)
		return -EAGAIN;
	d->pid = t->pid;
	d->cpu = t->cpu;
	d->flags = (t->dispatch_flags & SCX_DF_PREEMPT) ? SCX_LUA_DF_PREEMPT : 0;
	d->slice_ns = (unsigned long long)t->slice_ns;
	d->deadline = (unsigned long long)t->deadline;
	d->enq_cnt = tok->enq_cnt;
	d->rule = t->rule;
	d->vtime = rule_ns_of(t->vtime);
	submit(b, d);
	return 0;
}

/* A task its rule decided: the policy gave it another rule (or none). */
static int bpf_set_task_rule(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	struct bpf_backend *b = ctx;
	struct dispatched_task *d = user_ring_buffer__reserve(b->urb, sizeof(*d));

	(void)tok;
	if (!d)
		return -EAGAIN;
	memset(d, 0, sizeof(*d));
	d->pid = t->pid;
	d->flags = SCX_LUA_DF_RULE_ONLY;
	d->rule = t->rule;
	d->vtime = rule_ns_of(t->vtime);
	submit(b, d);
	return 0;
}

/* The policy's settings (scx.tune) over the command line's defaults; an
 * option given explicitly wins. */
static void bpf_set_tune(void *ctx, const struct scx_tune *p)
{
	struct bpf_backend *b = ctx;
	struct bpf_backend_tune t = b->tune_base;

	if (p->budget_ns >= 0 && !(b->tune_fixed & BPF_TUNE_BUDGET))
		t.budget_ns = (unsigned long long)p->budget_ns;
	if (p->preempt_min_ns >= 0 && !(b->tune_fixed & BPF_TUNE_PREEMPT))
		t.preempt_min_ns = (unsigned long long)p->preempt_min_ns;
	if (p->keep_preempted >= 0)
		t.keep_preempted = p->keep_preempted > 0;
	bpf_backend_tune(b, &t);
}

/* The policy's rule table, into the BPF map (only when it changes). */
static void bpf_set_rules(void *ctx, const struct rule_params *rules)
{
	struct bpf_backend *b = ctx;
	int fd = bpf_map__fd(b->skel->maps.rules);

	for (uint32_t id = 0; id < SCX_RULE_MAX; id++)
		bpf_map_update_elem(fd, &id, &rules[id], BPF_ANY);
	b->skel->bss->rules_live = rule_any_live(rules);
}

static int32_t bpf_select_cpu(void *ctx, int32_t pid, int32_t prev_cpu, uint32_t flags)
{
	struct bpf_backend *b = ctx;
	struct task_cpu_arg arg = { .pid = pid, .cpu = prev_cpu, .flags = flags };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &arg, .ctx_size_in = sizeof(arg));

	if (bpf_prog_test_run_opts(b->pick_fd, &opts))
		return SCX_CPU_ANY;
	return (int32_t)opts.retval;
}

static void bpf_notify(void *ctx, uint64_t nr_pending)
{
	struct bpf_backend *b = ctx;
	volatile struct scx_lua__bss *bss = b->skel->bss;

	publish_cons(b);
	bss->nr_scheduled = nr_pending;
	if (b->step_nr) {
		/* The last batch, for the kernel's debug dump (ops.dump). */
		uint64_t now = clock_ns();

		bss->last_batch_nr = b->step_nr;
		bss->last_batch_ns = now - b->step_start;
		bss->last_batch_at = now;
		b->step_nr = 0;
	}
	/* Decisions it could not hand over yet wait on the budget too. */
	if (nr_pending && !bss->usersched_pending_since)
		bss->usersched_pending_since = clock_ns();
}

static double bpf_now(void *ctx)
{
	struct bpf_backend *b = ctx;

	return (double)(clock_ns() - b->base_ns);
}

static int sleep_on_ring(struct bpf_backend *b, int timeout_ms)
{
	struct epoll_event ev;

	if (ring_has_data(b))
		return 0;
	return epoll_wait(b->epfd, &ev, 1, timeout_ms) > 0 ? 0 : -ETIMEDOUT;
}

/*
 * Yield; the BPF side runs us again when it should. @timeout_ms 0: the
 * last step did work, so this yield is not idle. Parked for real, we were
 * switched out (ops.stopping moved usersched_last_run); a yield that
 * returns at once with nothing to do means sched_ext is not scheduling us.
 */
static int park(struct bpf_backend *b, int timeout_ms)
{
	volatile struct scx_lua__bss *bss = b->skel->bss;
	uint64_t last = bss->usersched_last_run;

	bss->usersched_parked = 1;
	sched_yield();
	bss->usersched_parked = 0;
	if (!timeout_ms || bss->usersched_last_run != last || ring_has_data(b)) {
		b->quick = 0;
		return 0;
	}
	if (++b->quick < SPIN_LIMIT)
		return 0;
	return sleep_on_ring(b, timeout_ms < 10 ? timeout_ms : 10);
}

static int bpf_wait(void *ctx, int timeout_ms)
{
	struct bpf_backend *b = ctx;

	publish_cons(b);
	if (b->park)
		return park(b, timeout_ms);
	return timeout_ms ? sleep_on_ring(b, timeout_ms) : 0;
}

static int bpf_exited(void *ctx, int32_t *pids, int max)
{
	(void)ctx;
	(void)pids;
	(void)max;
	return 0; /* exits come through drain, as records of ops.exit_task */
}

const struct backend_ops bpf_ops = {
	.name = "bpf",
	.drain = bpf_drain,
	.nr_dispatch_slots = bpf_nr_dispatch_slots,
	.dispatch = bpf_dispatch,
	.select_cpu = bpf_select_cpu,
	.notify = bpf_notify,
	.now = bpf_now,
	.wait = bpf_wait,
	.exited = bpf_exited,
	.set_rules = bpf_set_rules,
	.set_tune = bpf_set_tune,
	.set_task_rule = bpf_set_task_rule,
};
