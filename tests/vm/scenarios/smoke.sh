# SPDX-License-Identifier: GPL-2.0-only
# Attach, look at what the kernel reports, run a little load, detach.
. /scx/lib.sh
expect "kernel has sched_ext" test -d /sys/kernel/sched_ext
scx_lua policies/deadline.lua --stats 1 > /tmp/scx.log 2>&1 &
pid=$!
expect "state becomes enabled" wait_state enabled 20
expect "root/ops names scx_lua_deadline" test "$(root_ops)" = "scx_lua_deadline"
stress-ng --cpu 2 --timeout 3s --quiet
hackbench -g 2 -l 50 > /dev/null
kill -INT $pid; wait $pid; rc=$?
cat /tmp/scx.log
expect "clean exit" test $rc -eq 0
expect "state back to disabled" wait_state disabled 10
expect "user dispatches > 0" grep -qE 'user_dispatches=[1-9]' /tmp/scx.log
finish smoke
