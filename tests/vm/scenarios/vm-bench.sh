# SPDX-License-Identifier: GPL-2.0-only
# `make vm-bench` (inside the VM): the same workloads under each scheduler,
# in one boot, BENCH_RUNS times. Prints "RESULT run sched figure value"
# lines; bench/vm-bench.sh on the host turns them into the table.
. /scx/lib.sh
RUNS=${BENCH_RUNS:-2}
SCHEDS=${BENCH_SCHEDS:-"eevdf deadline fifo vruntime interactive"}
# POLICY@base: the same under BENCH_BASE's binary (tests/vm/run.sh), with
# BENCH_BASE_POLICIES's policy files if given; also with options or a
# reload (deadline%--record,/tmp/r.rec@base).
# POLICY%OPT,VALUE,...: with those options (deadline%--budget-us,4000).
# POLICY^FROM: started as FROM, then made POLICY by a reload (a copy of
# POLICY's file over FROM's, SIGHUP) before the workloads: the rule the
# BPF side applies must follow the reload (deadline^fifo: deadline_preempts
# above 0, as fifo's rule never preempts).
# PEERS=1: the kernel's example schedulers, each as built from its source
[ -n "${BENCH_PEERS:-}" ] && SCHEDS="$SCHEDS ${BENCH_PEERS_LIST:-scx_simple scx_userland scx_qmap}"
SECS=${BENCH_SECONDS:-10}
NCPU=$(nproc)

res() { echo "RESULT $run $sched $1 ${2:-nan}"; }

# BENCH_DETAIL=1: the scheduler process's CPU (% of one CPU) during each
# workload, as <figure>_sched_pct: where the whole-set figure comes from;
# for scx_lua also its records per batch (<figure>_per_batch), from stats
# lines printed on SIGUSR1 before and after (not for POLICY@base: an older
# build may not handle SIGUSR1).
snap() { kill -USR1 $pid 2>/dev/null; sleep 0.3; last_stats /tmp/scx.log core; }
# BENCH_ONLY="messaging_threads_s hackbench_s": only those figures' workloads.
only() { [ -z "${BENCH_ONLY:-}" ] || case " $BENCH_ONLY " in *" $1 "*) true ;; *) false ;; esac; }
phase() {  # FIGURE VALUE-COMMAND...: run it, report its value (and CPU)
  fig=$1; shift
  only $fig || return 0
  detail=; [ -n "${BENCH_DETAIL:-}" ] && [ -n "${pid:-}" ] && detail=1
  [ -n "$detail" ] && { pt0=$(cpu_ns $pid); pw0=$(now_ms); s0=; [ "$ops" = scx_lua ] && [ "$bin" = scx_lua ] && s0=$(snap); }
  res $fig "$("$@")"
  [ -n "$detail" ] || return 0
  res ${fig}_sched_pct "$(pct $(( $(cpu_ns $pid) - pt0 )) $(( $(now_ms) - pw0 )))"
  [ -n "$s0" ] || return 0
  s1=$(snap)
  res ${fig}_per_batch "$(awk -v q=$(( $(stat_of "$s1" queued) - $(stat_of "$s0" queued) )) \
    -v b=$(( $(stat_of "$s1" batches) - $(stat_of "$s0" batches) )) 'BEGIN { if (b) printf "%.1f", q / b }')"
}
messaging() { perf bench sched messaging "$@" -g 4 -l 100 2>&1 | awk '/Total time/ {print $3}'; }
hackbench_s() { hackbench -p -g 4 -l 100 2>&1 | awk '/^Time:/ {print $2}'; }
stress_bogo() { stress-ng --cpu "$NCPU" --timeout "${SECS}s" --metrics-brief 2>&1 | awk '$0 ~ / cpu / && $5 ~ /^[0-9]+$/ {print $5; exit}'; }
# Wake-up latency of an ordinary task beside CPU hogs (histogram to 200 ms).
# Its wake-ups and switches in are traced too (lib.sh: wake_run).
cyclic() {
  stress-ng --cpu "$NCPU" --timeout "$((SECS + 2))s" --quiet & hogs=$!
  sleep 1
  trace_wakeups cyclictest
  cyclictest -q -m -i 1000 -D "${SECS}s" -h 200000 > /tmp/cyc 2>&1
  trace_wakeups off /tmp/cyc.trace
  wait $hogs
  sed -n 's/^# Avg Latencies: *0*\([0-9][0-9]*\).*/\1/p' /tmp/cyc | head -1
}
workloads() {
  phase messaging_threads_s messaging -t
  phase messaging_processes_s messaging
  phase hackbench_s hackbench_s
  phase stress_bogo_ops stress_bogo
  phase cyclictest_avg_us cyclic
  only cyclictest_avg_us || return 0
  # busybox awk reads cyclictest's 000150 as octal: num() strips the zeros.
  num='function num(v) { sub(/^0+/, "", v); return v == "" ? 0 : v + 0 }'
  # BENCH_DEBUG=1: the wake-ups' distribution, in 500 us steps to 20 ms
  [ -n "${BENCH_DEBUG:-}" ] && awk -v tag="#h $run $sched" "$num"'
      /^[0-9]/ { b = int(num($1) / 500); if (b > 40) b = 40; n[b] += num($2); t += num($2) }
      END { for (i = 0; i <= 40; i++) if (n[i]) printf "%s %s%d us: %d (%.1f%%)\n", tag, i == 40 ? ">=" : "<", i == 40 ? 20000 : (i + 1) * 500, n[i], 100 * n[i] / t }' /tmp/cyc
  wr=$(wake_run /tmp/cyc.trace)
  res cyclictest_wake_run_us "${wr% *}"
  res cyclictest_wake_run_max_us "${wr#* }"
  res cyclictest_max_us "$(sed -n 's/^# Max Latencies: *0*\([0-9][0-9]*\).*/\1/p' /tmp/cyc | head -1)"
  res cyclictest_p99_us "$(awk "$num"'
      /^# Total:/ { total = num($3) } /^[0-9]/ { n[num($1)] = num($2) }
      END { need = total * 0.99; s = 0; for (i = 0; i <= 200000; i++) { s += n[i]; if (s >= need) { print i; exit } } print ">200000" }' /tmp/cyc)"
}

now_ms() { awk '{printf "%d", $1 * 1000}' /proc/uptime; }  # busybox date has no %N
# cpu_ns PID [NAME]: a process's CPU time in ns, summed over its threads,
# or over those named NAME (scx_lua-log: the log thread, which also writes
# --record's file; scx_lua-wd: the policy watchdog). /proc/PID/schedstat
# is the main thread's alone; /proc/PID/stat counts 10 ms ticks, a tenth
# of a workload's figure. (%.0f: busybox awk's %d stops at 2^31.)
cpu_ns() { for t in /proc/$1/task/*; do [ -z "${2:-}" ] || [ "$(cat $t/comm 2>/dev/null)" = "$2" ] && cut -d' ' -f1 $t/schedstat 2>/dev/null; done | awk '{s += $1} END {printf "%.0f", s}'; }
# pct NS MS [DIGITS]: NS of CPU over MS of wall time, as % of one CPU
pct() { awk -v t=$1 -v w=$2 -v f="%.${3:-2}f" 'BEGIN { if (w > 0) printf f, t / 1e4 / w }'; }

for run in $(seq 1 "$RUNS"); do
  # BENCH_ALTERNATE=1: every other run takes the schedulers in reverse
  # order, so that an A/B pair does not always run in the same slot.
  # =rotate: run N starts at the Nth, so that with as many runs as
  # schedulers each takes every slot once (reversing leaves the middle of
  # an odd list in the middle, and the boot drifts from run to run).
  order=$SCHEDS
  case "${BENCH_ALTERNATE:-}" in
  rotate) order=$(echo $SCHEDS | tr ' ' '\n' | awk -v r=$run '{ a[NR - 1] = $0 }
      END { for (i = 0; i < NR; i++) printf "%s ", a[(i + r - 1) % NR] }') ;;
  ?*) [ $((run % 2)) -eq 0 ] && order=$(echo $SCHEDS | tr ' ' '\n' | sed '1!G;h;$!d' | tr '\n' ' ') ;;
  esac
  for sched in $order; do
    echo "# run $run: $sched"
    if [ "$sched" = eevdf ]; then
      pid=
      workloads
      continue
    fi
    dmesg -c > /dev/null
    t0=$(now_ms)
    bin=scx_lua; spec=$sched; pol=policies
    case $spec in *@base) bin=scx_lua.base; spec=${spec%@base}
      [ -d base/policies ] && pol=base/policies ;; esac
    case $spec in
      scx_*) "$spec" > /tmp/scx.log 2>&1 & ops=${spec#scx_} ;;
      *^*) cp "$pol/${spec#*^}.lua" $POLDIR/bench.lua
        $bin $POLDIR/bench.lua --stats 5 > /tmp/scx.log 2>&1 & ops=scx_lua ;;
      *%*) $bin "$pol/${spec%%%*}.lua" --stats 5 $(echo "${spec#*%}" | tr ',' ' ') > /tmp/scx.log 2>&1 & ops=scx_lua ;;
      *) $bin "$pol/$spec.lua" --stats 5 > /tmp/scx.log 2>&1 & ops=scx_lua ;;
    esac
    pid=$!
    if ! wait_state enabled 30; then
      res attached 0; cat /tmp/scx.log; kill $pid 2>/dev/null; continue
    fi
    res attach_ms $(( $(now_ms) - t0 ))
    case $spec in *^*)
      cp "$pol/${spec%^*}.lua" $POLDIR/bench.lua; kill -HUP $pid
      i=0; while ! grep -q 'SIGHUP: reloaded' /tmp/scx.log && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
      res reloaded "$(grep -c "reloaded $POLDIR/bench.lua (policy \"${spec%^*}\")" /tmp/scx.log)"
      res reload_ms "$(sed -n 's/.*SIGHUP: reloaded .* in \([0-9.]*\) ms$/\1/p' /tmp/scx.log | tail -1)" ;;
    esac
    # BENCH_PROFILE=1: where the scheduler process's CPU goes, sampled on
    # the software clock (TCG has no PMU), BENCH_PROFILE_HZ times a second
    # (499). It perturbs the figures.
    prof=; [ -n "${BENCH_PROFILE:-}" ] && [ $ops = scx_lua ] && {
      perf record -q -e cpu-clock -F ${BENCH_PROFILE_HZ:-499} -p $pid -o /tmp/perf.data > /tmp/perf.rec 2>&1 & prof=$!; }
    # Records received over the set: the scheduler's CPU per record.
    q0=; [ $ops = scx_lua ] && [ $bin = scx_lua ] && q0=$(stat_of "$(snap)" queued)
    ns0=$(cpu_ns $pid); w0=$(now_ms); lt0=$(cpu_ns $pid scx_lua-log); wt0=$(cpu_ns $pid scx_lua-wd)
    workloads
    ns1=$(cpu_ns $pid); w1=$(now_ms); lt1=$(cpu_ns $pid scx_lua-log); wt1=$(cpu_ns $pid scx_lua-wd)
    q1=; [ -n "$q0" ] && q1=$(stat_of "$(snap)" queued)
    [ -n "$prof" ] && { kill -INT $prof; wait $prof
      { perf report -i /tmp/perf.data --stdio --sort pid 2>&1
        perf report -i /tmp/perf.data --stdio --sort dso,sym --percent-limit 0.5 2>&1; } |
        grep -v '^$' | grep -v '^#' | head -70 | sed "s|^|PROFILE $run $sched |"; }
    # CPU use of the scheduler process, as % of one CPU
    res sched_cpu_pct "$(pct $((ns1 - ns0)) $((w1 - w0)))"
    # The same as CPU time: a faster run of fixed work (messaging,
    # hackbench) raises the % without costing more.
    res sched_cpu_ms "$(awk -v n=$((ns1 - ns0)) 'BEGIN { printf "%.0f", n / 1e6 }')"
    [ -n "$q1" ] && res sched_us_per_record "$(awk -v n=$((ns1 - ns0)) -v q=$((q1 - q0)) 'BEGIN { if (q > 0) printf "%.1f", n / 1e3 / q }')"
    [ $ops = scx_lua ] && { res log_thread_cpu_pct "$(pct $((lt1 - lt0)) $((w1 - w0)) 3)"
      res wd_thread_cpu_pct "$(pct $((wt1 - wt0)) $((w1 - w0)) 3)"; }
    # scx_lua's ops carry the policy (scx_lua_deadline); a base build's may not
    res stayed_attached "$([ "$(state)" = enabled ] && case "$(root_ops)" in "$ops"|"$ops"_*) true ;; *) false ;; esac && [ -z "$(scx_errors)" ] && echo 1 || echo 0)"
    kill -INT $pid; wait $pid; rc=$?
    res detached_clean "$([ $rc -eq 0 ] && wait_state disabled 10 && echo 1 || echo 0)"
    [ $ops = scx_lua ] || continue
    # Counters from the last stats lines: the core's, then the BPF side's.
    l=$(last_stats /tmp/scx.log core); b=$(last_stats /tmp/scx.log bpf)
    res page_faults "$(stat_of "$l" faults)"
    # decisions by path: the policy (user), its rule in BPF, the kernel's
    # own (idle CPU, bypass); what the policy changed after the fact
    for f in user_dispatches rule_dispatches kernel_dispatches kept congested cancel; do
      res $f "$(stat_of "$b" $f)"; done
    for f in fallback rule_changes rule_disagree max_batch; do res $f "$(stat_of "$l" $f)"; done
    # batches: how often user space ran the policy; deadline_preempts: CPUs
    # preempted for an earlier deadline (each sends a task through user space)
    res batches "$(stat_of "$l" batches)"
    res deadline_preempts "$(stat_of "$b" deadline_preempts)"
    res preempt_sync "$(stat_of "$b" preempt_sync)"
    # BENCH_DETAIL=1: every counter of the last stats lines, for the record
    [ -n "${BENCH_DETAIL:-}" ] && { echo "STATS $run $sched $l"; echo "STATS $run $sched $b"; }
  done
done
echo "vm-bench: done"
