# SPDX-License-Identifier: GPL-2.0-only
# `make vm-stress`: what users and bugs throw at a scheduler, on the real
# kernel. For every case: load, the case, then (1) a marker task that sleeps
# 100 ms in a loop never overslept more than MARK_MS, (2) no ejection or
# stall unless expected, (3) the workload finished, (4) scx_lua's stats say
# what happened. One table row per case: case | expected | observed | result.
. /scx/lib.sh
SECS=${VM_STRESS_SECONDS:-45}
MARK_MS=${VM_STRESS_MARKER_MS:-3000}  # emulated 2 vCPUs under full load: generous
NCPU=$(nproc)
ROWS=/tmp/rows

now_ms() { awk '{printf "%d", $1 * 1000}' /proc/uptime; }
start_marker() {
  rm -f /tmp/marker.stop; echo 0 > /tmp/marker.max
  ( m=0; while [ ! -f /tmp/marker.stop ]; do
      t0=$(now_ms); sleep 0.1; d=$(( $(now_ms) - t0 - 100 ))
      [ $d -gt $m ] && m=$d && echo $m > /tmp/marker.max
    done ) &
  MARK=$!
}
stop_marker() { touch /tmp/marker.stop; wait $MARK 2>/dev/null; cat /tmp/marker.max; }
# Watch the scheduler's state every 0.2 s: any moment not "enabled" counts.
start_watch() {
  rm -f /tmp/watch.stop; echo 0 > /tmp/watch.bad
  ( b=0; while [ ! -f /tmp/watch.stop ]; do
      [ "$(state)" = enabled ] || { b=$((b + 1)); echo $b > /tmp/watch.bad; }
      sleep 0.2
    done ) &
  WATCH=$!
}
stop_watch() { touch /tmp/watch.stop; wait $WATCH 2>/dev/null; cat /tmp/watch.bad; }
field() { grep -E "$2" "$1" | tail -1 | sed -n "s/.* $3=\([0-9/]*\).*/\1/p"; }
row() {  # case expected observed ok
  if [ "$4" = 1 ]; then PASS=$((PASS + 1)); r=PASS; else FAIL=$((FAIL + 1)); r=FAIL; fi
  echo "| $1 | $2 | $3 | $r |" | tee -a $ROWS
}
start_scx() {  # LOG ARGS...
  log=$1; shift
  dmesg -c > /dev/null
  scx_lua "$@" --stats 2 > "$log" 2>&1 &
  SCX=$!
  wait_state enabled 30
}
stop_scx() { kill -INT $SCX 2>/dev/null; wait $SCX; }
errs() { [ -z "$(scx_errors)" ] && echo 0 || echo 1; }

echo "| case | expected | observed | result |" > $ROWS
echo "|---|---|---|---|" >> $ROWS

# --- every shipped policy under the scx CI stress command
for p in policies/*.lua; do
  name=$(basename $p .lua)
  start_scx /tmp/s.log "$p" || { row "$name under stress-ng" "attached" "did not attach" 0; continue; }
  start_marker; start_watch
  stress-ng --aggressive -M -c "$NCPU" -f "$NCPU" --affinity 1 --affinity-delay 1 \
    --affinity-pin --timeout "${SECS}s" > /tmp/ng.log 2>&1; ng=$?
  bad=$(stop_watch); mark=$(stop_marker)
  stop_scx; rc=$?
  e=$(errs); errors=$(field /tmp/s.log '^\[scx_lua\]' errors)
  row "$name: stress-ng ${SECS}s" "attached, load done, clean exit, marker < ${MARK_MS} ms" \
    "stress-ng rc $ng, not-enabled samples $bad, exit $rc, marker ${mark} ms, policy errors $errors, dmesg errors $e" \
    "$([ $ng -eq 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ "$mark" -lt $MARK_MS ] && [ "$e" = 0 ] && echo 1 || echo 0)"
done

# --- policy faults under a mixed load
fault() {  # NAME EXPECTED CHECK-FIELD-REGEX POLICY [ARGS...]: check is a grep on the final stats
  name=$1; expect=$2; want=$3; shift 3
  start_scx /tmp/f.log "$@" || { row "$name" "$expect" "did not attach" 0; return; }
  start_marker; start_watch
  stress-ng --cpu "$NCPU" --timeout 10s --quiet & hogs=$!
  hackbench -g 2 -l 100 > /dev/null 2>&1; hb=$?
  wait $hogs; ng=$?
  bad=$(stop_watch); mark=$(stop_marker)
  stop_scx; rc=$?
  line=$(grep '^\[scx_lua\]' /tmp/f.log | tail -1)
  seen=$(echo "$line" | grep -oE "(errors|fallback|bad\(d/s/c\)|watchdog|reloads)=[0-9/]*" | tr '\n' ' ')
  bpf=$(grep '^  \[bpf\]' /tmp/f.log | tail -1 | grep -oE "(bounce|stuck_bypass|cancel|congested)=[0-9]*" | tr '\n' ' ')
  ok=$([ $hb -eq 0 ] && [ $ng -eq 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ "$mark" -lt $MARK_MS ] &&
       [ "$(errs)" = 0 ] && echo "$line $bpf" | grep -qE "$want" && echo 1 || echo 0)
  row "$name" "$expect" "$seen$bpf; marker ${mark} ms, not-enabled $bad, exit $rc" "$ok"
}
T=tests/policies
fault "error on every call" "fallback orders every batch" 'errors=[1-9].* fallback=[1-9]' $T/error_always.lua
fault "error on 1% of calls" "errors counted, policy keeps running" 'errors=[1-9]' $T/error_sometimes.lua
fault "infinite loop, JIT-compiled" "watchdog drops the state within 1 s" 'watchdog=1 ' $T/hang_jit.lua
fault "infinite loop, interpreted" "watchdog hook stops it" 'watchdog=1 ' $T/hang_interp.lua --no-sandbox
fault "50 ms per call" "slow but attached, no watchdog" 'watchdog=0 ' $T/slow.lua
fault "NaN/inf/negative deadlines, 0 and 10 s slices, bad CPUs" "all corrected and counted" 'bad\(d/s/c\)=[1-9][0-9]*/[1-9][0-9]*/[1-9]' $T/bad_outputs.lua
fault "every task to CPU 0" "no stall" 'errors=0 ' $T/cpu0.lua
fault "CPUs outside the task's mask" "bounced to the shared DSQ" 'errors=0 ' $T/cpu_elsewhere.lua
fault "memory growth until the heap is exhausted" "policy retired, fallback" 'errors=[1-9].* fallback=[1-9]' $T/oom.lua --arena-mb 32

# a reload that fails to compile, then 100 reloads in 10 s, under load
cp policies/deadline.lua /tmp/r.lua
start_scx /tmp/r.log /tmp/r.lua
start_marker; start_watch
stress-ng --cpu "$NCPU" --timeout 14s --quiet & hogs=$!
cp $T/syntax_error.lua /tmp/r.lua; kill -HUP $SCX; sleep 1
kept=$(grep -c 'failed, still running "deadline"' /tmp/r.log)
for i in $(seq 1 100); do
  if [ $((i % 2)) = 0 ]; then cp policies/fifo.lua /tmp/r.lua; else cp policies/deadline.lua /tmp/r.lua; fi
  kill -HUP $SCX; sleep 0.1
done
sleep 2
wait $hogs; ng=$?
bad=$(stop_watch); mark=$(stop_marker)
stop_scx; rc=$?
n=$(grep -c 'SIGHUP: reloaded' /tmp/r.log)
row "reload that fails to compile" "old policy kept" "kept messages: $kept" "$([ "$kept" -ge 1 ] && echo 1 || echo 0)"
row "100 reloads in 10 s under load" "attached throughout, reloads done" \
  "$n reloads logged (SIGHUPs can coalesce), not-enabled $bad, marker ${mark} ms, exit $rc" \
  "$([ "$n" -ge 50 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ $ng -eq 0 ] && [ "$mark" -lt $MARK_MS ] && echo 1 || echo 0)"

# --- process faults
start_scx /tmp/p.log policies/deadline.lua
start_marker; start_watch
stress-ng --cpu "$NCPU" --timeout 20s --quiet & hogs=$!
sleep 3; kill -STOP $SCX; sleep 10; kill -CONT $SCX; sleep 3
wait $hogs; ng=$?
bad=$(stop_watch); mark=$(stop_marker)
stop_scx; rc=$?
stuck=$(grep '^  \[bpf\]' /tmp/p.log | tail -1 | sed -n 's/.* stuck_bypass=\([0-9]*\).*/\1/p')
row "SIGSTOP the scheduler 10 s under load" "BPF side keeps the machine running, resumes" \
  "stuck_bypass $stuck, not-enabled $bad, marker ${mark} ms, exit $rc" \
  "$([ "${stuck:-0}" -gt 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ $ng -eq 0 ] && [ "$mark" -lt $MARK_MS ] && echo 1 || echo 0)"

start_scx /tmp/k.log policies/deadline.lua
stress-ng --cpu "$NCPU" --timeout 12s --quiet & hogs=$!
sleep 2; kill -9 $SCX; wait $SCX 2>/dev/null
wait_state disabled 15; s1=$(state)
start_scx /tmp/k2.log policies/deadline.lua; s2=$(state)
wait $hogs; ng=$?
stop_scx; rc=$?
row "kill -9 under load, then restart" "falls back to the default, restarts" "after kill: $s1, after restart: $s2, exit $rc" \
  "$([ "$s1" = disabled ] && [ "$s2" = enabled ] && [ $rc -eq 0 ] && [ $ng -eq 0 ] && echo 1 || echo 0)"

cp policies/deadline.lua /tmp/t.lua
start_scx /tmp/t.log /tmp/t.lua
stress-ng --cpu "$NCPU" --timeout 6s --quiet & hogs=$!
sleep 2; cp policies/fifo.lua /tmp/t.lua; kill -HUP $SCX; kill -TERM $SCX; wait $SCX; rc=$?
wait_state disabled 10; s=$(state)
wait $hogs; ng=$?
row "SIGTERM during a reload" "clean detach" "exit $rc, state $s" "$([ $rc -eq 0 ] && [ "$s" = disabled ] && [ $ng -eq 0 ] && echo 1 || echo 0)"

# --- kernel-side pressure
start_scx /tmp/fs.log policies/deadline.lua
start_marker; start_watch
hackbench -g 40 -l 50 > /dev/null 2>&1; hb=$?
stress-ng --fork "$NCPU" --timeout 8s --quiet; ng=$?
bad=$(stop_watch); mark=$(stop_marker)
stop_scx; rc=$?
b=$(grep '^  \[bpf\]' /tmp/fs.log | tail -1 | grep -oE "(congested|kernel_dispatches|user_dispatches)=[0-9]*" | tr '\n' ' ')
row "fork storm (hackbench 40 groups, stress-ng --fork)" "nothing lost, congestion counted if any" \
  "$b; hackbench rc $hb, fork rc $ng, marker ${mark} ms, not-enabled $bad" \
  "$([ $hb -eq 0 ] && [ $ng -eq 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ "$mark" -lt $MARK_MS ] && echo 1 || echo 0)"

start_scx /tmp/hp.log policies/deadline.lua
stress-ng --cpu "$NCPU" --timeout 12s --quiet & hogs=$!
sleep 2
echo 0 > /sys/devices/system/cpu/cpu1/online; off=$?; sleep 3
echo 1 > /sys/devices/system/cpu/cpu1/online; on=$?; sleep 3
s=$(state)
wait $hogs; ng=$?
stop_scx; rc=$?
restarted=$(grep -c 'restarting' /tmp/hp.log)
row "CPU hotplug (cpu1 off, on) under load" "attached, or restarted by the kernel's request" \
  "offline rc $off, online rc $on, state $s, restarts $restarted, exit $rc, load rc $ng" \
  "$([ $off -eq 0 ] && [ $on -eq 0 ] && [ $ng -eq 0 ] && { [ "$s" = enabled ] || [ "$restarted" -ge 1 ]; } && echo 1 || echo 0)"

start_scx /tmp/sl.log policies/deadline.lua
# In subshells: a bare `wait` here would also wait for scx_lua itself.
( for i in $(seq 1 400); do true & done; wait )
( for i in $(seq 1 200); do sleep 0.01 & done; wait )
s=$(state)
stop_scx; rc=$?
c=$(grep '^  \[bpf\]' /tmp/sl.log | tail -1 | grep -oE "(cancel|failed)=[0-9]*" | tr '\n' ' ')
row "600 short-lived tasks" "exits while queued are cancelled or failed, counted" "$c; state $s, exit $rc" \
  "$([ "$s" = enabled ] && [ $rc -eq 0 ] && echo 1 || echo 0)"

echo "#"; sed 's/^/# /' $ROWS
finish vm-stress
