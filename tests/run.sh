#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh TEST...: run each unit test binary (NAME, from $BUILD/tests) and
# shell suite (NAME.sh, from tests/), add up their "N passed, N failed"
# lines, print the total the same way. A test that crashes counts as failed.
set -u
cd "$(dirname "$0")/.."
B=${BUILD:-build}
passed=0; failed=0; broken=0
tally() {  # NAME: read the last summary line of a log
  local line
  line=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$2" | tail -1)
  if [ -z "$line" ]; then
    echo "$1: no summary line (crashed?)"; broken=$((broken + 1)); return
  fi
  passed=$((passed + $(sed -E 's/.* ([0-9]+) passed.*/\1/' <<< "$line")))
  failed=$((failed + $(sed -E 's/.* ([0-9]+) failed.*/\1/' <<< "$line")))
  echo "$line"
}
log=$(mktemp); trap 'rm -f "$log"' EXIT
for t in "$@"; do
  case $t in
    *.sh) BUILD=$B bash "tests/$t" > "$log" 2>&1; rc=$? ;;
    *) "$B/tests/$t" > "$log" 2>&1; rc=$? ;;
  esac
  grep -E '^(FAIL|not ok)' "$log"
  tally "$t" "$log"
  [ $rc -ne 0 ] && ! grep -qE '[1-9][0-9]* failed' "$log" && broken=$((broken + 1))
done
failed=$((failed + broken))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
