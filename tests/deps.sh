#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# deps.sh WHAT PKG...: install the Debian packages that are missing when we
# may (root, apt-get), otherwise name them with the command to run. WHAT
# says who needs them ("scx_lua", "the VM").
set -eu
what=$1; shift
missing=""
for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "  APT     installing:$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
else
  echo "$what needs these Debian packages:$missing"
  echo "install them with: sudo apt-get install$missing"
  exit 1
fi
