// SPDX-License-Identifier: GPL-2.0-only
/*
 * Each shipped policy keeps the promise its header makes, checked by
 * behaviour in the simulator on a shipped (or test) workload. A policy
 * whose test fails is not shipped. Tolerances are stated per check.
 */
#include <math.h>

#include "simrun.h"
#include "test.h"

#define W(x) "policies/workloads/" x ".lua"
#define T(x) "tests/workloads/" x ".lua"
#define POL(x) "policies/" x ".lua"

/* Shares proportional to weight x count, within tol (relative). */
static void check_weighted(const char *policy, double tol, double secs)
{
	struct run r;
	struct run_opts o = { .duration_s = secs };
	double wsum = 0;

	CHECK(simulate_with(&r, policy, W("weighted"), &o) == 0, "%s runs", policy);
	for (int g = 0; g < r.m.nr_groups; g++)
		wsum += r.m.g[g].weight * r.m.g[g].n;
	for (int g = 0; g < r.m.nr_groups; g++) {
		double want = r.m.g[g].weight * r.m.g[g].n / wsum * r.m.util;

		CHECK(fabs(r.m.g[g].share - want) <= tol * want, "%s: %s share %.4f, want %.4f +-%.0f%%",
		      policy, r.m.g[g].name, r.m.g[g].share, want, tol * 100);
	}
	printf("%-9s weighted shares:", policy + 9);
	for (int g = 0; g < r.m.nr_groups; g++)
		printf(" %s %.3f", r.m.g[g].name, r.m.g[g].share);
	printf(" (%.0f s)\n", secs ? secs : r.w.duration_ns / 1e9);
	done(&r);
}

static void check_equal_hogs(const char *policy)
{
	struct run r;

	simulate(&r, policy, W("hogs"), 1);
	CHECK(r.m.jain >= 0.99, "%s: equal hogs Jain %.4f < 0.99", policy, r.m.jain);
	done(&r);
}

/* Interactive groups of the mix wake up faster than under fifo. */
static void check_interactive(const char *policy, const char *fifo_like)
{
	struct run a, b;

	simulate(&a, fifo_like, W("interactive"), 1);
	simulate(&b, policy, W("interactive"), 1);
	for (int g = 1; g < a.m.nr_groups; g++)
		CHECK(b.m.g[g].wake_p99 < a.m.g[g].wake_p99,
		      "%s: %s wake p99 %.2f ms not below %s's %.2f ms", policy, a.m.g[g].name,
		      b.m.g[g].wake_p99 / 1e6, fifo_like, a.m.g[g].wake_p99 / 1e6);
	printf("%-9s ui wake p99 %.2f ms (fifo %.2f), batch share %.3f\n", policy + 9,
	       b.m.g[1].wake_p99 / 1e6, a.m.g[1].wake_p99 / 1e6, b.m.g[0].share);
	done(&a);
	done(&b);
}

/* No starvation: on the interactive mix, nobody waits more than bound. */
static void check_no_starvation(const char *policy, double bound_ms)
{
	struct run r;
	double worst = 0;
	int never = 0;

	simulate(&r, policy, W("interactive"), 2);
	for (int g = 0; g < r.m.nr_groups; g++)
		worst = fmax(worst, r.m.g[g].wait_max);
	for (int i = 0; i < sim_result(r.sim)->nr_tasks; i++)
		never += sim_result(r.sim)->task[i].first_run < 0;
	CHECK(never == 0 && worst <= bound_ms * 1e6, "%s: %d never ran, worst wait %.1f ms > %.0f ms",
	      policy, never, worst / 1e6, bound_ms);
	CHECK(r.m.policy_errors == 0, "%s: policy errors", policy);
	done(&r);
}

/* A nice-19 hog must not drag the sleepers behind everyone: only it may
 * wait long (its share is ~1%), every other group waits <= bound. */
static void check_niced(const char *policy, double bound_ms)
{
	struct run r;

	simulate(&r, policy, T("niced"), 1);
	for (int g = 0; g < r.m.nr_groups; g++) {
		if (!strcmp(r.m.g[g].name, "niced"))
			continue;
		CHECK(r.m.g[g].wait_max <= bound_ms * 1e6, "%s beside a nice-19 hog: %s waited %.1f ms > %.0f ms",
		      policy, r.m.g[g].name, r.m.g[g].wait_max / 1e6, bound_ms);
	}
	done(&r);
}

int main(void)
{
	static const char *const starvation_free[] = { "fifo", "rr", "vruntime", "deadline",
		"eevdf", "interactive", "lottery", "stride", "mlfq", "latency", "pinned", "llc" };

	/* Every policy that claims it: each task runs, none waits > 1 s. */
	for (unsigned i = 0; i < sizeof(starvation_free) / sizeof(*starvation_free); i++) {
		char path[64];

		snprintf(path, sizeof(path), "policies/%s.lua", starvation_free[i]);
		check_no_starvation(path, 1000);
		check_niced(path, 1000);
	}

	/* Fair shares: equal hogs, and weights. */
	check_equal_hogs(POL("rr"));
	check_equal_hogs(POL("vruntime"));
	check_equal_hogs(POL("eevdf"));
	check_equal_hogs(POL("stride"));
	check_weighted(POL("vruntime"), 0.05, 0);
	check_weighted(POL("deadline"), 0.05, 0);
	check_weighted(POL("stride"), 0.05, 0);
	check_weighted(POL("eevdf"), 0.10, 0);
	check_weighted(POL("lottery"), 0.10, 60);

	/* rr: a hog never waits more than two rounds of quanta. */
	{
		struct run r;

		simulate(&r, POL("rr"), W("hogs"), 1);
		CHECK(r.m.g[0].wait_max <= 2 * (8 / 4) * 5e6 + 1e6, "rr: hog waited %.2f ms",
		      r.m.g[0].wait_max / 1e6);
		done(&r);
	}

	/* Latency: better than fifo for the interactive groups of the mix. */
	check_interactive(POL("deadline"), POL("fifo"));
	check_interactive(POL("interactive"), POL("fifo"));
	check_interactive(POL("eevdf"), POL("fifo"));
	check_interactive(POL("mlfq"), POL("fifo"));
	check_interactive(POL("latency"), POL("fifo"));

	/* interactive: the woken stages of a pipeline run sooner than under fifo. */
	{
		struct run a, b;

		simulate(&a, POL("fifo"), W("pipeline"), 1);
		simulate(&b, POL("interactive"), W("pipeline"), 1);
		for (int g = 1; g <= 2; g++)
			CHECK(b.m.g[g].wake_p99 < a.m.g[g].wake_p99, "interactive: %s wake p99 %.2f >= fifo %.2f",
			      b.m.g[g].name, b.m.g[g].wake_p99 / 1e6, a.m.g[g].wake_p99 / 1e6);
		CHECK(b.m.g[0].bursts > a.m.g[0].bursts, "interactive: pipeline throughput %llu <= fifo %llu",
		      (unsigned long long)b.m.g[0].bursts, (unsigned long long)a.m.g[0].bursts);
		done(&a);
		done(&b);
	}

	/* mlfq: hogs sink below interactive tasks, and the boost keeps them alive. */
	{
		struct run r;

		simulate(&r, POL("mlfq"), W("interactive"), 1);
		CHECK(r.m.g[1].wait_p99 < r.m.g[0].wait_p99, "mlfq: ui wait p99 %.2f not below batch %.2f",
		      r.m.g[1].wait_p99 / 1e6, r.m.g[0].wait_p99 / 1e6);
		CHECK(r.m.g[0].share > 0.5, "mlfq: batch share %.3f (boosts must keep it running)",
		      r.m.g[0].share);
		done(&r);
	}

	/* sjf, srtf: shorter mean turnaround than fifo on mixed job lengths. */
	{
		struct run f, s;
		const char *const p[] = { POL("sjf"), POL("srtf") };

		simulate(&f, POL("fifo"), W("jobs"), 1);
		for (int i = 0; i < 2; i++) {
			double tf, ts;

			simulate(&s, p[i], W("jobs"), 1);
			tf = (f.m.g[0].turnaround * f.m.g[0].n + f.m.g[1].turnaround * f.m.g[1].n) /
			     (f.m.g[0].n + f.m.g[1].n);
			ts = (s.m.g[0].turnaround * s.m.g[0].n + s.m.g[1].turnaround * s.m.g[1].n) /
			     (s.m.g[0].n + s.m.g[1].n);
			CHECK(s.m.g[0].nr_done == 6 && s.m.g[1].nr_done == 30, "%s: all jobs done", p[i]);
			CHECK(ts < tf, "%s: mean turnaround %.1f ms not below fifo %.1f ms", p[i], ts / 1e6,
			      tf / 1e6);
			printf("%-9s mean turnaround %.1f ms (fifo %.1f ms)\n", p[i] + 9, ts / 1e6, tf / 1e6);
			done(&s);
		}
		done(&f);
	}

	/* latency: the named program wakes faster than its identical twin. */
	{
		struct run r;
		struct run_opts o = { .opts = { "comms=game" } };

		simulate_with(&r, POL("latency"), T("game"), &o);
		CHECK(r.m.g[0].wake_p99 < r.m.g[1].wake_p99, "latency: game wake p99 %.2f not below other %.2f",
		      r.m.g[0].wake_p99 / 1e6, r.m.g[1].wake_p99 / 1e6);
		printf("latency   game wake p99 %.2f ms, twin %.2f ms\n", r.m.g[0].wake_p99 / 1e6,
		       r.m.g[1].wake_p99 / 1e6);
		done(&r);
	}

	/* pinned, llc: fewer migrations than fifo when the policy decides. */
	{
		struct run f, p, l;
		struct run_opts o = { .full_user = true };

		simulate_with(&f, POL("fifo"), T("spread"), &o);
		simulate_with(&p, POL("pinned"), T("spread"), &o);
		simulate_with(&l, POL("llc"), T("spread"), &o);
		CHECK(p.m.g[0].migrations < f.m.g[0].migrations, "pinned: %llu migrations, fifo %llu",
		      (unsigned long long)p.m.g[0].migrations, (unsigned long long)f.m.g[0].migrations);
		CHECK(l.m.g[0].llc_migrations < f.m.g[0].llc_migrations,
		      "llc: %llu cross-LLC migrations, fifo %llu",
		      (unsigned long long)l.m.g[0].llc_migrations,
		      (unsigned long long)f.m.g[0].llc_migrations);
		printf("pinned    migrations %llu (fifo %llu); llc cross-LLC %llu (fifo %llu)\n",
		       (unsigned long long)p.m.g[0].migrations, (unsigned long long)f.m.g[0].migrations,
		       (unsigned long long)l.m.g[0].llc_migrations,
		       (unsigned long long)f.m.g[0].llc_migrations);
		done(&f);
		done(&p);
		done(&l);
	}
	TEST_END("test_policies");
}
