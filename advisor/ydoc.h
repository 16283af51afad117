/*
 * Safe YAML loading for every YAML input (profiles, rules, knowledge front
 * matter), with typed accessors that report problems at the node's place.
 *
 * ydoc_load never trusts the input: it caps nesting depth and node count in
 * an event pass before building the tree (libyaml's own parser is quadratic
 * on deep flow nesting), rejects aliases and anchors (no "billion laughs"),
 * rejects a second document, and reports duplicate keys, which libyaml
 * accepts silently.  Lines and columns are 1-based.
 *
 * Accessors return 0 on success and -1 after adding a diagnostic; a NULL
 * node (absent key) is never an error for them to report: callers decide
 * whether a key is required.
 */
#ifndef ADVISOR_YDOC_H
#define ADVISOR_YDOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "diag.h"

#define YDOC_MAX_DEPTH 64
#define YDOC_MAX_NODES 200000
#define YDOC_MAX_KEYS 4096

/* An unknown key reported with a suggestion: map had a misspelling of key. */
struct ydoc_miss {
	const yaml_node_t *map;
	const char *key;	/* the suggested key: an entry of the allowed list */
};

struct ydoc {
	yaml_document_t doc;
	bool loaded;
	const char *file;	/* not owned */
	const char *what;	/* "profile", "rule file": names the file in messages */
	const char *src;	/* not owned: the caller keeps the text alive */
	size_t len;
	int line_offset;	/* added to every line (front matter inside a file) */
	int problems;		/* errors recorded by a load that still built a tree */
	struct ydoc_miss *misses;	/* filled by ydoc_check_keys */
	size_t nmisses;
	size_t capmisses;
};

/*
 * Parse src (len bytes, the text of file) as exactly one YAML document.
 * what names the kind of file for messages ("profile", "rule file",
 * "knowledge file").
 * On failure every problem found is in d and -1 is returned; ydoc_release
 * is safe either way.  Duplicate keys are reported but still give 0 with
 * y->problems set, so that the caller can go on to find other problems;
 * the caller must then fail too.
 */
int ydoc_load(struct ydoc *y, const char *what, const char *file, const char *src,
	      size_t len, int line_offset, struct diags *d);
void ydoc_release(struct ydoc *y);

yaml_node_t *ydoc_root(struct ydoc *y);
/* The value of key in mapping map, or NULL. */
yaml_node_t *ydoc_get(struct ydoc *y, yaml_node_t *map, const char *key);
/* The key node paired with key in map, or NULL (for pointing at a key). */
yaml_node_t *ydoc_get_key(struct ydoc *y, yaml_node_t *map, const char *key);

void ydoc_place(const struct ydoc *y, const yaml_node_t *n, int *line, int *col);
void ydoc_error(struct ydoc *y, struct diags *d, const yaml_node_t *n,
		const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void ydoc_warning(struct ydoc *y, struct diags *d, const yaml_node_t *n,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* True when n is a null scalar (~, null, or an empty plain value). */
bool ydoc_is_null(const yaml_node_t *n);

/* Text of a scalar node, or NULL for other kinds. */
const char *ydoc_scalar(const yaml_node_t *n);

/* Error unless n is a mapping / sequence; what names the key for the message. */
int ydoc_expect_map(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what);
int ydoc_expect_seq(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what);

/*
 * Report every key of map not in allowed (n names), with a suggestion.
 * Keys that are not plain scalars are errors too.  Returns -1 if any.
 */
int ydoc_check_keys(struct ydoc *y, struct diags *d, yaml_node_t *map,
		    const char *const *allowed, size_t n, const char *where);

/*
 * True when ydoc_check_keys has reported, in map, an unknown key with the
 * suggestion key: a missing required key is then a consequence of that
 * typo, and the caller reports only the typo (root cause first).
 */
bool ydoc_misspelt(const struct ydoc *y, const yaml_node_t *map, const char *key);

/*
 * A number in [min, max].  Quoted strings, .inf, .nan, overflow and
 * trailing junk are errors.  With integer, fractions are errors too.
 */
int ydoc_number(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what,
		double min, double max, bool integer, double *out);
int ydoc_bool(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what, bool *out);
/* A string scalar (plain or quoted); numbers are accepted as their text. */
int ydoc_string(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what,
		const char **out);
/*
 * A word from vocab (n words): *out is its index.  Unknown words get
 * "unknown WHAT 'x' (did you mean 'y'?)" and the list of valid words.
 */
int ydoc_word(struct ydoc *y, struct diags *d, yaml_node_t *n, const char *what,
	      const char *const *vocab, size_t nvocab, int *out);

#endif
