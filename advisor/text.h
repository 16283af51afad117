/*
 * Rules for text that reaches a report: no control characters that could
 * cut a string short (NUL), drive a terminal (ESC and the other C0 and C1
 * controls) or reorder what a reader sees (the Unicode bidirectional
 * overrides and isolates, the "Trojan Source" characters).  Shared by the
 * YAML loader and the probe cache reader.
 */
#ifndef ADVISOR_TEXT_H
#define ADVISOR_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Find the first forbidden character in s (len bytes, UTF-8): any C0
 * control but tab and newline (and those two too when allow_breaks is
 * false), DEL, the C1 controls U+0080..U+009F, U+202A..U+202E and
 * U+2066..U+2069.  Returns its byte offset and its code point in *cp, or
 * -1 when there is none.  Bytes that are not UTF-8 are skipped (the
 * readers reject those themselves).
 */
long text_find_control(const char *s, size_t len, bool allow_breaks, uint32_t *cp);

/* A short description of a forbidden character: "NUL", "ESC", "a bidirectional override"... */
const char *text_control_name(uint32_t cp);

#endif
