#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `scx_lua sim` as a user meets it: every shipped workload under the two
# reference policies, compare mode, byte-identical reruns, the trace, the
# HTML report rendered by a real browser, and errors in workload files.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
suite_init

for w in policies/workloads/*.lua; do
  $BIN sim policies/fifo.lua policies/deadline.lua --workload "$w" > "$T/o" 2>&1; rc=$?
  expect "sim fifo vs deadline on $(basename "$w" .lua): exit 0, side by side" \
    test $rc -eq 0 -a -n "$(grep -E '^ +fifo +deadline' "$T/o")" -a -n "$(grep '^utilisation %' "$T/o")"
done

$BIN sim policies/deadline.lua --workload policies/workloads/interactive.lua > "$T/t" 2>&1
expect "single policy: a table per group and a machine line" \
  test -n "$(grep -E '^ui +2 +100' "$T/t")" -a -n "$(grep '^machine: utilisation' "$T/t")"

$BIN sim policies/deadline.lua --workload policies/workloads/server.lua --seed 7 --json > "$T/a.json"
$BIN sim policies/deadline.lua --workload policies/workloads/server.lua --seed 7 --json > "$T/b.json"
expect "same workload, policy and seed: byte-identical JSON" cmp -s "$T/a.json" "$T/b.json"
$BIN sim policies/deadline.lua --workload policies/workloads/server.lua --seed 8 --json > "$T/c.json"
expect "another seed: different numbers" test -n "$(cmp "$T/a.json" "$T/c.json")"
expect "JSON has the machine and group metrics" \
  test -n "$(grep -E '"jain": [0-9.]+' "$T/a.json")" -a -n "$(grep -E '"wake_p99_ns": [0-9.e+]+' "$T/a.json")"
expect "JSON: each group's mean wake-up is the mean of its samples (between the smallest and the max; none without samples)" \
  python3 -c "
import json, sys
n = 0
for g in json.load(open(sys.argv[1]))[0]['groups']:
    m = g['wake_mean_ns']
    if g['wake_samples'] == 0:
        assert m is None, g
    else:
        assert 0 < m <= g['wake_max_ns'], g
        n += 1
assert n, 'no group woke up'
" "$T/a.json"

# A hand-off (write, then read) is a sync wake-up: it preempts no hog
# unless --preempt-sync says so (bpf/rules.h, rule_wakeup_may_preempt).
npre() { sed -n 's/.* \([0-9]*\) for an earlier deadline.*/\1/p' "$1"; }
$BIN sim policies/deadline.lua --workload policies/workloads/pipeline.lua --duration 2 > "$T/ns" 2>&1
$BIN sim policies/deadline.lua --workload policies/workloads/pipeline.lua --duration 2 --preempt-sync \
  > "$T/ps" 2>&1
expect "sync wake-ups preempt nobody: fewer deadline preemptions than with --preempt-sync ($(npre "$T/ns") vs $(npre "$T/ps"))" \
  test "$(npre "$T/ns")" -lt "$(npre "$T/ps")"

$BIN sim policies/fifo.lua policies/deadline.lua --workload policies/workloads/pipeline.lua --duration 1 \
  --trace "$T/trace.json" --report "$T/report.html" > /dev/null
expect "trace: run slices on CPU tracks" test "$(grep -c '"ph": "X"' "$T/trace.json")" -gt 100
expect "trace: wake-ups and dispatch decisions" \
  test -n "$(grep -m1 '"name": "wake ' "$T/trace.json")" -a -n "$(grep -m1 '"name": "dispatch ' "$T/trace.json")"
expect "trace: CPU track names" test "$(grep -c '"thread_name"' "$T/trace.json")" -eq 3
missing=
while read -r term; do
  grep -qF "<dt>$term</dt>" "$T/report.html" || missing="$missing report:'$term'"
  grep -qF "| $term |" docs/policy-guide.md || missing="$missing guide:'$term'"
done < <(sed -n '/sim_glossary\[\]\[2\] = {/,/^};/p' sim/report.c | sed -n 's/^\t{ "\([^"]*\)".*/\1/p')
expect "glossary: every term in the report and in the policy guide${missing:+ (not:$missing)}" \
  test -z "$missing" -a "$(grep -c '<dt>' "$T/report.html")" -ge 10
expect "report: a section per policy, each with CPUs, task lanes and a per-task table" \
  test "$(grep -c '<section class="policy"><h1>policy <code>' "$T/report.html")" -eq 2 \
  -a "$(grep -c '<svg class="lanes"' "$T/report.html")" -eq 2 -a "$(grep -c '<h2>Per task' "$T/report.html")" -eq 2
$BIN sim policies/fifo.lua --workload pipeline --window 200-260 --report "$T/w.html" > /dev/null
expect "report --window 200-260: the charts' window, and hand-off arrows producer -> filter -> consumer" \
  test -n "$(grep '<h2>CPUs over time (200 to 260 ms)</h2>' "$T/w.html")" -a "$(grep -c '<line .*marker-end' "$T/w.html")" -ge 4
$BIN sim policies/fifo.lua --workload pipeline --window 50-20 --report "$T/w.html" > "$T/o" 2>&1; rc=$?
expect "--window 50-20: exit 2, the form named" test $rc -eq 2 -a -n "$(grep -- '--window expects a window in ms' "$T/o")"
expect "report: lanes show waits (runnable spans) as well as runs" \
  test "$(grep -o 'rgba(225,87,89,.35)' "$T/report.html" | wc -l)" -gt 50
expect "report: one self-contained file (no external resource)" \
  test -n "$(grep '<svg id="gantt"' "$T/report.html")" -a -z "$(grep -E '(src|href)=' "$T/report.html")"

if command -v chromium > /dev/null; then
  timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$T/chrome" --window-size=1280,2400 --screenshot="$T/report.png" \
    "file://$(readlink -f "$T/report.html")" > /dev/null 2>&1
  size=$(stat -c %s "$T/report.png" 2>/dev/null || echo 0)
  # A blank page compresses to about 5 KB; the report with its chart is tens of KB.
  expect "report renders in headless Chromium (screenshot $size bytes)" test "$size" -gt 20000
  # Both policies on screen: coloured (run) pixels in the top and the bottom
  # half of the 2400-pixel page, where the second section's charts are.
  expect "report: the screenshot shows charts in both halves (both policies)" \
    python3 tests/png_colour.py "$T/report.png"
else
  echo "skip - chromium is not installed (make test installs it as root)"
fi

# Workload files: errors name the file, the group and the field.
printf 'return { groups = { { name = "x", count = 2 } } }\n' > "$T/w1.lua"
$BIN sim policies/fifo.lua --workload "$T/w1.lua" > "$T/o" 2>&1; rc=$?
expect "workload without bursts: exit 2, names group and field" \
  test $rc -eq 2 -a -n "$(grep 'group 1 (x): burst_ms' "$T/o")"
printf 'return { groups = { { burst_ms = {"gamma", 3} } } }\n' > "$T/w2.lua"
$BIN sim policies/fifo.lua --workload "$T/w2.lua" > "$T/o" 2>&1
expect "unknown distribution: says which ones exist" has "$T/o" 'expected \{"exp", mean\}'
printf 'while true do end\n' > "$T/w3.lua"
$BIN sim policies/fifo.lua --workload "$T/w3.lua" > "$T/o" 2>&1; rc=$?
expect "a workload that loops: an error, not a hang" test $rc -eq 2 -a -n "$(grep 'too long' "$T/o")"
printf 'os.execute("true") return {}\n' > "$T/w4.lua"
$BIN sim policies/fifo.lua --workload "$T/w4.lua" > "$T/o" 2>&1
expect "a workload is data: no library" has "$T/o" "attempt to index global 'os'"
$BIN sim policies/fifo.lua > "$T/o" 2>&1; rc=$?
expect "no --workload: exit 2 with a hint" test $rc -eq 2 -a -n "$(grep 'which workload' "$T/o")"

# The command line: the same ranges, rules and messages as run's (cli/opts.c).
H=policies/workloads/hogs.lua
$BIN sim policies/fifo.lua --workload $H --cpus 0 > "$T/o" 2>&1; rc=$?
expect "--cpus 0: exit 2, naming the range run has" \
  test $rc -eq 2 -a -n "$(grep -- '--cpus expects a whole number from 1 to 1024' "$T/o")"
$BIN sim policies/fifo.lua --workload $H --opt =x > "$T/o" 2>&1; rc=$?
expect "--opt =x refused, as run refuses it" test $rc -eq 2 -a -n "$(grep 'KEY=VALUE' "$T/o")"
$BIN sim policies/fifo.lua --workload $H --cost nan,1 > "$T/o" 2>&1; rc=$?
expect "--cost nan refused (the clock adds it)" test $rc -eq 2 -a -n "$(grep -- '--cost expects' "$T/o")"
$BIN sim policies/fifo.lua --workload $H --nope > "$T/o" 2>&1; rc=$?
expect "unknown option: exit 2, named, with the usage" \
  test $rc -eq 2 -a -n "$(grep 'unknown option or missing value: --nope' "$T/o")" -a -n "$(grep '^usage' "$T/o")"
$BIN sim policies/fifo.lua --workload $H --cpus 128 --duration 0.2 > "$T/o" 2>&1; rc=$?
expect "--cpus 128: runs" test $rc -eq 0 -a -n "$(grep '128 CPUs' "$T/o")"
printf 'return { groups = { { name = "pin", burst_ms = 1, sleep_ms = 1, affinity = {0} } } }\n' > "$T/w5.lua"
$BIN sim policies/fifo.lua --workload "$T/w5.lua" --cpus 65 > "$T/o" 2>&1; rc=$?
expect "--cpus 65 with an affinity: exit 2, masks hold 64 CPUs" \
  test $rc -eq 2 -a -n "$(grep 'affinity masks hold 64 CPUs' "$T/o")"

# --- workload files say what is wrong with them, with the line
wl() {  # NAME SED-EXPRESSION EXPECTED: a valid two-group file, edited
  cat > "$T/$1.lua" <<'EOF2'
return {
  name = "x", cpus = 2,
  groups = {
    { name = "a", burst_ms = 1, sleep_ms = 2, wakes = "b" },
    { name = "b", burst_ms = 1, sleep_ms = "wait" },
  },
}
EOF2
  sed -i "$2" "$T/$1.lua"
  $BIN sim policies/fifo.lua --workload "$T/$1.lua" --duration 0.1 > "$T/o" 2>&1; rc=$?
  expect "workload: $1: exit 2, $3" test $rc -eq 2 -a -n "$(grep -F -- "$3" "$T/o")"
}
wl misspelt 's/wakes = "b"/wake = "b"/' 'group 1 (a): wake: unknown key at line 4; did you mean wakes?'
wl top-level 's/cpus = 2/cpu = 2/' 'cpu: unknown key at line 2; did you mean cpus?'
wl dup-name 's/name = "b"/name = "a"/' 'group 2 (a): name: another group has this name'
wl wakes-nobody 's/wakes = "c"//; s/wakes = "b"/wakes = "c"/' 'group 1 (a): wakes: names no group of this workload'
wl wait-unwoken 's/, wakes = "b"//' 'group 2 (b): sleep_ms: "wait", but no group wakes it'
printf 'local P = {}\nfunction P.enqueue(t, now) if t.comm == "x" then end t.deadline = now end\nreturn P\n' > "$T/c.lua"
$BIN check "$T/c.lua" > "$T/o" 2>&1
expect "t.comm: the error names scx.comm(t)" has "$T/o" "^  hint: the command name is scx.comm\\(t\\)"

$BIN sim policies/fifo.lua --workload interactive > "$T/o" 2>&1
expect "the table says how many samples are behind its percentiles" \
  has "$T/o" '^samples \(waits/wake-ups\) behind the percentiles: batch [0-9]+/[0-9]+, ui [0-9]+/[0-9]+, audio [0-9]+/[0-9]+$'

cp policies/fifo.lua "$T/myfifo.lua"
$BIN sim policies/fifo.lua "$T/myfifo.lua" policies/fifo.lua --workload interactive --duration 0.3 > "$T/o" 2>&1
expect "two policies with one P.name: columns by file name, then by place" \
  has "$T/o" '^ +fifo +myfifo +fifo#3$'

# --- --quiz: three jobs on one CPU from a seed; the answers add up
$BIN sim sjf --quiz --seed 3 > "$T/q" 2>&1; rc=$?
expect "--quiz: exit 0, three jobs with arrival and need, no answers" \
  test $rc -eq 0 -a "$(grep -cE '^  [ABC] +[0-9]+ ms +[0-9]+ ms$' "$T/q")" -eq 3 -a -z "$(grep -i timeline: "$T/q")"
$BIN sim sjf --quiz --seed 3 > "$T/q2" 2>&1
expect "--quiz: the same seed, the same question" cmp -s "$T/q" "$T/q2"
$BIN sim rr --quiz --seed 3 --answers > "$T/a" 2>&1; rc=$?
expect "--quiz --answers: a timeline and each job's response and turnaround that match it" \
  python3 -c 'import re, sys
text = open(sys.argv[1]).read()
jobs = {m[0]: (float(m[1]), float(m[2])) for m in re.findall(r"^  ([ABC]) +(\d+) ms +(\d+) ms$", text, re.M)}
runs = [(float(a), float(b), j) for a, b, j in re.findall(r"^ +([\d.]+) - +([\d.]+) ms  ([ABC])$", text, re.M)]
ans = {m[0]: (float(m[1]), float(m[2])) for m in re.findall(r"^  ([ABC]) +([\d.]+) +([\d.]+)$", text, re.M)}
assert len(jobs) == 3 and len(ans) == 3 and runs, (jobs, ans, runs)
for j, (arr, need) in jobs.items():
    mine = [r for r in runs if r[2] == j]
    assert abs(sum(b - a for a, b, _ in mine) - need) < 0.2, (j, mine, need)
    assert abs(mine[0][0] - arr - ans[j][0]) < 0.2 and abs(mine[-1][1] - arr - ans[j][1]) < 0.2, (j, mine, ans[j])
for (a1, b1, _), (a2, b2, _) in zip(runs, runs[1:]):
    assert b1 <= a2 + 0.05, runs' "$T/a"
$BIN sim sjf --quiz --workload interactive > "$T/o" 2>&1; rc=$?
expect "--quiz with a workload: exit 2, the form named" test $rc -eq 2 -a -n "$(grep 'quiz makes its own workload' "$T/o")"

# --- --steps and --explain: the run told in words, the same run
$BIN sim policies/labs/lab1.lua --workload interactive --steps 95-110 > "$T/st" 2>&1; rc=$?
expect "--steps: exit 0, records with their flags by name, the policy's decisions, the runs" \
  test $rc -eq 0 -a -n "$(grep -E '^ +9[5-9]\.[0-9]{3} ms  pid [0-9]+ \(ui\) goes to the policy: flags WAKEUP, exec_runtime' "$T/st")" \
  -a -n "$(grep -E 'the policy sets pid [0-9]+ \((ui|batch|audio)\): deadline' "$T/st")" \
  -a -n "$(grep -E 'CPU [0-9] runs pid [0-9]+' "$T/st")" -a -n "$(grep -E 'flags PREEMPTED' "$T/st")"
expect "--steps: only the window (95 to 110 ms)" \
  test -z "$(grep -E '^ +[0-9.]+ ms  ' "$T/st" | awk '$1 < 95 || $1 >= 110')"
$BIN sim policies/labs/lab1.lua --workload interactive > "$T/plain" 2>&1
expect "--steps changes nothing in the run (same table)" \
  test "$(sed -n '/^group/,$p' "$T/st")" = "$(sed -n '/^group/,$p' "$T/plain")"
$BIN sim policies/fifo.lua --workload interactive --explain ui > "$T/ex" 2>&1; rc=$?
w=$(sed -nE 's/^why pid [0-9]+ \(ui\) waited ([0-9.]+) ms.*/\1/p' "$T/ex")
m=$(awk '$1 == "ui" { split($5, a, "/"); print a[3] }' "$T/ex")
expect "--explain ui: the worst wait of the table ($m ms), told ($w ms)" \
  test $rc -eq 0 -a -n "$w" -a "$(printf '%.2f' "$w")" = "$m"
expect "--explain ui: the rule's decision and every CPU's runs with their deadlines against ui's" \
  test -n "$(grep "policy's rule decided it in the kernel: deadline" "$T/ex")" \
  -a "$(grep -cE '^    CPU [0-3]: pid [0-9]+ \(batch\) ran [0-9.]+ ms from [0-9.]+ ms, deadline [0-9.]+ ms: earlier than this task' "$T/ex")" -ge 4
$BIN sim policies/deadline.lua --workload interactive --explain audio > "$T/ex" 2>&1
expect "--explain audio under deadline: what the policy saw, the budget's wait, what it set" \
  test -n "$(grep -E '^  at [0-9.]+ ms the policy saw it: flags WAKEUP, exec_runtime' "$T/ex")" \
  -a -n "$(grep 'records batch up to the latency budget' "$T/ex")" -a -n "$(grep -E '^  at [0-9.]+ ms it set: deadline' "$T/ex")"
pid=$(sed -nE 's/^why pid ([0-9]+) .*/\1/p' "$T/ex")
$BIN sim policies/deadline.lua --workload interactive --explain "$pid" > "$T/ex2" 2>&1
expect "--explain by pid ($pid): the same task's story" test "$(grep '^why' "$T/ex2")" = "$(grep '^why' "$T/ex")"
missing=
for w in policies/workloads/*.lua; do
  for g in $($BIN sim fifo --workload "$w" --json --duration 1 | python3 -c 'import json, sys
print(" ".join(g["name"] for g in json.load(sys.stdin)[0]["groups"]))'); do
    $BIN sim deadline --workload "$w" --duration 1 --explain "$g" > "$T/o" 2>&1
    grep -qE '^why pid [0-9]+ |never waited' "$T/o" || missing="$missing $(basename "$w" .lua):$g"
  done
done
expect "--explain answers for every group of every shipped workload${missing:+ (not:$missing)}" test -z "$missing"
$BIN sim policies/fifo.lua --workload interactive --explain nobody > "$T/o" 2>&1; rc=$?
expect "--explain an unknown group: exit 2, says what names are" test $rc -eq 2 -a -n "$(grep 'no such group or pid' "$T/o")"
$BIN sim policies/fifo.lua --workload interactive --explain ui --json > "$T/o" 2>&1; rc=$?
expect "--explain with --json: exit 2" test $rc -eq 2
$BIN sim policies/fifo.lua --workload interactive --steps 10-5 > "$T/o" 2>&1; rc=$?
expect "--steps 10-5: exit 2, the form named" test $rc -eq 2 -a -n "$(grep 'FROM-TO' "$T/o")"

done_testing "sim.sh"
