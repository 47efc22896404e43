#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `scx_lua load` on this machine's own scheduler (no sched_ext needed: the
# command does not care what schedules its tasks): a small workload of every
# kind of task gives sane figures in the simulator's formats, nice and CPUs
# are applied, a hand-off wakes the consumer, errors exit 2, and a signal
# leaves no process behind. Bounds are loose on purpose: the machine may be
# a loaded 2-CPU box, so nothing here asserts a latency beyond "finite".
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
suite_init
W=tests/workloads/live_small.lua
NCPU=$(nproc)
# processes of the workload: its comms all start ld_ (pgrep's pattern
# matches the 15-character comm)
left() { pgrep '^ld_' | wc -l; }

# --- a run, as a table and as JSON -------------------------------------------
t0=$(date +%s%N)
$BIN load $W > "$T/table" 2> "$T/err"; rc=$?
t1=$(date +%s%N)
expect "load: exit 0, the simulator's table with a row per group" \
  test $rc -eq 0 -a -n "$(grep -E '^policy .* on "live small": [0-9]+ CPUs, 1.5 s, seed 1$' "$T/table")" \
  -a "$(grep -cE '^(hog|sleeper|producer|consumer|niced) +[0-9]+ +[0-9]+ ' "$T/table")" -eq 5 \
  -a -n "$(grep '^machine: utilisation' "$T/table")"
expect "load: the run lasts about its duration (1.5 s; took $(( (t1 - t0) / 1000000 )) ms)" \
  test $(( (t1 - t0) / 1000000 )) -ge 1500 -a $(( (t1 - t0) / 1000000 )) -lt 6000
expect "load: no process of the workload is left after it" test "$(left)" -eq 0

$BIN load $W --json > "$T/l.json" 2> "$T/err"; rc=$?
$BIN sim policies/fifo.lua --workload $W --cpus "$NCPU" --json > "$T/s.json"
expect "load --json: parses, the same keys as sim --json for the same workload" \
  python3 - "$T/l.json" "$T/s.json" <<'EOF'
import json, sys
def keys(x, p=""):
    if isinstance(x, dict):
        return {p + "." + k for k in x} | set().union(*(keys(v, p + "." + k) for k, v in x.items()))
    if isinstance(x, list):
        return set().union(set(), *(keys(v, p + "[]") for v in x))
    return set()
a, b = (json.load(open(f)) for f in sys.argv[1:3])
assert keys(a) == keys(b), keys(a) ^ keys(b)
assert [g["name"] for g in a[0]["groups"]] == [g["name"] for g in b[0]["groups"]]
EOF
J=
# The figures' properties: what must hold on any machine, loaded or not.
check() {  # DESCRIPTION PYTHON: assertions over g (groups by name), m (machine), d (the run)
  expect "$1" python3 -c "import json, math, sys
d = json.load(open('${J:-$T/l.json}'))[0]; m = d['machine']; g = {x['name']: x for x in d['groups']}
$2"
}
# (Other processes may take CPUs: the hogs' share is only bounded loosely;
# but with two hogs ready the CPUs are never idle.)
check "hogs: more CPU than any other group, at least a quarter CPU, the CPUs never idle long" \
  "s = g['hog']['share']; assert 0.25 / $NCPU <= s <= 1.0001, s
assert all(g['hog']['cpu_ns'] > x['cpu_ns'] for n, x in g.items() if n != 'hog'), g
assert m['idle_ns'] < 0.1 * d['cpus'] * d['duration_ns'], m"
check "hogs: never sleep: one wake-up each (the arrival), no bursts completed" \
  "assert g['hog']['wake_samples'] == 2 and g['hog']['bursts'] == 0, g['hog']"
check "sleeper: wakes about every 5 ms, with a finite positive wake-up latency" \
  "s = g['sleeper']; assert s['wake_samples'] >= 50, s; assert 0 < s['wake_p50_ns'] <= s['wake_p99_ns'] <= s['wake_max_ns'] < 1.5e9, s"
check "consumer: woken by the producer (wake-ups <= the producer's bursts + its arrival, and most of them)" \
  "p, c = g['producer'], g['consumer']; assert p['bursts'] >= 50, p
assert p['bursts'] // 2 <= c['wake_samples'] - 1 <= p['bursts'], (p['bursts'], c['wake_samples'])
assert 0 < c['wake_p50_ns'] < 1.5e9, c"
check "every group ran: shares and CPU time positive, waits sampled, runs >= wait samples' count" \
  "assert all(x['share'] > 0 and x['cpu_ns'] > 0 and x['wait_samples'] > 0 and x['runs'] >= x['wait_samples'] for x in g.values()), g"
check "machine: utilisation is the workload's CPU over CPUs x duration, at most 1" \
  "assert 0 < m['utilisation'] <= 1.0001 and abs(m['busy_ns'] - sum(x['cpu_ns'] for x in g.values())) < 1e3, m"
check "response: every task ran, the mean response finite; nobody finished (no work_ms)" \
  "assert all(x['response_ns'] is not None and x['response_ns'] >= 0 and x['done'] == 0 for x in g.values()), g"
check "starve: at least every group's longest wait sample" \
  "assert all(x['starve_max_ns'] >= x['wait_max_ns'] * (1 - 1e-6) for x in g.values()), g"  # samples are floats

# --- how tasks end: work_ms, lifetime_ms, an arrival after the end -----------
$BIN load tests/workloads/live_jobs.lua --json > "$T/j.json" 2> "$T/err"; rc=$?
expect "jobs: exit 0" test $rc -eq 0
J=$T/j.json   # check() reads this run now
check "work_ms: all 5 jobs done, turnaround at least their 10 ms of work, response before it" \
  "j = g['job']; assert j['done'] == 5 and 10e6 <= j['turnaround_ns'] < 1e9 and 0 <= j['response_ns'] <= j['turnaround_ns'], j
assert abs(j['cpu_ns'] - 5 * 10e6) < 5e6, j"
check "life_cpu_ns: what the kernel charged each group's processes (wait4), their start and exit too: at least cpu_ns" \
  "assert all(x['life_cpu_ns'] >= x['cpu_ns'] > 0 for n, x in g.items() if n != 'late'), g
j = g['job']; assert j['life_cpu_ns'] < j['cpu_ns'] + 5 * 50e6, j"
check "lifetime_ms: the mortal task ends 300 ms after its arrival, give or take a run" \
  "x = g['mortal']; assert x['done'] == 1 and 300e6 <= x['turnaround_ns'] < 1e9, x"
check "an arrival after the end: counted, never ran, used nothing" \
  "x = g['late']; assert x['tasks'] == 1 and x['runs'] == 0 and x['cpu_ns'] == 0 and x['response_ns'] is None, x"
$BIN load $W --cpus 1 --duration-ms 500 --json > "$T/c.json" 2> "$T/err"
J=$T/c.json
check "--cpus 1: one CPU for the whole workload: the shares add up to at most 1" \
  "assert d['cpus'] == 1 and sum(x['share'] for x in g.values()) <= 1.0001, g"
J=

# --- a running scx_lua's own figures, over its stats socket (the synth
# backend: a scheduler process without a kernel under it)
: > "$T/run"   # before wait_for looks: the background job's redirection may come later
$BIN run policies/fifo.lua --backend synth --stats-socket "$T/s.sock" > "$T/run" 2>&1 &
SP=$!
wait_for "$T/run" 'running' 1 20
$BIN load $W --duration-ms 500 --stats-socket "$T/s.sock" --json > "$T/k.json" 2> "$T/err"
kill -TERM $SP; wait $SP
J=$T/k.json
check "--stats-socket: the scheduler's P.name as the policy, its steps and CPU time (overhead) over the run" \
  "assert d['policy'] == 'fifo' and m['steps'] > 0 and 0 < m['overhead'] <= 1 and m['sched_ns'] > 0, (d['policy'], m)"
$BIN load $W --duration-ms 300 --stats-socket "$T/nobody.sock" --json > "$T/k.json" 2> "$T/err"; rc=$?
check "--stats-socket nobody serves: the scheduler's figures 0, quietly (exit $rc)" \
  "assert m['steps'] == 0 and m['overhead'] == 0 and d['policy'] == 'kernel default', (d['policy'], m)"
J=

# --- nice, CPUs and comm, seen from /proc while it runs ------------------------
$BIN load $W --duration-ms 4000 > "$T/o" 2>&1 &
P=$!
for i in $(seq 50); do [ -n "$(pgrep -x ld_niced)" ] && break; sleep 0.1; done
sleep 0.3
n=$(pgrep -x ld_niced | head -1); h=$(pgrep -x ld_hog | head -1)
expect "comm: each process is named as its group says (comm), children of the command" \
  test -n "$n" -a -n "$h" -a "$(cut -d' ' -f4 /proc/$n/stat 2>/dev/null)" = "$P"
expect "nice: the niced group runs at nice 5, the hogs at 0" \
  test "$(cut -d' ' -f19 /proc/$n/stat 2>/dev/null)" = 5 -a "$(cut -d' ' -f19 /proc/$h/stat 2>/dev/null)" = 0
want=$(( 1 % NCPU ))
expect "affinity {1}: the niced group may run on CPU $want only (CPU i mod $NCPU)" \
  test "$(sed -n 's/^Cpus_allowed_list:\t//p' /proc/$n/status 2>/dev/null)" = "$want"

# --- SIGINT mid-run: out quickly, nothing left --------------------------------
t0=$(date +%s%N)
kill -INT $P; wait $P; rc=$?
t1=$(date +%s%N)
sleep 0.2
expect "SIGINT mid-run: exit 130 within 3 s of a 4 s run ($(( (t1 - t0) / 1000000 )) ms), says so" \
  test $rc -eq 130 -a $(( (t1 - t0) / 1000000 )) -lt 3000 -a -n "$(grep 'stopped by' "$T/o")"
expect "SIGINT mid-run: no process of the workload left" test "$(left)" -eq 0
$BIN load $W --duration-ms 4000 > "$T/o" 2>&1 &
P=$!
for i in $(seq 50); do [ -n "$(pgrep -x ld_hog)" ] && break; sleep 0.1; done
kill -KILL $P; wait $P 2>/dev/null
for i in $(seq 20); do [ "$(left)" -eq 0 ] && break; sleep 0.1; done
expect "SIGKILL of the command: its tasks die with it (no orphans)" test "$(left)" -eq 0

# --- errors -------------------------------------------------------------------
printf 'return { groups = { { name = "x", burst_ms = "soon" } } }' > "$T/bad.lua"
$BIN load "$T/bad.lua" > "$T/o" 2>&1; rc=$?
expect "a bad workload file: exit 2, the file, group and field named" \
  test $rc -eq 2 -a -n "$(grep "^scx_lua load: $T/bad.lua: group 1 (x): burst_ms: " "$T/o")"
$BIN load "$T/missing.lua" > "$T/o" 2>&1; rc=$?
expect "a missing workload: exit 2" test $rc -eq 2 -a -n "$(grep 'missing.lua' "$T/o")"
$BIN load > "$T/o" 2>&1; rc=$?
expect "no workload: exit 2, an example and the usage" test $rc -eq 2 -a -n "$(grep 'which workload' "$T/o")"
$BIN load $W --cpus $((NCPU + 1)) > "$T/o" 2>&1; rc=$?
expect "--cpus beyond the machine: exit 2, the most it may be" \
  test $rc -eq 2 -a -n "$(grep -- "--cpus $((NCPU + 1)): this process may run on $NCPU CPUs; give at most $NCPU" "$T/o")"
$BIN load $W --duration-ms 0 > "$T/o" 2>&1; rc=$?
expect "--duration-ms 0: exit 2, the range" test $rc -eq 2 -a -n "$(grep -- '--duration-ms expects a whole number from 1' "$T/o")"
$BIN load --help > "$T/o" 2>&1; rc=$?
expect "load --help: exit 0, the options" test $rc -eq 0 -a -n "$(grep -- '--duration-ms N' "$T/o")"
printf 'return { duration_ms = 300, groups = { { name = "ld_neg", nice = -5, burst_ms = 1, sleep_ms = 1 } } }' > "$T/neg.lua"
chmod 755 "$T"; chmod 644 "$T/neg.lua"
# Unprivileged, a negative nice fails (unless RLIMIT_NICE allows it).
if [ "$(id -u)" != 0 ] && [ "$(ulimit -e)" -lt 25 ]; then
  as_user() { "$@"; }
elif command -v runuser > /dev/null && runuser -u nobody -- true 2> /dev/null; then
  as_user() { runuser -u nobody -- "$@"; }
fi
if declare -F as_user > /dev/null; then
  as_user "$PWD/$BIN" load "$T/neg.lua" > "$T/o" 2>&1; rc=$?
  expect "a task that cannot start (nice -5 unprivileged): exit 1, the task and the reason named" \
    test $rc -eq 1 -a -n "$(grep 'task 0 of group ld_neg (pid [0-9]*) cannot start: cannot set nice -5' "$T/o")"
else
  ok "# skip: a task that cannot start (no unprivileged user to try nice -5 as)"
fi
expect "... and nothing left of it" test -z "$(pgrep -x ld_neg)"
# --ext where the kernel has no sched_ext (on one that has, vm-test's part 2e
# runs it under scx_lua -p)
if [ ! -d /sys/kernel/sched_ext ]; then
  $BIN load tests/workloads/live_jobs.lua --ext --duration-ms 200 > "$T/o" 2>&1; rc=$?
  expect "--ext without sched_ext: exit 1, names the kernel option" \
    test $rc -eq 1 -a -n "$(grep 'cannot switch to SCHED_EXT: Invalid argument (this kernel has no sched_ext; --ext needs one built with CONFIG_SCHED_CLASS_EXT)' "$T/o")"
else
  ok "# skip: --ext without sched_ext (this kernel has it)"
fi

# --- lab 6's grader: a live lab, on the kernel ----------------------------------
G=policies/labs/grade
GRADE_SCHED_EXT=$T/none $G 6 > "$T/o" 2>&1; rc=$?
expect "grade 6 without sched_ext: exit 2, says where to run it" \
  test $rc -eq 2 -a -n "$(grep 'runs on a sched_ext kernel .*class VM' "$T/o")"
# A stand-in for the kernel's sysfs folder and for `scx_lua run` (FAKE_MODE:
# ok, errors, noload, eject); `load` is the real one, on this kernel.
mkdir -p "$T/sx/root"; echo disabled > "$T/sx/state"
cat > "$T/scx_lua" <<'EOF2'
#!/usr/bin/env bash
case $1 in
  run)
    [ "$FAKE_MODE" = noload ] && { printf 'scx_lua: cannot load x.lua:\nx.lua:1: boom\n' >&2; exit 1; }
    echo enabled > "$FAKE_SX/state"
    trap 'echo disabled > "$FAKE_SX/state"; exit 0' TERM
    e=0; [ "$FAKE_MODE" = errors ] && e=3
    for n in $(seq 1000); do
      echo "{\"t\":$n,\"core\":{\"policy\":\"x\",\"errors\":$e,\"fallback\":0}}"
      [ "$FAKE_MODE" = eject ] && [ $n -gt 2 ] && { echo disabled > "$FAKE_SX/state"; exit 1; }
      sleep 0.2
    done ;;
  *) exec "$FAKE_REAL" "$@" ;;
esac
EOF2
chmod +x "$T/scx_lua"
live() {  # MODE ARGS...: grade 6 against the stand-in
  FAKE_MODE=$1 FAKE_SX=$T/sx FAKE_REAL=$PWD/$BIN SCX_LUA=$T/scx_lua GRADE_SCHED_EXT=$T/sx \
    GRADE_DURATION_MS=600 timeout 120 $G 6 policies/labs/solutions/lab1.lua "${@:2}" > "$T/o" 2>&1
}
live ok; rc=$?
expect "grade 6: bounds from the kernel's own run, the policy's run checked, its stats read (exit $rc)" \
  test $rc -le 1 -a -n "$(grep '^the kernel.s own scheduler: ui.wake_p99_ms = [0-9.]*, so the bound is ui.wake_p99_ms < [0-9.]*$' "$T/o")" \
  -a -n "$(grep '^PASS: machine.policy_errors <= 0' "$T/o")" -a -n "$(grep '^PASS: machine.ejected <= 0' "$T/o")" \
  -a "$(grep -cE '^(PASS|FAIL): [a-z]+\.' "$T/o")" -eq 7
expect "grade 6: the scheduler stopped after the run" test "$(cat "$T/sx/state")" = disabled
live errors; rc=$?
expect "grade 6: policy errors in the scheduler's stats fail it (exit 1)" \
  test $rc -eq 1 -a -n "$(grep '^FAIL: machine.policy_errors <= 0: got 3' "$T/o")"
live eject; rc=$?
expect "grade 6: a scheduler the kernel dropped mid-run fails it (exit 1)" \
  test $rc -eq 1 -a -n "$(grep '^FAIL: machine.ejected <= 0: got 1' "$T/o")"
live noload; rc=$?
expect "grade 6: a policy that does not load: exit 3, its error" test $rc -eq 3 -a -n "$(grep '^DID NOT LOAD: x.lua:1: boom' "$T/o")"
live ok --json; rc=$?
expect "grade 6 --json: one object, seven checks" python3 -c 'import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["lab"] == 6 and d["result"] in ("pass", "fail") and len(d["checks"]) == 7, d' "$T/o"

done_testing load.sh
