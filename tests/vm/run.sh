#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# run.sh SCENARIO [ARGS...]: boot the sched_ext kernel in qemu (software
# emulation: KVM does not work on these hosts) with an initramfs holding
# scx_lua, the policies, the test policies, the workload tools and
# tests/vm/scenarios/SCENARIO.sh, run the scenario as /init's child, and
# exit with its status. The console is saved in $BUILD/vm/SCENARIO.log.
#
# Env: BUILD (build dir), KERNEL (a vmlinuz to boot instead of sid's),
# VM_CPUS (2), VM_MEM (2G), VM_TIMEOUT (seconds, 900), VM_THREAD (TCG
# threading: single, or multi for benchmarks), VM_APPEND (more kernel
# command line, e.g. loglevel=7); passed into the
# guest: POLICY (demo), VM_TEST_*, VM_STRESS_*, VM_HOTPLUG_*, DEMO_*, BENCH_*
# (scenario knobs).
set -euo pipefail
cd "$(dirname "$0")/../.."
scenario=${1:?usage: run.sh SCENARIO [ARGS...]}; shift
B=${BUILD:-build}
VM=$B/vm
script=tests/vm/scenarios/$scenario.sh
[ -f "$script" ] || { echo "run.sh: no scenario $script" >&2; exit 2; }
KERNEL=${KERNEL:-} tests/vm/kernel.sh "$B/kernel"
[ -x "$B/scx_lua" ] || { echo "run.sh: build scx_lua first (make)" >&2; exit 2; }

root=$VM/root-$scenario
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,lib,lib64,usr/bin,usr/lib,etc,proc,sys,dev,tmp,run,scx}

copy_bin() {  # copy an executable and every library it loads
  local f=$1 dest=$2
  cp -L "$f" "$root$dest"
  ldd "$f" 2>/dev/null | awk '/=>/ {print $3} /^[ \t]*\// {print $1}' | while read -r l; do
    [ -n "$l" ] && [ -e "$l" ] && { mkdir -p "$root$(dirname "$l")"; cp -Ln "$l" "$root$l"; }
  done
}
cp /bin/busybox "$root/bin/busybox"
copy_bin "$B/scx_lua" /usr/bin/scx_lua
# chrt (util-linux, on every Debian): the scenarios' stall watcher runs
# SCHED_FIFO, above sched_ext, so a scheduler that strands tasks cannot
# strand the watcher too. bash: lab 6's grader (vm-test part 7).
for t in stress-ng hackbench cyclictest perf chrt bash; do
  p=$(command -v $t || true)
  [ -n "$p" ] && copy_bin "$(readlink -f "$p")" "/usr/bin/$t"
done
# BENCH_BASE=path/to/scx_lua: another build to run beside this one in the
# same boot (vm-bench's POLICY@base entries), for before/after figures.
[ -n "${BENCH_BASE:-}" ] && copy_bin "$BENCH_BASE" /usr/bin/scx_lua.base
# BENCH_BASE_POLICIES=dir: that build's own policies (an older build cannot
# load policies that call what it does not have yet).
if [ -n "${BENCH_BASE_POLICIES:-}" ]; then
  [ -d "$BENCH_BASE_POLICIES" ] || { echo "run.sh: BENCH_BASE_POLICIES=$BENCH_BASE_POLICIES: no such directory" >&2; exit 2; }
  mkdir -p "$root/scx/base"
  cp -r "$BENCH_BASE_POLICIES" "$root/scx/base/policies"
fi
# PEERS=1 make vm-bench: the kernel's example schedulers (bench/peers.sh).
if [ -n "${BENCH_PEERS:-}" ]; then
  for p in "$B"/peers/bin/scx_*; do [ -x "$p" ] && copy_bin "$p" "/usr/bin/$(basename "$p")"; done
fi
# perf is a wrapper script on Debian: bring the versioned binary it runs.
for p in /usr/bin/perf_*; do [ -x "$p" ] && copy_bin "$p" "/usr/bin/$(basename "$p")"; done
cp -r policies "$root/scx/policies"
mkdir -p "$root/scx/tests"
cp -r tests/policies "$root/scx/tests/policies"
cp tests/vm/scenarios/lib.sh tests/vm/scenarios/*.inc.sh "$script" "$root/scx/"
# A user's policy (make demo POLICY=...) travels with its directory, for require.
if [ -n "${POLICY:-}" ]; then
  [ -f "$POLICY" ] || { echo "run.sh: POLICY=$POLICY: no such file" >&2; exit 2; }
  mkdir -p "$root/scx/user"
  cp -r "$(dirname "$POLICY")"/. "$root/scx/user/"
  POLICY=/scx/user/$(basename "$POLICY")
fi
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"

# Scenario knobs travel into the guest: POLICY and every VM_TEST_*,
# DEMO_* and BENCH_* variable set here.
env | grep -E '^(VM_TEST_|VM_STRESS_|VM_HOTPLUG_|DEMO_|BENCH_)[A-Z_]*=' | sed "s/'/'\\\\''/g; s/=\(.*\)/='\1'/; s/^/export /" > "$root/scx/env" || true
[ -n "${POLICY:-}" ] && echo "export POLICY='$POLICY'" >> "$root/scx/env"

cat > "$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/usr/bin:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t tmpfs tmp /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ulimit -l unlimited
cd /scx
echo "SCX_VM_BOOTED kernel=\$(uname -r) cpus=\$(nproc)"
. /scx/env
sh /scx/$scenario.sh $*
echo "SCX_VM_RESULT=\$?"
sync
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$VM/initramfs-$scenario.gz"
rm -rf "$root"

log=$VM/$scenario.log
echo "  VM      $scenario ($(cat "$B/kernel/version" 2>/dev/null || echo "$KERNEL"), ${VM_CPUS:-2} CPUs, TCG ${VM_THREAD:-single}-threaded); console: $log" >&2
set +e
# thread=single by default: with multi-threaded TCG, the kernel's live text
# patching (static keys flipped when sched_ext is enabled or disabled)
# raced the other vCPU into "Oops: int3" and a panic (seen in a vm-test
# boot, and in a vm-bench boot in __schedule during scx_root_disable).
# Serialised vCPUs cannot race. VM_THREAD=multi is faster, at that risk.
timeout "${VM_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg,thread=${VM_THREAD:-single} -cpu max \
  -smp "${VM_CPUS:-2}" -m "${VM_MEM:-2G}" -nographic -no-reboot -monitor none \
  -kernel "$B/kernel/vmlinuz" -initrd "$VM/initramfs-$scenario.gz" \
  -append "console=ttyS0 panic=-1 tsc=reliable loglevel=4 rdinit=/init ${VM_APPEND:-}" \
  < /dev/null 2>&1 | stdbuf -oL tr -d '\r' | tee "$log" | grep --line-buffered -E '^(  |\| |ok|not ok|SCX_|scx_lua|\[scx_lua\]|#|[a-z-]+: [0-9]+ passed)' || true
set -e
rc=$(sed -n 's/^SCX_VM_RESULT=\([0-9]*\).*/\1/p' "$log" | tail -1)
if [ -z "$rc" ]; then
  echo "run.sh: the VM did not report a result (timeout, panic or crash); the console's last lines ($log):" >&2
  tail -n 60 "$log" | sed 's/^/  | /' >&2
  exit 1
fi
exit "$rc"
