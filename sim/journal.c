// SPDX-License-Identifier: GPL-2.0-only
/*
 * journal.c - the simulation told in words: `sim --steps A-B` prints every
 * wake-up, record, decision and run in a window (OSTEP's `-c`, for real
 * policies), and `sim --explain` says why one task waited: what the policy
 * saw at its enqueue, what it set, and who held each CPU meanwhile, with
 * their deadlines against this task's.
 *
 * The machine is deterministic, so --explain runs it twice: once to find
 * the worst wait, once with the journal open on that window. Nothing here
 * changes what the machine does; each hook returns at once when the
 * journal is off or the clock is outside the window.
 *
 * Not here: why the policy set what it set (that is the policy's code);
 * the kernel's fast paths are named but not their inner reasons.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "model.h"

static void note_run(struct sim *s, int c, int id, double start);

/* Is the window open? The first time it is, --explain notes what already
 * held each CPU: those runs overlap the wait too. */
static bool open_now(struct sim *s)
{
	if (!s->cfg.journal || s->now < s->cfg.journal_from_ns || s->now >= s->cfg.journal_to_ns)
		return false;
	if (s->cfg.explain_task >= 0 && !s->ex.opened) {
		s->ex.opened = true;
		for (int c = 0; c < s->cfg.nr_cpus; c++)
			if (s->cpu[c].cur >= 0)
				note_run(s, c, s->cpu[c].cur, s->t[s->cpu[c].cur].start_ts);
	}
	return true;
}

static void note_run(struct sim *s, int c, int id, double start)
{
	struct explain *x = &s->ex;

	if (s->cfg.explain_task < 0 || id == s->cfg.explain_task)
		return;
	if (x->nr_runs == EXPLAIN_MAX_RUNS) {
		x->nr_more++;
		return;
	}
	x->run[x->nr_runs++] = (typeof(x->run[0])){ c, id, s->t[id].deadline, start, -1 };
}

static const char *group_of(const struct sim *s, int id)
{
	return s->w->g[s->r.task[id].group].name;
}

static void say(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct sim *s, const char *fmt, ...)
{
	va_list ap;

	fprintf(s->cfg.journal, "%10.3f ms  ", s->now / 1e6);
	va_start(ap, fmt);
	vfprintf(s->cfg.journal, fmt, ap);
	va_end(ap);
	fputc('\n', s->cfg.journal);
}

/* SCX_TF_* by name: what a policy tests with scx.is_wakeup() and friends. */
static const char *flag_names(uint32_t f, char *buf, size_t len)
{
	static const struct { uint32_t bit; const char *name; } names[] = {
		{ SCX_TF_WAKEUP, "WAKEUP" }, { SCX_TF_PREEMPTED, "PREEMPTED" },
		{ SCX_TF_NEW, "NEW" }, { SCX_TF_REQUEUED, "REQUEUED" },
		{ SCX_TF_OBSERVED, "OBSERVED" },
	};
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (f & names[i].bit)
			n += (size_t)snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "",
					      names[i].name);
	if (!n)
		snprintf(buf, len, "none (its slice ran out)");
	return buf;
}

static void cpu_text(int cpu, char *buf, size_t len)
{
	if (cpu < 0)
		snprintf(buf, len, "any CPU");
	else
		snprintf(buf, len, "CPU %d", cpu);
}

void journal_wake(struct sim *s, int id)
{
	if (open_now(s))
		say(s, "pid %d (%s) wakes up", s->r.task[id].pid, group_of(s, id));
}

void journal_queued(struct sim *s, int id, const struct scx_task *in)
{
	char f[64];

	if (!open_now(s))
		return;
	say(s, "pid %d (%s) goes to the policy: flags %s, exec_runtime %.3f ms, weight %u, "
	    "runnable since %.3f ms", in->pid, group_of(s, id), flag_names(in->flags, f, sizeof(f)),
	    in->exec_runtime / 1e6, in->weight, in->enqueue_ts / 1e6);
	if (id == s->cfg.explain_task) {
		s->ex.queued = true;
		s->ex.decided = s->ex.by_rule = false;
		s->ex.flags = in->flags;
		s->ex.weight = in->weight;
		s->ex.exec_runtime = in->exec_runtime;
		s->ex.queued_at = s->now;
	}
}

void journal_decided(struct sim *s, int id, const struct scx_task *d)
{
	char c[24];

	if (!open_now(s))
		return;
	cpu_text(d->cpu, c, sizeof(c));
	say(s, "the policy sets pid %d (%s): deadline %.3f ms, slice %.3f ms, %s",
	    s->r.task[id].pid, group_of(s, id), d->deadline / 1e6, d->slice_ns / 1e6, c);
	if (id == s->cfg.explain_task) {
		s->ex.decided = true;
		s->ex.deadline = d->deadline;
		s->ex.slice = d->slice_ns;
		s->ex.cpu = d->cpu;
		s->ex.decided_at = s->now;
	}
}

void journal_rule(struct sim *s, int id, double deadline, double slice)
{
	if (!open_now(s))
		return;
	say(s, "pid %d (%s) is decided in the kernel by the policy's rule: deadline %.3f ms, "
	    "slice %.3f ms (the policy sees it afterwards, OBSERVED)", s->r.task[id].pid,
	    group_of(s, id), deadline / 1e6, slice / 1e6);
	if (id == s->cfg.explain_task) {
		s->ex.decided = s->ex.by_rule = true;
		s->ex.deadline = deadline;
		s->ex.slice = slice;
		s->ex.cpu = -1;
		s->ex.decided_at = s->now;
	}
}

void journal_sched(struct sim *s, int c)
{
	if (open_now(s))
		say(s, "CPU %d runs the scheduler process: it drains %u records and calls the policy",
		    c, (unsigned)(s->ring.tail - s->ring.head));
}

void journal_note(struct sim *s, int id, const char *what)
{
	if (open_now(s))
		say(s, "pid %d (%s) %s", s->r.task[id].pid, group_of(s, id), what);
}

void journal_run(struct sim *s, int id, int c)
{
	const struct ttask *t = &s->t[id];

	if (!open_now(s))
		return;
	if (t->deadline > 0)
		say(s, "CPU %d runs pid %d (%s), deadline %.3f ms, after waiting %.3f ms", c,
		    s->r.task[id].pid, group_of(s, id), t->deadline / 1e6,
		    (s->now - t->runnable_since) / 1e6);
	else
		say(s, "CPU %d runs pid %d (%s), decided in the kernel (an idle CPU or a kept "
		    "slice: no deadline), after waiting %.3f ms", c, s->r.task[id].pid,
		    group_of(s, id), (s->now - t->runnable_since) / 1e6);
	note_run(s, c, id, s->now);
}

void journal_stop(struct sim *s, int id, int c, double ran)
{
	struct explain *x = &s->ex;

	if (!open_now(s))
		return;
	say(s, "CPU %d stops pid %d (%s) after %.3f ms", c, s->r.task[id].pid, group_of(s, id),
	    ran / 1e6);
	for (int i = x->nr_runs - 1; i >= 0; i--)
		if (x->run[i].task == id && x->run[i].end < 0) {
			x->run[i].end = s->now;
			break;
		}
}

/*
 * The explanation, after the second run. Every run that overlapped the
 * wait is listed per CPU with its deadline against the waiting task's:
 * an earlier deadline is the policy's order; a later one, or none, is the
 * machine's (a task already running keeps its slice; an idle CPU takes
 * whoever wakes; the scheduler process itself takes a CPU to decide).
 */
void sim_explain(FILE *f, const struct sim *s, double wait_from, double wait_to)
{
	const struct explain *x = &s->ex;
	int id = s->cfg.explain_task;
	char fl[64], c[24];

	fprintf(f, "\nwhy pid %d (%s) waited %.3f ms, from %.3f to %.3f ms:\n", s->r.task[id].pid,
		group_of(s, id), (wait_to - wait_from) / 1e6, wait_from / 1e6, wait_to / 1e6);
	if (x->by_rule) {
		fprintf(f, "  at %.3f ms the policy's rule decided it in the kernel: deadline "
			"%.3f ms, slice %.3f ms (no round trip to the policy)\n", x->decided_at / 1e6,
			x->deadline / 1e6, x->slice / 1e6);
	} else if (!x->queued) {
		fprintf(f, "  it never went to the policy in that time: the kernel side held it "
			"(a CPU busy with a task it would not preempt, or the record still in the "
			"ring while the scheduler process waited for a CPU)\n");
	} else {
		fprintf(f, "  at %.3f ms the policy saw it: flags %s, exec_runtime %.3f ms (CPU "
			"used since it last slept), weight %u\n", x->queued_at / 1e6,
			flag_names(x->flags, fl, sizeof(fl)), x->exec_runtime / 1e6, x->weight);
		if (x->queued_at - wait_from > 100e3)
			fprintf(f, "  (its record waited %.3f ms for the scheduler process to run: "
				"records batch up to the latency budget, --budget-us)\n",
				(x->queued_at - wait_from) / 1e6);
		if (x->decided) {
			cpu_text(x->cpu, c, sizeof(c));
			fprintf(f, "  at %.3f ms it set: deadline %.3f ms, slice %.3f ms, %s\n",
				x->decided_at / 1e6, x->deadline / 1e6, x->slice / 1e6, c);
		} else {
			fprintf(f, "  no decision came back for it before the wait ended\n");
		}
	}
	fprintf(f, "  meanwhile:\n");
	for (int cpu = 0; cpu < s->cfg.nr_cpus; cpu++) {
		bool any = false;

		for (int i = 0; i < x->nr_runs; i++) {
			const typeof(x->run[0]) *r = &x->run[i];
			double end = r->end < 0 ? wait_to : r->end;

			if (r->cpu != cpu)
				continue;
			any = true;
			fprintf(f, "    CPU %d: pid %d (%s) ran %.3f ms from %.3f ms, ", cpu,
				s->r.task[r->task].pid, group_of(s, r->task), (end - r->start) / 1e6,
				r->start / 1e6);
			if (r->deadline <= 0)
				fprintf(f, "decided in the kernel (no deadline)\n");
			else if (x->decided && !x->by_rule && x->cpu >= 0 && x->cpu != cpu)
				fprintf(f, "deadline %.3f ms; this task asked for CPU %d, so this CPU "
					"was not one it could take\n", r->deadline / 1e6, x->cpu);
			else if (x->decided && fabs(r->deadline - x->deadline) < 1)
				fprintf(f, "the same deadline as this task's, %.3f ms: queued before "
					"it\n", r->deadline / 1e6);
			else if (x->decided && r->deadline < x->deadline)
				fprintf(f, "deadline %.3f ms: earlier than this task's %.3f ms, so "
					"the policy put it first\n", r->deadline / 1e6, x->deadline / 1e6);
			else if (x->decided)
				fprintf(f, "deadline %.3f ms: later than this task's %.3f ms, yet it "
					"ran (it was on the CPU or in its queue already)\n",
					r->deadline / 1e6, x->deadline / 1e6);
			else
				fprintf(f, "deadline %.3f ms\n", r->deadline / 1e6);
		}
		if (!any)
			fprintf(f, "    CPU %d: no task (idle, or the scheduler process deciding)\n",
				cpu);
	}
	if (x->nr_more)
		fprintf(f, "    (and %d more runs)\n", x->nr_more);
}
