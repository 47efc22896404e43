/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * watchdog.h - bound how long one call into a Lua policy may run.
 *
 * A thread looks at the loop thread while it is inside a policy call. Past
 * the CPU budget (or eight budgets of wall time) it signals the loop
 * thread: stage 1 sets a Lua hook that raises an error at the next
 * interpreted instruction; one budget later, stage 2 jumps out of the call
 * to the caller's sigsetjmp(), and the caller drops that Lua state without
 * closing it. How and when is in watchdog.c.
 *
 * Protocol, on the loop thread (policy.c's guarded_call):
 *
 *	if (sigsetjmp(*watchdog_jmp(), 0)) { watchdog_jumped(); drop the state }
 *	    (1: stage 2; WATCHDOG_JUMP_PANIC, WATCHDOG_JUMP_OOM: see below)
 *	watchdog_enter(L, "P.enqueue", clock_ns());
 *	rc = lua_pcall(...);
 *	hooked = watchdog_leave();
 *
 * One watchdog per process: the signal handler finds it through a static.
 */
#ifndef SCX_WATCHDOG_H
#define SCX_WATCHDOG_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

struct lua_State;

/* Start the watchdog thread for calls from the calling thread. 0 or a
 * negative errno. */
int watchdog_start(int budget_ms);
void watchdog_stop(void);

/* The jump target of stage 2 (and of a LuaJIT panic inside a call). */
sigjmp_buf *watchdog_jmp(void);
/* Watch the call about to run on @L, named @fn in messages, that began
 * at @start_ns (clock_ns()). */
void watchdog_enter(struct lua_State *L, const char *fn, uint64_t start_ns);
/* The call returned. True when it ran past its budget (stage 1 was sent;
 * a hung call, whatever it returned). */
bool watchdog_leave(void);
/* Around C code of ours that Lua calls and that holds something while it
 * calls back into LuaJIT (a file descriptor): stage 2 waits until after. */
void watchdog_hold(void);
void watchdog_release(void);
/* For the message after a jump: what the call was running. */
const char *watchdog_jumped_from(void);
/* Stage-2 signals that found the thread outside LuaJIT's code (tests). */
uint64_t watchdog_nr_deferred(void);
/* After a jump to watchdog_jmp(): the handler's signal is unblocked again. */
void watchdog_jumped(void);
/* From a LuaJIT panic inside a call: jump to watchdog_jmp() (value
 * WATCHDOG_JUMP_PANIC). Returns only when no call is being watched. */
#define WATCHDOG_JUMP_PANIC 2
void watchdog_panic_jump(void);
/* From the allocator, out of memory inside a call: jump to watchdog_jmp()
 * (value WATCHDOG_JUMP_OOM). Returns when no call is being watched or one
 * is held (watchdog_hold()). */
#define WATCHDOG_JUMP_OOM 3
void watchdog_oom_jump(void);

/* For messages: the bound that fired after @stages stages ("500"), and
 * in what (" of CPU time", or "" for wall time). */
int watchdog_limit_ms(int stages);
const char *watchdog_unit(void);

#endif
