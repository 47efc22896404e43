// SPDX-License-Identifier: GPL-2.0-only
/* The command line, including --opt: arguments are the input split at NUL
 * bytes. cli_parse() must return 0, 1 or 2, never exit, and when it accepts
 * a line the configuration must be consistent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cli o;
	char buf[4096], *argv[33], err[300];
	int argc = 1, rc;

	if (size >= sizeof(buf))
		size = sizeof(buf) - 1;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "scx_lua";
	for (char *p = buf; p < buf + size && argc < 32; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	cli_defaults(&o);
	freopen("/dev/null", "w", stdout); /* -h and -V print */
	rc = cli_parse(&o, argc, argv, err, sizeof(err));
	if (rc < 0 || rc > 2)
		abort();
	if (rc == 0 && (!o.policy || o.ecfg.sched.slice_min_ns > o.ecfg.sched.slice_ns ||
			o.ecfg.sched.slice_ns > o.ecfg.sched.slice_max_ns || o.ecfg.sched.batch_max < 1 ||
			o.ecfg.sched.nr_cpus < 1 || o.ecfg.sched.nr_cpus > 1024))
		abort();
	for (int i = 0; rc == 0 && i < o.nr_opts; i++)
		if (!strchr(o.opts[i], '=') || o.opts[i][0] == '=')
			abort();
	if (rc == 2 && !err[0])
		abort(); /* every refusal says why */
	return 0;
}
