#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# `make vm-fidelity`: how far the simulator can be trusted. One VM boot
# (scenarios/fidelity.sh) runs each policy on each workload for real with
# `scx_lua load`, and a recorded vm-bench load; then, here, the simulator
# runs the same pairs configured like the VM: its CPUs, and the per-batch
# and per-task cost measured in the VM (the scheduler thread's CPU time
# from schedstat, less the policy's, per batch; the policy's per task).
# Prints, per workload, predicted against measured for the main metric and
# two more, where the simulator is off and what it does not model there;
# then one line per pair that disagrees and `ranking agreement NN%`: for
# every pair of policies and each workload's main metric, whether the
# simulator orders them as the kernel did (values within 10% of each other
# are a tie; a tie against an order is a disagreement).
#
# Env: BUILD, KERNEL, as run.sh; BENCH_FID_POLICIES, BENCH_FID_WORKLOADS,
# BENCH_FID_MS (per run, default 4000), BENCH_FID_REPLAY_S (6);
# FID_LOG=path: read an earlier boot's console instead of booting.
set -euo pipefail
cd "$(dirname "$0")/../.."
B=${BUILD:-build}
log=${FID_LOG:-$B/vm/fidelity.log}
if [ -z "${FID_LOG:-}" ]; then
  VM_TIMEOUT=${VM_TIMEOUT:-3000} tests/vm/run.sh fidelity || echo "# the VM run failed (exit $?): what it measured is used" >&2
fi
[ -f "$log" ] || { echo "fidelity: no console log $log" >&2; exit 1; }
exec python3 - "$B/scx_lua" "$log" "${BENCH_FID_MS:-4000}" <<'PY'
import json, re, subprocess, sys
from itertools import combinations

scx, log, ms = sys.argv[1], sys.argv[2], int(sys.argv[3])

# Each workload's main metric (group, key, lower is better?) and two more.
MAIN = {
    "interactive": ("ui", "wake_p50_ns", True),
    "pipeline": ("filter", "wake_p50_ns", True),
    "weighted": ("machine", "jain", False),
    "jobs": ("short", "turnaround_ns", True),
    "hogs": ("hog", "wait_p99_ns", True),
    "server": ("worker", "wake_p50_ns", True),
}
MORE = {
    "interactive": [("batch", "share"), ("audio", "wake_p99_ns")],
    "pipeline": [("consumer", "wake_p50_ns"), ("hog", "share")],
    "weighted": [("w100", "share"), ("w400", "share")],
    "jobs": [("long", "turnaround_ns"), ("short", "wait_p99_ns")],
    "hogs": [("hog", "share"), ("hog", "preemptions")],
    "server": [("compact", "share"), ("worker", "wake_p99_ns")],
}
# What the simulator leaves out, by the kind of metric it is off on.
UNMODELLED = {
    "wake": "the kernel's wake-up path: timer granularity under emulation, the IPI and "
            "context switch to the woken task, the scheduler process's own wake-ups",
    "share": "kernel threads and the scheduler process taking CPU, and per-CPU time "
             "accounting at tick granularity",
    "wait": "the scheduler process competing for the CPUs it schedules, and interrupts",
    "turnaround": "the time a task needs to start (fork, exec) and the CPU the scheduler "
                  "process uses",
    "preemptions": "preemptions by kernel threads and interrupts, which load sees as gaps",
    "jain": "kernel threads and the scheduler process taking CPU, and per-CPU time "
            "accounting at tick granularity",
}

runs, cyc, replay, skipped = [], {}, None, 0
cur = None
RUN = re.compile(r"^FIDELITY_RUN (\S+) (\S+) (\d+) (\d+)\s*$")
CYC = re.compile(r"^FIDELITY_CYC (\S+) (\d+) (\d+)\s*$")

def doc(line):
    """The JSON document after the tag, or None (console noise cut it)."""
    try:
        return json.loads(line.split(" ", 1)[1])
    except (ValueError, IndexError):
        return None

for line in open(log, errors="replace"):
    line = line.rstrip("\n")
    if not line.startswith("FIDELITY_"):
        continue
    m = RUN.match(line)
    if m:
        cur = {"pol": m[1], "wl": m[2], "s0": int(m[3]), "s1": int(m[4])}
    elif line.startswith("FIDELITY_STATS0 ") and cur:
        cur["st0"] = doc(line)
    elif line.startswith("FIDELITY_STATS1 ") and cur:
        cur["st1"] = doc(line)
    elif line.startswith("FIDELITY_LOAD ") and cur:
        d = doc(line)
        if isinstance(d, list) and d and isinstance(d[0], dict) and "groups" in d[0]:
            cur["load"] = d[0]
            runs.append(cur)
        else:
            print("# %s on %s: load's JSON did not survive the console" % (cur["pol"], cur["wl"]))
        cur = None
    elif CYC.match(line):
        m = CYC.match(line)
        cyc[m[1]] = (int(m[2]), int(m[3]))
    elif line.startswith("FIDELITY_REPLAY "):
        d = doc(line)
        replay = d if isinstance(d, list) and len(d) == 2 else None
    else:
        skipped += 1
if skipped:
    print("# %d FIDELITY_ lines did not parse (console noise?): their runs are left out" % skipped)
if not runs:
    sys.exit("fidelity: no run in %s: see the console there" % log)

def group(m, name):
    if name == "machine":
        return m.get("machine")
    for g in m["groups"]:
        if g["name"] == name:
            return g
    return None

def value(m, gname, key):
    g = group(m, gname)
    v = g.get(key) if g else None
    return v if isinstance(v, (int, float)) else None

# The simulator configured like the VM: its CPUs, and the cost measured
# there while the workload ran: the scheduler thread's CPU time less the
# policy's, per scheduler run (a step: the BPF side's run_* counters), and
# the policy's per task.
def delta(r, side, key):
    a, b = r.get("st0"), r.get("st1")
    try:
        if side == "bpf":
            return sum(v for k, v in b["bpf"].items() if k.startswith("run_")) - \
                   sum(v for k, v in a["bpf"].items() if k.startswith("run_"))
        return b[side][key] - a[side][key]
    except (TypeError, KeyError, AttributeError):
        return None

costs_b, costs_t = [], []
for r in runs:
    steps, queued, pns = delta(r, "bpf", None), delta(r, "core", "queued"), delta(r, "core", "policy_ns")
    if steps and queued and pns is not None and r["s1"] > r["s0"]:
        costs_b.append(max(0, (r["s1"] - r["s0"]) - pns) / steps)
        costs_t.append(pns / queued)
med = lambda v: sorted(v)[len(v) // 2] if v else 0
cpus = runs[0]["load"]["cpus"]
if costs_b:
    cost_b, cost_t = int(med(costs_b)), int(med(costs_t))
    print("# the VM: %d CPUs; measured scheduler cost %d ns a step + %d ns a task "
          "(medians of %d runs); the simulator runs with --cpus %d --cost %d,%d"
          % (cpus, cost_b, cost_t, len(costs_b), cpus, cost_b, cost_t))
else:
    cost_b, cost_t = 2000, 150
    print("# the VM: %d CPUs; no run gave its scheduler cost: the simulator runs with its "
          "default --cost %d,%d" % (cpus, cost_b, cost_t))

sim = {}
for r in runs:
    out = subprocess.run([scx, "sim", r["pol"], "--workload", r["wl"], "--cpus", str(cpus),
                          "--duration", "%.3f" % (ms / 1000), "--cost", "%d,%d" % (cost_b, cost_t),
                          "--json"], capture_output=True, text=True)
    if out.returncode not in (0, 1):
        print("# sim %s on %s failed: %s" % (r["pol"], r["wl"], out.stderr.strip()[:300]))
        continue
    sim[(r["pol"], r["wl"])] = json.loads(out.stdout)[0]

def fmt(key, v):
    if v is None:
        return "-"
    if key.endswith("_ns"):
        return "%.2f ms" % (v / 1e6)
    if key in ("share", "jain"):
        return "%.3f" % v
    return "%g" % v

def kind(key):
    for k in UNMODELLED:
        if key.startswith(k):
            return k
    return "wait"

def order(u, v, lower=True):
    """'<' u wins, '>' v wins, '=' within 10% of each other."""
    if abs(u - v) <= 0.10 * max(abs(u), abs(v), 1e-12):
        return "="
    return "<" if (u < v) == lower else ">"

agree = total = 0
disagreements = []
wls = []
for r in runs:
    if r["wl"] not in wls:
        wls.append(r["wl"])
for wl in wls:
    if wl not in MAIN:
        continue
    g, key, lower = MAIN[wl]
    pols = [r["pol"] for r in runs if r["wl"] == wl and (r["pol"], wl) in sim]
    meas = {r["pol"]: r["load"] for r in runs if r["wl"] == wl}
    print("\n## %s: main metric %s.%s (%s wins)" % (wl, g, key, "lower" if lower else "higher"))
    cols = [(g, key)] + MORE.get(wl, [])
    print("| policy | " + " | ".join("%s.%s sim / kernel" % c for c in cols) + " |")
    print("|---|" + "---|" * len(cols))
    worst = None
    for p in pols:
        cells = []
        for cg, ck in cols:
            a, b = value(sim[(p, wl)], cg, ck), value(meas[p], cg, ck)
            ratio = a / b if a is not None and b else None
            cells.append("%s / %s%s" % (fmt(ck, a), fmt(ck, b),
                                         " (%.2fx)" % ratio if ratio is not None else ""))
            if ratio is not None and ratio > 0:
                off = max(ratio, 1 / ratio)
                if worst is None or off > worst[0]:
                    worst = (off, p, cg, ck, a, b)
        print("| %s | %s |" % (p, " | ".join(cells)))
    if worst:
        off, p, cg, ck, a, b = worst
        print("off most: %s.%s under %s, simulator %s against kernel %s (%.1fx apart); "
              "not modelled: %s" % (cg, ck, p, fmt(ck, a), fmt(ck, b), off, UNMODELLED[kind(ck)]))
    for x, y in combinations(pols, 2):
        sx, sy = value(sim[(x, wl)], g, key), value(sim[(y, wl)], g, key)
        kx, ky = value(meas[x], g, key), value(meas[y], g, key)
        if None in (sx, sy, kx, ky):
            continue
        so, ko = order(sx, sy, lower), order(kx, ky, lower)
        total += 1
        if so == ko:
            agree += 1
        else:
            disagreements.append("%s: %s %s %s in the simulator (%s vs %s), %s in the kernel "
                                 "(%s vs %s)" % (wl, x, {"<": "beats", ">": "loses to", "=": "ties"}[so], y,
                                                 fmt(key, sx), fmt(key, sy),
                                                 {"<": "beats", ">": "loses to", "=": "ties"}[ko],
                                                 fmt(key, kx), fmt(key, ky)))

print()
for d in disagreements:
    print("disagree: " + d)
if replay and len(cyc) == 2:
    def cyc_group(m):
        for gr in m["groups"]:
            if gr["name"].startswith("cyclictest"):
                return gr
        return None
    rf, rd = cyc_group(replay[0]), cyc_group(replay[1])
    if rf and rd and rf.get("wake_mean_ns") is not None and rd.get("wake_mean_ns") is not None:
        # cyclictest's "Avg" is a mean over its wake-ups, so the replay is judged on the mean.
        word = {"<": "fifo wins", ">": "deadline wins", "=": "a tie"}
        k = order(cyc["fifo"][0], cyc["deadline"][0])
        s = order(rf["wake_mean_ns"], rd["wake_mean_ns"])
        print("replay: cyclictest beside CPU hogs, kernel average wake-up fifo %d us, deadline %d us "
              "(%s); deadline's recording replayed, cyclictest mean wake-up fifo %s, deadline %s "
              "(p99 %s and %s) (%s): %s"
              % (cyc["fifo"][0], cyc["deadline"][0], word[k], fmt("wake_mean_ns", rf["wake_mean_ns"]),
                 fmt("wake_mean_ns", rd["wake_mean_ns"]), fmt("wake_p99_ns", rf["wake_p99_ns"]),
                 fmt("wake_p99_ns", rd["wake_p99_ns"]), word[s],
                 "same ranking" if k == s else "RANKED DIFFERENTLY"))
    else:
        print("replay: no cyclictest wake-ups in the replayed recording")
else:
    print("replay: missing from the log (see the console)")
print("ranking agreement %d%% (%d of %d pairs)" % (round(100 * agree / total) if total else 0, agree, total))
PY
