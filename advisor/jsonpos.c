/*
 * Places in JSON text (see jsonpos.h): a scanner that skips values without
 * building them.  It trusts nothing: every index is checked against len,
 * so text that is not JSON gives a poor place but never a bad read.
 */
#include "jsonpos.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xalloc.h"

#define JSONPOS_MAX_PATH 32

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* Offset just past the string that opens at s[i] == '"'. */
static size_t string_end(const char *s, size_t n, size_t i)
{
	for (i++; i < n && s[i] != '"'; i++)
		if (s[i] == '\\')
			i++;
	return i < n ? i + 1 : n;
}

/* Offset just past the value that starts at or after i. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	int depth = 0;

	i = skip_ws(s, n, i);
	if (i < n && s[i] == '"')
		return string_end(s, n, i);
	if (i < n && s[i] != '{' && s[i] != '[') {
		while (i < n && !strchr(",]} \t\r\n", s[i]))
			i++;
		return i;
	}
	while (i < n) {
		if (s[i] == '"') {
			i = string_end(s, n, i);
			continue;
		}
		if (s[i] == '{' || s[i] == '[')
			depth++;
		else if (s[i] == '}' || s[i] == ']')
			depth--;
		i++;
		if (depth == 0)
			break;
	}
	return i;
}

static int hex4(const char *s, size_t n, size_t i, uint32_t *out)
{
	uint32_t v = 0;

	if (i + 4 > n)
		return -1;
	for (size_t k = i; k < i + 4; k++) {
		char c = s[k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * Decode one character of the string body at s[*i] into out (up to 4
 * bytes); advance *i.  Returns the byte count, 0 at a malformed escape.
 */
static size_t decode_char(const char *s, size_t n, size_t *i, char *out)
{
	static const char plain[] = "\"\\/bfnrt";
	static const char value[] = "\"\\/\b\f\n\r\t";
	uint32_t cp, lo;
	const char *e;

	if (s[*i] != '\\') {
		out[0] = s[(*i)++];
		return 1;
	}
	if (*i + 1 >= n)
		return 0;
	e = strchr(plain, s[*i + 1]);
	if (e && s[*i + 1] != '\0') {
		out[0] = value[e - plain];
		*i += 2;
		return 1;
	}
	if (s[*i + 1] != 'u' || hex4(s, n, *i + 2, &cp) < 0)
		return 0;
	*i += 6;
	if (cp >= 0xD800 && cp < 0xDC00 && *i + 1 < n && s[*i] == '\\' && s[*i + 1] == 'u' &&
	    hex4(s, n, *i + 2, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
		*i += 6;
	}
	return utf8_encode(cp, out);
}

/* True when the string opening at s[i] == '"' decodes to key. */
static bool key_equals(const char *s, size_t n, size_t i, const char *key)
{
	size_t klen = strlen(key), k = 0;

	for (i++; i < n && s[i] != '"';) {
		char ch[4];
		size_t m = decode_char(s, n, &i, ch);

		if (m == 0 || k + m > klen || memcmp(key + k, ch, m) != 0)
			return false;
		k += m;
	}
	return i < n && k == klen;
}

/*
 * Find the member key (or element index) of the container at s[i]: the
 * offset of its value, or (size_t)-1 when it is not there.
 */
static size_t find_in(const char *s, size_t n, size_t i, const struct jsonpos_step *step)
{
	size_t count = 0;

	if (i >= n || s[i] != (step->key ? '{' : '['))
		return (size_t)-1;
	i++;
	for (;;) {
		bool match;

		i = skip_ws(s, n, i);
		if (i >= n || s[i] == '}' || s[i] == ']')
			return (size_t)-1;
		if (step->key) {
			if (s[i] != '"')
				return (size_t)-1;
			match = key_equals(s, n, i, step->key);
			i = skip_ws(s, n, string_end(s, n, i));
			if (i < n && s[i] == ':')
				i = skip_ws(s, n, i + 1);
		} else {
			match = count++ == step->index;
		}
		if (match)
			return i;
		i = skip_ws(s, n, skip_value(s, n, i));
		if (i >= n || s[i] != ',')
			return (size_t)-1;
		i++;
	}
}

size_t jsonpos_locate(const char *src, size_t len, const struct jsonpos_step *path,
		      size_t depth, size_t *found)
{
	size_t i = skip_ws(src, len, 0);
	size_t k;

	/* A UTF-8 byte order mark is not JSON, but do not stumble on it. */
	if (len >= 3 && memcmp(src, "\xEF\xBB\xBF", 3) == 0)
		i = skip_ws(src, len, 3);
	for (k = 0; k < depth; k++) {
		size_t next = find_in(src, len, i, &path[k]);

		if (next == (size_t)-1)
			break;
		i = next;
	}
	if (found)
		*found = k;
	return i < len ? i : len;
}

/* Parse "a.b[2].c" into steps; keys point into the copy buf.  -1 if malformed. */
static int parse_path(char *buf, struct jsonpos_step *steps, size_t *depth)
{
	char *p = buf;
	size_t n = 0;

	while (*p) {
		if (n == JSONPOS_MAX_PATH)
			return -1;
		if (*p == '[') {
			char *end;
			unsigned long v = strtoul(p + 1, &end, 10);

			if (end == p + 1 || *end != ']' || p[1] == '-' || p[1] == '+')
				return -1;
			steps[n].key = NULL;
			steps[n++].index = v;
			p = end + 1;
			if (*p == '.')
				p++;
			continue;
		}
		steps[n].key = p;
		steps[n++].index = 0;
		p += strcspn(p, ".[");
		if (p == steps[n - 1].key)
			return -1;
		if (*p == '.') {
			*p++ = '\0';
			if (*p == '\0' || *p == '.' || *p == '[')
				return -1;
		} else if (*p == '[') {
			/* terminate the key without losing the bracket */
			memmove(p + 1, p, strlen(p) + 1);
			*p++ = '\0';
		}
	}
	*depth = n;
	return 0;
}

int jsonpos_find(const char *src, size_t len, const char *path, int *line, int *col)
{
	struct jsonpos_step steps[JSONPOS_MAX_PATH];
	size_t depth = 0, found = 0, off;
	/* room for the extra NUL parse_path inserts before each bracket */
	size_t plen = strlen(path);
	char *buf = xmalloc(2 * plen + 1);
	int rc = -1;

	*line = 1;
	*col = 1;
	memcpy(buf, path, plen + 1);
	if (parse_path(buf, steps, &depth) == 0) {
		off = jsonpos_locate(src, len, steps, depth, &found);
		diag_offset_to_place(src, len, off, line, col);
		rc = found == depth ? 0 : -1;
	}
	free(buf);
	return rc;
}
