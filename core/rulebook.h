/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rulebook.h - the policy's rules (scx.rule, bpf/rules.h) on the core's
 * side: the table the policy writes, checked and handed to the backend
 * when it changes; the tasks a rule decided in the kernel, which the policy
 * only observes; and the comparison of what the policy decides with what
 * its published rule would have decided on the same inputs (the rule is
 * the policy's own arithmetic, restated; the two should agree).
 *
 * Not here: applying a rule (the backend's job: bpf/fastpath.bpf.h, the
 * simulator's dispatcher) and the batch loop (sched.c).
 */
#ifndef SCX_RULEBOOK_H
#define SCX_RULEBOOK_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "backend.h"
#include "policy_abi.h"
#include "rules.h"

struct rulebook {
	struct scx_rule *defs;        /* SCX_RULE_MAX, written by the policy (host.rules) */
	struct scx_tune *tune;        /* written by the policy (host.tune) */
	uint32_t *gen;                /* bumped by the policy (host.rules_gen) */
	uint32_t seen;                /* gen last published */
	struct rule_params params[SCX_RULE_MAX];   /* checked, as the backend has them */
	rule_ns clock;                /* the rules' clock, as the backend keeps it */
	double slice_cap_ns;          /* --slice-us-max */
};

int rulebook_init(struct rulebook *rb, struct arena *a, double slice_cap_ns);
/* What a policy published, saved across a reload. */
struct rulebook_saved {
	struct scx_rule defs[SCX_RULE_MAX];
	struct scx_tune tune;
};

/* A new policy starts with no rules and no settings; the previous ones are
 * kept in @saved to put back if it fails to load. */
void rulebook_clear(struct rulebook *rb, struct rulebook_saved *saved);
void rulebook_restore(struct rulebook *rb, const struct rulebook_saved *saved);
/* Hand the table and the settings to the backend if the policy changed
 * them; counts the rules it had to correct in @stats. */
void rulebook_publish(struct rulebook *rb, const struct backend_ops *be, void *bctx,
		      struct scx_stats *stats);
/* A rule id the policy may give a task: 0 unless it names a published rule. */
uint32_t rulebook_valid_id(const struct rulebook *rb, uint32_t id, struct scx_stats *stats);
/* After the policy decided @t (not observed) under rule @t->rule: would the
 * rule have decided the same? Counts nr_rule_disagree. */
void rulebook_compare(struct rulebook *rb, const struct scx_task *t, double vtime_before,
		      struct scx_stats *stats);
/* A task an idle CPU took undecided (the backend's first record of it, for
 * the record): the policy's rule and vtime, in @t, go to the backend. */
void rulebook_introduced(struct rulebook *rb, const struct scx_task *t,
			 const struct task_token *tok, const struct backend_ops *be, void *bctx,
			 struct scx_stats *stats);
/* An observed task after the policy saw it: agreement counted, a changed
 * rule passed to the backend, the rule's vtime kept (in @t for the store). */
void rulebook_observed(struct rulebook *rb, struct scx_task *t, const struct task_token *tok,
		       const struct backend_ops *be, void *bctx, struct scx_stats *stats);

#endif
