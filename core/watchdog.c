// SPDX-License-Identifier: GPL-2.0-only
/*
 * watchdog.c - the policy watchdog (see watchdog.h).
 *
 * LuaJIT offers one way to stop running Lua from outside, lua_sethook()
 * from a signal handler, and it only works on interpreted code: a
 * JIT-compiled loop never looks at hooks. So there are two stages. A
 * thread samples "is the loop inside a policy call, and since when"; past
 * the budget it signals the loop thread, whose handler sets a count hook
 * that raises a Lua error at the next instruction (stage 1). If the call is
 * still running one more budget later, the handler siglongjmp()s straight
 * back to the call site (stage 2), but only from LuaJIT's own code (see
 * "Where stage 2 may jump from"): the Lua state is then inconsistent, and
 * the caller drops it without lua_close(). LuaJIT's machine-code area of
 * that state (mmap'ed by LuaJIT itself, at most its maxmcode) is not ours
 * to free and leaks once per abandoned state.
 *
 * The hot path pays no system call for this: entering a call is three
 * plain stores (start time, generation, in_call).
 *
 * Not here: what happens to the state and the batch after a stop
 * (policy.c, sched.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "clock.h"
#include "thread.h"
#include "watchdog.h"

#define WD_TICK_MS 20           /* how often the watchdog looks during a call */
#define WD_IDLE_TICK_MS 500     /* and between calls */
#define WD_WALL_FACTOR 8        /* wall-time bound, in CPU budgets */
#define WD_MAX_TEXT 8           /* executable segments of libluajit */

static struct {
	volatile sig_atomic_t in_call;   /* loop thread is inside lua_pcall */
	volatile sig_atomic_t hooked;    /* stage 1 fired for this call */
	uint64_t gen;                    /* bumped per call (atomic) */
	uint64_t start_ns;               /* of the current call (atomic) */
	uint64_t target_gen;             /* call the watchdog signalled (atomic) */
	int stage;                       /* 0, 1 hook sent, 2 abandon sent (atomic) */
	int by_wall;                     /* the wall-time bound fired, not CPU time */
	struct lua_State *L;
	const char *fn;
	sigjmp_buf jmp;
	pthread_t loop, thread;
	clockid_t loop_cpu;              /* the loop thread's CPU-time clock */
	bool running, has_cpu_clock;
	uint32_t stop;                   /* futex word: its sleeps end at once when set */
	int budget_ms;
	int signo;
	volatile sig_atomic_t held;      /* watchdog_hold() depth: no jump */
	volatile sig_atomic_t jumped_from; /* WD_FROM_* of the last stage-2 jump */
	uint64_t nr_deferred;            /* stage-2 signals that found no place to jump */
	uintptr_t text[WD_MAX_TEXT][2];  /* libluajit's executable segments */
	int nr_text;
} wd;

/* The bound that fired after @stages stages, and in what, for messages. */
int watchdog_limit_ms(int stages)
{
	return stages * wd.budget_ms * (wd.by_wall ? WD_WALL_FACTOR : 1);
}

const char *watchdog_unit(void)
{
	return wd.by_wall ? "" : " of CPU time";
}

/*
 * Stage 1: raises an error at the next interpreted instruction, and at
 * every one after it until the call has returned: a policy that catches
 * the error (pcall around a loop) meets it again at its next instruction,
 * so the call unwinds to guarded_call whatever it catches.
 */
static void wd_hook(lua_State *L, lua_Debug *ar)
{
	(void)ar;
	/* Level 0 inside a hook is the Lua function that was running: the
	 * message then names the policy's line, not the runtime's. */
	luaL_where(L, 0);
	lua_pushfstring(L, "%s did not return within %d ms%s (stopped by the watchdog)",
			wd.fn, watchdog_limit_ms(1), watchdog_unit());
	lua_concat(L, 2);
	lua_error(L);
}

/*
 * Where stage 2 may jump from. A jump abandons every frame between the
 * signal handler and the call site. LuaJIT's own frames (the interpreter,
 * its runtime, the machine code its JIT wrote) belong to the state being
 * dropped. Any other code may hold what the process keeps: libgcc's
 * unwinder takes a mutex on every Lua error (LuaJIT registers the frames of
 * its machine code), libc has its locks (localtime, stdio), a C function of
 * ours holds a file descriptor. A jump out of the unwinder left its mutex
 * held for good, and the next error on this thread (a reload's) waited
 * forever. So the handler jumps only when the interrupted PC is in
 * libluajit's text or in an anonymous executable mapping (machine code: the
 * JIT mmaps it itself, no loaded object holds it), and no C function of
 * ours is in the way (watchdog_hold()). Otherwise it returns, and the
 * watchdog signals again a tick later.
 */
/* dl_iterate_phdr callback: libluajit's executable segments into wd.text.
 * (A LuaJIT linked in statically is not found: then only machine code is
 * left to jump from, and interpreted hangs end at stage 1.) */
static int find_luajit(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	(void)arg;
	if (!info->dlpi_name || !strstr(info->dlpi_name, "libluajit"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum && wd.nr_text < WD_MAX_TEXT; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
			wd.text[wd.nr_text][0] = info->dlpi_addr + ph->p_vaddr;
			wd.text[wd.nr_text][1] = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
			wd.nr_text++;
		}
	}
	return 1;
}

static uintptr_t parse_hex(const char **p)
{
	uintptr_t v = 0;

	for (;; (*p)++) {
		char c = **p;
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (d < 0)
			return v;
		v = v * 16 + (uintptr_t)d;
	}
}

/* One /proc/self/maps line: does it map @pc executable, anonymous? */
static bool maps_line_is_jit(const char *l, uintptr_t pc)
{
	uintptr_t lo = parse_hex(&l), hi;
	int spaces = 0;

	if (*l++ != '-')
		return false;
	hi = parse_hex(&l);
	if (pc < lo || pc >= hi || l[0] != ' ' || l[3] != 'x')
		return false;
	/* perms offset dev inode: inode 0, then no path */
	for (; *l && spaces < 4; l++)
		if (*l == ' ')
			spaces++;
	if (l[0] != '0' || (l[1] != ' ' && l[1] != '\n' && l[1] != '\0'))
		return false;
	for (l++; *l == ' '; l++)
		;
	return *l == '\n' || *l == '\0';
}

/* Async-signal-safe: open, read and close, no allocation, no stdio. */
static bool in_jit_code(uintptr_t pc)
{
	char buf[2048], line[256];
	size_t len = 0;
	ssize_t n;
	bool found = false;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while (!found && (n = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n && !found; i++) {
			if (len < sizeof(line) - 1)
				line[len++] = buf[i];
			if (buf[i] == '\n') {
				line[len] = '\0';
				found = maps_line_is_jit(line, pc);
				len = 0;
			}
		}
	close(fd);
	return found;
}

enum { WD_FROM_NOWHERE, WD_FROM_LUAJIT, WD_FROM_JIT_CODE };

static int where_jumpable(const void *ucv)
{
	const ucontext_t *uc = ucv;
	uintptr_t pc;

#if defined(__x86_64__)
	pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
#elif defined(__aarch64__)
	pc = (uintptr_t)uc->uc_mcontext.pc;
#else
	(void)uc;
	return WD_FROM_NOWHERE; /* no PC to look at: stage 1 only */
#endif
	if (wd.held)
		return WD_FROM_NOWHERE;
	for (int i = 0; i < wd.nr_text; i++)
		if (pc >= wd.text[i][0] && pc < wd.text[i][1])
			return WD_FROM_LUAJIT;
	return in_jit_code(pc) ? WD_FROM_JIT_CODE : WD_FROM_NOWHERE;
}

static void wd_signal(int sig, siginfo_t *si, void *ucv)
{
	int from;

	(void)sig;
	(void)si;
	if (!wd.in_call ||
	    __atomic_load_n(&wd.gen, __ATOMIC_ACQUIRE) !=
		    __atomic_load_n(&wd.target_gen, __ATOMIC_ACQUIRE))
		return; /* the call it was meant for already returned */
	if (__atomic_load_n(&wd.stage, __ATOMIC_ACQUIRE) == 1) {
		wd.hooked = 1;
		/* Documented as safe to call asynchronously (lua.h, lua_sethook). */
		lua_sethook(wd.L, wd_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
		return;
	}
	from = where_jumpable(ucv);
	if (from == WD_FROM_NOWHERE) {
		wd.nr_deferred++;
		return;
	}
	wd.jumped_from = from;
	wd.in_call = 0;
	siglongjmp(wd.jmp, 1);
}

static uint64_t loop_cpu_ns(void)
{
	struct timespec ts;

	if (!wd.has_cpu_clock || clock_gettime(wd.loop_cpu, &ts))
		return clock_ns();
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The budget is CPU time of the loop thread, not wall time: the scheduler
 * is itself scheduled, and a call that was preempted between slices (other
 * tasks ran, as they must, see lua_dispatch) did not use the time it waited.
 * Charging wall time killed a policy that spent 50 ms a batch on a loaded
 * machine. Wall time stays a second bound, WD_WALL_FACTOR times larger, for
 * a call that neither runs nor returns.
 *
 * The hot path pays nothing (reading a thread's CPU clock is a system
 * call, 390 ns here: make bench's batch-1 cost went from 362 to 608-892 ns
 * a task with it), so the watchdog reads the loop thread's CPU clock at its
 * looks and charges a call from the look before it first saw it. What the
 * loop used between that look and the call's first sight is charged at
 * most one WD_TICK_MS: the last look can be several calls ago (this thread
 * waits for a CPU like everyone else under overload), and their CPU is not
 * this call's. Charging up to the call's wall time instead stopped a 50 ms
 * policy in a CI run (watchdog=1 at the 250 ms budget), because under
 * overload a call's wall time is mostly waiting. Undercharging costs at
 * most one idle tick of detection for a real hang. It looks every
 * WD_IDLE_TICK_MS and, while a call runs, every WD_TICK_MS: its wake-ups
 * are context switches the scheduler process pays for (a fixed 20 ms tick
 * was 50 a second, with or without calls; in the VM each idle look cost
 * ~0.8 ms: 0.73% of a CPU at 100 ms, 0.33% at 250 ms). A hang is seen at
 * most one idle tick after it began and stopped one budget later, so
 * within 750 ms with the defaults (350 ms with 100 ms looks); until then
 * the tasks waiting on a Lua decision wait, and those its rules decide in
 * BPF go on.
 */
static void *wd_main(void *arg)
{
	uint64_t budget = (uint64_t)wd.budget_ms * 1000000ull;
	uint64_t wall_budget = WD_WALL_FACTOR * budget;
	uint64_t seen_gen = 0, cpu0 = 0, prev_cpu = loop_cpu_ns();
	long tick_ms = WD_IDLE_TICK_MS;

	(void)arg;
	while (!__atomic_load_n(&wd.stop, __ATOMIC_ACQUIRE)) {
		struct timespec ts = { 0, tick_ms * 1000 * 1000 };
		uint64_t gen, start, elapsed, cpu;
		bool over_cpu, over_wall;
		int stage, mul;

		futex_nap(&wd.stop, 0, &ts);
		tick_ms = WD_IDLE_TICK_MS;
		if (!wd.in_call) {
			prev_cpu = loop_cpu_ns();
			continue;
		}
		gen = __atomic_load_n(&wd.gen, __ATOMIC_ACQUIRE);
		start = __atomic_load_n(&wd.start_ns, __ATOMIC_ACQUIRE);
		cpu = loop_cpu_ns();
		if (gen != __atomic_load_n(&wd.gen, __ATOMIC_ACQUIRE)) {
			prev_cpu = cpu; /* a new call began while we read: look again soon */
			tick_ms = WD_TICK_MS;
			continue;
		}
		elapsed = clock_ns() - start;
		if (gen != seen_gen) {
			/* The loop's CPU since the last look, but no more than
			 * the call's wall time nor one tick (see above). */
			uint64_t unseen = cpu - prev_cpu;

			if (unseen > elapsed)
				unseen = elapsed;
			if (unseen > WD_TICK_MS * 1000000ull)
				unseen = WD_TICK_MS * 1000000ull;
			seen_gen = gen;
			cpu0 = cpu - unseen;
		}
		prev_cpu = cpu;
		tick_ms = WD_TICK_MS;
		/* A stage belongs to the call it was sent to: one set for the
		 * call before (it returned as we signalled, and the next call
		 * reset the stage first) must not leave this one unwatched. */
		stage = __atomic_load_n(&wd.target_gen, __ATOMIC_ACQUIRE) == gen
				? __atomic_load_n(&wd.stage, __ATOMIC_ACQUIRE) : 0;
		if (stage > 1) {
			/* The handler found no place to jump from: again. */
			pthread_kill(wd.loop, wd.signo);
			continue;
		}
		mul = stage + 1;
		over_cpu = cpu - cpu0 > mul * budget;
		over_wall = elapsed > mul * wall_budget;
		if (over_cpu || over_wall) {
			wd.by_wall = !over_cpu;
			__atomic_store_n(&wd.target_gen, gen, __ATOMIC_RELEASE);
			__atomic_store_n(&wd.stage, stage + 1, __ATOMIC_RELEASE);
			pthread_kill(wd.loop, wd.signo);
		}
	}
	return NULL;
}

int watchdog_start(int budget_ms)
{
	struct sigaction sa;
	sigset_t old;
	int err;

	if (!wd.nr_text)
		dl_iterate_phdr(find_luajit, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = wd_signal;
	sa.sa_flags = SA_RESTART | SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	wd.signo = SIGRTMIN + 3;
	if (sigaction(wd.signo, &sa, NULL))
		return -errno;
	wd.budget_ms = budget_ms;
	wd.loop = pthread_self();
	wd.has_cpu_clock = pthread_getcpuclockid(wd.loop, &wd.loop_cpu) == 0;
	wd.stop = 0;
	thread_block_loop_signals(&old);
	err = pthread_create(&wd.thread, NULL, wd_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err)
		return -err;
	pthread_setname_np(wd.thread, "scx_lua-wd");   /* for top -H, ps -L */
	wd.running = true;
	return 0;
}

void watchdog_stop(void)
{
	if (!wd.running)
		return;
	__atomic_store_n(&wd.stop, 1, __ATOMIC_RELEASE);
	futex_wake_one(&wd.stop);
	pthread_join(wd.thread, NULL);
	wd.running = false;
}

sigjmp_buf *watchdog_jmp(void)
{
	return &wd.jmp;
}

void watchdog_enter(struct lua_State *L, const char *fn, uint64_t start_ns)
{
	wd.L = L;
	wd.fn = fn;
	wd.hooked = 0;
	__atomic_store_n(&wd.stage, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&wd.start_ns, start_ns, __ATOMIC_RELAXED);
	__atomic_add_fetch(&wd.gen, 1, __ATOMIC_RELEASE);
	wd.in_call = 1;
}

bool watchdog_leave(void)
{
	wd.in_call = 0;
	if (wd.hooked)
		lua_sethook(wd.L, NULL, 0, 0); /* stage 1 stays armed until now */
	return wd.hooked;
}

void watchdog_hold(void)
{
	wd.held++;
}

void watchdog_release(void)
{
	wd.held--;
}

const char *watchdog_jumped_from(void)
{
	return wd.jumped_from == WD_FROM_JIT_CODE ? "JIT-compiled code" :
	       "LuaJIT's interpreter or runtime";
}

uint64_t watchdog_nr_deferred(void)
{
	return wd.nr_deferred;
}

void watchdog_jumped(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, wd.signo);
	/* sigsetjmp(.., 0) did not save the mask: the handler's block stays. */
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

void watchdog_oom_jump(void)
{
	if (wd.in_call && !wd.held) {
		wd.in_call = 0;
		siglongjmp(wd.jmp, WATCHDOG_JUMP_OOM);
	}
}

void watchdog_panic_jump(void)
{
	if (wd.in_call) {
		wd.in_call = 0;
		siglongjmp(wd.jmp, WATCHDOG_JUMP_PANIC);
	}
}
