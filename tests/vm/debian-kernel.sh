# SPDX-License-Identifier: GPL-2.0-only
# Sourced by tests/vm/kernel.sh and bench/peers.sh: fetching from Debian sid
# and unpacking its kernel.
#
# sid_apt DIR: set up a private apt configuration for Debian sid in DIR
# (sources, lists and cache of its own: the machine's apt sources are never
# touched), refresh its lists, and leave the apt options in the array A.
# The mirror is the one this machine's Debian sources already use.
sid_apt() {
  local apt=$1 mirror
  mirror=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  if [ -z "$mirror" ]; then
    echo "no Debian mirror in this machine's apt sources; set KERNEL=path/to/vmlinuz" >&2
    return 1
  fi
  mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
  apt=$(cd "$apt" && pwd)
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror sid main" > "$apt/sources.list"
  A=(-o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
     -o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" -o APT::Architecture=amd64
     -o APT::Sandbox::User=root -q)
  apt-get "${A[@]}" update > /dev/null
}

# unpack_vmlinux VMLINUZ OUT: the ELF vmlinux (with its BTF) inside a
# zstd-compressed bzImage: the payload starts at the first zstd magic.
unpack_vmlinux() {
  local off
  off=$(perl -0777 -ne 'print index($_, "\x28\xb5\x2f\xfd")' "$1")
  if [ "$off" -lt 0 ]; then
    echo "$1 has no zstd payload; point KERNEL at a zstd-compressed bzImage" >&2
    return 1
  fi
  # zstd stops at the trailing data after the frame: keep what it wrote.
  tail -c +$((off + 1)) "$1" | zstd -dcq > "$2" 2>/dev/null || true
}
