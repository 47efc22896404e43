/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * statsd.h - the stats socket: a UNIX socket answering scx_stats' protocol,
 * so scx's own tools (`scx_rusty --monitor`-style clients, scxtop) and
 * `scx_lua --monitor` read a running scheduler.
 *
 * The protocol: one JSON request per line, one JSON reply per line.
 *   {"req":"stats","args":{"target":"top"}} -> {"errno":0,"args":{"resp":STATS}}
 *   {"req":"stats_meta"}                     -> {"errno":0,"args":{"resp":META}}
 * An unknown request or target, or a line that is not such an object,
 * gets {"errno":22,"args":{"resp":"what was wrong and what is served"}}.
 *
 * Who runs what: a thread of its own accepts and answers, so a slow or
 * hostile client costs that thread only. The stats themselves are made by
 * the loop thread (the policy's P.stats can only run there): the server
 * raises a flag and waits; the loop, between two steps, sees the flag
 * (one atomic load), formats and publishes with a trylock, so the loop
 * never waits on a client. A loop that does not publish within 1 s gets
 * the client errno 11 (EAGAIN), not a hang.
 *
 * Not here: the stats' content (run.c puts them together, as --stats-json
 * prints them) and deltas per client (every reply is cumulative).
 */
#ifndef SCX_CLI_STATSD_H
#define SCX_CLI_STATSD_H

#include <stdbool.h>
#include <stddef.h>

/* scx_stats' default, where scx's tools look first. */
#define STATSD_DEFAULT_PATH "/var/run/scx/root/stats"
/* Largest stats object served. */
#define STATSD_MAX 16384

struct statsd;

/*
 * Listen on @path (its folder is created): a stale socket nobody answers
 * on is replaced; a live one is refused, naming the fix. @meta is the
 * body of the "stats_meta" reply, copied. NULL with @err set on failure.
 */
struct statsd *statsd_open(const char *path, const char *meta, char *err, size_t errlen);
/* The loop's side: does a client wait for a snapshot? One atomic load. */
bool statsd_wanted(struct statsd *s);
/* The loop's side: hand over @json; false when the server held the lock
 * (it stays wanted: try on the next step). Never blocks. */
bool statsd_publish(struct statsd *s, const char *json, size_t len);
/* Stop the thread, close every connection, remove the socket if it is
 * still ours. NULL is fine. */
void statsd_close(struct statsd *s);

/*
 * `scx_lua --monitor S`: ask the scheduler on @path for its stats every
 * @interval_s seconds and print them (as lines, or as the JSON @raw),
 * @count times (0: until the scheduler goes). Exit code: 0, or 1 with a
 * message when nothing answers.
 */
int statsd_monitor(const char *path, double interval_s, bool raw, int count);

#endif
