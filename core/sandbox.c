// SPDX-License-Identifier: GPL-2.0-only
/*
 * sandbox.c - the C half of the sandbox (see sandbox.h).
 *
 * Not here: which library functions a policy gets, and the checks written
 * in Lua (runtime.lua, scx.lua).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "sandbox.h"
#include "watchdog.h"

#define MAX_POLICY_FILE (4u << 20)

/*
 * The C stack. Lua recursion lives on the Lua stack, which LuaJIT bounds
 * ("stack overflow"). A library function that calls back into Lua from C
 * (string.gsub with a function, sort's comparator, a coroutine resume, a
 * __tostring under string.format) adds C frames at each level instead: a
 * gsub callback calling gsub holds an 8 KiB luaL_Buffer per level and
 * overflowed the loop thread's stack (SIGSEGV) long before the Lua stack
 * was full. The runtime checks sandbox_cstack_ok() before each such call: a policy
 * call may use CSTACK_BUDGET below where it started, and never comes
 * within CSTACK_MARGIN of the end of the thread's stack (room for the
 * deepest excursion between two checks: the parser, the error unwinder).
 */
#define CSTACK_BUDGET (1u << 20)
#define CSTACK_MARGIN (512u << 10)

static uintptr_t cstack_lo;     /* end of the loop thread's stack + margin */
static uintptr_t cstack_floor;  /* of the current call */

int32_t sandbox_cstack_ok(void)
{
	return (uintptr_t)__builtin_frame_address(0) > cstack_floor;
}

void sandbox_init(void)
{
	pthread_attr_t attr;
	void *lo;
	size_t size;

	if (pthread_getattr_np(pthread_self(), &attr))
		return;
	if (!pthread_attr_getstack(&attr, &lo, &size))
		cstack_lo = (uintptr_t)lo + CSTACK_MARGIN;
	pthread_attr_destroy(&attr);
}

void sandbox_enter(void)
{
	uintptr_t sp = (uintptr_t)__builtin_frame_address(0);

	cstack_floor = sp - CSTACK_BUDGET > cstack_lo ? sp - CSTACK_BUDGET : cstack_lo;
}

/* The function coroutine.wrap returned (upvalue 1), checked first. */
static int wrapped_call(lua_State *L)
{
	if (!sandbox_cstack_ok()) {
		luaL_where(L, 1);
		lua_pushstring(L, "a coroutine.wrap function: nested too deeply through library calls "
			       "(a coroutine resuming another?): the policy call used up its C stack");
		lua_concat(L, 2);
		return lua_error(L);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

/* In C rather than Lua: a Lua wrapper is a closure created per call, an
 * FNEW the JIT report would blame on the runtime. */
int sandbox_wrap(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	lua_pushcclosure(L, wrapped_call, 1);
	return 1;
}

static uid_t invoking_uid(void)
{
	const char *s = getenv("SUDO_UID");

	if (getuid() == 0 && s && *s)
		return (uid_t)strtoul(s, NULL, 10);
	return getuid();
}

/*
 * read_file(path) -> source | nil, why. Used for the policy and every
 * module it requires. When we run as root, a file someone else could have
 * written is code someone else gets to run as root: refuse it.
 */
static int read_file(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1);
	char buf[4096];
	luaL_Buffer b;
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot open %s: %s", path, strerror(errno));
		return 2;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > MAX_POLICY_FILE) {
		close(fd);
		lua_pushnil(L);
		lua_pushfstring(L, "%s is not a regular file of at most 4 MiB", path);
		return 2;
	}
	if (geteuid() == 0 && (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		lua_pushnil(L);
		lua_pushfstring(L, "refusing %s: it is writable by %s (mode %o) and scx_lua runs as "
				"root; fix with: chmod go-w %s", path,
				(st.st_mode & S_IWOTH) ? "everyone" : "its group",
				(int)(st.st_mode & 07777), path);
		return 2;
	}
	if (geteuid() == 0 && st.st_uid != 0 && st.st_uid != invoking_uid()) {
		close(fd);
		lua_pushnil(L);
		lua_pushfstring(L, "refusing %s: it is owned by uid %d, neither root nor you, and "
				"scx_lua runs as root; fix with: chown root %s",
				path, (int)st.st_uid, path);
		return 2;
	}
	luaL_buffinit(L, &b);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		luaL_addlstring(&b, buf, (size_t)n);
	close(fd);
	if (n < 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot read %s: %s", path, strerror(errno));
		return 2;
	}
	luaL_pushresult(&b);
	return 1;
}

/* read_file() holds a descriptor while it builds the string in the Lua
 * heap: the watchdog's stage 2 must not jump out of it (the descriptor
 * would leak), and no error may skip the release, so it runs protected. */
int sandbox_read_file(lua_State *L)
{
	int rc;

	luaL_checkstring(L, 1);
	lua_settop(L, 1);
	lua_pushcfunction(L, read_file);
	lua_insert(L, 1);
	watchdog_hold();
	rc = lua_pcall(L, 1, LUA_MULTRET, 0);
	watchdog_release();
	return rc ? lua_error(L) : lua_gettop(L);
}
