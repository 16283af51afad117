/*
 * Allocation helpers.  Every function here aborts the program with a message
 * on allocation failure, so callers never test for NULL.
 */
#ifndef ADVISOR_XALLOC_H
#define ADVISOR_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grow an array of nmemb elements of size bytes, checking for overflow. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a fresh heap string; the caller frees it. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Append one element to a growable array: (*v)[(*n)++], growing *cap. */
#define XPUSH(v, n, cap)                                                   \
	(((n) == (cap) ? ((cap) = (cap) ? 2 * (cap) : 8,                     \
			  (v) = xreallocarray((v), (cap), sizeof *(v)))         \
		       : (v)),                                               \
	 &(v)[(n)++])

#endif
