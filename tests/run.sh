#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make test`: run every unit test binary given and every tests/*.sh suite,
# add up their "N passed, N failed" lines, print the total the same way.
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
  "$B/tests/$t" > "$log" 2>&1; rc=$?
  grep -E '^FAIL' "$log"
  tally "$t" "$log"
  [ $rc -ne 0 ] && ! grep -qE '[1-9][0-9]* failed' "$log" && broken=$((broken + 1))
done
for s in tests/*.sh; do
  case $s in tests/run.sh|tests/lib.sh) continue;; esac
  BUILD=$B bash "$s" > "$log" 2>&1
  grep -E '^not ok' "$log"
  tally "$(basename "$s")" "$log"
done
failed=$((failed + broken))
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
