/*
 * Diagnostics list and printer.  The printer follows compilers: the message,
 * then the offending line, then a caret under the column.  Tabs in the shown
 * line are kept so that the caret line lines up in a terminal.
 */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof *d);
}

void diags_release(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
		free(d->v[i].source_line);
	}
	free(d->v);
	diags_init(d);
}

char *diag_copy_line(const char *src, size_t srclen, int line)
{
	size_t i = 0, start, end;
	int cur = 1;

	if (src == NULL || line < 1)
		return NULL;
	while (cur < line && i < srclen) {
		if (src[i] == '\n')
			cur++;
		i++;
	}
	if (cur != line)
		return NULL;
	start = i;
	end = start;
	while (end < srclen && src[end] != '\n' && src[end] != '\r')
		end++;
	/* Keep diagnostics readable: never echo a huge line whole. */
	if (end - start > 200)
		end = start + 200;
	return xstrndup(src + start, end - start);
}

void diag_vadd(struct diags *d, enum diag_level level, const char *file,
	       const char *src, size_t srclen, int line, int col,
	       const char *fmt, va_list ap)
{
	struct diag *g;
	size_t max = d->max ? d->max : 100;

	if (level == DIAG_ERROR)
		d->errors++;
	if (d->n >= max)
		return;
	g = XPUSH(d->v, d->n, d->cap);
	g->level = level;
	g->file = xstrdup(file ? file : "-");
	g->line = line;
	g->col = col;
	g->msg = xvasprintf(fmt, ap);
	g->source_line = diag_copy_line(src, srclen, line);
}

void diag_add(struct diags *d, enum diag_level level, const char *file,
	      const char *src, size_t srclen, int line, int col,
	      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, level, file, src, srclen, line, col, fmt, ap);
	va_end(ap);
}

void diag_error(struct diags *d, const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vadd(d, DIAG_ERROR, file, NULL, 0, 0, 0, fmt, ap);
	va_end(ap);
}

static const char *level_name(enum diag_level l)
{
	switch (l) {
	case DIAG_ERROR:
		return "error";
	case DIAG_WARNING:
		return "warning";
	default:
		return "note";
	}
}

/* Print the caret line: copy tabs, turn every other character into a space. */
static void print_caret(FILE *out, const char *line, int col)
{
	int c = 1;
	const unsigned char *p = (const unsigned char *)line;

	fputs("  ", out);
	while (*p && c < col) {
		fputc(*p == '\t' ? '\t' : ' ', out);
		/* Skip UTF-8 continuation bytes: a column is one character. */
		p++;
		while ((*p & 0xC0) == 0x80)
			p++;
		c++;
	}
	while (c++ < col)
		fputc(' ', out);
	fputs("^\n", out);
}

void diags_print(const struct diags *d, FILE *out)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		if (g->line > 0)
			fprintf(out, "%s:%d:%d: %s: %s\n", g->file, g->line,
				g->col > 0 ? g->col : 1, level_name(g->level), g->msg);
		else
			fprintf(out, "%s: %s: %s\n", g->file, level_name(g->level), g->msg);
		if (g->source_line && g->line > 0) {
			fprintf(out, "  %s\n", g->source_line);
			print_caret(out, g->source_line, g->col > 0 ? g->col : 1);
		}
	}
	if (d->errors > d->n)
		fprintf(out, "advisor: %zu more errors not shown\n", d->errors - d->n);
}

void diags_move(struct diags *dst, struct diags *src)
{
	for (size_t i = 0; i < src->n; i++)
		*XPUSH(dst->v, dst->n, dst->cap) = src->v[i];
	dst->errors += src->errors;
	free(src->v);
	diags_init(src);
}

void diag_offset_to_place(const char *src, size_t srclen, size_t off,
			  int *line, int *col)
{
	int l = 1, c = 1;

	if (off > srclen)
		off = srclen;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)src[i];

		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

void diags_sort(struct diags *d, size_t from)
{
	/* Insertion sort: stable, and the lists are short. */
	for (size_t i = from + 1; i < d->n; i++) {
		struct diag t = d->v[i];
		size_t j = i;

		while (j > from && strcmp(d->v[j - 1].file, t.file) == 0 &&
		       (d->v[j - 1].line > t.line ||
			(d->v[j - 1].line == t.line && d->v[j - 1].col > t.col))) {
			d->v[j] = d->v[j - 1];
			j--;
		}
		d->v[j] = t;
	}
}
