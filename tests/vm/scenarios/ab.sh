# SPDX-License-Identifier: GPL-2.0-only
# `BENCH_BASE=path/to/older/scx_lua tests/vm/run.sh ab`: this build against
# an older one in one boot (with BENCH_BASE_POLICIES=dir, with that build's
# own policy files), on what `make demo` runs (CPU hogs on every CPU
# beside a task waking every 2 ms), each DEMO_ROUNDS times (2), in turn
# with EEVDF: the wake-up latency and the hogs' bogo ops, where the CPUs'
# time went (/proc/stat: user, system, idle, irq+softirq, in ticks), the
# hogs' own system time and scx_lua's counters. DEMO_POLICIES (deadline)
# picks the policies; DEMO_MSG=1 adds `perf bench sched messaging` with
# threads and processes; DEMO_STALL=N runs vm-test's part 6 (a starving
# policy with the starvation guard off must be ejected by the kernel's
# watchdog) N times under each build, with DEMO_STALL_HOGS (2) CPU hogs
# per CPU (a list: each in turn). Figures only: compare within a boot.
. /scx/lib.sh
SECS=${DEMO_SECONDS:-10}
ROUNDS=${DEMO_ROUNDS:-2}
POLS=${DEMO_POLICIES:-deadline}
NCPU=$(nproc)
BINS="scx_lua.base scx_lua"
command -v scx_lua.base > /dev/null || BINS=scx_lua

# user system idle irq+softirq (ticks), context switches, then the IPIs
# (rescheduling, function call, irq work) summed over the CPUs
ticks() {
  awk '/^cpu / { u = $2 + $3; s = $4; i = $5; q = $7 + $8 } /^ctxt/ { c = $2 }
    END { printf "%d %d %d %d %d ", u, s, i, q, c }' /proc/stat
  awk '$1 ~ /^(RES|CAL|IWI):$/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n[$1] += $i }
    END { printf "%d %d %d\n", n["RES:"], n["CAL:"], n["IWI:"] }' /proc/interrupts
}
tick_delta() {
  echo "$1 $2" | awk '{ h = NF / 2; printf "user=%d sys=%d idle=%d irq=%d ctxt=%d res=%d cal=%d iwi=%d",
    $(h+1)-$1, $(h+2)-$2, $(h+3)-$3, $(h+4)-$4, $(h+5)-$5, $(h+6)-$6, $(h+7)-$7, $(h+8)-$8 }'
}

measure() {  # LABEL
  t0=$(ticks)
  cyclictest -q -m -i 2000 -D "${SECS}s" > /tmp/cyc 2>&1 &
  c=$!
  stress-ng --cpu "$NCPU" --timeout "${SECS}s" --metrics-brief > /tmp/ng 2>&1
  wait $c
  t1=$(ticks)
  echo "AB $1 avg_us=$(sed -n 's/.*Avg: *\([0-9]*\).*/\1/p' /tmp/cyc | head -1)" \
    "max_us=$(sed -n 's/.*Max: *\([0-9]*\).*/\1/p' /tmp/cyc | head -1)" \
    "$(awk '$0 ~ / cpu / && $5 ~ /^[0-9]+$/ { printf "bogo=%s hog_usr_s=%s hog_sys_s=%s", $5, $7, $8; exit }' /tmp/ng)" \
    "$(tick_delta "$t0" "$t1")"
}

msg() {  # LABEL
  for m in -t ""; do
    echo "AB $1 messaging${m:--p}_s=$(perf bench sched messaging $m -g 4 -l 100 2>&1 | awk '/Total time/ {print $3}')"
  done
}

under() {  # BIN POLICY: run measure (and msg) under it
  # the older build with its own policy files, if BENCH_BASE_POLICIES gave them
  pd=policies
  [ "$1" = scx_lua.base ] && [ -d base/policies ] && pd=base/policies
  $1 "$pd/$2.lua" --stats 2 > /tmp/scx.log 2>&1 & pid=$!
  if ! wait_state enabled 30; then echo "AB $1/$2 did not attach"; cat /tmp/scx.log; return; fi
  measure "$1/$2"
  kill -USR1 $pid; sleep 0.3
  echo "AB $1/$2 $(last_stats /tmp/scx.log core)"
  echo "AB $1/$2 $(last_stats /tmp/scx.log bpf)"
  # each BPF program's runs and run time (kernel.bpf_stats_enabled), by fd
  for f in /proc/$pid/fdinfo/*; do
    awk -v fd="${f##*/}" '/^run_time_ns/ { t = $2 } /^run_cnt/ { n = $2 }
      END { if (n > 0) printf "fd%s=%d/%dus ", fd, n, t / 1000 }' "$f"
  done | sed 's/^/AB bpf_progs /'; echo
  [ -n "${DEMO_MSG:-}" ] && msg "$1/$2"
  kill -INT $pid; wait $pid
}

cd /scx
echo 1 > /proc/sys/kernel/bpf_stats_enabled
echo "# ab: $NCPU CPUs, ${SECS}s, $ROUNDS rounds, builds: $BINS, policies: $POLS"
for r in $(seq "$ROUNDS"); do
  measure eevdf
  [ -n "${DEMO_MSG:-}" ] && msg eevdf
  for pol in $POLS; do for b in $BINS; do under $b $pol; done; done
done

stall() {  # BIN HOGS_PER_CPU: vm-test's part 6, with a time limit of 60 s
  $1 tests/policies/starve.lua --starve-ms 0 > /tmp/e.log 2>&1 & pid=$!
  wait_state enabled 30
  t0=$(date +%s)
  stress-ng --cpu $(($2 * NCPU)) --timeout 70s --quiet & hogs=$!
  cyclictest -q -i 2000 -D 70s > /dev/null 2>&1 & sleeper=$!
  ( sleep 60; kill -INT $pid 2>/dev/null ) & guard=$!
  wait $pid; rc=$?
  t1=$(date +%s)
  # cyclictest's threads: time on a CPU (ns), waited (ns), runs
  runs=$(cat /proc/$sleeper/task/*/schedstat 2>/dev/null | tr '\n' ' ')
  kill $guard $hogs $sleeper 2>/dev/null; wait $hogs $sleeper 2>/dev/null
  ej=0; grep -q 'runnable task stall' /tmp/e.log && ej=1
  echo "AB stall $1 hogs=$2x rc=$rc ejected=$ej after_s=$((t1 - t0)) cyclictest=[$runs] $(grep -m1 'stall' /tmp/e.log)"
  [ $ej = 1 ] || grep -E '^ *\[scx_lua\]|\[bpf\]' /tmp/e.log | tail -2 | sed 's/^/AB stall-stats /'
  dmesg -c > /dev/null
}
for n in $(seq "${DEMO_STALL:-0}"); do
  for h in ${DEMO_STALL_HOGS:-2}; do for b in $BINS; do stall $b $h; done; done
done
echo "ab: done"
