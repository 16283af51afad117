/*
 * Data folder discovery (see datadir.h).  Reports name rule files relative
 * to the data folder so that the same inputs give the same report wherever
 * the tool is checked out or installed.
 */
#include "datadir.h"

#include <limits.h>
#include <stdbool.h>
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

/* Keep dir as the data folder when it holds rules/ and knowledge/. */
static bool take(const char *dir)
{
	if (!has_data(dir))
		return false;
	found = xstrdup(dir);
	return true;
}

/* bindir/../share/advisor, resolved so reports show a clean path. */
static bool take_installed(const char *bindir)
{
	char *dir = xasprintf("%s/../share/advisor", bindir);
	char *real = realpath(dir, NULL);
	bool ok = real && take(real);

	free(real);
	free(dir);
	return ok;
}

/*
 * Beside the binary: PREFIX/bin/advisor -> PREFIX/share/advisor (installed,
 * wherever the tree was copied), then build/advisor -> .. and
 * build/san/advisor -> ../.. (the source tree).
 */
static bool from_exe(void)
{
	char exe[PATH_MAX];
	char *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

	if (n <= 0)
		return false;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (slash == NULL || slash == exe)
		return false;
	*slash = '\0';
	if (take_installed(exe))
		return true;
	for (int up = 0; up < 2; up++) {
		slash = strrchr(exe, '/');
		if (slash == NULL || slash == exe)
			break;
		*slash = '\0';
		if (take(exe))
			return true;
	}
	return false;
}

const char *datadir(void)
{
	const char *env = getenv("ADVISOR_DATADIR");

	if (found)
		return found;
	atexit(release_found);
	if (env && *env)
		found = xstrdup(env);
	else if (!from_exe())
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
