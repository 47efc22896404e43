# SPDX-License-Identifier: GPL-2.0-only
# `make vm-stress`: what users and bugs throw at a scheduler, on the real
# kernel. For every case: load, the case, then (1) a marker task that sleeps
# 100 ms in a loop never overslept more than MARK_MS, (2) no ejection or
# stall unless expected, (3) the workload finished, (4) scx_lua's stats say
# what happened. One table row per case: case | expected | observed | result.
. /scx/lib.sh
. /scx/hostile.inc.sh
SECS=${VM_STRESS_SECONDS:-45}
MARK_MS=${VM_STRESS_MARKER_MS:-3000}  # emulated 2 vCPUs under full load: generous
NCPU=$(nproc)
ROWS=/tmp/rows
T=tests/policies

# The marker: cyclictest, one SCHED_OTHER thread sleeping 100 ms in a loop;
# its worst wake-up latency is how long the machine left a sleeper waiting.
# (A shell loop would also measure fork and exec under load.)
start_marker() {
  cyclictest -q -i 100000 > /tmp/marker.out 2>&1 &
  MARK=$!
}
stop_marker() {  # prints the worst wake-up delay in ms, 99999 if unknown
  kill -INT $MARK 2>/dev/null; wait $MARK 2>/dev/null
  # called as $(stop_marker), wait cannot reach the child: poll its output
  i=0; while ! grep -q 'Max:' /tmp/marker.out && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  us=$(sed -n 's/.*Max: *\([0-9]*\).*/\1/p' /tmp/marker.out | tail -1)
  echo $(( ${us:-99999000} / 1000 ))
}
# VM_STRESS_ONLY="process pressure" runs only those sections (default: all:
# policies faults reloads process pressure hostile).
only() { [ -z "${VM_STRESS_ONLY:-}" ] || echo " $VM_STRESS_ONLY " | grep -q " $1 "; }
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
row() {  # case expected observed ok
  if [ "$4" = 1 ]; then PASS=$((PASS + 1)); r=PASS; else FAIL=$((FAIL + 1)); r=FAIL; fi
  echo "| $1 | $2 | $3 | $r |" | tee -a $ROWS
}
start_case() {  # LOG ARGS...: a fresh dmesg, stats every 2 s
  wait_state disabled 10
  dmesg -c > /dev/null
  start_scx "$@" --stats 2
}
stop_scx() { kill -INT $SCX 2>/dev/null; wait $SCX; }
# why LOG: the kernel's reason when it stopped the scheduler (empty if not)
# and, for an RCU stall, which task RCU was waiting for
why() {
  w=$(grep -m1 'the kernel stopped the scheduler' "$1" | cut -c1-300)
  [ -z "$w" ] || echo " ($w$(dmesg | grep -m3 -E 'rcu: .*(starved|blocking|detected|Possible timer)' | cut -c1-160 | tr '\n' ';'))"
}
errs() { [ -z "$(scx_errors)" ] && echo 0 || echo 1; }

# --- every shipped policy under the scx CI stress command
policies() {
for p in policies/*.lua; do
  name=$(basename $p .lua)
  # VM_STRESS_POLICIES="eevdf lottery": only those
  [ -z "${VM_STRESS_POLICIES:-}" ] || echo " $VM_STRESS_POLICIES " | grep -q " $name " || continue
  start_case /tmp/s.log "$p" ||
    { row "$name under stress-ng" "attached" "did not attach: $(tail -1 /tmp/s.log)" 0; continue; }
  start_marker; start_watch
  stress-ng --aggressive -M -c "$NCPU" -f "$NCPU" --affinity 1 --affinity-delay 1 \
    --affinity-pin --timeout "${SECS}s" > /tmp/ng.log 2>&1; ng=$?
  bad=$(stop_watch); mark=$(stop_marker)
  stop_scx; rc=$?
  e=$(errs); errors=$(stat_of "$(last_stats /tmp/s.log core)" errors)
  row "$name: stress-ng ${SECS}s" "attached, load done, clean exit, marker < ${MARK_MS} ms" \
    "stress-ng rc $ng, not-enabled samples $bad, exit $rc, marker ${mark} ms, policy errors $errors, dmesg errors $e" \
    "$([ $ng -eq 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ "$mark" -lt $MARK_MS ] && [ "$e" = 0 ] && echo 1 || echo 0)"
done
}

# --- policy faults under a mixed load: hogs (LOAD: stress-ng options),
# hackbench and the marker
fault() {  # NAME EXPECTED CHECK-FIELD-REGEX POLICY [ARGS...]: check is a grep on the final stats
  name=$1; expect=$2; want=$3; shift 3
  start_case /tmp/f.log "$@" || { row "$name" "$expect" "did not attach: $(tail -1 /tmp/f.log)" 0; return; }
  start_marker; start_watch
  stress-ng ${LOAD:---cpu $NCPU} --timeout 10s --quiet & hogs=$!
  hackbench -g 2 -l 100 > /dev/null 2>&1; hb=$?
  wait $hogs; ng=$?
  bad=$(stop_watch); mark=$(stop_marker)
  stop_scx; rc=$?
  line=$(last_stats /tmp/f.log core)
  seen=$(echo "$line" | grep -oE "(errors|fallback|bad\(d/s/c\)|watchdog|reloads)=[0-9/]*" | tr '\n' ' ')
  bpf=$(last_stats /tmp/f.log bpf | grep -oE "(bounce|stuck_bypass|starve_rescued|cancel|congested)=[0-9]*" | tr '\n' ' ')
  ok=$([ $hb -eq 0 ] && [ $ng -eq 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ "$mark" -lt ${FAULT_MARK_MS:-$MARK_MS} ] &&
       [ "$(errs)" = 0 ] && echo "$line $bpf" | grep -qE "$want" && echo 1 || echo 0)
  # What the watchdog said, if it fired: which bound, CPU or wall.
  wd=$(grep -m1 -oE 'did not return within [0-9]+ ms( of CPU time)?' /tmp/f.log)
  row "$name" "$expect" "$seen$bpf; marker ${mark} ms, not-enabled $bad, exit $rc${wd:+; $wd}" "$ok"
}
faults() {
fault "error on every call" "fallback orders every batch" 'errors=[1-9].* fallback=[1-9]' $T/error_always.lua
fault "error on 1% of calls" "errors counted, policy keeps running" 'errors=[1-9]' $T/error_sometimes.lua
fault "infinite loop, JIT-compiled" "watchdog drops the state within 1 s" 'watchdog=1 ' $T/hang_jit.lua
fault "infinite loop, interpreted" "watchdog hook stops it" 'watchdog=1 ' $T/hang_interp.lua --no-sandbox
# 50 ms of CPU per batch, with 2 hogs, hackbench and the marker on 2
# emulated CPUs: every wake-up waits for batches (markers seen 0.3-6.6 s).
# The bound catches a stall; errs fails it on an RCU stall too. Under the
# default 250 ms budget: a CI dry run once stopped it when the watchdog's
# looks came late (fixed in policy.c; tests/cli.sh reproduces it).
FAULT_MARK_MS=10000 fault "50 ms per call" "slow but attached, no watchdog, no stall (marker < 10 s)" 'watchdog=0 ' $T/slow.lua
fault "NaN/inf/negative deadlines, 0 and 10 s slices, bad CPUs" "all corrected and counted" 'bad\(d/s/c\)=[1-9][0-9]*/[1-9][0-9]*/[1-9]' $T/bad_outputs.lua
fault "every task to CPU 0" "no stall" 'errors=0 ' $T/cpu0.lua
# Hogs pinned to CPU 0, sent by the policy to CPU 1: the kernel side must bounce them.
# The policy sends every task, the marker too, to the other CPU's own queue,
# first come first served. With sync wake-ups preempting nobody (rules.h)
# the marker waits 3.6-3.8 s here, 0.8 s with --preempt-sync, by a path not
# yet understood: the bound is 8 s. A stall shows as not-enabled or the
# kernel's 30 s ejection.
FAULT_MARK_MS=8000 LOAD="--cpu $NCPU --taskset 0" fault "CPUs outside the task's mask (hogs pinned to CPU 0)" \
  "bounced to the shared DSQ, counted, no stall (marker < 8 s)" 'errors=0 .*bounce=[1-9]' $T/cpu_elsewhere.lua
# Three hogs per CPU: the shared DSQ always holds a task the policy prefers.
# cyclictest measures each period against its absolute schedule, so two
# starved runs in a row add up: the bound is 4 s, not 1.
LOAD="--cpu $((NCPU * 3))" FAULT_MARK_MS=4000 fault "a policy that starves one task (cyclictest: the marker) forever, --starve-ms 1000" \
  "the guard runs it within ~1 s each time (marker < 4 s), counted" 'starve_rescued=[1-9]' $T/starve.lua --starve-ms 1000
# Rules a policy publishes are checked before the kernel applies them:
# zero and huge slices, ids that name no rule. Nothing lost, all counted.
fault "a rule with zero and huge slices, rule ids out of range" "corrected and counted, no stall" \
  'errors=0 .*bad_rule=[1-9]' $T/rule_nonsense.lua
fault "memory growth until the heap is exhausted" "policy retired, fallback" 'errors=[1-9].* fallback=[1-9]' $T/oom.lua --arena-mb 32
}

# a reload that fails to compile, then 100 reloads in 10 s, under load
reloads() {
cp policies/deadline.lua $POLDIR/r.lua
start_case /tmp/r.log $POLDIR/r.lua
start_marker; start_watch
stress-ng --cpu "$NCPU" --timeout 14s --quiet & hogs=$!
cp $T/syntax_error.lua $POLDIR/r.lua; kill -HUP $SCX; sleep 1
kept=$(grep -c 'failed, still running "deadline"' /tmp/r.log)
for i in $(seq 1 100); do
  if [ $((i % 2)) = 0 ]; then cp policies/fifo.lua $POLDIR/r.lua; else cp policies/deadline.lua $POLDIR/r.lua; fi
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
}

# --- process faults
process() {
start_case /tmp/p.log policies/deadline.lua
start_marker; start_watch
stress-ng --cpu "$NCPU" --timeout 20s --quiet & hogs=$!
sleep 3; kill -STOP $SCX; sleep 10; kill -CONT $SCX; sleep 3
wait $hogs; ng=$?
bad=$(stop_watch); mark=$(stop_marker)
stop_scx; rc=$?
b=$(last_stats /tmp/p.log bpf)
stuck=$(stat_of "$b" stuck_bypass)
rescued=$(stat_of "$b" stuck_rescued)
cancel=$(stat_of "$b" cancel)
failed=$(stat_of "$b" failed)
# A rescued task's late decision is cancelled, or failed if it exited, or
# never sent when its newer record replaced the old one in user space: no
# count is required of them, only shown.
row "SIGSTOP the scheduler 10 s under load" "BPF side runs what user space held and what arrives, resumes" \
  "stuck_bypass $stuck, stuck_rescued $rescued, late decisions cancelled $cancel / failed $failed, not-enabled $bad, marker ${mark} ms, exit $rc" \
  "$([ $((${stuck:-0} + ${rescued:-0})) -gt 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ $ng -eq 0 ] && [ "$mark" -lt $MARK_MS ] && echo 1 || echo 0)"

start_case /tmp/k.log policies/deadline.lua
stress-ng --cpu "$NCPU" --timeout 12s --quiet & hogs=$!
sleep 2; kill -9 $SCX; wait $SCX 2>/dev/null
wait_state disabled 15; s1=$(state)
start_case /tmp/k2.log policies/deadline.lua; s2=$(state)
wait $hogs; ng=$?
stop_scx; rc=$?
row "kill -9 under load, then restart" "falls back to the default, restarts" "after kill: $s1, after restart: $s2, exit $rc" \
  "$([ "$s1" = disabled ] && [ "$s2" = enabled ] && [ $rc -eq 0 ] && [ $ng -eq 0 ] && echo 1 || echo 0)"

cp policies/deadline.lua $POLDIR/t.lua
start_case /tmp/t.log $POLDIR/t.lua
stress-ng --cpu "$NCPU" --timeout 6s --quiet & hogs=$!
sleep 2; cp policies/fifo.lua $POLDIR/t.lua; kill -HUP $SCX; kill -TERM $SCX; wait $SCX; rc=$?
wait_state disabled 10; s=$(state)
wait $hogs; ng=$?
row "SIGTERM during a reload" "clean detach" "exit $rc, state $s" "$([ $rc -eq 0 ] && [ "$s" = disabled ] && [ $ng -eq 0 ] && echo 1 || echo 0)"
}

# --- kernel-side pressure
# The fork storm, first under EEVDF (no scheduler attached) for the marker's
# baseline in this boot, then under scx_lua with the queued ring shrunk to
# 16 KiB (~170 records) so that it fills: congestion is counted and the
# overflow bypasses to the shared DSQ, nothing is lost. Without the rule
# (--opt rule=false), every decision is a record: with it, the kernel side
# decided so many of the storm's wake-ups that one CI run saw the ring
# never fill (congested=0) and the next one fill once.
storm() {  # prints "hackbench-rc fork-rc marker-ms"
  start_marker
  hackbench -g 40 -l 50 > /dev/null 2>&1; hb=$?
  stress-ng --fork "$NCPU" --timeout 8s --quiet; ng=$?
  echo "$hb $ng $(stop_marker)"
}
pressure() {
set -- $(storm); base=$3
start_case /tmp/fs.log policies/deadline.lua --queue-kb 16 --opt rule=false
start_watch
set -- $(storm); hb=$1; ng=$2; mark=$3
bad=$(stop_watch)
stop_scx; rc=$?
# within 8x of EEVDF's worst delay in the same storm, or 25 s, a stall
# guard: a 1600-task storm on 2 emulated CPUs delays a sleeper by 1.3-3 s
# even under EEVDF, and scx_lua's marker varied from 3.8 to 16.2 s across
# clean runs (8.7x EEVDF in the worst): a sleeper that finds the ring full
# queues behind the whole backlog, a known weakness. A stall would take
# 30 s: the kernel's watchdog ejects at that.
lim=$(( base * 8 > 25000 ? base * 8 : 25000 ))
b=$(last_stats /tmp/fs.log bpf)
c=$(stat_of "$b" congested)
row "fork storm (hackbench 40 groups, stress-ng --fork), 16 KiB ring" \
  "ring fills: congestion counted, nothing lost, marker < max(8 x EEVDF, 25000) ms" \
  "$(echo "$b" | grep -oE "(congested|kernel_dispatches|user_dispatches|rcu_first)=[0-9]*" | tr '\n' ' '); hackbench rc $hb, fork rc $ng, marker ${mark} ms (EEVDF ${base} ms), not-enabled $bad, exit $rc$(why /tmp/fs.log)" \
  "$([ "${c:-0}" -gt 0 ] && [ $hb -eq 0 ] && [ $ng -eq 0 ] && [ "$bad" = 0 ] && [ $rc -eq 0 ] && [ "$mark" -lt $lim ] && echo 1 || echo 0)"

# scx_lua has no ops.cpu_online/offline (bpf/main.bpf.c says why): the
# kernel ends it with a restart request, bypasses through the hotplug, and
# scx_lua attaches again. Staying attached hung this case (the console
# showed RCU stalls until the host's timeout).
start_case /tmp/hp.log policies/deadline.lua
hotplug_cycle
stop_scx; rc=$?
restarted=$(grep -c 'restarting' /tmp/hp.log)
row "CPU hotplug (cpu1 off, on) under load" "the kernel asks for a restart, scx_lua attaches again" \
  "offline rc $off, online rc $on, state $s, restarts $restarted, exit $rc, load rc $ng" \
  "$([ $off -eq 0 ] && [ $on -eq 0 ] && [ $ng -eq 0 ] && [ $rc -eq 0 ] && [ "$s" = enabled ] && [ "$restarted" -ge 1 ] && echo 1 || echo 0)"

# Tasks queued in user space that change (renice) or come and go while
# decisions are slow (a policy taking 50 ms per call): nothing may be lost
# and the scheduler stays attached. Late decisions are not asserted here: on
# 7.2 a renice of a task in BPF custody does not call ops.enqueue again, and a
# held task cannot exit before it runs, so cancel and failed stay 0; the
# SIGSTOP case makes late decisions and checks they are cancelled.
start_case /tmp/sl.log $T/slow.lua
stress-ng --cpu $((NCPU * 2)) --timeout 12s --quiet & hogs=$!
sleep 1
pids=$(for d in /proc/[0-9]*; do
  case "$(cat $d/comm 2>/dev/null)" in stress-ng*) echo ${d#/proc/};; esac; done)
for i in $(seq 1 500); do renice $((i % 10)) -p $pids > /dev/null 2>&1; done
# In subshells: a bare `wait` here would also wait for scx_lua itself.
( for i in $(seq 1 400); do true & done; wait )
( for i in $(seq 1 200); do sleep 0.01 & done; wait )
wait $hogs; ng=$?
s=$(state)
stop_scx; rc=$?
b=$(last_stats /tmp/sl.log bpf)
row "600 short-lived tasks, hogs reniced 500 times, 50 ms policy" "all finish, attached (late decisions, if any, shown)" \
  "$(echo "$b" | grep -oE "(cancel|failed)=[0-9]*" | tr '\n' ' '); state $s, exit $rc, load rc $ng" \
  "$([ "$s" = enabled ] && [ $rc -eq 0 ] && [ $ng -eq 0 ] && echo 1 || echo 0)"
}

# --- hostile policies (hostile.inc.sh): each of its checks becomes a row
hostile() {
  ok() { row "$*" "attached, exit 0, the attack counted (or refused)" "as the case says" 1; }
  nok() { row "$*" "attached, exit 0, the attack counted (or refused)" "not so" 0; }
  hostile_cases
}

echo "| case | expected | observed | result |" > $ROWS
echo "|---|---|---|---|" >> $ROWS
# The longest case (the fork storm, twice) takes about 2 minutes under TCG;
# VM_STRESS_STALL_S (240) is the slack over the per-policy time.
progress_watchdog $((SECS + ${VM_STRESS_STALL_S:-240})) $ROWS
for section in policies faults reloads process pressure hostile; do
  only $section && $section
done
kill $WATCHDOG 2>/dev/null
echo "#"; sed 's/^/# /' $ROWS
finish vm-stress
