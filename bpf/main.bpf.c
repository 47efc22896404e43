// SPDX-License-Identifier: GPL-2.0-only
/*
 * main.bpf.c - scx_lua's sched_ext dispatcher: mechanism, no policy.
 *
 * Every task that needs a scheduling decision is sent to user space as a
 * record in the `queued` ringbuf; user space (the core and its Lua policy)
 * sends back decisions through the `dispatched` user ringbuf, which
 * ops.dispatch drains into one DSQ per CPU or a shared DSQ ordered by the
 * policy's deadline. Nothing here decides an order beyond carrying out
 * those decisions, the way scx_rustland_core's dispatcher does.
 *
 * The scheduler process is parked, not woken (usersched.bpf.h): it runs
 * when rules.h says, so records pile up into bigger batches while decided
 * tasks run. SCX_OPS_ENQ_LAST: a parked scheduler must not be kept running
 * on an otherwise idle CPU, where its yield would return at once.
 *
 * What never goes to user space, and why:
 * - the scheduler's own threads (they produce the decisions);
 * - per-CPU kernel threads, RCU's and the memory-reclaim threads (kswapd,
 *   kcompactd, khugepaged): the scheduler's own progress may depend on them;
 * - a task preempted in an RCU read-side section: first on its CPU;
 * - a wake-up that finds an idle CPU (select_cpu; -u turns this off);
 * - a task whose slice ran out while nothing else waits (rules.h,
 *   rule_keep_running), and, if the policy allows it (tune_keep_preempted),
 *   a task we preempted: it keeps its deadline and what is left of its slice;
 * - anything, while user space is not consuming (stuck, stopped or dead:
 *   no run for STUCK_NS) or the queued ringbuf is full: such tasks go to the
 *   shared DSQ and are counted (nr_stuck_bypass, nr_sched_congested).
 * Tasks already handed to user space when it stops are remembered in `held`
 * (pid -> enq_cnt) until dispatched; ops.dispatch rescues them to the shared
 * DSQ once user space is stuck, and their late decisions are then cancelled
 * as stale. No task is ever dropped. No task waits forever either: the
 * heartbeat has ops.dispatch look through the shared DSQ, and a task waiting
 * there longer than starve_ns (--starve-ms) runs next on the CPU that finds
 * it (nr_starve_rescued): a policy that starves a task costs it starve_ns,
 * not the scheduler's ejection by the kernel's watchdog (30 s).
 *
 * CPU hotplug: there is no ops.cpu_online/offline, on purpose (as in
 * scx_rustland_core). The kernel then ends the scheduler with a restart
 * request when a CPU goes off or on line, runs every task in its own bypass
 * mode through the hotplug, and scx_lua attaches again. Staying attached
 * through hotplug hung the machine under load on 7.2: cpuhp/1 waited
 * forever in sched_cpu_wait_empty() (or the onlining never finished) while
 * both CPUs sat idle, and the kernel's own watchdog never fired (4 of 4
 * hotplug loops, within 4 rounds each). So the set of online CPUs is fixed
 * while attached; a decision for a CPU outside it still bounces to the
 * shared DSQ.
 *
 * Debugging: ops.exit copies the kernel's debug dump of an error exit for
 * user space to print (load.c), and ops.dump, dump_cpu and dump_task add
 * scx_lua's own lines to it (what user space holds, the scheduler
 * process's state, the counters a stall report needs). With -v (rodata
 * `verbose`) each decision also goes to the trace pipe.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "compat.bpf.h"
#include "intf.h"
#include "rules.h"

char _license[] SEC("license") = "GPL";

/* libbpf 1.1 has no struct_ops.s/ prefix: the loader marks init sleepable. */
#define BPF_STRUCT_OPS(name, args...) SEC("struct_ops/" #name) BPF_PROG(name, ##args)
#define BPF_STRUCT_OPS_SLEEPABLE(name, args...) BPF_STRUCT_OPS(name, ##args)

#define STUCK_NS (1000ULL * 1000 * 1000)    /* user space silent this long: bypass */
#define HEARTBEAT_NS (100ULL * 1000 * 1000)
#define SLICE_MIN_NS (10ULL * 1000)         /* the core's hard minimum, too */
#define PF_KTHREAD 0x00200000
#define ENOENT 2
#define ENOMEM 12
#define EINVAL 22
#define CPU_MASK (SCX_LUA_MAX_CPUS - 1)

/* set by the loader before load */
const volatile s32 usersched_pid;
const volatile bool builtin_idle = true;  /* dispatch on an idle CPU from select_cpu */
const volatile bool park_usersched = true; /* false with -p: it is not ours to park */
const volatile u64 slice_ns = 20ULL * 1000 * 1000;
const volatile u64 starve_ns = 5000ULL * 1000 * 1000;  /* 0: no starvation guard */
const volatile u32 nr_cpu_ids_ro = 1;
const volatile u64 time_base;   /* the core's clock starts here: rule deadlines use it */

/* Where lua_ops' plain fields sit in the object's .struct_ops section, and
 * the flag values, from this kernel's BTF: the loader patches them in
 * (libbpf 1.1 cannot set struct_ops fields). */
const volatile u64 ops_off_flags = __builtin_offsetof(struct sched_ext_ops, flags);
const volatile u64 ops_off_exit_dump_len = __builtin_offsetof(struct sched_ext_ops, exit_dump_len);
const volatile u64 ops_off_name = __builtin_offsetof(struct sched_ext_ops, name);
const volatile u64 ops_name_len = sizeof(((struct sched_ext_ops *)0)->name);
const volatile u64 ops_size = sizeof(struct sched_ext_ops);
const volatile u64 ops_flag_switch_partial = SCX_OPS_SWITCH_PARTIAL;

/* -v: each decision, one line, to the trace pipe. Off, the verifier drops
 * the calls with the branch (rodata is frozen): they cost nothing. */
const volatile bool verbose;
#define trace(fmt, args...)							\
	do {									\
		if (verbose)							\
			bpf_printk("scx_lua: " fmt, ##args);			\
	} while (0)

/* Tunables: user space may change them at any time (plain loads here). */
volatile struct rule_tune tune = {
	.preempt_min_ns = 1000ULL * 1000,
	.budget_ns = 4000ULL * 1000,
	.preempt_sync = 0,
};
volatile u64 tune_keep_preempted;

/* counters, read by user space through the skeleton's bss */
volatile u64 nr_queued, nr_scheduled, nr_running;
volatile u64 nr_online_cpus;   /* set by the loader: fixed while attached */
volatile u64 nr_user_dispatches, nr_kernel_dispatches, nr_cancel_dispatches;
volatile u64 nr_bounce_dispatches, nr_failed_dispatches, nr_sched_congested;
volatile u64 nr_heartbeats, nr_stuck_bypass, nr_stuck_rescued, nr_deadline_preempts;
volatile u64 nr_starve_rescued, nr_kept, nr_preempt_kept, nr_preempt_guarded;
volatile u64 nr_preempt_sync, nr_rcu_first, nr_sched_preempted;
volatile u64 nr_sched_runs[SCX_LUA_RUN_NR];   /* why it was given a CPU */
volatile u64 nr_kicks[SCX_LUA_KICK_NR];       /* CPUs kicked, by reason */
volatile u64 starve_scan;   /* set by the heartbeat: look for starved tasks */

/*
 * The scheduler process. Plain stores from several CPUs: a lost update
 * delays the scheduler by at most one heartbeat, never strands a task.
 */
volatile u64 usersched_last_run;    /* ns: when its loop last ran or stopped */
volatile u64 usersched_pending_since;   /* ns: its oldest undrained record, 0: none */
volatile u32 usersched_introduced;     /* an introduction waits in the ring */
/* Decisions user space has put in the dispatched ring (it counts them after
 * each submit), and how many of those ops.dispatch has drained for sure: a
 * lower bound, plain stores from any CPU (a stale one costs a drain more).
 * While they are equal the drain helper is not called: it cost a quarter
 * of each dispatch under emulation (drain_dispatched). */
volatile u64 dispatched_sent, dispatched_seen;
volatile u32 usersched_owed;        /* RULE_OWED_* */
volatile u32 usersched_running;     /* its loop thread is on a CPU */
volatile u64 usersched_kicked_at;   /* ns: a CPU was kicked to run it, 0: none */
volatile u32 usersched_parked;      /* set by user space around its yield */

/* ops.exit: why the kernel stopped us */
volatile s32 exit_kind;
volatile s64 exit_code;
char exit_reason[128];
char exit_msg[1024];

/*
 * The kernel's debug dump of an error exit, copied by ops.exit: one
 * element of exit_dump_size bytes, both set by the loader to the
 * struct_ops' exit_dump_len (the size of the kernel's own buffer), so
 * nothing is cut. A map, not a global: its size is only known at open.
 */
const volatile u32 exit_dump_size = 32768;
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(u32));
	__uint(value_size, 32768);
} exit_dump SEC(".maps");

/*
 * For ops.dump, written by user space: the policy's name (at load and at
 * each reload; a dump racing a rename may show a mix of both) and its
 * last batch (live.c, once per step that drained records).
 */
char policy_name[64] = "?";
volatile u64 last_batch_nr, last_batch_ns, last_batch_at;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 20);   /* ~10k queued records */
} queued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 1 << 20);
} dispatched SEC(".maps");

/*
 * Every task waiting in user space: pid -> the enq_cnt it was sent with.
 * Without it a stopped scheduler strands them: the kernel keeps running
 * the CPU hogs (the last runnable task goes on without an enqueue), so no
 * new enqueue ever notices that user space is stuck.
 */
#define HELD_MAX 32768
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, HELD_MAX);
	__type(key, s32);
	__type(value, u64);
} held SEC(".maps");

struct task_ctx {
	u64 start_ts;       /* when its current run began (a kept run keeps it) */
	u64 stop_ts;
	u64 exec_runtime;   /* CPU time since it last slept */
	u64 enq_cnt;        /* matches a decision to the record it answers */
	u64 deadline;       /* the policy's, for its next run (0: none) */
	u64 run_deadline;   /* the policy's, for its current run (0: none) */
	u64 slice;          /* the policy's last slice (0: none yet) */
	u64 slice_used;     /* of it, run so far */
	u64 shared_ts;      /* when it entered the shared DSQ */
	u64 run_ts;         /* when it last got a CPU */
	u64 slice_ts;       /* when its current slice began (a refill in ops.dispatch too) */
	u64 vtime;          /* under its rule (rules.h), as it or the policy left it */
	u32 woke;           /* its pending record is a wake-up: it may preempt */
	u32 kept;           /* it goes on without a record: keep start_ts */
	u32 preempted;      /* we preempted it (rules.h, rule_cpu.kicked) */
	u32 rule;           /* the policy's rule for its wake-ups (0: none) */
	u32 decided;        /* its next run has a decision (deadline may be 0) */
	u32 run_decided;    /* its current run had one (not the kernel's fast path) */
	u32 sync_wake;      /* its last wake-up was a sync one (select_cpu; cleared as it runs) */
	u32 tick_preempt;   /* woken, its rule preempts, it waits in the shared DSQ: one
			     * tick may still take a CPU for it (tick_preempt_for_waiting) */
	u32 on_way;         /* a CPU was kicked to preempt for it: ticks look past it */
	u32 introduced;     /* the policy was sent it once, from an idle CPU (introduce()) */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctx_stor SEC(".maps");

/*
 * The policy's rules (rules.h), by id (0: none), written by user space
 * when the policy publishes them; rule_clock is their shared virtual clock
 * (plain stores: a lost update of a max lets one task lag a little more).
 */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RULE_MAX);
	__type(key, u32);
	__type(value, struct rule_params);
} rules SEC(".maps");
volatile u64 rule_clock;
volatile u64 nr_rule_dispatches;   /* decided here by the policy's rule */
volatile u64 nr_observe_dropped;   /* their records for the policy: the ring was full */
volatile u64 nr_introduced;        /* undecided tasks an idle CPU took, sent to the policy */
volatile u32 rules_live;           /* user space: some rule is published (kind not none) */
volatile u64 nr_rule_invalid;      /* a rule id out of range in a decision */
volatile u64 nr_exit_dropped;      /* exit records lost to a full ring */

/* What each CPU runs. Written by that CPU, read by all without locks: a
 * stale read costs one needless or one missed preemption, never a task. */
struct rule_cpu cpus[SCX_LUA_MAX_CPUS];

/* Since when the scheduler's loop thread has run on each CPU (0: it does
 * not run there). Written in ops.running and ops.stopping, read with
 * that CPU's run queue locked (rule_wakeup_preempts_sched): exact. */
u64 sched_since[SCX_LUA_MAX_CPUS];

/* The heartbeat (periodic) and the budget (one shot, armed when a record
 * finds every CPU busy). */
enum { TIMER_HEARTBEAT, TIMER_BUDGET, NR_TIMERS };

struct timer_slot {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NR_TIMERS);
	__type(key, u32);
	__type(value, struct timer_slot);
} timers SEC(".maps");

volatile u32 budget_armed;   /* plain stores: a lost race arms it twice, harmlessly */

/* Largest vtime handed to the shared DSQ: bypassed tasks queue behind it.
 * Plain stores from several CPUs: a lost update orders one bypassed task a
 * little early, nothing more. */
static u64 vtime_max;

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
	       (c[0] == 'k' && c[1] == 'h' && c[2] == 'u' && c[3] == 'g' && c[4] == 'e') ||
	       (c[0] == 'r' && c[1] == 'c' && c[2] == 'u');   /* grace periods wait on them */
}

static bool usersched_stuck(void)
{
	u64 last = usersched_last_run;

	return last && !usersched_running && bpf_ktime_get_ns() - last > STUCK_NS;
}

static struct task_ctx *lookup_task_ctx(struct task_struct *p)
{
	return bpf_task_storage_get(&task_ctx_stor, p, 0, 0);
}

/* The state of @cpu; every CPU id the kernel gives us is below nr_cpu_ids,
 * which the loader checked against SCX_LUA_MAX_CPUS. */
static struct rule_cpu *cpu_state(s32 cpu)
{
	if (cpu < 0 || cpu >= SCX_LUA_MAX_CPUS) {
		scx_bpf_error("scx_lua: CPU %d out of range", cpu);
		return &cpus[0];
	}
	return &cpus[cpu & CPU_MASK];
}

/*
 * The scheduler process as rules.h sees it. Under -p (!park_usersched) it
 * is a fair-class task: the kernel runs it ahead of every sched_ext task
 * whenever it is runnable, the ring's wake-up and its own timeout reach
 * it, and ops.running never sees it start, so pending_since, introduced
 * and owed would stay set from the first record on. It is then never
 * awaited here: a CPU kicked for it would preempt a task for nothing, and
 * keep_running and keep_prev would never let a task go on. What it holds
 * (held) still waits for a CPU.
 */
static void sched_view(struct rule_sched *s)
{
	s->pending_since = park_usersched ? usersched_pending_since : 0;
	s->ring_used = bpf_ringbuf_query(&queued, BPF_RB_AVAIL_DATA);
	s->ring_size = bpf_ringbuf_query(&queued, BPF_RB_RING_SIZE);
	s->held = nr_scheduled;
	s->owed = park_usersched ? usersched_owed : 0;
	s->introduced = park_usersched ? usersched_introduced : 0;
}

/* Would a CPU with nothing else to run take the scheduler now? */
static bool usersched_wanted(void)
{
	struct rule_sched s;

	sched_view(&s);
	return rule_sched_instead_of_idle(&s);
}

static void tune_view(struct rule_tune *tu)
{
	tu->preempt_min_ns = tune.preempt_min_ns;
	tu->budget_ns = tune.budget_ns;
	tu->preempt_sync = tune.preempt_sync;
}

static void kick(s32 cpu, u64 flags, int why)
{
	scx_bpf_kick_cpu(cpu, flags);
	trace("kick cpu %d flags 0x%llx why %d", cpu, flags, why);
	if (why >= 0 && why < SCX_LUA_KICK_NR)
		__sync_fetch_and_add(&nr_kicks[why], 1);
}

/* Wake an idle CPU @p may use; false if none is idle. */
static bool kick_idle_for(struct task_struct *p, int why)
{
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu < 0)
		return false;
	kick(cpu, SCX_KICK_IDLE, why);
	return true;
}

/* Preempt @cpu: what runs there comes back marked preempted. */
static void kick_preempt(s32 cpu, int why)
{
	cpu_state(cpu)->kicked = 1;
	kick(cpu, SCX_KICK_PREEMPT, why);
}

/* Tasks @cpu runs before any of the shared DSQ: its local DSQ, then ours. */
static s32 nr_queued_for(s32 cpu)
{
	return scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL_ON | cpu) + scx_bpf_dsq_nr_queued(cpu & CPU_MASK);
}

#include "channels.bpf.h"
#include "usersched.bpf.h"
#include "fastpath.bpf.h"

s32 BPF_STRUCT_OPS(lua_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct task_ctx *tctx;
	bool is_idle = false;
	s32 cpu;

	if (is_usersched_task(p))
		return prev_cpu;
	/* Kept for place_shared (rules.h: a sync wake-up preempts nobody);
	 * a task that may run on one CPU only skips select_cpu, and its flag
	 * was cleared when it last ran. */
	tctx = lookup_task_ctx(p);
	if (tctx)
		tctx->sync_wake = !!(wake_flags & SCX_WAKE_SYNC);
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);
	/* The idle fast path: an idle CPU needs no decision to be made. */
	if (builtin_idle && is_idle) {
		trace("select %d: idle cpu %d, runs there", p->pid, cpu);
		insert(p, SCX_DSQ_LOCAL, slice_ns, 0);
		__sync_fetch_and_add(&nr_kernel_dispatches, 1);
		if (tctx)
			introduce(p, tctx, wake_flags);
	}
	return cpu;
}

static void enqueue_task(struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx;
	bool woke = enq_flags & SCX_ENQ_WAKEUP;

	if (is_usersched_task(p)) {
		enqueue_usersched(p, enq_flags);
		return;
	}
	if (is_kernel_bypass(p)) {
		trace("enq %d: kernel thread, local", p->pid);
		insert(p, SCX_DSQ_LOCAL, slice_ns, enq_flags);
		__sync_fetch_and_add(&nr_kernel_dispatches, 1);
		return;
	}
	if (rcu_reader_first(p, enq_flags))
		return;
	tctx = lookup_task_ctx(p);
	if (!tctx || usersched_stuck()) {
		if (tctx)
			__sync_fetch_and_add(&nr_stuck_bypass, 1);
		trace("enq %d: shared (no context %d, or the scheduler is stuck)", p->pid, !tctx);
		dispatch_shared(p, tctx, enq_flags);
		return;
	}
	tctx->preempted = rule_was_preempted(woke, p->scx.slice, tctx->preempted);
	if (keep_running(p, tctx, enq_flags) || keep_preempted(p, tctx, enq_flags))
		return;
	if (tctx->rule && rule_dispatch(p, tctx, enq_flags))
		return;
	tctx->kept = 0;   /* not continued after all (dequeued before it ran) */
	if (!send_record(p, tctx, enq_flags, NULL)) {
		__sync_fetch_and_add(&nr_sched_congested, 1);
		trace("enq %d: ring full, shared", p->pid);
		dispatch_shared(p, tctx, enq_flags);
	} else {
		trace("enq %d: to user space, enq_cnt %llu wake-up %d", p->pid, tctx->enq_cnt, woke);
	}
	get_usersched_a_cpu(p, enq_flags, woke);
}

void BPF_STRUCT_OPS(lua_enqueue, struct task_struct *p, u64 enq_flags)
{
	enqueue_task(p, enq_flags);
	/*
	 * SCX_ENQ_LAST: the kernel has already picked idle for this CPU, and
	 * no insertion, not even into its local DSQ, reschedules it; the
	 * follow-up is ours to send. Rare: keep_prev decides most such runs
	 * in ops.dispatch. The parked scheduler's own idling is meant.
	 */
	if ((enq_flags & SCX_ENQ_LAST) && !is_usersched_loop(p))
		kick(scx_bpf_task_cpu(p), SCX_KICK_IDLE, SCX_LUA_KICK_TASK_IDLE);
}

/*
 * The order in ops.dispatch: the scheduler if rules.h says it runs first;
 * this CPU's DSQ; a starved task; the shared DSQ; the task that just ran
 * here, if nothing waits (keep_prev); the scheduler if anybody waits on
 * it or it has an introduction to read (rule_sched_instead_of_idle).
 */
void BPF_STRUCT_OPS(lua_dispatch, s32 cpu, struct task_struct *prev)
{
	bool ran_here = prev && is_usersched_loop(prev) && (prev->scx.flags & SCX_TASK_QUEUED);
	struct rule_sched s;
	struct rule_tune tu;
	bool first;

	tune_view(&tu);
	sched_view(&s);
	first = park_usersched && rule_sched_first(&s, &tu, bpf_ktime_get_ns(), ran_here);
	drain_dispatched(cpu, first);
	if (usersched_stuck())
		bpf_for_each_map_elem(&held, rescue_held, NULL, 0);

	if (first && run_usersched(&s, &tu))
		return;
	if (move_to_local(cpu & CPU_MASK))
		return;
	if (starve_ns && starve_scan) {
		/* found one: look again next time, the next may be waiting too */
		if (rescue_starved(cpu))
			return;
		starve_scan = 0;
	}
	if (move_to_local(SCX_LUA_SHARED_DSQ))
		return;
	sched_view(&s);
	if (keep_prev(prev, cpu, &s))
		return;
	if (park_usersched && !rule_sched_instead_of_idle(&s))
		return;
	if (ran_here) {
		/* It yielded here with work left and nothing else wants this
		 * CPU: it goes on, without a trip through idle. */
		set_slice(prev, slice_ns);
		trace("dispatch cpu %d: the scheduler goes on", cpu);
		__sync_fetch_and_add(&nr_sched_runs[SCX_LUA_RUN_IDLE], 1);
		return;
	}
	run_usersched(&s, &tu);
}

void BPF_STRUCT_OPS(lua_runnable, struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tctx = lookup_task_ctx(p);

	/* It slept: the CPU time it used before no longer counts. */
	if (tctx)
		tctx->exec_runtime = 0;
}

/* The weight by which @p's run moves its deadline (rules.h). */
static u64 run_weight(struct task_struct *p, struct task_ctx *tctx)
{
	u32 id = tctx->rule;
	struct rule_params *r;

	if (!id || !tctx->deadline)
		return 0;
	r = bpf_map_lookup_elem(&rules, &id);
	return r ? rule_run_weight(r->kind, tctx->deadline, p->scx.weight) : 0;
}

void BPF_STRUCT_OPS(lua_running, struct task_struct *p)
{
	struct rule_cpu *c = cpu_state(scx_bpf_task_cpu(p));
	u64 now = bpf_ktime_get_ns();
	struct task_ctx *tctx;

	__sync_fetch_and_add(&nr_running, 1);
	/* A kick that found another task here, or none: not this one's. */
	c->kicked = 0;
	c->deadline = 0;
	c->weight = 0;
	c->charge_from = 0;
	c->run_start = now;
	c->busy_since = 0;
	if (is_usersched_task(p)) {
		c->run_start = 0;
		if (is_usersched_loop(p)) {
			/* It drains every record queued so far. */
			usersched_running = 1;
			sched_since[scx_bpf_task_cpu(p) & CPU_MASK] = now;
			usersched_kicked_at = 0;
			usersched_owed = 0;
			usersched_pending_since = 0;
			usersched_introduced = 0;
			usersched_last_run = now;
		}
		return;
	}
	tctx = lookup_task_ctx(p);
	if (!tctx) {
		c->busy_since = now;
		return;
	}
	tctx->run_ts = now;
	tctx->slice_ts = now;
	tctx->sync_wake = 0;
	tctx->on_way = 0;
	if (!tctx->kept)
		tctx->start_ts = now;
	tctx->kept = 0;
	/* exec_runtime: its CPU time since it last slept, before this run. */
	c->busy_since = now - tctx->exec_runtime;
	/* Kernel-dispatched tasks have no policy deadline: not preempted. */
	c->deadline = tctx->deadline;
	c->weight = run_weight(p, tctx);
	c->charge_from = tctx->start_ts;   /* kept across kept runs */
	tctx->run_deadline = tctx->deadline;
	tctx->run_decided = tctx->decided;
	tctx->deadline = 0;
	tctx->decided = 0;
}

void BPF_STRUCT_OPS(lua_stopping, struct task_struct *p, bool runnable)
{
	struct rule_cpu *c = cpu_state(scx_bpf_task_cpu(p));
	u64 now = bpf_ktime_get_ns();
	struct task_ctx *tctx;

	__sync_fetch_and_sub(&nr_running, 1);
	if (is_usersched_loop(p)) {
		usersched_running = 0;
		usersched_last_run = now;
		sched_since[scx_bpf_task_cpu(p) & CPU_MASK] = 0;
	}
	tctx = is_usersched_task(p) ? NULL : lookup_task_ctx(p);
	if (tctx) {
		tctx->stop_ts = now;
		if (now > tctx->run_ts)
			tctx->exec_runtime += now - tctx->run_ts;
		if (now > tctx->slice_ts)
			tctx->slice_used += now - tctx->slice_ts;
		tctx->preempted = runnable && c->kicked;
	}
	c->kicked = 0;
	c->deadline = 0;
	c->weight = 0;
	c->charge_from = 0;
	c->run_start = 0;
	c->busy_since = 0;
}

/* Does @head, the shared DSQ's first task, take @cpu from @p now? */
static bool head_preempts(struct task_struct *head, struct task_struct *p, s32 cpu,
			  const struct rule_tune *tu, u64 now)
{
	struct task_ctx *hctx;

	if (!head)
		return false;
	hctx = lookup_task_ctx(head);
	if (!hctx || !hctx->tick_preempt || !cpu_in(head->cpus_ptr, cpu) ||
	    !rule_wakeup_may_preempt(tu, hctx->sync_wake))
		return false;
	/* The scheduler process (@p NULL) has no deadline: the caller asked
	 * rule_wakeup_preempts_sched() instead. */
	if (p && !rule_tick_preempts_for_waiting(cpu_state(cpu), is_kernel_bypass(p), tu,
						 head->scx.dsq_vtime, now))
		return false;
	/* Claimed, once: the other CPUs' ticks leave it to this one. */
	if (__sync_lock_test_and_set(&hctx->tick_preempt, 0) == 0)
		return false;
	hctx->on_way = 1;
	return true;
}

/*
 * The shared DSQ's first task that no CPU is on its way to take. A task a
 * kick was sent for (on_way) had that CPU to itself however long the kick
 * took to land, and no tick looked at the task behind it: 15.9 ms in a
 * trace of make demo's first second, where a kick to the other vCPU took
 * 8 ms (single-threaded emulation) while this CPU ticked twice. Now a
 * tick may preempt for the task behind; this CPU then takes the shared
 * DSQ's head (the order is by deadline), and the CPU kicked earlier the
 * task behind it when its kick lands: both run sooner, neither waits for
 * the other's CPU. The walk (an iterator, ~10 us under emulation) is
 * taken only when the head is on its way. Left out: the same look past
 * the head for the scheduler's own CPU (tick_preempt_sched).
 */
static struct task_struct *first_waiting(void)
{
	struct task_struct *p = dsq_head(SCX_LUA_SHARED_DSQ), *found = NULL;
	struct bpf_iter_scx_dsq it;
	struct task_ctx *tctx;

	if (!p)
		return NULL;
	tctx = lookup_task_ctx(p);
	if (!tctx || !tctx->on_way)
		return p;
	if (bpf_iter_scx_dsq_new(&it, SCX_LUA_SHARED_DSQ, 0) == 0) {
		while ((p = bpf_iter_scx_dsq_next(&it))) {
			tctx = lookup_task_ctx(p);
			if (!tctx || !tctx->on_way) {
				found = p;
				break;
			}
		}
	}
	bpf_iter_scx_dsq_destroy(&it);
	return found;
}

/*
 * From a tick: the first task of the shared DSQ, woken and placed there by
 * a rule that preempts (tick_preempt), takes this CPU when what runs here
 * has a later deadline (rules.h: rule_tick_preempts_for_waiting);
 * once, whichever CPU ticks first. Only the first task no CPU is on its
 * way to take (first_waiting): the others wait behind it wherever they go. Left out: tasks the policy decided in Lua (it
 * asks for a preemption with DF_PREEMPT, at its decision), tasks back from
 * a preemption or a slice's end (they preempt nobody at their enqueue
 * either), and bypasses.
 */
static void tick_preempt_for_waiting(struct task_struct *p, s32 cpu, const struct rule_tune *tu,
				     u64 now)
{
	struct task_struct *head;

	if (!builtin_idle || !scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ))
		return;
	/* This CPU takes those first: preempting for the head is in vain. */
	if (nr_queued_for(cpu))
		return;
	head = first_waiting();
	if (!head || !head_preempts(head, p, cpu, tu, now))
		return;
	trace("tick cpu %d: %d preempted, for %d (the shared DSQ's first runs here)", cpu, p->pid,
	      head->pid);
	__sync_fetch_and_add(&nr_deadline_preempts, 1);
	kick_preempt(cpu, SCX_LUA_KICK_TICK_DEADLINE);
}

/*
 * From a tick on the scheduler process's CPU: the shared DSQ's first task,
 * woken and placed there by a rule that preempts, takes the CPU from a
 * step that has held it for --preempt-us (rule_wakeup_preempts_sched, as
 * at a wake-up on this CPU), once. The step comes back first, on another
 * CPU (RULE_OWED_MIDBATCH). A woken task found the scheduler's own queue
 * or this CPU's local DSQ ahead of it, or no CPU it could preempt, and at
 * a load's start, while LuaJIT compiles, one step held a CPU for 15-26 ms
 * under emulation. Only for such a task (not a sync wake-up's, not one
 * the policy decided, and not for records waiting on the step itself):
 * preempting every long step made hackbench 1.15x slower in one boot
 * (0.825 against 0.715 s). An idle CPU would have been kicked for the task
 * when it was placed; one tick later it still waits.
 */
static void tick_preempt_sched(s32 cpu, const struct rule_tune *tu, u64 now)
{
	if (!builtin_idle || !scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ) ||
	    !rule_wakeup_preempts_sched(true, sched_since[cpu & CPU_MASK],
					scx_bpf_dsq_nr_queued(cpu & CPU_MASK), tu, now))
		return;
	if (!head_preempts(dsq_head(SCX_LUA_SHARED_DSQ), NULL, cpu, tu, now))
		return;
	trace("tick cpu %d: the scheduler preempted, a woken task waits", cpu);
	__sync_fetch_and_add(&nr_sched_preempted, 1);
	kick_preempt(cpu, SCX_LUA_KICK_TICK_DEADLINE);
}

/*
 * The budget's backstop, on CPUs that do not look for work often enough;
 * and a waiting task's earlier deadline (or the scheduler's long step).
 */
void BPF_STRUCT_OPS(lua_tick, struct task_struct *p)
{
	s32 cpu = scx_bpf_task_cpu(p);
	struct rule_sched s;
	struct rule_tune tu;
	u64 now;

	if (is_usersched_task(p)) {
		if (is_usersched_loop(p)) {
			tune_view(&tu);
			tick_preempt_sched(cpu, &tu, bpf_ktime_get_ns());
		}
		return;
	}
	tune_view(&tu);
	now = bpf_ktime_get_ns();
	if (park_usersched) {
		sched_view(&s);
		if (rule_tick_preempts_for_sched(&s, &tu, now, usersched_running,
						 usersched_kick_pending(now))) {
			usersched_kick(cpu, SCX_KICK_PREEMPT, SCX_LUA_KICK_SCHED_BUDGET);
			return;
		}
	}
	tick_preempt_for_waiting(p, cpu, &tu, now);
}

s32 BPF_STRUCT_OPS(lua_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (!bpf_task_storage_get(&task_ctx_stor, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -ENOMEM;
	return 0;
}

void BPF_STRUCT_OPS(lua_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	/* cancelled: the scheduler is going away, not the task. */
	if (!args->cancelled && !is_usersched_task(p))
		send_exit(p);
}

s32 BPF_STRUCT_OPS_SLEEPABLE(lua_init)
{
	struct timer_slot *t;
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
	key = TIMER_BUDGET;
	t = bpf_map_lookup_elem(&timers, &key);
	if (!t)
		return -ENOENT;
	bpf_timer_init(&t->timer, &timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&t->timer, budget_fn);
	key = TIMER_HEARTBEAT;
	t = bpf_map_lookup_elem(&timers, &key);
	if (!t)
		return -ENOENT;
	bpf_timer_init(&t->timer, &timers, 1 /* CLOCK_MONOTONIC */);
	bpf_timer_set_callback(&t->timer, heartbeat_fn);
	return bpf_timer_start(&t->timer, HEARTBEAT_NS, 0);
}

/* The kernel made its debug dump (error exits) before calling this. */
void BPF_STRUCT_OPS(lua_exit, struct scx_exit_info *ei)
{
	u32 zero = 0;
	char *dump = bpf_map_lookup_elem(&exit_dump, &zero);

	exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(exit_reason, sizeof(exit_reason), ei->reason);
	bpf_probe_read_kernel_str(exit_msg, sizeof(exit_msg), ei->msg);
	if (dump && ei->dump)
		bpf_probe_read_kernel_str(dump, exit_dump_size, ei->dump);
	/* Last: user space polls exit_kind, then reads the rest. */
	exit_kind = ei->kind;
}

/* For the dump: ms since @ts, -1 for never. */
static s64 ms_since(u64 now, u64 ts)
{
	if (!ts)
		return -1;
	return now > ts ? (s64)((now - ts) / 1000000) : 0;   /* unsigned: BPF has no sdiv */
}

static long count_held(struct bpf_map *map, s32 *pid, u64 *cnt, u64 *n)
{
	(*n)++;
	return 0;
}

/*
 * scx_lua's part of the kernel's debug dump (an error exit, or SysRq-D):
 * what a stall report needs to tell a stuck scheduler process from a
 * starving policy. "held": tasks sent to user space with no decision back
 * yet; "undecided": what user space says it holds (its last step).
 */
void BPF_STRUCT_OPS(lua_dump, struct scx_dump_ctx *dctx)
{
	u64 now = bpf_ktime_get_ns(), held_nr = 0;
	struct rule_sched s;

	sched_view(&s);
	bpf_for_each_map_elem(&held, count_held, &held_nr, 0);
	scx_bpf_dump("scx_lua: policy=%s held=%llu undecided=%llu ring_bytes=%llu shared_dsq=%d\n",
		     policy_name, held_nr, s.held, s.ring_used,
		     scx_bpf_dsq_nr_queued(SCX_LUA_SHARED_DSQ));
	scx_bpf_dump("scx_lua: sched running=%u parked=%u last_run=%lldms pending=%lldms owed=0x%x kicked=%lldms queued_dsq=%d\n",
		     usersched_running, usersched_parked, ms_since(now, usersched_last_run),
		     ms_since(now, s.pending_since), s.owed,
		     ms_since(now, usersched_kicked_at), scx_bpf_dsq_nr_queued(SCX_LUA_SCHED_DSQ));
	scx_bpf_dump("scx_lua: last batch %llu records in %lluus, %lldms ago\n",
		     last_batch_nr, last_batch_ns / 1000, ms_since(now, last_batch_at));
	scx_bpf_dump("scx_lua: queued=%llu user_dispatches=%llu kernel_dispatches=%llu cancel=%llu failed=%llu\n",
		     nr_queued, nr_user_dispatches, nr_kernel_dispatches, nr_cancel_dispatches,
		     nr_failed_dispatches);
	scx_bpf_dump("scx_lua: stuck_bypass=%llu stuck_rescued=%llu starve_rescued=%llu congested=%llu rule_dispatches=%llu heartbeats=%llu\n",
		     nr_stuck_bypass, nr_stuck_rescued, nr_starve_rescued, nr_sched_congested,
		     nr_rule_dispatches, nr_heartbeats);
}

/* A busy CPU as the rules see it (rules.h, struct rule_cpu). */
void BPF_STRUCT_OPS(lua_dump_cpu, struct scx_dump_ctx *dctx, s32 cpu, bool idle)
{
	struct rule_cpu *c;
	u64 now;

	if (idle)
		return;
	/* The mask alone bounds it for the verifier: the kernel's CPU ids
	 * are below nr_cpu_ids, which the loader checked. */
	c = &cpus[cpu & CPU_MASK];
	now = bpf_ktime_get_ns();
	scx_bpf_dump("scx_lua: dsq=%d deadline=%llu run=%lldms busy=%lldms kicked=%u\n",
		     scx_bpf_dsq_nr_queued(cpu & CPU_MASK), c->deadline,
		     ms_since(now, c->run_start), ms_since(now, c->busy_since), c->kicked);
}

/* A runnable task: is it waiting on user space; when it last entered the
 * shared DSQ (the kernel's line says which DSQ it is on now). */
void BPF_STRUCT_OPS(lua_dump_task, struct scx_dump_ctx *dctx, struct task_struct *p)
{
	struct task_ctx *tctx = lookup_task_ctx(p);
	s32 pid = p->pid;
	u64 *sent, now;

	if (!tctx)
		return;
	now = bpf_ktime_get_ns();
	sent = bpf_map_lookup_elem(&held, &pid);
	scx_bpf_dump("scx_lua: held=%d enq_cnt=%llu deadline=%llu rule=%u decided=%u kept=%u preempted=%u last_shared=%lldms\n",
		     sent && *sent == tctx->enq_cnt, tctx->enq_cnt, tctx->deadline, tctx->rule,
		     tctx->decided, tctx->kept, tctx->preempted, ms_since(now, tctx->shared_ts));
}

SEC(".struct_ops")
struct sched_ext_ops lua_ops = {
	.select_cpu = (void *)lua_select_cpu,
	.enqueue = (void *)lua_enqueue,
	.dispatch = (void *)lua_dispatch,
	.tick = (void *)lua_tick,
	.runnable = (void *)lua_runnable,
	.running = (void *)lua_running,
	.stopping = (void *)lua_stopping,
	.init_task = (void *)lua_init_task,
	.exit_task = (void *)lua_exit_task,
	.init = (void *)lua_init,
	.exit = (void *)lua_exit,
	.dump = (void *)lua_dump,
	.dump_cpu = (void *)lua_dump_cpu,
	.dump_task = (void *)lua_dump_task,
	.dispatch_max_batch = 512,
	.flags = SCX_OPS_ENQ_LAST,
	.name = "scx_lua",
};
