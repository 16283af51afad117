/*
 * Data folder discovery (see datadir.h).  Reports name rule files relative
 * to the data folder so that the same inputs give the same report wherever
 * the tool is checked out or installed.
 */
#include "datadir.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

#ifndef ADVISOR_DATADIR
#define ADVISOR_DATADIR "/usr/local/share/advisor"
#endif

static char *found;

static int has_data(const char *dir)
{
	char *rules = xasprintf("%s/rules", dir);
	char *kb = xasprintf("%s/knowledge", dir);
	struct stat st;
	int ok = stat(rules, &st) == 0 && S_ISDIR(st.st_mode) && stat(kb, &st) == 0 &&
		 S_ISDIR(st.st_mode);

	free(rules);
	free(kb);
	return ok;
}

static void release_found(void)
{
	free(found);
}

const char *datadir(void)
{
	char exe[PATH_MAX];
	ssize_t n;
	const char *env = getenv("ADVISOR_DATADIR");

	if (found)
		return found;
	atexit(release_found);
	if (env && *env) {
		found = xstrdup(env);
		return found;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		/* build/advisor -> ..; build/san/advisor -> ../.. */
		for (int up = 0; up < 3; up++) {
			char *slash = strrchr(exe, '/');

			if (slash == NULL || slash == exe)
				break;
			*slash = '\0';
			if (up > 0 && has_data(exe)) {
				found = xstrdup(exe);
				return found;
			}
		}
	}
	found = xstrdup(ADVISOR_DATADIR);
	return found;
}

const char *datadir_display(const char *path)
{
	const char *root = datadir();
	size_t n = strlen(root);

	if (strncmp(path, root, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}
