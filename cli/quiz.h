/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * quiz.h - `sim --quiz`: three jobs on one CPU from a seed, a question, and
 * the answers the simulated machine gives (quiz.c).
 */
#ifndef SCX_CLI_QUIZ_H
#define SCX_CLI_QUIZ_H

#include <stdint.h>
#include <stdio.h>

#include "machine.h"
#include "workload.h"

/* The exercise @seed stands for, as a workload. */
void quiz_workload(struct workload *w, uint64_t seed);
/* The question, without the answers. */
void quiz_ask(FILE *f, const struct workload *w, const char *policy, double slice_ns,
	      uint64_t seed);
/* The answers, from a run recorded with cfg.record. */
void quiz_answer(FILE *f, const struct sim_result *r, const struct workload *w);

#endif
