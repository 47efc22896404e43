# SPDX-License-Identifier: GPL-2.0-only
# Hostile policies on the real kernel (issue: a sandboxed policy cannot
# crash the scheduler, stall the machine or read outside its sandbox).
# Sourced after lib.sh (ok/nok/expect, state, wait_state, scx_errors,
# start_scx, last_stats, POLDIR); needs tests/policies/ under the current
# folder, stress-ng and hackbench. hostile_cases runs every case, one
# "ok"/"not ok" line each (about 2 minutes on 2 emulated CPUs).

# hostile_case NAME WANT POLICY [ARGS...]: POLICY under a short mixed load
# must stay attached (sampled every 0.5 s), exit 0 on SIGINT, leave no
# sched_ext error or RCU stall, and its last stats line must match WANT
# (grep -E): what the core counted of the attack.
hostile_case() {
  hc_name=$1; hc_want=$2; shift 2
  dmesg -c > /dev/null
  if ! start_scx /tmp/hostile.log "$@" --stats 1; then
    nok "hostile $hc_name: did not attach ($(tail -2 /tmp/hostile.log | tr '\n' ' '))"
    kill -INT $SCX 2>/dev/null; wait $SCX 2>/dev/null; return
  fi
  stress-ng --cpu "$(nproc)" --timeout 6s --quiet & hc_ng=$!
  hackbench -g 2 -l 50 > /dev/null 2>&1; hc_hb=$?
  hc_off=0
  while kill -0 $hc_ng 2>/dev/null; do
    [ "$(state)" = enabled ] || hc_off=$((hc_off + 1)); sleep 0.5
  done
  wait $hc_ng
  [ "$(state)" = enabled ] || hc_off=$((hc_off + 1))
  kill -INT $SCX 2>/dev/null; wait $SCX; hc_rc=$?
  hc_line=$(last_stats /tmp/hostile.log core)
  hc_seen=$(echo "$hc_line" | grep -oE "(errors|fallback|bad\(d/s/c\)|watchdog)=[0-9/]*" | tr '\n' ' ')
  expect "hostile $hc_name: attached throughout, exit 0, no sched_ext error, stats /$hc_want/ (${hc_seen}not enabled $hc_off, exit $hc_rc, hackbench $hc_hb)" \
    test "$hc_off" = 0 -a "$hc_rc" = 0 -a "$hc_hb" = 0 -a -z "$(scx_errors)" \
    -a -n "$(echo "$hc_line" | grep -E "$hc_want")"
}

# hostile_refused NAME WANT POLICY: a policy that must not load: scx_lua
# exits non-zero within 10 s, never attached, saying WANT (grep -E).
hostile_refused() {
  timeout 10 scx_lua "$3" > /tmp/hostile.log 2>&1; hr_rc=$?
  expect "hostile $1: refused at load, exit $hr_rc, never attached" \
    test "$hr_rc" != 0 -a "$hr_rc" != 124 -a "$(state)" != enabled \
    -a -n "$(grep -E "$2" /tmp/hostile.log)"
}

# An error storm under pcall stopped by the watchdog, then a reload: the
# watchdog must not have left libgcc's unwinder lock held (the reload then
# hung, "did not return within 4000 ms").
hostile_reload_after_storm() {
  cp tests/policies/hostile/error_storm.lua $POLDIR/storm.lua
  if ! start_scx /tmp/storm.log $POLDIR/storm.lua --stats 1; then
    nok "hostile reload after an error storm: did not attach"; return
  fi
  i=0; while ! grep -q 'did not return' /tmp/storm.log && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
  cp policies/deadline.lua $POLDIR/storm.lua; kill -HUP $SCX
  i=0; while ! grep -q 'SIGHUP: reloaded' /tmp/storm.log && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
  kill -INT $SCX 2>/dev/null; wait $SCX; rc=$?
  expect "hostile reload after an error storm: stopped by the watchdog, reloaded within 10 s, exit $rc" \
    test "$rc" = 0 -a -n "$(grep 'did not return' /tmp/storm.log)" -a -n "$(grep 'SIGHUP: reloaded' /tmp/storm.log)"
}

hostile_cases() {
  H=tests/policies/hostile
  hostile_case "t.prev_cpu written, select_cpu given a table" 'errors=0 ' tests/policies/prev_cpu_write.lua
  hostile_case "t.pid rewritten" 'errors=[1-9].* fallback=[1-9]' tests/policies/pid_write.lua
  hostile_case "scx.comm(0)" 'errors=[1-9].* fallback=[1-9]' tests/policies/escape_runtime/comm_number.lua
  hostile_case "pcall swallowing the watchdog in P.tick" 'watchdog=1 ' $H/pcall_swallow.lua
  hostile_case "an error storm under pcall" 'watchdog=1 ' $H/error_storm.lua
  hostile_case "gsub calling gsub (C stack)" 'errors=[1-9]' $H/gsub_callback.lua
  hostile_case "coroutines resuming coroutines (C stack)" 'errors=[1-9]' $H/coroutine_wrap.lua
  hostile_case "100 tables a task until the heap is exhausted" 'errors=[1-9].* fallback=[1-9]' \
    $H/hoard_tables.lua --arena-mb 32
  hostile_case "vtime 1e308, failing batches" 'bad\(d/s/c\)=0/0/0 ' $H/poison_fallback.lua
  hostile_refused "P.name with a newline" 'P.name must be a string' $H/name_newline.lua
  mkdir -p $POLDIR/hostile; rm -f $POLDIR/hostile/pipe.lua; mkfifo $POLDIR/hostile/pipe.lua
  printf 'local P = { name = "p" }\nrequire "pipe"\nfunction P.enqueue(t, now) t.deadline = now end\nreturn P\n' \
    > $POLDIR/hostile/use_pipe.lua
  hostile_refused "require of a FIFO" 'pipe.lua is not a regular file' $POLDIR/hostile/use_pipe.lua
  hostile_reload_after_storm
}
