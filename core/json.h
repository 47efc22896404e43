/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json.h - the little JSON scx_lua writes: strings escaped, and the
 * description of a stats object in scx_stats' metadata format, so that
 * one table of (name, kind, help) makes the stats, --help-stats and the
 * socket's "stats_meta" answer. Writing only: the one reader is statsd.c's
 * request parser, which needs far less than JSON.
 *
 * Every function writes at most @len bytes with a NUL, and returns the
 * length written; output that does not fit is cut, never overrun: a
 * caller that must not send a partial object checks the length.
 */
#ifndef SCX_JSON_H
#define SCX_JSON_H

#include <stdio.h>
#include <string.h>

/* A field of a stats object: its kind in scx_stats' terms
 * ("u64", "i64", "float", "string", or the name of another object). */
struct json_field {
	const char *name, *kind, *help;
};

/* The length of a valid UTF-8 sequence at @s, 0 if it is not one. */
static inline int json_utf8_len(const unsigned char *s)
{
	int n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 ? 2 : 0;

	if (s[0] >= 0xf5)
		return 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* @s as a JSON string: quotes, backslashes and control characters escaped,
 * bytes that are not UTF-8 (a policy's name is a stranger's) as U+FFFD. */
static inline size_t json_string(char *buf, size_t len, const char *s)
{
	size_t n = 0;

	if (len < 3) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	buf[n++] = '"';
	for (; *s && n + 8 < len; s++) {
		unsigned char c = (unsigned char)*s;
		int u = c >= 0x80 ? json_utf8_len((const unsigned char *)s) : 1;

		if (c == '"' || c == '\\') {
			n += (size_t)snprintf(buf + n, len - n, "\\%c", c);
		} else if (c < 0x20) {
			n += (size_t)snprintf(buf + n, len - n, "\\u%04x", c);
		} else if (!u) {
			n += (size_t)snprintf(buf + n, len - n, "\\ufffd");
		} else {
			memcpy(buf + n, s, (size_t)u);
			n += (size_t)u;
			s += u - 1;
		}
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return n;
}

/* snprintf() that counts what it wrote, not what it wanted to. */
static inline size_t json_put(char *buf, size_t len, size_t n, const char *s)
{
	size_t l = strlen(s);

	if (n >= len)
		return n;
	if (l > len - n - 1)
		l = len - n - 1;
	memcpy(buf + n, s, l);
	buf[n + l] = '\0';
	return n + l;
}

/*
 * "NAME":{"name":"NAME","desc":DESC[,"top":"true"],"fields":{...}}: one
 * entry of scx_stats' metadata map. A field whose kind is not a number or
 * a string is a nested object ({"datum":{"struct":KIND}}); "dict" is a map
 * of names to numbers, as a policy's own metrics are.
 */
static inline size_t json_meta(char *buf, size_t len, const char *name, const char *desc,
			       int top, const struct json_field *f, int nr)
{
	static const char *const plain[] = { "u64", "i64", "float", "string" };
	char tmp[512];
	size_t n = 0;

	snprintf(tmp, sizeof(tmp), "\"%s\":{\"name\":\"%s\",\"desc\":", name, name);
	n = json_put(buf, len, n, tmp);
	json_string(tmp, sizeof(tmp), desc);
	n = json_put(buf, len, n, tmp);
	n = json_put(buf, len, n, top ? ",\"top\":\"true\",\"fields\":{" : ",\"fields\":{");
	for (int i = 0; i < nr; i++) {
		int is_plain = 0;

		for (size_t k = 0; k < sizeof(plain) / sizeof(plain[0]); k++)
			is_plain |= !strcmp(f[i].kind, plain[k]);
		if (is_plain)
			snprintf(tmp, sizeof(tmp), "%s\"%s\":{\"datum\":\"%s\",\"desc\":", i ? "," : "",
				 f[i].name, f[i].kind);
		else if (!strcmp(f[i].kind, "dict"))
			snprintf(tmp, sizeof(tmp), "%s\"%s\":{\"dict\":{\"key\":\"string\","
				 "\"datum\":\"float\"},\"desc\":", i ? "," : "", f[i].name);
		else
			snprintf(tmp, sizeof(tmp), "%s\"%s\":{\"datum\":{\"struct\":\"%s\"},\"desc\":",
				 i ? "," : "", f[i].name, f[i].kind);
		n = json_put(buf, len, n, tmp);
		json_string(tmp, sizeof(tmp), f[i].help);
		n = json_put(buf, len, n, tmp);
		n = json_put(buf, len, n, "}");
	}
	return json_put(buf, len, n, "}}");
}

#endif
