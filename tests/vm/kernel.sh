#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# kernel.sh DIR: make sure DIR holds a sched_ext kernel (vmlinuz), its
# config, and vmlinux.h generated from its BTF. Prints nothing on success.
#
# Default: Debian sid's cloud kernel (bookworm and trixie kernels have no
# sched_ext), fetched with a private apt configuration so the machine's
# own sources are never touched; the mirror is the one this machine's
# Debian sources already use. sid moves: the version is resolved now and
# cached in DIR. KERNEL=path/to/vmlinuz uses that kernel instead.
set -euo pipefail
dir=${1:?usage: kernel.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

. "$(dirname "$0")/debian-kernel.sh"

extract_btf() {  # vmlinuz -> vmlinux.h
  unpack_vmlinux "$1" "$dir/vmlinux.tmp" || exit 1
  if ! bpftool btf dump file "$dir/vmlinux.tmp" format c > "$dir/vmlinux.h.tmp" 2>/dev/null; then
    echo "kernel.sh: no BTF in $1 (it needs CONFIG_DEBUG_INFO_BTF=y)" >&2
    rm -f "$dir/vmlinux.tmp" "$dir/vmlinux.h.tmp"; exit 1
  fi
  rm -f "$dir/vmlinux.tmp"
  mv "$dir/vmlinux.h.tmp" "$dir/vmlinux.h"
}

if [ -n "${KERNEL:-}" ]; then
  [ -f "$KERNEL" ] || { echo "kernel.sh: KERNEL=$KERNEL: no such file" >&2; exit 1; }
  if [ "$(readlink -f "$KERNEL")" != "$(readlink -f "$dir/vmlinuz" 2>/dev/null)" ]; then
    cp "$KERNEL" "$dir/vmlinuz"; rm -f "$dir/vmlinux.h"
  fi
  [ -f "$dir/vmlinux.h" ] || extract_btf "$dir/vmlinuz"
  exit 0
fi
[ -f "$dir/vmlinuz" ] && [ -f "$dir/vmlinux.h" ] && exit 0

echo "  KERNEL  resolving Debian sid's linux-image-cloud-amd64" >&2
sid_apt "$dir/apt" || exit 1
img=$(apt-cache "${A[@]}" depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
ver=${img#linux-image-}
[ -n "$ver" ] || { echo "kernel.sh: cannot resolve sid's cloud kernel; set KERNEL=path/to/vmlinuz" >&2; exit 1; }
echo "  KERNEL  fetching $ver" >&2
(cd "$dir" && apt-get "${A[@]}" download "linux-binary-$ver" "linux-base-$ver" >/dev/null)
rm -rf "$dir/root"; mkdir -p "$dir/root"
for d in "$dir"/linux-binary-"$ver"_*.deb "$dir"/linux-base-"$ver"_*.deb; do
  dpkg-deb --fsys-tarfile "$d" | tar -x -C "$dir/root"
done
cp "$dir/root/usr/lib/modules/$ver/vmlinuz" "$dir/vmlinuz"
cp "$dir/root/usr/lib/modules/$ver/config" "$dir/config"
echo "$ver" > "$dir/version"
rm -rf "$dir/root" "$dir"/*.deb
grep -q '^CONFIG_SCHED_CLASS_EXT=y' "$dir/config" || {
  echo "kernel.sh: $ver has no sched_ext (CONFIG_SCHED_CLASS_EXT); set KERNEL=path/to/vmlinuz" >&2; exit 1; }
extract_btf "$dir/vmlinuz"
