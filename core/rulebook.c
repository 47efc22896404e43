// SPDX-License-Identifier: GPL-2.0-only
/*
 * rulebook.c - the policy's rules on the core's side (see rulebook.h).
 *
 * The policy writes doubles (Lua numbers); the backend applies integer
 * nanoseconds. Anything that is not a finite number >= 0 is refused here,
 * before it can reach the kernel, and rule_sanitize() (the BPF side
 * applies the same function) bounds the slices. Two decisions agree when
 * their deadlines are within AGREE_NS: the kernel's integer arithmetic and
 * Lua's doubles round differently by a few nanoseconds.
 */
#include <math.h>
#include <string.h>

#include "rulebook.h"

#define AGREE_NS 1000.0

int rulebook_init(struct rulebook *rb, struct arena *a, double slice_cap_ns)
{
	memset(rb, 0, sizeof(*rb));
	rb->defs = arena_carve(a, SCX_RULE_MAX * sizeof(*rb->defs));
	rb->tune = arena_carve(a, sizeof(*rb->tune));
	rb->gen = arena_carve(a, sizeof(*rb->gen));
	rb->slice_cap_ns = slice_cap_ns;
	if (!rb->defs || !rb->tune || !rb->gen)
		return -1;
	*rb->tune = (struct scx_tune){ -1, -1, -1 };
	return 0;
}

void rulebook_clear(struct rulebook *rb, struct rulebook_saved *saved)
{
	memcpy(saved->defs, rb->defs, sizeof(saved->defs));
	saved->tune = *rb->tune;
	memset(rb->defs, 0, sizeof(saved->defs));
	*rb->tune = (struct scx_tune){ -1, -1, -1 };
	(*rb->gen)++;
}

void rulebook_restore(struct rulebook *rb, const struct rulebook_saved *saved)
{
	memcpy(rb->defs, saved->defs, sizeof(saved->defs));
	*rb->tune = saved->tune;
	(*rb->gen)++;
}

static rule_ns to_ns(double v, bool *ok)
{
	if (!(v >= 0) || !(v < 1.8e19)) {
		*ok = false;
		return 0;
	}
	return (rule_ns)v;
}

/* One definition as the backend will apply it; false if it needed fixing. */
static bool check_rule(const struct scx_rule *d, struct rule_params *p, double cap)
{
	bool ok = true;

	memset(p, 0, sizeof(*p));
	p->kind = d->kind;
	p->preempt = !!d->preempt;
	p->slice_by_weight = !!d->slice_by_weight;
	p->slice_ns = to_ns(d->slice_ns, &ok);
	p->slice_min_ns = to_ns(d->slice_min_ns, &ok);
	p->slice_max_ns = to_ns(d->slice_max_ns, &ok);
	p->lag_ns = to_ns(d->lag_ns, &ok);
	p->runtime_cap_ns = to_ns(d->runtime_cap_ns, &ok);
	p->lead_ns = to_ns(d->lead_ns, &ok);
	if (!ok)
		p->kind = RULE_NONE;  /* nonsense: the policy decides these tasks itself */
	return rule_sanitize(p, (rule_ns)cap) && ok;
}

void rulebook_publish(struct rulebook *rb, const struct backend_ops *be, void *bctx,
		      struct scx_stats *stats)
{
	if (*rb->gen == rb->seen)
		return;
	rb->seen = *rb->gen;
	memset(&rb->params[0], 0, sizeof(rb->params[0]));
	for (int i = 1; i < SCX_RULE_MAX; i++)
		if (!check_rule(&rb->defs[i], &rb->params[i], rb->slice_cap_ns))
			stats->nr_bad_rule++;
	if (be->set_rules)
		be->set_rules(bctx, rb->params);
	if (be->set_tune)
		be->set_tune(bctx, rb->tune);
}

uint32_t rulebook_valid_id(const struct rulebook *rb, uint32_t id, struct scx_stats *stats)
{
	if (!id)
		return 0;
	if (id >= SCX_RULE_MAX || rb->params[id].kind == RULE_NONE) {
		stats->nr_bad_rule++;
		return 0;
	}
	return id;
}

static bool agree(double a, double b)
{
	return fabs(a - b) <= AGREE_NS;
}

void rulebook_compare(struct rulebook *rb, const struct scx_task *t, double vtime_before,
		      struct scx_stats *stats)
{
	const struct rule_params *r = &rb->params[t->rule];
	rule_ns vtime = rule_ns_of(vtime_before), deadline, slice;

	if (!t->rule || r->kind == RULE_NONE || (t->flags & SCX_TF_NEW))
		return;
	rule_decide(r, &vtime, &rb->clock, rule_ns_of(t->stop_ts - t->start_ts),
		    rule_ns_of(t->exec_runtime), t->weight, rule_ns_of(t->enqueue_ts), &deadline, &slice);
	/* Under keep_preempted, what a preempted task gets is its place, not
	 * the rule's decision: the kernel side keeps it so without a record,
	 * and a policy may do the same in P.enqueue for the records it does
	 * see (fifo) or decide them afresh (deadline's knob). Nothing to
	 * compare; the clock above moves all the same, as the policy's did
	 * on seeing this record. */
	if ((t->flags & SCX_TF_PREEMPTED) && rb->tune->keep_preempted > 0)
		return;
	stats->nr_rule_checked++;
	if (!agree((double)deadline, t->deadline))
		stats->nr_rule_disagree++;
}

void rulebook_introduced(struct rulebook *rb, const struct scx_task *t,
			 const struct task_token *tok, const struct backend_ops *be, void *bctx,
			 struct scx_stats *stats)
{
	stats->nr_observed++;
	if (!t->rule)
		return;
	rule_clock_follow(&rb->params[t->rule], &rb->clock, rule_ns_of(t->vtime), t->weight);
	if (be->set_task_rule)
		be->set_task_rule(bctx, t, tok);
}

void rulebook_observed(struct rulebook *rb, struct scx_task *t, const struct task_token *tok,
		       const struct backend_ops *be, void *bctx, struct scx_stats *stats)
{
	stats->nr_observed++;
	stats->nr_rule_checked++;
	if (!agree(tok->obs_deadline, t->deadline))
		stats->nr_rule_disagree++;
	rule_clock_follow(&rb->params[tok->rule < SCX_RULE_MAX ? tok->rule : 0], &rb->clock,
			  rule_ns_of(tok->obs_vtime), t->weight);
	t->vtime = tok->obs_vtime;
	t->deadline = tok->obs_deadline;
	t->slice_ns = tok->obs_slice;
	if (t->rule != tok->rule) {
		stats->nr_rule_changes++;
		if (be->set_task_rule)
			be->set_task_rule(bctx, t, tok);
	}
}
