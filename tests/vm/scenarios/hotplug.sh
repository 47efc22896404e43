# SPDX-License-Identifier: GPL-2.0-only
# tests/vm/run.sh hotplug: CPU 1 off and on line under load, round after
# round (VM_HOTPLUG_ROUNDS, 20), each with a fresh scx_lua. The reproducer
# of the hotplug hang (bpf/main.bpf.c, "CPU hotplug"): with scx_lua staying
# attached through hotplug, 4 of 4 such runs hung within 4 rounds.
. /scx/lib.sh
N=${VM_HOTPLUG_ROUNDS:-20}
PROGRESS=/tmp/progress; : > $PROGRESS
progress_watchdog 60 $PROGRESS
r=0
while [ $r -lt $N ]; do
  r=$((r + 1))
  start_scx /tmp/hp.log policies/deadline.lua --stats 2
  hotplug_cycle
  kill -INT $SCX; wait $SCX; rc=$?
  n=$(grep -c restarting /tmp/hp.log)
  expect "round $r: offline rc $off, online rc $on, state $s, restarts $n, exit $rc, load rc $ng" \
    test $off -eq 0 -a $on -eq 0 -a "$s" = enabled -a "$n" -ge 1 -a $rc -eq 0 -a $ng -eq 0
done
kill $WATCHDOG
finish hotplug
