// SPDX-License-Identifier: GPL-2.0-only
/*
 * report.c - metrics of a simulation and their presentations.
 *
 * Definitions (also in docs/policy-guide.md): wait = time runnable but not running,
 * one sample per run; starve = the longest wait of any task of a group,
 * counting the wait still open at the end (a task that never ran has no
 * wait sample, but it starved); wake-up latency = from wake-up to running, one sample
 * per wake-up; share = CPU time / (CPUs x duration); Jain's index over the
 * weight-normalised CPU time of every task (1 = perfectly proportional);
 * throughput = CPU bursts completed per second; overhead = share of CPU
 * time the user-space scheduler used.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

void sim_metrics(struct sim_metrics *m, const struct sim_result *r, const struct workload *w)
{
	double total = r->nr_cpus * r->duration_ns, sx = 0, sxx = 0;
	uint64_t bursts = 0;

	memset(m, 0, sizeof(*m));
	m->cpus = r->nr_cpus;
	m->duration_ns = r->duration_ns;
	m->nr_groups = w->nr_groups;
	m->workload = w->name;
	m->busy_ns = r->busy_ns;
	m->idle_ns = r->idle_ns;
	m->sched_ns = r->sched_ns;
	m->steps = r->nr_steps;
	m->c = r->c;
	m->sched_preempt = r->nr_sched_preempt;
	for (int g = 0; g < w->nr_groups; g++) {
		struct group_metrics *gm = &m->g[g];
		struct samples wait = { 0 }, wake = { 0 };
		double wake_sum = 0;
		int nr_resp = 0;

		gm->name = w->g[g].name;
		gm->starve_task = -1;
		gm->weight = w->g[g].weight;
		for (int i = 0; i < r->nr_tasks; i++) {
			const struct sim_task_stats *t = &r->task[i];

			if (t->group != g)
				continue;
			gm->n++;
			gm->cpu_ns += t->cpu_ns;
			gm->life_cpu_ns += t->life_cpu_ns > 0 ? t->life_cpu_ns : t->cpu_ns;
			gm->runs += t->nr_runs;
			gm->preempt += t->nr_preempt;
			gm->bursts += t->nr_bursts;
			gm->migrations += t->nr_migrations;
			gm->llc_migrations += t->nr_llc_migrations;
			if (t->finish >= 0) {
				gm->nr_done++;
				gm->turnaround += t->finish - t->arrival;
			}
			if (t->first_run >= 0) {
				nr_resp++;
				gm->response += t->first_run - t->arrival;
			}
			/* Pool the samples of the group (copies: the tasks keep theirs). */
			for (uint32_t k = 0; k < t->wait.n; k++)
				samples_add(&wait, t->wait.v[k]);
			if (t->worst_wait > gm->starve_max || gm->starve_task < 0) {
				gm->starve_max = t->worst_wait;
				gm->starve_task = i;
			}
			for (uint32_t k = 0; k < t->wake.n; k++) {
				samples_add(&wake, t->wake.v[k]);
				wake_sum += t->wake.v[k];
			}
			sx += t->cpu_ns / t->weight;
			sxx += (t->cpu_ns / t->weight) * (t->cpu_ns / t->weight);
		}
		gm->share = gm->cpu_ns / total;
		gm->turnaround = gm->nr_done ? gm->turnaround / gm->nr_done : NAN;
		gm->response = nr_resp ? gm->response / nr_resp : NAN;
		gm->wait_p50 = samples_pct(&wait, 50);
		gm->wait_p99 = samples_pct(&wait, 99);
		gm->wait_max = samples_pct(&wait, 100);
		gm->wake_p50 = samples_pct(&wake, 50);
		gm->wake_p99 = samples_pct(&wake, 99);
		gm->wake_max = samples_pct(&wake, 100);
		gm->wake_mean = wake.n ? wake_sum / wake.n : NAN;
		gm->nr_wait = wait.n;
		gm->nr_wake = wake.n;
		free(wait.v);
		free(wake.v);
		m->task_cpu_ns += gm->cpu_ns;
		bursts += gm->bursts;
	}
	m->util = (r->busy_ns + r->sched_ns) / total;
	m->jain = sxx > 0 ? sx * sx / (r->nr_tasks * sxx) : 1;
	m->throughput = bursts / (r->duration_ns / 1e9);
	m->overhead = r->sched_ns / total;
}

static void ms3(char *buf, size_t len, double a, double b, double c)
{
	if (isnan(a))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2f/%.2f/%.2f", a / 1e6, b / 1e6, c / 1e6);
}

static void ms1(char *buf, size_t len, double a)
{
	if (isnan(a))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.1f", a / 1e6);
}

/* What the report's words mean; docs/policy-guide.md has the same list
 * (tests/sim.sh checks that every term is there). */
const char *const sim_glossary[][2] = {
	{ "wait", "time a task was runnable but not running; one sample each time it got a CPU" },
	{ "wake-up latency", "from a task's wake-up to its first run after it; one sample per "
	  "wake-up (a task that never sleeps has none)" },
	{ "starve", "the longest wait of any task of a group, counting the wait still open when "
	  "the run ends: a task that never ran has no wait sample, but it starved" },
	{ "response", "from a task's arrival to its first run, averaged over the tasks that ran" },
	{ "turnaround", "from a task's arrival to the end of its work, averaged over the tasks "
	  "that finished (only groups with work_ms finish)" },
	{ "share", "a group's CPU time divided by (CPUs x duration): 1.0 is the whole machine" },
	{ "Jain's index", "fairness over every task's CPU time divided by its weight: (sum x)^2 / "
	  "(n x sum x^2); 1 is exactly proportional, 1/n is one task having everything" },
	{ "p50, p99, max", "the value half, 99% and all of the samples are at or below; the "
	  "samples line says how many there were (few samples: a p99 is close to the max)" },
	{ "utilisation", "the share of CPU time spent running tasks or the scheduler" },
	{ "throughput", "CPU bursts completed per second, all groups" },
	{ "overhead", "the share of CPU time the scheduler process itself used" },
};
const int sim_glossary_nr = sizeof(sim_glossary) / sizeof(sim_glossary[0]);

static void html_glossary(FILE *f)
{
	fprintf(f, "<h2>Glossary</h2><dl>\n");
	for (int i = 0; i < sim_glossary_nr; i++)
		fprintf(f, "<dt>%s</dt><dd>%s</dd>\n", sim_glossary[i][0], sim_glossary[i][1]);
	fprintf(f, "</dl>\n");
}

void sim_print_table(FILE *f, const struct sim_metrics *m)
{
	fprintf(f, "policy %s on \"%s\": %d CPUs, %.1f s, seed %llu\n\n", m->policy, m->workload,
		m->cpus, m->duration_ns / 1e9, (unsigned long long)m->seed);
	fprintf(f, "%-12s %5s %6s %7s %21s %21s %8s %7s %10s %9s\n", "group", "tasks", "weight",
		"share", "wait p50/p99/max ms", "wake p50/p99/max ms", "runs", "preempt",
		"turnaround", "response");
	for (int g = 0; g < m->nr_groups; g++) {
		const struct group_metrics *gm = &m->g[g];
		char wait[64], wake[64], ta[32], resp[32];

		ms3(wait, sizeof(wait), gm->wait_p50, gm->wait_p99, gm->wait_max);
		ms3(wake, sizeof(wake), gm->wake_p50, gm->wake_p99, gm->wake_max);
		ms1(ta, sizeof(ta), gm->turnaround);
		ms1(resp, sizeof(resp), gm->response);
		fprintf(f, "%-12s %5d %6u %6.1f%% %21s %21s %8llu %7llu %10s %9s\n", gm->name, gm->n,
			gm->weight, 100 * gm->share, wait, wake, (unsigned long long)gm->runs,
			(unsigned long long)gm->preempt, ta, resp);
	}
	fprintf(f, "\nsamples (waits/wake-ups) behind the percentiles:");
	for (int g = 0; g < m->nr_groups; g++)
		fprintf(f, "%s %s %u/%u", g ? "," : "", m->g[g].name, m->g[g].nr_wait, m->g[g].nr_wake);
	fprintf(f, "\n");
	fprintf(f, "\nmachine: utilisation %.1f%%, Jain %.3f, throughput %.0f bursts/s, "
		"scheduler overhead %.2f%% (%llu steps, %llu user + %llu idle-path dispatches, "
		"%llu bounced, %llu preempted for the scheduler, %llu for an earlier deadline)\n",
		100 * m->util, m->jain, m->throughput, 100 * m->overhead,
		(unsigned long long)m->steps, m->c.user_dispatches, m->c.kernel_dispatches,
		m->c.bounce, (unsigned long long)m->sched_preempt, m->c.deadline_preempts);
	if (m->policy_errors)
		fprintf(f, "policy errors: %llu (%llu batches ordered by the fallback)\n",
			(unsigned long long)m->policy_errors, (unsigned long long)m->fallback_batches);
}

void sim_print_compare(FILE *f, const struct sim_metrics *m, int n)
{
	fprintf(f, "workload \"%s\": %d CPUs, %.1f s, seed %llu\n\n", m[0].workload, m[0].cpus,
		m[0].duration_ns / 1e9, (unsigned long long)m[0].seed);
	fprintf(f, "%-28s", "");
	for (int p = 0; p < n; p++)
		fprintf(f, " %14.14s", m[p].policy);
	fprintf(f, "\n");
	for (int g = 0; g < m[0].nr_groups; g++) {
		static const char *const what[] = { "share %", "wake p50 ms", "wake p99 ms",
						     "wait p99 ms", "turnaround ms" };

		for (int k = 0; k < 5; k++) {
			char label[64];

			snprintf(label, sizeof(label), "%s %s", m[0].g[g].name, what[k]);
			fprintf(f, "%-28.28s", label);
			for (int p = 0; p < n; p++) {
				const struct group_metrics *gm = &m[p].g[g];
				double v = k == 0 ? 100 * gm->share : k == 1 ? gm->wake_p50 / 1e6 :
					   k == 2 ? gm->wake_p99 / 1e6 : k == 3 ? gm->wait_p99 / 1e6 :
					   gm->turnaround / 1e6;

				if (isnan(v))
					fprintf(f, " %14s", "-");
				else
					fprintf(f, " %14.2f", v);
			}
			fprintf(f, "\n");
		}
	}
	fprintf(f, "%-28s", "utilisation %");
	for (int p = 0; p < n; p++)
		fprintf(f, " %14.1f", 100 * m[p].util);
	fprintf(f, "\n%-28s", "Jain (weighted)");
	for (int p = 0; p < n; p++)
		fprintf(f, " %14.3f", m[p].jain);
	fprintf(f, "\n%-28s", "throughput bursts/s");
	for (int p = 0; p < n; p++)
		fprintf(f, " %14.0f", m[p].throughput);
	fprintf(f, "\n%-28s", "scheduler overhead %");
	for (int p = 0; p < n; p++)
		fprintf(f, " %14.2f", 100 * m[p].overhead);
	fprintf(f, "\n");
}

static void jnum(FILE *f, const char *k, double v, bool comma)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "\"%s\": null%s", k, comma ? ", " : "");
	else
		fprintf(f, "\"%s\": %.17g%s", k, v, comma ? ", " : "");
}

void sim_print_json(FILE *f, const struct sim_metrics *ms, int n)
{
	fprintf(f, "[\n");
	for (int p = 0; p < n; p++) {
		const struct sim_metrics *m = &ms[p];
		struct lua_counter cs[LUA_COUNTERS_NR];
		int nc;

		fprintf(f, "  {\"policy\": \"%s\", \"workload\": \"%s\", \"cpus\": %d, ", m->policy,
			m->workload, m->cpus);
		jnum(f, "duration_ns", m->duration_ns, true);
		fprintf(f, "\"seed\": %llu,\n   \"machine\": {", (unsigned long long)m->seed);
		jnum(f, "utilisation", m->util, true);
		jnum(f, "jain", m->jain, true);
		jnum(f, "throughput", m->throughput, true);
		jnum(f, "overhead", m->overhead, true);
		jnum(f, "busy_ns", m->busy_ns, true);
		jnum(f, "idle_ns", m->idle_ns, true);
		jnum(f, "sched_ns", m->sched_ns, true);
		jnum(f, "task_cpu_ns", m->task_cpu_ns, true);
		fprintf(f, "\"steps\": %llu, \"user_dispatches\": %llu, \"kernel_dispatches\": %llu, "
			"\"bounces\": %llu, \"policy_errors\": %llu,\n    \"counters\": {",
			(unsigned long long)m->steps, m->c.user_dispatches, m->c.kernel_dispatches,
			m->c.bounce, (unsigned long long)m->policy_errors);
		/* The live stats line's counters, by its names: a simulator row
		 * and a vm-bench row compare name by name. */
		nc = lua_counters_list(&m->c, cs);
		for (int i = 0; i < nc; i++)
			fprintf(f, "%s\"%s\": %llu", i ? ", " : "", cs[i].name, cs[i].v);
		fprintf(f, "}},\n   \"groups\": [\n");
		for (int g = 0; g < m->nr_groups; g++) {
			const struct group_metrics *gm = &m->g[g];

			fprintf(f, "    {\"name\": \"%s\", \"tasks\": %d, \"weight\": %u, \"done\": %d, ",
				gm->name, gm->n, gm->weight, gm->nr_done);
			jnum(f, "cpu_ns", gm->cpu_ns, true);
			jnum(f, "life_cpu_ns", gm->life_cpu_ns, true);
			jnum(f, "share", gm->share, true);
			jnum(f, "wait_p50_ns", gm->wait_p50, true);
			jnum(f, "wait_p99_ns", gm->wait_p99, true);
			jnum(f, "wait_max_ns", gm->wait_max, true);
			jnum(f, "wake_p50_ns", gm->wake_p50, true);
			jnum(f, "wake_p99_ns", gm->wake_p99, true);
			jnum(f, "wake_max_ns", gm->wake_max, true);
			jnum(f, "wake_mean_ns", gm->wake_mean, true);
			jnum(f, "starve_max_ns", gm->starve_max, true);
			fprintf(f, "\"wait_samples\": %u, \"wake_samples\": %u, ", gm->nr_wait,
				gm->nr_wake);
			jnum(f, "turnaround_ns", gm->turnaround, true);
			jnum(f, "response_ns", gm->response, true);
			fprintf(f, "\"runs\": %llu, \"preemptions\": %llu, \"bursts\": %llu, "
				"\"migrations\": %llu, \"llc_migrations\": %llu}%s\n",
				(unsigned long long)gm->runs, (unsigned long long)gm->preempt,
				(unsigned long long)gm->bursts, (unsigned long long)gm->migrations,
				(unsigned long long)gm->llc_migrations, g + 1 < m->nr_groups ? "," : "");
		}
		fprintf(f, "   ]}%s\n", p + 1 < n ? "," : "");
	}
	fprintf(f, "]\n");
}

static const char *task_group(const struct sim_result *r, const struct workload *w, int task)
{
	return task < 0 ? "scheduler" : w->g[r->task[task].group].name;
}

int sim_write_trace(const char *path, const struct sim_result *r, const struct workload *w)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	/* Trace-event format: one track per CPU, plus one for wake-ups. */
	fprintf(f, "{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
	fprintf(f, "{\"name\": \"process_name\", \"ph\": \"M\", \"pid\": 1, \"args\": {\"name\": \"CPUs\"}}");
	for (int c = 0; c < r->nr_cpus; c++)
		fprintf(f, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %d, "
			"\"args\": {\"name\": \"CPU %d\"}}", c, c);
	fprintf(f, ",\n{\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, \"tid\": %d, "
		"\"args\": {\"name\": \"wake-ups and decisions\"}}", r->nr_cpus);
	for (uint32_t i = 0; i < r->nr_seg; i++) {
		const struct sim_segment *s = &r->seg[i];

		fprintf(f, ",\n{\"name\": \"%s %d\", \"cat\": \"%s\", \"ph\": \"X\", \"ts\": %.3f, "
			"\"dur\": %.3f, \"pid\": 1, \"tid\": %d}", task_group(r, w, s->task),
			s->task < 0 ? 0 : r->task[s->task].pid, s->task < 0 ? "scheduler" : "run",
			s->start_ms * 1e3, (s->end_ms - s->start_ms) * 1e3, s->cpu);
	}
	for (uint32_t i = 0; i < r->nr_wakes; i++) {
		const struct sim_wake *e = &r->wakes[i];

		if (e->cpu == -1)
			fprintf(f, ",\n{\"name\": \"wake %s %d\", \"ph\": \"i\", \"s\": \"t\", \"ts\": %.3f, "
				"\"pid\": 1, \"tid\": %d}", task_group(r, w, e->task),
				r->task[e->task].pid, e->ms * 1e3, r->nr_cpus);
		else
			fprintf(f, ",\n{\"name\": \"dispatch %s %d to %s%d\", \"ph\": \"i\", \"s\": \"t\", "
				"\"ts\": %.3f, \"pid\": 1, \"tid\": %d}", task_group(r, w, e->task),
				r->task[e->task].pid, e->cpu >= 0 ? "CPU " : "shared", e->cpu >= 0 ? e->cpu : 0,
				e->ms * 1e3, r->nr_cpus);
	}
	fprintf(f, "\n]}\n");
	return fclose(f) ? -errno : 0;
}

static const char *const palette[] = { "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
				       "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac" };

/* One policy's heading and its one-paragraph summary. */
static void html_head(FILE *f, const struct sim_metrics *m)
{
	fprintf(f, "<section class=\"policy\"><h1>policy <code>%s</code> on \"%s\"</h1><p>%d CPUs, "
		"%.1f s simulated, seed %llu. Utilisation %.1f%%, Jain %.3f, throughput %.0f bursts/s, "
		"scheduler overhead %.2f%%.</p>\n",
		m->policy, m->workload, m->cpus, m->duration_ns / 1e9, (unsigned long long)m->seed,
		100 * m->util, m->jain, m->throughput, 100 * m->overhead);
}

/* The report's window in ms: --window, else the first second at most. */
static void window(const struct sim_metrics *m, double *from, double *to)
{
	double end = m->duration_ns / 1e6;

	*from = m->win_to_ms > 0 ? fmin(m->win_from_ms, end) : 0;
	*to = m->win_to_ms > 0 ? fmin(m->win_to_ms, end) : fmin(end, 1000);
	if (*to <= *from)
		*to = fmin(*from + 1, end), *from = *to - 1;
}

/* Who ran on each CPU in the window: one SVG row per CPU. */
static void html_gantt(FILE *f, const struct sim_metrics *m, const struct sim_result *r,
		       const struct workload *w)
{
	double from, to, W = 1100, row = 28;

	window(m, &from, &to);
	fprintf(f, "<h2>CPUs over time (%.0f to %.0f ms)</h2><p>", from, to);
	for (int g = 0; g < w->nr_groups; g++)
		fprintf(f, "<span class=\"k\" style=\"background:%s\"></span>%s", palette[g % 10],
			w->g[g].name);
	fprintf(f, "<span class=\"k\" style=\"background:#000\"></span>scheduler</p>\n");
	fprintf(f, "<svg id=\"gantt\" width=\"%.0f\" height=\"%.0f\" xmlns=\"http://www.w3.org/2000/svg\">\n",
		W + 70, row * r->nr_cpus + 24);
	for (int c = 0; c < r->nr_cpus; c++)
		fprintf(f, "<text x=\"0\" y=\"%.0f\">CPU %d</text><rect x=\"60\" y=\"%.0f\" width=\"%.0f\" "
			"height=\"%.0f\" fill=\"#f6f6f6\"/>\n", row * c + 18, c, row * c + 2, W, row - 4);
	for (uint32_t i = 0; i < r->nr_seg; i++) {
		const struct sim_segment *s = &r->seg[i];
		double x0 = fmax(s->start_ms, from), x1 = fmin(s->end_ms, to);

		if (x1 <= x0)
			continue;
		fprintf(f, "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"%.0f\" fill=\"%s\">"
			"<title>%s %d: %.3f-%.3f ms</title></rect>\n", 60 + (x0 - from) / (to - from) * W,
			row * s->cpu + 2, fmax((x1 - x0) / (to - from) * W, 0.3), row - 4,
			s->task < 0 ? "#000" : palette[r->task[s->task].group % 10],
			task_group(r, w, s->task), s->task < 0 ? 0 : r->task[s->task].pid, s->start_ms,
			s->end_ms);
	}
	for (int t = 0; t <= 10; t++)
		fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"10\">%.0f ms</text>\n",
			60 + W * t / 10 - (t == 10 ? 30 : 0), row * r->nr_cpus + 16,
			from + (to - from) * t / 10);
	fprintf(f, "</svg>\n");
}

/* Wake-up latencies of group @g in decade bins (<10us ... >=100ms); returns the total. */
static uint64_t wake_bins(const struct sim_result *r, int g, uint64_t cnt[6])
{
	static const double bins_us[] = { 10, 100, 1000, 10000, 100000 };
	uint64_t total = 0;

	for (int i = 0; i < r->nr_tasks; i++) {
		if (r->task[i].group != g)
			continue;
		for (uint32_t k = 0; k < r->task[i].wake.n; k++) {
			double us = r->task[i].wake.v[k] / 1e3;
			int b = 0;

			while (b < 5 && us >= bins_us[b])
				b++;
			cnt[b]++;
			total++;
		}
	}
	return total;
}

/* One row per group: the counts per bin and a small bar chart of them. */
static void html_wake_table(FILE *f, const struct sim_result *r, const struct workload *w)
{
	static const char *const bin_name[] = { "<10us", "<100us", "<1ms", "<10ms", "<100ms", ">=100ms" };

	fprintf(f, "<h2>Wake-up latency, per group</h2><table><tr><th>group</th>");
	for (int b = 0; b < 6; b++)
		fprintf(f, "<th>%s</th>", bin_name[b]);
	fprintf(f, "<th>distribution</th></tr>\n");
	for (int g = 0; g < w->nr_groups; g++) {
		uint64_t cnt[6] = { 0 }, peak = 1, total = wake_bins(r, g, cnt);

		for (int b = 0; b < 6; b++)
			peak = cnt[b] > peak ? cnt[b] : peak;
		fprintf(f, "<tr><td>%s</td>", w->g[g].name);
		for (int b = 0; b < 6; b++)
			fprintf(f, "<td>%llu</td>", (unsigned long long)cnt[b]);
		fprintf(f, "<td><svg width=\"240\" height=\"20\">");
		for (int b = 0; b < 6; b++)
			fprintf(f, "<rect x=\"%d\" y=\"%.1f\" width=\"36\" height=\"%.1f\" fill=\"%s\"/>",
				b * 40, 20 - 20.0 * cnt[b] / peak, 20.0 * cnt[b] / peak, palette[g % 10]);
		fprintf(f, "</svg>%s</td></tr>\n", total ? "" : " (no wake-ups)");
	}
	fprintf(f, "</table>\n");
}

/*
 * Each task's life in the window, one row per task (the first
 * HTML_TASKS): running (its group's colour), runnable but waiting (red
 * hatch), asleep (blank). Derived from the runs and the wake-ups: between
 * two runs a task was asleep until a wake-up, runnable after it; with no
 * wake-up between, it was runnable all along (preempted, or its slice out).
 */
#define HTML_TASKS 24
static void lane_span(FILE *f, double x0, double x1, double y, double from, double to, double W,
		      const char *fill)
{
	x0 = fmax(x0, from);
	x1 = fmin(x1, to);
	if (x1 <= x0)
		return;
	fprintf(f, "<rect x=\"%.2f\" y=\"%.0f\" width=\"%.2f\" height=\"12\" fill=\"%s\"/>",
		90 + (x0 - from) / (to - from) * W, y, fmax((x1 - x0) / (to - from) * W, 0.3), fill);
}

static void html_lanes(FILE *f, const struct sim_metrics *m, const struct sim_result *r,
		       const struct workload *w)
{
	double from, to, W = 1080, row = 16;
	int nr = r->nr_tasks < HTML_TASKS ? r->nr_tasks : HTML_TASKS;

	window(m, &from, &to);
	fprintf(f, "<h2>Tasks over time (%.0f to %.0f ms%s)</h2><p>running in its group's colour, "
		"<span class=\"k\" style=\"background:#e15759;opacity:.35\"></span>runnable, waiting "
		"for a CPU; blank: asleep; an arrow: one task woke another (a hand-off)</p>\n"
		"<svg class=\"lanes\" width=\"%.0f\" height=\"%.0f\" xmlns=\"http://www.w3.org/2000/svg\">"
		"<defs><marker id=\"ah\" markerWidth=\"6\" markerHeight=\"6\" refX=\"3\" refY=\"3\" "
		"orient=\"auto\"><path d=\"M0,0 L6,3 L0,6 z\" fill=\"#333\"/></marker></defs>\n",
		from, to, nr < r->nr_tasks ? ", the first tasks" : "", W + 100, row * nr + 8);
	for (int i = 0; i < nr; i++) {
		double y = row * i + 2, prev_end = r->task[i].arrival / 1e6, woke = -1;

		fprintf(f, "<text x=\"0\" y=\"%.0f\" font-size=\"11\">%s %d</text>", y + 11,
			w->g[r->task[i].group].name, r->task[i].pid);
		woke = prev_end;   /* it arrives runnable */
		for (uint32_t k = 0, e = 0; k < r->nr_seg; k++) {
			const struct sim_segment *s = &r->seg[k];

			if (s->task != i)
				continue;
			/* The last wake-up of this task before the run began. */
			for (; e < r->nr_wakes && r->wakes[e].ms <= s->start_ms; e++)
				if (r->wakes[e].task == i && r->wakes[e].cpu == -1 &&
				    r->wakes[e].ms >= prev_end)
					woke = r->wakes[e].ms;
			lane_span(f, woke >= 0 ? woke : prev_end, s->start_ms, y + 2, from, to, W,
				  "rgba(225,87,89,.35)");
			lane_span(f, s->start_ms, s->end_ms, y, from, to, W,
				  palette[r->task[i].group % 10]);
			prev_end = s->end_ms;
			woke = -1;
		}
		fprintf(f, "\n");
	}
	/* Hand-offs: an arrow from the waker's lane to the wakee's. */
	for (uint32_t e = 0; e < r->nr_wakes; e++) {
		const struct sim_wake *k = &r->wakes[e];
		double x;

		if (k->by < 0 || k->by >= nr || k->task >= nr || k->ms < from || k->ms >= to)
			continue;
		x = 90 + (k->ms - from) / (to - from) * W;
		fprintf(f, "<line x1=\"%.2f\" y1=\"%.0f\" x2=\"%.2f\" y2=\"%.0f\" stroke=\"#333\" "
			"stroke-width=\"0.7\" marker-end=\"url(#ah)\"/>\n", x, row * k->by + 8, x,
			row * k->task + (k->task > k->by ? 2 : 14));
	}
	fprintf(f, "</svg>\n");
}

/* One row per task (the first 64): what the groups' rows average. */
static void html_task_table(FILE *f, const struct sim_result *r, const struct workload *w)
{
	int nr = r->nr_tasks < 64 ? r->nr_tasks : 64;

	fprintf(f, "<h2>Per task%s</h2><table><tr><th>task</th><th>group</th><th>CPU ms</th>"
		"<th>runs</th><th>preempted</th><th>longest wait ms</th><th>response ms</th>"
		"<th>turnaround ms</th></tr>\n", nr < r->nr_tasks ? " (the first 64)" : "");
	for (int i = 0; i < nr; i++) {
		const struct sim_task_stats *t = &r->task[i];

		fprintf(f, "<tr><td>%d</td><td>%s</td><td>%.1f</td><td>%llu</td><td>%llu</td>"
			"<td>%.2f</td>", t->pid, w->g[t->group].name, t->cpu_ns / 1e6,
			(unsigned long long)t->nr_runs, (unsigned long long)t->nr_preempt,
			t->worst_wait / 1e6);
		fprintf(f, t->first_run >= 0 ? "<td>%.2f</td>" : "<td>-</td>",
			(t->first_run - t->arrival) / 1e6);
		fprintf(f, t->finish >= 0 ? "<td>%.2f</td></tr>\n" : "<td>-</td></tr>\n",
			(t->finish - t->arrival) / 1e6);
	}
	fprintf(f, "</table>\n");
}

FILE *sim_html_begin(const char *path, const struct workload *w, int nr_policies)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return NULL;
	fprintf(f, "<!doctype html><html><head><meta charset=\"utf-8\"><title>scx_lua sim: %s</title>"
		"<style>body{font:14px sans-serif;margin:24px;color:#222}table{border-collapse:collapse}"
		"td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}"
		"td:first-child{text-align:left}h2{margin-top:28px}pre{font-size:12px;overflow-x:auto}"
		".k{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}"
		"section.policy{border-top:3px solid #888;margin-top:32px}</style></head><body>\n",
		w->name);
	if (nr_policies > 1)
		fprintf(f, "<p>%d policies on the same workload, one section each, in the order "
			"given.</p>\n", nr_policies);
	return f;
}

void sim_html_policy(FILE *f, const struct sim_metrics *m, const struct sim_result *r,
		     const struct workload *w)
{
	html_head(f, m);
	html_gantt(f, m, r, w);
	html_lanes(f, m, r, w);
	html_wake_table(f, r, w);
	fprintf(f, "<h2>Metrics</h2><pre>");
	sim_print_table(f, m);
	fprintf(f, "</pre>\n");
	html_task_table(f, r, w);
	fprintf(f, "</section>\n");
}

int sim_html_end(FILE *f)
{
	html_glossary(f);
	fprintf(f, "<p>Generated by scx_lua sim. Times are simulated.</p></body></html>\n");
	return fclose(f) ? -errno : 0;
}
