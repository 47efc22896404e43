#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# peers.sh DIR: build the kernel's own example sched_ext schedulers
# (scx_simple, scx_userland, scx_qmap) into DIR/bin for `PEERS=1 make
# vm-bench`, from the source of the very kernel the VM boots: Debian's
# linux-source-X.Y package, fetched now with the same private apt
# configuration as the kernel (never committed, never installed).
# tools/sched_ext builds its own libbpf and bpftool from that tree; it needs
# a clang newer than 14 (clang-22, from bookworm's security updates: with
# clang-19 the verifier rejects scx_qmap). PEERS_SRC=path/to/linux uses a
# tree you have instead (needed with KERNEL=).
set -euo pipefail
dir=${1:?usage: peers.sh DIR}
B=${BUILD:-build}
. "$(dirname "$0")/../tests/vm/debian-kernel.sh"
K=$B/kernel
PEERS="scx_simple scx_userland scx_qmap"
CLANG=${PEERS_CLANG:-clang-22}
mkdir -p "$dir/bin"
dir=$(cd "$dir" && pwd)
have() { for p in $PEERS; do [ -x "$dir/bin/$p" ] || return 1; done; }
have && exit 0
command -v "$CLANG" > /dev/null || { echo "peers.sh: $CLANG not found (make installs it; or PEERS_CLANG=...)" >&2; exit 1; }

src=${PEERS_SRC:-}
if [ -z "$src" ]; then
  [ -z "${KERNEL:-}" ] || { echo "peers.sh: KERNEL= is set: point PEERS_SRC at that kernel's source tree" >&2; exit 1; }
  ver=$(cat "$K/version")          # e.g. 7.2.13+deb14-cloud-amd64
  up=${ver%%+*}; up=${up%%-*}      # 7.2.13
  series=$(echo "$up" | cut -d. -f1,2)
  sid_apt "$K/apt"
  echo "  PEERS   fetching linux-source-$series (the VM's kernel is $ver)" >&2
  pv=$(apt-cache "${A[@]}" show "linux-source-$series" 2>/dev/null | awk '/^Version:/ {print $2}' | grep "^$up-" | head -1 || true)
  [ -n "$pv" ] || { echo "peers.sh: sid has no linux-source-$series for $up; set PEERS_SRC" >&2; exit 1; }
  rm -f "$dir"/linux-source-*.deb
  (cd "$dir" && apt-get "${A[@]}" download "linux-source-$series=$pv" > /dev/null)
  rm -rf "$dir/src"; mkdir -p "$dir/src"
  # Only what tools/sched_ext, libbpf and bpftool read from the tree.
  dpkg-deb --fsys-tarfile "$dir"/linux-source-"$series"_*.deb | tar -xO "./usr/src/linux-source-$series.tar.xz" |
    tar -xJ -C "$dir/src" --strip-components=1 --wildcards "linux-source-$series/tools/*" \
      "linux-source-$series/include/*" "linux-source-$series/scripts/*" "linux-source-$series/kernel/bpf/*" \
      "linux-source-$series/arch/x86/include/*" "linux-source-$series/Makefile"
  rm -f "$dir"/linux-source-*.deb
  src=$dir/src
fi
[ -d "$src/tools/sched_ext" ] || { echo "peers.sh: $src has no tools/sched_ext" >&2; exit 1; }

# The BTF the examples compile against: the VM kernel's own.
unpack_vmlinux "$K/vmlinuz" "$dir/vmlinux"
echo "  PEERS   building $PEERS with $CLANG" >&2
if ! make -C "$src/tools/sched_ext" CLANG="$CLANG" VMLINUX_BTF="$dir/vmlinux" -j"$(nproc)" $PEERS \
     > "$dir/build.log" 2>&1; then
  tail -20 "$dir/build.log" >&2
  echo "peers.sh: the build failed; full log: $dir/build.log" >&2; exit 1
fi
for p in $PEERS; do cp "$src/tools/sched_ext/build/bin/$p" "$dir/bin/"; done
rm -f "$dir/vmlinux"
