# SPDX-License-Identifier: GPL-2.0-only
# Helpers for VM scenarios (busybox sh): ok/not ok lines and the
# "N passed, N failed" closing line the host reads.
PASS=0
FAIL=0
# PROGRESS (a file): each result also appends a line there, for progress_watchdog.
ok() { PASS=$((PASS + 1)); echo "ok - $*"; [ -z "${PROGRESS:-}" ] || echo . >> "$PROGRESS"; }
nok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; [ -z "${PROGRESS:-}" ] || echo . >> "$PROGRESS"; }
expect() { d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
state() { cat /sys/kernel/sched_ext/state 2>/dev/null; }
root_ops() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null; }
# wait_state STATE SECONDS
wait_state() { i=0; while [ "$(state)" != "$1" ] && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done; [ "$(state)" = "$1" ]; }
# sched_ext errors, and RCU stalls: a task left waiting 21 s by a scheduler
# that owned its CPU showed only as an RCU stall, short of sched_ext's 30 s.
# The scheduler's name is blanked first: it carries the policy's file name
# (scx_lua_error_storm), which must not read as an error.
scx_errors() {
  dmesg | sed 's/"scx_lua[^"]*"/"scx_lua"/g' | grep -iE 'sched_ext.*(error|stall|disabl)|rcu.*detected stalls' |
    grep -v 'disabled (unregistered from user space)'
}
# hotplug_cycle: under CPU hogs, cpu1 off line for 3 s and on again, then
# up to 20 s for scx_lua to be attached again (the kernel ends it with a
# restart request at each hotplug: bpf/main.bpf.c). Sets off and on (the
# writes' status), s (the state afterwards) and ng (the hogs' status).
hotplug_cycle() {
  stress-ng --cpu "$(nproc)" --timeout 12s --quiet & hp_hogs=$!
  sleep 2
  echo 0 > /sys/devices/system/cpu/cpu1/online; off=$?; sleep 3
  echo 1 > /sys/devices/system/cpu/cpu1/online; on=$?
  wait_state enabled 20; s=$(state)
  wait $hp_hogs; ng=$?
}
# stat_of LINE NAME: N (or N/N/N) of NAME=N in a stats line
stat_of() { echo "$1" | sed -n "s/.* $2=\([0-9/]*\).*/\1/p"; }
# last_stats LOG core|bpf: the last stats line of that kind scx_lua wrote
last_stats() { if [ "$2" = core ]; then grep '^\[scx_lua\]' "$1"; else grep '^  \[bpf\]' "$1"; fi | tail -1; }
# start_scx LOG ARGS...: start scx_lua (pid in SCX), wait until attached
start_scx() { log=$1; shift; scx_lua "$@" > "$log" 2>&1 & SCX=$!; wait_state enabled 30; }
finish() { echo "$1: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
TRACEFS=/sys/kernel/tracing
# Under TCG, cyclictest's figure is mostly the emulator's: with every vCPU
# busy, a vCPU takes its timer interrupt at a fixed 4 ms cadence (in
# traces, ~90% of the wake-ups at one phase of it, under EEVDF and scx_lua
# alike), and two EEVDF runs in one boot differed 1.7x. What a scheduler
# decides is the time from the wake-up (sched_wakeup) to the task running
# (sched_switch into it): wake_run, shown next to the whole.
# trace_wakeups COMM: trace COMM's wake-ups and switches in, from now;
# trace_wakeups off FILE: stop, and save the trace in FILE.
trace_wakeups() {
  e=$TRACEFS/events/sched
  [ -d $e ] || mount -t tracefs tracefs $TRACEFS 2>/dev/null
  [ -d $e ] || return 0
  if [ "$1" != off ]; then
    echo 8192 > $TRACEFS/buffer_size_kb
    echo "comm == \"$1\"" > $e/sched_wakeup/filter
    echo "next_comm == \"$1\"" > $e/sched_switch/filter
    echo > $TRACEFS/trace
    echo 1 > $e/sched_wakeup/enable; echo 1 > $e/sched_switch/enable
  else
    echo 0 > $e/sched_wakeup/enable; echo 0 > $e/sched_switch/enable
    cp $TRACEFS/trace "$2"; echo > $TRACEFS/trace
  fi
}
# wake_run FILE [SKIP_S]: "AVG MAX" in us, for the thread woken most in
# FILE (the measuring one); a wake-up counts up to the next switch into its
# thread. With SKIP_S, the wake-ups of the trace's first SKIP_S seconds do
# not count: a load's start (its forks, a scheduler's first records for
# them) apart from its steady state.
wake_run() {
  awk -v skip="${2:-0}" 'function ts() { for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+[.][0-9]+:$/) { sub(/:$/, "", $i); return $i + 0 } }
    / sched_wakeup: / { p = $0; sub(/.* pid=/, "", p); sub(/ .*/, "", p); t = ts(); if (t0 == "") t0 = t
      if (t - t0 >= skip) w[p] = t }
    / sched_switch: / { p = $0; sub(/.* next_pid=/, "", p); sub(/ .*/, "", p)
      if (w[p]) { d = (ts() - w[p]) * 1e6; n[p]++; s[p] += d; if (d > mx[p]) mx[p] = d; w[p] = 0 } }
    END { for (p in n) if (n[p] > n[b]) b = p; if (b != "") printf "%.0f %.0f", s[b] / n[b], mx[b] }' "$1" 2>/dev/null
}
# Policies a case edits live here: scx_lua refuses a policy in a folder
# others may write (/tmp is world-writable), as it refuses such a file.
POLDIR=/tmp/policies; mkdir -p $POLDIR; chmod 755 $POLDIR

# A stuck step must not hang the whole boot until the host's timeout, with
# nothing said: progress_watchdog SECONDS FILE starts a watcher that, when
# FILE (the scenario's results so far) has not grown for SECONDS, prints
# what every task is doing, each CPU's run queue and sched_ext's own dump,
# then kills the scheduler and the workload tools so the scenario's waits
# return and it goes on (the stuck case then fails on its own checks).
# It runs SCHED_FIFO (chrt): a scheduler that strands every task it owns
# would strand a SCHED_OTHER watcher with them, and the whole VM would sit
# idle and silent until the host's timeout.
progress_watchdog() {
  ( limit=$1; f=$2; last=-1; since=0
    while :; do
      sleep 5
      n=$(wc -c < "$f" 2>/dev/null || echo 0)
      if [ "$n" != "$last" ]; then last=$n; since=0; continue; fi
      since=$((since + 5))
      [ $since -ge "$limit" ] || continue
      echo "# STALL: no progress for ${limit} s; sched_ext state $(state); tasks:"
      for d in /proc/[0-9]*; do
        p=${d#/proc/}
        c=$(cat $d/comm 2>/dev/null) || continue
        # user processes only (kernel threads have no command line);
        # sysrq-w below names any task blocked in the kernel
        [ -n "$(head -c 1 $d/cmdline 2>/dev/null)" ] || continue
        echo "#   $p $c state=$(sed -n 's/^State:[[:space:]]*//p' $d/status 2>/dev/null) wchan=$(cat $d/wchan 2>/dev/null)"
      done
      stall_dump
      for l in /tmp/*.log; do echo "# --- $l"; tail -3 "$l" | sed 's/^/#   /'; done
      for c in scx_lua stress-ng hackbench cyclictest; do killall -9 $c 2>/dev/null; done
      since=0
    done ) &
  WATCHDOG=$!
  # Enabled now: enabling a trace event takes the CPU hotplug lock, which a
  # stuck hotplug holds.
  [ -d $TRACEFS/events ] || mount -t tracefs tracefs $TRACEFS 2>/dev/null
  echo 1 > $TRACEFS/events/sched_ext/sched_ext_dump/enable 2>/dev/null
  chrt -f -p 10 $WATCHDOG > /dev/null 2>&1 || echo "# progress_watchdog: no chrt, the watcher runs SCHED_OTHER"
}
# Where every runnable task waits: the run queues (debugfs) with the tasks
# on them, and sched_ext's dump of its CPUs and tasks (SysRq-D writes it
# to the sched_ext_dump trace event only).
stall_dump() {
  for d in /proc/[0-9]*; do
    grep -q '^State:.*D' $d/status 2>/dev/null || continue
    echo "# D: ${d#/proc/} $(cat $d/comm 2>/dev/null)"; sed 's/^/#     /' $d/stack 2>/dev/null
  done
  for c in /sys/devices/system/cpu/cpu[0-9]*; do
    echo "# hotplug: ${c##*/} state=$(cat $c/hotplug/state 2>/dev/null) target=$(cat $c/hotplug/target 2>/dev/null)"
  done
  sed -n '/^cpu#/,/^$/p; /^runnable tasks:/,/^$/p' /sys/kernel/debug/sched/debug 2>/dev/null |
    grep -vE '^ *\.(nr_|[a-z_]*load|[a-z_]*util|[a-z_]*avg)' | grep -vE '^ +[SIP] ' | head -120 | sed 's/^/# rq: /'
  if [ -f $TRACEFS/trace ]; then
    echo > $TRACEFS/trace; echo D > /proc/sysrq-trigger; sleep 1
    sed -n 's/.*sched_ext_dump: //p' $TRACEFS/trace | head -300 | sed 's/^/# scx: /'
  fi
  echo w > /proc/sysrq-trigger 2>/dev/null
  dmesg | tail -80 | sed 's/^/# dmesg: /'
}
