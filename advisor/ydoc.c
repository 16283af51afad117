/*
 * Safe YAML loading (see ydoc.h).  Two passes over the text: an event pass
 * that enforces the depth, size, alias and single-document rules and stops
 * at the first breach, then libyaml's loader to build the node tree, which
 * is safe once the first pass has accepted the input.  The first pass also
 * holds the text rules: UTF-8 only, no control characters in scalars.
 */
#include "ydoc.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "strmap.h"
#include "suggest.h"
#include "text.h"
#include "xalloc.h"

static void place_of_mark(const struct ydoc *y, yaml_mark_t m, int *line, int *col)
{
	*line = (int)m.line + 1 + y->line_offset;
	*col = (int)m.column + 1;
}

void ydoc_place(const struct ydoc *y, const yaml_node_t *n, int *line, int *col)
{
	place_of_mark(y, n->start_mark, line, col);
}

static void vreport(struct ydoc *y, struct diags *d, enum diag_level lvl, int line,
		    int col, const char *fmt, va_list ap) __attribute__((format(printf, 6, 0)));
static void vreport(struct ydoc *y, struct diags *d, enum diag_level lvl, int line,
		    int col, const char *fmt, va_list ap)
{
	size_t before = d->n;

	/* src may be front matter cut from a file: its line 1 is line_offset + 1. */
	diag_vadd(d, lvl, y->file, NULL, 0, line, col, fmt, ap);
	if (d->n > before)
		diag_attach_source(&d->v[d->n - 1], y->src, y->len, line - y->line_offset);
}

static void report_at(struct ydoc *y, struct diags *d, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void report_at(struct ydoc *y, struct diags *d, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(y, d, DIAG_ERROR, line, col, fmt, ap);
	va_end(ap);
}

void ydoc_error(struct ydoc *y, struct diags *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int line = 0, col = 0;

	if (n)
		ydoc_place(y, n, &line, &col);
	va_start(ap, fmt);
	vreport(y, d, DIAG_ERROR, line, col, fmt, ap);
	va_end(ap);
}

void ydoc_warning(struct ydoc *y, struct diags *d, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	int line = 0, col = 0;

	if (n)
		ydoc_place(y, n, &line, &col);
	va_start(ap, fmt);
	vreport(y, d, DIAG_WARNING, line, col, fmt, ap);
	va_end(ap);
}

/* A libyaml parser error as one diagnostic at the right place. */
static void parser_error(struct ydoc *y, struct diags *d, yaml_parser_t *p)
{
	int line, col;
	size_t off;
	const char *problem = p->problem ? p->problem : "unknown problem";

	if (p->error == YAML_READER_ERROR) {
		/* Reader errors leave problem_mark at 0:0; the offset is right. */
		off = p->problem_offset;
		/* A bad trailing octet: point at the character it belongs to. */
		if (strstr(problem, "trailing") && off > 0 && off <= y->len) {
			size_t k = off - 1;

			while (k > 0 && ((unsigned char)y->src[k] & 0xC0) == 0x80)
				k--;
			if ((unsigned char)y->src[k] >= 0xC0)
				off = k;
		}
		diag_offset_to_place(y->src, y->len, off, &line, &col);
		line += y->line_offset;
		report_at(y, d, line, col, "invalid text: %s (a %s must be UTF-8 text)", problem,
			  y->what);
		return;
	}
	place_of_mark(y, p->problem_mark, &line, &col);
	off = p->problem_mark.index;
	if (off < y->len && y->src[off] == '\t') {
		report_at(y, d, line, col, "tab character: YAML indents with spaces only");
		return;
	}
	if (p->context) {
		int cl, cc;

		place_of_mark(y, p->context_mark, &cl, &cc);
		report_at(y, d, line, col, "invalid YAML: %s (%s at line %d)", problem, p->context, cl);
	} else {
		report_at(y, d, line, col, "invalid YAML: %s", problem);
	}
}

static const char *event_anchor(const yaml_event_t *e)
{
	switch (e->type) {
	case YAML_SCALAR_EVENT:
		return (const char *)e->data.scalar.anchor;
	case YAML_SEQUENCE_START_EVENT:
		return (const char *)e->data.sequence_start.anchor;
	case YAML_MAPPING_START_EVENT:
		return (const char *)e->data.mapping_start.anchor;
	default:
		return NULL;
	}
}

/*
 * Every YAML input is UTF-8.  libyaml would decode UTF-16 after its byte
 * order mark, and stops reading at a NUL byte, so text in another
 * encoding is refused here with one clear message.  A UTF-8 byte order
 * mark is accepted (libyaml skips it): some editors write one.
 */
static int check_encoding(struct ydoc *y, struct diags *d)
{
	const unsigned char *u = (const unsigned char *)y->src;
	const char *nul = memchr(y->src, '\0', y->len);
	int line, col;

	if (y->len >= 2 && ((u[0] == 0xFE && u[1] == 0xFF) || (u[0] == 0xFF && u[1] == 0xFE))) {
		report_at(y, d, 1 + y->line_offset, 1, "the file is UTF-16 text (it starts with "
			  "a UTF-16 byte order mark); save it as UTF-8");
		return -1;
	}
	if (nul == NULL)
		return 0;
	if (nul - y->src < 4) {
		report_at(y, d, 1 + y->line_offset, 1, "the file looks like UTF-16 or UTF-32 "
			  "text (it holds NUL bytes); save it as UTF-8");
		return -1;
	}
	diag_offset_to_place(y->src, y->len, (size_t)(nul - y->src), &line, &col);
	report_at(y, d, line + y->line_offset, col, "NUL byte in the text; the file must be "
		  "UTF-8 text");
	return -1;
}

/*
 * A scalar must not hold characters that would cut it short (an escaped
 * NUL: the value is a C string), drive a terminal (ESC and the other
 * controls but tab and newline) or reorder what a reader sees (bidi
 * overrides and isolates).  libyaml accepts all of them written as escapes
 * in double quotes, and raw bidi characters anywhere.  Returns -1 after
 * reporting at the scalar.
 */
static int check_scalar_text(struct ydoc *y, struct diags *d, const yaml_event_t *e, int line,
			     int col)
{
	const char *s = (const char *)e->data.scalar.value;
	size_t len = e->data.scalar.length;
	uint32_t cp;

	if (text_find_control(s, len, true, &cp) < 0)
		return 0;
	if (cp == 0)
		report_at(y, d, line, col, "string holds a NUL character (U+0000), which would "
			  "cut it short; remove it");
	else if (cp >= 0x202A)
		report_at(y, d, line, col, "string holds %s (U+%04X), which can make text show "
			  "in a misleading order; remove it", text_control_name(cp), (unsigned)cp);
	else
		report_at(y, d, line, col, "string holds %s%s (U+%04X); remove it",
			  cp < 0x80 ? "the control character " : "", text_control_name(cp),
			  (unsigned)cp);
	return -1;
}

/* First pass: structure limits.  Stops at the first problem. */
static int check_events(struct ydoc *y, struct diags *d)
{
	yaml_parser_t p;
	yaml_event_t e;
	int depth = 0, docs = 0, rc = -1, bad_text = 0;
	long events = 0;
	bool done = false;

	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)y->src, y->len);
	while (!done) {
		int line, col;

		if (!yaml_parser_parse(&p, &e)) {
			parser_error(y, d, &p);
			goto out;
		}
		place_of_mark(y, e.start_mark, &line, &col);
		if (++events > YDOC_MAX_NODES) {
			report_at(y, d, line, col, "too many YAML nodes (the limit is %d)", YDOC_MAX_NODES);
			yaml_event_delete(&e);
			goto out;
		}
		if (event_anchor(&e) || e.type == YAML_ALIAS_EVENT) {
			report_at(y, d, line, col, "anchors and aliases (&, *) are not supported; "
				  "write the value out");
			yaml_event_delete(&e);
			goto out;
		}
		switch (e.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				report_at(y, d, line, col, "more than one YAML document; "
					  "a file holds exactly one");
				yaml_event_delete(&e);
				goto out;
			}
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (++depth > YDOC_MAX_DEPTH) {
				report_at(y, d, line, col, "nesting deeper than %d levels",
					  YDOC_MAX_DEPTH);
				yaml_event_delete(&e);
				goto out;
			}
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SCALAR_EVENT:
			bad_text += check_scalar_text(y, d, &e, line, col) < 0;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		default:
			break;
		}
		yaml_event_delete(&e);
	}
	if (docs == 0) {
		report_at(y, d, 1 + y->line_offset, 1, "the file is empty (expected a YAML mapping)");
		goto out;
	}
	if (bad_text)
		goto out;
	rc = 0;
out:
	yaml_parser_delete(&p);
	return rc;
}

/*
 * One mapping's duplicate keys, in time linear in its size: each scalar
 * key goes into a map from key text to key node.  The map is the mapping's
 * own, so that a file of many small mappings never clears a big table.
 */
static int check_map_duplicates(struct ydoc *y, struct diags *d, yaml_node_t *n)
{
	struct strmap seen = STRMAP_INIT;
	int rc = 0;

	for (yaml_node_pair_t *a = n->data.mapping.pairs.start; a < n->data.mapping.pairs.top; a++) {
		yaml_node_t *kn = yaml_document_get_node(&y->doc, a->key);
		const char *k = ydoc_scalar(kn);
		size_t *first;
		bool added;
		int fl, fc;

		if (k == NULL)
			continue;
		first = strmap_put(&seen, k, (size_t)a->key, &added);
		if (added)
			continue;
		ydoc_place(y, yaml_document_get_node(&y->doc, (int)*first), &fl, &fc);
		ydoc_error(y, d, kn, "duplicate key '%s' (first defined at line %d)", k, fl);
		rc = -1;
	}
	strmap_release(&seen);
	return rc;
}

/* libyaml keeps duplicate keys; a typo'd second copy must not win silently. */
static int check_duplicates(struct ydoc *y, struct diags *d)
{
	int rc = 0;

	for (yaml_node_t *n = y->doc.nodes.start; n < y->doc.nodes.top; n++) {
		size_t npairs;

		if (n->type != YAML_MAPPING_NODE)
			continue;
		npairs = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
		if (npairs > YDOC_MAX_KEYS) {
			ydoc_error(y, d, n, "mapping has %zu keys (the limit is %d)", npairs,
				   YDOC_MAX_KEYS);
			rc = -1;
			continue;
		}
		if (npairs > 1 && check_map_duplicates(y, d, n) < 0)
			rc = -1;
	}
	return rc;
}

int ydoc_load(struct ydoc *y, const char *what, const char *file, const char *src,
	      size_t len, int line_offset, struct diags *d)
{
	yaml_parser_t p;
	int rc = -1;

	memset(y, 0, sizeof *y);
	y->what = what;
	y->file = file;
	y->src = src;
	y->len = len;
	y->line_offset = line_offset;
	if (check_encoding(y, d) < 0 || check_events(y, d) < 0)
		return -1;
	yaml_parser_initialize(&p);
	yaml_parser_set_input_string(&p, (const unsigned char *)src, len);
	if (!yaml_parser_load(&p, &y->doc)) {
		parser_error(y, d, &p);
		goto out;
	}
	y->loaded = true;
	if (yaml_document_get_root_node(&y->doc) == NULL) {
		report_at(y, d, 1 + line_offset, 1, "the file is empty (expected a YAML mapping)");
		goto out;
	}
	/* Duplicate keys are reported, but the tree is sound: keep going so
	 * that the caller can report the file's other problems too. */
	if (check_duplicates(y, d) < 0)
		y->problems++;
	rc = 0;
out:
	yaml_parser_delete(&p);
	return rc;
}

void ydoc_release(struct ydoc *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	y->loaded = false;
	free(y->misses);
	y->misses = NULL;
	y->nmisses = y->capmisses = 0;
}

yaml_node_t *ydoc_root(struct ydoc *y)
{
	return y->loaded ? yaml_document_get_root_node(&y->doc) : NULL;
}

const char *ydoc_scalar(const yaml_node_t *n)
{
	if (n == NULL || n->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)n->data.scalar.value;
}

bool ydoc_is_null(const yaml_node_t *n)
{
	const char *s = ydoc_scalar(n);

	if (s == NULL || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	return *s == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static yaml_node_pair_t *find_pair(struct ydoc *y, yaml_node_t *map, const char *key)
{
	if (map == NULL || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		const char *k = ydoc_scalar(yaml_document_get_node(&y->doc, p->key));

		if (k && strcmp(k, key) == 0)
			return p;
	}
	return NULL;
}

yaml_node_t *ydoc_get(struct ydoc *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = find_pair(y, map, key);

	return p ? yaml_document_get_node(&y->doc, p->value) : NULL;
}

yaml_node_t *ydoc_get_key(struct ydoc *y, yaml_node_t *map, const char *key)
{
	yaml_node_pair_t *p = find_pair(y, map, key);

	return p ? yaml_document_get_node(&y->doc, p->key) : NULL;
}

static const char *kind_name(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	if (ydoc_is_null(n))
		return "no value";
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? "a plain value" : "a quoted string";
}

int ydoc_expect_map(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what)
{
	if (n->type == YAML_MAPPING_NODE)
		return 0;
	ydoc_error(y, d, n, "'%s' must be a mapping of keys to values, found %s", what,
		   kind_name(n));
	return -1;
}

int ydoc_expect_seq(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what)
{
	if (n->type == YAML_SEQUENCE_NODE)
		return 0;
	ydoc_error(y, d, n, "'%s' must be a list, found %s", what, kind_name(n));
	return -1;
}

int ydoc_check_keys(struct ydoc *y, struct diags *d, yaml_node_t *map,
		    const char *const *allowed, size_t n, const char *where)
{
	int rc = 0;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(&y->doc, p->key);
		const char *k = ydoc_scalar(kn);
		const char *s;
		bool known = false;

		if (k == NULL) {
			ydoc_error(y, d, kn, "a key must be a plain word");
			rc = -1;
			continue;
		}
		for (size_t i = 0; i < n && !known; i++)
			known = strcmp(k, allowed[i]) == 0;
		if (known)
			continue;
		s = suggest(k, allowed, n);
		if (s) {
			struct ydoc_miss *m = XPUSH(y->misses, y->nmisses, y->capmisses);

			m->map = map;
			m->key = s;
		}
		if (s)
			ydoc_error(y, d, kn, "unknown key '%s'%s%s (did you mean '%s'?)", k,
				   where ? " in " : "", where ? where : "", s);
		else
			ydoc_error(y, d, kn, "unknown key '%s'%s%s", k, where ? " in " : "",
				   where ? where : "");
		rc = -1;
	}
	return rc;
}

bool ydoc_misspelt(const struct ydoc *y, const yaml_node_t *map, const char *key)
{
	for (size_t i = 0; i < y->nmisses; i++)
		if (y->misses[i].map == map && strcmp(y->misses[i].key, key) == 0)
			return true;
	return false;
}

int ydoc_number(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what,
		double min, double max, bool integer, double *out)
{
	const char *s = ydoc_scalar(n);
	char *end = NULL;
	double v;

	if (s == NULL || ydoc_is_null(n)) {
		ydoc_error(y, d, n, "'%s' must be a number, found %s", what, kind_name(n));
		return -1;
	}
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
		ydoc_error(y, d, n, "'%s' must be a number, found a quoted string \"%s\"", what, s);
		return -1;
	}
	/* strtod accepts "inf", "nan", hex and leading blanks: YAML numbers do not. */
	if (strpbrk(s, "xXpP") || !(s[0] == '-' || s[0] == '+' || s[0] == '.' ||
				     (s[0] >= '0' && s[0] <= '9'))) {
		ydoc_error(y, d, n, "'%s' must be a number, found '%s'", what, s);
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0') {
		ydoc_error(y, d, n, "'%s' must be a number, found '%s'", what, s);
		return -1;
	}
	if (errno == ERANGE || !isfinite(v)) {
		ydoc_error(y, d, n, "'%s' is out of range: '%s' is too large to be a number", what, s);
		return -1;
	}
	if (integer && v != floor(v)) {
		ydoc_error(y, d, n, "'%s' must be a whole number, found '%s'", what, s);
		return -1;
	}
	if (v < min || v > max) {
		if (integer)
			ydoc_error(y, d, n, "'%s' is out of range: %s is not between %.0f and %.0f",
				   what, s, min, max);
		else
			ydoc_error(y, d, n, "'%s' is out of range: %s is not between %.15g and %.15g",
				   what, s, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int ydoc_bool(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what, bool *out)
{
	const char *s = ydoc_scalar(n);

	if (s && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
		if (strcmp(s, "true") == 0) {
			*out = true;
			return 0;
		}
		if (strcmp(s, "false") == 0) {
			*out = false;
			return 0;
		}
	}
	ydoc_error(y, d, n, "'%s' must be true or false", what);
	return -1;
}

int ydoc_string(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what,
		const char **out)
{
	const char *s = ydoc_scalar(n);

	if (s == NULL || ydoc_is_null(n)) {
		ydoc_error(y, d, n, "'%s' must be text, found %s", what, kind_name(n));
		return -1;
	}
	*out = s;
	return 0;
}

int ydoc_word(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what,
	      const char *const *vocab, size_t nvocab, int *out)
{
	const char *s = ydoc_scalar(n);
	const char *sug;
	struct buf list = BUF_INIT;

	if (s == NULL || ydoc_is_null(n)) {
		ydoc_error(y, d, n, "%s must be a word, found %s", what, kind_name(n));
		return -1;
	}
	for (size_t i = 0; i < nvocab; i++) {
		if (strcmp(s, vocab[i]) == 0) {
			*out = (int)i;
			return 0;
		}
	}
	for (size_t i = 0; i < nvocab; i++)
		buf_addf(&list, "%s%s", i ? ", " : "", vocab[i]);
	sug = suggest(s, vocab, nvocab);
	if (sug)
		ydoc_error(y, d, n, "unknown %s '%s' (did you mean '%s'?); expected one of: %s",
			   what, s, sug, buf_str(&list));
	else
		ydoc_error(y, d, n, "unknown %s '%s'; expected one of: %s", what, s, buf_str(&list));
	buf_release(&list);
	return -1;
}
