// SPDX-License-Identifier: GPL-2.0-only
/*
 * The live path's rules (bpf/rules.h), the ones the BPF side and the
 * simulator both compile: each over a table of cases, each case a line a
 * reader can check by hand.
 */
#include "../bpf/rules.h"
#include "test.h"

#define MS 1000000ULL

static const struct rule_tune tu = { .preempt_min_ns = 1 * MS, .budget_ns = 2 * MS };

static void sched_first(void)
{
	static const struct {
		struct rule_sched s;
		rule_ns now;
		bool ran_here, want;
		const char *why;
	} c[] = {
		{ { 0 }, 10 * MS, false, false, "nothing to do" },
		{ { .pending_since = 9 * MS, .ring_used = 96, .ring_size = 4096 }, 10 * MS, false,
		  false, "one record, 1 ms old: decided tasks first" },
		{ { .pending_since = 8 * MS, .ring_used = 96, .ring_size = 4096 }, 10 * MS, false,
		  true, "the oldest record waited the budget" },
		{ { .pending_since = 8 * MS, .ring_used = 96, .ring_size = 4096 }, 10 * MS, true,
		  false, "never twice in a row on one CPU" },
		{ { .pending_since = 10 * MS, .ring_used = 2048, .ring_size = 4096 }, 10 * MS,
		  false, true, "the ring is half full" },
		{ { .pending_since = 10 * MS, .ring_used = 2047, .ring_size = 4096 }, 10 * MS,
		  false, false, "just under the watermark" },
		{ { .owed = RULE_OWED_MIDBATCH }, 10 * MS, false, true, "preempted mid-batch" },
		{ { .owed = RULE_OWED_HOG }, 10 * MS, false, true, "a hog was preempted for it" },
		{ { .owed = RULE_OWED_HEARTBEAT }, 10 * MS, false, true, "heartbeat, no work" },
		{ { .held = 3, .pending_since = 9 * MS }, 10 * MS, false, false,
		  "decisions held, within the budget" },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CHECK(rule_sched_first(&c[i].s, &tu, c[i].now, c[i].ran_here) == c[i].want,
		      "rule_sched_first: %s", c[i].why);
	CHECK(!rule_sched_instead_of_idle(&c[0].s), "an idle CPU does not run an idle scheduler");
	CHECK(rule_sched_instead_of_idle(&c[1].s), "an idle CPU runs a scheduler with a record");
	CHECK(rule_sched_instead_of_idle(&c[9].s), "or with decisions held");
	{
		const struct rule_sched seen = { .ring_used = 960, .ring_size = 4096 };
		const struct rule_sched intro = { .ring_used = 960, .ring_size = 4096,
						  .introduced = 1 };
		const struct rule_sched drained = { .pending_since = 9 * MS, .introduced = 1,
						    .ring_size = 4096 };

		CHECK(!rule_sched_instead_of_idle(&seen),
		      "not for records of decisions already taken: they wait for the next run");
		CHECK(rule_sched_instead_of_idle(&intro), "for an introduction: its rule is wanted soon");
		CHECK(!rule_sched_instead_of_idle(&drained),
		      "not for flags a step that went on without a switch left set: nothing to read");
	}
}

static void tick(void)
{
	struct rule_sched s = { .pending_since = 7 * MS, .ring_used = 96 };

	CHECK(rule_tick_preempts_for_sched(&s, &tu, 10 * MS, false, false), "budget passed");
	CHECK(!rule_tick_preempts_for_sched(&s, &tu, 8 * MS, false, false), "within the budget");
	CHECK(!rule_tick_preempts_for_sched(&s, &tu, 10 * MS, true, false), "it runs already");
	CHECK(!rule_tick_preempts_for_sched(&s, &tu, 10 * MS, false, true), "a CPU was kicked");
	s.pending_since = 0;
	CHECK(!rule_tick_preempts_for_sched(&s, &tu, 10 * MS, false, false), "nothing pending");
}

static void tick_for_waiting(void)
{
	static const struct {
		struct rule_cpu c;
		bool kthread;
		rule_ns head;
		bool want;
		const char *why;
	} c[] = {
		{ { .deadline = 500, .run_start = 5 * MS, .busy_since = 5 * MS }, false, 100, true,
		  "a later deadline that ran 5 ms: preempted" },
		{ { .deadline = 500, .run_start = 9500000, .busy_since = 9500000 }, false, 100, false,
		  "used 0.5 ms: the guard holds at a tick too" },
		{ { .deadline = 500, .run_start = 5 * MS, .busy_since = 5 * MS }, false, 900, false,
		  "the waiting task's deadline is later" },
		{ { .deadline = 500, .run_start = 5 * MS, .busy_since = 5 * MS }, false, 500, false,
		  "equal: never" },
		{ { .deadline = 0, .run_start = 5 * MS, .busy_since = 5 * MS }, false, 100, true,
		  "placed by the idle fast path: later than any" },
		{ { .deadline = 0, .run_start = 5 * MS, .busy_since = 5 * MS }, true, 100, false,
		  "a kernel thread: never" },
		{ { .deadline = 500, .run_start = 0, .busy_since = 5 * MS }, false, 100, false,
		  "taken already by a preemption" },
		{ { .deadline = 500, .run_start = 5 * MS, .busy_since = 0 }, false, 100, false,
		  "nothing runs" },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CHECK(rule_tick_preempts_for_waiting(&c[i].c, c[i].kthread, &tu, c[i].head, 10 * MS) ==
		      c[i].want, "rule_tick_preempts_for_waiting: %s", c[i].why);
}

static void wakeup_preempts_sched(void)
{
	static const struct rule_tune none = { .preempt_min_ns = 0 };

	CHECK(rule_wakeup_preempts_sched(true, 5 * MS, 0, &tu, 10 * MS),
	      "pinned to the CPU where the scheduler has run 5 ms: preempt it");
	CHECK(rule_wakeup_preempts_sched(true, 9 * MS, 0, &tu, 10 * MS),
	      "exactly preempt_min_ns: preempt it");
	CHECK(!rule_wakeup_preempts_sched(false, 5 * MS, 0, &tu, 10 * MS),
	      "a task that may go elsewhere: place_shared's");
	CHECK(!rule_wakeup_preempts_sched(true, 0, 0, &tu, 10 * MS),
	      "the scheduler does not run on this CPU");
	CHECK(!rule_wakeup_preempts_sched(true, 9500000, 0, &tu, 10 * MS),
	      "it got the CPU 0.5 ms ago: it keeps preempt_min_ns");
	CHECK(!rule_wakeup_preempts_sched(true, 5 * MS, 1, &tu, 10 * MS),
	      "the policy queued a task for this CPU: it goes first");
	CHECK(!rule_wakeup_preempts_sched(true, 11 * MS, 0, &tu, 10 * MS),
	      "a start after now (a racing clock read): no wrap-around");
	CHECK(rule_wakeup_preempts_sched(true, 10 * MS, 0, &none, 10 * MS),
	      "--preempt-us 0: no guard");
}

static void preempt_for_sched(void)
{
	static const struct {
		struct rule_cpu c;
		bool want;
		const char *why;
	} c[] = {
		{ { .busy_since = 5 * MS, .run_start = 9 * MS }, true, "a hog: 5 ms without sleeping" },
		{ { .busy_since = 9500000, .run_start = 9500000 }, false, "0.5 ms: it will sleep soon" },
		{ { .busy_since = 8 * MS, .run_start = 9 * MS }, true, "exactly the budget" },
		{ { 0 }, false, "idle, or the scheduler itself" },
	};
	struct rule_cpu old = { .busy_since = 1 * MS }, young = { .busy_since = 5 * MS };

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CHECK(rule_sched_may_preempt(&c[i].c, &tu, 10 * MS) == c[i].want,
		      "rule_sched_may_preempt: %s", c[i].why);
	CHECK(rule_sched_victim_better(&old, &young), "the one busy longest goes first");
	CHECK(!rule_sched_victim_better(&young, &old), "not the younger one");
}

static void preempt_for_deadline(void)
{
	static const struct {
		struct rule_cpu c;
		rule_ns deadline;
		bool preempts, guarded;
		const char *why;
	} c[] = {
		{ { .deadline = 500, .run_start = 5 * MS, .busy_since = 5 * MS }, 100, true, false,
		  "earlier, ran 5 ms" },
		{ { .deadline = 500, .run_start = 9500000, .busy_since = 9500000 }, 100, false, true,
		  "earlier, but it used only 0.5 ms since it woke: the guard" },
		{ { .deadline = 500, .run_start = 9900000, .busy_since = 1 * MS }, 100, true, false,
		  "a hog back on its CPU 0.1 ms ago: preempted at once" },
		{ { .deadline = 500, .run_start = 5 * MS, .busy_since = 5 * MS }, 900, false, false,
		  "later: never" },
		{ { .deadline = 500, .run_start = 5 * MS, .busy_since = 5 * MS }, 500, false, false,
		  "equal: never" },
		{ { .deadline = 0, .run_start = 5 * MS, .busy_since = 5 * MS }, 100, false, false,
		  "kernel-dispatched: no deadline to compare" },
		{ { .deadline = 500, .run_start = 0, .busy_since = 5 * MS }, 100, false, false,
		  "taken by an earlier wake-up of this drain" },
		/* A vtime rule's task (weight set) is charged its run as it goes. */
		{ { .deadline = 3 * MS, .run_start = 5 * MS, .busy_since = 5 * MS, .weight = 100,
		    .charge_from = 5 * MS },
		  7 * MS, true, false, "a vtime rule's task, 3 ms + 5 ms run at weight 100: 8 > 7" },
		{ { .deadline = 3 * MS, .run_start = 5 * MS, .busy_since = 5 * MS, .weight = 100,
		    .charge_from = 5 * MS },
		  9 * MS, false, false, "the same, 8 < 9: not yet" },
		{ { .deadline = 3 * MS, .run_start = 5 * MS, .busy_since = 5 * MS, .weight = 1000,
		    .charge_from = 5 * MS },
		  3400000, true, false, "weight 1000 is charged a tenth: 3.5 > 3.4" },
		{ { .deadline = 3 * MS, .run_start = 5 * MS, .busy_since = 5 * MS, .weight = 1000,
		    .charge_from = 5 * MS },
		  3600000, false, false, "weight 1000: 3.5 < 3.6" },
		{ { .deadline = 3 * MS, .run_start = 5 * MS, .busy_since = 5 * MS }, 7 * MS, false, false,
		  "any other deadline (weight 0) stays as given" },
		{ { .deadline = 3 * MS, .run_start = 9500000, .busy_since = 9500000, .weight = 100,
		    .charge_from = 9500000 },
		  3200000, false, true, "charged 3.5 > 3.2, but it used only 0.5 ms: the guard" },
	};
	struct rule_cpu late = { .deadline = 900 }, early = { .deadline = 600 };

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		CHECK(rule_deadline_preempts(&c[i].c, &tu, c[i].deadline, 10 * MS) == c[i].preempts,
		      "rule_deadline_preempts: %s", c[i].why);
		CHECK(rule_deadline_guarded(&c[i].c, &tu, c[i].deadline, 10 * MS) == c[i].guarded,
		      "rule_deadline_guarded: %s", c[i].why);
	}
	CHECK(rule_wakeup_may_preempt(&tu, false), "a wake-up without the sync hint may preempt");
	CHECK(!rule_wakeup_may_preempt(&tu, true), "a sync wake-up preempts nobody");
	CHECK(rule_wakeup_may_preempt(&(struct rule_tune){ .preempt_sync = 1 }, true),
	      "a sync one may, with --preempt-sync");
	CHECK(rule_deadline_victim_better(&late, &early, 10 * MS), "the latest deadline goes first");
	CHECK(!rule_deadline_victim_better(&early, &late, 10 * MS), "not the earlier one");
	{
		/* 600 + 2 ms of run at weight 100 is later than 900 */
		struct rule_cpu ran = { .deadline = 600, .run_start = 8 * MS, .weight = 100,
					.charge_from = 8 * MS };
		/* kept going since 5 ms (keep_running restarted it at 9 ms) */
		struct rule_cpu kept = { .deadline = 600, .run_start = 9 * MS, .weight = 100,
					 .charge_from = 5 * MS };
		struct rule_cpu huge = { .deadline = ~0ULL - 5, .run_start = 5 * MS, .weight = 1,
					 .charge_from = 5 * MS };

		CHECK(rule_deadline_victim_better(&ran, &late, 10 * MS),
		      "the latest deadline as charged now: a vtime rule's run counts");
		CHECK(rule_cpu_deadline(&ran, 10 * MS) == 600 + 2 * MS &&
		      rule_cpu_deadline(&ran, 7 * MS) == 600 &&
		      rule_cpu_deadline(&(struct rule_cpu){ .deadline = 600, .weight = 100 }, 10 * MS) == 600,
		      "rule_cpu_deadline: the run since run_start, none before it or without one");
		CHECK(rule_cpu_deadline(&kept, 10 * MS) == 600 + 5 * MS,
		      "rule_cpu_deadline: a kept run is one run, charged from its first start");
		CHECK(rule_cpu_deadline(&huge, 10 * MS) == ~0ULL,
		      "rule_cpu_deadline: saturates, never wraps to an early deadline");
		CHECK(rule_run_weight(RULE_VTIME, 600, 300) == 300 &&
		      rule_run_weight(RULE_VTIME, 600, 0) == 1 &&
		      rule_run_weight(RULE_VTIME, 0, 300) == 0 && rule_run_weight(RULE_FIFO, 600, 300) == 0,
		      "rule_run_weight: a vtime rule's deadline only, by its weight (never 0)");
	}
	{
		/* no deadline at a tick: later than any, unless a kernel thread */
		struct rule_cpu none = { .run_start = 5 * MS, .busy_since = 5 * MS, .weight = 100,
		    .charge_from = 5 * MS };

		CHECK(rule_tick_preempts_for_waiting(&none, false, &tu, 7 * MS, 10 * MS) &&
		      !rule_tick_preempts_for_waiting(&none, true, &tu, 7 * MS, 10 * MS),
		      "rule_tick_preempts_for_waiting: no deadline, no charge (no overflow)");
	}
}

static void victim_here(void)
{
	static const struct rule_cpu late = { .deadline = 900 }, early = { .deadline = 600 };
	static const struct {
		const struct rule_cpu *a;
		bool a_here;
		const struct rule_cpu *b;
		bool b_here, want;
		const char *why;
	} c[] = {
		{ &early, true, &late, false, true, "the CPU placing it, though its deadline is earlier" },
		{ &late, false, &early, true, false, "not another over the CPU placing it" },
		{ &late, false, &early, false, true, "neither places it: the latest deadline" },
		{ &early, false, &late, false, false, "neither places it: not the earlier one" },
		{ &late, true, &early, true, true, "both (one CPU): the latest deadline" },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CHECK(rule_deadline_victim_better_here(c[i].a, c[i].a_here, c[i].b, c[i].b_here,
						       10 * MS) ==
			      c[i].want,
		      "rule_deadline_victim_better_here: %s", c[i].why);
}

static void in_place(void)
{
	static const struct {
		bool here_preemptible, own_cpu;
		rule_ns waiting;
		bool any_idle, want;
		const char *why;
	} c[] = {
		{ true, true, 0, false, true, "its own CPU, its victim, nothing waits, none idle" },
		{ false, true, 0, false, false, "what runs here may not be preempted" },
		{ true, false, 0, false, false, "queued on another CPU than the one waking it" },
		{ true, true, 1, false, false, "another task waits: the shared order decides" },
		{ true, true, 0, true, false, "a CPU is idle: it runs there, nobody preempted" },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CHECK(rule_preempt_in_place(c[i].here_preemptible, c[i].own_cpu, c[i].waiting,
					    c[i].any_idle) == c[i].want,
		      "rule_preempt_in_place: %s", c[i].why);
}

static void awaited(void)
{
	static const struct {
		struct rule_sched s;
		bool want;
		const char *why;
	} c[] = {
		{ { 0 }, false, "nothing at all" },
		{ { .ring_used = 960, .ring_size = 4096 }, false,
		  "only records of decisions already taken: nobody waits on them" },
		{ { .ring_used = 96, .ring_size = 4096, .pending_since = 1 }, true,
		  "a record waits for its decision" },
		{ { .held = 2 }, true, "decisions it holds" },
		{ { .owed = RULE_OWED_HEARTBEAT }, true, "owed the CPU" },
		{ { .ring_used = 2048, .ring_size = 4096 }, true, "the ring is half full" },
	};

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		CHECK(rule_sched_awaited(&c[i].s) == c[i].want, "rule_sched_awaited: %s", c[i].why);
}

static void keep_running(void)
{
	struct rule_sched idle = { 0 }, busy = { .ring_used = 96, .pending_since = 1 };
	struct rule_sched observed = { .ring_used = 960, .ring_size = 1 << 20 };

	CHECK(rule_keep_running(false, 0, 5 * MS, &idle, 0, 0), "slice out, nothing waits: keep");
	CHECK(rule_keep_running(false, 0, 5 * MS, &observed, 0, 0),
	      "only decisions already taken in the ring: keep");
	CHECK(!rule_keep_running(true, 0, 5 * MS, &idle, 0, 0), "a wake-up is decided");
	CHECK(!rule_keep_running(false, 100, 5 * MS, &idle, 0, 0), "slice left: preempted");
	CHECK(!rule_keep_running(false, 0, 0, &idle, 0, 0), "never decided by the policy yet");
	CHECK(!rule_keep_running(false, 0, 5 * MS, &busy, 0, 0), "a record waits");
	CHECK(!rule_keep_running(false, 0, 5 * MS, &idle, 1, 0), "the shared DSQ has a task");
	CHECK(!rule_keep_running(false, 0, 5 * MS, &idle, 0, 1), "this CPU's DSQ has a task");
}

static void preempted(void)
{
	CHECK(!rule_was_preempted(true, 0, false), "a wake-up is not a preemption");
	CHECK(!rule_was_preempted(true, 100, true), "not even with slice left or a kick");
	CHECK(rule_was_preempted(false, 100, false), "slice left: a higher class took the CPU");
	CHECK(rule_was_preempted(false, 0, true), "our kick zeroed its slice");
	CHECK(!rule_was_preempted(false, 0, false), "its slice ran out");
	CHECK(rule_slice_left(5 * MS, 1 * MS, 10000) == 4 * MS, "4 ms of 5 left");
	CHECK(rule_slice_left(5 * MS, 4995000, 10000) == 0, "under the minimum: none left");
	CHECK(rule_slice_left(5 * MS, 6 * MS, 10000) == 0, "overrun: none left");
}

static void sched_victim_for(void)
{
	struct rule_cpu older = { .busy_since = 1 * MS }, newer = { .busy_since = 2 * MS };

	CHECK(rule_sched_victim_better_for(&older, false, &newer, false),
	      "neither is the task's own CPU: the one busy longest");
	CHECK(rule_sched_victim_better_for(&newer, true, &older, false),
	      "the woken task's own CPU first, though busy less long");
	CHECK(!rule_sched_victim_better_for(&older, false, &newer, true),
	      "not over the woken task's own CPU");
}

static void policy_kick(void)
{
	CHECK(rule_policy_kick(true, false) == RULE_KICK_PREEMPT,
	      "DF_PREEMPT for another CPU: preempt it");
	CHECK(rule_policy_kick(false, false) == RULE_KICK_IDLE,
	      "a CPU named without DF_PREEMPT: woken if idle");
	CHECK(rule_policy_kick(true, true) == RULE_KICK_NONE,
	      "DF_PREEMPT for the CPU draining it: no kick (it would hit the task it runs next)");
	CHECK(rule_policy_kick(false, true) == RULE_KICK_NONE,
	      "the CPU draining it takes its own queue next");
}

/* deadline.lua's numbers: a 20 ms slice, lag one slice, lead two. */
static void vtime_decide(void)
{
	const struct rule_params r = { .kind = RULE_VTIME, .slice_ns = 20 * MS,
				       .slice_min_ns = 1 * MS, .slice_max_ns = 100 * MS,
				       .slice_by_weight = 1, .lag_ns = 20 * MS,
				       .runtime_cap_ns = 2000 * MS, .lead_ns = 40 * MS };
	static const struct {
		rule_ns vtime, clock, ran, exec;
		unsigned int weight;
		rule_ns want_vtime, want_clock, want_deadline;
		const char *why;
	} c[] = {
		{ 1000 * MS, 1000 * MS, 20 * MS, 20 * MS, 100, 1020 * MS, 1000 * MS, 1040 * MS,
		  "a slice at the clock: charged in full" },
		{ 1000 * MS, 1000 * MS, 24 * MS, 0, 100, 1024 * MS, 1000 * MS, 1024 * MS,
		  "a slice and a tick's overshoot: within the lead, charged in full" },
		{ 900 * MS, 1000 * MS, 1 * MS, 0, 100, 981 * MS, 1000 * MS, 981 * MS,
		  "a sleeper comes back one lag behind the clock" },
		{ 1000 * MS, 1000 * MS, 150 * MS, 150 * MS, 100, 1040 * MS, 1000 * MS, 1190 * MS,
		  "a 150 ms run nobody else wanted: the vtime leads by two slices at most" },
		{ 1300 * MS, 1000 * MS, 1 * MS, 0, 100, 1080 * MS, 1040 * MS, 1080 * MS,
		  "a vtime far ahead (the policy's): the clock moves one lead, the vtime stays one ahead" },
		{ 1000 * MS, 1000 * MS, 4 * MS, 0, 1, 1400 * MS, 1000 * MS, 1400 * MS,
		  "weight 1: a 4 ms run charged 400 ms, its lead being 4 s" },
		{ 1000 * MS, 1000 * MS, 100 * MS, 0, 1, 5000 * MS, 1000 * MS, 5000 * MS,
		  "weight 1, 100 ms alone: bounded by its lead of 4 s" },
	};
	struct rule_params unbounded = r;

	for (unsigned i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		rule_ns v = c[i].vtime, clock = c[i].clock, deadline, slice;

		rule_decide(&r, &v, &clock, c[i].ran, c[i].exec, c[i].weight, 0, &deadline, &slice);
		CHECK(v == c[i].want_vtime && clock == c[i].want_clock &&
		      deadline == c[i].want_deadline,
		      "rule_decide: %s (vtime %llu clock %llu deadline %llu ms)", c[i].why,
		      (unsigned long long)(v / MS), (unsigned long long)(clock / MS),
		      (unsigned long long)(deadline / MS));
	}
	unbounded.lead_ns = 0;
	{
		rule_ns v = 1300 * MS, clock = 1000 * MS, deadline, slice;

		rule_decide(&unbounded, &v, &clock, 150 * MS, 0, 100, 0, &deadline, &slice);
		CHECK(v == 1450 * MS && clock == 1300 * MS,
		      "lead_ns 0: no bound, the clock is the largest vtime shown");
		clock = 1000 * MS;
		rule_clock_follow(&r, &clock, 5000 * MS, 100);
		CHECK(clock == 1040 * MS, "rule_clock_follow: a policy's vtime moves the clock one lead at most");
		rule_clock_follow(&r, &clock, 1010 * MS, 100);
		CHECK(clock == 1040 * MS, "rule_clock_follow: a vtime behind the clock leaves it");
	}
	unbounded.lead_ns = ~0ULL;
	CHECK(!rule_sanitize(&unbounded, 100 * MS) && unbounded.lead_ns == RULE_LEAD_MAX_NS,
	      "rule_sanitize: a lead that would overflow is cut, and counted");
}

int main(void)
{
	vtime_decide();
	sched_first();
	tick();
	tick_for_waiting();
	wakeup_preempts_sched();
	preempt_for_sched();
	preempt_for_deadline();
	victim_here();
	in_place();
	awaited();
	keep_running();
	preempted();
	policy_kick();
	sched_victim_for();
	TEST_END("test_rules");
}
