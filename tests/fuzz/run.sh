#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh FUZZER...: run each libFuzzer harness for FUZZ_SECONDS on its own
# corpus (kept in build/fuzz/corpus-NAME between runs), report executions
# and crashes, one ok/not ok line each and "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
D=${BUILD:-build}/fuzz
secs=${FUZZ_SECONDS:-60}
pass=0; fail=0
for f in "$@"; do
  mkdir -p "$D/corpus-$f" "$D/crashes-$f"
  log=$D/$f.log
  # Seeds: the shipped workloads for the workload fuzzer, a command line for the CLI one.
  case $f in
    fuzz_workload) cp -n policies/workloads/*.lua tests/workloads/*.lua "$D/corpus-$f/" 2>/dev/null ;;
    fuzz_cli) printf 'policies/deadline.lua\0--opt\0k=v\0-s\0500\0' > "$D/corpus-$f/seed" ;;
    fuzz_replay) "${BUILD:-build}/scx_lua" sim policies/fifo.lua --workload pipeline --duration 0.05 -u \
      --record "$D/corpus-$f/pipeline.rec" > /dev/null 2>&1 ;;
    fuzz_statsd) printf '{"req":"stats","args":{"target":"top"}}' > "$D/corpus-$f/seed"
      printf '{"t":1.5,"core":{"policy":"x\\"y","queued":3},"policy":{"a":1}}' > "$D/corpus-$f/reply" ;;
  esac
  # A policy call that outlives the watchdog's bounds is a finding too.
  extra=""; [ "$f" = fuzz_policy ] && extra="-timeout=20"
  ASAN_OPTIONS=detect_leaks=0 "$D/$f" -max_total_time="$secs" -print_final_stats=1 $extra \
    -artifact_prefix="$D/crashes-$f/" -rss_limit_mb=4096 "$D/corpus-$f" > "$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  crashes=$(ls "$D/crashes-$f" | wc -l)
  if [ $rc -eq 0 ] && [ "$crashes" -eq 0 ] && [ -n "$execs" ]; then
    pass=$((pass + 1)); echo "ok - $f: ${execs} executions in ${secs}s, 0 crashes"
  else
    fail=$((fail + 1)); echo "not ok - $f: exit $rc, ${execs:-?} executions, $crashes crash files in $D/crashes-$f (log: $log)"
    grep -m3 -E 'ERROR|SUMMARY|runtime error' "$log" | sed 's/^/#   /'
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail -eq 0 ]
