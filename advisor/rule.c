/*
 * Rule loading, validation and evaluation.  Field names and their types are
 * one table (fields[]), so a rule is type-checked when it is loaded: a
 * numeric comparison on a word, or a misspelt field, is an error at its
 * place, not a condition that is silently never true.
 */
#include "rule.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "suggest.h"
#include "util.h"
#include "xalloc.h"
#include "ydoc.h"


const char *const cond_op_names[] = { "eq", "ne", "lt", "le", "gt", "ge", "in", "has",
				      "has_any", "matches" };
_Static_assert(ARRAY_SIZE(cond_op_names) == OP__COUNT, "cond_op_names[] and enum cond_op");

static const char *const rule_keys[] = { "id", "description", "when", "effects", "rationale",
					 "source", "risk", "mitigation" };
static const char *const effect_keys[] = { "runtime", "model", "criterion", "delta" };

enum ftype { F_NUM, F_WORD, F_TEXT, F_LIST, F_BOOL };

/* Lowercase letters, digits and '-': the shape of an id or a language. */
static bool valid_word(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return false;
	return true;
}

struct field_def {
	const char *name;
	enum ftype type;
};

/* Fields beyond the profile's, which come from its table (profile_fields[]). */
static const struct field_def fields[] = {
	{ "machine.cores", F_NUM },
	{ "derived.cpu_cores", F_NUM },
	{ "derived.cpu_cores_per_instance", F_NUM },
	{ "derived.in_flight_per_instance", F_NUM },
	{ "derived.io_ms_per_request", F_NUM },
	{ "derived.best_skill", F_NUM },
	{ "derived.best_language", F_WORD },
	{ "candidate.runtime", F_WORD },
	{ "candidate.model", F_WORD },
	{ "candidate.language", F_WORD },
	{ "candidate.skill", F_NUM },
	{ "candidate.cpu_ms", F_NUM },
	{ "candidate.memory_mb", F_NUM },
	{ "candidate.usable_cores", F_NUM },
	{ "candidate.utilisation", F_NUM },
	{ "candidate.queue_ms", F_NUM },
	{ "candidate.latency_ms", F_NUM },
	{ "candidate.instances_needed", F_NUM },
	{ "candidate.meets_target", F_BOOL },
	{ "candidate.feasible", F_BOOL },
	{ "candidate.eligible", F_BOOL },
	{ "candidate.cores_needed", F_NUM },
	{ "candidate.cores_ratio_to_best", F_NUM },
	{ "candidate.cores_over_best", F_NUM },
	{ "candidate.instances_over_best", F_NUM },
	{ "candidate.instance_cores", F_NUM },
	{ "candidate.cold_start_ms", F_NUM },
	{ "candidate.gc_pause_ms", F_NUM },
	{ "candidate.ecosystem", F_NUM },
};

/* A profile field's rule type; a language is checked for shape here. */
static const struct field_def *profile_def(const char *name)
{
	static const struct field_def by_type[] = {
		[PT_TEXT] = { "text", F_TEXT }, [PT_WORD] = { "word", F_WORD },
		[PT_NUMBER] = { "number", F_NUM }, [PT_INT] = { "integer", F_NUM },
		[PT_WORDS] = { "list", F_LIST }, [PT_SKILLS] = { "skill", F_NUM },
		[PT_PRIORITIES] = { "priority", F_NUM },
		[PT_FACTORS] = { "calibration", F_NUM }, [PT_TEXTS] = { "list", F_LIST },
	};
	const char *key;
	const struct profile_spec *f = profile_field_find(name, &key);
	bool keyed;

	/* workload.mix is a list of mappings: no condition compares it. */
	if (f == NULL || f->type == PT_MIX)
		return NULL;
	keyed = f->type == PT_SKILLS || f->type == PT_PRIORITIES || f->type == PT_FACTORS;
	if (keyed && key == NULL)
		return NULL;
	if ((f->type == PT_SKILLS || f->type == PT_FACTORS) && !valid_word(key))
		return NULL;
	return &by_type[f->type];
}

static const struct field_def *field_def(const char *name)
{
	static const struct field_def probe = { "probe.*", F_NUM };

	if (strncmp(name, "probe.", 6) == 0 && name[6]) {
		for (const char *p = name + 6; *p; p++)
			if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.' ||
			      *p == '_' || *p == '-'))
				return NULL;
		return &probe;
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return profile_def(name);
}

bool rule_field_known(const char *name)
{
	return field_def(name) != NULL;
}

bool rule_field_is_candidate(const char *name)
{
	return strncmp(name, "candidate.", 10) == 0;
}

void ruleset_init(struct ruleset *rs)
{
	memset(rs, 0, sizeof *rs);
	rs->mctx = pcre2_match_context_create(NULL);
	pcre2_set_match_limit(rs->mctx, RULE_MATCH_LIMIT);
	pcre2_set_depth_limit(rs->mctx, RULE_DEPTH_LIMIT);
	/* JIT ignores the depth limit; give it a bounded stack of its own. */
	rs->jit_stack = pcre2_jit_stack_create(32 * 1024, 512 * 1024, NULL);
	if (rs->jit_stack)
		pcre2_jit_stack_assign(rs->mctx, NULL, rs->jit_stack);
}

static void cond_release(struct cond *c)
{
	free(c->field);
	free(c->str);
	strlist_release(&c->list);
	if (c->re)
		pcre2_code_free(c->re);
	for (size_t i = 0; i < c->nkids; i++)
		cond_release(&c->kids[i]);
	free(c->kids);
}

static void rule_release(struct rule *r)
{
	free(r->id);
	free(r->description);
	free(r->rationale);
	free(r->source);
	free(r->risk);
	free(r->mitigation);
	free(r->file);
	if (r->when) {
		cond_release(r->when);
		free(r->when);
	}
	for (size_t i = 0; i < r->neffects; i++) {
		free(r->effects[i].runtime);
		free(r->effects[i].model);
	}
	free(r->effects);
}

void ruleset_release(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		rule_release(&rs->rules[i]);
	free(rs->rules);
	strmap_release(&rs->ids);
	if (rs->mctx)
		pcre2_match_context_free(rs->mctx);
	if (rs->jit_stack)
		pcre2_jit_stack_free(rs->jit_stack);
	memset(rs, 0, sizeof *rs);
}

const struct rule *ruleset_find(const struct ruleset *rs, const char *id)
{
	const size_t *i = strmap_get(&rs->ids, id);

	return i ? &rs->rules[*i] : NULL;
}

/* Loader state for one file. */
struct rfile {
	struct ydoc y;
	struct diags *d;
	int errors;
	bool candidate;		/* the rule being loaded mentions candidate.* */
};

static void err(struct rfile *f, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void err(struct rfile *f, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	struct buf b = BUF_INIT;

	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	ydoc_error(&f->y, f->d, n, "%s", buf_str(&b));
	buf_release(&b);
	f->errors++;
}

static const char *type_name(enum ftype t)
{
	static const char *const names[] = { "a number", "a word", "text", "a list", "true/false" };

	return names[t];
}

static bool scalar_is_number(const yaml_node_t *n, double *out)
{
	const char *s = ydoc_scalar(n);
	char *end;

	if (s == NULL || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || *s == '\0')
		return false;
	*out = strtod(s, &end);
	return *end == '\0' && isfinite(*out) && !strpbrk(s, "xXnNiI");
}


/* Every field name a rule may use, for suggestions; free the strings. */
static size_t field_names(char **names, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < profile_nfields && n < max; i++) {
		const struct profile_spec *p = &profile_fields[i];

		if (p->type == PT_PRIORITIES) {
			for (int k = 0; k < CRIT__COUNT && n < max; k++)
				names[n++] = xasprintf("%s.%s", p->path, profile_criteria[k]);
		} else if (p->type == PT_SKILLS || p->type == PT_FACTORS || p->type == PT_MIX) {
			continue;	/* languages and runtimes are the knowledge base's */
		} else {
			names[n++] = xstrdup(p->path);
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(fields) && n < max; i++)
		names[n++] = xstrdup(fields[i].name);
	return n;
}

static void unknown_field(struct rfile *f, yaml_node_t *n, const char *name)
{
	char *names[128];
	size_t nnames = field_names(names, ARRAY_SIZE(names));
	const char *s = suggest(name, (const char *const *)names, nnames);

	if (s)
		err(f, n, "unknown field '%s' (did you mean '%s'?)", name, s);
	else
		err(f, n, "unknown field '%s' (fields are profile paths, probe.NAME, "
		    "machine.*, derived.* and candidate.*)", name);
	for (size_t i = 0; i < nnames; i++)
		free(names[i]);
}

static int load_cond(struct rfile *f, yaml_node_t *n, struct cond *c, int depth);

static int load_kids(struct rfile *f, yaml_node_t *list, struct cond *c, int depth,
		     const char *what)
{
	size_t cap = 0;

	if (ydoc_expect_seq(&f->y, f->d, list, what) < 0) {
		f->errors++;
		return -1;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		struct cond *k = XPUSH(c->kids, c->nkids, cap);

		memset(k, 0, sizeof *k);
		load_cond(f, yaml_document_get_node(&f->y.doc, *it), k, depth + 1);
	}
	if (c->nkids == 0)
		err(f, list, "'%s' needs at least one condition", what);
	return 0;
}

static void compile_pattern(struct rfile *f, yaml_node_t *vn, struct cond *c)
{
	int errcode;
	PCRE2_SIZE off;
	int line, col;

	c->re = pcre2_compile((PCRE2_SPTR)c->str, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
			      &errcode, &off, NULL);
	if (c->re == NULL) {
		PCRE2_UCHAR msg[256];
		size_t before = f->d->n;

		pcre2_get_error_message(errcode, msg, sizeof msg);
		ydoc_place(&f->y, vn, &line, &col);
		/* The column inside the pattern: skip the opening quote if any. */
		col += (int)off + (vn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1);
		diag_add(f->d, DIAG_ERROR, f->y.file, NULL, 0, line, col,
			 "bad pattern: %s (at offset %zu of the pattern)", (const char *)msg,
			 (size_t)off);
		if (f->d->n > before)
			diag_attach_source(&f->d->v[f->d->n - 1], f->y.src, f->y.len,
					   line - f->y.line_offset);
		f->errors++;
		return;
	}
	/* JIT where the platform has it; the interpreter otherwise. */
	(void)pcre2_jit_compile(c->re, PCRE2_JIT_COMPLETE);
}

/*
 * A condition's parts, once its field and operator are known: what the
 * operand parsers need.
 */
struct leaf {
	yaml_node_t *opn;		/* the operator key */
	yaml_node_t *vn;		/* the operand */
	const char *op;			/* the operator's name */
	const char *name;		/* the field's name */
	const struct field_def *fd;	/* the field */
};

/* A number: lt le gt ge. */
static void operand_number(struct rfile *f, const struct leaf *l, struct cond *c)
{
	if (!scalar_is_number(l->vn, &c->num)) {
		err(f, l->vn, "'%s' needs a number", l->op);
		return;
	}
	c->is_num = true;
}

/* One word or text: has, and the text and word cases of eq and ne. */
static int operand_string(struct rfile *f, const struct leaf *l, struct cond *c)
{
	const char *s;

	if (ydoc_string(&f->y, f->d, l->vn, l->op, &s) < 0) {
		f->errors++;
		return -1;
	}
	c->str = xstrdup(s);
	return 0;
}

static void operand_word(struct rfile *f, const struct leaf *l, struct cond *c)
{
	operand_string(f, l, c);
}

/* A value of the field's own type: eq and ne. */
static void operand_equal(struct rfile *f, const struct leaf *l, struct cond *c)
{
	bool b;

	switch (l->fd->type) {
	case F_NUM:
		if (!scalar_is_number(l->vn, &c->num)) {
			err(f, l->vn, "'%s' is a number; compare it with a number", l->name);
			return;
		}
		c->is_num = true;
		break;
	case F_BOOL:
		if (ydoc_bool(&f->y, f->d, l->vn, l->name, &b) < 0) {
			f->errors++;
			return;
		}
		c->num = b;
		c->is_num = true;
		break;
	case F_LIST:
		err(f, l->opn, "'%s' is a list: use has or has_any", l->name);
		break;
	default:
		operand_string(f, l, c);
		break;
	}
}

/* A list of at least one word: in, has_any. */
static void operand_words(struct rfile *f, const struct leaf *l, struct cond *c)
{
	const yaml_node_t *vn = l->vn;

	if (ydoc_expect_seq(&f->y, f->d, l->vn, l->op) < 0) {
		f->errors++;
		return;
	}
	for (yaml_node_item_t *it = vn->data.sequence.items.start; it < vn->data.sequence.items.top; it++) {
		const char *s;

		if (ydoc_string(&f->y, f->d, yaml_document_get_node(&f->y.doc, *it), l->op, &s) < 0) {
			f->errors++;
			return;
		}
		strlist_push(&c->list, s);
	}
	if (c->list.n == 0)
		err(f, l->vn, "'%s' needs at least one word", l->op);
}

/* A PCRE2 pattern, compiled here so that a bad one is found at load: matches. */
static void operand_pattern(struct rfile *f, const struct leaf *l, struct cond *c)
{
	if (operand_string(f, l, c) == 0)
		compile_pattern(f, l->vn, c);
}

#define FT(t) (1u << (t))
#define FT_ANY (FT(F_NUM) | FT(F_WORD) | FT(F_TEXT) | FT(F_LIST) | FT(F_BOOL))

/*
 * The operators: the field types each applies to, what it tests (said
 * when the field is of another type), and the parser of its operand.
 */
static const struct op_def {
	unsigned types;
	const char *tests;	/* NULL when it applies to every type */
	void (*operand)(struct rfile *f, const struct leaf *l, struct cond *c);
} op_defs[] = {
	[OP_EQ] = { FT_ANY, NULL, operand_equal },
	[OP_NE] = { FT_ANY, NULL, operand_equal },
	[OP_LT] = { FT(F_NUM), "compares numbers", operand_number },
	[OP_LE] = { FT(F_NUM), "compares numbers", operand_number },
	[OP_GT] = { FT(F_NUM), "compares numbers", operand_number },
	[OP_GE] = { FT(F_NUM), "compares numbers", operand_number },
	[OP_IN] = { FT(F_WORD), "tests a word", operand_words },
	[OP_HAS] = { FT(F_LIST), "tests a list", operand_word },
	[OP_HAS_ANY] = { FT(F_LIST), "tests a list", operand_words },
	[OP_MATCHES] = { FT(F_TEXT) | FT(F_WORD), "tests text", operand_pattern },
};
_Static_assert(ARRAY_SIZE(op_defs) == OP__COUNT, "one row per enum cond_op");

/*
 * Find the one operator key of condition n (every key but 'field'): set
 * c->op, *opn and *vn.  Returns -1 after reporting an unknown key or a
 * second operator; 0 otherwise, with *opn NULL when there is none.
 */
static int leaf_operator(struct rfile *f, yaml_node_t *n, struct cond *c, yaml_node_t **opn,
			 yaml_node_t **vn)
{
	int nops = 0;

	*opn = *vn = NULL;
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(&f->y.doc, p->key);
		const char *k = ydoc_scalar(kn);
		bool found = false;

		if (k && strcmp(k, "field") == 0)
			continue;
		for (int i = 0; k && i < OP__COUNT; i++) {
			if (strcmp(k, cond_op_names[i]) == 0) {
				c->op = (enum cond_op)i;
				found = true;
			}
		}
		if (!found) {
			const char *s = k ? suggest(k, cond_op_names, OP__COUNT) : NULL;

			if (s)
				err(f, kn, "unknown operator '%s' (did you mean '%s'?)", k, s);
			else
				err(f, kn, "unknown key '%s' in a condition (expected field and one of "
				    "eq ne lt le gt ge in has has_any matches, or all/any/not)",
				    k ? k : "?");
			return -1;
		}
		if (++nops > 1) {
			err(f, kn, "a condition has exactly one operator");
			return -1;
		}
		*opn = kn;
		*vn = yaml_document_get_node(&f->y.doc, p->value);
	}
	return 0;
}

/*
 * A leaf condition: a field, one operator and its operand.  The field
 * must exist and be of a type the operator applies to (op_defs); the
 * operand's parser checks the rest.  Errors are counted in f.
 */
static void load_leaf(struct rfile *f, yaml_node_t *n, struct cond *c)
{
	yaml_node_t *fn = ydoc_get(&f->y, n, "field");
	const struct op_def *od;
	struct leaf l;

	memset(&l, 0, sizeof l);
	c->kind = COND_LEAF;
	if (leaf_operator(f, n, c, &l.opn, &l.vn) < 0)
		return;
	if (fn == NULL) {
		err(f, n, "a condition needs a 'field'");
		return;
	}
	if (l.opn == NULL) {
		err(f, n, "a condition needs an operator (eq ne lt le gt ge in has has_any matches)");
		return;
	}
	if (ydoc_string(&f->y, f->d, fn, "field", &l.name) < 0) {
		f->errors++;
		return;
	}
	l.fd = field_def(l.name);
	if (l.fd == NULL) {
		unknown_field(f, fn, l.name);
		return;
	}
	c->field = xstrdup(l.name);
	if (rule_field_is_candidate(l.name))
		f->candidate = true;
	ydoc_place(&f->y, l.vn, &c->line, &c->col);
	od = &op_defs[c->op];
	l.op = cond_op_names[c->op];
	if (!(od->types & FT(l.fd->type))) {
		err(f, l.opn, "'%s' %s, but '%s' is %s", l.op, od->tests, l.name,
		    type_name(l.fd->type));
		return;
	}
	od->operand(f, &l, c);
}

static int load_cond(struct rfile *f, yaml_node_t *n, struct cond *c, int depth)
{
	yaml_node_t *v;

	if (depth > 16) {
		err(f, n, "conditions nest deeper than 16 levels");
		return -1;
	}
	if (ydoc_expect_map(&f->y, f->d, n, "condition") < 0) {
		f->errors++;
		return -1;
	}
	if ((v = ydoc_get(&f->y, n, "all")) != NULL || (v = ydoc_get(&f->y, n, "any")) != NULL ||
	    (v = ydoc_get(&f->y, n, "not")) != NULL) {
		const char *k;
		size_t npairs = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);

		if (npairs != 1) {
			err(f, n, "all, any and not stand alone in their mapping");
			return -1;
		}
		k = ydoc_scalar(yaml_document_get_node(&f->y.doc, n->data.mapping.pairs.start->key));
		if (strcmp(k, "not") == 0) {
			c->kind = COND_NOT;
			c->kids = xcalloc(1, sizeof *c->kids);
			c->nkids = 1;
			return load_cond(f, v, c->kids, depth + 1);
		}
		c->kind = strcmp(k, "all") == 0 ? COND_ALL : COND_ANY;
		return load_kids(f, v, c, depth, k);
	}
	load_leaf(f, n, c);
	return 0;
}

/* Check {placeholders}: each must name a field. */
static void check_placeholders(struct rfile *f, yaml_node_t *n, const char *text)
{
	for (const char *p = strchr(text, '{'); p; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		char *name;

		if (e == NULL) {
			err(f, n, "unclosed '{' in the rationale");
			return;
		}
		name = xstrndup(p + 1, (size_t)(e - p - 1));
		if (!rule_field_known(name))
			unknown_field(f, n, name);
		else if (rule_field_is_candidate(name))
			f->candidate = true;
		free(name);
	}
}

static char *opt_text(struct rfile *f, yaml_node_t *map, const char *key, bool required)
{
	yaml_node_t *n = ydoc_get(&f->y, map, key);
	const char *s;

	if (n == NULL || ydoc_is_null(n)) {
		/* A misspelt key was reported already: not missing as well. */
		if (required && n == NULL && ydoc_misspelt(&f->y, map, key))
			f->errors++;
		else if (required)
			err(f, map, "a rule needs '%s'", key);
		return NULL;
	}
	if (ydoc_string(&f->y, f->d, n, key, &s) < 0) {
		f->errors++;
		return NULL;
	}
	return xstrdup(s);
}

static bool valid_rule_id(const char *s)
{
	if (*s == '\0' || strlen(s) > 80 || !islower((unsigned char)*s))
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return false;
	return true;
}

static void load_effects(struct rfile *f, yaml_node_t *list, struct rule *r)
{
	size_t cap = 0;

	if (ydoc_expect_seq(&f->y, f->d, list, "effects") < 0) {
		f->errors++;
		return;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&f->y.doc, *it);
		yaml_node_t *cn, *dn;
		struct effect *ef;
		int crit = 0;

		if (ydoc_expect_map(&f->y, f->d, e, "effect") < 0) {
			f->errors++;
			continue;
		}
		if (ydoc_check_keys(&f->y, f->d, e, effect_keys, ARRAY_SIZE(effect_keys), "an effect") < 0)
			f->errors++;
		ef = XPUSH(r->effects, r->neffects, cap);
		memset(ef, 0, sizeof *ef);
		ydoc_place(&f->y, e, &ef->line, &ef->col);
		ef->runtime = opt_text(f, e, "runtime", false);
		ef->model = opt_text(f, e, "model", false);
		cn = ydoc_get(&f->y, e, "criterion");
		if (cn == NULL && ydoc_misspelt(&f->y, e, "criterion"))
			f->errors++;
		else if (cn == NULL)
			err(f, e, "an effect needs a 'criterion'");
		else if (ydoc_word(&f->y, f->d, cn, "criterion", profile_criteria, CRIT__COUNT, &crit) < 0)
			f->errors++;
		ef->criterion = (enum criterion)crit;
		dn = ydoc_get(&f->y, e, "delta");
		if (dn == NULL && ydoc_misspelt(&f->y, e, "delta"))
			f->errors++;
		else if (dn == NULL)
			err(f, e, "an effect needs a 'delta'");
		else if (ydoc_number(&f->y, f->d, dn, "delta", -5, 5, false, &ef->delta) < 0)
			f->errors++;
	}
}

static void load_rule(struct rfile *f, struct ruleset *rs, yaml_node_t *n)
{
	yaml_node_t *idn, *when, *effects;
	const struct rule *found;
	struct rule *r;
	const char *id;
	bool added;

	if (ydoc_expect_map(&f->y, f->d, n, "rule") < 0) {
		f->errors++;
		return;
	}
	if (ydoc_check_keys(&f->y, f->d, n, rule_keys, ARRAY_SIZE(rule_keys), "a rule") < 0)
		f->errors++;
	idn = ydoc_get(&f->y, n, "id");
	if (idn == NULL) {
		if (ydoc_misspelt(&f->y, n, "id"))
			f->errors++;
		else
			err(f, n, "a rule needs an 'id'");
		return;
	}
	if (ydoc_string(&f->y, f->d, idn, "id", &id) < 0) {
		f->errors++;
		return;
	}
	if (!valid_rule_id(id)) {
		err(f, idn, "rule id '%s' must start with a letter and use only a-z, 0-9 and '-'", id);
		return;
	}
	found = ruleset_find(rs, id);
	if (found) {
		err(f, idn, "duplicate rule id '%s' (first defined at %s:%d)", id, found->file,
		    found->line);
		return;
	}
	f->candidate = false;
	r = XPUSH(rs->rules, rs->n, rs->cap);
	memset(r, 0, sizeof *r);
	r->id = xstrdup(id);
	/* The key is the rule's own copy of the id, which lives as long as rs. */
	strmap_put(&rs->ids, r->id, rs->n - 1, &added);
	r->file = xstrdup(f->y.file);
	ydoc_place(&f->y, idn, &r->line, &r->col);
	r->description = opt_text(f, n, "description", true);
	r->rationale = opt_text(f, n, "rationale", true);
	r->source = opt_text(f, n, "source", true);
	r->risk = opt_text(f, n, "risk", false);
	r->mitigation = opt_text(f, n, "mitigation", false);
	if (r->mitigation && !r->risk)
		err(f, ydoc_get(&f->y, n, "mitigation"), "a mitigation needs a 'risk'");
	when = ydoc_get(&f->y, n, "when");
	if (when && !ydoc_is_null(when)) {
		r->when = xcalloc(1, sizeof *r->when);
		load_cond(f, when, r->when, 0);
	}
	if (r->rationale)
		check_placeholders(f, ydoc_get(&f->y, n, "rationale"), r->rationale);
	if (r->risk)
		check_placeholders(f, ydoc_get(&f->y, n, "risk"), r->risk);
	effects = ydoc_get(&f->y, n, "effects");
	if (effects && !ydoc_is_null(effects))
		load_effects(f, effects, r);
	else if (!r->risk)
		err(f, n, "a rule needs 'effects' (or at least a 'risk')");
	r->per_candidate = f->candidate;
	for (size_t i = 0; i < r->neffects; i++) {
		if (!r->per_candidate && !r->effects[i].runtime && !r->effects[i].model) {
			diag_add(f->d, DIAG_ERROR, f->y.file, NULL, 0, r->effects[i].line,
				 r->effects[i].col, "an effect names a runtime or a model "
				 "(only rules about candidate.* fields may leave both out)");
			f->errors++;
		}
	}
}

int ruleset_load_file(struct ruleset *rs, const char *path, struct diags *d)
{
	struct rfile f = { .d = d };
	char *src = NULL;
	size_t len = 0;
	yaml_node_t *root, *list;
	int rc = -1;
	size_t first = d->n;

	if (file_read(path, FILEIO_MAX_INPUT, &src, &len, d) < 0)
		return -1;
	if (ydoc_load(&f.y, "rule file", path, src, len, 0, d) < 0)
		goto out;
	f.errors += f.y.problems;
	root = ydoc_root(&f.y);
	if (root->type != YAML_MAPPING_NODE) {
		ydoc_error(&f.y, d, root, "a rule file is a mapping with the key 'rules'");
		goto out;
	}
	{
		static const char *const top[] = { "rules" };

		if (ydoc_check_keys(&f.y, d, root, top, 1, NULL) < 0)
			f.errors++;
	}
	list = ydoc_get(&f.y, root, "rules");
	if (list == NULL) {
		if (!ydoc_misspelt(&f.y, root, "rules"))
			ydoc_error(&f.y, d, root, "a rule file needs the key 'rules'");
		goto out;
	}
	if (ydoc_expect_seq(&f.y, d, list, "rules") < 0)
		goto out;
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++)
		load_rule(&f, rs, yaml_document_get_node(&f.y.doc, *it));
	rc = f.errors ? -1 : 0;
out:
	diags_sort(d, first);
	ydoc_release(&f.y);
	free(src);
	return rc;
}

int ruleset_load_dir(struct ruleset *rs, const char *dir, struct diags *d)
{
	static const char *const yaml[] = { ".yaml", ".yml" };
	char **names = NULL;
	long n = file_list(dir, yaml, 2, &names);
	int rc = 0;

	if (n < 0) {
		/* A single file is accepted where a folder is expected. */
		if (file_exists(dir))
			return ruleset_load_file(rs, dir, d);
		diag_error(d, dir, "cannot read the rules folder '%s'", dir);
		return -1;
	}
	for (long i = 0; i < n; i++) {
		if (ruleset_load_file(rs, names[i], d) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/*
 * A team.skills.LANGUAGE field must name a language of the knowledge base,
 * a calibration.RUNTIME field one of its runtimes.
 */
static int check_languages(const struct rule *r, const struct cond *c, const struct kb *kb,
			   struct diags *d)
{
	const char *key;
	const struct profile_spec *f;
	int rc = 0;

	if (c == NULL)
		return 0;
	for (size_t i = 0; i < c->nkids; i++)
		rc |= check_languages(r, &c->kids[i], kb, d);
	f = c->field ? profile_field_find(c->field, &key) : NULL;
	if (f && f->type == PT_SKILLS) {
		for (size_t i = 0; i < kb->nlanguages; i++)
			if (strcmp(kb->languages[i], key) == 0)
				return rc;
		diag_add(d, DIAG_ERROR, r->file, NULL, 0, c->line, c->col,
			 "rule '%s': unknown language '%s' in field '%s'", r->id, key, c->field);
		rc = -1;
	}
	if (f && f->type == PT_FACTORS && kb_runtime(kb, key) == NULL) {
		diag_add(d, DIAG_ERROR, r->file, NULL, 0, c->line, c->col,
			 "rule '%s': unknown runtime '%s' in field '%s'", r->id, key, c->field);
		rc = -1;
	}
	return rc;
}

int ruleset_check(const struct ruleset *rs, const struct kb *kb, struct diags *d)
{
	int rc = 0;

	for (size_t i = 0; i < rs->n; i++) {
		const struct rule *r = &rs->rules[i];

		if (check_languages(r, r->when, kb, d) < 0)
			rc = -1;

		for (size_t j = 0; j < r->neffects; j++) {
			const struct effect *e = &r->effects[j];

			if (e->runtime && !kb_runtime(kb, e->runtime)) {
				diag_add(d, DIAG_ERROR, r->file, NULL, 0, e->line, e->col,
					 "rule '%s': unknown runtime '%s' in an effect", r->id, e->runtime);
				rc = -1;
			}
			if (e->model && !kb_model(kb, e->model)) {
				diag_add(d, DIAG_ERROR, r->file, NULL, 0, e->line, e->col,
					 "rule '%s': unknown model '%s' in an effect", r->id, e->model);
				rc = -1;
			}
		}
	}
	return rc;
}

void value_format(const struct value *v, struct buf *out)
{
	switch (v->type) {
	case VAL_NUM: {
		double a = fabs(v->num);

		if (a == floor(a) && a < 1e15)
			buf_addf(out, "%.0f", v->num);
		else if (a >= 100)
			buf_addf(out, "%.0f", v->num);
		else if (a >= 10)
			buf_addf(out, "%.1f", v->num);
		else if (a >= 0.01)
			buf_addf(out, "%.2f", v->num);
		else
			buf_addf(out, "%.3g", v->num);
		break;
	}
	case VAL_STR:
		buf_adds(out, v->str);
		break;
	case VAL_LIST:
		if (v->list->n == 0)
			buf_adds(out, "none");
		for (size_t i = 0; i < v->list->n; i++)
			buf_addf(out, "%s%s", i ? ", " : "", v->list->v[i]);
		break;
	case VAL_BOOL:
		buf_adds(out, v->b ? "true" : "false");
		break;
	default:
		buf_adds(out, "n/a");
		break;
	}
}

static int match(const struct ruleset *rs, const struct rule *r, const struct cond *c,
		 const char *subject, struct diags *d)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(c->re, NULL);
	int rc = pcre2_match(c->re, (PCRE2_SPTR)subject, strlen(subject), 0, 0, md, rs->mctx);

	pcre2_match_data_free(md);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	{
		PCRE2_UCHAR msg[256];

		pcre2_get_error_message(rc, msg, sizeof msg);
		diag_add(d, DIAG_ERROR, r->file, NULL, 0, c->line, c->col,
			 "rule '%s': pattern stopped on '%s': %s", r->id, c->field, (const char *)msg);
	}
	return -1;
}

static int eval_leaf(const struct ruleset *rs, const struct rule *r, const struct cond *c,
		     field_lookup_fn look, void *ctx, struct buf *why, struct diags *d)
{
	struct value v = { VAL_NONE, 0, NULL, NULL, false };
	int res = 0;

	look(ctx, c->field, &v);
	if (v.type == VAL_NONE) {
		if (why)
			buf_addf(why, "%s is not available", c->field);
		return 0;
	}
	switch (c->op) {
	case OP_EQ:
	case OP_NE:
		if (c->is_num)
			res = (v.type == VAL_BOOL ? (double)v.b : v.num) == c->num;
		else
			res = v.str && strcmp(v.str, c->str) == 0;
		if (c->op == OP_NE)
			res = !res;
		break;
	case OP_LT:
		res = v.num < c->num;
		break;
	case OP_LE:
		res = v.num <= c->num;
		break;
	case OP_GT:
		res = v.num > c->num;
		break;
	case OP_GE:
		res = v.num >= c->num;
		break;
	case OP_IN:
		res = v.str && strlist_has(&c->list, v.str);
		break;
	case OP_HAS:
		res = v.list && strlist_has(v.list, c->str);
		break;
	case OP_HAS_ANY:
		for (size_t i = 0; v.list && i < c->list.n && !res; i++)
			res = strlist_has(v.list, c->list.v[i]);
		break;
	case OP_MATCHES:
		res = match(rs, r, c, v.str ? v.str : "", d);
		if (res < 0)
			return -1;
		break;
	default:
		break;
	}
	if (why) {
		buf_addf(why, "%s = ", c->field);
		if (c->op == OP_MATCHES)
			buf_adds(why, "(text)");
		else
			value_format(&v, why);
		buf_addf(why, " %s %s", res ? "satisfies" : "fails", cond_op_names[c->op]);
		if (c->is_num && v.type != VAL_BOOL) {
			struct value cv = { VAL_NUM, c->num, NULL, NULL, false };

			buf_addc(why, ' ');
			value_format(&cv, why);
		} else if (c->str) {
			buf_addf(why, " '%s'", c->str);
		} else if (c->list.n) {
			struct value lv = { VAL_LIST, 0, NULL, &c->list, false };

			buf_adds(why, " [");
			value_format(&lv, why);
			buf_adds(why, "]");
		}
	}
	return res;
}

static int eval(const struct ruleset *rs, const struct rule *r, const struct cond *c,
		field_lookup_fn look, void *ctx, struct buf *why, struct diags *d)
{
	int res;

	switch (c->kind) {
	case COND_LEAF:
		return eval_leaf(rs, r, c, look, ctx, why, d);
	case COND_NOT:
		res = eval(rs, r, &c->kids[0], look, ctx, why, d);
		if (why && res >= 0)
			buf_adds(why, " (negated)");
		return res < 0 ? -1 : !res;
	case COND_ALL:
	case COND_ANY:
		for (size_t i = 0; i < c->nkids; i++) {
			size_t mark = why ? why->len : 0;

			res = eval(rs, r, &c->kids[i], look, ctx, why, d);
			if (res < 0)
				return -1;
			/* all stops at the first false, any at the first true. */
			if ((c->kind == COND_ALL) != (res == 1))
				return res;
			if (why && i + 1 < c->nkids) {
				if (c->kind == COND_ALL)
					buf_adds(why, "; ");
				else
					why->len = mark, why->data[mark] = '\0';
			}
		}
		return c->kind == COND_ALL;
	}
	return 0;
}

int rule_eval(const struct ruleset *rs, const struct rule *r, field_lookup_fn look, void *ctx,
	      struct buf *why, struct diags *d)
{
	if (r->when == NULL) {
		if (why)
			buf_adds(why, "always applies");
		return 1;
	}
	return eval(rs, r, r->when, look, ctx, why, d);
}

char *rule_render(const struct rule *r, const char *text, field_lookup_fn look, void *ctx)
{
	struct buf out = BUF_INIT;
	const char *p = text;

	(void)r;
	while (*p) {
		const char *open = strchr(p, '{');
		const char *close = open ? strchr(open, '}') : NULL;
		char *name;
		struct value v = { VAL_NONE, 0, NULL, NULL, false };

		if (open == NULL || close == NULL) {
			buf_adds(&out, p);
			break;
		}
		buf_add(&out, p, (size_t)(open - p));
		name = xstrndup(open + 1, (size_t)(close - open - 1));
		look(ctx, name, &v);
		value_format(&v, &out);
		free(name);
		p = close + 1;
	}
	/* Folded YAML leaves a trailing newline: a rationale is one line. */
	while (out.len && (out.data[out.len - 1] == '\n' || out.data[out.len - 1] == ' '))
		out.data[--out.len] = '\0';
	return buf_detach(&out);
}
