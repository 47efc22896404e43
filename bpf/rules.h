/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rules.h - the live path's scheduling rules, written once: compiled into
 * the BPF dispatcher (bpf/main.bpf.c) and into the simulated machine
 * (sim/machine.c), and checked over a table of cases (tests/test_rules.c).
 * Two hand-written copies of a rule drift; one copy cannot.
 *
 * Each rule is a plain function over plain values: what a CPU runs (struct
 * rule_cpu), what the scheduler process has pending (struct rule_sched),
 * the tunables (struct rule_tune). Each side keeps those values its own
 * way (BPF globals, the simulator's arrays) and loops over its own CPUs;
 * the decisions themselves are here. Times are nanoseconds on one clock.
 *
 * Left out on purpose: anything a policy decides (order, slice, CPU). These
 * rules only carry out a policy's order cheaply: when to give the
 * scheduler a CPU, when a woken task may take one from a running task, when
 * a task may go on without asking.
 */
#ifndef SCX_LUA_RULES_H
#define SCX_LUA_RULES_H

#ifndef __bpf__
#include <stdbool.h>
#endif

#include "intf.h"

typedef unsigned long long rule_ns;

/* What a CPU runs, as the rules see it. */
struct rule_cpu {
	rule_ns deadline;     /* the policy's deadline for its task; 0: not ours to preempt */
	rule_ns run_start;    /* when its task got this CPU; 0: idle, the scheduler, or
			       * taken by a preemption of this drain */
	rule_ns busy_since;   /* since when its task has used CPUs without sleeping; 0: none */
	rule_ns kicked;       /* we preempted it (its task comes back marked preempted) */
	rule_ns weight;       /* a vtime rule's task: its weight (rule_cpu_deadline); 0: other */
	rule_ns charge_from;  /* when the run its deadline charges began: a kept run's first
			       * start (the rule charges stop - start) */
};

/* The scheduler process, as the rules see it. */
struct rule_sched {
	rule_ns pending_since;  /* oldest record it has not drained yet; 0: none */
	rule_ns ring_used;      /* bytes of records waiting in the ring */
	rule_ns ring_size;
	rule_ns held;           /* decisions it still holds (a full dispatch ring) */
	unsigned int owed;      /* RULE_OWED_*: reasons it must run now */
	unsigned int introduced; /* it has introductions (introduce()) not drained yet */
};

struct rule_tune {
	rule_ns preempt_min_ns; /* a task runs this long before a deadline preempts it */
	rule_ns budget_ns;      /* a record waits at most this long for the scheduler; a
				 * task that ran this long since it slept is a hog */
	rule_ns preempt_sync;   /* a sync wake-up may preempt too (--preempt-sync) */
};

/* Reasons the scheduler must run first, whatever else waits (owed). */
enum rule_owed {
	RULE_OWED_MIDBATCH = 1,   /* preempted with a batch in its hands */
	RULE_OWED_HOG = 2,        /* a hog was preempted to make room for it */
	RULE_OWED_HEARTBEAT = 4,  /* housekeeping: P.tick, signals, stats */
};

/* Ring fill, in quarters, from which the scheduler runs first. */
#define RULE_RING_WATERMARK_Q 2

static inline bool rule_sched_has_work(const struct rule_sched *s)
{
	return s->ring_used || s->held || s->owed;
}

static inline bool rule_ring_past(const struct rule_sched *s, rule_ns quarters)
{
	return s->ring_size && s->ring_used * 4 >= s->ring_size * quarters;
}

/*
 * Does anybody wait on the scheduler: a record for a decision
 * (pending_since), a decision it holds, a reason it is owed the CPU, or a
 * ring past the watermark? The records of decisions already taken (a
 * rule's, after the fact; an exit) wait for nobody: the policy reads them
 * at its next run, whenever that comes (at the latest the heartbeat).
 * Counting them made every hog whose slice ran out beside a sleeper give
 * its CPU to the scheduler, once per slice.
 */
static inline bool rule_sched_awaited(const struct rule_sched *s)
{
	return s->pending_since || s->held || s->owed || rule_ring_past(s, RULE_RING_WATERMARK_Q);
}

/*
 * Does the scheduler run before anything else on a CPU looking for work?
 * Only when it is owed the CPU, its oldest record has waited the budget,
 * or the ring is half full: otherwise decided tasks run first and the
 * records pile up into one bigger batch (a CPU with nothing else to run
 * takes the scheduler if it is wanted: rule_sched_instead_of_idle). Never twice in
 * a row on one CPU: a slow policy would own that CPU, and a task that can
 * run only there (preempted with migration disabled, inside an RCU read
 * section) waited 21 s.
 */
static inline bool rule_sched_first(const struct rule_sched *s, const struct rule_tune *tu,
				    rule_ns now, bool it_just_ran_here)
{
	if (it_just_ran_here || !rule_sched_has_work(s))
		return false;
	if (s->owed)
		return true;
	if (s->pending_since && now - s->pending_since >= tu->budget_ns)
		return true;
	return rule_ring_past(s, RULE_RING_WATERMARK_Q);
}

/* Why the scheduler gets a CPU now (nr_sched_runs[]), most pressing first. */
static inline int rule_run_reason(const struct rule_sched *s, const struct rule_tune *tu,
				  rule_ns now)
{
	if (s->owed & RULE_OWED_MIDBATCH)
		return SCX_LUA_RUN_MIDBATCH;
	if (s->owed & RULE_OWED_HOG)
		return SCX_LUA_RUN_HOG;
	if (s->owed & RULE_OWED_HEARTBEAT)
		return SCX_LUA_RUN_HEARTBEAT;
	if (s->pending_since && now - s->pending_since >= tu->budget_ns)
		return SCX_LUA_RUN_BUDGET;
	if (rule_ring_past(s, RULE_RING_WATERMARK_Q))
		return SCX_LUA_RUN_RING;
	return SCX_LUA_RUN_IDLE;
}

/*
 * A CPU that found nothing else to run runs the scheduler if anybody waits
 * on it (rule_sched_awaited), or for an introduction: the policy's rule
 * for that task is wanted before the task's first wait for a CPU. Not for
 * the records of decisions already taken alone: they wait for the next
 * run (at the latest the heartbeat). Running for them made every CPU that
 * went idle in a load of short sleepers a scheduler run, and the woken
 * task that wanted the CPU next found it busy. And only with something to
 * read (rule_sched_has_work): pending_since and introduced are cleared
 * when the scheduler starts running, not while it goes on without a
 * switch, so after the step that drained them they may still be set.
 */
static inline bool rule_sched_instead_of_idle(const struct rule_sched *s)
{
	return rule_sched_has_work(s) && (rule_sched_awaited(s) || s->introduced);
}

/*
 * The budget, enforced from a tick on a busy CPU (the backstop for CPUs
 * that do not look for work often enough): preempt what runs here.
 */
static inline bool rule_tick_preempts_for_sched(const struct rule_sched *s,
						const struct rule_tune *tu, rule_ns now,
						bool sched_running, bool sched_kicked)
{
	return !sched_running && !sched_kicked && s->pending_since &&
	       now - s->pending_since >= tu->budget_ns;
}

/*
 * A woken task's record found no idle CPU: may the scheduler preempt @c to
 * decide it now? Only a hog, a task that has run the budget since it last
 * slept: it would not give its CPU up in time, and a sleeper beside CPU
 * hogs would wait a whole slice. A task that sleeps often gives its CPU up
 * soon anyway, and the scheduler then decides what came meanwhile in one
 * batch, with nobody preempted.
 */
static inline bool rule_sched_may_preempt(const struct rule_cpu *c, const struct rule_tune *tu,
					  rule_ns now)
{
	return c->busy_since && now - c->busy_since >= tu->budget_ns;
}

/* The budget ran out and no CPU looked for work: any CPU running a task
 * (not idle, not the scheduler) may be preempted for the scheduler. */
static inline bool rule_budget_may_preempt(const struct rule_cpu *c)
{
	return c->busy_since != 0;
}

/* Between two such candidates: the one busy longest. */
static inline bool rule_sched_victim_better(const struct rule_cpu *a, const struct rule_cpu *b)
{
	return a->busy_since < b->busy_since;
}

/*
 * The same for a woken task's record, when one of them is the CPU the task
 * last ran on (@a_own, @b_own): that one. It is the CPU a policy that
 * names one mostly names (srtf, pinned, llc), and the CPU that drains a
 * decision takes it with no kick (rule_policy_kick): run the scheduler
 * elsewhere and the task's own CPU is preempted a second time, by IPI.
 * A policy that names none gets the draining CPU either way.
 */
static inline bool rule_sched_victim_better_for(const struct rule_cpu *a, bool a_own,
						const struct rule_cpu *b, bool b_own)
{
	if (a_own != b_own)
		return a_own;
	return rule_sched_victim_better(a, b);
}

/*
 * The deadline of what @c runs, now. A vtime rule's task (@c->weight set)
 * is charged its run as it goes, since the run began (@c->charge_from: a
 * run kept going is one run, as the rule charges it): its vtime has moved
 * by run * 100 / weight since it was given @c->deadline, as EEVDF's
 * running task's vruntime moves, and a task waiting for the CPU is
 * compared with that. Compared with the deadline it started with, a CPU
 * hog that woke at a load's start with a sleeper's credit, a few ms ahead
 * of cyclictest's thread, kept its CPU for its whole 20 ms slice while
 * that thread waited (make demo's first second: 20-24 ms, in 2 of the 3
 * of 8 traced rounds whose longest wait passed 20 ms). A CPU whose state
 * a wake-up already took (@c->run_start 0) is charged nothing.
 */
#ifdef __bpf__
/* A global BPF function, which the verifier checks once per program that
 * calls it: inlined into each of its uses (in loops over CPUs, in every
 * path that places a task), its branches made loading the scheduler
 * 2.3-2.8x slower (attach 2.5 -> 5.7-7.1 s under emulation). */
#define RULE_CHECKED_ONCE __attribute__((noinline))
#else
#define RULE_CHECKED_ONCE static inline
#endif
RULE_CHECKED_ONCE rule_ns rule_deadline_charged(rule_ns deadline, rule_ns run_start,
						rule_ns from, rule_ns weight, rule_ns now);
RULE_CHECKED_ONCE rule_ns rule_deadline_charged(rule_ns deadline, rule_ns run_start,
						rule_ns from, rule_ns weight, rule_ns now)
{
	rule_ns d;

	if (!weight || !deadline || !run_start || !from || now <= from)
		return deadline;
	d = deadline + (now - from) * 100 / weight;
	return d < deadline ? ~(rule_ns)0 : d;   /* saturates */
}

static inline rule_ns rule_cpu_deadline(const struct rule_cpu *c, rule_ns now)
{
	return rule_deadline_charged(c->deadline, c->run_start, c->charge_from, c->weight, now);
}

/*
 * May a task just woken with @deadline preempt @c? Its deadline must be
 * earlier than the one @c runs, and @c's task must have used the CPU for
 * preempt_min_ns since it last slept: a preemption costs a context switch
 * (and, without a rule, a record), and tasks that wake each other (pipes,
 * messages) would otherwise take each other's CPU at every wake-up. A CPU
 * hog has always used that much, so a sleeper beside hogs gets its CPU at
 * once, even when the hog got it back a moment ago (a guard on the current
 * run instead made a task waking every 1 ms wait for the hog's whole slice).
 */
static inline bool rule_deadline_preempts(const struct rule_cpu *c, const struct rule_tune *tu,
					  rule_ns deadline, rule_ns now)
{
	return rule_cpu_deadline(c, now) > deadline && c->run_start && c->busy_since &&
	       now - c->busy_since >= tu->preempt_min_ns;
}

/*
 * May this wake-up preempt anyone at all? Not a sync one (the waker said it
 * goes on or sleeps soon: a pipe write, a message, a hand-off): tasks that
 * wake each other trade CPUs at their own pace, and preempting for each
 * message turns one switch per batch of messages into one per message. A
 * sleeper waiting for a timer or a device wakes without the hint and
 * preempts as before.
 */
static inline bool rule_wakeup_may_preempt(const struct rule_tune *tu, bool sync)
{
	return !sync || tu->preempt_sync;
}

/*
 * At a tick on a CPU running @c, the first task of the shared DSQ waits
 * with @head_deadline: does it take this CPU now? A woken task may preempt
 * at its wake-up only, and one that found no CPU to take then (each inside
 * preempt_min_ns, or one that looked idle with a task already on its way
 * to it) waited a whole slice behind a hog: 22 ms in a trace of make
 * demo's load. From a tick it waits a tick at most past the guard. A task
 * no policy decided has no deadline: one the idle fast path placed counts
 * as later than any; a kernel thread (@kthread), as never preempted.
 */
static inline bool rule_tick_preempts_for_waiting(const struct rule_cpu *c, bool kthread,
						  const struct rule_tune *tu,
						  rule_ns head_deadline, rule_ns now)
{
	struct rule_cpu v = *c;

	if (!v.deadline) {
		v.deadline = kthread ? 0 : ~(rule_ns)0;
		v.weight = 0;
	}
	return rule_deadline_preempts(&v, tu, head_deadline, now);
}

/* Would it, but for preempt_min_ns (counted: the guard at work)? */
static inline bool rule_deadline_guarded(const struct rule_cpu *c, const struct rule_tune *tu,
					 rule_ns deadline, rule_ns now)
{
	return rule_cpu_deadline(c, now) > deadline && c->run_start && c->busy_since &&
	       now - c->busy_since < tu->preempt_min_ns;
}

/* Between two CPUs a woken task may preempt: the latest deadline. */
static inline bool rule_deadline_victim_better(const struct rule_cpu *a, const struct rule_cpu *b,
					       rule_ns now)
{
	return rule_cpu_deadline(a, now) > rule_cpu_deadline(b, now);
}

/*
 * The same, when one of them may be the CPU placing the wake-up (@a_here,
 * @b_here: the one running ops.enqueue for it): that one, whatever its
 * deadline. Preempting it is a reschedule on the way out of the wake-up
 * (no IPI), and the woken task runs where its waker's cache is; another
 * CPU costs an IPI, and that CPU's switch, while this one goes on.
 */
static inline bool rule_deadline_victim_better_here(const struct rule_cpu *a, bool a_here,
						    const struct rule_cpu *b, bool b_here, rule_ns now)
{
	if (a_here != b_here)
		return a_here;
	return rule_deadline_victim_better(a, b, now);
}

/*
 * May a woken task with no other CPU to go to (@nowhere_else: it can run
 * on this CPU only, or no CPU it may use is idle) take this one from the
 * scheduler process, which has run here since @sched_since (0: it does not
 * run here), when the policy has queued nothing for this CPU (@nr_queued,
 * its DSQ for this CPU: the woken task would jump ahead of those)? A
 * kernel thread waiting in the kernel's local DSQ runs first either way
 * (refusing for one left cyclictest's thread 20 ms behind a step). Nobody
 * preempts the scheduler for a deadline, and the other CPUs' tasks may
 * not be preemptible for this one either (an earlier deadline, or just
 * started). The scheduler's steps are short in a steady load (0.2-0.4 ms
 * under emulation), but at a load's start, while LuaJIT compiles the
 * policy's new paths, one step held a CPU for 8-20 ms, and cyclictest's
 * thread, woken there beside two new CPU hogs, waited that long. The
 * scheduler has had preempt_min_ns since it got the CPU
 * (counted from ops.running: a step after a yield that went on without a
 * switch counts from the first) and comes back first once the woken
 * task's run ends (RULE_OWED_MIDBATCH; not owed if it was parked, with no
 * batch in hand). On a machine or cpuset of one CPU every task is pinned,
 * and this is every such wake-up.
 */
static inline bool rule_wakeup_preempts_sched(bool nowhere_else, rule_ns sched_since,
					      rule_ns nr_queued, const struct rule_tune *tu,
					      rule_ns now)
{
	return nowhere_else && !nr_queued && sched_since && now >= sched_since &&
	       now - sched_since >= tu->preempt_min_ns;
}

/*
 * May a woken task skip the shared DSQ and go straight to the CPU placing
 * it, preempting what runs there at once? Only on its own CPU (the one it
 * is queued on: a timer's wake-up where it slept), when that CPU is its
 * victim (rule_deadline_preempts, and rule_deadline_victim_better_here
 * puts it first), nothing else waits for a CPU (the shared order would
 * have a say) and no CPU is idle. It saves the kick (an irq_work) and the
 * ops.dispatch that would fetch it: EEVDF's wakeup_preempt() at its price.
 */
static inline bool rule_preempt_in_place(bool here_preemptible, bool own_cpu, rule_ns nr_waiting,
					 bool any_idle)
{
	return here_preemptible && own_cpu && !nr_waiting && !any_idle;
}

/* How a CPU the policy named for a task learns of it (rule_policy_kick). */
enum rule_kick {
	RULE_KICK_NONE,     /* it takes its own queue next anyway */
	RULE_KICK_IDLE,     /* wake it if it idles */
	RULE_KICK_PREEMPT,  /* take it from what runs there (the policy's DF_PREEMPT) */
};

/*
 * The policy named a CPU for a task, asking or not that it preempt what
 * runs there. The CPU draining that decision gets no kick: it is between
 * two tasks and takes its own queue next (after one step of the scheduler
 * when that runs first: rule_sched_first). A preemption kick there lands
 * on the task it switches to, the very one the policy wanted run at once,
 * which goes back to the policy marked preempted and waits for another
 * batch. Left out: a task named so waits behind what that queue already
 * holds.
 */
static inline int rule_policy_kick(bool preempt, bool draining_cpu)
{
	if (draining_cpu)
		return RULE_KICK_NONE;
	return preempt ? RULE_KICK_PREEMPT : RULE_KICK_IDLE;
}

/* rule_keep_running's part that is the task's own: asked first, it spares
 * a wake-up (the common enqueue) the look at the scheduler and the DSQs. */
static inline bool rule_keep_running_may(bool woke, rule_ns slice_left, rule_ns last_slice)
{
	return !woke && !slice_left && last_slice;
}

/*
 * A task whose slice ran out goes on at once, with its last slice and
 * deadline, when nothing else waits for a CPU: nobody waits on the
 * scheduler (rule_sched_awaited), nothing is queued in the shared DSQ or
 * this CPU's. Any policy would run it again; asking costs a round trip.
 */
static inline bool rule_keep_running(bool woke, rule_ns slice_left, rule_ns last_slice,
				     const struct rule_sched *s, rule_ns nr_shared, rule_ns nr_local)
{
	return rule_keep_running_may(woke, slice_left, last_slice) && !rule_sched_awaited(s) &&
	       !nr_shared && !nr_local;
}

/* Back without sleeping, and not because its slice ran out on its own. */
static inline bool rule_was_preempted(bool woke, rule_ns slice_left, bool kicked)
{
	return !woke && (slice_left || kicked);
}

/* What is left of a preempted task's slice, when it may keep its place. */
static inline rule_ns rule_slice_left(rule_ns slice, rule_ns used, rule_ns min_slice)
{
	return used + min_slice <= slice ? slice - used : 0;
}

/*
 * A policy's rule: how the BPF side decides a task's wake-ups by itself
 * (the fast path), so they take no round trip through the policy. Two
 * families, from the policy library: FIFO (deadline = when it was queued)
 * and VTIME, the weighted virtual time of deadline.lua:
 *   clock = max(clock, min(v, clock + lead * 100 / w));
 *   v = max(v, clock - lag); v = min(v + ran * 100 / w, clock + lead * 100 / w);
 *   deadline = v + min(exec_runtime * 100 / w, runtime_cap);
 *   slice = clamp(slice * w / 100, slice_min, slice_max) (or slice).
 * The policy's Lua code says the same thing in doubles; `scx_lua check`
 * compares the two on the same batches.
 */
enum rule_kind {
	RULE_NONE,      /* the policy decides (a record through user space) */
	RULE_FIFO,
	RULE_VTIME,
	RULE_NR_KINDS,
};

#define RULE_MAX 16              /* rule ids 1..15; 0 is "none" */
#define RULE_SLICE_MIN_NS 10000ULL /* as the core's hard minimum */

struct rule_params {
	unsigned int kind;             /* enum rule_kind */
	unsigned int preempt;          /* a woken task preempts by deadline */
	unsigned int slice_by_weight;  /* slice scales with the task's weight */
	unsigned int pad;
	rule_ns slice_ns, slice_min_ns, slice_max_ns;
	rule_ns lag_ns;                /* a sleeper's vtime floor: clock - lag */
	rule_ns runtime_cap_ns;        /* bound on the exec_runtime term */
	rule_ns lead_ns;               /* a vtime's bound ahead of the clock, at weight 100 */
};

#define RULE_LEAD_MAX_NS 1000000000000ULL /* 1000 s: lead_ns * 100 stays in range */

/* Does the table (ids 0..RULE_MAX-1) publish any rule? Tasks an idle CPU
 * takes are introduced to the policy only then (introduce()). */
static inline bool rule_any_live(const struct rule_params *rules)
{
	for (int id = 1; id < RULE_MAX; id++)
		if (rules[id].kind != RULE_NONE)
			return true;
	return false;
}

/* Make a rule safe to apply: an unknown kind is none, slices within
 * [RULE_SLICE_MIN_NS, @slice_cap], the lead at most RULE_LEAD_MAX_NS.
 * Returns false if anything was changed (counted by the caller: the
 * policy published nonsense). */
static inline bool rule_sanitize(struct rule_params *r, rule_ns slice_cap)
{
	bool ok = true;

	if (r->kind >= RULE_NR_KINDS) {
		r->kind = RULE_NONE;
		ok = false;
	}
	if (r->lead_ns > RULE_LEAD_MAX_NS) {
		r->lead_ns = RULE_LEAD_MAX_NS;
		ok = ok && r->kind == RULE_NONE;
	}
	if (r->slice_max_ns < RULE_SLICE_MIN_NS || r->slice_max_ns > slice_cap) {
		r->slice_max_ns = slice_cap;
		ok = ok && r->kind == RULE_NONE;
	}
	if (r->slice_min_ns < RULE_SLICE_MIN_NS || r->slice_min_ns > r->slice_max_ns) {
		r->slice_min_ns = RULE_SLICE_MIN_NS;
		ok = ok && r->kind == RULE_NONE;
	}
	if (r->slice_ns < r->slice_min_ns || r->slice_ns > r->slice_max_ns) {
		r->slice_ns = r->slice_ns < r->slice_min_ns ? r->slice_min_ns : r->slice_max_ns;
		ok = ok && r->kind == RULE_NONE;
	}
	return ok;
}

#ifndef __bpf__
/* A time from user space (a double, maybe a policy's nonsense) as the
 * kernel's integer: NaN and negatives are 0, the huge saturate. */
static inline rule_ns rule_ns_of(double v)
{
	return v > 0 ? v < 1.8e19 ? (rule_ns)v : (rule_ns)1.8e19 : 0;
}
#endif

/*
 * A task's vtime may lead the rules' clock by one lead at most: lead_ns at
 * weight 100, scaled by 100/weight as a run's charge is, so that a run of
 * a slice or two pays in full and no more. A longer run went on because
 * nothing else wanted the CPU (a kept run), or the task ran alone on its
 * CPU. Charged in full, it carried the clock (the largest vtime it was
 * shown), and every sleeper's floor (clock - lag) with it, past the
 * deadlines the running tasks had been given just before, and a woken
 * task waited a whole slice behind them; or, the clock held back, the task
 * itself waited that long behind the tasks it had forked. 0: no bound.
 */
static inline rule_ns rule_lead_bound(const struct rule_params *r, rule_ns clock, rule_ns v,
				      unsigned int weight)
{
	rule_ns lead = r->lead_ns * 100 / (weight ? weight : 1);

	return r->kind == RULE_VTIME && r->lead_ns && v > clock + lead ? clock + lead : v;
}

/* The clock follows a vtime it is shown (a task's, or one a policy gave),
 * by one lead at most at a time: a policy's nonsense cannot carry it off. */
static inline void rule_clock_follow(const struct rule_params *r, rule_ns *clock, rule_ns v,
				     unsigned int weight)
{
	v = rule_lead_bound(r, *clock, v, weight);
	if (v > *clock)
		*clock = v;
}

/*
 * The weight by which a run moves @deadline, the deadline of a task under
 * a rule of @kind (rule_cpu.weight): under a vtime rule a deadline is a
 * vtime plus a term, whoever computed it (the rule in the kernel, or the
 * policy for it in Lua with the same arithmetic), and the task's vtime
 * moves by run * 100 / weight. 0 for any other deadline (FIFO's, a
 * policy's own without a rule): no unit a run can be added to.
 */
static inline rule_ns rule_run_weight(unsigned int kind, rule_ns deadline, unsigned int weight)
{
	return kind == RULE_VTIME && deadline ? (weight ? weight : 1) : 0;
}

/* A task's next run under @r. @vtime and @clock are updated in place. */
static inline void rule_decide(const struct rule_params *r, rule_ns *vtime, rule_ns *clock,
			       rule_ns ran, rule_ns exec_runtime, unsigned int weight, rule_ns now,
			       rule_ns *deadline, rule_ns *slice)
{
	rule_ns v = *vtime, w = weight ? weight : 1, term;

	*slice = r->slice_ns;
	if (r->slice_by_weight) {
		*slice = r->slice_ns * w / 100;
		if (*slice < r->slice_min_ns)
			*slice = r->slice_min_ns;
		if (*slice > r->slice_max_ns)
			*slice = r->slice_max_ns;
	}
	if (r->kind != RULE_VTIME) {
		*deadline = now;
		return;
	}
	rule_clock_follow(r, clock, v, weight);
	if (*clock > r->lag_ns && v < *clock - r->lag_ns)
		v = *clock - r->lag_ns;
	v = rule_lead_bound(r, *clock, v + ran * 100 / w, weight);
	term = exec_runtime * 100 / w;
	*vtime = v;
	*deadline = v + (term < r->runtime_cap_ns ? term : r->runtime_cap_ns);
}

#endif
