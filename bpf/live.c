// SPDX-License-Identifier: GPL-2.0-only
/*
 * live.c - the live backend: bpf/main.bpf.c in the running kernel.
 *
 * drain() reads the `queued` BPF ringbuf directly from its mmapped pages
 * (one record per call, no callback, no syscall) and publishes the consumer
 * position once per step, in notify(), and before sleeping; dispatch()
 * writes into the `dispatched` user ringbuf; select_cpu() runs the
 * lua_pick_cpu syscall program with bpf_prog_test_run(); wait() sleeps in
 * epoll on the ringbuf.
 *
 * libbpf 1.1 (Debian 12) predates struct_ops links and cannot set
 * struct_ops fields, so open does two things by hand: it patches `flags`
 * and `exit_dump_len` into a copy of the object's .struct_ops section
 * (the offsets come from the object's own rodata), and it registers the
 * scheduler with bpf_link_create(BPF_STRUCT_OPS) on a BPF_F_LINK map, so
 * closing the link (or dying) detaches it.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

/* The skeleton is generated with the kernel's type names. */
typedef uint64_t u64;
typedef int64_t s64;
typedef uint32_t u32;
typedef int32_t s32;

#include "clock.h"
#include "live.h"
#include "intf.h"
#include "main.skel.h"

#ifndef BPF_F_LINK
#define BPF_F_LINK (1U << 13)
#endif
#define ATTACH_STRUCT_OPS 44 /* enum bpf_attach_type BPF_STRUCT_OPS, uapi 6.4+ */
#define RB_BUSY (1U << 31)
#define RB_DISCARD (1U << 30)
#define RB_HDR 8
#define SCX_ECODE_ACT_RESTART (1ULL << 48)

struct bpf_backend {
	struct scx_lua *skel;
	void *elf;                  /* patched copy the object was opened from */
	struct bpf_link *ops_link;  /* libbpf's view: holds the map update */
	int link_fd;                /* the real struct_ops link */
	/* queued ringbuf, mapped by hand */
	unsigned long *cons_pos;
	const unsigned long *prod_pos;
	const char *data;
	unsigned long mask, cons;
	void *map_cons, *map_prod;
	size_t map_prod_sz, page;
	int epfd;
	struct user_ring_buffer *urb;
	uint64_t base_ns;
	int nr_cpus;
	int pick_fd;
};

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

static bool verbose;

/* libbpf's own messages: warnings always, the rest (verifier log) with -v. */
static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
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
	if (!read_line("/sys/kernel/sched_ext/state", state, sizeof(state)) &&
	    strcmp(state, "disabled")) {
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

/* Write flags and exit_dump_len into lua_ops inside a copy of the ELF. */
static int patch_struct_ops(void *elf_buf, size_t sz, uint64_t off_flags, uint64_t off_dump,
			    uint64_t ops_size, uint64_t flags, uint32_t dump_len)
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
		if (sh.sh_size != ops_size || sh.sh_offset + sh.sh_size > sz) {
			err = -EINVAL;
			break;
		}
		*(uint64_t *)((char *)elf_buf + sh.sh_offset + off_flags) |= flags;
		*(uint32_t *)((char *)elf_buf + sh.sh_offset + off_dump) = dump_len;
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

struct bpf_backend *bpf_backend_open(const struct bpf_backend_cfg *cfg, char *why, size_t len)
{
	struct bpf_backend *b = calloc(1, sizeof(*b));
	struct scx_lua *probe;
	const void *orig;
	size_t sz;
	uint64_t off_flags, off_dump, ops_size;
	struct btf *vmlinux;
	int err;

	if (!b) {
		snprintf(why, len, "out of memory");
		return NULL;
	}
	b->link_fd = -1;
	b->epfd = -1;
	verbose = cfg->verbose;
	libbpf_set_print(print_libbpf);
	libbpf_set_strict_mode(LIBBPF_STRICT_ALL);

	/* Open once to learn where lua_ops' fields are, then patch a copy. */
	orig = scx_lua__elf_bytes(&sz);
	probe = open_skel(orig, sz);
	if (!probe) {
		snprintf(why, len, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}
	off_flags = probe->rodata->ops_off_flags;
	off_dump = probe->rodata->ops_off_exit_dump_len;
	ops_size = probe->rodata->ops_size;
	scx_lua__destroy(probe);
	b->elf = malloc(sz);
	if (!b->elf)
		goto fail;
	memcpy(b->elf, orig, sz);
	err = patch_struct_ops(b->elf, sz, off_flags, off_dump, ops_size,
			       cfg->partial ? 8 /* SCX_OPS_SWITCH_PARTIAL */ : 0,
			       (uint32_t)cfg->exit_dump_len);
	if (err) {
		snprintf(why, len, "cannot find lua_ops in the BPF object (%s)", strerror(-err));
		goto fail;
	}
	b->skel = open_skel(b->elf, sz);
	if (!b->skel) {
		snprintf(why, len, "cannot open the BPF object: %s", strerror(errno));
		goto fail;
	}

	vmlinux = btf__load_vmlinux_btf();
	b->skel->rodata->have_dsq_insert = kernel_has(vmlinux, "scx_bpf_dsq_insert");
	b->skel->rodata->have_select_cpu_and = kernel_has(vmlinux, "scx_bpf_select_cpu_and");
	if (!b->skel->rodata->have_dsq_insert && !kernel_has(vmlinux, "scx_bpf_dispatch")) {
		snprintf(why, len, "this kernel has neither scx_bpf_dsq_insert (6.13+) nor "
			 "scx_bpf_dispatch (6.12): its sched_ext is too old for scx_lua");
		btf__free(vmlinux);
		goto fail;
	}
	btf__free(vmlinux);
	b->nr_cpus = libbpf_num_possible_cpus();
	if (b->nr_cpus <= 0 || b->nr_cpus > SCX_LUA_MAX_CPUS) {
		snprintf(why, len, "%d possible CPUs: scx_lua handles 1..%d", b->nr_cpus,
			 SCX_LUA_MAX_CPUS);
		goto fail;
	}
	b->skel->rodata->usersched_pid = getpid();
	b->skel->rodata->builtin_idle = !cfg->full_user;
	b->skel->rodata->slice_ns = cfg->slice_ns;
	b->skel->rodata->starve_ns = cfg->starve_ns;
	b->skel->rodata->nr_cpu_ids_ro = (uint32_t)b->nr_cpus;
	b->skel->bss->nr_online_cpus = (unsigned long long)sysconf(_SC_NPROCESSORS_ONLN);
	/* The kernel wants a power of two, a whole number of pages: checked by
	 * the command line, the page size here. */
	if (cfg->queue_bytes &&
	    (cfg->queue_bytes % (size_t)sysconf(_SC_PAGESIZE) ||
	     bpf_map__set_max_entries(b->skel->maps.queued, (uint32_t)cfg->queue_bytes))) {
		snprintf(why, len, "--queue-kb %zu: not a power-of-two number of %ld-byte pages",
			 cfg->queue_bytes >> 10, sysconf(_SC_PAGESIZE));
		goto fail;
	}
	bpf_map__set_map_flags(b->skel->maps.lua_ops,
			       bpf_map__map_flags(b->skel->maps.lua_ops) | BPF_F_LINK);
	/* scx_bpf_create_dsq() sleeps: ops.init must be a sleepable program. */
	bpf_program__set_flags(b->skel->progs.lua_init,
			       bpf_program__flags(b->skel->progs.lua_init) | BPF_F_SLEEPABLE);
	err = scx_lua__load(b->skel);
	if (err) {
		snprintf(why, len, "the kernel refused the BPF scheduler (%s)%s", strerror(-err),
			 verbose ? "" : "; run with -v for the verifier log");
		goto fail;
	}
	b->pick_fd = bpf_program__fd(b->skel->progs.lua_pick_cpu);
	err = map_ringbuf(b);
	if (err) {
		snprintf(why, len, "cannot map the ring buffers: %s", strerror(-err));
		goto fail;
	}
	b->base_ns = clock_ns();
	return b;
fail:
	bpf_backend_close(b);
	return NULL;
}

int bpf_backend_attach(struct bpf_backend *b, char *why, size_t len)
{
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

void bpf_backend_close(struct bpf_backend *b)
{
	if (!b)
		return;
	if (b->link_fd >= 0)
		close(b->link_fd); /* detaches: sched_ext falls back to the default class */
	if (b->ops_link)
		bpf_link__destroy(b->ops_link);
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

int bpf_backend_ended(struct bpf_backend *b, char *why, size_t len, bool *restart)
{
	if (!__atomic_load_n(&b->skel->bss->exit_kind, __ATOMIC_ACQUIRE))
		return 0;
	*restart = (uint64_t)b->skel->bss->exit_code & SCX_ECODE_ACT_RESTART;
	snprintf(why, len, "kind %d: %s%s%s", b->skel->bss->exit_kind, b->skel->bss->exit_reason,
		 b->skel->bss->exit_msg[0] ? ": " : "", b->skel->bss->exit_msg);
	return 1;
}

int bpf_backend_format_stats(struct bpf_backend *b, char *buf, size_t len)
{
	volatile struct scx_lua__bss *s = b->skel->bss;

	return snprintf(buf, len,
		"  [bpf] queued=%llu scheduled=%llu running=%llu user_dispatches=%llu "
		"kernel_dispatches=%llu cancel=%llu bounce=%llu failed=%llu congested=%llu "
		"stuck_bypass=%llu stuck_rescued=%llu starve_rescued=%llu deadline_preempts=%llu kept=%llu online_cpus=%llu\n",
		(unsigned long long)s->nr_queued, (unsigned long long)s->nr_scheduled,
		(unsigned long long)s->nr_running, (unsigned long long)s->nr_user_dispatches,
		(unsigned long long)s->nr_kernel_dispatches,
		(unsigned long long)s->nr_cancel_dispatches,
		(unsigned long long)s->nr_bounce_dispatches,
		(unsigned long long)s->nr_failed_dispatches,
		(unsigned long long)s->nr_sched_congested, (unsigned long long)s->nr_stuck_bypass,
		(unsigned long long)s->nr_stuck_rescued,
		(unsigned long long)s->nr_starve_rescued,
		(unsigned long long)s->nr_deadline_preempts, (unsigned long long)s->nr_kept,
		(unsigned long long)s->nr_online_cpus);
}

static double rel(struct bpf_backend *b, unsigned long long ts)
{
	return ts ? (double)(int64_t)(ts - b->base_ns) : 0;
}

static int bpf_drain(void *ctx, struct scx_task *t, struct task_token *tok)
{
	struct bpf_backend *b = ctx;
	unsigned long prod = __atomic_load_n(b->prod_pos, __ATOMIC_ACQUIRE);

	while (b->cons < prod) {
		const uint32_t *hdr = (const uint32_t *)(b->data + (b->cons & b->mask));
		/* Pairs with the kernel's release of the header in ringbuf commit. */
		uint32_t len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
		const struct queued_task *q = (const void *)((const char *)hdr + RB_HDR);

		if (len & RB_BUSY)
			return 0; /* reserved, not yet submitted */
		b->cons += ((len & ~(RB_BUSY | RB_DISCARD)) + RB_HDR + 7) & ~7ul;
		if (len & RB_DISCARD)
			continue;
		t->pid = q->pid;
		t->tgid = q->tgid;
		t->prev_cpu = q->prev_cpu;
		t->nr_cpus_allowed = q->nr_cpus_allowed;
		t->weight = q->weight;
		t->flags = ((q->flags & SCX_LUA_QF_WAKEUP) ? SCX_TF_WAKEUP : 0) |
			   ((q->flags & SCX_LUA_QF_PREEMPTED) ? SCX_TF_PREEMPTED : 0);
		t->start_ts = rel(b, q->start_ts);
		t->stop_ts = rel(b, q->stop_ts);
		t->exec_runtime = (double)q->exec_runtime;
		t->enqueue_ts = rel(b, q->enqueue_ts);
		memcpy(SCX_TASK_COMM(t), q->comm, SCX_COMM_LEN);
		tok->enq_cnt = q->enq_cnt;
		tok->cookie = 0;
		return 1;
	}
	return 0;
}

static void publish_cons(struct bpf_backend *b)
{
	/* Pairs with the kernel's acquire of consumer_pos in ringbuf reserve. */
	__atomic_store_n(b->cons_pos, b->cons, __ATOMIC_RELEASE);
}

static uint32_t bpf_nr_dispatch_slots(void *ctx)
{
	(void)ctx;
	/* Send everything: the kernel's shared DSQ keeps the deadline order,
	 * and a full user ringbuf refuses the rest (put back, retried). */
	return UINT32_MAX;
}

static int bpf_dispatch(void *ctx, const struct scx_task *t, const struct task_token *tok)
{
	struct bpf_backend *b = ctx;
	struct dispatched_task *d = user_ring_buffer__reserve(b->urb, sizeof(*d));

	if (!d)
		return -EAGAIN;
	d->pid = t->pid;
	d->cpu = t->cpu;
	d->flags = (t->dispatch_flags & SCX_DF_PREEMPT) ? SCX_LUA_DF_PREEMPT : 0;
	d->slice_ns = (unsigned long long)t->slice_ns;
	d->vtime = (unsigned long long)t->deadline;
	d->enq_cnt = tok->enq_cnt;
	user_ring_buffer__submit(b->urb, d);
	return 0;
}

static int32_t bpf_select_cpu(void *ctx, int32_t pid, int32_t prev_cpu, uint32_t flags)
{
	struct bpf_backend *b = ctx;
	struct task_cpu_arg arg = { .pid = pid, .cpu = prev_cpu, .flags = flags };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &arg, .ctx_size_in = sizeof(arg));

	if (bpf_prog_test_run_opts(b->pick_fd, &opts))
		return SCX_CPU_ANY;
	return (int32_t)opts.retval;
}

static void bpf_notify(void *ctx, uint64_t nr_pending)
{
	struct bpf_backend *b = ctx;

	publish_cons(b);
	b->skel->bss->nr_scheduled = nr_pending;
}

static double bpf_now(void *ctx)
{
	struct bpf_backend *b = ctx;

	return (double)(clock_ns() - b->base_ns);
}

static int bpf_wait(void *ctx, int timeout_ms)
{
	struct bpf_backend *b = ctx;
	struct epoll_event ev;

	publish_cons(b);
	if (b->cons < __atomic_load_n(b->prod_pos, __ATOMIC_ACQUIRE))
		return 0;
	return epoll_wait(b->epfd, &ev, 1, timeout_ms) > 0 ? 0 : -ETIMEDOUT;
}

static int bpf_exited(void *ctx, int32_t *pids, int max)
{
	(void)ctx;
	(void)pids;
	(void)max;
	return 0; /* exits are reclaimed by the store's TTL */
}

const struct backend_ops bpf_ops = {
	.name = "bpf",
	.drain = bpf_drain,
	.nr_dispatch_slots = bpf_nr_dispatch_slots,
	.dispatch = bpf_dispatch,
	.select_cpu = bpf_select_cpu,
	.notify = bpf_notify,
	.now = bpf_now,
	.wait = bpf_wait,
	.exited = bpf_exited,
};
