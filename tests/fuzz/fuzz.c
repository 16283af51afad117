/*
 * Helpers shared by the fuzz targets (see fuzz.h).  Failures here are the
 * harness's, not the code under test's: they abort with a message.
 */
#include "fuzz.h"

#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kb.h"
#include "xalloc.h"

static char tmpdir[PATH_MAX];
static char srcdir[PATH_MAX];

static void die(const char *what, const char *path)
{
	fprintf(stderr, "fuzz: %s '%s' failed\n", what, path);
	abort();
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	remove(path);
	return 0;
}

static void remove_tmpdir(void)
{
	if (tmpdir[0])
		nftw(tmpdir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fuzz_tmpdir(void)
{
	const char *base = getenv("TMPDIR");

	if (tmpdir[0])
		return tmpdir;
	snprintf(tmpdir, sizeof tmpdir, "%s/advisor-fuzz-XXXXXX", base && *base ? base : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		die("mkdtemp", tmpdir);
	atexit(remove_tmpdir);
	return tmpdir;
}

const char *fuzz_write(const char *name, const uint8_t *data, size_t size)
{
	static char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), name);
	f = fopen(path, "wb");
	if (f == NULL || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
		die("write", path);
	return path;
}

const char *fuzz_srcdir(void)
{
	const char *env = getenv("ADVISOR_SRCDIR");
	ssize_t n;

	if (srcdir[0])
		return srcdir;
	if (env && *env) {
		snprintf(srcdir, sizeof srcdir, "%s", env);
		return srcdir;
	}
	n = readlink("/proc/self/exe", srcdir, sizeof srcdir - 1);
	if (n <= 0)
		die("readlink", "/proc/self/exe");
	srcdir[n] = '\0';
	/* build/fuzz/NAME: up three components. */
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(srcdir, '/');

		if (slash == NULL)
			die("find source tree from", srcdir);
		*slash = '\0';
	}
	return srcdir;
}

FILE *fuzz_devnull(void)
{
	static FILE *f;

	if (f == NULL)
		f = fopen("/dev/null", "w");
	if (f == NULL)
		die("open", "/dev/null");
	return f;
}

static struct kb kb;

static void release_kb(void)
{
	kb_release(&kb);
}

const struct kb *fuzz_kb(void)
{
	struct diags d = DIAGS_INIT;
	char *dir;

	if (kb.dir != NULL)
		return &kb;
	dir = xasprintf("%s/knowledge", fuzz_srcdir());
	kb_init(&kb);
	if (kb_load_dir(&kb, dir, &d) < 0) {
		diags_print(&d, stderr);
		abort();
	}
	atexit(release_kb);
	diags_release(&d);
	free(dir);
	return &kb;
}
