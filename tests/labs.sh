#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The class labs stay honest: every starting policy fails its grade (else
# there is nothing to do), every reference solution passes, and all of
# them pass `scx_lua check`.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
export SCX_LUA=${BUILD:-build}/scx_lua
for i in 1 2 3 4 5; do
  policies/labs/grade $i > /tmp/labs.$$ 2>&1; rc=$?
  expect "lab $i: the starting policy fails its grade" test $rc -eq 1 -a -n "$(grep '^FAIL: ' /tmp/labs.$$)"
  policies/labs/grade $i policies/labs/solutions/lab$i.lua > /tmp/labs.$$ 2>&1; rc=$?
  expect "lab $i: the reference solution passes" test $rc -eq 0 -a -n "$(grep '^PASS: ' /tmp/labs.$$)"
  for f in policies/labs/lab$i.lua policies/labs/solutions/lab$i.lua; do
    $SCX_LUA check "$f" > /tmp/labs.$$ 2>&1
    expect "check $f: clean" test $? -eq 0
  done
done
policies/labs/grade 9 > /tmp/labs.$$ 2>&1; rc=$?
expect "grade: an unknown lab says which exist" test $rc -eq 2 -a -n "$(grep 'labs are 1 to 5' /tmp/labs.$$)"
rm -f /tmp/labs.$$
done_testing "labs.sh"
