# SPDX-License-Identifier: GPL-2.0-only
# `make vm-fidelity`, the kernel half: each policy of $FID_POLICIES attached
# in turn, each workload of $FID_WORKLOADS run for real by `scx_lua load`
# under it. Per run, four lines for tests/vm/fidelity.sh to read off the
# console: FIDELITY_RUN (policy, workload, the scheduler thread's CPU time
# from /proc/PID/schedstat before and after the workload), FIDELITY_STATS0
# and FIDELITY_STATS1 (its stats object then, by SIGUSR1), FIDELITY_LOAD
# (load's metrics, as sim --json prints them). Each JSON document on one
# line.
. /scx/lib.sh
POLS=${BENCH_FID_POLICIES:-fifo deadline vruntime rr}
WLS=${BENCH_FID_WORKLOADS:-interactive pipeline weighted jobs}
MS=${BENCH_FID_MS:-4000}
echo "# fidelity: $(nproc) CPUs; policies: $POLS; workloads: $WLS; ${MS} ms each"
fail=0
for pol in $POLS; do
  for wl in $WLS; do
    scx_lua "$pol" --stats-json --stats 3600 --stats-socket none > /tmp/scx.log 2>&1 &
    SCX=$!
    if ! wait_state enabled 30; then
      echo "# $pol did not attach:"; sed 's/^/#   /' /tmp/scx.log
      kill -INT $SCX 2>/dev/null; wait $SCX; fail=1; continue
    fi
    # The scheduler's cost while the workload runs: CPU time and stats
    # before and after (start-up, BPF verification and the policy's load
    # are not scheduling).
    sleep 0.5
    s0=$(cut -d' ' -f1 /proc/$SCX/schedstat 2>/dev/null)
    kill -USR1 $SCX; sleep 0.3
    scx_lua load "$wl" --duration-ms "$MS" --json > /tmp/load.json 2> /tmp/load.err; lrc=$?
    s1=$(cut -d' ' -f1 /proc/$SCX/schedstat 2>/dev/null)
    kill -USR1 $SCX; sleep 0.3
    kill -INT $SCX; wait $SCX; rc=$?
    wait_state disabled 30
    if [ $lrc -ne 0 ] || [ $rc -ne 0 ]; then
      echo "# $pol on $wl: load exit $lrc, scheduler exit $rc"; sed 's/^/#   /' /tmp/load.err /tmp/scx.log | tail -20
      fail=1; continue
    fi
    echo "FIDELITY_RUN $pol $wl ${s0:-0} ${s1:-0}"
    echo "FIDELITY_STATS0 $(grep '^{' /tmp/scx.log | sed -n 1p)"
    echo "FIDELITY_STATS1 $(grep '^{' /tmp/scx.log | sed -n 2p)"
    echo "FIDELITY_LOAD $(tr -d '\n' < /tmp/load.json)"
  done
done

# A vm-bench load (cyclictest beside CPU hogs) under fifo and under
# deadline, measured; then once more recorded (deadline, every decision in
# user space, so that every wake-up leaves a record), and both policies run
# on the recording in the simulator.
RS=${BENCH_FID_REPLAY_S:-6}
for run in fifo deadline record; do
  case $run in
    record) args="deadline --full-user --record /tmp/live.rec" ;;
    *) args=$run ;;
  esac
  scx_lua $args --stats-socket none > /tmp/scx.log 2>&1 &
  SCX=$!
  wait_state enabled 30 || { echo "# $run did not attach"; fail=1; }
  cyclictest -q -m -i 2000 -D "${RS}s" > /tmp/cyc.$run 2>&1 &
  c=$!
  stress-ng --cpu "$(nproc)" --timeout "${RS}s" > /dev/null 2>&1
  wait $c
  kill -INT $SCX; wait $SCX || fail=1
  wait_state disabled 30
  [ $run = record ] || echo "FIDELITY_CYC $run $(sed -n 's/.*Avg: *\([0-9]*\).*Max: *\([0-9]*\).*/\1 \2/p' /tmp/cyc.$run | head -1)"
  grep 'recorded' /tmp/scx.log | sed 's/^/# /'
done
scx_lua sim fifo deadline --replay /tmp/live.rec --json > /tmp/replay.json 2> /tmp/replay.err || { sed 's/^/# /' /tmp/replay.err; fail=1; }
sed 's/^/# /' /tmp/replay.err | head -5
echo "FIDELITY_REPLAY $(tr -d '\n' < /tmp/replay.json)"
[ $fail -eq 0 ] && [ -z "$(scx_errors)" ]
