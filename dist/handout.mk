# SPDX-License-Identifier: GPL-2.0-only
# The class labs, as handed out (make handout in scx_lua's sources).
# `make test` checks this copy is whole: every lab policy loads, every
# workload is valid, and the grader runs (a starting policy fails its
# grade; that is the exercise). It needs scx_lua: installed (PATH), or
# SCX_LUA=/path/to/scx_lua.
SCX_LUA ?= $(shell command -v scx_lua)
export SCX_LUA

test:
	@[ -n "$(SCX_LUA)" ] || { echo "handout: no scx_lua: install it, or make test SCX_LUA=/path/to/scx_lua"; exit 2; }
	@pass=0; fail=0; \
	for l in 1 2 3 4 5; do \
	  if "$(SCX_LUA)" check policies/labs/lab$$l.lua > /dev/null 2>&1; then pass=$$((pass+1)); echo "ok - lab $$l loads"; \
	  else fail=$$((fail+1)); echo "not ok - lab $$l: scx_lua check policies/labs/lab$$l.lua fails"; fi; \
	  policies/labs/grade $$l > /dev/null 2>&1; rc=$$?; \
	  if [ $$rc -le 1 ]; then pass=$$((pass+1)); echo "ok - lab $$l grades (exit $$rc)"; \
	  else fail=$$((fail+1)); echo "not ok - lab $$l: policies/labs/grade $$l exits $$rc"; fi; \
	done; \
	for w in policies/workloads/*.lua; do \
	  if "$(SCX_LUA)" sim policies/fifo.lua --workload $$w --duration 0.1 > /dev/null 2>&1; then pass=$$((pass+1)); \
	  else fail=$$((fail+1)); echo "not ok - $$w does not load"; fi; \
	done; \
	echo "handout: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

.PHONY: test
