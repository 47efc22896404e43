// SPDX-License-Identifier: GPL-2.0-only
/*
 * statsd.c - the stats socket and `--monitor` (contract in statsd.h).
 *
 * Clients are strangers: a request line is at most REQ_MAX bytes (longer
 * gets an error and the connection closed), at most NR_CLIENTS connect at
 * once (one more is answered with an error and closed), a client that
 * does not read its replies is dropped after SEND_TIMEOUT_MS. The parser
 * reads exactly the request shape scx_stats sends and says what it
 * expected when it gets something else.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "statsd.h"

#define REQ_MAX 4096
#define NR_CLIENTS 16
#define WAIT_MS 1000
#define FRESH_MS 100
#define SEND_TIMEOUT_MS 1000
#define META_MAX 32768

struct client {
	int fd;
	size_t n;
	char buf[REQ_MAX];
};

struct statsd {
	int fd, wake[2];
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;                 /* the socket as bound: ours to remove */
	pthread_t thread;
	int stop, want;                 /* atomics */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned long long seq;         /* under mu: snapshots published */
	struct timespec snap_at;        /* under mu: when the last one was */
	size_t snap_len;
	char snap[STATSD_MAX];
	char meta[META_MAX];
	char reply[STATSD_MAX + 256];   /* the server thread's */
	struct client cl[NR_CLIENTS];
};

/* ---- the request: {"req":"...","args":{"k":"v",...}} ---- */

struct req {
	char req[64], target[64];
	const char *err;
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

/* A JSON string into @out (bounded, ASCII escapes only); NULL on error. */
static const char *parse_string(const char *p, char *out, size_t len)
{
	size_t n = 0;

	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		char c = *p;

		if ((unsigned char)c < 0x20)
			return NULL;
		if (c == '\\') {
			p++;
			switch (*p) {
			case '"': case '\\': case '/': c = *p; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u': {
				unsigned v = 0;

				/* Exactly four hex digits (sscanf would take fewer,
				 * and then the pointer would skip the string's end). */
				for (int i = 1; i <= 4; i++) {
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
					v = v * 16 + (unsigned)(isdigit((unsigned char)p[i]) ? p[i] - '0' :
								 (tolower((unsigned char)p[i]) - 'a' + 10));
				}
				if (v == 0 || v > 0x7f)
					return NULL;
				c = (char)v;
				p += 4;
				break;
			}
			default: return NULL;
			}
		}
		if (n + 1 >= len)
			return NULL;
		out[n++] = c;
	}
	if (*p != '"')
		return NULL;
	out[n] = '\0';
	return p + 1;
}

static bool parse_args(const char *p, struct req *r, const char **end)
{
	char k[64], v[256];

	p = skip_ws(p);
	if (*p++ != '{')
		return false;
	p = skip_ws(p);
	while (*p != '}') {
		if (!(p = parse_string(p, k, sizeof(k))))
			return false;
		p = skip_ws(p);
		if (*p++ != ':')
			return false;
		if (!(p = parse_string(skip_ws(p), v, sizeof(v))))
			return false;
		if (!strcmp(k, "target"))
			snprintf(r->target, sizeof(r->target), "%s", v);
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != '}')
			return false;
	}
	*end = p + 1;
	return true;
}

static bool parse_request(const char *line, struct req *r)
{
	const char *p = skip_ws(line);
	char k[64];

	memset(r, 0, sizeof(*r));
	r->err = "a request is one line of JSON: {\"req\":\"stats\",\"args\":{\"target\":\"top\"}}";
	if (*p++ != '{')
		return false;
	p = skip_ws(p);
	while (*p != '}') {
		if (!(p = parse_string(p, k, sizeof(k))))
			return false;
		p = skip_ws(p);
		if (*p++ != ':')
			return false;
		p = skip_ws(p);
		if (!strcmp(k, "req")) {
			if (!(p = parse_string(p, r->req, sizeof(r->req))))
				return false;
		} else if (!strcmp(k, "args")) {
			if (!parse_args(p, r, &p))
				return false;
		} else {
			return false;
		}
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != '}')
			return false;
	}
	if (*skip_ws(p + 1) || !r->req[0])
		return false;
	r->err = NULL;
	return true;
}

/* ---- the server thread ---- */

static size_t error_reply(char *buf, size_t len, int err, const char *msg)
{
	size_t n = (size_t)snprintf(buf, len, "{\"errno\":%d,\"args\":{\"resp\":", err);

	n += json_string(buf + n, len - n, msg);
	return json_put(buf, len, n, "}}\n");
}

static double ms_since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

/*
 * A snapshot into s->reply: the last one if younger than FRESH_MS (a
 * client asking in a loop must not make the loop format stats at every
 * step), else the loop's next; 0 if it did not come in time.
 */
static size_t wait_snapshot(struct statsd *s)
{
	struct timespec until, now;
	unsigned long long seq;
	size_t n = 0;
	int rc = 0;

	clock_gettime(CLOCK_MONOTONIC, &now);
	until = now;
	until.tv_sec += WAIT_MS / 1000;
	pthread_mutex_lock(&s->mu);
	seq = s->seq;
	if (seq && ms_since(&s->snap_at, &now) < FRESH_MS)
		seq--;   /* the one we have will do */
	else
		__atomic_store_n(&s->want, 1, __ATOMIC_RELEASE);
	while (s->seq == seq && rc != ETIMEDOUT && !__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE))
		rc = pthread_cond_timedwait(&s->cv, &s->mu, &until);
	if (s->seq != seq) {
		n = (size_t)snprintf(s->reply, sizeof(s->reply), "{\"errno\":0,\"args\":{\"resp\":");
		memcpy(s->reply + n, s->snap, s->snap_len);
		n += s->snap_len;
		n = json_put(s->reply, sizeof(s->reply), n, "}}\n");
	}
	pthread_mutex_unlock(&s->mu);
	return n;
}

static size_t answer(struct statsd *s, const char *line)
{
	char msg[256];
	struct req r;
	size_t n;

	if (!parse_request(line, &r))
		return error_reply(s->reply, sizeof(s->reply), EINVAL, r.err);
	if (!strcmp(r.req, "stats_meta")) {
		n = (size_t)snprintf(s->reply, sizeof(s->reply), "{\"errno\":0,\"args\":{\"resp\":{%s}}}\n",
				     s->meta);
		return n < sizeof(s->reply) ? n : error_reply(s->reply, sizeof(s->reply), E2BIG,
							      "stats_meta does not fit");
	}
	if (strcmp(r.req, "stats")) {
		snprintf(msg, sizeof(msg), "unknown request \"%s\": this scheduler answers "
			 "\"stats\" and \"stats_meta\"", r.req);
		return error_reply(s->reply, sizeof(s->reply), EINVAL, msg);
	}
	if (r.target[0] && strcmp(r.target, "top")) {
		snprintf(msg, sizeof(msg), "unknown stats target \"%s\": this scheduler serves \"top\"",
			 r.target);
		return error_reply(s->reply, sizeof(s->reply), EINVAL, msg);
	}
	n = wait_snapshot(s);
	return n ? n : error_reply(s->reply, sizeof(s->reply), EAGAIN,
				   "the scheduler did not publish its stats within 1 s: "
				   "its loop is busy or stuck; ask again");
}

static void drop(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

static void send_all(struct client *c, const char *buf, size_t len)
{
	while (len) {
		ssize_t w = send(c->fd, buf, len, MSG_NOSIGNAL);

		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			drop(c);
			return;
		}
		buf += w;
		len -= (size_t)w;
	}
}

/* Read what @c sent; answer every whole line. */
static void serve(struct statsd *s, struct client *c)
{
	ssize_t r = recv(c->fd, c->buf + c->n, sizeof(c->buf) - c->n, 0);
	char *nl;

	if (r <= 0) {
		if (r == 0 || errno != EINTR)
			drop(c);
		return;
	}
	c->n += (size_t)r;
	while (c->fd >= 0 && (nl = memchr(c->buf, '\n', c->n))) {
		size_t len = (size_t)(nl - c->buf) + 1;

		*nl = '\0';
		send_all(c, s->reply, answer(s, c->buf));
		memmove(c->buf, c->buf + len, c->n - len);
		c->n -= len;
	}
	if (c->fd >= 0 && c->n == sizeof(c->buf)) {
		char msg[96];

		snprintf(msg, sizeof(msg), "request longer than %d bytes: closing", REQ_MAX);
		send_all(c, s->reply, error_reply(s->reply, sizeof(s->reply), EINVAL, msg));
		if (c->fd >= 0) {
			/* What is still unread would turn the close into a reset
			 * that can destroy the reply before the client reads it. */
			shutdown(c->fd, SHUT_WR);
			while (recv(c->fd, c->buf, sizeof(c->buf), MSG_DONTWAIT) > 0)
				;
			drop(c);
		}
	}
}

static void accept_one(struct statsd *s)
{
	struct timeval tv = { SEND_TIMEOUT_MS / 1000, (SEND_TIMEOUT_MS % 1000) * 1000 };
	int fd = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);

	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	for (int i = 0; i < NR_CLIENTS; i++) {
		if (s->cl[i].fd < 0) {
			s->cl[i].fd = fd;
			s->cl[i].n = 0;
			return;
		}
	}
	{
		char buf[160];
		size_t n = error_reply(buf, sizeof(buf), EBUSY, "too many clients: try again later");

		(void)!send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT);
		close(fd);
	}
}

static void *server(void *arg)
{
	struct statsd *s = arg;
	struct pollfd pfd[NR_CLIENTS + 2];

	while (!__atomic_load_n(&s->stop, __ATOMIC_ACQUIRE)) {
		int nr = 0;

		pfd[nr++] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		pfd[nr++] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
		for (int i = 0; i < NR_CLIENTS; i++)
			pfd[nr++] = (struct pollfd){ .fd = s->cl[i].fd, .events = POLLIN };
		if (poll(pfd, (nfds_t)nr, -1) < 0) {
			if (errno != EINTR)
				usleep(10000);   /* not a busy loop on a lasting error */
			continue;
		}
		if (pfd[0].revents)
			break;
		if (pfd[1].revents & POLLIN)
			accept_one(s);
		for (int i = 0; i < NR_CLIENTS; i++)
			if (s->cl[i].fd >= 0 && pfd[i + 2].revents)
				serve(s, &s->cl[i]);
	}
	return NULL;
}

/* ---- setup ---- */

static int connect_to(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	if (fd >= 0) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

/* mkdir -p of @path's folder. */
static int make_parent(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];

	snprintf(dir, sizeof(dir), "%s", path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0755) && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* Is @path's folder someone else's, or writable by group or others? Then
 * the checks below (lstat, connect, unlink) could act on a path swapped
 * between two of them. A sticky world-writable /tmp is refused too. */
static bool parent_unsafe(const char *path)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	const char *slash = strrchr(path, '/');
	struct stat st;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash > path ? slash - path : 1), path);
	return lstat(dir, &st) || !S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	       (st.st_mode & 022);
}

static int listen_on(struct statsd *s, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (!path[0] || strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errlen, "--stats-socket: a path of 1 to %zu characters, not '%s'",
			 sizeof(a.sun_path) - 1, path);
		return -1;
	}
	if (make_parent(path)) {
		snprintf(err, errlen, "stats socket %s: cannot create its folder: %s "
			 "(--stats-socket PATH puts it elsewhere)", path, strerror(errno));
		return -1;
	}
	if (parent_unsafe(path)) {
		snprintf(err, errlen, "stats socket %s: its folder belongs to another user or "
			 "others may write to it, so the path could be swapped under us: use a "
			 "folder only you can write to", path);
		return -1;
	}
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			snprintf(err, errlen, "stats socket %s: a file that is not a socket is in "
				 "the way: remove it or give --stats-socket another path", path);
			return -1;
		}
		fd = connect_to(path);
		if (fd >= 0) {
			close(fd);
			snprintf(err, errlen, "stats socket %s: another scheduler answers there: stop "
				 "it, or give --stats-socket another path", path);
			return -1;
		}
		unlink(path);   /* left by a scheduler that died */
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	/* Root's stats, for root: 0600 before listen(), so nobody connects
	 * in between (connect() fails until then). */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) || chmod(path, 0600) ||
	    listen(fd, 8) || stat(path, &s->st)) {
		snprintf(err, errlen, "stats socket %s: %s (--stats-socket PATH puts it elsewhere)",
			 path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

struct statsd *statsd_open(const char *path, const char *meta, char *err, size_t errlen)
{
	struct statsd *s = calloc(1, sizeof(*s));
	pthread_condattr_t ca;
	pthread_attr_t at;
	sigset_t all, old;
	int rc;

	if (!s) {
		snprintf(err, errlen, "stats socket: out of memory");
		return NULL;
	}
	s->wake[0] = s->wake[1] = -1;
	for (int i = 0; i < NR_CLIENTS; i++)
		s->cl[i].fd = -1;
	snprintf(s->meta, sizeof(s->meta), "%s", meta);
	snprintf(s->path, sizeof(s->path), "%s", path);
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);   /* a clock step cannot stretch a wait */
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	s->fd = listen_on(s, path, err, errlen);
	if (s->fd < 0 || pipe2(s->wake, O_CLOEXEC)) {
		if (s->fd >= 0)
			snprintf(err, errlen, "stats socket: pipe: %s", strerror(errno));
		statsd_close(s);
		return NULL;
	}
	/* A small stack: the process's memory is locked (MCL_FUTURE). */
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, 256 << 10);
	/* Signals are for the loop thread (run.c's flags), never this one. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&s->thread, &at, server, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&at);
	if (rc) {
		snprintf(err, errlen, "stats socket: no thread: %s", strerror(rc));
		close(s->wake[1]);
		s->wake[1] = -1;
		statsd_close(s);
		return NULL;
	}
	pthread_setname_np(s->thread, "scx_lua-stats");
	return s;
}

bool statsd_wanted(struct statsd *s)
{
	return s && __atomic_load_n(&s->want, __ATOMIC_ACQUIRE);
}

bool statsd_publish(struct statsd *s, const char *json, size_t len)
{
	if (len > sizeof(s->snap) || pthread_mutex_trylock(&s->mu))
		return false;
	memcpy(s->snap, json, len);
	s->snap_len = len;
	clock_gettime(CLOCK_MONOTONIC, &s->snap_at);
	s->seq++;
	__atomic_store_n(&s->want, 0, __ATOMIC_RELEASE);
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return true;
}

void statsd_close(struct statsd *s)
{
	struct stat st;

	if (!s)
		return;
	if (s->wake[1] >= 0) {
		__atomic_store_n(&s->stop, 1, __ATOMIC_RELEASE);
		pthread_mutex_lock(&s->mu);
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		(void)!write(s->wake[1], "x", 1);
		pthread_join(s->thread, NULL);
	}
	for (int i = 0; i < NR_CLIENTS; i++)
		if (s->cl[i].fd >= 0)
			close(s->cl[i].fd);
	if (s->fd >= 0) {
		close(s->fd);
		/* Only if nobody replaced it since. */
		if (stat(s->path, &st) == 0 && st.st_ino == s->st.st_ino && st.st_dev == s->st.st_dev)
			unlink(s->path);
	}
	for (int i = 0; i < 2; i++)
		if (s->wake[i] >= 0)
			close(s->wake[i]);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* ---- --monitor ---- */

/*
 * A reply's "resp" object as text: each nested object one line "[name]
 * k=v k=v", top-level numbers on the first line. Only what run.c serves
 * needs reading (objects of numbers and strings, one level deep), so this
 * walks the text rather than parsing it, and prints anything else raw.
 */
/* Append to a bounded line; the length never passes its end. */
static size_t put(char *line, size_t size, size_t n, const char *fmt, const char *a, const char *b,
		  const char *c)
{
	int w;

	if (n + 1 >= size)
		return n;
	w = snprintf(line + n, size - n, fmt, a, b, c);
	return w < 0 ? n : n + (size_t)w >= size ? size - 1 : n + (size_t)w;
}

static void print_flat(const char *p)
{
	char key[64], val[256], line[STATSD_MAX];
	size_t n = 0;
	int depth = 0;

	line[0] = '\0';
	p = skip_ws(p);
	if (*p != '{') {
		printf("%s\n", p);
		return;
	}
	for (p++; *p; ) {
		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}') {
			if (depth-- == 0)
				break;
			n = put(line, sizeof(line), n, "\n%s%s%s", "", "", "");
			p++;
			continue;
		}
		if (!(p = parse_string(p, key, sizeof(key))))
			break;
		p = skip_ws(p);
		if (*p++ != ':')
			break;
		p = skip_ws(p);
		if (*p == '{') {
			n = put(line, sizeof(line), n, "%s[%s]%s", n && line[n - 1] != '\n' ? "\n" : "",
				key, "");
			depth++;
			p++;
			continue;
		}
		if (*p == '"') {
			if (!(p = parse_string(p, val, sizeof(val))))
				break;
		} else {
			size_t l = strcspn(p, ",}");

			snprintf(val, sizeof(val), "%.*s", (int)(l < sizeof(val) ? l : sizeof(val) - 1), p);
			p += l;
		}
		n = put(line, sizeof(line), n, "%s%s=%s", n && line[n - 1] != '\n' ? " " : "", key, val);
	}
	while (n && line[n - 1] == '\n')
		line[--n] = '\0';
	printf("%s\n", line);
}

int statsd_monitor(const char *path, double interval_s, bool raw, int count)
{
	static const char req[] = "{\"req\":\"stats\",\"args\":{\"target\":\"top\"}}\n";
	static char buf[STATSD_MAX + 512];
	struct timespec ts = { (time_t)interval_s, (long)((interval_s - (time_t)interval_s) * 1e9) };
	int fd = connect_to(path);

	if (fd < 0) {
		fprintf(stderr, "scx_lua: no scheduler answers on %s: %s (is it running? "
			"--stats-socket PATH names another socket)\n", path, strerror(errno));
		return 1;
	}
	int i;

	for (i = 0; !count || i < count; i++) {
		size_t n = 0;
		const char *resp;
		int err = -1;

		if (i)
			nanosleep(&ts, NULL);
		if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) < 0)
			break;
		while (n + 1 < sizeof(buf) && !memchr(buf, '\n', n)) {
			ssize_t r = recv(fd, buf + n, sizeof(buf) - 1 - n, 0);

			if (r <= 0)
				break;
			n += (size_t)r;
			buf[n] = '\0';
		}
		if (!n || !memchr(buf, '\n', n))
			break;
		*(char *)memchr(buf, '\n', n) = '\0';
		sscanf(buf, "{\"errno\":%d", &err);
		resp = strstr(buf, "\"resp\":");
		if (err || !resp) {
			fprintf(stderr, "scx_lua: %s answered: %s\n", path, buf);
			if (err == EAGAIN)
				continue;
			close(fd);
			return 1;
		}
		resp += strlen("\"resp\":");
		/* The reply's own two closing braces are not the stats'. */
		if (strlen(resp) >= 2)
			((char *)resp)[strlen(resp) - 2] = '\0';
		if (raw)
			printf("%s\n", resp);
		else
			print_flat(resp);
		fflush(stdout);
	}
	close(fd);
	if (count && i >= count)
		return 0;
	fprintf(stderr, "scx_lua: the scheduler on %s went away\n", path);
	return count ? 1 : 0;
}
