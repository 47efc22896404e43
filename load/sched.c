// SPDX-License-Identifier: GPL-2.0-only
/*
 * sched.c - what a running scx_lua scheduler says about itself, read over
 * its stats socket before and after a live run, so that `load` fills the
 * simulator's scheduler figures too: its policy's name (P.name, as sim
 * labels a run), its steps (the core's batches), its dispatch counters (the
 * [bpf] names, which are struct lua_counters' names), errors, fallback
 * batches, and its CPU time (/proc/PID/stat of the process at the other end
 * of the socket, SO_PEERCRED), whence the overhead.
 *
 * Best effort: no socket, another scheduler, or a reply without these
 * figures leaves them 0 and says nothing; the run itself does not depend
 * on it. Not here: the kernel's own scheduler (it has no such figures).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "counters.h"
#include "load.h"

#define REPLY_MAX 32768

/* The value of "key": in the object that starts at @obj (depth 1 only). */
static bool num_in(const char *obj, const char *key, unsigned long long *v)
{
	size_t kl = strlen(key);
	int depth = 0;

	for (const char *p = obj; *p; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && --depth == 0)
			return false;
		else if (depth == 1 && *p == '"' && !strncmp(p + 1, key, kl) && p[kl + 1] == '"' &&
			 p[kl + 2] == ':')
			return sscanf(p + kl + 3, "%llu", v) == 1;
	}
	return false;
}

/*
 * struct lua_counters is all unsigned long long, and lua_counters_list()
 * names each field: a probe whose k-th slot holds k + 1 tells which slot a
 * name is, so the [bpf] object fills the struct without a second list of
 * names to keep in step.
 */
static void counters_from(struct lua_counters *c, const char *bpf)
{
	unsigned long long *slot = (unsigned long long *)c, probe_v[sizeof(*c) / sizeof(*slot)];
	struct lua_counter names[LUA_COUNTERS_NR];
	struct lua_counters *probe = (struct lua_counters *)probe_v;
	int nr;

	for (size_t k = 0; k < sizeof(*c) / sizeof(*slot); k++)
		probe_v[k] = k + 1;
	nr = lua_counters_list(probe, names);
	for (int i = 0; i < nr; i++) {
		unsigned long long v;

		if (names[i].v >= 1 && names[i].v <= sizeof(*c) / sizeof(*slot) &&
		    num_in(bpf, names[i].name, &v))
			slot[names[i].v - 1] = v;
	}
}

/* One request, one reply line; the server's pid. -1: nobody answered. */
static int ask(const char *path, char *buf, size_t len, pid_t *pid)
{
	static const char req[] = "{\"req\":\"stats\",\"args\":{\"target\":\"top\"}}\n";
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	struct timeval tv = { 2, 0 };
	size_t n = 0;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1)
		goto fail;
	while (n + 1 < len) {
		ssize_t r = read(fd, buf + n, len - n - 1);

		if (r <= 0)
			goto fail;
		n += (size_t)r;
		if (memchr(buf + n - r, '\n', (size_t)r))
			break;
	}
	buf[n] = '\0';
	close(fd);
	*pid = cred.pid;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	return -1;
}

/* utime + stime of @pid, ns; -1 unknown. */
static double proc_cpu_ns(pid_t pid)
{
	char path[64], line[1024], *p;
	unsigned long long ut, st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (!(f = fopen(path, "r")))
		return -1;
	p = fgets(line, sizeof(line), f);
	fclose(f);
	/* After the comm's closing parenthesis: state is field 3, utime 14. */
	if (!p || !(p = strrchr(line, ')')) ||
	    sscanf(p + 1, " %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) * 1e9 / (double)sysconf(_SC_CLK_TCK);
}

int load_sched_read(const char *path, struct load_sched *s)
{
	char *buf = malloc(REPLY_MAX);
	const char *core, *bpf, *pol;
	pid_t pid;
	int rc = -1;

	memset(s, 0, sizeof(*s));
	if (!buf || !path || ask(path, buf, REPLY_MAX, &pid))
		goto out;
	core = strstr(buf, "\"core\":{");
	bpf = strstr(buf, "\"bpf\":{");
	if (!core)
		goto out;
	core += 7;
	num_in(core, "batches", &s->batches);
	num_in(core, "errors", &s->errors);
	num_in(core, "fallback", &s->fallback);
	if ((pol = strstr(core, "\"policy\":\"")))
		sscanf(pol + 10, "%63[^\"]", s->policy);
	if (bpf)
		counters_from(&s->c, bpf + 6);
	s->pid = pid;
	s->cpu_ns = proc_cpu_ns(pid);
	s->ok = true;
	rc = 0;
out:
	free(buf);
	return rc;
}
