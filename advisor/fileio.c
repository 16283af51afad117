/*
 * File input and atomic output.  The temporary file is made with mkstemp in
 * the target's own folder (rename is atomic only within one file system) and
 * its name is remembered so that a signal handler can remove it.
 */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

int file_read(const char *path, size_t cap, char **out, size_t *len, struct diags *d)
{
	struct buf b = BUF_INIT;
	FILE *f = NULL;
	char chunk[65536];
	size_t n;
	int rc = -1;
	bool is_stdin = strcmp(path, "-") == 0;

	*out = NULL;
	*len = 0;
	if (is_stdin) {
		f = stdin;
	} else {
		struct stat st;

		f = fopen(path, "rb");
		if (f == NULL) {
			diag_error(d, path, "cannot read '%s': %s", path, strerror(errno));
			goto out;
		}
		if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
			diag_error(d, path, "cannot read '%s': Is a directory", path);
			goto out;
		}
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > cap) {
			int line, col;

			/* Point at the first byte past the limit. */
			buf_add(&b, chunk, n);
			diag_offset_to_place(b.data, b.len, cap, &line, &col);
			diag_add(d, DIAG_ERROR, path, NULL, 0, line, col,
				 "file is larger than the limit of %zu bytes", cap);
			goto out;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		diag_error(d, path, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	*len = b.len;
	*out = buf_detach(&b);
	rc = 0;
out:
	if (f && !is_stdin)
		fclose(f);
	buf_release(&b);
	return rc;
}

bool file_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int file_write_atomic(const char *path, const char *data, size_t len,
		      bool overwrite, struct diags *d)
{
	char *dircopy = NULL, *tmp = NULL;
	int fd = -1, rc = -1;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			diag_error(d, "-", "cannot write to standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (!overwrite && file_exists(path)) {
		diag_error(d, path, "'%s' already exists (use --force to overwrite it)", path);
		return -1;
	}
	dircopy = xstrdup(path);
	tmp = xasprintf("%s/.advisor-XXXXXX", dirname(dircopy));
	fd = mkstemp(tmp);
	if (fd < 0) {
		diag_error(d, path, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (write_all(fd, data, len) < 0 || fsync(fd) < 0) {
		diag_error(d, path, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	/* mkstemp makes the file 0600; an output file is an ordinary document. */
	{
		mode_t mask = umask(0);

		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	if (close(fd) < 0) {
		fd = -1;
		diag_error(d, path, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (rename(tmp, path) < 0) {
		diag_error(d, path, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0 && tmp)
		unlink(tmp);
	free(tmp);
	free(dircopy);
	return rc;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

long file_list(const char *dir, const char *const *suffixes, size_t n, char ***out)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t count = 0, cap = 0;

	*out = NULL;
	if (dh == NULL)
		return -1;
	while ((e = readdir(dh)) != NULL) {
		size_t l = strlen(e->d_name);

		if (e->d_name[0] == '.')
			continue;
		for (size_t i = 0; i < n; i++) {
			size_t sl = strlen(suffixes[i]);

			if (l > sl && strcmp(e->d_name + l - sl, suffixes[i]) == 0) {
				*XPUSH(names, count, cap) = xasprintf("%s/%s", dir, e->d_name);
				break;
			}
		}
	}
	closedir(dh);
	if (count > 1)
		qsort(names, count, sizeof *names, path_cmp);
	*out = names;
	return (long)count;
}
