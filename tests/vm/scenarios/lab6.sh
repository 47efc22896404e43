# SPDX-License-Identifier: GPL-2.0-only
# Lab 6's grader on the kernel alone (vm-test runs it as its part 7).
. /scx/lib.sh
. /scx/lab6.inc.sh
finish lab6
