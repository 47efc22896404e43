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
done_testing() { echo "$1: $PASS passed, $FAIL failed"; [ "$FAIL" -eq 0 ]; }
