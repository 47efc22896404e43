// SPDX-License-Identifier: GPL-2.0-only
/*
 * find.c - policies and workloads by name: `scx_lua deadline`,
 * `scx_lua sim fifo deadline --workload interactive`, `scx_lua list`.
 *
 * A name (no '/', no ".lua") is looked for in a fixed search path, first
 * match wins: the current folder, its policies/ (a checkout), the
 * administrator's /etc/scx_lua/policies, then the library installed beside
 * the binary (BIN/../share/scx_lua/policies, so `make install PREFIX=`
 * and a staged DESTDIR copy find theirs without a rebuild). Workloads:
 * the current folder, then the same folders' workloads/. A path is taken as given: the loader says
 * what is wrong with it. Nothing here reads a file beyond its header; the
 * loader's own checks (owner, who may write it) still apply to whatever is
 * found.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define NR_DIRS 4

/* The search path; @sub is "" for policies, "/workloads" for workloads. */
static int search_dirs(char dirs[NR_DIRS][PATH_MAX], const char *sub)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	int nr = 0;

	snprintf(dirs[nr++], PATH_MAX, ".");
	snprintf(dirs[nr++], PATH_MAX, "policies%s", sub);
	snprintf(dirs[nr++], PATH_MAX, "/etc/scx_lua/policies%s", sub);
	if (n > 0) {
		char *slash;

		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			snprintf(dirs[nr++], PATH_MAX, "%s/../share/scx_lua/policies%s", exe, sub);
		}
	}
	return nr;
}

static bool is_name(const char *arg)
{
	size_t n = strlen(arg);

	return n && !strchr(arg, '/') && !(n > 4 && !strcmp(arg + n - 4, ".lua"));
}

const char *cli_find(const char *arg, bool workload, char *out, size_t len, char *err,
		     size_t errlen)
{
	char dirs[NR_DIRS][PATH_MAX];
	const char *what = workload ? "workload" : "policy";
	size_t used = 0;
	int nr;

	if (!is_name(arg))
		return arg;
	nr = search_dirs(dirs, workload ? "/workloads" : "");
	for (int i = 0; i < nr; i++) {
		snprintf(out, len, "%s/%s.lua", dirs[i], arg);
		if (access(out, R_OK) == 0)
			return out;
	}
	used = (size_t)snprintf(err, errlen, "no %s named \"%s\" in", what, arg);
	for (int i = 0; i < nr && used < errlen; i++)
		used += (size_t)snprintf(err + used, errlen - used, "%s %s", i ? "," : "", dirs[i]);
	if (used < errlen)
		snprintf(err + used, errlen - used, ": give its path (%s.lua), or see %s", arg,
			 workload ? "the workloads/ folders" : "`scx_lua list`");
	return NULL;
}

/*
 * The one-line idea of a library file's header: the sentence after
 * "-- NAME: ", continued on the comment lines below it up to an empty one.
 */
static void header_idea(const char *path, const char *name, char *idea, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512], tag[128];
	size_t used = 0;
	bool in = false;

	snprintf(idea, len, "-");
	if (!f)
		return;
	snprintf(tag, sizeof(tag), "-- %s: ", name);
	for (int i = 0; i < 12 && used < len - 1 && fgets(line, sizeof(line), f); i++) {
		const char *text = line;

		line[strcspn(line, "\n")] = '\0';
		if (!in && strncmp(line, tag, strlen(tag)))
			continue;
		if (in && (strncmp(line, "-- ", 3) || !line[3]))
			break;
		text += in ? 3 : strlen(tag);
		used += (size_t)snprintf(idea + used, len - used, "%s%s", in ? " " : "", text);
		in = true;
	}
	fclose(f);
}

static int lua_file(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && !strcmp(d->d_name + n - 4, ".lua") && d->d_name[0] != '.';
}

/* Whether an earlier folder of the search path already has @name. */
static bool shadowed(char dirs[NR_DIRS][PATH_MAX], int upto, const char *file)
{
	char path[PATH_MAX + 256];

	for (int i = 0; i < upto; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], file);
		if (access(path, R_OK) == 0)
			return true;
	}
	return false;
}

int list_main(void)
{
	char dirs[NR_DIRS][PATH_MAX], path[PATH_MAX + 256], idea[400];
	int nr = search_dirs(dirs, ""), shown = 0;

	for (int i = 0; i < nr; i++) {
		struct dirent **ents;
		int n = scandir(dirs[i], &ents, lua_file, alphasort);

		for (int j = 0; j < n; j++) {
			char name[256];

			snprintf(name, sizeof(name), "%.*s", (int)strlen(ents[j]->d_name) - 4,
				 ents[j]->d_name);
			snprintf(path, sizeof(path), "%s/%s", dirs[i], ents[j]->d_name);
			if (!shadowed(dirs, i, ents[j]->d_name)) {
				header_idea(path, name, idea, sizeof(idea));
				printf("%-14s %s  [%s]\n", name, idea, path);
				shown++;
			}
			free(ents[j]);
		}
		if (n >= 0)
			free(ents);
	}
	if (!shown) {
		fprintf(stderr, "scx_lua list: no policies in");
		for (int i = 0; i < nr; i++)
			fprintf(stderr, "%s %s", i ? "," : "", dirs[i]);
		fprintf(stderr, ": install them (make install) or run from a checkout\n");
		return 1;
	}
	return 0;
}
