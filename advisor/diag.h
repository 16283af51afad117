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

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag {
	enum diag_level level;
	char *file;
	int line;
	int col;
	char *msg;
	char *source_line;	/* the text of line `line`, or NULL */
};

struct diags {
	struct diag *v;
	size_t n;
	size_t cap;
	size_t errors;
	size_t max;		/* stop recording after this many (0: 100) */
};

#define DIAGS_INIT { NULL, 0, 0, 0, 0 }

void diags_init(struct diags *d);
void diags_release(struct diags *d);

/*
 * Record a problem.  src/srclen, when not NULL, is the whole text of the
 * file; the line is copied out of it so the printer can show it with a caret.
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

/* Print every diagnostic to out, in the order recorded. */
void diags_print(const struct diags *d, FILE *out);

/* Line `line` (1-based) of src as a fresh string, or NULL when out of range. */
char *diag_copy_line(const char *src, size_t srclen, int line);

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
