// SPDX-License-Identifier: GPL-2.0-only
/*
 * load.c - the live backend's life cycle: check the machine (preflight),
 * open and configure the BPF object, load it, map the ring buffers, attach
 * the scheduler, detach it, free it. The per-step operations are live.c.
 *
 * libbpf 1.1 (Debian 12) predates struct_ops links and cannot set
 * struct_ops fields, so open does two things by hand: it patches `flags`,
 * `exit_dump_len` and `name` (scx_lua_<policy>, what
 * /sys/kernel/sched_ext/root/ops shows) into a copy of the object's
 * .struct_ops section (the offsets and the flag's value come from the
 * object's own rodata, compiled against this kernel's BTF), and it
 * registers the scheduler with bpf_link_create(BPF_STRUCT_OPS) on a
 * BPF_F_LINK map, so closing the link (or dying) detaches it. The name is
 * fixed once loaded: a reload changes what the dump says (policy_name),
 * not root/ops.
 *
 * While attached, vm.compact_unevictable_allowed is 0, as scx_rustland
 * does: compaction moving our locked pages would stall the scheduler
 * process on page faults while every task waits for it. The old value
 * comes back at detach (not after a kill -9).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "clock.h"
#include "live_int.h"

#ifndef BPF_F_LINK
#define BPF_F_LINK (1U << 13)
#endif
#define ATTACH_STRUCT_OPS 44 /* enum bpf_attach_type BPF_STRUCT_OPS, uapi 6.4+ */
#define SCX_ECODE_ACT_RESTART (1ULL << 48)
#define SCX_EXIT_ERROR 1024         /* exit kinds from here on are errors */
#define EXIT_DUMP_DFL 32768         /* the kernel's size for exit_dump_len 0 */
#define COMPACT_SYSCTL "/proc/sys/vm/compact_unevictable_allowed"

static int read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int write_line(const char *path, const char *line)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%s\n", line) < 0)
		err = -EIO;
	if (fclose(f) && !err)
		err = -errno;
	return err;
}

static bool verbose;

/* libbpf's own messages: warnings always, the rest (verifier log) with -v. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * The state of sched_ext, once it is not going away: a scheduler that just
 * detached (its process may already be gone) leaves the kernel "disabling"
 * for a moment, and starting another then is no conflict. Up to 5 s.
 */
static int settled_state(char *state, size_t len)
{
	for (int i = 0; i < 100; i++) {
		struct timespec ts = { 0, 50 * 1000 * 1000 };

		if (read_line("/sys/kernel/sched_ext/state", state, len))
			return -1;
		if (strcmp(state, "disabling"))
			return 0;
		nanosleep(&ts, NULL);
	}
	return 0;
}

int bpf_backend_preflight(char *why, size_t len)
{
	char state[64], ops[128];

	if (geteuid() != 0) {
		snprintf(why, len, "scx_lua must run as root: it loads a BPF scheduler into the "
			 "kernel (try `make demo` to run it in a VM)");
		return -EPERM;
	}
	if (access("/sys/kernel/sched_ext", F_OK)) {
		snprintf(why, len, "sched_ext is not enabled in this kernel "
			 "(CONFIG_SCHED_CLASS_EXT); try `make demo` to run it in a VM with a kernel "
			 "that has it");
		return -ENOTSUP;
	}
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		snprintf(why, len, "this kernel exposes no BTF (/sys/kernel/btf/vmlinux; "
			 "CONFIG_DEBUG_INFO_BTF): BPF schedulers cannot load without it");
		return -ENOTSUP;
	}
	if (!settled_state(state, sizeof(state)) && strcmp(state, "disabled")) {
		if (read_line("/sys/kernel/sched_ext/root/ops", ops, sizeof(ops)))
			snprintf(ops, sizeof(ops), "?");
		snprintf(why, len, "another sched_ext scheduler (%s) is %s; stop it first",
			 ops, state);
		return -EBUSY;
	}
	return 0;
}

/* Does the running kernel have this kfunc? */
static bool kernel_has(struct btf *vmlinux, const char *name)
{
	return vmlinux && btf__find_by_name_kind(vmlinux, name, BTF_KIND_FUNC) > 0;
}

/* Where lua_ops' plain fields are, from the object's rodata. */
struct ops_layout {
	uint64_t off_flags, off_dump, off_name, name_len, size, flag_partial;
};

/*
 * "scx_lua_<stem>" into @out (@len bytes, NUL included): the stem is
 * @policy without its folder and ".lua", every byte outside [A-Za-z0-9_]
 * made '_' (the kernel refuses other names), cut to fit. NULL or empty:
 * "scx_lua".
 */
static void ops_name(const char *policy, char *out, size_t len)
{
	const char *stem = policy ? strrchr(policy, '/') : NULL;
	size_t n, i, stem_len;

	stem = stem ? stem + 1 : policy;
	stem_len = stem ? strlen(stem) : 0;
	if (stem_len > 4 && !strcmp(stem + stem_len - 4, ".lua"))
		stem_len -= 4;
	n = (size_t)snprintf(out, len, stem_len ? "scx_lua_" : "scx_lua");
	for (i = 0; i < stem_len && n + 1 < len; i++, n++) {
		char c = stem[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_';

		out[n] = ok ? c : '_';
	}
	out[n < len ? n : len - 1] = '\0';
}

/* Write flags, exit_dump_len and the name for @policy into lua_ops inside
 * a copy of the ELF. */
static int patch_struct_ops(void *elf_buf, size_t sz, const struct ops_layout *l,
			    uint64_t flags, uint32_t dump_len, const char *policy)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int err = -ENOENT;

	elf_version(EV_CURRENT);
	e = elf_memory(elf_buf, sz);
	if (!e || elf_getshdrstrndx(e, &shstrndx))
		return -EINVAL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".struct_ops"))
			continue;
		/* lua_ops is the section's only object. */
		if (sh.sh_size != l->size || sh.sh_offset + sh.sh_size > sz ||
		    l->off_name + l->name_len > l->size) {
			err = -EINVAL;
			break;
		}
		*(uint64_t *)((char *)elf_buf + sh.sh_offset + l->off_flags) |= flags;
		*(uint32_t *)((char *)elf_buf + sh.sh_offset + l->off_dump) = dump_len;
		ops_name(policy, (char *)elf_buf + sh.sh_offset + l->off_name, l->name_len);
		err = 0;
		break;
	}
	elf_end(e);
	return err;
}

static struct scx_lua *open_skel(const void *data, size_t sz)
{
	struct scx_lua *skel = calloc(1, sizeof(*skel));

	if (!skel || scx_lua__create_skeleton(skel)) {
		free(skel);
		return NULL;
	}
	skel->skeleton->data = (void *)data;
	skel->skeleton->data_sz = sz;
	if (bpf_object__open_skeleton(skel->skeleton, NULL)) {
		scx_lua__destroy(skel);
		return NULL;
	}
	return skel;
}

static int map_ringbuf(struct bpf_backend *b)
{
	int fd = bpf_map__fd(b->skel->maps.queued);
	size_t max = bpf_map__max_entries(b->skel->maps.queued);
	struct epoll_event ev = { .events = EPOLLIN };

	b->page = (size_t)sysconf(_SC_PAGESIZE);
	b->map_cons = mmap(NULL, b->page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (b->map_cons == MAP_FAILED)
		return -errno;
	/* Data pages are mapped twice in a row: a record never wraps. */
	b->map_prod_sz = b->page + 2 * max;
	b->map_prod = mmap(NULL, b->map_prod_sz, PROT_READ, MAP_SHARED, fd, (off_t)b->page);
	if (b->map_prod == MAP_FAILED)
		return -errno;
	b->cons_pos = b->map_cons;
	b->prod_pos = b->map_prod;
	b->data = (const char *)b->map_prod + b->page;
	b->mask = max - 1;
	b->cons = __atomic_load_n(b->cons_pos, __ATOMIC_ACQUIRE);
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (b->epfd < 0 || epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev))
		return -errno;
	b->urb = user_ring_buffer__new(bpf_map__fd(b->skel->maps.dispatched), NULL);
	return b->urb ? 0 : -errno;
}

/* Open once to learn where lua_ops' fields are, then open a patched copy. */
static int open_patched(struct bpf_backend *b, const struct bpf_backend_cfg *cfg, char *why,
			size_t len)
{
	struct ops_layout l;
	struct scx_lua *probe;
	const void *orig;
	size_t sz;
	int err;

	orig = scx_lua__elf_bytes(&sz);
	probe = open_skel(orig, sz);
	if (!probe) {
		snprintf(why, len, "cannot open the BPF object: %s", strerror(errno));
		return -errno;
	}
	l = (struct ops_layout){
		.off_flags = probe->rodata->ops_off_flags,
		.off_dump = probe->rodata->ops_off_exit_dump_len,
		.off_name = probe->rodata->ops_off_name,
		.name_len = probe->rodata->ops_name_len,
		.size = probe->rodata->ops_size,
		.flag_partial = probe->rodata->ops_flag_switch_partial,
	};
	scx_lua__destroy(probe);
	b->elf = malloc(sz);
	if (!b->elf) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	memcpy(b->elf, orig, sz);
	err = patch_struct_ops(b->elf, sz, &l, cfg->partial ? l.flag_partial : 0,
			       (uint32_t)cfg->exit_dump_len, cfg->ops_name);
	if (err) {
		snprintf(why, len, "cannot find lua_ops in the BPF object (%s)", strerror(-err));
		return err;
	}
	b->skel = open_skel(b->elf, sz);
	if (!b->skel) {
		snprintf(why, len, "cannot open the BPF object: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

/* Which generation of sched_ext kfuncs the running kernel has. */
static int probe_kernel(struct bpf_backend *b, char *why, size_t len)
{
	struct btf *vmlinux = btf__load_vmlinux_btf();
	int err = 0;

	b->skel->rodata->have_dsq_insert = kernel_has(vmlinux, "scx_bpf_dsq_insert");
	b->skel->rodata->have_select_cpu_and = kernel_has(vmlinux, "scx_bpf_select_cpu_and");
	b->skel->rodata->have_set_slice = kernel_has(vmlinux, "scx_bpf_task_set_slice");
	b->skel->rodata->have_dsq_peek = kernel_has(vmlinux, "scx_bpf_dsq_peek");
	if (!b->skel->rodata->have_dsq_insert && !kernel_has(vmlinux, "scx_bpf_dispatch")) {
		snprintf(why, len, "this kernel has neither scx_bpf_dsq_insert (6.13+) nor "
			 "scx_bpf_dispatch (6.12): its sched_ext is too old for scx_lua");
		err = -ENOTSUP;
	}
	btf__free(vmlinux);
	return err;
}

/* What the BPF side needs to know before load, and the tunables. */
static int configure(struct bpf_backend *b, const struct bpf_backend_cfg *cfg, char *why,
		     size_t len)
{
	b->nr_cpus = libbpf_num_possible_cpus();
	if (b->nr_cpus <= 0 || b->nr_cpus > SCX_LUA_MAX_CPUS) {
		snprintf(why, len, "%d possible CPUs: scx_lua handles 1..%d", b->nr_cpus,
			 SCX_LUA_MAX_CPUS);
		return -ERANGE;
	}
	b->park = !cfg->partial;
	b->base_ns = clock_ns();
	b->skel->rodata->time_base = b->base_ns;
	b->skel->rodata->usersched_pid = getpid();
	b->skel->rodata->builtin_idle = !cfg->full_user;
	b->skel->rodata->park_usersched = b->park;
	b->skel->rodata->slice_ns = cfg->slice_ns;
	b->skel->rodata->starve_ns = cfg->starve_ns;
	b->skel->rodata->nr_cpu_ids_ro = (uint32_t)b->nr_cpus;
	b->skel->rodata->verbose = cfg->verbose;
	/* The copy of the kernel's dump is as big as the kernel's buffer. */
	b->skel->rodata->exit_dump_size = cfg->exit_dump_len > 0 ? (uint32_t)cfg->exit_dump_len :
								   EXIT_DUMP_DFL;
	if (bpf_map__set_value_size(b->skel->maps.exit_dump, b->skel->rodata->exit_dump_size)) {
		snprintf(why, len, "--exit-dump-len %d: cannot size the dump's copy", cfg->exit_dump_len);
		return -EINVAL;
	}
	if (cfg->ops_name) {
		char name[128];

		ops_name(cfg->ops_name, name, sizeof(name));
		bpf_backend_set_policy_name(b, name + (strlen(name) > 8 ? 8 : strlen(name)));
	}
	b->skel->bss->nr_online_cpus = (unsigned long long)sysconf(_SC_NPROCESSORS_ONLN);
	b->tune_base = cfg->tune;
	b->tune_fixed = cfg->tune_fixed;
	bpf_backend_tune(b, &cfg->tune);
	/* The kernel wants a power of two, a whole number of pages: checked by
	 * the command line, the page size here. */
	if (cfg->queue_bytes &&
	    (cfg->queue_bytes % (size_t)sysconf(_SC_PAGESIZE) ||
	     bpf_map__set_max_entries(b->skel->maps.queued, (uint32_t)cfg->queue_bytes))) {
		snprintf(why, len, "--queue-kb %zu: not a power-of-two number of %ld-byte pages",
			 cfg->queue_bytes >> 10, sysconf(_SC_PAGESIZE));
		return -EINVAL;
	}
	return 0;
}

static int load(struct bpf_backend *b, char *why, size_t len)
{
	int err;

	bpf_map__set_map_flags(b->skel->maps.lua_ops,
			       bpf_map__map_flags(b->skel->maps.lua_ops) | BPF_F_LINK);
	/* scx_bpf_create_dsq() sleeps: ops.init must be a sleepable program. */
	bpf_program__set_flags(b->skel->progs.lua_init,
			       bpf_program__flags(b->skel->progs.lua_init) | BPF_F_SLEEPABLE);
	err = scx_lua__load(b->skel);
	if (err) {
		snprintf(why, len, "the kernel refused the BPF scheduler (%s)%s", strerror(-err),
			 verbose ? "" : "; run with -v for the verifier log");
		return err;
	}
	b->pick_fd = bpf_program__fd(b->skel->progs.lua_pick_cpu);
	err = map_ringbuf(b);
	if (err)
		snprintf(why, len, "cannot map the ring buffers: %s", strerror(-err));
	return err;
}

struct bpf_backend *bpf_backend_open(const struct bpf_backend_cfg *cfg, char *why, size_t len)
{
	struct bpf_backend *b = calloc(1, sizeof(*b));

	if (!b) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	b->link_fd = -1;
	b->epfd = -1;
	verbose = cfg->verbose;
	libbpf_set_print(print_libbpf);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);
	if (open_patched(b, cfg, why, len) || probe_kernel(b, why, len) ||
	    configure(b, cfg, why, len) || load(b, why, len)) {
		bpf_backend_close(b);
		return NULL;
	}
	return b;
}

void bpf_backend_tune(struct bpf_backend *b, const struct bpf_backend_tune *t)
{
	volatile struct rule_tune *tu = &b->skel->data->tune;

	tu->preempt_min_ns = t->preempt_min_ns;
	tu->budget_ns = t->budget_ns;
	tu->preempt_sync = t->preempt_sync;
	b->skel->bss->tune_keep_preempted = t->keep_preempted;
}

void bpf_backend_set_policy_name(struct bpf_backend *b, const char *name)
{
	volatile char *dst = b->skel->data->policy_name;
	size_t i;

	/* Byte by byte, the terminator last: a dump racing us reads a mix
	 * of two names, never past the end. */
	for (i = 0; name && name[i] && i + 1 < sizeof(b->skel->data->policy_name); i++)
		dst[i] = name[i];
	dst[i] = '\0';
}

/* vm.compact_unevictable_allowed=0 while attached (see the top). */
static void compaction_off(struct bpf_backend *b)
{
	char old[16];
	int err = read_line(COMPACT_SYSCTL, old, sizeof(old));

	if (!err && !strcmp(old, "0"))
		return; /* already off: nothing to restore */
	if (!err)
		err = write_line(COMPACT_SYSCTL, "0");
	if (err) {
		fprintf(stderr, "scx_lua: warning: cannot set vm.compact_unevictable_allowed=0 (%s): "
			"compaction of its locked memory may stall the scheduler; set it with "
			"`sysctl vm.compact_unevictable_allowed=0` if your kernel has it\n",
			strerror(-err));
		return;
	}
	snprintf(b->compact_old, sizeof(b->compact_old), "%s", old);
}

static void compaction_restore(struct bpf_backend *b)
{
	int err;

	if (!b->compact_old[0])
		return;
	err = write_line(COMPACT_SYSCTL, b->compact_old);
	if (err)
		fprintf(stderr, "scx_lua: warning: cannot restore vm.compact_unevictable_allowed=%s "
			"(%s); set it back with `sysctl vm.compact_unevictable_allowed=%s`\n",
			b->compact_old, strerror(-err), b->compact_old);
	b->compact_old[0] = '\0';
}

int bpf_backend_attach(struct bpf_backend *b, char *why, size_t len)
{
	compaction_off(b);
	/* libbpf fills the map value with the program fds... */
	b->ops_link = bpf_map__attach_struct_ops(b->skel->maps.lua_ops);
	if (!b->ops_link) {
		snprintf(why, len, "cannot set up the struct_ops map: %s", strerror(errno));
		return -errno;
	}
	/* ...and the link is what registers the scheduler with sched_ext. */
	b->link_fd = bpf_link_create(bpf_map__fd(b->skel->maps.lua_ops), 0, ATTACH_STRUCT_OPS, NULL);
	if (b->link_fd < 0) {
		int err = errno;

		snprintf(why, len, "sched_ext refused the scheduler: %s%s", strerror(err),
			 err == EBUSY || err == EEXIST ? " (another sched_ext scheduler is attached)" : "");
		return -err;
	}
	return 0;
}

void bpf_backend_detach(struct bpf_backend *b)
{
	if (!b)
		return;
	if (b->link_fd >= 0)
		close(b->link_fd); /* sched_ext falls back to the default class */
	b->link_fd = -1;
	if (b->ops_link)
		bpf_link__destroy(b->ops_link);
	b->ops_link = NULL;
	compaction_restore(b);
}

void bpf_backend_close(struct bpf_backend *b)
{
	if (!b)
		return;
	bpf_backend_detach(b);
	if (b->urb)
		user_ring_buffer__free(b->urb);
	if (b->epfd >= 0)
		close(b->epfd);
	if (b->map_cons && b->map_cons != MAP_FAILED)
		munmap(b->map_cons, b->page);
	if (b->map_prod && b->map_prod != MAP_FAILED)
		munmap(b->map_prod, b->map_prod_sz);
	if (b->skel)
		scx_lua__destroy(b->skel);
	free(b->elf);
	free(b);
}

int bpf_backend_nr_cpus(const struct bpf_backend *b)
{
	return b->nr_cpus;
}

/*
 * The kernel's debug dump of an error exit, as ops.exit copied it, to
 * stderr between two marker lines: the kernel's view (the error, its
 * backtrace, each CPU, each runnable task) with scx_lua's own lines, from
 * ops.dump*, all starting "scx_lua:". At most exit_dump_size bytes.
 */
static void print_exit_dump(struct bpf_backend *b, int kind)
{
	uint32_t zero = 0, size = b->skel->rodata->exit_dump_size;
	char *dump = calloc(1, (size_t)size + 1);

	if (!dump || bpf_map_lookup_elem(bpf_map__fd(b->skel->maps.exit_dump), &zero, dump) ||
	    !dump[0]) {
		free(dump);
		return;
	}
	fprintf(stderr, "scx_lua: the kernel's debug dump (exit kind %d; scx_lua's own lines "
		"start \"scx_lua:\"):\n%s%s", kind, dump, dump[strlen(dump) - 1] == '\n' ? "" : "\n");
	fprintf(stderr, "scx_lua: end of the kernel's debug dump\n");
	free(dump);
}

int bpf_backend_ended(struct bpf_backend *b, char *why, size_t len, bool *restart)
{
	int kind = __atomic_load_n(&b->skel->bss->exit_kind, __ATOMIC_ACQUIRE);

	if (!kind)
		return 0;
	if (kind >= SCX_EXIT_ERROR && !b->dump_printed) {
		b->dump_printed = true;
		print_exit_dump(b, kind);
	}
	*restart = (uint64_t)b->skel->bss->exit_code & SCX_ECODE_ACT_RESTART;
	snprintf(why, len, "kind %d: %s%s%s", b->skel->bss->exit_kind, b->skel->bss->exit_reason,
		 b->skel->bss->exit_msg[0] ? ": " : "", b->skel->bss->exit_msg);
	return 1;
}

