#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The class labs stay honest: every starting policy fails its grade (else
# there is nothing to do), every reference solution passes on every seed
# and hidden variant, every policy in tests/labs/cheats (by name, starving
# a task, erring, luck, breaking lab 4's rules) fails, and the grader's
# interface holds: any folder, exit codes, --json, a folder into CSV.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
suite_init
export SCX_LUA=$PWD/$BIN
G=$PWD/policies/labs/grade
for i in 1 2 3 4 5; do
  $G $i > "$T/g" 2>&1; rc=$?
  expect "lab $i: the starting policy fails its grade" test $rc -eq 1 -a -n "$(grep '^FAIL: .*: got' "$T/g")"
  $G $i policies/labs/solutions/lab$i.lua > "$T/g" 2>&1; rc=$?
  expect "lab $i: the reference solution passes on every seed and hidden variant ($(tail -1 "$T/g"))" \
    test $rc -eq 0 -a -n "$(grep -E '^PASS: .*hidden variants: [1-9]' "$T/g")"
  for f in policies/labs/lab$i.lua policies/labs/solutions/lab$i.lua; do
    $BIN check "$f" > "$T/g" 2>&1
    expect "check $f: clean" test $? -eq 0
  done
done
# Lab 4's cheats are lab4.lua edited here, so they follow it: each edit
# must change something, or the cheat would be lab4.lua itself.
C=$T/cheats; mkdir -p "$C/lab4-require"
l4() {  # NAME SED-SCRIPT: lab4.lua edited into $C/NAME.lua
  sed "$2" policies/labs/lab4.lua > "$C/$1.lua"
  cmp -s policies/labs/lab4.lua "$C/$1.lua" && nok "cheat $1: the edit changed nothing"
}
# only knobs, to values that pass seed 1 and fail other seeds: luck
l4 lab4-lucky 's/QUANTUM = 2 \*/QUANTUM = 1 */; s/ALLOT = 4 \*/ALLOT = 10 */; s/BOOST = 3000 \*/BOOST = 200 */'
# demotion off through a number that is not a knob
l4 lab4-index 's/s\[0\] + 1, 0 end/s[0] + 0, 0 end/'
# one string: a module beside it that turns the MLFQ off
l4 lab4-require/lab4 's/require "scx"/require "knobs"/'
cp tests/labs/cheats/lab4-require/knobs.lua "$C/lab4-require/"
for f in tests/labs/cheats/*.lua "$C"/*.lua; do
  i=$(basename "$f" | sed 's/^lab\([0-9]\).*/\1/')
  $G "$i" "$f" > "$T/g" 2>&1; rc=$?
  expect "cheat $(basename "$f"): fails lab $i ($(grep -m1 -e '^FAIL: .*: got' -e '^DID NOT' "$T/g" | cut -c1-110))" \
    test $rc -eq 1 -o $rc -eq 3
done
$G 4 "$C/lab4-require/lab4.lua" > "$T/g" 2>&1; rc=$?
expect "cheat lab4-require (require \"knobs\" in place of \"scx\"): exit 3" test $rc -eq 3
$G 1 tests/labs/cheats/lab1-starve-one.lua > "$T/g" 2>&1
expect "a task that never runs: caught by starve_ms, with a hint" test -n "$(grep '^FAIL: batch.starve_ms < 1000: got' "$T/g")" -a -n "$(grep '^      hint: ' "$T/g")"
expect "... and the command that explains it" has "$T/g" '^      why: scx_lua sim .*lab1-starve-one.lua --workload interactive --seed=[0-9]+ --explain batch$'
expect "... its explanation: who held the CPUs, with their deadlines" has "$T/g" '^      \|     CPU [0-9]: pid [0-9]+ \([a-z]+\) ran .*deadline'
expect "... and how many samples the figure stands on" has "$T/g" '^FAIL: batch.starve_ms < 1000: got [0-9.]+ \(seed [0-9]+, interactive; over [0-9]+ waits, [0-9]+ wake-ups\)'
$G 4 tests/labs/cheats/lab4-lab1-rule.lua > "$T/g" 2>&1; rc=$?
expect "lab 4, more than the knobs changed: exit 3, says so" test $rc -eq 3 -a -n "$(grep 'change only the values of the knobs of lab4.lua' "$T/g")"
GRADE_HIDDEN=/nonexistent $G 1 policies/labs/solutions/lab1.lua > "$T/g" 2>&1; rc=$?
expect "the handout (no hidden variants): the solution passes" test $rc -eq 0 -a -n "$(grep 'hidden variants: 0' "$T/g")"

# The interface: from any folder, exit codes, --json, a class folder.
( cd "$T" && $G 1 "$OLDPWD/policies/labs/solutions/lab1.lua" ) > "$T/g" 2>&1; rc=$?
expect "grade from another folder" test $rc -eq 0
printf 'local P = {}\nfunction P.enqueue(t, now)\n' > "$T/broken.lua"
$G 1 "$T/broken.lua" > "$T/g" 2>&1; rc=$?
expect "a policy that does not load: exit 3, the error shown" test $rc -eq 3 -a -n "$(grep '^DID NOT LOAD: .*broken.lua:3:' "$T/g")"
printf 'error("line one\\nline \\"two\\"\\tthree")\n' > "$T/multi.lua"
$G 1 "$T/multi.lua" --json > "$T/j" 2>&1; rc=$?
expect "--json: a multi-line load error is still one valid object" \
  python3 -c 'import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["result"] == "did-not-load" and "line one" in d["message"], d' "$T/j"
$G 1 tests/labs/cheats/lab1-errors.lua --json > "$T/j" 2>&1; rc=$?
expect "--json: one JSON object, nothing else; errors fail the grade" \
  python3 -c 'import json, sys
d = json.loads(open(sys.argv[1]).read())
assert d["result"] == "fail" and d["runs"] == 10, d
c = {x["check"]: x for x in d["checks"]}
assert c["machine.policy_errors <= 0"]["passed_runs"] == 0 and c["machine.fallback_batches <= 0"]["worst"] > 0' "$T/j"
expect "--json: exit 1 on a fail" test $rc -eq 1
mkdir "$T/class"; cp tests/labs/cheats/lab1-*.lua policies/labs/solutions/lab1.lua "$T/broken.lua" "$T/class/"
cp policies/labs/lab1.lua "$T/class/x\",pass,6,6,\"y.lua"
$G 1 "$T/class" > "$T/csv" 2>&1; rc=$?
expect "a folder of submissions: one CSV line each" \
  python3 -c 'import csv, sys
rows = {r["file"]: r for r in csv.DictReader(open(sys.argv[1]))}
assert rows["lab1.lua"]["result"] == "pass" and rows["broken.lua"]["result"] == "did-not-load"
assert all(rows[f]["result"] == "fail" and rows[f]["first_failure"].startswith("FAIL: ") for f in rows if f.startswith("lab1-") or f.startswith("x")), rows
assert "x\",pass,6,6,\"y.lua" in rows and len(rows) == 7, rows' "$T/csv"
GRADE_TIMEOUT=0.05 $G 1 "$T/class" > "$T/csv" 2>&1
expect "a folder: a submission past GRADE_TIMEOUT is marked timeout" has "$T/csv" '^"lab1.lua",timeout,'
# The handout: no solutions, no hidden variants, and its own test passes.
tgz=$(dist/mkhandout.sh "$T/out" 2> "$T/g"); rc=$?
expect "make handout: a tarball" test $rc -eq 0 -a -f "$tgz"
expect "the handout has no solution and no hidden variant" \
  test -z "$(tar -tzf "$tgz" | grep -E 'solution|hidden|deadline.lua')"
mkdir "$T/h" && tar -C "$T/h" -xzf "$tgz"
make -C "$T/h/scx_lua-labs" test SCX_LUA="$SCX_LUA" > "$T/g" 2>&1; rc=$?
expect "the handout's own make test passes ($(tail -1 "$T/g" | grep -o 'handout: .*'))" test $rc -eq 0
( cd "$T/h/scx_lua-labs" && policies/labs/grade 1 ) > "$T/g" 2>&1; rc=$?
expect "in the handout, grade 1 runs (the start fails, no hidden variants)" test $rc -eq 1 -a -n "$(grep 'hidden variants: 0' "$T/g")"
$G 9 > "$T/g" 2>&1; rc=$?
expect "grade: an unknown lab says which exist" test $rc -eq 2 -a -n "$(grep 'labs are 1 to 5' "$T/g")"
done_testing "labs.sh"
