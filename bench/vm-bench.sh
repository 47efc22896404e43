#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make vm-bench`: boot the sched_ext kernel once, run the same workloads
# under the kernel's default scheduler (EEVDF) and scx_lua with several
# policies, BENCH_RUNS times (default 2), and print one markdown table:
# the mean of each figure, its spread over the runs, and its ratio to
# EEVDF measured in the same boot. Raw output: build/vm-bench/.
# Emulation is noisy: quote throughput ratios; tail latencies are indicative.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${BUILD:-build}
out=$B/vm-bench
mkdir -p "$out"
export BENCH_RUNS=${BENCH_RUNS:-2} BENCH_SCHEDS BENCH_SECONDS
BUILD=$B VM_TIMEOUT=${VM_TIMEOUT:-2400} tests/vm/run.sh vm-bench > "$out/console.txt" 2>&1 || {
  echo "vm-bench: the VM run failed; see $out/console.txt and $B/vm/vm-bench.log" >&2; exit 1; }
grep '^RESULT ' "$B/vm/vm-bench.log" > "$out/raw.txt"
# BENCH_PROFILE=1: each scx_lua run's perf report (the scheduler process)
grep '^PROFILE ' "$B/vm/vm-bench.log" > "$out/profile.txt" || rm -f "$out/profile.txt"
# BENCH_DETAIL=1: each scx_lua run's final counters
grep '^STATS ' "$B/vm/vm-bench.log" > "$out/stats.txt" || rm -f "$out/stats.txt"
awk -v runs="$BENCH_RUNS" '
  { k = $3 SUBSEP $4; if ($5 != "nan" && $5 != "") { sum[k] += $5; n[k]++;
      if (!(k in lo) || $5 < lo[k]) lo[k] = $5; if (!(k in hi) || $5 > hi[k]) hi[k] = $5 }
    if (!($3 in seen)) { seen[$3] = 1; order[++ns] = $3 } if (!($4 in fseen)) { fseen[$4] = 1; forder[++nf] = $4 } }
  function fmt(v) { return v >= 100 ? sprintf("%.0f", v) : sprintf("%.3g", v) }
  END {
    lower["messaging_threads_s"] = lower["messaging_processes_s"] = lower["hackbench_s"] = 1
    lower["cyclictest_avg_us"] = lower["cyclictest_p99_us"] = lower["cyclictest_max_us"] = 1
    lower["cyclictest_wake_run_us"] = lower["cyclictest_wake_run_max_us"] = 1
    printf "| figure |"; for (s = 1; s <= ns; s++) printf " %s |", order[s]; printf "\n|---|"
    for (s = 1; s <= ns; s++) printf "---:|"; printf "\n"
    for (f = 1; f <= nf; f++) {
      fig = forder[f]; printf "| %s%s |", fig, (fig in lower) ? " (lower wins)" : ""
      for (s = 1; s <= ns; s++) {
        k = order[s] SUBSEP fig
        if (!(k in n)) { printf " - |"; continue }
        m = sum[k] / n[k]; cell = fmt(m)
        if (n[k] > 1) cell = cell " (" fmt(lo[k]) "-" fmt(hi[k]) ")"
        e = "eevdf" SUBSEP fig
        if (order[s] != "eevdf" && (e in n) && sum[e] > 0) cell = cell sprintf(" %.2fx", m / (sum[e] / n[e]))
        printf " %s |", cell
      }
      printf "\n"
    }
  }' "$out/raw.txt" | tee "$out/table.md"
echo
echo "mean (min-max over $BENCH_RUNS runs) and ratio to EEVDF in the same boot; raw: $out/raw.txt"
[ ! -f "$out/profile.txt" ] || echo "profiles of the scheduler process: $out/profile.txt"
