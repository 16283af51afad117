/*
 * Diagnostics: problems found in input files, each with a place.
 *
 * Core modules never print.  They append to a struct diags and return -1;
 * the command layer prints the list (FILE:LINE:COL: error: MESSAGE, then the
 * source line and a caret) and picks the exit code.  Lines and columns count
 * from 1; column counts characters, not bytes.  Line 0 means "the whole file".
 */
#ifndef ADVISOR_DIAG_H
#define ADVISOR_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "strmap.h"

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

/* The printer shows at most this many diagnostics of one file. */
#define DIAG_SHOW_MAX 20
/* A file's problems recorded before the rest are only counted (diags.max). */
#define DIAG_RECORD_MAX 100
/*
 * A longer source line is cut to a window of this many characters; with
 * the indent and the two ellipses it fills 100 columns.
 */
#define DIAG_EXCERPT_WIDTH 96

struct diag {
	enum diag_level level;
	char *file;
	int line;
	int col;
	char *msg;
	/*
	 * The source line, or a window of it around col with "…" where it was
	 * cut; NULL when there is none.  caret is the character position of
	 * col inside it (1-based).
	 */
	char *source_line;
	int caret;
};

/* Per-file counts, so that the cap and the "more not shown" note are per file. */
struct diag_file {
	char *name;
	size_t recorded;
	size_t dropped_errors;	/* not recorded: over the cap */
	size_t dropped_other;
};

struct diags {
	struct diag *v;
	size_t n;
	size_t cap;
	size_t errors;		/* every error added, recorded or not */
	size_t max;		/* per file: stop recording after this many (0: DIAG_RECORD_MAX) */
	struct diag_file *files;
	size_t nfiles;
	size_t capfiles;
	struct strmap fileidx;	/* file name to index in files */
};

#define DIAGS_INIT { .v = NULL }

void diags_init(struct diags *d);
void diags_release(struct diags *d);

/*
 * Record a problem.  src/srclen, when not NULL, is the whole text of the
 * file; the line (or a window of it around col) is copied out of it so the
 * printer can show it with a caret.  Past d->max problems in one file, a
 * problem is only counted.
 */
void diag_add(struct diags *d, enum diag_level level, const char *file,
	      const char *src, size_t srclen, int line, int col,
	      const char *fmt, ...) __attribute__((format(printf, 8, 9)));
void diag_vadd(struct diags *d, enum diag_level level, const char *file,
	       const char *src, size_t srclen, int line, int col,
	       const char *fmt, va_list ap) __attribute__((format(printf, 8, 0)));

/* Shorthand for an error with no source text and no place. */
void diag_error(struct diags *d, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Print the diagnostics to out, in the order recorded: at most
 * DIAG_SHOW_MAX of each file, then "FILE: note: N more errors not shown"
 * after the last one shown of a file that had more.  Each diagnostic is
 * written with one fwrite.
 */
void diags_print(const struct diags *d, FILE *out);

/*
 * Give g the text of line `line` (1-based) of src, cut to a window of
 * DIAG_EXCERPT_WIDTH characters around g->col when it is longer.  Nothing
 * happens when the line is out of range.
 */
void diag_attach_source(struct diag *g, const char *src, size_t srclen, int line);

/* Sort the diagnostics from index `from` on by place, keeping equal places in order. */
void diags_sort(struct diags *d, size_t from);

/* Move every diagnostic of src to the end of dst. */
void diags_move(struct diags *dst, struct diags *src);

/*
 * Line and column (1-based, column in characters) of byte offset off in
 * src.  Used where a library reports only a byte offset.
 */
void diag_offset_to_place(const char *src, size_t srclen, size_t off,
			  int *line, int *col);

#endif
