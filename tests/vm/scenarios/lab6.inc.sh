# SPDX-License-Identifier: GPL-2.0-only
# Lab 6's grader on the kernel, as a class runs it (sourced by vm-test.sh
# and lab6.sh after lib.sh): lab 1's reference solution passes every
# check, a policy that cannot load is told so (exit 3), and each leaves
# the kernel without a scheduler. Run through bash: this initramfs has no
# /usr/bin/env for the grader's #! line.
expect "lab 6: bash is in the guest (the grader is a bash script)" test -x /usr/bin/bash
# The lab's own 5 s runs (VM_TEST_LAB6_MS=N shortens them).
env ${VM_TEST_LAB6_MS:+GRADE_DURATION_MS=$VM_TEST_LAB6_MS} bash policies/labs/grade 6 \
  policies/labs/solutions/lab1.lua > /tmp/g 2>&1; rc=$?
sed 's/^/# /' /tmp/g
expect "lab 6: grade passes lab 1's solution on the kernel (exit $rc)" test $rc -eq 0
expect "lab 6: ... and left no scheduler loaded" test "$(state)" = disabled
printf 'local P = {\n  name = "broken"\n' > $POLDIR/broken.lua
GRADE_DURATION_MS=1000 bash policies/labs/grade 6 $POLDIR/broken.lua > /tmp/g 2>&1; rc=$?
sed -n '/DID NOT LOAD/,$p' /tmp/g | head -4 | sed 's/^/# /'
expect "lab 6: a policy that does not load: exit 3 (got $rc)" test $rc -eq 3
expect "lab 6: ... said why" grep -q "DID NOT LOAD: .*broken.lua:3:" /tmp/g
expect "lab 6: ... and left no scheduler loaded" test "$(state)" = disabled
expect "lab 6: no sched_ext error in dmesg" test -z "$(scx_errors)"
