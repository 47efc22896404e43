/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * intf.h - the one header shared by the BPF dispatcher and the core: the
 * records that cross the two ring buffers, the DSQ layout, the flags.
 *
 * Plain C types only (int, unsigned long long): this file is compiled both
 * against vmlinux.h (BPF) and against libc (user space), and the skeleton
 * generated from the BPF object must compile in user space too.
 * Change it, and change both users in the same commit.
 */
#ifndef SCX_LUA_INTF_H
#define SCX_LUA_INTF_H

#define SCX_LUA_MAX_CPUS 1024

enum scx_lua_consts {
	/* DSQ ids: 0..nr_cpu_ids-1 are the per-CPU DSQs, then these. */
	SCX_LUA_SHARED_DSQ = SCX_LUA_MAX_CPUS,     /* ordered by vtime */
	SCX_LUA_SCHED_DSQ = SCX_LUA_MAX_CPUS + 1,  /* the scheduler process, FIFO */

	SCX_LUA_CPU_ANY = -1,
	SCX_LUA_DF_PREEMPT = 1,                    /* dispatched_task.flags */
	SCX_LUA_DF_RULE_ONLY = 2,                  /* not a decision: only set the task's rule */

	/* queued_task.flags: kernel facts, translated for the core */
	SCX_LUA_QF_WAKEUP = 1,
	SCX_LUA_QF_PREEMPTED = 2,
	SCX_LUA_QF_OBSERVED = 4,                   /* decided by its rule already: for the record */
	SCX_LUA_QF_EXIT = 8,                       /* not a task to decide: it exited */
	SCX_LUA_QF_IDLE = 16,                      /* an idle CPU took it, undecided: for its rule */
};

/* Why the scheduler process was given a CPU (nr_sched_runs[]): see rules.h. */
enum scx_lua_run_reason {
	SCX_LUA_RUN_MIDBATCH,    /* it lost its CPU with a batch in its hands */
	SCX_LUA_RUN_HOG,         /* a CPU hog was preempted for a woken task's record */
	SCX_LUA_RUN_HEARTBEAT,   /* housekeeping, at least every 100 ms */
	SCX_LUA_RUN_BUDGET,      /* its oldest record waited the latency budget */
	SCX_LUA_RUN_RING,        /* the ring passed its watermark */
	SCX_LUA_RUN_IDLE,        /* the CPU had nothing else to run */
	SCX_LUA_RUN_NR,
};

/* Why a CPU was kicked (nr_kicks[]). */
enum scx_lua_kick_reason {
	SCX_LUA_KICK_TASK_IDLE,      /* an idle CPU woken for a task */
	SCX_LUA_KICK_DEADLINE,       /* preempted for a woken task's earlier deadline */
	SCX_LUA_KICK_POLICY,         /* preempted: the policy asked (DF_PREEMPT) */
	SCX_LUA_KICK_SCHED_IDLE,     /* an idle CPU woken for the scheduler */
	SCX_LUA_KICK_SCHED_HOG,      /* a CPU hog preempted for the scheduler */
	SCX_LUA_KICK_SCHED_BUDGET,   /* preempted from a tick: the budget ran out */
	SCX_LUA_KICK_HEARTBEAT,      /* for the scheduler's heartbeat */
	SCX_LUA_KICK_TICK_DEADLINE,  /* preempted from a tick for a woken task waiting */
	SCX_LUA_KICK_NR,
};

/* kernel -> user, one per task that needs a decision (BPF ringbuf) */
struct queued_task {
	int pid;
	int tgid;
	int prev_cpu;
	int nr_cpus_allowed;
	unsigned int flags;                 /* SCX_LUA_QF_* */
	unsigned int weight;                /* p->scx.weight, 100 = nice 0 */
	unsigned long long start_ts;        /* ns, CLOCK_MONOTONIC (bpf_ktime_get_ns) */
	unsigned long long stop_ts;
	unsigned long long exec_runtime;    /* ns run since it last woke up */
	unsigned long long enqueue_ts;
	unsigned long long enq_cnt;         /* matches the dispatch to this enqueue */
	unsigned long long vtime;           /* its vtime under its rule, before this decision */
	/* QF_OBSERVED: what its rule decided */
	unsigned long long deadline;        /* ns since time_base (the core's clock) */
	unsigned long long slice_ns;
	unsigned long long vtime_after;
	unsigned int rule;                  /* its rule (0: none) */
	unsigned int pad;
	char comm[16];
};

/* user -> kernel, one per decision (BPF user ringbuf) */
struct dispatched_task {
	int pid;
	int cpu;                            /* or SCX_LUA_CPU_ANY */
	unsigned long long flags;           /* SCX_LUA_DF_* */
	unsigned long long slice_ns;
	unsigned long long deadline;        /* shared-DSQ order */
	unsigned long long enq_cnt;         /* stale if the task was enqueued again */
	unsigned long long vtime;           /* its vtime, for its rule */
	unsigned int rule;                  /* the rule for its next wake-ups (0: none) */
	unsigned int pad;
};

/* argument of the select_cpu syscall program (bpf_prog_test_run) */
struct task_cpu_arg {
	int pid;
	int cpu;
	unsigned long long flags;
};

#endif
