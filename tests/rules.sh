#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The policy's rules (scx.rule, bpf/rules.h) as a user meets them: check
# compares each decision with the rule the policy published and says when
# they differ; nonsense is refused or corrected and counted, never lost;
# in the simulator a rule takes the wake-ups off the scheduler's hands
# with the same outcomes, and the policy still sees every one of them.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
suite_init
W=policies/workloads/interactive.lua

for p in deadline fifo; do
  $BIN check policies/$p.lua > "$T/c" 2>&1; rc=$?
  expect "check $p: its rule and P.enqueue agree on every decision" \
    test $rc -eq 0 -a -n "$(grep -E 'rules: [1-9][0-9]* decisions compared with the task.s rule, 0 differ' "$T/c")"
done
$BIN check policies/deadline.lua --opt keep_preempted=true > "$T/c" 2>&1; rc=$?
expect "check deadline keep_preempted: the rule and P.enqueue still agree on every decision" \
  test $rc -eq 0 -a -n "$(grep -E 'rules: [1-9][0-9]* decisions compared with the task.s rule, 0 differ' "$T/c")"
$BIN check policies/deadline.lua --opt keep_preempted=yes > "$T/c" 2>&1; rc=$?
expect "check deadline keep_preempted=yes: the load fails naming the values it takes" \
  test $rc -eq 1 -a -n "$(grep 'keep_preempted takes true or false, not yes' "$T/c")"
$BIN check tests/policies/rule_mismatch.lua > "$T/c" 2>&1; rc=$?
expect "check rule_mismatch: a rule that is not the policy's arithmetic is a problem" \
  test $rc -eq 1 -a -n "$(grep -E 'rules: [0-9]+ decisions .* [1-9][0-9]* differ' "$T/c")"
$BIN check tests/policies/rule_nonsense.lua > "$T/c" 2>&1; rc=$?
expect "check rule_nonsense: invalid rules and rule ids counted" \
  test $rc -eq 1 -a -n "$(grep -E '[1-9][0-9]* invalid rules or rule ids' "$T/c")"
$BIN tests/policies/rule_nonsense.lua --backend synth --duration 1 > "$T/o" 2>&1; rc=$?
expect "run rule_nonsense: nothing lost (dispatched = queued), bad_rule counted" \
  test $rc -eq 0 -a -n "$(grep -E 'queued=([0-9]+) dispatched=\1 .*bad_rule=[1-9]' "$T/o")"

cat > "$T/bad.lua" <<'LUA'
local scx = require "scx"
return { enqueue = function(t) end, init = function() scx.rule(1, { kind = "vtime", slice_ns = 0/0 }) end }
LUA
$BIN check "$T/bad.lua" > "$T/c" 2>&1; rc=$?
expect "scx.rule with NaN: the load fails naming the field" \
  test $rc -eq 1 -a -n "$(grep 'slice_ns must be a finite number' "$T/c")"
cat > "$T/bad.lua" <<'LUA'
local scx = require "scx"
return { enqueue = function(t) end, init = function() scx.rule(16, { kind = "fifo" }) end }
LUA
$BIN check "$T/bad.lua" > "$T/c" 2>&1; rc=$?
expect "scx.rule with id 16: the load fails naming the range" test $rc -eq 1 -a -n "$(grep 'from 1 to 15' "$T/c")"

# The rule decides in the simulated kernel: far fewer scheduler steps, the
# same latency outcome, and every rule decision observed by the policy.
$BIN sim policies/deadline.lua --workload $W --json > "$T/on" 2>&1
$BIN sim policies/deadline.lua --workload $W --opt rule=false --json > "$T/off" 2>&1
# ctr FILE NAME: the first "NAME": N in a --json report
ctr() { sed -n "s/.*\"$2\": \([0-9]*\).*/\1/p" "$1" | head -1; }
steps() { ctr "$1" steps; }
p99() { grep "\"name\": \"$2\"" "$1" | sed -n 's/.*"wake_p99_ns": \([0-9.e+]*\).*/\1/p'; }
expect "sim deadline: with its rule, under a tenth of the steps ($(steps "$T/on") vs $(steps "$T/off"))" \
  test "$(steps "$T/on")" -gt 0 -a $(( $(steps "$T/on") * 10 )) -lt "$(steps "$T/off")"
expect "sim deadline: ui wake p99 within 0.5 ms of the Lua path's ($(p99 "$T/on" ui) vs $(p99 "$T/off" ui) ns)" \
  awk -v a="$(p99 "$T/on" ui)" -v b="$(p99 "$T/off" ui)" 'BEGIN { d = a - b; exit !(a != "" && b != "" && d <= 5e5 && d >= -5e5) }'
# --opt keep_preempted=true: a task the kernel side preempts keeps its
# place without another run of the rule; without it, none is kept.
$BIN sim policies/deadline.lua --workload $W --opt keep_preempted=true --json > "$T/kp" 2>&1
expect "sim deadline keep_preempted: preempted tasks kept ($(ctr "$T/kp" preempt_kept)), rule runs fewer ($(ctr "$T/kp" rule_dispatches) vs $(ctr "$T/on" rule_dispatches))" \
  test "$(ctr "$T/kp" preempt_kept)" -gt 0 -a "$(ctr "$T/kp" rule_dispatches)" -lt "$(ctr "$T/on" rule_dispatches)"
expect "sim deadline: without the knob no preempted task is kept" test "$(ctr "$T/on" preempt_kept)" = 0
# The lead bound (lag_ns's other side): at the load's start a parent's
# 150 ms run alone is owed to nobody; charged in full it carried the
# clock, and the sleepers' floor, past the new hogs' deadlines, or (its
# charge kept but not the clock's move) it waits a slice behind the hogs
# it forked. Graded by the simulator, for the rule and for P.enqueue
# alone; and without the bound, the parent waits.
for o in "" "--opt rule=false"; do
  $BIN sim policies/deadline.lua --workload loadstart $o --expect 'sleeper.wake_max_ms < 5' \
    --expect 'parent.wake_max_ms < 5' --expect 'hogs.wait_max_ms < 5' > "$T/ls" 2>&1; rc=$?
  expect "sim deadline${o:+ $o} on loadstart: sleeper, parent and hogs wait under 5 ms ($(grep -c "^PASS " "$T/ls") checks passed)" \
    test $rc -eq 0 -a "$(grep -c "^PASS " "$T/ls")" = 3
done
# An idle CPU's task the policy never decided is introduced to it once, so
# that its first wait for a CPU is already decided by its rule: none
# without a published rule.
$BIN sim policies/deadline.lua --workload loadstart --json > "$T/in" 2>&1
$BIN sim policies/deadline.lua --workload loadstart --opt rule=false --json > "$T/in0" 2>&1
expect "sim deadline on loadstart: every task introduced once ($(ctr "$T/in" introduced) of 4), none without a rule ($(ctr "$T/in0" introduced))" \
  test "$(ctr "$T/in" introduced)" = 4 -a "$(ctr "$T/in0" introduced)" = 0
mkdir -p "$T/pol"; chmod 755 "$T/pol"
sed 's/lead_ns = 2 \* slice, //; s/vtime_now + 2 \* slice \* 100 \/ w/math.huge/' policies/deadline.lua > "$T/pol/nolead.lua"
$BIN sim "$T/pol/nolead.lua" --workload loadstart --expect 'parent.wake_max_ms > 10' > "$T/nl" 2>&1; rc=$?
expect "sim deadline without the lead bound: the parent waits over 10 ms behind the hogs it forked" test $rc -eq 0
done_testing rules.sh
