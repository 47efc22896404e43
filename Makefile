# SPDX-License-Identifier: GPL-2.0-only
# scx_lua build. `make help` lists the targets. Out-of-tree build in build/;
# V=1 shows full commands. Missing Debian packages are installed when run
# as root (apt-get), otherwise named with the command to install them.

BUILD    ?= build
GEN      := $(BUILD)/gen
CC       ?= cc
V        ?= 0
Q        := $(if $(filter 1,$(V)),,@)
msg       = $(if $(filter 1,$(V)),,@printf '  %-7s %s\n' $(1) $(2);)

LUAJIT_CFLAGS := $(shell pkg-config --cflags luajit 2>/dev/null)
LUAJIT_LIBS   := $(shell pkg-config --libs luajit 2>/dev/null)

CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter -Wno-format-truncation \
	    -iquote core -iquote sim -iquote cli -iquote load -iquote bpf -iquote $(GEN) -iquote $(BUILD)/bpf \
	    $(LUAJIT_CFLAGS)
# Each object records the headers it read (.d files): a header change
# rebuilds exactly its users.
DEPFLAGS  = -MMD -MP
LDLIBS   += $(LUAJIT_LIBS) -lm -lpthread
BPF_LIBS := -lbpf -lelf -lz
CLANG    ?= clang
BPF_CFLAGS := -g -O2 -target bpf -mcpu=v3 -D__TARGET_ARCH_x86 -iquote bpf -I$(BUILD)/bpf \
	      -Wall -Werror -Wno-missing-declarations -Wno-unused-function

# The sched_ext kernel the BPF side is built against (and the VM boots):
# Debian sid's, fetched into the build tree; KERNEL=path/to/vmlinuz overrides.
KDIR     := $(BUILD)/kernel

# Debian packages each target needs (checked by the deps stamp).
DEB_BUILD := gcc make pkg-config libluajit-5.1-dev libluajit-5.1-common \
	     clang libclang-rt-14-dev libbpf-dev libelf-dev zlib1g-dev bpftool zstd
DEPS_STAMP := $(BUILD)/.deps-build

# The folders are the architecture: core/ the engine library (no libbpf),
# sim/ the simulated machine, bpf/ the live backend (both halves), cli/ the
# commands. The unit tests and benchmarks link LIB_OBJS only.
CORE_SRCS := core/arena core/buddy core/heap core/store core/logring core/policy core/watchdog \
	     core/rulebook core/record core/shadow \
	     core/sandbox core/fallback core/sched core/engine core/synth
SIM_SRCS  := sim/workload sim/replay sim/machine sim/dispatcher sim/backend sim/journal sim/report
CLI_SRCS  := cli/main cli/opts cli/find cli/run cli/check cli/sim_cmd cli/quiz cli/statsd cli/expect bpf/load bpf/live \
	     load/load load/task load/collect load/sched
LIB_SRCS  := $(CORE_SRCS) $(SIM_SRCS)
LIB_OBJS  := $(addprefix $(BUILD)/,$(addsuffix .o,$(LIB_SRCS))) $(BUILD)/gen/embed.o
CLI_OBJS  := $(addprefix $(BUILD)/,$(addsuffix .o,$(CLI_SRCS)))
EMBED     := lua/runtime.lua lua/scx.lua $(GEN)/cdef.lua
UNIT_TESTS := test_heap test_store test_buddy test_sched test_machine test_policies test_rules \
	      test_logring test_record
# The file each unit test includes (so it is not linked twice).
TEST_UNDER_test_heap := core/heap
TEST_UNDER_test_store := core/store
TEST_UNDER_test_buddy := core/buddy
TEST_UNDER_test_sched := core/sched
TEST_UNDER_test_machine := sim/machine
SUITES     := cli.sh stats.sh sim.sh replay.sh labs.sh rules.sh fuzz.sh load.sh

.DELETE_ON_ERROR:
.SECONDARY:
.PHONY: all test bench help deps clean vm-test demo vm-bench vm-fidelity fuzz vm-stress install uninstall deb handout

all: $(BUILD)/scx_lua

help:
	@echo "scx_lua targets:"
	@echo "  make            build build/scx_lua (installs missing Debian packages as root)"
	@echo "  make test       every test that needs neither root nor a VM; ends with 'N passed, N failed'"
	@echo "  make bench      benchmarks: Lua vs C policy per task, heap, throughput, reload, page faults"
	@echo "  make demo       boot a sched_ext kernel in a VM and run scx_lua under load (POLICY=file.lua)"
	@echo "  make vm-test    the live backend on a real sched_ext kernel (VM, ~4 min)"
	@echo "  make vm-bench   EEVDF vs scx_lua policies on the same workloads, one boot (~10 min);"
	@echo "                  PEERS=1 adds scx_simple/userland/qmap built from the kernel's source"
	@echo "  make vm-fidelity  the simulator against the kernel: policies x workloads run for"
	@echo "                  real (scx_lua load) and simulated, ranking agreement (~15 min)"
	@echo "  make vm-stress  every policy under stress-ng, injected faults, a table (~30 min;"
	@echo "                  VM_STRESS_SECONDS=45 per policy)"
	@echo "  make fuzz       libFuzzer+ASan+UBSan on the CLI, workload files, queued records,"
	@echo "                  policy outputs and hostile policies (FUZZ_SECONDS=60 each; make test"
	@echo "                  runs 5 s each; FUZZERS=fuzz_policy for one)"
	@echo "  make install    the binary, the policy library, scx_lua(8) (PREFIX=/usr/local,"
	@echo "                  DESTDIR=), scx_lua.service and /etc/default/scx_lua; make uninstall"
	@echo "  make deb        the same as a Debian package: build/scx-lua_VERSION_ARCH.deb"
	@echo "  make handout    the class labs for students, no solutions: build/scx_lua-labs.tar.gz"
	@echo "  make deps       only install / name the Debian packages the build needs"
	@echo "  make clean      remove build/"
	@echo "options: V=1 (full commands), BUILD=dir"

# Installs what is missing when we may, else names it and stops.
$(DEPS_STAMP): tests/deps.sh
	$(Q)mkdir -p $(@D) && tests/deps.sh scx_lua $(DEB_BUILD) && touch $@
deps: $(DEPS_STAMP)

# pkg-config output above was computed before deps ran on a fresh machine:
# re-run make in that case so the flags are right.
ifeq ($(LUAJIT_CFLAGS),)
$(BUILD)/scx_lua test bench vm-test vm-bench vm-fidelity vm-stress demo fuzz: relaunch
.PHONY: relaunch
relaunch: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory $(MAKECMDGOALS)
	$(Q)exit 0
else

# One source of truth for the FFI: the ffi:begin..ffi:end region of the
# header becomes the runtime's ffi.cdef string.
$(GEN)/cdef.lua: core/policy_abi.h | $(DEPS_STAMP)
	$(call msg,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q){ echo "-- generated from core/policy_abi.h by the Makefile: do not edit"; \
	  echo "return { source = [==["; \
	  sed -n '/^\/\* ffi:begin \*\/$$/,/^\/\* ffi:end \*\/$$/p' $< | grep -v '^#'; \
	  echo "]==] }"; } > $@

# The runtime is compiled into the binary, so it cannot drift from it.
$(GEN)/embed.c: $(EMBED)
	$(call msg,EMBED,$@)
	$(Q){ for f in $(EMBED); do \
	    n=embed_$$(basename $$f .lua)_lua; \
	    echo "const char $$n[] = {"; od -An -v -tx1 $$f | sed 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	    echo "0 };"; echo "const unsigned int $${n}_len = sizeof($$n) - 1;"; \
	  done; } > $@

$(BUILD)/gen/embed.o: $(GEN)/embed.c
	$(call msg,CC,$@)
	$(Q)$(CC) -c -o $@ $<

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(BUILD)/scx_lua: $(LIB_OBJS) $(CLI_OBJS)
	$(call msg,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS) $(BPF_LIBS)

$(KDIR)/vmlinux.h: tests/vm/kernel.sh | $(DEPS_STAMP)
	$(Q)KERNEL=$(KERNEL) tests/vm/kernel.sh $(KDIR)

$(BUILD)/bpf/vmlinux.h: $(KDIR)/vmlinux.h
	$(Q)mkdir -p $(@D) && cp $< $@

$(BUILD)/bpf/%.bpf.o: bpf/%.bpf.c bpf/intf.h $(BUILD)/bpf/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/bpf/%.skel.h: $(BUILD)/bpf/%.bpf.o
	$(call msg,SKEL,$@)
	$(Q)bpftool gen skeleton $< name scx_lua > $@

# Generated: the first build cannot know from .d files that it needs it.
$(BUILD)/bpf/live.o $(BUILD)/bpf/load.o: $(BUILD)/bpf/main.skel.h

# Unit tests include the file under test; they link the rest of the library.
$(BUILD)/tests/%: tests/%.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -Itests -o $@ $< \
	  $(filter-out $(BUILD)/$(TEST_UNDER_$*).o,$(LIB_OBJS)) $(LDLIBS)

$(BUILD)/bench/bench: bench/bench.c bench/deadline_c.c $(LIB_OBJS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(DEPFLAGS) -iquote bench -o $@ bench/bench.c bench/deadline_c.c $(LIB_OBJS) $(LDLIBS)

# (Defined before the test rule: make expands prerequisites as it reads them.)
FUZZ_SECONDS ?= 60
FUZZ_DIR  := $(BUILD)/fuzz
FUZZ_SAN  := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := $(filter-out -O2 -Wno-format-truncation,$(CFLAGS)) -O1 -Wno-unused-function $(FUZZ_SAN) -fsanitize=fuzzer-no-link
FUZZ_OBJS := $(addprefix $(FUZZ_DIR)/,$(addsuffix .o,$(LIB_SRCS))) $(BUILD)/gen/embed.o
FUZZ_CLI_OBJS := $(addprefix $(FUZZ_DIR)/,$(addsuffix .o,$(CLI_SRCS)))
FUZZERS   := fuzz_cli fuzz_workload fuzz_records fuzz_outputs fuzz_policy fuzz_statsd fuzz_replay

# The report test renders HTML in a real browser: Chromium, installed here;
# python3 parses the JSON scx_lua prints.
TEST_STAMP := $(BUILD)/.deps-test
$(TEST_STAMP): tests/deps.sh
	$(Q)mkdir -p $(@D) && tests/deps.sh "the tests" chromium python3 && touch $@

test: $(BUILD)/scx_lua $(addprefix $(BUILD)/tests/,$(UNIT_TESTS) pause_thread) $(TEST_STAMP) \
      $(addprefix $(FUZZ_DIR)/,$(FUZZERS))
	$(Q)BUILD=$(BUILD) tests/run.sh $(UNIT_TESTS) $(SUITES)

bench: $(BUILD)/bench/bench $(BUILD)/scx_lua
	$(Q)$(BUILD)/bench/bench

# Fuzzing: the whole core rebuilt with sanitizers, one harness per input
# surface (tests/fuzz/). Findings are crash-* files in build/fuzz/.

$(FUZZ_DIR)/cli/main.o: FUZZ_CFLAGS += -DSCX_NO_MAIN
$(FUZZ_DIR)/bpf/live.o $(FUZZ_DIR)/bpf/load.o: $(BUILD)/bpf/main.skel.h

$(FUZZ_DIR)/%.o: %.c | $(DEPS_STAMP)
	$(call msg,FUZZCC,$@)
	$(Q)mkdir -p $(@D) && clang $(FUZZ_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(FUZZ_DIR)/fuzz_cli: tests/fuzz/fuzz_cli.c $(FUZZ_OBJS) $(FUZZ_CLI_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)clang $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer -o $@ $(filter %.c %.o,$^) $(LDLIBS) $(BPF_LIBS)

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJS)
	$(call msg,FUZZLD,$@)
	$(Q)clang $(FUZZ_CFLAGS) $(DEPFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_OBJS) $(LDLIBS)

fuzz: $(addprefix $(FUZZ_DIR)/,$(FUZZERS))
	$(Q)BUILD=$(BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh $(FUZZERS)

# The VM tools are installed on demand: only these targets need them.
DEB_VM := qemu-system-x86 busybox-static cpio stress-ng rt-tests linux-perf
VM_STAMP := $(BUILD)/.deps-vm
$(VM_STAMP): tests/deps.sh
	$(Q)mkdir -p $(@D) && tests/deps.sh "the VM" $(DEB_VM) && touch $@

vm-test: $(BUILD)/scx_lua $(VM_STAMP)
	$(Q)BUILD=$(BUILD) KERNEL=$(KERNEL) tests/vm/run.sh vm-test

vm-stress: $(BUILD)/scx_lua $(VM_STAMP)
	$(Q)BUILD=$(BUILD) KERNEL=$(KERNEL) VM_TIMEOUT=3000 tests/vm/run.sh vm-stress

# PEERS=1: also the kernel's example schedulers, built from the VM kernel's
# source package at bench time (bench/peers.sh; clang-22 comes from
# bookworm's security updates).
DEB_PEERS := clang-22 libelf-dev zlib1g-dev xz-utils zstd make gcc
PEERS_STAMP := $(BUILD)/.deps-peers
$(PEERS_STAMP): tests/deps.sh
	$(Q)mkdir -p $(@D) && tests/deps.sh "PEERS=1 make vm-bench" $(DEB_PEERS) && touch $@

vm-bench: $(BUILD)/scx_lua $(VM_STAMP) $(if $(filter 1,$(PEERS)),$(PEERS_STAMP))
ifeq ($(PEERS),1)
	$(Q)BUILD=$(BUILD) KERNEL=$(KERNEL) tests/vm/kernel.sh $(BUILD)/kernel
	$(Q)BUILD=$(BUILD) KERNEL=$(KERNEL) bench/peers.sh $(BUILD)/peers
endif
	$(Q)BUILD=$(BUILD) KERNEL=$(KERNEL) $(if $(filter 1,$(PEERS)),BENCH_PEERS=1) bench/vm-bench.sh

# The simulator against the kernel, in one boot (tests/vm/fidelity.sh).
vm-fidelity: $(BUILD)/scx_lua $(VM_STAMP)
	$(Q)BUILD=$(BUILD) KERNEL=$(KERNEL) tests/vm/fidelity.sh

demo: $(BUILD)/scx_lua $(VM_STAMP)
	$(Q)BUILD=$(BUILD) KERNEL=$(KERNEL) POLICY=$(POLICY) tests/vm/run.sh demo

endif

clean:
	rm -rf $(BUILD)

# The binary finds the library beside it (BIN/../share/scx_lua/policies,
# cli/find.c), so PREFIX needs no rebuild. The lab solutions stay out: the
# library is what students are handed. /etc/default/scx_lua is the
# administrator's: never overwritten.
PREFIX  ?= /usr/local
DESTDIR ?=
SYSCONFDIR ?= /etc
UNITDIR ?= $(SYSCONFDIR)/systemd/system
install: $(BUILD)/scx_lua
	$(Q)install -D -m 755 $(BUILD)/scx_lua $(DESTDIR)$(PREFIX)/bin/scx_lua
	$(Q)mkdir -p $(DESTDIR)$(PREFIX)/share/scx_lua
	$(Q)cp -R policies $(DESTDIR)$(PREFIX)/share/scx_lua/
	$(Q)rm -rf $(DESTDIR)$(PREFIX)/share/scx_lua/policies/labs/solutions
	$(Q)chmod -R u=rwX,go=rX $(DESTDIR)$(PREFIX)/share/scx_lua   # scx_lua refuses policies others may write
	$(Q)install -D -m 644 dist/scx_lua.8 $(DESTDIR)$(PREFIX)/share/man/man8/scx_lua.8
	$(Q)mkdir -p $(DESTDIR)$(UNITDIR)
	$(Q)sed -e 's|@BINDIR@|$(PREFIX)/bin|' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|' \
		dist/scx_lua.service.in > $(DESTDIR)$(UNITDIR)/scx_lua.service
	$(Q)[ -e $(DESTDIR)$(SYSCONFDIR)/default/scx_lua ] || \
		install -D -m 644 dist/scx_lua.default $(DESTDIR)$(SYSCONFDIR)/default/scx_lua
	@echo "installed scx_lua in $(DESTDIR)$(PREFIX); start it with: systemctl enable --now scx_lua"
uninstall:
	$(Q)rm -f $(DESTDIR)$(PREFIX)/bin/scx_lua $(DESTDIR)$(UNITDIR)/scx_lua.service \
		$(DESTDIR)$(PREFIX)/share/man/man8/scx_lua.8
	$(Q)rm -rf $(DESTDIR)$(PREFIX)/share/scx_lua
	@echo "removed scx_lua from $(DESTDIR)$(PREFIX) (kept $(SYSCONFDIR)/default/scx_lua)"

# The class labs as handed out, without solutions: build/scx_lua-labs.tar.gz.
handout:
	$(Q)dist/mkhandout.sh $(BUILD)

# A .deb from the same install rules: build/scx-lua_VERSION_ARCH.deb.
deb: $(BUILD)/scx_lua
	$(Q)dist/mkdeb.sh $(BUILD) $(BUILD)

-include $(shell find $(addprefix $(BUILD)/,core sim cli load bpf tests bench fuzz) -name '*.d' -type f 2>/dev/null)
