/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sandbox.h - the C half of a policy's sandbox (the Lua half, the
 * environment a policy runs in, is lua/runtime.lua).
 *
 * Reading the policy and its modules (only regular files in the policy's
 * own folder, no links followed, nothing that blocks), and bounding what
 * a policy call may do to the loop thread's C stack. All of it runs on the loop thread, one
 * policy call at a time.
 */
#ifndef SCX_SANDBOX_H
#define SCX_SANDBOX_H

#include <stdint.h>

struct lua_State;

/* Find the loop thread's stack; call once from that thread. */
void sandbox_init(void);
/* A policy call starts here: its C stack budget is counted from this
 * frame. */
void sandbox_enter(void);
/* 0 once the current call has used up its C stack budget (FFI: the
 * runtime asks before each library function that calls back into Lua). */
int32_t sandbox_cstack_ok(void);

/* Into the table on top of @L's stack: read_policy(path) and
 * read_module(name) for the policy's folder @dir, each -> source, path |
 * nil, why. */
void sandbox_push_readers(struct lua_State *L, const char *dir);
/* coroutine.wrap with the C stack check in the function it returns
 * (upvalue 1: the real coroutine.wrap). */
int sandbox_wrap(struct lua_State *L);

#endif
