/*
 * The rule base: declarative YAML rules (docs/rules.md).  A rule has an id,
 * a condition over profile fields, probe figures and derived estimates, and
 * effects that move candidates' criterion scores, with a rationale whose
 * {placeholders} are filled from real values.
 *
 * Loading validates everything it can without a knowledge base (keys,
 * operators, field names, patterns, ids); ruleset_check validates what
 * needs one (runtime and model ids in effects).  Every problem is a
 * FILE:LINE:COL diagnostic.
 */
#ifndef ADVISOR_RULE_H
#define ADVISOR_RULE_H

#include <stdbool.h>
#include <stddef.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "diag.h"
#include "kb.h"
#include "profile.h"
#include "strmap.h"

/* PCRE2 limits: a runaway pattern is stopped, reported, never a hang. */
#define RULE_MATCH_LIMIT 100000
#define RULE_DEPTH_LIMIT 2000

enum cond_kind { COND_ALL, COND_ANY, COND_NOT, COND_LEAF };
enum cond_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_IN, OP_HAS, OP_HAS_ANY,
	       OP_MATCHES, OP__COUNT };

extern const char *const cond_op_names[];

struct cond {
	enum cond_kind kind;
	enum cond_op op;
	char *field;
	bool is_num;		/* operand is a number (else a word) */
	double num;
	char *str;
	struct strlist list;	/* in, has_any */
	pcre2_code *re;
	struct cond *kids;
	size_t nkids;
	int line;
	int col;		/* of the operand, for pattern errors */
};

struct effect {
	char *runtime;		/* NULL: any runtime (or the current candidate's) */
	char *model;
	enum criterion criterion;
	double delta;
	int line;
	int col;
};

struct rule {
	char *id;
	char *description;
	char *rationale;
	char *source;
	char *risk;
	char *mitigation;
	char *file;
	int line;
	int col;
	struct cond *when;	/* NULL: always */
	struct effect *effects;
	size_t neffects;
	bool per_candidate;	/* mentions candidate.* fields */
};

struct ruleset {
	struct rule *rules;
	size_t n;
	size_t cap;
	struct strmap ids;	/* rule id to index in rules */
	pcre2_match_context *mctx;
	pcre2_jit_stack *jit_stack;
};

void ruleset_init(struct ruleset *rs);
void ruleset_release(struct ruleset *rs);

/* Load one rule file / every *.yaml file of a folder (name order). */
int ruleset_load_file(struct ruleset *rs, const char *path, struct diags *d);
int ruleset_load_dir(struct ruleset *rs, const char *dir, struct diags *d);

/* Checks that need the knowledge base and the whole set: unique ids, known
 * runtimes and models in effects. */
int ruleset_check(const struct ruleset *rs, const struct kb *kb, struct diags *d);

const struct rule *ruleset_find(const struct ruleset *rs, const char *id);

/* A field's value while evaluating. */
enum value_type { VAL_NONE, VAL_NUM, VAL_STR, VAL_LIST, VAL_BOOL };

struct value {
	enum value_type type;
	double num;
	const char *str;
	const struct strlist *list;
	bool b;
};

/* Resolves field names to values; supplied by the advice engine. */
typedef void (*field_lookup_fn)(void *ctx, const char *field, struct value *out);

/* Is name a field rules may use?  (probe.* names are checked for shape only.) */
bool rule_field_known(const char *name);
bool rule_field_is_candidate(const char *name);

/*
 * Evaluate a condition.  Returns 1 (true), 0 (false) or -1 when a pattern
 * hit PCRE2's limits (a diagnostic names the rule file and place).  When
 * why is not NULL, a one-line account of the first deciding leaf is
 * appended to it (for --explain).
 */
struct buf;
int rule_eval(const struct ruleset *rs, const struct rule *r, field_lookup_fn look, void *ctx,
	      struct buf *why, struct diags *d);

/* Fill {field} placeholders of the rationale from real values. */
char *rule_render(const struct rule *r, const char *text, field_lookup_fn look, void *ctx);

/* Format a value as the report shows it ("8000", "1.5", "0.9", "websocket, rest-api"). */
void value_format(const struct value *v, struct buf *out);

#endif
