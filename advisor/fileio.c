/*
 * File input and safe output.  rename(2) replaces whatever the name points
 * at (a device node, a FIFO, a symbolic link), so the target is looked at
 * with lstat first: only a regular file, or nothing, gets the temporary
 * file and the rename, and the temporary file is made in the final
 * target's own folder (rename is atomic only within one file system).
 */
#include "fileio.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "buf.h"
#include "util.h"
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

/* Write all of data to fd, through EINTR, short writes and a non-blocking fd. */
static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);

		if (w < 0) {
			struct pollfd pf = { fd, POLLOUT, 0 };

			if (errno == EINTR)
				continue;
			if (errno == EAGAIN && poll(&pf, 1, -1) >= 0)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

/*
 * The descriptor a /dev/stdout-like name stands for, or -1.  Such a name
 * is written through the descriptor the command already holds, so that a
 * shell redirection (a pipe, a terminal, a file opened with >>) keeps its
 * meaning.
 */
static int fd_name(const char *p)
{
	static const char *const prefixes[] = { "/dev/fd/", "/proc/self/fd/", "/proc/thread-self/fd/" };
	char own[64];
	const char *num = NULL;
	char *end;
	long n;

	if (strcmp(p, "/dev/stdout") == 0)
		return STDOUT_FILENO;
	if (strcmp(p, "/dev/stderr") == 0)
		return STDERR_FILENO;
	snprintf(own, sizeof own, "/proc/%ld/fd/", (long)getpid());
	if (strncmp(p, own, strlen(own)) == 0)
		num = p + strlen(own);
	for (size_t i = 0; i < ARRAY_SIZE(prefixes) && num == NULL; i++)
		if (strncmp(p, prefixes[i], strlen(prefixes[i])) == 0)
			num = p + strlen(prefixes[i]);
	if (num == NULL || *num < '0' || *num > '9')
		return -1;
	errno = 0;
	n = strtol(num, &end, 10);
	if (*end != '\0' || errno != 0 || n > INT_MAX)
		return -1;
	return (int)n;
}

/*
 * Follow the symbolic links of path's last component, at most
 * FILEIO_MAX_LINKS of them.  Returns the final name (which may not exist;
 * the caller frees it), with *fd set when the chain reaches a
 * /dev/stdout-like name; or NULL with errno set (ELOOP for a loop).
 */
static char *follow_links(const char *path, int *fd)
{
	char *cur = xstrdup(path);
	char target[PATH_MAX];

	for (int depth = 0;; depth++) {
		struct stat st;
		const char *slash;
		ssize_t n;
		char *next;

		*fd = fd_name(cur);
		if (*fd >= 0)
			return cur;
		if (lstat(cur, &st) < 0)
			break;
		if (!S_ISLNK(st.st_mode))
			return cur;
		if (depth >= FILEIO_MAX_LINKS) {
			errno = ELOOP;
			break;
		}
		n = readlink(cur, target, sizeof target - 1);
		if (n < 0)
			break;
		target[n] = '\0';
		/* A relative link is relative to the folder that holds it. */
		slash = strrchr(cur, '/');
		if (target[0] == '/' || slash == NULL)
			next = xstrdup(target);
		else
			next = xasprintf("%.*s/%s", (int)(slash - cur), cur, target);
		free(cur);
		cur = next;
	}
	if (errno == ENOENT)
		return cur;
	free(cur);
	return NULL;
}

/*
 * Write data to a new temporary file beside target, with old's mode and,
 * where the system lets us, its owner (old NULL: 0666 less the umask), on
 * disk and closed.  Returns its path (the caller renames or links it, then
 * frees it), or NULL with a diagnostic and nothing left behind.
 */
static char *write_temp(const char *target, const struct stat *old, const char *data,
			size_t len, const char *shown, struct diags *d)
{
	char *dircopy = xstrdup(target);
	char *tmp = xasprintf("%s/.advisor-XXXXXX", dirname(dircopy));
	int fd = mkostemp(tmp, O_CLOEXEC), r;

	free(dircopy);
	if (fd < 0) {
		diag_error(d, shown, "cannot write '%s': %s", shown, strerror(errno));
		free(tmp);
		return NULL;
	}
	r = write_all(fd, data, len);
	if (r == 0 && old) {
		/* Owner first: a change of owner clears set-id bits. */
		if (fchown(fd, old->st_uid, old->st_gid) < 0) {
			/* best effort: only root may give a file away */
		}
		r = fchmod(fd, old->st_mode & 07777);
	} else if (r == 0) {
		mode_t mask = umask(0);

		umask(mask);
		r = fchmod(fd, 0666 & ~mask);
	}
	if (r == 0)
		r = fsync(fd);
	if (close(fd) < 0 && r == 0)
		r = -1;
	if (r < 0) {
		diag_error(d, shown, "cannot write '%s': %s", shown, strerror(errno));
		unlink(tmp);
		free(tmp);
		return NULL;
	}
	return tmp;
}

/*
 * Write to a temporary file beside target and rename it over target.  An
 * existing file (old, or NULL) keeps its mode and, where the system lets
 * us, its owner; a new one gets 0666 less the umask.
 */
static int replace_file(const char *target, const struct stat *old, const char *data,
			size_t len, bool overwrite, const char *shown, struct diags *d)
{
	char *tmp = write_temp(target, old, data, len, shown, d);
	int rc = -1, r;

	if (tmp == NULL)
		return -1;
	/* Without overwrite, a file that appeared meanwhile is not replaced. */
	r = overwrite ? rename(tmp, target)
		      : renameat2(AT_FDCWD, tmp, AT_FDCWD, target, RENAME_NOREPLACE);
	if (r < 0 && !overwrite && (errno == EINVAL || errno == ENOSYS))
		r = rename(tmp, target);
	if (r < 0 && errno == EEXIST) {
		diag_error(d, shown, "'%s' already exists (use --force to overwrite it)", shown);
		rc = FILEIO_EXISTS;
	} else if (r < 0) {
		diag_error(d, shown, "cannot write '%s': %s", shown, strerror(errno));
	} else {
		rc = 0;
	}
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

int file_create_new(const char *path, const char *data, size_t len, struct diags *d)
{
	char *tmp = write_temp(path, NULL, data, len, path, d);
	bool made = tmp != NULL;	/* tmp exists and is ours to remove */
	int rc = -1, r;

	if (tmp == NULL)
		return -1;
	r = link(tmp, path);
	if (r < 0 && (errno == EPERM || errno == ENOTSUP || errno == EOPNOTSUPP || errno == ENOSYS)) {
		r = renameat2(AT_FDCWD, tmp, AT_FDCWD, path, RENAME_NOREPLACE);
		made = r < 0;
	}
	if (r < 0 && errno == EEXIST)
		rc = FILEIO_EXISTS;
	else if (r < 0)
		diag_error(d, path, "cannot write '%s': %s", path, strerror(errno));
	else
		rc = 0;
	if (made)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* Connect to a Unix stream socket and write to it. */
static int socket_open(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		fd = -1;
	}
	return fd;
}

/*
 * Write to a device, FIFO or socket in place: no temporary file, no
 * truncation, no rename over the node.
 */
static int write_direct(const char *target, mode_t type, const char *data, size_t len,
			const char *shown, struct diags *d)
{
	int fd, rc = 0;

	if (S_ISSOCK(type))
		fd = socket_open(target);
	else
		fd = open(target, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0 || write_all(fd, data, len) < 0) {
		diag_error(d, shown, "cannot write '%s': %s", shown, strerror(errno));
		rc = -1;
	}
	if (fd >= 0 && close(fd) < 0 && rc == 0) {
		diag_error(d, shown, "cannot write '%s': %s", shown, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* Write through a descriptor the process already holds (/dev/stdout). */
static int write_fd(int fd, const char *data, size_t len, const char *shown, struct diags *d)
{
	fflush(stdout);
	fflush(stderr);
	if (write_all(fd, data, len) < 0) {
		diag_error(d, shown, "cannot write '%s': %s", shown, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Where an output named path would go: *target after its links, *fd when
 * that is a descriptor advisor holds (else -1), and *st with *exists when
 * the target is there.  A folder, a block device and a name that cannot be
 * resolved are errors.  The caller frees *target.
 */
static int resolve_output(const char *path, char **target, int *fd, struct stat *st,
			  bool *exists, struct diags *d)
{
	*exists = false;
	*target = follow_links(path, fd);
	if (*target == NULL) {
		diag_error(d, path, "cannot write '%s': %s", path, strerror(errno));
		return -1;
	}
	if (*fd >= 0)
		return 0;
	if (lstat(*target, st) < 0) {
		if (errno == ENOENT)
			return 0;
		diag_error(d, path, "cannot write '%s': %s", path, strerror(errno));
	} else if (S_ISDIR(st->st_mode)) {
		diag_error(d, path, "cannot write '%s': Is a directory", path);
	} else if (S_ISBLK(st->st_mode)) {
		diag_error(d, path, "cannot write '%s': a block device is never written", path);
	} else {
		*exists = true;
		return 0;
	}
	free(*target);
	*target = NULL;
	return -1;
}

int file_write_atomic(const char *path, const char *data, size_t len,
		      bool overwrite, struct diags *d)
{
	struct stat st;
	char *target;
	bool exists;
	int fd = -1, rc;

	if (strcmp(path, "-") == 0) {
		if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0) {
			diag_error(d, "-", "cannot write to standard output: %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	if (resolve_output(path, &target, &fd, &st, &exists, d) < 0)
		return -1;
	if (fd >= 0) {
		rc = write_fd(fd, data, len, path, d);
	} else if (!exists) {
		rc = replace_file(target, NULL, data, len, overwrite, path, d);
	} else if (S_ISREG(st.st_mode)) {
		if (!overwrite) {
			diag_error(d, path, "'%s' already exists (use --force to overwrite it)", path);
			rc = FILEIO_EXISTS;
		} else {
			rc = replace_file(target, &st, data, len, overwrite, path, d);
		}
	} else {
		rc = write_direct(target, st.st_mode, data, len, path, d);
	}
	free(target);
	return rc;
}

int file_output_ready(const char *path, struct diags *d)
{
	struct stat st;
	char *target, *dircopy;
	const char *dir;
	bool exists;
	int fd = -1, rc = 0;

	if (strcmp(path, "-") == 0)
		return 0;
	if (resolve_output(path, &target, &fd, &st, &exists, d) < 0)
		return -1;
	/* Descriptors, devices, FIFOs and sockets are written in place. */
	if (fd >= 0 || (exists && !S_ISREG(st.st_mode))) {
		free(target);
		return 0;
	}
	/* A new or replaced file is made in its folder: that folder must take it. */
	dircopy = xstrdup(target);
	dir = dirname(dircopy);
	if (stat(dir, &st) < 0) {
		diag_error(d, path, "cannot write '%s': folder '%s': %s", path, dir, strerror(errno));
		rc = -1;
	} else if (!S_ISDIR(st.st_mode)) {
		diag_error(d, path, "cannot write '%s': '%s' is not a folder", path, dir);
		rc = -1;
	} else if (access(dir, W_OK | X_OK) < 0) {
		diag_error(d, path, "cannot write '%s': folder '%s': %s", path, dir, strerror(errno));
		rc = -1;
	}
	free(dircopy);
	free(target);
	return rc;
}

/* st of path after following links, for an input that is a file or folder. */
static bool input_stat(const char *path, struct stat *st)
{
	return strcmp(path, "-") != 0 && stat(path, st) == 0 &&
	       (S_ISREG(st->st_mode) || S_ISDIR(st->st_mode));
}

/* True when dir (absolute, without links) or a folder above it is folder. */
static bool has_ancestor(const char *dir, const struct stat *folder)
{
	char *p = xstrdup(dir);
	bool found = false;

	for (;;) {
		struct stat st;
		char *slash;

		if (stat(p, &st) == 0 && st.st_dev == folder->st_dev && st.st_ino == folder->st_ino) {
			found = true;
			break;
		}
		slash = strrchr(p, '/');
		if (slash == NULL || (slash == p && p[1] == '\0'))
			break;
		slash[slash == p] = '\0';	/* "/a" becomes "/", "/a/b" "/a" */
	}
	free(p);
	return found;
}

long file_output_clash(const char *output, const char *const *inputs, size_t n, bool *inside)
{
	struct stat out_st, in_st;
	bool exists;
	char *target, *dircopy = NULL, *parent = NULL;
	int fd = -1;
	long hit = -1;

	*inside = false;
	if (strcmp(output, "-") == 0)
		return -1;
	exists = stat(output, &out_st) == 0;
	/* The folder the output will land in, once its links are followed. */
	target = follow_links(output, &fd);
	if (target && fd < 0) {
		dircopy = xstrdup(target);
		parent = realpath(dirname(dircopy), NULL);
	}
	for (size_t i = 0; i < n && hit < 0; i++) {
		if (!input_stat(inputs[i], &in_st))
			continue;
		if (exists && out_st.st_dev == in_st.st_dev && out_st.st_ino == in_st.st_ino) {
			hit = (long)i;
		} else if (S_ISDIR(in_st.st_mode) && parent && has_ancestor(parent, &in_st)) {
			hit = (long)i;
			*inside = true;
		}
	}
	free(parent);
	free(dircopy);
	free(target);
	return hit;
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

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void file_remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}
