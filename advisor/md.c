/* Markdown writing helpers (see md.h). */
#include "md.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xalloc.h"

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

/* Punctuation that can open or close inline markup wherever it is. */
static bool inline_special(char c)
{
	return c && strchr("\\`*_[]<>|~&$@", c) != NULL;
}

/* Punctuation that opens a block (heading, list, quote, rule) at a line's start. */
static bool block_special(char c)
{
	return c && strchr("#-+=", c) != NULL;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

void md_text(struct buf *b, const char *s)
{
	bool word_start = true;

	for (const char *p = s; *p; p++) {
		char c = *p;

		if (is_space(c)) {
			buf_addc(b, ' ');
			word_start = true;
			continue;
		}
		if (inline_special(c) || (word_start && block_special(c)) ||
		    (c == ':' && strncmp(p + 1, "//", 2) == 0)) {
			buf_addc(b, '\\');
		} else if (word_start && strncasecmp(p, "www.", 4) == 0) {
			/* GitHub links a bare www. address (and markdownlint flags it) */
			buf_add(b, p, 3);
			buf_addc(b, '\\');
			p += 3;
			c = *p;
		} else if (word_start && c >= '0' && c <= '9') {
			/* "1." or "1)" starting a word would start an ordered list */
			const char *q = p;

			while (*q >= '0' && *q <= '9')
				q++;
			if ((*q == '.' || *q == ')') && (q[1] == '\0' || is_space(q[1]))) {
				buf_add(b, p, (size_t)(q - p));
				buf_addc(b, '\\');
				p = q;
				c = *q;
			}
		}
		buf_addc(b, c);
		word_start = false;
	}
}

void md_cell(struct buf *b, const char *s)
{
	md_text(b, s);
}

void md_code(struct buf *b, const char *s)
{
	size_t run = 0, longest = 0, len = strlen(s);
	bool pad;

	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	pad = len && (s[0] == '`' || s[0] == ' ' || s[len - 1] == '`' || s[len - 1] == ' ');
	for (size_t i = 0; i <= longest; i++)
		buf_addc(b, '`');
	if (pad)
		buf_addc(b, ' ');
	for (const char *p = s; *p; p++)
		buf_addc(b, *p == '\n' || *p == '\r' || *p == '\t' ? ' ' : *p);
	if (pad)
		buf_addc(b, ' ');
	for (size_t i = 0; i <= longest; i++)
		buf_addc(b, '`');
}

static const char *pool_keep(struct md_pool *pool, struct buf *t)
{
	char *s = buf_detach(t);

	*XPUSH(pool->v, pool->n, pool->cap) = s;
	return s;
}

const char *md_esc(struct md_pool *pool, const char *s)
{
	struct buf t = BUF_INIT;

	md_text(&t, s ? s : "");
	return pool_keep(pool, &t);
}

const char *md_esc_code(struct md_pool *pool, const char *s)
{
	struct buf t = BUF_INIT;

	md_code(&t, s ? s : "");
	return pool_keep(pool, &t);
}

void md_pool_release(struct md_pool *pool)
{
	for (size_t i = 0; i < pool->n; i++)
		free(pool->v[i]);
	free(pool->v);
	pool->v = NULL;
	pool->n = pool->cap = 0;
}

void md_shell_word(struct buf *b, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789-_./:,=+@%";

	if (*s && strspn(s, safe) == strlen(s)) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* End of the shell word starting at p: spaces inside quotes or after '\' belong to it. */
static const char *shell_word_end(const char *p)
{
	bool quoted = false;

	for (; *p && (quoted || *p != ' '); p++) {
		if (*p == '\'')
			quoted = !quoted;
		else if (*p == '\\' && !quoted && p[1])
			p++;
	}
	return p;
}

void md_command_block(struct buf *b, const char *cmd)
{
	const char *p = cmd;
	size_t col = 0;

	buf_adds(b, "\n```sh\n");
	while (*p) {
		const char *w = p;
		size_t len;

		p = shell_word_end(p);
		len = (size_t)(p - w);
		if (col && col + 1 + len > 76) {
			buf_adds(b, " \\\n  ");
			col = 2;
		} else if (col) {
			buf_addc(b, ' ');
			col++;
		}
		buf_add(b, w, len);
		col += len;
		while (*p == ' ')
			p++;
	}
	buf_adds(b, "\n```\n");
}
