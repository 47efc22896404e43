# SPDX-License-Identifier: GPL-2.0-only
# `make demo`: the same load twice, first under the kernel's default
# scheduler (EEVDF), then under scx_lua with POLICY (default: deadline),
# and what a user wants to see: scx_lua's stats as it runs, and how the
# interactive task's wake-up latency and the hogs' throughput compare.
. /scx/lib.sh
POL=${POLICY:-policies/deadline.lua}
[ -n "$POL" ] || POL=policies/deadline.lua
SECS=${DEMO_SECONDS:-10}
NCPU=$(nproc)

measure() {  # LABEL: CPU hogs on every CPU + a SCHED_OTHER task waking every 2 ms
  trace_wakeups cyclictest
  cyclictest -q -m -i 2000 -D "${SECS}s" > /tmp/cyc.$1 2>&1 &
  c=$!
  stress-ng --cpu "$NCPU" --timeout "${SECS}s" --metrics-brief > /tmp/ng.$1 2>&1
  wait $c
  trace_wakeups off /tmp/trace.$1
  wake_run /tmp/trace.$1 > /tmp/wr.$1
  wake_run /tmp/trace.$1 1 > /tmp/wr1.$1
}
wr() { awk -v f=$2 '{ print $f }' /tmp/wr${3:-}.$1; }
lat() { sed -n "s/.*$2: *\([0-9]*\).*/\1/p" /tmp/cyc.$1 | head -1; }
bogo() { awk '$0 ~ / cpu / && $5 ~ /^[0-9]+$/ {print $5; exit}' /tmp/ng.$1; }

echo "# demo: $NCPU CPUs; ${SECS}s of $NCPU CPU hogs beside a task that wakes every 2 ms"
echo "# 1/2: the kernel's default scheduler (EEVDF)"
measure eevdf
echo "# 2/2: scx_lua $POL"
scx_lua "$POL" --stats 2 > /tmp/scx.log 2>&1 &
SCX=$!
if ! wait_state enabled 30; then
  cat /tmp/scx.log
  echo "# scx_lua did not attach"
  exit 1
fi
( tail -f /tmp/scx.log & t=$!; sleep $((SECS + 1)); kill $t ) &
measure scx
kill -INT $SCX; wait $SCX; rc=$?
sleep 1
tail -4 /tmp/scx.log
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b != "") printf "%.2fx", b / a; else print "-" }'; }
echo "#"
echo "# | figure                              | EEVDF | scx_lua $(basename "$POL" .lua) | ratio |"
echo "# |-------------------------------------|------:|------:|------:|"
echo "# | wake-up latency avg (us, lower wins) | $(lat eevdf Avg) | $(lat scx Avg) | $(ratio "$(lat eevdf Avg)" "$(lat scx Avg)") |"
echo "# | wake-up latency max (us)            | $(lat eevdf Max) | $(lat scx Max) | $(ratio "$(lat eevdf Max)" "$(lat scx Max)") |"
echo "# | woken to running avg (us)           | $(wr eevdf 1) | $(wr scx 1) | $(ratio "$(wr eevdf 1)" "$(wr scx 1)") |"
echo "# | woken to running (us, max)          | $(wr eevdf 2) | $(wr scx 2) | $(ratio "$(wr eevdf 2)" "$(wr scx 2)") |"
echo "# | ... max past the load's first second | $(wr eevdf 2 1) | $(wr scx 2 1) | $(ratio "$(wr eevdf 2 1)" "$(wr scx 2 1)") |"
echo "# | CPU hogs, bogo ops (higher wins)    | $(bogo eevdf) | $(bogo scx) | $(ratio "$(bogo eevdf)" "$(bogo scx)") |"
echo "# (under software emulation: compare ratios, not absolute figures; there the timer"
echo "# interrupt itself comes late, for both: \"woken to running\" is the scheduler's part)"
[ $rc -eq 0 ] && [ -z "$(scx_errors)" ]
