/*
 * Small helpers for writing Markdown that passes markdownlint's default
 * rules: paragraphs and list items wrapped at 80 columns, numbers printed
 * at a precision the figures deserve, and text from a profile, a rule or a
 * probe cache escaped so that it shows literally (no emphasis, links, raw
 * HTML or headings made from a project name) on GitHub and in cmark-gfm.
 *
 * Every string that did not come from the renderer itself goes through
 * md_text (prose, headings, table cells) or md_code (identifiers and
 * paths, as a code span) before it is written.
 */
#ifndef ADVISOR_MD_H
#define ADVISOR_MD_H

#include <stdbool.h>

#include "buf.h"

#define MD_WIDTH 80

/*
 * Append text wrapped at MD_WIDTH: the first line starts with first, the
 * others with rest (e.g. "- " and "  " for a list item).  Ends with '\n'.
 */
void md_wrap(struct buf *b, const char *first, const char *rest, const char *text);

/* A number with sensible precision: 8000, 150, 1.5, 0.92, 0.0031. */
void md_num(struct buf *b, double x);
char *md_numstr(double x);

/*
 * Append s as literal Markdown text: ASCII punctuation that could start
 * markup anywhere (\\ ` * _ [ ] < > | ~ & $ @) is backslash-escaped, and
 * so is punctuation that starts a block at the beginning of a line (# - +
 * = and "1." or "1)") wherever a word starts, since wrapping may put any
 * word first on a line.  The ':' of "://" and the '.' of a leading "www."
 * are escaped so that GitHub makes no link of a bare address.  Line
 * breaks and tabs become spaces.  Safe in a table cell ('|' is escaped).
 */
void md_text(struct buf *b, const char *s);
/* Same as md_text (kept for table cells). */
void md_cell(struct buf *b, const char *s);
/*
 * Append s as a code span: a backtick fence longer than any run of
 * backticks in s, padded with a space when s starts or ends with a
 * backtick or a space.  Line breaks become spaces.
 */
void md_code(struct buf *b, const char *s);

/*
 * Escaped copies that live as long as the pool, for use as printf
 * arguments: buf_addf(&t, "Build %s", md_esc(&pool, p->name)).
 */
struct md_pool {
	char **v;
	size_t n;
	size_t cap;
};

#define MD_POOL_INIT { NULL, 0, 0 }

const char *md_esc(struct md_pool *pool, const char *s);
const char *md_esc_code(struct md_pool *pool, const char *s);
void md_pool_release(struct md_pool *pool);

/*
 * Quote one argument for a POSIX shell: plain words (letters, digits and
 * - _ . / : , = + @ %) as they are, anything else in single quotes with
 * each ' written as '\''.
 */
void md_shell_word(struct buf *b, const char *s);
/*
 * A fenced sh code block holding cmd (words quoted by md_shell_word),
 * broken with " \" continuations before column 77, never inside quotes.
 */
void md_command_block(struct buf *b, const char *cmd);

#endif
