# SPDX-License-Identifier: GPL-2.0-only
# Helpers for VM scenarios (busybox sh): ok/not ok lines and the
# "N passed, N failed" closing line the host reads.
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
nok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
expect() { d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
state() { cat /sys/kernel/sched_ext/state 2>/dev/null; }
root_ops() { cat /sys/kernel/sched_ext/root/ops 2>/dev/null; }
# wait_state STATE SECONDS
wait_state() { i=0; while [ "$(state)" != "$1" ] && [ $i -lt $(($2 * 10)) ]; do sleep 0.1; i=$((i + 1)); done; [ "$(state)" = "$1" ]; }
scx_errors() { dmesg | grep -iE 'sched_ext.*(error|stall|disabl|runnable task stall)' | grep -v 'disabled (unregistered from user space)'; }
finish() { echo "$1: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
