// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.bpf.c - scx_lua's sched_ext dispatcher: mechanism, no policy.
 *
 * Every task that needs a scheduling decision is sent to user space through
 * the `queued` ringbuf; user space (the core and its Lua policy) sends back
 * decisions through the `dispatched` user ringbuf, which ops.dispatch drains
 * into one DSQ per CPU or a shared DSQ ordered by the policy's deadline.
 * Nothing here decides an order beyond carrying out those decisions, the
 * way scx_rustland_core's dispatcher does.
 *
 * What never goes to user space, and why:
 * - the scheduler's own threads (they produce the decisions): SCHED_DSQ;
 * - per-CPU kernel threads and the memory-reclaim threads (kswapd,
 *   kcompactd, khugepaged): a page-in the scheduler needs may depend on
 *   them, so they must not wait for it;
 * - anything, while user space is not consuming (stuck, stopped or dead:
 *   no run for STUCK_NS) or the queued ringbuf is full: such tasks go to the
 *   shared DSQ and are counted (nr_kernel_dispatches, nr_sched_congested).
 * Tasks already handed to user space when it stops are remembered in `held`
 * (pid -> enq_cnt) until dispatched; ops.dispatch rescues them to the shared
 * DSQ once user space is stuck, and their late decisions are then cancelled
 * as stale. No task is ever dropped.
 * - No task waits forever either, whatever order the policy asked for: the
 *   heartbeat has ops.dispatch look through the shared DSQ, and a task
 *   waiting there longer than starve_ns (--starve-ms) runs next on the CPU
 *   that finds it (nr_starve_rescued). A policy that starves a task thus
 *   costs it starve_ns, not the scheduler's ejection by the kernel's
 *   watchdog (30 s).
 * A heartbeat timer wakes the scheduler when it holds work but has not run,
 * so an idle machine never trips the sched_ext watchdog.
 *
 * CPU hotplug: there is no ops.cpu_online/offline, on purpose (as in
 * scx_rustland_core). The kernel then ends the scheduler with a restart
 * request when a CPU goes off or on line, runs every task in its own bypass
 * mode through the hotplug, and scx_lua attaches again. Staying attached
 * through hotplug hung the machine under load on 7.2: cpuhp/1 waited
 * forever in sched_cpu_wait_empty() (or the onlining never finished) while
 * both CPUs sat idle, and the kernel's own watchdog never fired (seen in
 * vm-stress and in 4 of 4 hotplug loops, within 4 rounds each). So the set
 * of online CPUs is fixed while attached; a decision for a CPU outside it
 * still bounces to the shared DSQ.
 *
 * Kernel compatibility: kfuncs are declared __weak and the loader tells us
 * (rodata have_*) which generation the running kernel has; the verifier
 * drops the branch that is never taken, unresolved calls included.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "intf.h"

char _license[] SEC("license") = "GPL";

/* libbpf 1.1 has no struct_ops.s/ prefix: the loader marks init sleepable. */
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) BPF_STRUCT_OPS(name, ##args)

#define STUCK_NS (1000ULL * 1000 * 1000)    /* user space silent this long: bypass */
#define HEARTBEAT_NS (100ULL * 1000 * 1000)
#define PREEMPT_GRAN_NS (1000ULL * 1000)   /* see kick_for_usersched() */
#define PF_KTHREAD 0x00200000
#define ENOENT 2
#define EINVAL 22

/* kfuncs: 6.13+ names, 6.12 names, optional helpers */
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			      u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym __weak;
void scx_bpf_dispatch(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			    u64 enq_flags) __ksym __weak;
bool scx_bpf_consume(u64 dsq_id) __ksym __weak;
bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p, u64 dsq_id,
		      u64 enq_flags) __ksym __weak;
bool scx_bpf_dispatch_from_dsq(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
			       u64 dsq_id, u64 enq_flags) __ksym __weak;
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags) __ksym __weak;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym __weak;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym __weak;
s32 scx_bpf_select_cpu_and(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   const struct cpumask *cpus_allowed, u64 flags) __ksym __weak;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   bool *is_idle) __ksym;
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym;
u32 scx_bpf_dispatch_nr_slots(void) __ksym;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;
u32 scx_bpf_nr_cpu_ids(void) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
const struct cpumask *scx_bpf_get_online_cpumask(void) __ksym;
void scx_bpf_put_cpumask(const struct cpumask *cpumask) __ksym;
struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;

/* set by the loader before load */
const volatile s32 usersched_pid;
const volatile bool have_dsq_insert;      /* 6.13+: dsq_insert*, dsq_move_to_local */
const volatile bool have_select_cpu_and;  /* 6.16+ */
const volatile bool builtin_idle = true;  /* dispatch on an idle CPU from select_cpu */
const volatile u64 slice_ns = 20ULL * 1000 * 1000;
const volatile u64 starve_ns = 5000ULL * 1000 * 1000;  /* 0: no starvation guard */
const volatile u32 nr_cpu_ids_ro = 1;

/* Where lua_ops' plain fields sit in the object's .struct_ops section: the
 * loader patches flags and exit_dump_len there (libbpf 1.1 cannot). */
const volatile u64 ops_off_flags = __builtin_offsetof(struct sched_ext_ops, flags);
const volatile u64 ops_off_exit_dump_len = __builtin_offsetof(struct sched_ext_ops, exit_dump_len);
const volatile u64 ops_size = sizeof(struct sched_ext_ops);

/* counters, read by user space through the skeleton's bss */
volatile u64 nr_queued, nr_scheduled, nr_running;
volatile u64 nr_online_cpus;   /* set by the loader: fixed while attached */
volatile u64 nr_user_dispatches, nr_kernel_dispatches, nr_cancel_dispatches;
volatile u64 nr_bounce_dispatches, nr_failed_dispatches, nr_sched_congested;
volatile u64 nr_heartbeats, nr_stuck_bypass, nr_stuck_rescued, nr_deadline_preempts;
volatile u64 nr_starve_rescued, nr_kept;
volatile u64 starve_scan;   /* set by the heartbeat: look for starved tasks */
volatile u64 usersched_last_run;   /* ns: when the scheduler last ran */
volatile u64 usersched_needed;   /* plain stores: a lost race only delays a wake-up by one heartbeat */

/* ops.exit: why the kernel stopped us */
volatile s32 exit_kind;
volatile s64 exit_code;
char exit_reason[128];
char exit_msg[1024];

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);   /* ~8k queued records */
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 1 << 20);
} dispatched SEC(".maps");

/*
 * Every task waiting in user space: pid -> the enq_cnt it was sent with.
 * Without it a stopped scheduler strands them: the kernel keeps running
 * the CPU hogs (the last runnable task gets its slice refilled without an
 * enqueue), so no new enqueue ever notices that user space is stuck.
 */
#define HELD_MAX 32768
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HELD_MAX);
	__type(key, s32);
	__type(value, u64);
} held SEC(".maps");

struct task_ctx {
	u64 start_ts;
	u64 stop_ts;
	u64 exec_runtime;
	u64 enq_cnt;
	u64 deadline;   /* the policy's, as last dispatched */
	u64 shared_ts;  /* when it entered the shared DSQ */
	u64 woke;       /* its pending record is a wake-up: it may preempt */
	u64 run_deadline;   /* the policy's deadline for its current run (0: none) */
	u64 slice;          /* the policy's slice, as last dispatched (0: none yet) */
	u64 kept;           /* keep_running() continued its run */
	u64 run_ts;         /* when it last got a CPU (start_ts stays at a kept run's start) */
};

/* Deadline of what each CPU runs (0: idle or not ours to preempt). */
u64 cpu_deadline[SCX_LUA_MAX_CPUS];
/* Since when what each CPU runs has used the CPU without sleeping (0:
 * idle, the scheduler, or not ours): see kick_for_usersched(). */
u64 cpu_busy_since[SCX_LUA_MAX_CPUS];

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctx_stor SEC(".maps");

struct heartbeat {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct heartbeat);
} heartbeat_map SEC(".maps");

/* Largest vtime handed to the shared DSQ: bypassed tasks queue behind it. */
static u64 vtime_max;

static void insert(struct task_struct *p, u64 dsq, u64 slice, u64 flags)
{
	if (have_dsq_insert)
		scx_bpf_dsq_insert(p, dsq, slice, flags);
	else
		scx_bpf_dispatch(p, dsq, slice, flags);
}

static void insert_vtime(struct task_struct *p, u64 dsq, u64 slice, u64 vtime, u64 flags)
{
	if (have_dsq_insert)
		scx_bpf_dsq_insert_vtime(p, dsq, slice, vtime, flags);
	else
		scx_bpf_dispatch_vtime(p, dsq, slice, vtime, flags);
}

static bool move_to_local(u64 dsq)
{
	if (have_dsq_insert)
		return scx_bpf_dsq_move_to_local(dsq);
	return scx_bpf_consume(dsq);
}

/* Any thread of scx_lua: all of them bypass the policy. */
static bool is_usersched_task(const struct task_struct *p)
{
	return p->tgid == usersched_pid;
}

/* The one that runs the batch loop (the log writer and the policy
 * watchdog are its other threads). */
static bool is_usersched_loop(const struct task_struct *p)
{
	return p->pid == usersched_pid;
}

/* Threads that must never wait for user space. */
static bool is_kernel_bypass(const struct task_struct *p)
{
	char c[8];

	if (!(p->flags & PF_KTHREAD))
		return false;
	if (p->nr_cpus_allowed == 1)
		return true; /* per-CPU kthread: nowhere else to go anyway */
	bpf_probe_read_kernel_str(c, sizeof(c), p->comm);
	return (c[0] == 'k' && c[1] == 's' && c[2] == 'w' && c[3] == 'a' && c[4] == 'p') ||
	       (c[0] == 'k' && c[1] == 'c' && c[2] == 'o' && c[3] == 'm' && c[4] == 'p') ||
	       (c[0] == 'k' && c[1] == 'h' && c[2] == 'u' && c[3] == 'g' && c[4] == 'e');
}

static bool usersched_stuck(void)
{
	u64 last = usersched_last_run;

	return last && bpf_ktime_get_ns() - last > STUCK_NS;
}

static void set_usersched_needed(void)
{
	usersched_needed = 1;
}

/*
 * The scheduler has work: a record arrived since it last ran, it holds
 * undecided tasks, or records wait in the ring. The last matters when the
 * ring is full: new tasks then bypass without a record, and a scheduler
 * consumed only after the shared DSQ (never empty in a fork storm) was
 * starved until the kernel's watchdog ejected us ("scx_lua failed to run
 * for 42.5 s", seen in vm-stress).
 */
static bool usersched_has_work(void)
{
	return usersched_needed || nr_scheduled || bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA);
}

static struct task_ctx *lookup_task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctx_stor, p, 0, 0);
}

/*
 * A task whose slice ran out while nothing else waits for a CPU: no record
 * in the ring, none held in user space, nothing in the shared DSQ or this
 * CPU's. Any policy would run it again, so it goes on here at once, as
 * the kernel itself does when nothing else is runnable (SCX_OPS_ENQ_LAST
 * unset). Without this, each wake-up of one of the scheduler's own
 * threads, landing on a CPU that runs a hog, sent the hog through user
 * space and back: the scheduler woke to decide what nobody contested.
 * Only the scheduler's threads may be ahead of it (in the local DSQ).
 */
static bool keep_running(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	s32 cpu = scx_bpf_task_cpu(p);

	if ((enq_flags & SCX_ENQ_WAKEUP) || p->scx.slice > 0 || !tctx->slice ||
	    usersched_has_work() || scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ) ||
	    scx_bpf_dsq_nr_queued(cpu & (SCX_LUA_MAX_CPUS - 1)))
		return false;
	/* Its run goes on: the same slice and deadline as its last decision,
	 * and the same start, so the policy's next record shows one run. */
	tctx->deadline = tctx->run_deadline;
	tctx->kept = 1;
	insert(p, SCX_DSQ_LOCAL, tctx->slice, enq_flags);
	__sync_fetch_and_add(&nr_kept, 1);
	return true;
}

/* Wake an idle CPU @p may use; false if none is idle. */
static bool kick_idle_for(struct task_struct *p)
{
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu < 0)
		return false;
	scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
	return true;
}

/*
 * Carry out the policy's order across CPUs: no CPU is idle, so if the task
 * just woken has an earlier deadline than what some allowed CPU runs,
 * preempt the CPU running the latest one. Only deadlines compare, so a
 * FIFO policy (newcomers have later deadlines) is never preempted.
 */
static void kick_for_deadline(struct task_struct *p, u64 deadline)
{
	s32 victim = -1;
	u64 latest = deadline;

	if (kick_idle_for(p))
		return;
	for (s32 i = 0; i < SCX_LUA_MAX_CPUS && i < nr_cpu_ids_ro; i++) {
		u64 d = cpu_deadline[i & (SCX_LUA_MAX_CPUS - 1)];

		if (d > latest && bpf_cpumask_test_cpu(i, p->cpus_ptr)) {
			latest = d;
			victim = i;
		}
	}
	if (victim >= 0) {
		/* Taken: the next task dispatched in this drain looks elsewhere. */
		cpu_deadline[victim & (SCX_LUA_MAX_CPUS - 1)] = deadline;
		__sync_fetch_and_add(&nr_deadline_preempts, 1);
		scx_bpf_kick_cpu(victim, SCX_KICK_PREEMPT);
	}
}

/*
 * The scheduler has work: get it a CPU. An idle one if there is one; else
 * preempt the CPU whose task has used the CPU longest since it last slept,
 * if that is at least PREEMPT_GRAN_NS. A task that sleeps often (a
 * message, a pipe) soon gives its CPU up anyway, and the scheduler then
 * runs without a preemption, with the records that came meanwhile in the
 * same batch (a preempted task also goes through user space: one more
 * record). A CPU hog has always run longer than that, even just after a
 * preemption, so a wake-up beside hogs still gets the scheduler at once.
 * The heartbeat bounds the rest.
 */
static void kick_for_usersched(struct task_struct *p)
{
	u64 now = bpf_ktime_get_ns(), oldest = now;
	s32 victim = -1;

	if (kick_idle_for(p))
		return;
	for (s32 i = 0; i < SCX_LUA_MAX_CPUS && i < nr_cpu_ids_ro; i++) {
		u64 ts = cpu_busy_since[i & (SCX_LUA_MAX_CPUS - 1)];

		if (ts && ts < oldest && bpf_cpumask_test_cpu(i, p->cpus_ptr)) {
			oldest = ts;
			victim = i;
		}
	}
	if (victim >= 0 && now - oldest >= PREEMPT_GRAN_NS)
		scx_bpf_kick_cpu(victim, SCX_KICK_PREEMPT);
}

/* Into the shared DSQ, stamped (@tctx may be NULL) for the starvation guard. */
static void insert_shared(struct task_struct *p, struct task_ctx *tctx, u64 slice, u64 vtime,
			  u64 flags)
{
	if (tctx)
		tctx->shared_ts = bpf_ktime_get_ns();
	insert_vtime(p, SCX_LUA_SHARED_DSQ, slice, vtime, flags);
}

/* Bypass: order it behind what user space already sent to the shared DSQ. */
static void dispatch_shared(struct task_struct *p, struct task_ctx *tctx, u64 enq_flags)
{
	insert_shared(p, tctx, slice_ns, vtime_max, enq_flags);
	__sync_fetch_and_add(&nr_kernel_dispatches, 1);
	kick_idle_for(p);
}

s32 BPF_STRUCT_OPS(lua_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu;

	if (is_usersched_task(p))
		return prev_cpu;
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	/* The idle fast path: an idle CPU needs no decision to be made. */
	if (builtin_idle && is_idle) {
		insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
		__sync_fetch_and_add(&nr_kernel_dispatches, 1);
	}
	return cpu;
}

void BPF_STRUCT_OPS(lua_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct queued_task *q;
	struct task_ctx *tctx;
	s32 pid = p->pid;

	if (is_usersched_task(p)) {
		/* Back without sleeping (its slice ran out mid-batch, or a
		 * higher class took the CPU): the batch in its hands is
		 * undecided, so it is owed the CPU as much as a new record. */
		if (is_usersched_loop(p) && !(enq_flags & SCX_ENQ_WAKEUP))
			set_usersched_needed();
		insert(p, SCX_LUA_SCHED_DSQ, slice_ns, enq_flags);
		/* Decisions are waiting on it: do not let it queue behind a
		 * full slice of whatever runs. */
		if (usersched_has_work())
			kick_for_usersched(p);
		return;
	}
	if (is_kernel_bypass(p)) {
		insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		__sync_fetch_and_add(&nr_kernel_dispatches, 1);
		return;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx || usersched_stuck()) {
		if (tctx)
			__sync_fetch_and_add(&nr_stuck_bypass, 1);
		dispatch_shared(p, tctx, enq_flags);
		return;
	}
	if (keep_running(p, tctx, enq_flags))
		return;
	tctx->kept = 0;   /* not continued after all (dequeued before it ran) */
	q = bpf_ringbuf_reserve(&queued, sizeof(*q), 0);
	if (!q)
		goto congested;
	tctx->enq_cnt++;
	tctx->woke = !!(enq_flags & SCX_ENQ_WAKEUP);
	if (bpf_map_update_elem(&held, &pid, &tctx->enq_cnt, BPF_ANY)) {
		/* untrackable: it could be stranded, so it never leaves */
		bpf_ringbuf_discard(q, 0);
		goto congested;
	}
	q->pid = pid;
	q->tgid = p->tgid;
	q->prev_cpu = scx_bpf_task_cpu(p);
	q->nr_cpus_allowed = p->nr_cpus_allowed;
	q->flags = (enq_flags & SCX_ENQ_WAKEUP) ? SCX_LUA_QF_WAKEUP : 0;
	/* Back without sleeping and with slice left: someone took its CPU. */
	if (!(enq_flags & SCX_ENQ_WAKEUP) && p->scx.slice > 0)
		q->flags |= SCX_LUA_QF_PREEMPTED;
	q->weight = p->scx.weight;
	q->start_ts = tctx->start_ts;
	q->stop_ts = tctx->stop_ts;
	q->exec_runtime = tctx->exec_runtime;
	q->enqueue_ts = bpf_ktime_get_ns();
	q->vtime = p->scx.dsq_vtime;
	q->enq_cnt = tctx->enq_cnt;
	bpf_probe_read_kernel_str(q->comm, sizeof(q->comm), p->comm);
	bpf_ringbuf_submit(q, 0);
	__sync_fetch_and_add(&nr_queued, 1);
	set_usersched_needed();
	return;
congested:
	__sync_fetch_and_add(&nr_sched_congested, 1);
	set_usersched_needed();   /* the ring is full: drain it */
	dispatch_shared(p, tctx, enq_flags);
}

/* A CPU the policy named for @p: one it may run on, and online (nobody
 * consumes an offline CPU's DSQ). */
static bool cpu_usable(struct task_struct *p, s32 cpu)
{
	const struct cpumask *online;
	bool ok;

	if (cpu >= SCX_LUA_MAX_CPUS || !bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
		return false;
	online = scx_bpf_get_online_cpumask();
	ok = bpf_cpumask_test_cpu(cpu, online);
	scx_bpf_put_cpumask(online);
	return ok;
}

static long handle_dispatched(struct bpf_dynptr *dynptr, void *ctx)
{
	struct dispatched_task d;
	struct task_struct *p;
	struct task_ctx *tctx;
	u64 dsq;

	if (bpf_dynptr_read(&d, sizeof(d), dynptr, 0, 0))
		return 1;
	p = bpf_task_from_pid(d.pid);
	if (!p) {
		/* exited while user space held it: nothing left to run */
		bpf_map_delete_elem(&held, &d.pid);
		__sync_fetch_and_add(&nr_failed_dispatches, 1);
		return scx_bpf_dispatch_nr_slots() ? 0 : 1;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx || tctx->enq_cnt != d.enq_cnt) {
		/* re-enqueued (or rescued) since: the newer record decides */
		__sync_fetch_and_add(&nr_cancel_dispatches, 1);
		bpf_task_release(p);
		return scx_bpf_dispatch_nr_slots() ? 0 : 1;
	}
	bpf_map_delete_elem(&held, &d.pid);
	if (d.cpu >= 0 && !cpu_usable(p, d.cpu)) {
		__sync_fetch_and_add(&nr_bounce_dispatches, 1);
		d.cpu = SCX_LUA_CPU_ANY;
	}
	tctx->deadline = d.vtime;
	tctx->slice = d.slice_ns;
	if (d.cpu >= 0) {
		dsq = d.cpu;
		insert(p, dsq, d.slice_ns, 0);
		scx_bpf_kick_cpu(d.cpu, (d.flags & SCX_LUA_DF_PREEMPT) ? SCX_KICK_PREEMPT
									: SCX_KICK_IDLE);
	} else {
		if (d.vtime > vtime_max)
			vtime_max = d.vtime;
		insert_shared(p, tctx, d.slice_ns, d.vtime, 0);
		/* Only a wake-up preempts, as in Linux's wakeup_preempt(): a
		 * task back from slice expiry or preemption preempting in turn
		 * would make CPU hogs take each other's CPU in a loop, each
		 * turn a round trip through user space. */
		if (tctx->woke)
			kick_for_deadline(p, d.vtime);
		else
			kick_idle_for(p);
	}
	__sync_fetch_and_add(&nr_user_dispatches, 1);
	bpf_task_release(p);
	return scx_bpf_dispatch_nr_slots() ? 0 : 1;
}

/*
 * User space is stuck: run what it holds from the shared DSQ, behind what
 * it already decided. Bumping enq_cnt makes its late decision stale.
 */
static long rescue_held(struct bpf_map *map, s32 *pid, u64 *cnt, void *ctx)
{
	struct task_struct *p = bpf_task_from_pid(*pid);
	struct task_ctx *tctx;

	if (!p) {
		bpf_map_delete_elem(map, pid);
		return 0;
	}
	tctx = lookup_task_ctx(p);
	if (tctx && tctx->enq_cnt == *cnt) {
		tctx->enq_cnt++;
		insert_shared(p, tctx, slice_ns, vtime_max, 0);
		__sync_fetch_and_add(&nr_stuck_rescued, 1);
	}
	bpf_task_release(p);
	bpf_map_delete_elem(map, pid);
	return scx_bpf_dispatch_nr_slots() ? 0 : 1;
}

static bool move_from_iter(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq)
{
	if (have_dsq_insert)
		return scx_bpf_dsq_move(it, p, dsq, 0);
	return scx_bpf_dispatch_from_dsq(it, p, dsq, 0);
}

/*
 * The starvation guard: the first task in the shared DSQ that has waited
 * longer than starve_ns and may run here goes to this CPU now. One per
 * dispatch keeps the walk's cost off the common path (it runs once per
 * heartbeat while nothing starves).
 */
static bool rescue_starved(s32 cpu)
{
	struct bpf_iter_scx_dsq it;
	struct task_struct *p;
	u64 now = bpf_ktime_get_ns();
	bool moved = false;

	if (bpf_iter_scx_dsq_new(&it, SCX_LUA_SHARED_DSQ, 0) == 0) {
		while ((p = bpf_iter_scx_dsq_next(&it))) {
			struct task_ctx *tctx = lookup_task_ctx(p);

			if (!tctx || !tctx->shared_ts || now - tctx->shared_ts < starve_ns ||
			    !bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
				continue;
			if (move_from_iter(&it, p, SCX_DSQ_LOCAL)) {
				__sync_fetch_and_add(&nr_starve_rescued, 1);
				moved = true;
				break;
			}
		}
	}
	bpf_iter_scx_dsq_destroy(&it);
	return moved;
}

void BPF_STRUCT_OPS(lua_dispatch, s32 cpu, struct task_struct *prev)
{
	bpf_user_ringbuf_drain(&dispatched, handle_dispatched, NULL, 0);
	if (usersched_stuck())
		bpf_for_each_map_elem(&held, rescue_held, NULL, 0);

	/*
	 * The scheduler first when it has work: it makes everyone's decisions.
	 * But not twice in a row on one CPU: a scheduler that used up its
	 * slice here (a slow policy) would otherwise own this CPU, and a task
	 * that can only run here (say, preempted while migration was
	 * disabled, inside an RCU read section) waited 21 s: an RCU stall.
	 * The other CPUs still take it first.
	 */
	if (usersched_has_work() &&
	    !(prev && is_usersched_task(prev) && (prev->scx.flags & SCX_TASK_QUEUED))) {
		if (move_to_local(SCX_LUA_SCHED_DSQ)) {
			usersched_needed = 0;
			return;
		}
	}
	if (move_to_local(cpu))
		return;
	if (starve_ns && starve_scan) {
		/* found one: look again next time, the next may be waiting too */
		if (rescue_starved(cpu))
			return;
		starve_scan = 0;
	}
	if (move_to_local(SCX_LUA_SHARED_DSQ))
		return;
	move_to_local(SCX_LUA_SCHED_DSQ);
}

void BPF_STRUCT_OPS(lua_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	/* It slept: the CPU time it used before no longer counts. */
	if (tctx)
		tctx->exec_runtime = 0;
}

void BPF_STRUCT_OPS(lua_running, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p) & (SCX_LUA_MAX_CPUS - 1);
	u64 now = bpf_ktime_get_ns();
	struct task_ctx *tctx;

	__sync_fetch_and_add(&nr_running, 1);
	if (is_usersched_task(p)) {
		usersched_last_run = now;
		cpu_busy_since[cpu] = 0;
		return;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx) {
		cpu_busy_since[cpu] = now;
		return;
	}
	tctx->run_ts = now;
	if (!tctx->kept)
		tctx->start_ts = now;
	tctx->kept = 0;
	/* exec_runtime: its CPU time since it last slept, before this run. */
	cpu_busy_since[cpu] = now - tctx->exec_runtime;
	/* Kernel-dispatched tasks have no policy deadline: not preempted. */
	cpu_deadline[cpu] = tctx->deadline;
	tctx->run_deadline = tctx->deadline;
	tctx->deadline = 0;
}

void BPF_STRUCT_OPS(lua_stopping, struct task_struct *p, bool runnable)
{
	s32 cpu = scx_bpf_task_cpu(p) & (SCX_LUA_MAX_CPUS - 1);
	u64 now = bpf_ktime_get_ns();
	struct task_ctx *tctx;

	__sync_fetch_and_sub(&nr_running, 1);
	cpu_deadline[cpu] = 0;
	cpu_busy_since[cpu] = 0;
	if (is_usersched_task(p)) {
		usersched_last_run = now;
		return;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx)
		return;
	tctx->stop_ts = now;
	if (now > tctx->run_ts)
		tctx->exec_runtime += now - tctx->run_ts;
}

s32 BPF_STRUCT_OPS(lua_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (!bpf_task_storage_get(&task_ctx_stor, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -12; /* -ENOMEM */
	return 0;
}

/* Wake the scheduler if it holds or is owed work but has not run lately. */
static int heartbeat_fn(void *map, int *key, struct bpf_timer *timer)
{
	u64 now = bpf_ktime_get_ns();

	__sync_fetch_and_add(&nr_heartbeats, 1);
	if (scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ) > 0)
		starve_scan = 1;
	if (usersched_has_work() && now - usersched_last_run > HEARTBEAT_NS) {
		set_usersched_needed();
		scx_bpf_kick_cpu(0, SCX_KICK_PREEMPT);
	}
	bpf_timer_start(timer, HEARTBEAT_NS, 0);
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(lua_init)
{
	struct heartbeat *hb;
	u32 key = 0;
	s32 err;

	for (s32 cpu = 0; cpu < SCX_LUA_MAX_CPUS && cpu < nr_cpu_ids_ro; cpu++) {
		err = scx_bpf_create_dsq(cpu, -1);
		if (err)
			return err;
	}
	err = scx_bpf_create_dsq(SCX_LUA_SHARED_DSQ, -1);
	if (!err)
		err = scx_bpf_create_dsq(SCX_LUA_SCHED_DSQ, -1);
	if (err)
		return err;
	hb = bpf_map_lookup_elem(&heartbeat_map, &key);
	if (!hb)
		return -ENOENT;
	bpf_timer_init(&hb->timer, &heartbeat_map, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&hb->timer, heartbeat_fn);
	return bpf_timer_start(&hb->timer, HEARTBEAT_NS, 0);
}

void BPF_STRUCT_OPS(lua_exit, struct scx_exit_info *ei)
{
	exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_reason, sizeof(exit_reason), ei->reason);
	bpf_probe_read_kernel_str(exit_msg, sizeof(exit_msg), ei->msg);
	/* Last: user space polls exit_kind, then reads the rest. */
	exit_kind = ei->kind;
}

/*
 * Idle-CPU selection for user space (scx.select_cpu), run with
 * bpf_prog_test_run(): the same choice select_cpu would make, for a task
 * that is already queued in user space.
 */
SEC("syscall")
int lua_pick_cpu(struct task_cpu_arg *in)
{
	struct task_struct *p;
	s32 cpu = SCX_LUA_CPU_ANY;

	p = bpf_task_from_pid(in->pid);
	if (!p)
		return -EINVAL;
	bpf_rcu_read_lock();
	if (have_select_cpu_and) {
		cpu = scx_bpf_select_cpu_and(p, in->cpu, 0, p->cpus_ptr, 0);
	} else if (in->cpu >= 0 && in->cpu < SCX_LUA_MAX_CPUS &&
		   bpf_cpumask_test_cpu(in->cpu, p->cpus_ptr) &&
		   scx_bpf_test_and_clear_cpu_idle(in->cpu)) {
		cpu = in->cpu;
	} else {
		cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	}
	bpf_rcu_read_unlock();
	bpf_task_release(p);
	return cpu < 0 ? SCX_LUA_CPU_ANY : cpu;
}

SEC(".struct_ops")
struct sched_ext_ops lua_ops = {
	.select_cpu = (void *)lua_select_cpu,
	.enqueue = (void *)lua_enqueue,
	.dispatch = (void *)lua_dispatch,
	.runnable = (void *)lua_runnable,
	.running = (void *)lua_running,
	.stopping = (void *)lua_stopping,
	.init_task = (void *)lua_init_task,
	.init = (void *)lua_init,
	.exit = (void *)lua_exit,
	.dispatch_max_batch = 512,
	.name = "scx_lua",
};
