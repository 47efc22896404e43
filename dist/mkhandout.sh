#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# mkhandout.sh OUT-DIR: the class labs as students get them, a tarball
# OUT-DIR/scx_lua-labs.tar.gz: the lab policies, their grade files and the
# grader, the workloads, the two library policies a student may read
# (fifo.lua, rr.lua: the others solve labs outright), the policy guide,
# and a Makefile whose `make test` checks the copy is whole. Left out: the
# reference solutions and the hidden workload variants the instructor
# grades with (GRADE_HIDDEN). The sources' git history still holds the
# solutions: hand out the tarball, not the repository.
set -eu
OUT=$1
S=$OUT/handout/scx_lua-labs
rm -rf "$OUT/handout"
mkdir -p "$S/policies/labs" "$S/policies/workloads" "$S/docs"
cp policies/labs/README.md policies/labs/grade policies/labs/lab*.lua policies/labs/lab*.grade \
   "$S/policies/labs/"
cp policies/workloads/*.lua "$S/policies/workloads/"
cp policies/fifo.lua policies/rr.lua "$S/policies/"
cp docs/policy-guide.md "$S/docs/"
cp dist/handout.mk "$S/Makefile"
if find "$S" -name 'solution*' -o -name 'hidden' | grep -q .; then
  echo "mkhandout.sh: a solution or a hidden variant got into the handout" >&2; exit 1
fi
tar -C "$OUT/handout" -czf "$OUT/scx_lua-labs.tar.gz" scx_lua-labs
echo "$OUT/scx_lua-labs.tar.gz"
