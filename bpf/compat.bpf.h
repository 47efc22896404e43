/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * compat.bpf.h - the sched_ext kfuncs main.bpf.c uses, across kernel
 * generations. Renamed kfuncs are declared __weak and the loader tells us
 * (rodata have_*) which generation the running kernel has; the verifier
 * drops the branch that is never taken, unresolved calls included. One
 * wrapper per operation, so main.bpf.c never branches on the generation.
 */
#ifndef SCX_LUA_COMPAT_BPF_H
#define SCX_LUA_COMPAT_BPF_H

/* 6.13+ names, 6.12 names */
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym __weak;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			      u64 enq_flags) __ksym __weak;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym __weak;
void scx_bpf_dispatch(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym __weak;
void scx_bpf_dispatch_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			    u64 enq_flags) __ksym __weak;
bool scx_bpf_consume(u64 dsq_id) __ksym __weak;
bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p, u64 dsq_id,
		      u64 enq_flags) __ksym __weak;
bool scx_bpf_dispatch_from_dsq(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p,
			       u64 dsq_id, u64 enq_flags) __ksym __weak;
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags) __ksym __weak;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym __weak;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym __weak;
/* 6.19+ */
struct task_struct *scx_bpf_dsq_peek(u64 dsq_id) __ksym __weak;
/* 6.16+ */
s32 scx_bpf_select_cpu_and(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   const struct cpumask *cpus_allowed, u64 flags) __ksym __weak;
/* every generation */
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags,
			   bool *is_idle) __ksym;
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym;
u32 scx_bpf_dispatch_nr_slots(void) __ksym;
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;
u32 scx_bpf_nr_cpu_ids(void) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data_len) __ksym;
void scx_bpf_dump_bstr(char *fmt, unsigned long long *data, u32 data_len) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
u32 bpf_cpumask_any_and_distribute(const struct cpumask *src1, const struct cpumask *src2) __ksym;
const struct cpumask *scx_bpf_get_online_cpumask(void) __ksym;
const struct cpumask *scx_bpf_get_idle_cpumask(void) __ksym;
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask) __ksym;
void scx_bpf_put_cpumask(const struct cpumask *cpumask) __ksym;
struct task_struct *bpf_task_from_pid(s32 pid) __ksym;
void bpf_task_release(struct task_struct *p) __ksym;
void bpf_rcu_read_lock(void) __ksym;
void bpf_rcu_read_unlock(void) __ksym;
bool scx_bpf_task_set_slice(struct task_struct *p, u64 slice) __ksym __weak;

/* set by the loader before load */
const volatile bool have_dsq_insert;      /* 6.13+: dsq_insert*, dsq_move_to_local */
const volatile bool have_select_cpu_and;  /* 6.16+ */
const volatile bool have_set_slice;       /* scx_bpf_task_set_slice */
const volatile bool have_dsq_peek;        /* 6.19+: scx_bpf_dsq_peek */

/*
 * scx_bpf_error("fmt", args...): end the scheduler with a message in the
 * kernel's exit info (printed by scx_lua). For broken invariants only.
 */
#define scx_bpf_error(fmt, args...)						\
({										\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[___bpf_narg(args)];				\
										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	___bpf_fill(___param, args);						\
	_Pragma("GCC diagnostic pop")						\
	scx_bpf_error_bstr(___fmt, ___param, sizeof(___param));			\
})

/*
 * scx_bpf_dump("fmt", args...): a line of the kernel's debug dump, from
 * ops.dump, ops.dump_cpu and ops.dump_task only (elsewhere the kernel
 * takes it for an error and ends the scheduler). At most 12 arguments
 * (the kernel's bprintf limit).
 */
#define scx_bpf_dump(fmt, args...)						\
({										\
	static char ___fmt[] = fmt;						\
	unsigned long long ___param[___bpf_narg(args)];				\
										\
	_Pragma("GCC diagnostic push")						\
	_Pragma("GCC diagnostic ignored \"-Wint-conversion\"")			\
	___bpf_fill(___param, args);						\
	_Pragma("GCC diagnostic pop")						\
	scx_bpf_dump_bstr(___fmt, ___param, sizeof(___param));			\
})

/*
 * A kfunc's bool as it must be read: its low byte. x86-64's ABI defines only
 * %al of a bool return, the JIT hands all of %rax over as r0, the verifier
 * does not narrow it, and clang tests all of w0: on 7.2.13
 * bpf_cpumask_intersects() returned -256 for false. Every bool kfunc whose
 * answer is used goes through here. The empty asm makes clang forget that
 * a bool is 0 or 1, so the mask stays.
 */
static __always_inline bool kbool(bool v)
{
	u64 r = v;

	asm volatile("" : "+r"(r));
	return r & 0xff;
}

/* Is @cpu in @mask? */
static __always_inline bool cpu_in(const struct cpumask *mask, s32 cpu)
{
	return kbool(bpf_cpumask_test_cpu(cpu, mask));
}

static void insert(struct task_struct *p, u64 dsq, u64 slice, u64 flags)
{
	if (have_dsq_insert)
		scx_bpf_dsq_insert(p, dsq, slice, flags);
	else
		scx_bpf_dispatch(p, dsq, slice, flags);
}

static void insert_vtime(struct task_struct *p, u64 dsq, u64 slice, u64 vtime, u64 flags)
{
	if (have_dsq_insert)
		scx_bpf_dsq_insert_vtime(p, dsq, slice, vtime, flags);
	else
		scx_bpf_dispatch_vtime(p, dsq, slice, vtime, flags);
}

static bool move_to_local(u64 dsq)
{
	if (have_dsq_insert)
		return kbool(scx_bpf_dsq_move_to_local(dsq));
	return kbool(scx_bpf_consume(dsq));
}

/*
 * The first task of @dsq, or NULL: a look only, it may be gone by the time
 * anyone moves it. The peek reads one pointer; the iterator it replaces
 * took ~10 us an ops.tick under emulation while the shared DSQ was not
 * empty.
 */
static struct task_struct *dsq_head(u64 dsq)
{
	struct bpf_iter_scx_dsq it;
	struct task_struct *p = NULL;

	if (have_dsq_peek)
		return scx_bpf_dsq_peek(dsq);
	if (bpf_iter_scx_dsq_new(&it, dsq, 0) == 0)
		p = bpf_iter_scx_dsq_next(&it);
	bpf_iter_scx_dsq_destroy(&it);
	return p;
}

/* Writing p->scx.slice directly is how kernels before the setter did it. */
static void set_slice(struct task_struct *p, u64 slice)
{
	if (have_set_slice)
		scx_bpf_task_set_slice(p, slice);
	else
		p->scx.slice = slice;
}

static bool move_from_iter(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq)
{
	if (have_dsq_insert)
		return kbool(scx_bpf_dsq_move(it, p, dsq, 0));
	return kbool(scx_bpf_dispatch_from_dsq(it, p, dsq, 0));
}

#endif
