// SPDX-License-Identifier: GPL-2.0-only
/*
 * sandbox.c - the C half of the sandbox (see sandbox.h).
 *
 * Not here: which library functions a policy gets, and the checks written
 * in Lua (runtime.lua, scx.lua).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
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
 * Reading the policy and its modules. A policy names the modules it
 * requires, so require is an attack surface: a module is a regular file
 * inside the policy's own folder, reached without following a symbolic
 * link (one led to a secret in a 0700 folder next to the policy; through
 * one to /etc/shadow the parser's error quoted the file's first token) and
 * opened without blocking (a FIFO stalled the loop 4 s, until the watchdog
 * dropped the state). When we run as root, a file or a folder someone else
 * could write is code someone else gets to run as root: refused.
 */

/* Nonzero (and @why) when @st, of @what, is not safe to trust as root. */
static int untrusted(const struct stat *st, const char *what, char *why, size_t len)
{
	if (geteuid() != 0)
		return 0;
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		snprintf(why, len, "refusing %s: it is writable by %s (mode %o) and scx_lua runs as "
			 "root; fix with: chmod go-w %s", what,
			 (st->st_mode & S_IWOTH) ? "everyone" : "its group",
			 (int)(st->st_mode & 07777), what);
		return -1;
	}
	if (st->st_uid != 0 && st->st_uid != invoking_uid()) {
		snprintf(why, len, "refusing %s: it is owned by uid %d, neither root nor you, and "
			 "scx_lua runs as root; fix with: chown root %s", what, (int)st->st_uid, what);
		return -1;
	}
	return 0;
}

/* @name under the folder @dfd, shown as @what: a regular file (a symbolic
 * link only when @follow), opened without blocking, trusted. An fd, or -1
 * and @why. */
static int open_file(int dfd, const char *name, const char *what, bool follow, char *why,
		     size_t len)
{
	int nofollow = follow ? 0 : O_NOFOLLOW, fd;
	struct stat st, st2;

	if (fstatat(dfd, name, &st, follow ? 0 : AT_SYMLINK_NOFOLLOW)) {
		snprintf(why, len, "cannot open %s: %s", what, strerror(errno));
		return -1;
	}
	if (S_ISLNK(st.st_mode)) {
		snprintf(why, len, "refusing %s: it is a symbolic link (modules are read from the "
			 "policy's own folder, not through links)", what);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > MAX_POLICY_FILE) {
		snprintf(why, len, "%s is not a regular file of at most 4 MiB", what);
		return -1;
	}
	fd = openat(dfd, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC | nofollow);
	if (fd < 0 || fstat(fd, &st2) || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev) {
		snprintf(why, len, "cannot open %s: %s", what, fd < 0 ? strerror(errno) :
			 "it was replaced while being opened");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (untrusted(&st2, what, why, len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The folder @name under @dfd (-1: the path @name itself), shown as
 * @what, trusted like a file. An fd, or -1 and @why. */
static int open_folder(int dfd, const char *name, const char *what, char *why, size_t len)
{
	struct stat st;
	int fd = dfd < 0 ? open(name, O_RDONLY | O_DIRECTORY | O_CLOEXEC) :
			   openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0 && dfd >= 0 && (errno == ELOOP || errno == ENOTDIR)) {
		snprintf(why, len, "refusing %s: not a folder of the policy's own (a symbolic link?)",
			 what);
		return -1;
	}
	if (fd < 0) {
		snprintf(why, len, "cannot open %s: %s", what, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) || untrusted(&st, what, why, len)) {
		if (!why[0])
			snprintf(why, len, "cannot open %s: %s", what, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Module @name ("a.b" is a/b.lua) under the policy's folder @dir; @what
 * gets the path shown in messages. An fd, or -1 and @why. */
static int open_module(const char *dir, const char *name, char *what, size_t what_len, char *why,
		       size_t len)
{
	size_t n = strlen(name);
	int fd;

	if (n == 0 || n > 200 || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
					"0123456789_.") != n || name[0] == '.' || name[n - 1] == '.' ||
	    strstr(name, "..")) {
		snprintf(why, len, "'%s' is not a module name (letters, digits, _ and dots)", name);
		return -1;
	}
	fd = open_folder(-1, dir, dir, why, len);
	snprintf(what, what_len, "%s", dir);
	for (const char *p = name; fd >= 0;) {
		const char *dot = strchr(p, '.');
		char comp[256];
		int next;

		snprintf(comp, sizeof(comp), "%.*s%s", (int)(dot ? dot - p : (long)strlen(p)), p,
			 dot ? "" : ".lua");
		snprintf(what + strlen(what), what_len - strlen(what), "/%s", comp);
		next = dot ? open_folder(fd, comp, what, why, len) : open_file(fd, comp, what, false,
										why, len);
		close(fd);
		fd = next;
		if (!dot)
			return fd;
		p = dot + 1;
	}
	return -1;
}

/* The whole of @fd (closed here) as a Lua string and @what, or nil and
 * @why when @fd is -1, or why it could not be read. */
static int push_contents(lua_State *L, int fd, const char *what, const char *why)
{
	char buf[4096];
	luaL_Buffer b;
	ssize_t n;

	if (fd < 0) {
		lua_pushnil(L);
		lua_pushstring(L, why);
		return 2;
	}
	luaL_buffinit(L, &b);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		luaL_addlstring(&b, buf, (size_t)n);
	close(fd);
	if (n < 0) {
		lua_pushnil(L);
		lua_pushfstring(L, "cannot read %s: %s", what, strerror(errno));
		return 2;
	}
	luaL_pushresult(&b);
	lua_pushstring(L, what);
	return 2;
}

/* read_policy(path) -> source, path | nil, why: the policy the user named
 * (a symbolic link is fine there), its folder trusted like it. */
static int read_policy(lua_State *L)
{
	const char *path = luaL_checkstring(L, 1), *slash = strrchr(path, '/');
	char dir[PATH_MAX], why[PATH_MAX + 200] = "";
	int dfd, fd = -1;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	dfd = open_folder(-1, dir, dir, why, sizeof(why));
	if (dfd >= 0) {
		fd = open_file(dfd, slash ? slash + 1 : path, path, true, why, sizeof(why));
		close(dfd);
	}
	return push_contents(L, fd, path, why);
}

/* read_module(name) -> source, path | nil, why (upvalue 1: the folder). */
static int read_module(lua_State *L)
{
	const char *name = luaL_checkstring(L, 1), *dir = lua_tostring(L, lua_upvalueindex(1));
	char what[PATH_MAX], why[PATH_MAX + 200] = "";
	int fd = open_module(dir, name, what, sizeof(what), why, sizeof(why));

	return push_contents(L, fd, what, why);
}

/* The readers hold a descriptor while they build the string in the Lua
 * heap: the watchdog's stage 2 must not jump out of them (the descriptor
 * would leak), and no error may skip the release, so they run protected. */
static int held_call(lua_State *L)
{
	int rc;

	luaL_checkstring(L, 1);
	lua_settop(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	watchdog_hold();
	rc = lua_pcall(L, 1, LUA_MULTRET, 0);
	watchdog_release();
	return rc ? lua_error(L) : lua_gettop(L);
}

void sandbox_push_readers(lua_State *L, const char *dir)
{
	lua_pushcfunction(L, read_policy);
	lua_pushcclosure(L, held_call, 1);
	lua_setfield(L, -2, "read_policy");
	lua_pushstring(L, dir);
	lua_pushcclosure(L, read_module, 1);
	lua_pushcclosure(L, held_call, 1);
	lua_setfield(L, -2, "read_module");
}
