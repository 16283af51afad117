/*
 * Diagnostics list and printer.  The printer follows compilers: the message,
 * then the offending line, then a caret under the column.  Tabs in the shown
 * line are kept, and copied into the caret line, so that the caret lines up
 * in a terminal.
 *
 * Everything here is linear in what is shown: a line a megabyte long is cut
 * to a window around the column when the problem is recorded, the printer
 * writes each diagnostic with one fwrite (stderr is unbuffered), and a file
 * with thousands of problems records DIAG_RECORD_MAX and shows DIAG_SHOW_MAX
 * of them, then says how many more there were.
 */
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "xalloc.h"

#define ELLIPSIS "\xe2\x80\xa6"		/* U+2026, one column */

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof *d);
}

static void files_release(struct diags *d)
{
	for (size_t i = 0; i < d->nfiles; i++)
		free(d->files[i].name);
	free(d->files);
	strmap_release(&d->fileidx);
	d->files = NULL;
	d->nfiles = d->capfiles = 0;
}

void diags_release(struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
		free(d->v[i].source_line);
	}
	free(d->v);
	files_release(d);
	diags_init(d);
}

/* The counts of one file, created on first use. */
static struct diag_file *file_of(struct diags *d, const char *name)
{
	struct diag_file *f;
	size_t *idx = strmap_get(&d->fileidx, name);
	bool added;

	if (idx)
		return &d->files[*idx];
	f = XPUSH(d->files, d->nfiles, d->capfiles);
	memset(f, 0, sizeof *f);
	f->name = xstrdup(name);
	strmap_put(&d->fileidx, f->name, d->nfiles - 1, &added);
	return f;
}

static bool is_char_start(unsigned char c)
{
	return (c & 0xC0) != 0x80;
}

/* Byte offset of character number `nth` (0-based) of s, or len. */
static size_t char_offset(const char *s, size_t len, size_t nth)
{
	size_t i = 0, c = 0;

	for (; i < len; i++) {
		if (is_char_start((unsigned char)s[i]) && c++ == nth)
			return i;
	}
	return len;
}

/* Copy bytes, showing control characters other than tab as '?'. */
static void add_shown(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		buf_addc(b, (c < 0x20 && c != '\t') || c == 0x7F ? '?' : (char)c);
	}
}

/*
 * Cut line (len bytes) to at most DIAG_EXCERPT_WIDTH characters around
 * column col, marking cut ends with an ellipsis; *caret is where col lands.
 */
static char *excerpt(const char *line, size_t len, int col, int *caret)
{
	struct buf b = BUF_INIT;
	size_t nchars = 0, start, end, from, to;
	const size_t width = DIAG_EXCERPT_WIDTH;

	for (size_t i = 0; i < len; i++)
		nchars += is_char_start((unsigned char)line[i]);
	if (col < 1)
		col = 1;
	if ((size_t)col > nchars + 1)
		col = (int)(nchars + 1);
	if (nchars <= width) {
		add_shown(&b, line, len);
		*caret = col;
		return buf_detach(&b);
	}
	/* Characters [start, end) are shown, 0-based; col sits near the middle. */
	start = (size_t)col - 1 > width / 2 ? (size_t)col - 1 - width / 2 : 0;
	end = start + width;
	if (end > nchars) {
		end = nchars;
		start = end - width;
	}
	from = char_offset(line, len, start);
	to = char_offset(line + from, len - from, end - start) + from;
	if (start > 0)
		buf_adds(&b, ELLIPSIS);
	add_shown(&b, line + from, to - from);
	if (end < nchars)
		buf_adds(&b, ELLIPSIS);
	*caret = col - (int)start + (start > 0);
	return buf_detach(&b);
}

void diag_attach_source(struct diag *g, const char *src, size_t srclen, int line)
{
	const char *p = src, *end, *eol;

	if (src == NULL || line < 1)
		return;
	end = src + srclen;
	for (int cur = 1; cur < line; cur++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (nl == NULL)
			return;
		p = nl + 1;
	}
	eol = p;
	while (eol < end && *eol != '\n' && *eol != '\r')
		eol++;
	free(g->source_line);
	g->source_line = excerpt(p, (size_t)(eol - p), g->col > 0 ? g->col : 1, &g->caret);
}

void diag_vadd(struct diags *d, enum diag_level level, const char *file,
	       const char *src, size_t srclen, int line, int col,
	       const char *fmt, va_list ap)
{
	struct diag_file *f = file_of(d, file ? file : "-");
	struct diag *g;
	size_t max = d->max ? d->max : DIAG_RECORD_MAX;

	if (level == DIAG_ERROR)
		d->errors++;
	if (f->recorded >= max) {
		if (level == DIAG_ERROR)
			f->dropped_errors++;
		else
			f->dropped_other++;
		return;
	}
	f->recorded++;
	g = XPUSH(d->v, d->n, d->cap);
	memset(g, 0, sizeof *g);
	g->level = level;
	g->file = xstrdup(file ? file : "-");
	g->line = line;
	g->col = col;
	g->msg = xvasprintf(fmt, ap);
	diag_attach_source(g, src, srclen, line);
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

/* The caret line: tabs copied, every other character a space. */
static void add_caret(struct buf *b, const char *line, int caret)
{
	const unsigned char *p = (const unsigned char *)line;
	int c = 1;

	buf_adds(b, "  ");
	for (; *p && c < caret; p++) {
		if (!is_char_start(*p))
			continue;
		buf_addc(b, *p == '\t' ? '\t' : ' ');
		c++;
	}
	for (; c < caret; c++)
		buf_addc(b, ' ');
	buf_adds(b, "^\n");
}

static void format_one(struct buf *b, const struct diag *g)
{
	if (g->line > 0)
		buf_addf(b, "%s:%d:%d: %s: %s\n", g->file, g->line, g->col > 0 ? g->col : 1,
			 level_name(g->level), g->msg);
	else
		buf_addf(b, "%s: %s: %s\n", g->file, level_name(g->level), g->msg);
	if (g->source_line && g->line > 0) {
		buf_addf(b, "  %s\n", g->source_line);
		add_caret(b, g->source_line, g->caret > 0 ? g->caret : 1);
	}
}

static void plural(struct buf *b, size_t n, const char *word)
{
	buf_addf(b, "%zu more %s%s", n, word, n == 1 ? "" : "s");
}

/* "FILE: note: 3 more errors and 1 more warning not shown" */
static void format_hidden(struct buf *b, const char *file, size_t errors, size_t other)
{
	buf_addf(b, "%s: note: ", file);
	if (errors)
		plural(b, errors, "error");
	if (errors && other)
		buf_adds(b, " and ");
	if (other)
		plural(b, other, "warning");
	buf_adds(b, " not shown\n");
}

/* Per file while printing: shown so far, not shown, index of its last diagnostic. */
struct show {
	size_t shown;
	size_t hidden_errors;
	size_t hidden_other;
	size_t last;
};

void diags_print(const struct diags *d, FILE *out)
{
	struct show *s = xcalloc(d->nfiles ? d->nfiles : 1, sizeof *s);
	struct buf b = BUF_INIT;
	size_t *idx;

	for (size_t i = 0; i < d->nfiles; i++) {
		s[i].hidden_errors = d->files[i].dropped_errors;
		s[i].hidden_other = d->files[i].dropped_other;
	}
	for (size_t i = 0; i < d->n; i++) {
		idx = strmap_get(&d->fileidx, d->v[i].file);
		if (idx)
			s[*idx].last = i;
	}
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		struct show *f;

		idx = strmap_get(&d->fileidx, g->file);
		f = idx ? &s[*idx] : NULL;
		buf_reset(&b);
		if (f == NULL || f->shown < DIAG_SHOW_MAX) {
			format_one(&b, g);
			if (f)
				f->shown++;
		} else if (g->level == DIAG_ERROR) {
			f->hidden_errors++;
		} else {
			f->hidden_other++;
		}
		if (f && f->last == i && (f->hidden_errors || f->hidden_other))
			format_hidden(&b, g->file, f->hidden_errors, f->hidden_other);
		if (b.len)
			fwrite(b.data, 1, b.len, out);
	}
	buf_release(&b);
	free(s);
}

void diags_move(struct diags *dst, struct diags *src)
{
	for (size_t i = 0; i < src->n; i++) {
		*XPUSH(dst->v, dst->n, dst->cap) = src->v[i];
		file_of(dst, src->v[i].file)->recorded++;
	}
	for (size_t i = 0; i < src->nfiles; i++) {
		struct diag_file *f = file_of(dst, src->files[i].name);

		f->dropped_errors += src->files[i].dropped_errors;
		f->dropped_other += src->files[i].dropped_other;
	}
	dst->errors += src->errors;
	free(src->v);
	files_release(src);
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
		} else if (is_char_start(ch)) {
			c++;
		}
	}
	*line = l;
	*col = c;
}

void diags_sort(struct diags *d, size_t from)
{
	/* Insertion sort: stable, and the lists are short (at most max per file). */
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
