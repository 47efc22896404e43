// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulator: its invariants (CPU time conserved, no task on two CPUs at
 * once or outside its affinity, every task runs, results reproducible) and
 * known results as properties (fifo finishes a burst in arrival order;
 * deadline shares equal and weighted hogs fairly; deadline beats fifo on
 * interactive wake-up latency).
 */
#include <math.h>
#include <stdlib.h>

#include "../sim/machine.c"
#include "simrun.h"
#include "test.h"

static int cmp_seg(const void *a, const void *b)
{
	const struct sim_segment *x = a, *y = b;

	if (x->task != y->task)
		return x->task - y->task;
	return x->start_ms < y->start_ms ? -1 : x->start_ms > y->start_ms;
}

static void invariants(const char *policy)
{
	struct run r;
	const struct sim_result *res;
	double total, sum = 0;
	int overlap = 0, outside = 0, never = 0;

	CHECK(simulate(&r, policy, "tests/workloads/affinity.lua", 3) == 0, "%s: runs", policy);
	res = sim_result(r.sim);
	total = res->nr_cpus * res->duration_ns;
	CHECK(fabs(res->busy_ns + res->idle_ns + res->sched_ns - total) < 1e-6 * total,
	      "%s: busy %.0f + idle %.0f + scheduler %.0f != CPUs x duration %.0f", policy,
	      res->busy_ns, res->idle_ns, res->sched_ns, total);
	for (int i = 0; i < res->nr_tasks; i++) {
		sum += res->task[i].cpu_ns;
		if (res->task[i].first_run < 0)
			never++;
	}
	CHECK(fabs(sum - res->busy_ns) < 1e-6 * total, "%s: task CPU %.0f != busy %.0f", policy, sum,
	      res->busy_ns);
	CHECK(never == 0, "%s: %d tasks never ran", policy, never);
	qsort(res->seg, res->nr_seg, sizeof(*res->seg), cmp_seg);
	for (uint32_t i = 0; i < res->nr_seg; i++) {
		const struct sim_segment *s = &res->seg[i];

		if (s->task < 0)
			continue;
		if (i && res->seg[i - 1].task == s->task && s->start_ms < res->seg[i - 1].end_ms - 1e-6)
			overlap++;
		if (r.w.g[res->task[s->task].group].affinity &&
		    !(r.w.g[res->task[s->task].group].affinity >> s->cpu & 1))
			outside++;
	}
	CHECK(res->nr_seg > 1000, "%s: segments recorded (%u)", policy, res->nr_seg);
	CHECK(overlap == 0, "%s: %d times a task ran on two CPUs at once", policy, overlap);
	CHECK(outside == 0, "%s: %d runs outside the task's affinity", policy, outside);
	CHECK(r.m.policy_errors == 0 && r.e.stats->nr_policy_errors == 0, "%s: no policy errors", policy);
	done(&r);
}

int main(void)
{
	struct run a, b;

	invariants("policies/fifo.lua");
	invariants("policies/deadline.lua");

	/* Determinism: same inputs, same numbers, to the last bit. */
	simulate(&a, "policies/deadline.lua", "policies/workloads/interactive.lua", 9);
	simulate(&b, "policies/deadline.lua", "policies/workloads/interactive.lua", 9);
	CHECK(a.m.busy_ns == b.m.busy_ns && a.m.g[1].wake_p99 == b.m.g[1].wake_p99 &&
	      a.m.steps == b.m.steps && sim_result(a.sim)->nr_seg == sim_result(b.sim)->nr_seg &&
	      !memcmp(sim_result(a.sim)->seg, sim_result(b.sim)->seg,
		      sim_result(a.sim)->nr_seg * sizeof(struct sim_segment)),
	      "two runs differ");
	done(&a);
	done(&b);

	/* fifo: a burst of equal short jobs finishes in arrival order. */
	simulate(&a, "policies/fifo.lua", "tests/workloads/fifo_burst.lua", 1);
	{
		const struct sim_result *res = sim_result(a.sim);
		int inversions = 0, unfinished = 0;

		for (int i = 0; i < res->nr_tasks; i++) {
			if (res->task[i].finish < 0)
				unfinished++;
			if (i && res->task[i].finish < res->task[i - 1].finish)
				inversions++;
		}
		CHECK(unfinished == 0, "fifo: %d jobs unfinished", unfinished);
		CHECK(inversions == 0, "fifo: %d jobs finished before an earlier arrival", inversions);
	}
	done(&a);

	/* deadline: equal hogs share equally. */
	simulate(&a, "policies/deadline.lua", "policies/workloads/hogs.lua", 1);
	CHECK(a.m.jain >= 0.99, "deadline hogs: Jain %.4f < 0.99", a.m.jain);
	printf("deadline on hogs: Jain %.4f\n", a.m.jain);
	done(&a);

	/* deadline: weighted hogs get shares proportional to weight (5%). */
	simulate(&a, "policies/deadline.lua", "policies/workloads/weighted.lua", 1);
	{
		double wsum = 0;

		for (int g = 0; g < a.m.nr_groups; g++)
			wsum += a.m.g[g].weight * a.m.g[g].n;
		for (int g = 0; g < a.m.nr_groups; g++) {
			double want = a.m.g[g].weight * a.m.g[g].n / wsum * a.m.util;

			CHECK(fabs(a.m.g[g].share - want) <= 0.05 * want,
			      "deadline weighted: %s share %.4f, want %.4f +-5%%", a.m.g[g].name,
			      a.m.g[g].share, want);
			printf("deadline weighted: %s share %.4f (want %.4f)\n", a.m.g[g].name,
			       a.m.g[g].share, want);
		}
	}
	done(&a);

	/* The interactive task's p99 wake-up latency: deadline < fifo. */
	simulate(&a, "policies/fifo.lua", "policies/workloads/interactive.lua", 1);
	simulate(&b, "policies/deadline.lua", "policies/workloads/interactive.lua", 1);
	for (int g = 1; g < a.m.nr_groups; g++) {
		CHECK(b.m.g[g].wake_p99 < a.m.g[g].wake_p99,
		      "%s wake p99: deadline %.3f ms not below fifo %.3f ms", a.m.g[g].name,
		      b.m.g[g].wake_p99 / 1e6, a.m.g[g].wake_p99 / 1e6);
		printf("%s wake p99: fifo %.3f ms, deadline %.3f ms\n", a.m.g[g].name,
		       a.m.g[g].wake_p99 / 1e6, b.m.g[g].wake_p99 / 1e6);
	}
	done(&a);
	done(&b);
	TEST_END("test_machine");
}
