#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# mkdeb.sh BUILD OUT-DIR: a .deb of scx_lua made by the same `make install`
# as a source install (PREFIX=/usr, the unit in /lib/systemd/system), with
# the shared libraries the binary links as dependencies, resolved on this
# machine (dpkg -S), so the package installs where it was built and on any
# system of the same release. /etc/default/scx_lua is a conffile: an
# upgrade never overwrites the administrator's choice. The service is
# installed, not enabled: a CPU scheduler starts when the administrator
# says so (systemctl enable --now scx_lua).
set -eu -o pipefail
B=$1; OUT=$2
ver=$(sed -n 's/^#define SCX_LUA_VERSION "\(.*\)"/\1/p' cli/main.c)
arch=$(dpkg --print-architecture)
R=$B/deb/root
rm -rf "$B/deb"
make -s install BUILD="$B" DESTDIR="$R" PREFIX=/usr SYSCONFDIR=/etc UNITDIR=/lib/systemd/system > /dev/null
gzip -9n "$R/usr/share/man/man8/scx_lua.8"
# The checkout's modes are the builder's umask's: a policy others may
# write is one scx_lua refuses to load.
find "$R" -type d -exec chmod 755 {} +
find "$R" -type f -exec chmod 644 {} +
chmod 755 "$R/usr/bin/scx_lua" "$R/usr/share/scx_lua/policies/labs/grade"

# Depends: the package of each library the binary needs.
deps=$(objdump -p "$B/scx_lua" | awk '/NEEDED/ { print $2 }' | while read -r lib; do
  path=$(ldconfig -p | awk -v l="$lib" -v a="$(uname -m | tr _ -)" '$1 == l && index($0, a) { print $NF; exit }')
  [ -n "$path" ] || { echo "mkdeb.sh: $lib not found by ldconfig: install the build dependencies (make deps)" >&2; exit 1; }
  pkg=$(dpkg -S "$(readlink -f "$path")" 2> /dev/null | head -1 | cut -d: -f1) || true
  [ -n "$pkg" ] || pkg=$(dpkg -S "$path" | head -1 | cut -d: -f1)
  echo "$pkg"
done | sort -u | paste -sd, | sed 's/,/, /g')

mkdir -p "$R/DEBIAN" "$R/usr/share/doc/scx_lua"
cp LICENSE "$R/usr/share/doc/scx_lua/copyright"
size=$(du -sk --exclude=DEBIAN "$R" | cut -f1)
cat > "$R/DEBIAN/control" <<CTRL
Package: scx-lua
Version: $ver
Architecture: $arch
Maintainer: scx_lua developers <scx-lua@localhost>
Installed-Size: $size
Depends: $deps
Section: admin
Priority: optional
Homepage: https://github.com/sched-ext/scx
Description: sched_ext CPU scheduler whose policy is a Lua script
 scx_lua attaches to a sched_ext kernel (CONFIG_SCHED_CLASS_EXT) and runs
 a LuaJIT policy over batches of runnable tasks: edit a policy, reload it
 in milliseconds, try it first in the bundled simulator. Ships a library
 of policies (scx_lua list), a systemd unit and the scx_lua(8) page.
CTRL
echo /etc/default/scx_lua > "$R/DEBIAN/conffiles"
cat > "$R/DEBIAN/postinst" <<'SH'
#!/bin/sh
set -e
[ -d /run/systemd/system ] && systemctl daemon-reload || true
SH
cat > "$R/DEBIAN/prerm" <<'SH'
#!/bin/sh
# On removal only: an upgrade keeps the scheduler the administrator runs.
set -e
[ "$1" = remove ] && [ -d /run/systemd/system ] && systemctl stop scx_lua.service || true
SH
cat > "$R/DEBIAN/postrm" <<'SH'
#!/bin/sh
set -e
[ -d /run/systemd/system ] && systemctl daemon-reload || true
SH
chmod 755 "$R/DEBIAN/postinst" "$R/DEBIAN/prerm" "$R/DEBIAN/postrm"
mkdir -p "$OUT"
deb=$OUT/scx-lua_${ver}_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$R" "$deb" > /dev/null
echo "$deb"
