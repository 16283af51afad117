/*
 * A growable byte buffer, always NUL-terminated.  Embedded in other structs:
 * buf_init/buf_release; buf_detach hands the string to the caller.
 */
#ifndef ADVISOR_BUF_H
#define ADVISOR_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
void buf_release(struct buf *b);
/* Return the string (never NULL) and leave b empty; the caller frees it. */
char *buf_detach(struct buf *b);
void buf_add(struct buf *b, const void *data, size_t len);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_reset(struct buf *b);
/* The contents as a string; "" when empty. */
const char *buf_str(const struct buf *b);

#endif
