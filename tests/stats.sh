#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The stats as other programs read them, on the synth backend: the socket
# (scx_stats' protocol: requests, the metadata, errors, hostile clients,
# a stale or busy path), `--monitor`, and the policy's own metrics
# (P.stats) with the values a stranger's policy may return.
set -u
cd "$(dirname "$0")/.."
. tests/lib.sh
suite_init

# ask SOCKET REQUEST-LINE...: one connection, a reply per line, printed as
# "errno<TAB>resp as JSON"
ask() {
  python3 - "$@" <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
f = s.makefile("rw")
for req in sys.argv[2:]:
    f.write(req + "\n"); f.flush()
    d = json.loads(f.readline())
    print("%d\t%s" % (d["errno"], json.dumps(d["args"]["resp"], sort_keys=True)))
EOF
}

cat > "$T/m.lua" <<'EOF'
local P = { name = "metrics" }
local seen = 0
function P.enqueue(t, now) seen = seen + 1; t.deadline = now end
function P.stats() return { seen = seen, half = 0.5, neg = -3 } end
return P
EOF
S=$T/run/scx/stats
$BIN "$T/m.lua" --backend synth --stats-socket "$S" --stats 0.5 --duration 30 > "$T/r" 2>&1 &
pid=$!
wait_for "$T/r" 'running "metrics"'
sleep 0.3
ask "$S" '{"req":"stats","args":{"target":"top"}}' '{"req": "stats"}' '{"req":"stats_meta"}' > "$T/a" 2>&1; rc=$?
expect "socket: three requests on one connection, three replies" test $rc -eq 0 -a "$(wc -l < "$T/a")" -eq 3
expect "socket: its folder created" test -S "$S"
expect "stats: errno 0, the core's counters under the policy's name" \
  python3 -c 'import json, sys
e, r = open(sys.argv[1]).readline().split("\t")
r = json.loads(r)
assert e == "0" and r["core"]["policy"] == "metrics" and r["core"]["queued"] > 0 and r["t"] > 0, r' "$T/a"
expect "stats: the policy's own metrics, numbers as numbers" \
  python3 -c 'import json, sys
r = json.loads(open(sys.argv[1]).readline().split("\t")[1])
assert r["policy"]["seen"] > 0 and r["policy"]["half"] == 0.5 and r["policy"]["neg"] == -3, r' "$T/a"
expect "stats without a target: the top" test "$(sed -n 2p "$T/a" | cut -f1)" = 0 -a -n "$(sed -n 2p "$T/a" | grep '"policy": "metrics"')"
expect "stats_meta: a top struct, and every counter served is described" \
  python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
stats = json.loads(lines[0].split("\t")[1]); meta = json.loads(lines[2].split("\t")[1])
top = [m for m in meta.values() if m.get("top") == "true"]
assert len(top) == 1 and set(top[0]["fields"]) == set(stats), (top, list(stats))
assert top[0]["fields"]["core"]["datum"] == {"struct": "core"}
assert set(meta["core"]["fields"]) == set(stats["core"]), set(stats["core"]) ^ set(meta["core"]["fields"])
assert all(f.get("desc") for m in meta.values() for f in m["fields"].values())' "$T/a"

expect "socket: mode 0600, root's stats for root" test "$(stat -c %a "$S")" = 600
ask "$S" '{"req":"a\u41' '{"req":"x\u 7"}yy"}' > "$T/u" 2>&1
expect "a \\u escape with fewer than four hex digits: errno 22 (not read past the line)" \
  test "$(grep -c '^22	"a request is one line of JSON' "$T/u")" -eq 2
ask "$S" '{"req":"reload"}' '{"req":"stats","args":{"target":"cpus"}}' 'hello' '{"req":"stats"} x' \
  '{"req":"stats","args":{"target":7}}' '{"req":"stats_meta","extra":1}' > "$T/e" 2>&1
expect "an unknown request: errno 22, what is answered" has "$T/e" '^22	"unknown request \\"reload\\": this scheduler answers \\"stats\\" and \\"stats_meta\\""'
expect "an unknown target: errno 22, what is served" has "$T/e" '^22	"unknown stats target \\"cpus\\": this scheduler serves \\"top\\""'
expect "not a request (text, trailing words, a number for a string, an unknown key): errno 22 with the shape" \
  test "$(grep -c '^22	"a request is one line of JSON' "$T/e")" -eq 4
python3 - "$S" > "$T/l" 2>&1 <<'EOF'
import json, socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(5); s.connect(sys.argv[1])
s.sendall(b"x" * 5000)
d = json.loads(s.makefile().readline())
print(d["errno"], d["args"]["resp"], "closed" if s.recv(10) == b"" else "open")
EOF
expect "a line past 4096 bytes: an error, then closed" has "$T/l" "^22 request longer than 4096 bytes: closing closed"
python3 - "$S" > "$T/l" 2>&1 <<'EOF'
import json, socket, sys
held = []
for i in range(16):
    c = socket.socket(socket.AF_UNIX); c.connect(sys.argv[1]); held.append(c)
c = socket.socket(socket.AF_UNIX); c.settimeout(5); c.connect(sys.argv[1])
d = json.loads(c.makefile().readline())
f = held[0].makefile("rw"); f.write('{"req":"stats"}\n'); f.flush()
print(d["errno"], d["args"]["resp"], json.loads(f.readline())["errno"])
EOF
expect "a 17th client: errno 16, the 16 others still answered" has "$T/l" "^16 too many clients: try again later 0$"

timeout 2 $BIN --monitor 0.3 --stats-socket "$S" > "$T/mo" 2>&1
expect "--monitor: the core's counters as a line, a few times" test "$(grep -c '^\[core\] policy=metrics queued=[0-9]' "$T/mo")" -ge 3
expect "--monitor: the policy's metrics as a line" has "$T/mo" '^\[policy\] half=0.5 neg=-3 seen=[0-9]+$'
timeout 1 $BIN --monitor 0.3 --stats-json --stats-socket "$S" > "$T/mj" 2>&1
expect "--monitor --stats-json: one valid object a line" \
  python3 -c 'import json, sys
objs = [json.loads(l) for l in open(sys.argv[1])]
assert len(objs) >= 2 and all(o["core"]["policy"] == "metrics" for o in objs)' "$T/mj"
$BIN "$T/m.lua" --backend synth --stats-socket "$S" --duration 1 > "$T/o" 2>&1; rc=$?
expect "a second scheduler on a live socket: exit 1, the fix named" test $rc -eq 1 -a -n "$(grep 'another scheduler answers there: stop it, or give --stats-socket another path' "$T/o")"
kill -TERM $pid; wait $pid; rc=$?
expect "the scheduler served all along and stopped cleanly" test $rc -eq 0 -a -n "$(grep 'stopped (Terminated)' "$T/r")"
expect "the [policy] line with --stats" has "$T/r" '^  \[policy\] half=0.5 neg=-3 seen=[0-9]+$'
expect "the socket removed at exit" test ! -e "$S"
$BIN "$T/m.lua" --backend synth --stats-socket "$S" --shadow vruntime --duration 30 > "$T/r" 2>&1 &
pid=$!
wait_for "$T/r" 'running "metrics"'
sleep 0.3
ask "$S" '{"req":"stats"}' '{"req":"stats_meta"}' > "$T/a" 2>&1
kill -TERM $pid; wait $pid
expect "with --shadow: its counters served, and described in stats_meta" \
  python3 -c 'import json, sys
lines = open(sys.argv[1]).read().splitlines()
stats = json.loads(lines[0].split("\t")[1]); meta = json.loads(lines[1].split("\t")[1])
top = [m for m in meta.values() if m.get("top") == "true"][0]
assert set(top["fields"]) == set(stats) and stats["shadow"]["name"] == "vruntime", (list(top["fields"]), list(stats))
assert set(meta["shadow"]["fields"]) == set(stats["shadow"]), set(stats["shadow"]) ^ set(meta["shadow"]["fields"])' "$T/a"
$BIN --monitor 1 --stats-socket "$S" > "$T/o" 2>&1; rc=$?
expect "--monitor with nothing running: exit 1, says so" test $rc -eq 1 -a -n "$(grep "no scheduler answers on $S" "$T/o")"
$BIN --monitor 1 policies/fifo.lua > "$T/o" 2>&1; rc=$?
expect "--monitor with a policy: exit 2" test $rc -eq 2 -a -n "$(grep 'no policy file with it' "$T/o")"

# A path left by a scheduler that died is taken over; anything else in the
# way is refused.
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/stale"
$BIN fifo --backend synth --stats-socket "$T/stale" --duration 0.5 > "$T/o" 2>&1; rc=$?
expect "a stale socket is replaced" test $rc -eq 0
echo data > "$T/file"
$BIN fifo --backend synth --stats-socket "$T/file" --duration 0.5 > "$T/o" 2>&1; rc=$?
expect "a file in the way: exit 1, kept, the fix named" test $rc -eq 1 -a "$(cat "$T/file")" = data -a -n "$(grep 'not a socket is in the way' "$T/o")"
mkdir -m 777 "$T/open"
$BIN fifo --backend synth --stats-socket "$T/open/stats" --duration 0.5 > "$T/o" 2>&1; rc=$?
expect "a folder others may write to: exit 1, refused, the reason named" \
  test $rc -eq 1 -a -n "$(grep 'others may write to it' "$T/o")"
# --monitor against a server that answers garbage: an error, no crash.
python3 - "$T/evil" > /dev/null 2>&1 <<'EOF2' &
import os, socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1)
c, _ = s.accept(); c.recv(100); c.sendall(b'{"errno":0,\x00"args":{"resp":{"a":1}}}\n' + b'"k":' + b'9' * 20000 + b'\n')
c.recv(100)
EOF2
sleep 0.5
$BIN --monitor 0.2 --stats-socket "$T/evil" > "$T/o" 2>&1; rc=$?
expect "--monitor, a hostile server: exits cleanly (rc $rc), no crash" test $rc -lt 128
wait
$BIN fifo --stats-socket "" > "$T/o" 2>&1; rc=$?
expect "--stats-socket '': exit 2" test $rc -eq 2

# --- P.stats from a stranger: every bad value is an error naming the fix;
# the policy keeps scheduling and no task is lost.
bad() {  # NAME BODY EXPECTED-MESSAGE
  printf 'local P = {}\nfunction P.enqueue(t, now) t.deadline = now end\nfunction P.stats() %s end\nreturn P\n' "$2" > "$T/b.lua"
  $BIN "$T/b.lua" --backend synth --stats 0.2 --duration 0.6 > "$T/o" 2>&1; rc=$?
  expect "P.stats $1: exit 0, the error named, scheduling went on, no task lost" \
    test $rc -eq 0 -a -n "$(grep -F -- "$3" "$T/o")" -a -z "$(grep 'policy=fallback' "$T/o")"
  expect "P.stats $1: no [policy] line" test -z "$(grep '\[policy\]' "$T/o")"
  books "$T/o" || nok "P.stats $1: books"
}
bad "returns a number" "return 3" "P.stats must return a table of name = number, not a number"
bad "NaN" "return { x = 0/0 }" "P.stats: x is nan: metrics are finite numbers"
bad "infinity" "return { x = 1/0 }" "P.stats: x is inf: metrics are finite numbers"
bad "a string value" "return { x = 'a' }" "P.stats: x is a string: metrics are finite numbers"
bad "a bad name" "return { ['a b\\n'] = 1 }" 'P.stats: "a b\10" is not a metric name'
bad "a numeric key" "return { 1 }" "P.stats: a number key is not a metric name"
bad "too many" "local t = {} for i = 1, 65 do t['m' .. i] = i end return t" "P.stats: more than 64 metrics"
bad "raises" "error('boom')" "boom"
printf 'local P = {}\nfunction P.enqueue(t, now) t.deadline = now end\nP.stats = 5\nreturn P\n' > "$T/b.lua"
$BIN check "$T/b.lua" > "$T/o" 2>&1; rc=$?
expect "P.stats not a function: refused at load" test $rc -eq 1 -a -n "$(grep 'P.stats must be a function, not a number' "$T/o")"
printf 'local P = {}\nfunction P.enqueue(t, now) t.deadline = now end\nfunction P.stats() while true do end end\nreturn P\n' > "$T/b.lua"
$BIN "$T/b.lua" --backend synth --stats 0.3 --duration 2 > "$T/o" 2>&1; rc=$?
expect "P.stats that never returns: stopped by the watchdog, the fallback takes over" \
  test $rc -eq 0 -a -n "$(grep 'P.stats did not return within' "$T/o")" -a -n "$(grep 'policy=fallback' "$T/o")"
expect "P.stats that never returns: no task lost" books "$T/o"

done_testing "stats.sh"
