/*
 * Reading input with a size cap, and writing output atomically.
 *
 * "-" means standard input or standard output.  A regular output file (or
 * one that does not exist yet) is written to a temporary file in its own
 * folder and renamed over the target, so a failed or interrupted run never
 * leaves a half-written file.  Symbolic links are followed; devices, FIFOs,
 * sockets and /dev/stdout-like names are written in place, never renamed
 * over.
 */
#ifndef ADVISOR_FILEIO_H
#define ADVISOR_FILEIO_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

/* Largest input file any loader accepts (profiles, rules, knowledge, caches). */
#define FILEIO_MAX_INPUT (1024 * 1024)

/*
 * Read all of path (or stdin for "-") into a NUL-terminated heap buffer.
 * Fails with a diagnostic when the file cannot be read or is over cap bytes.
 */
int file_read(const char *path, size_t cap, char **out, size_t *len, struct diags *d);

/* Symbolic links followed from an output name before giving up (a loop). */
#define FILEIO_MAX_LINKS 40

/* file_write_atomic's answer when overwrite is false and the file exists. */
#define FILEIO_EXISTS (-2)

/*
 * Write len bytes to path (or to stdout for "-").  The last component's
 * symbolic links are followed, at most FILEIO_MAX_LINKS of them.  A
 * regular file or a new one is replaced atomically, keeping an existing
 * file's mode (and owner where permitted); with overwrite false an existing
 * regular file is left alone and FILEIO_EXISTS returned.  A character
 * device, FIFO or socket is written in place; /dev/stdout, /dev/stderr,
 * /dev/fd/N and /proc/self/fd/N go through the descriptor already open.  A
 * folder or block device is an error.  Returns 0, or a negative value with
 * a diagnostic; on failure a regular target is unchanged and no temporary
 * file is left.
 */
int file_write_atomic(const char *path, const char *data, size_t len,
		      bool overwrite, struct diags *d);

/*
 * Create path holding len bytes of data, atomically and never over
 * anything: the data goes to a temporary file in path's folder, which is
 * then linked to path (link(2) fails when the name is taken, by a file, a
 * symbolic link or a folder) and removed; where the file system has no
 * hard links it is renamed without replacing (RENAME_NOREPLACE).  The new
 * file's mode follows the umask.  Returns 0; FILEIO_EXISTS, with no
 * diagnostic, when the name is taken; or -1 with a diagnostic.  No
 * temporary file is left either way.
 */
int file_create_new(const char *path, const char *data, size_t len, struct diags *d);

/*
 * Can path be written as file_write_atomic would write it?  Checked before
 * any work so that a bad -o fails at once: a link loop, a folder, a block
 * device, or a missing or unwritable folder for a new or replaced file.
 * Returns 0, or -1 with a diagnostic.
 */
int file_output_ready(const char *path, struct diags *d);

/*
 * The files of dir whose names end in one of suffixes (n of them), as
 * "dir/name" paths sorted by name, hidden files left out.  Returns the
 * count, or -1 when dir cannot be read.  The caller frees each path and
 * the array.
 */
long file_list(const char *dir, const char *const *suffixes, size_t n, char ***out);

/*
 * Does output name one of n inputs?  It does when both are the same file
 * once symbolic links are followed (same device and inode: a link or a
 * hard link counts) or when an input is a folder and the output would land
 * inside it.  Returns the index of the first such input, with *inside set
 * for the second kind, or -1.  "-", and inputs that do not exist or are
 * neither a file nor a folder (a device, a FIFO), never match.
 */
long file_output_clash(const char *output, const char *const *inputs, size_t n, bool *inside);

/* True when path names an existing file. */
bool file_exists(const char *path);

/* Remove dir and what it holds, never following a link nor crossing a mount. */
void file_remove_tree(const char *dir);

#endif
