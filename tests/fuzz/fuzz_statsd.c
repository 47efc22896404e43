// SPDX-License-Identifier: GPL-2.0-only
/* The stats socket's two readers of strangers' text: the server's request
 * parser (what a client sends) and --monitor's reply printer (what a
 * server sends back). Every request gets one reply line that is a JSON
 * object with an errno, whole and within the buffer; the printer never
 * reads or writes out of bounds. statsd.c is compiled in whole, so its
 * static functions are reached as they are, with no test-only entry. */
#include <stdint.h>
#include <stdio.h>

#include "../../cli/statsd.c"

static struct statsd *s;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	s = calloc(1, sizeof(*s));
	snprintf(s->meta, sizeof(s->meta), "\"core\":{\"name\":\"core\",\"fields\":{}}");
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	s->stop = 1;   /* a "stats" request gets its EAGAIN reply at once */
	if (!freopen("/dev/null", "w", stdout))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line;
	size_t n;

	if (size > REQ_MAX)
		size = REQ_MAX;
	/* Exactly as long as the input: a read past its end is ASan's to see. */
	line = malloc(size + 1);
	memcpy(line, data, size);
	line[size] = '\0';
	n = answer(s, line);
	if (n < 14 || n >= sizeof(s->reply) || n != strlen(s->reply) ||
	    strncmp(s->reply, "{\"errno\":", 9) || strcmp(s->reply + n - 3, "}}\n"))
		abort();
	for (size_t i = 0; i + 1 < n; i++)
		if ((unsigned char)s->reply[i] < 0x20)
			abort();   /* one line, control characters escaped */
	print_flat(line);
	free(line);
	return 0;
}
