/* Markdown writing helpers (see md.h). */
#include "md.h"

#include <math.h>
#include <string.h>

void md_wrap(struct buf *b, const char *first, const char *rest, const char *text)
{
	const char *p = text;
	size_t col;
	bool line_empty = true;

	buf_adds(b, first);
	col = strlen(first);
	while (*p) {
		const char *w = p;
		size_t len;

		while (*p == ' ' || *p == '\n' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		w = p;
		while (*p && *p != ' ' && *p != '\n' && *p != '\t')
			p++;
		len = (size_t)(p - w);
		if (!line_empty && col + 1 + len > MD_WIDTH) {
			buf_addc(b, '\n');
			buf_adds(b, rest);
			col = strlen(rest);
			line_empty = true;
		}
		if (!line_empty) {
			buf_addc(b, ' ');
			col++;
		}
		buf_add(b, w, len);
		col += len;
		line_empty = false;
	}
	buf_addc(b, '\n');
}

void md_num(struct buf *b, double x)
{
	double a = fabs(x);

	if (!isfinite(x))
		buf_adds(b, "unbounded");
	else if (a >= 100 || a == floor(a))
		buf_addf(b, "%.0f", x);
	else if (a >= 10)
		buf_addf(b, "%.1f", x);
	else if (a >= 1)
		buf_addf(b, "%.2f", x);
	else if (a >= 0.01)
		buf_addf(b, "%.2f", x);
	else
		buf_addf(b, "%.2g", x);
}

char *md_numstr(double x)
{
	struct buf b = BUF_INIT;

	md_num(&b, x);
	return buf_detach(&b);
}

void md_cell(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			buf_adds(b, "\\|");
		else if (*s == '\n')
			buf_addc(b, ' ');
		else
			buf_addc(b, *s);
	}
}
