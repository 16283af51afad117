/*
 * Reading input with a size cap, and writing output atomically.
 *
 * "-" means standard input or standard output.  Output files are written to
 * a temporary file in the same folder and renamed over the target, so a
 * failed or interrupted run never leaves a half-written file.
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

/*
 * Write len bytes to path atomically (or to stdout for "-").  With
 * overwrite false an existing file is an error.  On failure nothing at path
 * changes and the temporary file is removed.
 */
int file_write_atomic(const char *path, const char *data, size_t len,
		      bool overwrite, struct diags *d);

/*
 * The files of dir whose names end in one of suffixes (n of them), as
 * "dir/name" paths sorted by name, hidden files left out.  Returns the
 * count, or -1 when dir cannot be read.  The caller frees each path and
 * the array.
 */
long file_list(const char *dir, const char *const *suffixes, size_t n, char ***out);

/* True when path names an existing file. */
bool file_exists(const char *path);

#endif
