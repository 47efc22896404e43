/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * model.h - the simulated machine's insides, shared by its two halves:
 * machine.c (events, tasks, CPUs, the backend interface the core sees) and
 * dispatcher.c (what bpf/main.bpf.c does on the kernel: records, the
 * scheduler's CPU, dispatch order, preemption, rescues). Not a public
 * interface: only sim/ includes it.
 */
#ifndef SCX_SIM_MODEL_H
#define SCX_SIM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "heap.h"
#include "machine.h"
#include "rules.h"
#include "sched.h"

enum ev { EV_ARRIVE, EV_WAKE, EV_RUN_END, EV_SCHED_DONE, EV_BUDGET, EV_HEARTBEAT, EV_TICK, EV_END };
enum tstate { T_UNBORN, T_SLEEP, T_WAIT, T_QUEUED, T_HELD, T_DSQ, T_RUNNING, T_DONE };

#define SCHED_RUNS -2
#define EPS 1e-3                 /* ns: float slack when comparing remaining work */
#define SIM_REC_BYTES 88         /* a record in the ring: header + struct queued_task */
#define SIM_STUCK_NS 1e9         /* as STUCK_NS in bpf/main.bpf.c */
#define SIM_HEARTBEAT_NS 100e6   /* as HEARTBEAT_NS */
#define SIM_TICK_NS 4e6          /* the kernel's tick: CONFIG_HZ=250, Debian's */
#define SIM_SLICE_MIN_NS 10e3    /* as SLICE_MIN_NS */

struct ttask {
	enum tstate st;
	int cpu, prev_cpu;
	uint32_t flags;                /* for the next queued record */
	double burst_left, work_left, end_at;
	double start_ts, stop_ts, exec_runtime, runnable_since;
	double run_start;              /* for records: a continued run keeps its start */
	double slice;                  /* of the current run */
	double pslice;                 /* the policy's (or its rule's) last slice */
	double slice_used;             /* of it */
	double pending_deadline;       /* set by a user-space dispatch, taken by the next run */
	double deadline;               /* of the current run: 0 if the kernel dispatched it */
	double shared_ts;              /* when it entered the shared queue */
	bool woke;                     /* since it was made runnable: for wake-up latency */
	bool rec_woke;                 /* its pending record is a wake-up: it may preempt */
	bool rec_sync;                 /* ... a hand-off's (sync): rules.h says whether */
	bool preempted;                /* we preempted it (its record says so) */
	bool decided, run_decided;     /* its next / current run has a decision */
	bool introduced;               /* sent to the policy once from an idle CPU */
	bool tick_preempt;             /* woken, its rule preempts, waits in the shared queue */
	uint32_t rule;                 /* the policy's rule for its wake-ups (0: none) */
	double vtime;                  /* under its rule */
	double enq_ts;                 /* when its pending record was queued */
	uint64_t enq_cnt, ev_seq, rng;
	int seq_burst, seq_sleep;
	uint64_t affinity;
	const struct wtask *tr;        /* a replayed task's own life (NULL: drawn) */
	uint32_t tr_pos;               /* its next step */
};

struct fifo {
	int32_t *q;
	uint32_t head, tail;           /* tail - head = size; capacity nr_tasks */
};

struct tcpu {
	int cur;                       /* task, -1 idle, SCHED_RUNS */
	double since;
	struct fifo local;
	struct rule_cpu rc;            /* as bpf/rules.h sees it */
};

struct dbuf_ent {
	int32_t task, cpu;
	double slice, deadline;
	uint32_t flags;
	uint64_t enq_cnt;
	uint32_t rule;
	double vtime;
};

/* A rule's decision, for the policy to see (an observed record). */
struct obs_rec {
	int32_t task;
	uint32_t flags;
	double start_ts, stop_ts, exec_runtime, enqueue_ts;
	double vtime_before, deadline, slice, vtime_after;
	uint32_t rule;
	bool idle;                     /* an idle CPU took it undecided (disp_introduce) */
};

/* --explain's notes on its task (journal.c). */
#define EXPLAIN_MAX_RUNS 64
struct explain {
	bool opened;                   /* the window opened: what held each CPU is noted */
	bool queued, decided;          /* its last record before the wait ended, and the decision */
	bool by_rule;                  /* the decision was its rule's, in the kernel */
	uint32_t flags, weight;
	double exec_runtime, queued_at, deadline, slice, decided_at;
	int cpu;
	int nr_runs;                   /* what ran meanwhile, in order */
	struct { int cpu, task; double deadline, start, end; } run[EXPLAIN_MAX_RUNS];
	int nr_more;                   /* runs past EXPLAIN_MAX_RUNS */
};

struct sim {
	struct sim_cfg cfg;
	struct explain ex;
	const struct workload *w;
	struct arena arena;
	struct heap events, shared;
	uint64_t seq;
	double now;
	int nr_tasks;
	struct ttask *t;
	struct tcpu *cpu;
	struct fifo ring;              /* records for user space: task ids, or -1 - obs slot */
	uint32_t ring_cap;             /* entries */
	double ring_bytes;
	struct obs_rec *obs;           /* observed records, a ring of obs_cap */
	uint32_t obs_cap, obs_next;
	struct rule_params rules[RULE_MAX];
	bool rules_live;               /* rule_any_live(rules), set as they are published */
	struct sim_cfg base;           /* the settings before the policy's (scx.tune) */
	rule_ns rule_clock;
	struct dbuf_ent *dbuf;         /* decisions of the running step */
	uint32_t nr_dbuf;
	struct heap_entry *scratch;    /* nr_tasks entries, for walks of the shared queue */
	struct heap_entry *ev_scratch; /* as many as events: compact_events() */
	bool sched_running, in_step;
	bool hold_sched;               /* a waker still holds its CPU: start later */
	int waker;                     /* that waker, for the report's arrows (-1: none) */
	int switching;                 /* CPU between two tasks: not idle for a kick (-1) */
	int sched_cpu;
	double sched_last_run;         /* started or stopped, as usersched_last_run */
	double pending_since;          /* oldest record not drained (rule time), 0: none */
	uint32_t owed;                 /* RULE_OWED_* */
	bool introduced;               /* an introduction waits in the ring */
	uint64_t held;                 /* decisions the core still holds */
	bool budget_armed, starve_scan;
	bool need_pick;                /* a CPU was kicked: idle CPUs look for work */
	double vtime_max;
	int32_t *exited;
	int nr_exited;
	struct sched *core;
	struct sim_result r;
};

/* journal.c: --steps and --explain; each a no-op outside the window */
void journal_wake(struct sim *s, int id);
void journal_queued(struct sim *s, int id, const struct scx_task *in);
void journal_decided(struct sim *s, int id, const struct scx_task *d);
void journal_rule(struct sim *s, int id, double deadline, double slice);
void journal_note(struct sim *s, int id, const char *what);
void journal_sched(struct sim *s, int c);
void journal_run(struct sim *s, int id, int c);
void journal_stop(struct sim *s, int id, int c, double ran);

/* machine.c */
void sim_at(struct sim *s, double when, enum ev type, int id);
void sim_start_run(struct sim *s, int id, int c, double slice);
int sim_stop_running(struct sim *s, int c);
void sim_set_cpu(struct sim *s, int c, int who);
void sim_record_event(struct sim *s, int task, int cpu);
bool sim_allowed(const struct ttask *t, int cpu);
void sim_fifo_push(struct fifo *f, int n, int32_t v);
int32_t sim_fifo_pop(struct fifo *f, int n);
bool sim_fifo_empty(const struct fifo *f);

/* dispatcher.c */
void disp_enqueue(struct sim *s, int id, bool woke);
bool disp_keep_running(struct sim *s, int c);
void disp_cpu_pick(struct sim *s, int c, bool ran_here);
void disp_pick_all_idle(struct sim *s);
void disp_sched_done(struct sim *s, int c);
void disp_budget(struct sim *s);
void disp_heartbeat(struct sim *s);
void disp_take_rule(struct sim *s, int id, uint32_t rule, double vtime);
void disp_introduce(struct sim *s, int id);
void disp_tick(struct sim *s);

/* rules.h's clock: never 0 (0 means "none" there), sim time + 1 ns */
static inline rule_ns sim_rt(double t)
{
	return (rule_ns)t + 1;
}

#endif
