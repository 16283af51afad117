/*
 * Small helpers for writing Markdown that passes markdownlint's default
 * rules: paragraphs and list items wrapped at 80 columns, numbers printed
 * at a precision the figures deserve.
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

/* Escape '|' for a table cell. */
void md_cell(struct buf *b, const char *s);

#endif
