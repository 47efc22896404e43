#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The fuzzing smoke run inside `make test`: 5 s per harness (`make fuzz`
# runs them longer).
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-5} exec tests/fuzz/run.sh fuzz_cli fuzz_workload fuzz_records fuzz_outputs fuzz_policy fuzz_statsd fuzz_replay
