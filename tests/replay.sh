#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `scx_lua sim --replay FILE`: a recording made by the simulator itself
# (sim --record) replayed under the same policy gives each group the CPU
# time and bursts it had; a pipeline's wake-up chains are found and none
# are made up; the synth backend's recordings replay; pinned tasks stay
# pinned; bad, cut and hostile files are refused by name or replayed
# what there is of them, never a crash.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
suite_init

# close A.json B.json TOL: every group of A has a group of that name in B
# whose CPU time and burst count are within TOL (a fraction) of A's.
close() {
  python3 - "$@" <<'EOF'
import json, sys
a, b = (json.load(open(f))[0] for f in sys.argv[1:3])
tol, bad = float(sys.argv[3]), []
got = {g["name"]: g for g in b["groups"]}
for g in a["groups"]:
    r = got.get(g["name"])
    if r is None:
        bad.append(g["name"] + ": missing")
        continue
    for k in ("cpu_ns", "bursts"):
        if abs(r[k] - g[k]) > tol * max(g[k], 1) + (2 if k == "bursts" else 1e6):
            bad.append("%s.%s %g vs %g" % (g["name"], k, g[k], r[k]))
print("; ".join(bad) or "all within %g%%" % (100 * tol))
sys.exit(1 if bad else 0)
EOF
}

# Recorded by the simulator with every wake-up through the policy (-u),
# replayed under the same policy: the same load.
for w in interactive server pipeline forkstorm; do
  $BIN sim policies/deadline.lua --workload $w --duration 2 -u --json --record "$T/$w.rec" \
    > "$T/$w.orig.json" 2> "$T/$w.rec.log"
  $BIN sim policies/deadline.lua --replay "$T/$w.rec" -u --json > "$T/$w.replay.json" 2> "$T/$w.note"
  msg=$(close "$T/$w.orig.json" "$T/$w.replay.json" 0.02)
  expect "$w recorded and replayed (deadline, -u): per-group CPU time and bursts ($msg)" \
    test -n "$(grep -E 'recorded [0-9]+ events .*\(0 lost\)' "$T/$w.rec.log")" -a "${msg#all}" != "$msg"
done
expect "the note on stderr with --json: tasks, groups, the recording's backend and policy" \
  has "$T/interactive.note" '^replay: .*interactive.rec \(sim backend, policy deadline, 4 CPUs, 2.000 s\): 11 tasks in 3 groups'

# With the idle fast path (the default) the recording misses the wake-ups
# the kernel side handled alone (whole bursts and sleeps): the replay has
# less load than the run, never more than the inference's error (a group
# that never sleeps takes what the others leave). The workers of server
# come out 4.3% over: 9605 events recorded in 2 s, where 10653 were while
# idle CPUs ran the scheduler for every record of a decision already
# taken, and more wake-ups found a CPU busy with it and went through the
# rule (with a record).
$BIN sim policies/deadline.lua --workload server --duration 2 --json --record "$T/fast.rec" > "$T/fast.json" 2>/dev/null
$BIN sim policies/deadline.lua --replay "$T/fast.rec" --json > "$T/fastr.json" 2> "$T/fast.note"
expect "fast path on: no load made up (a sleeping group's CPU at most 5% over the run's), 40% of it at least" \
  python3 -c "
import json; a, b = (json.load(open(f))[0] for f in ('$T/fast.json', '$T/fastr.json'))
got = {g['name']: g['cpu_ns'] for g in b['groups']}
for g in (g for g in a['groups'] if g['bursts']):
    assert 0.4 * g['cpu_ns'] <= got[g['name']] <= 1.05 * g['cpu_ns'] + 1e6, (g['name'], g['cpu_ns'], got)"

# A sleeper whose last record found it preempted ends its burst at its
# usual length, not running on to the end like a hog (ui, fast path on).
$BIN sim policies/deadline.lua --workload interactive --duration 2 --json --record "$T/if.rec" > "$T/if.json" 2>/dev/null
$BIN sim policies/deadline.lua --replay "$T/if.rec" --json > "$T/if.r.json" 2>/dev/null
msg=$(close "$T/if.json" "$T/if.r.json" 0.05)
expect "interactive, fast path on, same policy: every group within 5% ($msg)" test "${msg#all}" != "$msg"

# Short jobs that ran once and exited leave no record of their CPU time:
# what the CPUs could give over their span, less the recorded runs, is
# shared among them (jobs: 30 of 8 ms at once; stream: one every 1.9 ms).
for w in jobs stream; do
  $BIN sim policies/deadline.lua --workload $w --duration 2 --json --record "$T/$w.rec" > "$T/$w.json" 2>/dev/null
  $BIN sim policies/deadline.lua --replay "$T/$w.rec" --json > "$T/$w.r.json" 2> "$T/$w.note"
  expect "$w: the short jobs' CPU time, guessed and said so, within 10% of the run's" \
    python3 -c "
import json; a, b = (json.load(open(f))[0] for f in ('$T/$w.json', '$T/$w.r.json'))
x, y = (next(g['cpu_ns'] for g in d['groups'] if g['name'] == 'short') for d in (a, b))
assert abs(y - x) <= 0.1 * x, (x, y)
assert 'exited with no record of their CPU time' in open('$T/$w.note').read()"
done

expect "pipeline: both chains inferred (filter <- producer, consumer <- filter)" \
  has "$T/pipeline.note" '2 wake-up chains inferred: filter <- producer \(([5-9][0-9]|100)%\), consumer <- filter \(([5-9][0-9]|100)%\)$'
for w in interactive server forkstorm; do
  expect "$w: no wake-up chain made up" has "$T/$w.note" ', 0 wake-up chains inferred$'
done

# The point of it: several policies on the recorded load, side by side.
$BIN sim policies/fifo.lua policies/deadline.lua --replay "$T/interactive.rec" > "$T/cmp" 2>&1; rc=$?
expect "sim fifo deadline --replay: exit 0, the note, then the comparison table" \
  test $rc -eq 0 -a -n "$(grep -E '^ +fifo +deadline' "$T/cmp")" \
  -a -n "$(grep -E '^ui wake p99 ms' "$T/cmp")" -a -n "$(grep '^replay: ' "$T/cmp")"
$BIN sim policies/fifo.lua --replay "$T/interactive.rec" --expect 'ui.bursts > 50' > "$T/o" 2>&1
expect "--expect names the recording's groups (ui.bursts)" has "$T/o" '^PASS  fifo: ui.bursts > 50'

# What --replay is for, checked where the truth is known: recorded under
# deadline with the idle fast path on (the default), replayed under fifo
# and deadline, against both run directly on the workload. Every sleeping
# group's share within 2 points, and its wake-up p99 ranked the same way
# wherever the direct runs differ by more than a fifth.
for w in interactive pipeline server; do
  $BIN sim policies/deadline.lua --workload $w --duration 3 --record "$T/x$w.rec" > /dev/null 2>&1
  $BIN sim policies/fifo.lua policies/deadline.lua --workload $w --duration 3 --json > "$T/x$w.json"
  $BIN sim policies/fifo.lua policies/deadline.lua --replay "$T/x$w.rec" --json > "$T/x$w.r.json" 2>/dev/null
  msg=$(python3 - "$T/x$w.json" "$T/x$w.r.json" <<'EOF'
import json, sys
d, r = (json.load(open(f)) for f in sys.argv[1:3])
bad, n = [], 0
for p in range(2):
    got = {g["name"]: g for g in r[p]["groups"]}
    for g in d[p]["groups"]:
        if g["bursts"] and abs(got[g["name"]]["share"] - g["share"]) > 0.02:
            bad.append("%s %s share %.3f vs %.3f" % (d[p]["policy"], g["name"], g["share"], got[g["name"]]["share"]))
for g in (g for g in d[0]["groups"] if g["bursts"]):
    a, b = g["wake_p99_ns"], next(x for x in d[1]["groups"] if x["name"] == g["name"])["wake_p99_ns"]
    ra, rb = (next(x for x in r[p]["groups"] if x["name"] == g["name"])["wake_p99_ns"] for p in range(2))
    if abs(a - b) > 0.2 * max(a, b):
        n += 1
        if (a < b) != (ra < rb):
            bad.append("%s wake p99 ranked otherwise" % g["name"])
print("; ".join(bad) or "%d rankings agree" % n)
sys.exit(1 if bad else 0)
EOF
)
  expect "$w recorded under deadline, fifo vs deadline replayed as run directly ($msg)" \
    test "${msg%agree}" != "$msg"
done

# The synth backend's recordings (no kernel needed) replay too.
timeout 60 $BIN run policies/fifo.lua --backend synth --synth-tasks 32 --duration 0.05 \
  --record "$T/synth.rec" > "$T/synth.log" 2>&1
$BIN sim policies/fifo.lua --replay "$T/synth.rec" --duration 1 > "$T/o" 2>&1; rc=$?
expect "a synth backend recording replays: its command names as groups" \
  test $rc -eq 0 -a -n "$(grep -E '^replay: .*\(synth backend, policy fifo' "$T/o")" \
  -a -n "$(grep -E '^(Xorg|make|cc1|firefox|bash|sshd|postgres|pipewire) ' "$T/o")"

# Recordings written by hand (record.h's layout), for what the simulator
# does not make: pinned tasks, pid reuse, hostile values.
# mkrec OUT CPUS [END_TS] < lines "ts start stop exec pid cpu ncpus weight kind flags comm"
cat > "$T/mkrec.py" <<'EOF'
import struct, sys
out, cpus = sys.argv[1], int(sys.argv[2])
f = open(out, "wb")
f.write(b"SCXREC1\n" + struct.pack("<IIIIQ16s32s", 1, 64, cpus, 0, 0, b"test", b"hand"))
n = 0
for line in sys.stdin:
    if not line.strip():
        continue
    ts, st, sp, ex, pid, cpu, nca, w, kind, fl, comm = line.split()
    f.write(struct.pack("<QQQQiihHHBB16s", int(ts), int(st), int(sp), int(ex), int(pid),
                        int(pid), int(cpu), int(nca), int(w), int(kind), int(fl), comm.encode()))
    n += 1
if len(sys.argv) > 3:
    f.write(struct.pack("<QQQQiihHHBB16s", int(sys.argv[3]), n, 0, 0, 0, 0, -1, 0, 0, 3, 0, b""))
EOF
mkrec() { python3 "$T/mkrec.py" "$@"; }

# Three hogs pinned to CPU 1 (nr_cpus_allowed 1) and one free hog, 2 CPUs.
mkrec "$T/pin.rec" 2 1000000000 <<'EOF'
0 0 0 0 11 1 1 100 1 1 pin
0 0 0 0 12 1 1 100 1 1 pin
0 0 0 0 13 1 1 100 1 1 pin
0 0 0 0 20 0 2 100 1 1 free
900000000 100000000 900000000 300000000 11 1 1 100 1 2 pin
900000000 100000000 900000000 300000000 12 1 1 100 1 2 pin
900000000 100000000 900000000 300000000 13 1 1 100 1 2 pin
900000000 100000000 900000000 800000000 20 0 2 100 1 2 free
EOF
$BIN sim policies/deadline.lua --replay "$T/pin.rec" --json > "$T/pin.json" 2> "$T/o"
expect "pinned tasks (one CPU allowed) stay on their CPU: no migrations, one CPU's worth between them" \
  python3 -c "
import json; g = {x['name']: x for x in json.load(open('$T/pin.json'))[0]['groups']}
assert g['pin']['migrations'] == 0 and abs(g['pin']['share'] - 0.5) < 0.01, g['pin']
assert abs(g['free']['share'] - 0.5) < 0.01, g['free']"

# One task's life read exactly: forked at 0; slept 3-10 ms after a 2 ms run
# (burst 2, sleep 7); preempted at 15 ms with 3.5 ms run since it woke,
# ran 15-16 and slept till 20 (burst 4.5, sleep 4); exited at 30 having
# used 8.5 ms over its life (the exit's exec_runtime, as the live backend
# sends it), so 2 ms since. Alone on a CPU the replay runs it 2 + 4.5 + 2
# ms, ending at 19.5 ms.
mkrec "$T/life.rec" 1 40000000 <<'EOF'
0 0 0 0 5 0 1 100 1 0 life
10000000 1000000 3000000 0 5 0 1 100 1 1 life
15000000 10500000 14000000 3500000 5 0 1 100 1 2 life
20000000 15000000 16000000 0 5 0 1 100 1 1 life
30000000 0 0 8500000 5 -1 0 0 2 0 life
EOF
$BIN sim policies/deadline.lua --replay "$T/life.rec" --json > "$T/life.json" 2> "$T/o"
expect "one task's recorded life replayed: 8.5 ms of CPU in 3 bursts, done at 19.5 ms" \
  python3 -c "
import json; g = json.load(open('$T/life.json'))[0]['groups'][0]
assert abs(g['cpu_ns'] - 8.5e6) < 1e3 and g['bursts'] == 2 and g['done'] == 1, g
assert abs(g['turnaround_ns'] - 19.5e6) < 0.1e6, g['turnaround_ns']"

# Tasks older than the recording: one that ran just before it (its first
# record shows that run), one asleep when the scheduler attached (its
# first record a wake-up with no run, as the live backend sends it). Each
# exit's CPU time over its life (10 s) holds CPU from before the
# recording, which the replay must not give them at the end of their
# lives: 2 ms bursts, so about 4 ms each.
mkrec "$T/old.rec" 2 40000000 <<'EOF'
5000000 1000000 3000000 0 7 0 1 100 1 1 ran
5000000 0 0 0 8 1 1 100 1 1 slept
10000000 5000000 7000000 0 8 1 1 100 1 1 slept
30000000 0 0 10000000000 7 -1 0 0 2 0 ran
30000000 0 0 10000000000 8 -1 0 0 2 0 slept
EOF
$BIN sim policies/deadline.lua --replay "$T/old.rec" --json > "$T/old.json" 2> "$T/o"
expect "tasks older than the recording: their life's CPU at exit is not replayed as a last burst" \
  python3 -c "
import json; g = {x['name']: x for x in json.load(open('$T/old.json'))[0]['groups']}
assert all(3e6 < g[n]['cpu_ns'] < 6e6 and g[n]['done'] == 1 for n in ('ran', 'slept')), g"

# 40 command names: the 31 busiest a group each, the 9 least busy merged.
python3 -c "
for i in range(40):
    print(0, 0, 0, 0, 100 + i, 0, 2, 100, 1, 1, 'c%02d' % i)
    print(10000000, 1000000, 1000000 + (i + 1) * 10000, 0, 100 + i, 0, 2, 100, 1, 1, 'c%02d' % i)
" | sort -n -s -k1,1 | mkrec "$T/many.rec" 2 20000000
$BIN sim policies/fifo.lua --replay "$T/many.rec" --json > "$T/many.json" 2> "$T/o"
expect "40 command names: 32 groups, the least busy 9 in others, and said so" \
  python3 -c "
import json; g = json.load(open('$T/many.json'))[0]['groups']
assert len(g) == 32 and g[-1]['name'] == 'others' and g[-1]['tasks'] == 9, g[-1]
assert 'c00' not in [x['name'] for x in g] and 'c39' in [x['name'] for x in g]
assert '9 more command names merged into others' in open('$T/o').read()"

# A pid that exits and comes back is a new task; a record drained after
# the exit it precedes belongs to the old one.
mkrec "$T/reuse.rec" 1 50000000 <<'EOF'
0 0 0 0 7 0 1 100 1 1 first
10000000 1000000 2000000 0 7 0 1 100 1 1 first
3000000 0 0 0 7 0 1 100 2 0 first
2500000 1000000 2000000 0 7 0 1 100 1 1 first
20000000 0 0 0 7 0 1 100 1 1 second
30000000 20000000 21000000 0 7 0 1 100 1 1 second
EOF
$BIN sim policies/fifo.lua --replay "$T/reuse.rec" > "$T/o" 2>&1; rc=$?
expect "a pid reused after its exit: two tasks, the late record ignored" \
  test $rc -eq 0 -a -n "$(grep -E ': 2 tasks in 2 groups' "$T/o")" \
  -a -n "$(grep -E '1 events of a task drained after its exit ignored' "$T/o")"

# A chain as the kernel records one: the consumer's wake-up comes a few us
# before the producer's burst ends (write, then block), with jitter; a
# third task wakes at random. The chain is found, the random one is not
# made part of one.
python3 -c "
import random; random.seed(3)
pe, ce = 0, 0
for k in range(1, 200):
    t = k * 2000000
    end = t - 1500000 + random.randint(0, 400000)
    print(t, t - 2000000 + 1000, end, 0, 1, 0, 2, 100, 1, 1, 'producer')
    w = end - random.randint(2000, 30000)
    print(w, pe, pe + 200000 if pe else 0, 0, 2, 1, 2, 100, 1, 1, 'consumer')
    pe = w + 20000
    r = random.randint(t - 2000000, t)
    print(r, ce, ce + 100000 if ce else 0, 0, 3, 1, 2, 100, 1, 1, 'noise')
    ce = r + 10000
" | sort -n -s -k1,1 | mkrec "$T/chain.rec" 2 400000000
$BIN sim policies/deadline.lua --replay "$T/chain.rec" > "$T/o" 2>&1
expect "a kernel-like chain (wakee a few us before the waker stops) inferred, no random one" \
  test -n "$(grep -E '1 wake-up chain inferred: consumer <- producer \(([5-9][0-9]|100)%\)$' "$T/o")"

# Bad files: each refused with its name and what is wrong (exit 2).
refuse() {  # DESCRIPTION FILE PATTERN
  $BIN sim policies/fifo.lua --replay "$2" > "$T/o" 2>&1; local rc=$?
  expect "$1: exit 2, the file and the reason named" \
    test $rc -eq 2 -a -n "$(grep -F -- "$2" "$T/o" | grep -E -- "$3")"
}
refuse "a file that is not there" "$T/nothere.rec" 'No such file'
refuse "a workload file given as a recording" policies/workloads/interactive.lua 'not a scx_lua recording'
head -c 40 "$T/interactive.rec" > "$T/cut.rec"
refuse "a file cut inside its header" "$T/cut.rec" 'not a scx_lua recording'
python3 -c "
import sys; d = bytearray(open('$T/interactive.rec', 'rb').read()); d[8] = 9
open('$T/v9.rec', 'wb').write(d)"
refuse "another format version" "$T/v9.rec" 'another scx_lua version'
head -c 80 "$T/interactive.rec" > "$T/empty.rec"
refuse "a header and no events" "$T/empty.rec" 'no task events'
refuse "a folder" "$T" 'not a regular file'
printf '5000 0 0 0 -3 0 1 100 1 1 neg\n99 0 0 0 0 0 1 100 1 1 zero\n' | mkrec "$T/nopid.rec" 2
refuse "events without a pid only" "$T/nopid.rec" 'no task events'

# Cut mid-event and without its trailer: what is there replays, and the
# note says the recording was cut short.
head -c $((80 + 64 * 300 + 17)) "$T/interactive.rec" > "$T/trunc.rec"
$BIN sim policies/fifo.lua --replay "$T/trunc.rec" > "$T/o" 2>&1; rc=$?
expect "a recording cut mid-event: replayed, 'cut short' said" \
  test $rc -eq 0 -a -n "$(grep 'no REC_END trailer: the recording was cut short' "$T/o")"

# Hostile values: times past a day, stops before starts, unknown kinds,
# times going back, absurd exec_runtime: skipped and counted, no crash.
mkrec "$T/hostile.rec" 4 <<'EOF'
0 0 0 0 1 0 4 100 1 1 a
18446744073709551615 0 0 0 1 0 4 100 1 1 a
5000000 9000000 1000 0 1 0 4 100 1 0 a
4000000 0 0 0 1 0 4 100 1 1 a
6000000 100 200 18446744073709551615 1 9999 65535 65535 1 2 a
7000000 0 0 0 1 0 4 100 77 0 a
8000000 7000000 7500000 0 1 -5 0 0 1 1 a
EOF
$BIN sim policies/fifo.lua --replay "$T/hostile.rec" > "$T/o" 2>&1; rc=$?
expect "hostile values: replayed what is sane, each kind of skip said (exit $rc)" \
  test $rc -eq 0 -a -n "$(grep 'events past 24 h skipped' "$T/o")" \
  -a -n "$(grep 'earlier than their task' "$T/o")" -a -n "$(grep 'of no known kind' "$T/o")" \
  -a -n "$(grep 'stop before they start' "$T/o")"
python3 -c "
import os, random; random.seed(7); h = open('$T/interactive.rec', 'rb').read(80)
for i in range(20):
    open('$T/rand%d.rec' % i, 'wb').write(h + bytes(random.getrandbits(8) for _ in range(64 * random.randint(1, 200))))"
crash=
for i in $(seq 0 19); do
  timeout 60 $BIN sim policies/fifo.lua --replay "$T/rand$i.rec" --duration 0.2 > "$T/o" 2>&1; rc=$?
  [ $rc -le 2 ] || crash="$crash rand$i:$rc"
done
expect "20 random event streams behind a valid header: exit 0 or 2, never a crash${crash:+ ($crash)}" test -z "$crash"

# The command line.
$BIN sim policies/fifo.lua --workload interactive --replay "$T/interactive.rec" > "$T/o" 2>&1; rc=$?
expect "--workload and --replay: exit 2, give one" \
  test $rc -eq 2 -a -n "$(grep -- '--workload and --replay both name the workload: give one' "$T/o")"
$BIN sim policies/fifo.lua > "$T/o" 2>&1
expect "no workload: the message offers --replay" has "$T/o" 'or --replay FILE'
$BIN sim policies/fifo.lua --workload interactive --record "$T/none/x.rec" > "$T/o" 2>&1; rc=$?
expect "sim --record into a folder that is not there: exit 1, the file and the fix named" \
  test $rc -eq 1 -a -n "$(grep -- "--record: cannot write $T/none/x.rec: .*name a file in a folder you can write" "$T/o")"
$BIN sim --help > "$T/o"
expect "sim --help lists --replay" has "$T/o" '^  --replay FILE'
expect "sim --help lists --record" has "$T/o" '^  --record FILE'

done_testing replay.sh
