# SPDX-License-Identifier: GPL-2.0-only
# Tiny TAP-like helpers for the shell tests: ok/not ok lines, then the
# "N passed, N failed" line tests/run.sh adds up.
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok - $*"; }
nok() { FAIL=$((FAIL + 1)); echo "not ok - $*"; }
# expect DESCRIPTION COMMAND... : pass when the command succeeds
expect() { local d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
# has FILE PATTERN: grep -E in a file, quietly
has() { grep -qE -- "$2" "$1"; }
# wait_for FILE PATTERN [N] [SECONDS]: until grep -E finds PATTERN in FILE
# N times (default 1), at most SECONDS (default 20); for events a
# background process logs
wait_for() {
  local i=0
  while [ "$(grep -cE -- "$2" "$1" 2>/dev/null)" -lt "${3:-1}" ] && [ $i -lt $((${4:-20} * 10)) ]; do
    sleep 0.1; i=$((i + 1))
  done
}
# books FILE: the last [scx_lua] stats line in FILE adds up:
# queued == dispatched + pending (no task lost)
books() {
  local l q d p
  l=$(grep '^\[scx_lua\]' "$1" | tail -1)
  q=$(sed -E 's/.* queued=([0-9]+).*/\1/' <<< "$l"); d=$(sed -E 's/.* dispatched=([0-9]+).*/\1/' <<< "$l")
  p=$(sed -E 's/.* pending=([0-9]+).*/\1/' <<< "$l")
  [ -n "$q" ] && [ "$q" -gt 0 ] && [ "$q" -eq $((d + p)) ]
}
# suite_init: the binary under test and a scratch folder removed on exit
suite_init() {
  BIN=${BUILD:-build}/scx_lua
  T=$(mktemp -d)
  trap 'rm -rf "$T"' EXIT
}
done_testing() { echo "$1: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
