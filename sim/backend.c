// SPDX-License-Identifier: GPL-2.0-only
/*
 * backend.c - the simulated machine as the core sees it: the backend
 * interface (core/backend.h) over the machine's ring of records, its
 * decisions buffer, its idle CPUs and its clock. A decision the core makes
 * during a step lands when the scheduler's step ends (dispatcher.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model.h"

/* An observed record: the task may have run on since, so it comes from
 * the copy made when its rule decided it. */
static void drain_observed(struct sim *s, const struct obs_rec *o, struct scx_task *out,
			   struct task_token *tok)
{
	out->flags = o->flags;
	out->start_ts = o->start_ts;
	out->stop_ts = o->stop_ts;
	out->exec_runtime = o->exec_runtime;
	out->enqueue_ts = o->enqueue_ts;
	tok->enq_cnt = s->t[o->task].enq_cnt;
	tok->rule = o->rule;
	tok->vtime = o->vtime_before;
	tok->obs_deadline = o->deadline;
	tok->obs_slice = o->slice;
	tok->obs_vtime = o->vtime_after;
	tok->introduced = o->idle;
}

static int sim_drain(void *ctx, struct scx_task *out, struct task_token *tok)
{
	struct sim *s = ctx;
	struct ttask *t;
	int32_t e;
	int id;

	if (sim_fifo_empty(&s->ring))
		return 0;
	e = sim_fifo_pop(&s->ring, (int)s->ring_cap);
	s->ring_bytes -= SIM_REC_BYTES;
	id = e >= 0 ? e : s->obs[-1 - e].task;
	t = &s->t[id];
	out->pid = s->r.task[id].pid;
	out->tgid = out->pid;
	out->prev_cpu = t->prev_cpu;
	out->nr_cpus_allowed = t->affinity ? __builtin_popcountll(t->affinity) : s->cfg.nr_cpus;
	out->weight = s->r.task[id].weight;
	snprintf(SCX_TASK_COMM(out), SCX_COMM_LEN, "%s",
		 t->tr ? t->tr->comm : s->w->g[s->r.task[id].group].comm);
	tok->cookie = (uint64_t)id;
	if (e < 0) {
		drain_observed(s, &s->obs[-1 - e], out, tok);
		journal_queued(s, id, out);
		return 1;
	}
	t->st = T_HELD;
	out->flags = t->flags;
	out->start_ts = t->run_start;
	out->stop_ts = t->stop_ts;
	out->exec_runtime = t->exec_runtime;
	out->enqueue_ts = t->enq_ts;
	tok->enq_cnt = t->enq_cnt;
	tok->rule = t->rule;
	tok->vtime = t->vtime;
	journal_queued(s, id, out);
	return 1;
}

static uint32_t sim_nr_dispatch_slots(void *ctx)
{
	(void)ctx;
	return UINT32_MAX; /* as the live backend: send everything */
}

static int sim_dispatch(void *ctx, const struct scx_task *d, const struct task_token *tok)
{
	struct sim *s = ctx;
	int id = (int)tok->cookie;

	if (id < 0 || id >= s->nr_tasks || s->t[id].st != T_HELD || s->t[id].enq_cnt != tok->enq_cnt)
		return -EINVAL;
	s->t[id].st = T_DSQ;
	journal_decided(s, id, d);
	s->dbuf[s->nr_dbuf++] = (struct dbuf_ent){ id, d->cpu, d->slice_ns, d->deadline,
						   d->dispatch_flags, tok->enq_cnt, d->rule,
						   d->vtime > 0 ? d->vtime : 0 };
	return 0;
}

static int32_t sim_select_cpu(void *ctx, int32_t pid, int32_t prev_cpu, uint32_t flags)
{
	struct sim *s = ctx;
	int id = pid - s->r.task[0].pid;

	(void)flags;
	if (id < 0 || id >= s->nr_tasks)
		return SCX_CPU_ANY;
	if (prev_cpu >= 0 && prev_cpu < s->cfg.nr_cpus && s->cpu[prev_cpu].cur == -1 &&
	    sim_allowed(&s->t[id], prev_cpu))
		return prev_cpu;
	for (int c = 0; c < s->cfg.nr_cpus; c++)
		if (s->cpu[c].cur == -1 && sim_allowed(&s->t[id], c))
			return c;
	return SCX_CPU_ANY;
}

static void sim_notify(void *ctx, uint64_t nr_pending)
{
	struct sim *s = ctx;

	/* Decisions it could not hand over wait on the budget too. */
	s->held = nr_pending;
	if (nr_pending && !s->pending_since)
		s->pending_since = sim_rt(s->now);
}

static double sim_now(void *ctx)
{
	return ((struct sim *)ctx)->now;
}

static int sim_wait(void *ctx, int timeout_ms)
{
	(void)ctx;
	(void)timeout_ms;
	return 0;
}

static int sim_exited(void *ctx, int32_t *pids, int max)
{
	struct sim *s = ctx;
	int n = s->nr_exited < max ? s->nr_exited : max;

	memcpy(pids, s->exited, (size_t)n * sizeof(*pids));
	memmove(s->exited, s->exited + n, (size_t)(s->nr_exited - n) * sizeof(*pids));
	s->nr_exited -= n;
	return n;
}

static void sim_set_rules(void *ctx, const struct rule_params *rules)
{
	struct sim *s = ctx;

	memcpy(s->rules, rules, sizeof(s->rules));
	s->rules_live = rule_any_live(rules);
}

/* The policy's settings over the command line's (as bpf_set_tune()). */
static void sim_set_tune(void *ctx, const struct scx_tune *p)
{
	struct sim *s = ctx;

	s->cfg.tune = s->base.tune;
	s->cfg.keep_preempted = s->base.keep_preempted;
	if (p->budget_ns >= 0 && !s->cfg.budget_fixed)
		s->cfg.tune.budget_ns = (rule_ns)p->budget_ns;
	if (p->preempt_min_ns >= 0 && !s->cfg.preempt_fixed)
		s->cfg.tune.preempt_min_ns = (rule_ns)p->preempt_min_ns;
	if (p->keep_preempted >= 0)
		s->cfg.keep_preempted = p->keep_preempted > 0;
}

/* A control record takes effect at the next drain of decisions: at once here. */
static int sim_set_task_rule(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	struct sim *s = ctx;
	int id = (int)tok->cookie;

	if (id < 0 || id >= s->nr_tasks)
		return -EINVAL;
	disp_take_rule(s, id, t->rule, t->vtime);
	return 0;
}

const struct backend_ops sim_ops = {
	.name = "sim",
	.drain = sim_drain,
	.nr_dispatch_slots = sim_nr_dispatch_slots,
	.dispatch = sim_dispatch,
	.select_cpu = sim_select_cpu,
	.notify = sim_notify,
	.now = sim_now,
	.wait = sim_wait,
	.exited = sim_exited,
	.set_rules = sim_set_rules,
	.set_tune = sim_set_tune,
	.set_task_rule = sim_set_task_rule,
};
