// SPDX-License-Identifier: GPL-2.0-only
/*
 * pause_thread TID STOP_MS GO_MS: hold one thread (not its whole process,
 * as SIGSTOP would) stopped for STOP_MS, let it run GO_MS, and again,
 * until the thread exits. cli.sh uses it to make scx_lua's watchdog thread
 * look late, as it does when the scheduler's threads wait for a CPU under
 * overload, without stopping the loop it watches.
 *
 * ptrace(PTRACE_SEIZE) then PTRACE_INTERRUPT: a group-stop-free stop of
 * exactly that thread, undone by PTRACE_CONT; needs root or ptrace rights.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	long stop_ms, go_ms;
	pid_t tid;
	int st;

	if (argc != 4) {
		fprintf(stderr, "usage: pause_thread TID STOP_MS GO_MS\n");
		return 2;
	}
	tid = (pid_t)atoi(argv[1]);
	stop_ms = atol(argv[2]);
	go_ms = atol(argv[3]);
	if (ptrace(PTRACE_SEIZE, tid, NULL, NULL)) {
		fprintf(stderr, "pause_thread: cannot trace %d: %s\n", tid, strerror(errno));
		return 1;
	}
	for (;;) {
		if (ptrace(PTRACE_INTERRUPT, tid, NULL, NULL))
			break;
		if (waitpid(tid, &st, __WALL) < 0 || WIFEXITED(st) || WIFSIGNALED(st))
			break;
		sleep_ms(stop_ms);
		/* A signal that stopped it goes on to it; an interrupt does not. */
		if (ptrace(PTRACE_CONT, tid, NULL,
			   (void *)(long)(WIFSTOPPED(st) && (st >> 16) == 0 ? WSTOPSIG(st) : 0)))
			break;
		sleep_ms(go_ms);
	}
	return 0;
}
