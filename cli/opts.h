/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * opts.h - the one option-parsing convention of scx_lua's commands.
 *
 * A command's parser is a getopt_long() loop that hands every value to the
 * helpers here. The first bad value is recorded in a struct opt_err (later
 * ones are ignored) and the helper returns a harmless value, so the loop
 * just stops when e->failed. Nothing here prints or exits: a parser can be
 * tested and fuzzed in-process, and the command reports the message and
 * exits 2. Every message names the option and what it takes
 * ("--cpus expects a whole number from 1 to 1024, not '0'").
 *
 * The options `run`/`check` and `sim` share (slices, --opt, --cpus, --seed,
 * --duration, --full-user, the live path's --budget-us and --preempt-us) are parsed by opt_shared(), one range and one
 * rule each, into struct cli; a command lists them with OPTS_SHARED and
 * numbers its own options from OPT_OWN. Not here: each command's own
 * options, and what a value means to it (sim's 0 CPUs = the workload's).
 */
#ifndef SCX_CLI_OPTS_H
#define SCX_CLI_OPTS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>

struct cli;

struct opt_err {
	char msg[256];
	bool failed;
};

/* The shared long options without a short name; commands start at OPT_OWN. */
enum { OPT_SLICE_MAX = 256, OPT_KEYVAL, OPT_CPUS, OPT_SEED, OPT_DURATION, OPT_BUDGET, OPT_PREEMPT,
       OPT_PREEMPT_SYNC, OPT_OWN };

/* Short names: -s, -S, -u (each command adds its own letters). */
#define OPTS_SHARED_SHORT "s:S:u"
#define OPTS_SHARED \
	{ "slice-us", required_argument, 0, 's' }, \
	{ "slice-us-min", required_argument, 0, 'S' }, \
	{ "slice-us-max", required_argument, 0, OPT_SLICE_MAX }, \
	{ "full-user", no_argument, 0, 'u' }, \
	{ "opt", required_argument, 0, OPT_KEYVAL }, \
	{ "cpus", required_argument, 0, OPT_CPUS }, \
	{ "seed", required_argument, 0, OPT_SEED }, \
	{ "duration", required_argument, 0, OPT_DURATION }, \
	{ "budget-us", required_argument, 0, OPT_BUDGET }, \
	{ "preempt-us", required_argument, 0, OPT_PREEMPT }, \
	{ "preempt-sync", no_argument, 0, OPT_PREEMPT_SYNC }

/* Record a failure (only the first is kept). */
void opt_fail(struct opt_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* @v as a whole number in [lo, hi] (decimal, no trailing text); else fails, returns lo. */
long long opt_whole(struct opt_err *e, const char *opt, const char *v, long long lo, long long hi);
/* @v as a number in [lo, hi], decimals allowed; else fails, returns lo. */
double opt_number(struct opt_err *e, const char *opt, const char *v, double lo, double hi);
/* getopt_long()'s '?' (unknown option or missing value), naming @cmd's help. */
void opt_unknown(struct opt_err *e, int argc, char **argv, const char *cmd);
/* Parse shared option @c into @o; false if @c is not one of OPTS_SHARED. */
bool opt_shared(struct opt_err *e, struct cli *o, int c, const char *arg);
/* After the loop: the rules that span several shared options. */
void opt_check_shared(struct opt_err *e, const struct cli *o);

#endif
