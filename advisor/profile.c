/*
 * Profile loading and validation.  The YAML tree is walked once, section by
 * section; each problem is recorded and the walk goes on, so one run shows
 * every mistake in the file.  Defaults live in one table-like function,
 * apply_defaults, which docs/profile.md mirrors.
 */
#include "profile.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "util.h"
#include "xalloc.h"
#include "ydoc.h"


const char *const profile_kinds[] = { "io", "cpu", "mixed" };
const size_t profile_nkinds = ARRAY_SIZE(profile_kinds);
const char *const profile_strategies[] = { "cores", "machines", "both" };
const size_t profile_nstrategies = ARRAY_SIZE(profile_strategies);
const char *const profile_deployments[] = { "vm", "kubernetes", "serverless", "edge", "desktop" };
const size_t profile_ndeployments = ARRAY_SIZE(profile_deployments);
const char *const profile_criteria[] = { "performance", "velocity", "team_fit", "ecosystem",
					 "operations" };

_Static_assert(ARRAY_SIZE(profile_kinds) == KIND_MIXED + 1, "profile_kinds[] and enum workload_kind");
_Static_assert(ARRAY_SIZE(profile_strategies) == SCALE_BOTH + 1,
	       "profile_strategies[] and enum scaling_strategy");
_Static_assert(ARRAY_SIZE(profile_deployments) == DEPLOY_DESKTOP + 1,
	       "profile_deployments[] and enum deployment");
_Static_assert(ARRAY_SIZE(profile_criteria) == CRIT__COUNT, "profile_criteria[] and enum criterion");
/* Word fields are stored through an int pointer. */
_Static_assert(sizeof(enum workload_kind) == sizeof(int) &&
	       sizeof(enum scaling_strategy) == sizeof(int) &&
	       sizeof(enum deployment) == sizeof(int), "word fields are int-sized");

#define OFF(m) offsetof(struct profile, m)

/*
 * The profile's fields, in the order of docs/profile.md, the report's
 * digest and the JSON "assumed" list.  A range also bounds what the
 * what-if analysis may suggest.
 */
const struct profile_spec profile_fields[] = {
	{ "project.name", PT_TEXT, .def = PD_FILE_NAME, .offset = OFF(name),
	  .assumed = PF_NAME, .doc = "shown in the report's title" },
	{ "project.description", PT_TEXT, .def = PD_EMPTY_TEXT, .offset = OFF(description),
	  .assumed = PF_DESCRIPTION, .flags = PFL_PROSE,
	  .doc = "free text; rules may match it with patterns" },
	{ "workload.kind", PT_WORD, PV_KINDS, "workload kind", .offset = OFF(kind),
	  .assumed = -1, .flags = PFL_REQUIRED, .doc = "what dominates a request" },
	{ "workload.peak_concurrency", PT_NUMBER, .range = { .min = 1, .max = 1e7, .integer = true },
	  .offset = OFF(peak_concurrency), .assumed = -1, .flags = PFL_REQUIRED,
	  .json_digits = 0, .doc = "in-flight tasks at peak" },
	{ "workload.requests_per_second", PT_NUMBER, .range = { .min = 0.001, .max = 1e8 },
	  .def = PD_PEAK, .offset = OFF(requests_per_second), .assumed = PF_RPS,
	  .json_digits = 3, .doc = "rate at peak" },
	{ "workload.cpu_ms_per_request", PT_NUMBER, .range = { .min = 0, .max = 3.6e6 },
	  .def = PD_BY_KIND, .defv = { [KIND_IO] = 2, [KIND_CPU] = 50, [KIND_MIXED] = 10 },
	  .offset = OFF(cpu_ms_per_request), .assumed = PF_CPU_MS, .json_digits = 3,
	  .doc = "CPU time of one request, ms" },
	{ "workload.io_wait_fraction", PT_NUMBER, .range = { .min = 0, .max = 1 },
	  .def = PD_BY_KIND, .defv = { [KIND_IO] = 0.9, [KIND_CPU] = 0.1, [KIND_MIXED] = 0.5 },
	  .offset = OFF(io_wait_fraction), .assumed = PF_IO_WAIT, .json_digits = 3,
	  .doc = "share of a request spent waiting on I/O; 1 (unbounded I/O time) is refused" },
	{ "workload.latency_p99_ms", PT_NUMBER, .range = { .min = 0.01, .max = 3.6e6 },
	  .def = PD_BY_KIND, .defv = { [KIND_IO] = 200, [KIND_CPU] = 2000, [KIND_MIXED] = 500 },
	  .offset = OFF(latency_p99_ms), .assumed = PF_LATENCY, .json_digits = 3,
	  .doc = "p99 latency budget, ms" },
	{ "workload.traits", PT_WORDS, PV_TRAITS, "trait", .offset = OFF(traits),
	  .assumed = PF_TRAITS, .doc = "what kind of system it is" },
	{ "workload.native_share", PT_NUMBER, .range = { .min = 0, .max = 1 },
	  .offset = OFF(native_share), .assumed = PF_NATIVE_SHARE, .flags = PFL_QUIET,
	  .json_digits = 3, .doc = "share of CPU spent inside C/Rust-backed libraries" },
	{ "workload.mix", PT_MIX, .range = { .min = 0, .max = 3.6e6 }, .offset = OFF(mix),
	  .assumed = PF_MIX, .flags = PFL_QUIET, .json_digits = 3,
	  .doc = "request classes; replaces `cpu_ms_per_request` by their mean" },
	{ "team.size", PT_INT, .range = { .min = 1, .max = 100000, .integer = true }, .def = PD_CONST, .defv = { 5 },
	  .offset = OFF(team_size), .assumed = PF_TEAM_SIZE,
	  .doc = "people who build and run it" },
	{ "team.skills", PT_SKILLS, PV_LANGUAGES, .range = { .min = 0, .max = 5, .integer = true },
	  .offset = OFF(skills), .assumed = PF_SKILLS,
	  .doc = "skill per language: 0 none, 3 comfortable, 5 expert" },
	{ "team.can_hire", PT_WORDS, PV_LANGUAGES, "language", .offset = OFF(can_hire),
	  .assumed = PF_CAN_HIRE, .doc = "languages the team could hire for" },
	{ "scaling.strategy", PT_WORD, PV_STRATEGIES, "scaling strategy", .def = PD_CONST,
	  .defv = { SCALE_BOTH }, .offset = OFF(strategy), .assumed = PF_STRATEGY,
	  .doc = "grow by cores, by machines or both" },
	{ "scaling.instances", PT_INT, .range = { .min = 1, .max = 100000, .integer = true }, .def = PD_CONST,
	  .defv = { 2 }, .offset = OFF(instances), .assumed = PF_INSTANCES,
	  .doc = "instances planned at peak" },
	{ "scaling.deployment", PT_WORD, PV_DEPLOYMENTS, "deployment", .def = PD_CONST,
	  .defv = { DEPLOY_VM }, .offset = OFF(deployment), .assumed = PF_DEPLOYMENT,
	  .doc = "where it runs" },
	{ "scaling.cores_per_instance", PT_NUMBER, .range = { .min = 0.25, .max = 1024 },
	  .def = PD_MACHINE, .offset = OFF(cores_per_instance),
	  .assumed = PF_CORES_PER_INSTANCE, .flags = PFL_QUIET | PFL_ZERO_NONE,
	  .json_digits = 2, .doc = "vCPUs of one instance" },
	{ "constraints.memory_mb_per_instance", PT_NUMBER, .range = { .min = 16, .max = 4194304 },
	  .offset = OFF(memory_mb_per_instance), .assumed = PF_MEMORY,
	  .flags = PFL_ZERO_NONE, .json_digits = 3, .doc = "memory per instance, MB" },
	{ "constraints.cold_start_ms", PT_NUMBER, .range = { .min = 1, .max = 3.6e6 },
	  .offset = OFF(cold_start_ms), .assumed = PF_COLD_START, .flags = PFL_ZERO_NONE,
	  .json_digits = 3, .doc = "start-up budget, ms" },
	{ "constraints.ecosystem", PT_WORDS, PV_NEEDS, "ecosystem need", .offset = OFF(ecosystem),
	  .assumed = PF_ECOSYSTEM, .doc = "libraries the project needs" },
	{ "constraints.exclude", PT_WORDS, PV_RUNTIMES, "runtime", .offset = OFF(exclude),
	  .assumed = PF_EXCLUDE, .doc = "runtimes ruled out" },
	{ "constraints.cost_per_core_month", PT_NUMBER, .range = { .min = 0, .max = 1e9, .above_min = true },
	  .offset = OFF(cost_per_core_month), .assumed = PF_COST_PER_CORE,
	  .flags = PFL_QUIET | PFL_ZERO_NONE, .json_digits = 2,
	  .doc = "cost of one core for a month, any currency" },
	{ "priorities", PT_PRIORITIES, .range = { .min = 0, .max = 5 }, .def = PD_CONST, .defv = { 3 },
	  .offset = OFF(priorities), .assumed = PF_PRIORITIES, .json_digits = 2,
	  .doc = "weight of each criterion" },
	{ "calibration", PT_FACTORS, PV_RUNTIMES, "runtime", .range = { .min = 0.05, .max = 1000 },
	  .offset = OFF(calibration), .assumed = PF_CALIBRATION, .flags = PFL_QUIET,
	  .json_digits = 3, .doc = "a runtime's CPU factor, overriding the knowledge base" },
	{ "decision.makers", PT_TEXTS, .offset = OFF(makers), .assumed = PF_MAKERS,
	  .flags = PFL_QUIET, .doc = "who decides (the decision record's decision-makers)" },
	{ "decision.consulted", PT_TEXTS, .offset = OFF(consulted), .assumed = PF_CONSULTED,
	  .flags = PFL_QUIET, .doc = "whose opinion is sought" },
	{ "decision.informed", PT_TEXTS, .offset = OFF(informed), .assumed = PF_INFORMED,
	  .flags = PFL_QUIET, .doc = "who is kept up to date" },
};
const size_t profile_nfields = ARRAY_SIZE(profile_fields);

static bool is_criterion(const char *key)
{
	for (int i = 0; i < CRIT__COUNT; i++)
		if (strcmp(profile_criteria[i], key) == 0)
			return true;
	return false;
}

const struct profile_spec *profile_field_find(const char *path, const char **key)
{
	if (key)
		*key = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(profile_fields); i++) {
		const struct profile_spec *f = &profile_fields[i];
		size_t len = strlen(f->path);

		if (f->type != PT_SKILLS && f->type != PT_PRIORITIES && f->type != PT_FACTORS) {
			if (strcmp(path, f->path) == 0)
				return f;
			continue;
		}
		if (strncmp(path, f->path, len) != 0 || path[len] != '.' || path[len + 1] == '\0')
			continue;
		if (f->type == PT_PRIORITIES && !is_criterion(path + len + 1))
			return NULL;
		if (key)
			*key = path + len + 1;
		return f;
	}
	return NULL;
}

const struct profile_range *profile_range_of(const char *path)
{
	const struct profile_spec *f = profile_field_find(path, NULL);

	if (f == NULL || f->type == PT_TEXT || f->type == PT_WORD || f->type == PT_WORDS ||
	    f->type == PT_MIX || f->type == PT_TEXTS)
		return NULL;
	return &f->range;
}

bool profile_in_range(const struct profile_range *r, double v)
{
	return v >= r->min && v <= r->max && (!r->integer || v == floor(v)) &&
	       !(r->above_min && v == r->min);
}

const void *profile_field_ptr(const struct profile *p, const struct profile_spec *f)
{
	return (const char *)p + f->offset;
}

static void *field_ptr(struct profile *p, const struct profile_spec *f)
{
	return (char *)p + f->offset;
}

double profile_field_num(const struct profile *p, const struct profile_spec *f)
{
	if (f->type == PT_INT)
		return *(const int *)profile_field_ptr(p, f);
	return *(const double *)profile_field_ptr(p, f);
}

/* The words of a fixed vocabulary; the others come from the knowledge base. */
static const char *const *fixed_vocab(enum pf_vocab v, size_t *n)
{
	switch (v) {
	case PV_KINDS:
		*n = ARRAY_SIZE(profile_kinds);
		return profile_kinds;
	case PV_STRATEGIES:
		*n = ARRAY_SIZE(profile_strategies);
		return profile_strategies;
	case PV_DEPLOYMENTS:
		*n = ARRAY_SIZE(profile_deployments);
		return profile_deployments;
	default:
		*n = 0;
		return NULL;
	}
}

const char *profile_field_str(const struct profile *p, const struct profile_spec *f)
{
	size_t n;
	const char *const *words;

	if (f->type == PT_TEXT)
		return *(char *const *)profile_field_ptr(p, f);
	words = fixed_vocab(f->vocab, &n);
	return words[*(const int *)profile_field_ptr(p, f)];
}

bool profile_field_assumed(const struct profile *p, const struct profile_spec *f)
{
	return f->assumed >= 0 && p->assumed[f->assumed];
}

bool profile_field_hidden(const struct profile *p, const struct profile_spec *f)
{
	return (f->flags & PFL_QUIET) && profile_field_assumed(p, f);
}

double profile_calibration(const struct profile *p, const char *runtime)
{
	const struct strlist *l = &p->calibration.runtimes;

	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], runtime) == 0)
			return p->calibration.factor[i];
	return 0;
}

/* The last part of a path: the key in its section. */
static const char *field_key(const struct profile_spec *f)
{
	const char *dot = strchr(f->path, '.');

	return dot ? dot + 1 : f->path;
}

static const char *const top_keys[] = { "version", "project", "workload", "team", "scaling",
					"constraints", "priorities", "calibration", "decision",
					"accept" };
static const char *const accept_keys[] = { "rule", "because" };
static const char *const class_keys[] = { "share", "cpu_ms", "name" };
/* A class's share of requests: more than 0, at most 1. */
static const struct profile_range share_range = { .min = 0, .max = 1, .above_min = true };

void strlist_push(struct strlist *l, const char *word)
{
	*XPUSH(l->v, l->n, l->cap) = xstrdup(word);
}

bool strlist_has(const struct strlist *l, const char *word)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], word) == 0)
			return true;
	return false;
}

void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
}

void profile_release(struct profile *p)
{
	free(p->file);
	free(p->name);
	free(p->description);
	strlist_release(&p->traits);
	strlist_release(&p->languages);
	free(p->skills);
	free(p->skill_stated);
	strlist_release(&p->can_hire);
	strlist_release(&p->ecosystem);
	strlist_release(&p->exclude);
	for (size_t i = 0; i < p->mix.n; i++)
		free(p->mix.v[i].name);
	free(p->mix.v);
	strlist_release(&p->calibration.runtimes);
	free(p->calibration.factor);
	strlist_release(&p->makers);
	strlist_release(&p->consulted);
	strlist_release(&p->informed);
	for (size_t i = 0; i < p->naccept; i++) {
		free(p->accept[i].rule);
		free(p->accept[i].because);
	}
	free(p->accept);
	profile_init(p);
}

double profile_skill(const struct profile *p, const char *language)
{
	for (size_t i = 0; i < p->languages.n; i++)
		if (strcmp(p->languages.v[i], language) == 0)
			return p->skills[i];
	return -1;
}

/* Loader state shared by the section walkers. */
struct loader {
	struct ydoc y;
	struct diags *d;
	struct profile *p;
	const struct profile_known *known;
	int errors;
	bool mix_ok;		/* workload.mix was given and is valid */
};

static void fail(struct loader *L)
{
	L->errors++;
}

/* A section mapping, or NULL when absent; errors when it is not a mapping. */
static yaml_node_t *section(struct loader *L, yaml_node_t *root, const char *key,
			    const char *const *keys, size_t nkeys)
{
	yaml_node_t *n = ydoc_get(&L->y, root, key);

	if (n == NULL || ydoc_is_null(n))
		return NULL;
	if (ydoc_expect_map(&L->y, L->d, n, key) < 0) {
		fail(L);
		return NULL;
	}
	if (ydoc_check_keys(&L->y, L->d, n, keys, nkeys, key) < 0)
		fail(L);
	return n;
}

/*
 * Root cause first: a required key absent from map because it was misspelt
 * (an unknown key already reported with this key as its suggestion) is not
 * reported again as missing.  Returns true when that is the case.
 */
static bool typo_of(struct loader *L, yaml_node_t *map, const char *key)
{
	if (map == NULL || !ydoc_misspelt(&L->y, map, key))
		return false;
	fail(L);
	return true;
}

/* A required key of map: absent, or present with no value. */
static void missing_in(struct loader *L, yaml_node_t *parent_key, yaml_node_t *map,
		       const char *key, const char *path)
{
	yaml_node_t *k = map ? ydoc_get_key(&L->y, map, key) : NULL;

	if (k) {
		ydoc_error(&L->y, L->d, k, "required key '%s' has no value", path);
		L->errors++;
		return;
	}
	if (typo_of(L, map, key))
		return;
	if (parent_key)
		ydoc_error(&L->y, L->d, parent_key, "missing required key '%s'", path);
	else
		diag_add(L->d, DIAG_ERROR, L->y.file, L->y.src, L->y.len, 1, 1,
			 "missing required key '%s'", path);
	L->errors++;
}

static void missing(struct loader *L, yaml_node_t *where, const char *path)
{
	if (where)
		ydoc_error(&L->y, L->d, where, "missing required key '%s'", path);
	else
		diag_add(L->d, DIAG_ERROR, L->y.file, L->y.src, L->y.len, 1, 1,
			 "missing required key '%s'", path);
	fail(L);
}

/*
 * An optional number, checked against its row of ranges[]: absent or null
 * leaves *out alone and returns false; a bad value is an error.
 */
static bool number_in(struct loader *L, yaml_node_t *n, const char *path,
		      const struct profile_range *r, double *out)
{
	double v;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_number(&L->y, L->d, n, path, r->min, r->max, r->integer, &v) < 0) {
		fail(L);
		return true;	/* present, but bad: no default either */
	}
	if (r->above_min && v <= r->min) {
		ydoc_error(&L->y, L->d, n, "'%s' is out of range: %s is not more than %g", path,
			   ydoc_scalar(n), r->min);
		fail(L);
		return true;
	}
	*out = v;
	return true;
}

static bool number(struct loader *L, yaml_node_t *map, const char *key, const char *path,
		   double *out)
{
	return number_in(L, map ? ydoc_get(&L->y, map, key) : NULL, path, profile_range_of(path),
			 out);
}

static bool text(struct loader *L, yaml_node_t *map, const char *key, const char *path,
		 char **out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;
	const char *s;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_string(&L->y, L->d, n, path, &s) < 0) {
		fail(L);
		return true;
	}
	if (strlen(s) > 8192) {
		ydoc_error(&L->y, L->d, n, "'%s' is longer than 8192 characters", path);
		fail(L);
		return true;
	}
	free(*out);
	*out = xstrdup(s);
	return true;
}

static bool word(struct loader *L, yaml_node_t *map, const char *key, const char *what,
		 const char *const *vocab, size_t nvocab, int *out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_word(&L->y, L->d, n, what, vocab, nvocab, out) < 0)
		fail(L);
	return true;
}

/* A list of vocabulary words; duplicates are errors (they hide typos). */
static bool wordlist(struct loader *L, yaml_node_t *map, const char *key, const char *path,
		     const char *what, const char *const *vocab, size_t nvocab,
		     struct strlist *out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_expect_seq(&L->y, L->d, n, path) < 0) {
		fail(L);
		return true;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&L->y.doc, *it);
		int idx;

		if (ydoc_word(&L->y, L->d, e, what, vocab, nvocab, &idx) < 0) {
			fail(L);
			continue;
		}
		if (strlist_has(out, vocab[idx])) {
			ydoc_error(&L->y, L->d, e, "'%s' is listed twice in '%s'", vocab[idx], path);
			fail(L);
			continue;
		}
		strlist_push(out, vocab[idx]);
	}
	return true;
}

/*
 * A list of short texts (decision.makers): at most PROFILE_MAX_TEXTS of
 * PROFILE_SHORT_TEXT characters; empty or repeated entries are errors.
 */
static bool textlist(struct loader *L, yaml_node_t *map, const char *key, const char *path,
		     struct strlist *out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;
	size_t i = 0;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_expect_seq(&L->y, L->d, n, path) < 0) {
		fail(L);
		return true;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++, i++) {
		yaml_node_t *e = yaml_document_get_node(&L->y.doc, *it);
		const char *s;

		if (i == PROFILE_MAX_TEXTS) {
			ydoc_error(&L->y, L->d, e, "'%s' has more than %d entries", path,
				   PROFILE_MAX_TEXTS);
			fail(L);
			break;
		}
		if (ydoc_string(&L->y, L->d, e, path, &s) < 0) {
			fail(L);
			continue;
		}
		if (*s == '\0' || strlen(s) > PROFILE_SHORT_TEXT) {
			ydoc_error(&L->y, L->d, e, "an entry of '%s' must be 1 to %d characters long",
				   path, PROFILE_SHORT_TEXT);
			fail(L);
			continue;
		}
		if (strlist_has(out, s)) {
			ydoc_error(&L->y, L->d, e, "'%s' is listed twice in '%s'", s, path);
			fail(L);
			continue;
		}
		strlist_push(out, s);
	}
	return true;
}

/* One class of workload.mix, the mapping e; path is "workload.mix[I]". */
static void load_class(struct loader *L, yaml_node_t *e, const char *path,
		       const struct profile_spec *f, struct profile_class *c)
{
	yaml_node_t *name = ydoc_get(&L->y, e, "name");
	char *sub;

	if (ydoc_check_keys(&L->y, L->d, e, class_keys, ARRAY_SIZE(class_keys), path) < 0)
		fail(L);
	for (size_t k = 0; k < 2; k++) {
		const char *key = class_keys[k];
		yaml_node_t *n = ydoc_get(&L->y, e, key);

		sub = xasprintf("%s.%s", path, key);
		if (n == NULL || ydoc_is_null(n)) {
			if (!typo_of(L, e, key))
				missing(L, e, sub);
		} else {
			number_in(L, n, sub, k == 0 ? &share_range : &f->range,
				  k == 0 ? &c->share : &c->cpu_ms);
		}
		free(sub);
	}
	if (name && !ydoc_is_null(name)) {
		sub = xasprintf("%s.name", path);
		text(L, e, "name", sub, &c->name);
		free(sub);
		if (c->name && (*c->name == '\0' || strlen(c->name) > PROFILE_SHORT_TEXT)) {
			ydoc_error(&L->y, L->d, name, "'%s.name' must be 1 to %d characters long",
				   path, PROFILE_SHORT_TEXT);
			fail(L);
		}
	}
}

/*
 * workload.mix: 1 to PROFILE_MAX_CLASSES classes whose shares sum to 1
 * (within 0.001; the error points at the mix: key and gives the sum).
 */
static bool load_mix(struct loader *L, yaml_node_t *m, const struct profile_spec *f)
{
	yaml_node_t *n = m ? ydoc_get(&L->y, m, field_key(f)) : NULL;
	struct profile_mix *mix = field_ptr(L->p, f);
	int errors = L->errors;
	size_t count;
	double sum = 0;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_expect_seq(&L->y, L->d, n, f->path) < 0) {
		fail(L);
		return true;
	}
	count = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
	if (count == 0 || count > PROFILE_MAX_CLASSES) {
		ydoc_error(&L->y, L->d, n, "'%s' needs 1 to %d classes, found %zu", f->path,
			   PROFILE_MAX_CLASSES, count);
		fail(L);
		return true;
	}
	mix->v = xcalloc(count, sizeof *mix->v);
	for (size_t i = 0; i < count; i++) {
		yaml_node_t *e = yaml_document_get_node(&L->y.doc, n->data.sequence.items.start[i]);
		char *path = xasprintf("%s[%zu]", f->path, i);

		if (ydoc_expect_map(&L->y, L->d, e, path) < 0)
			fail(L);
		else
			load_class(L, e, path, f, &mix->v[mix->n++]);
		free(path);
	}
	if (L->errors != errors)
		return true;
	for (size_t i = 0; i < mix->n; i++)
		sum += mix->v[i].share;
	if (fabs(sum - 1) > 0.001) {
		ydoc_error(&L->y, L->d, ydoc_get_key(&L->y, m, field_key(f)),
			   "the shares of '%s' sum to %.6g, not 1", f->path, sum);
		fail(L);
		return true;
	}
	L->mix_ok = true;
	return true;
}

/*
 * With workload.mix, cpu_ms_per_request is the mix's mean.  Given both,
 * they must agree within 1 %: two figures for one thing that disagree are
 * a mistake in one of them, and advisor cannot tell which.
 */
static void settle_mix(struct loader *L, yaml_node_t *m)
{
	struct profile *p = L->p;
	yaml_node_t *cpu = m ? ydoc_get(&L->y, m, "cpu_ms_per_request") : NULL;
	double mean = 0;

	if (!L->mix_ok)
		return;
	for (size_t i = 0; i < p->mix.n; i++)
		mean += p->mix.v[i].share * p->mix.v[i].cpu_ms;
	if (!p->assumed[PF_CPU_MS] && fabs(p->cpu_ms_per_request - mean) > 0.01 * mean) {
		ydoc_error(&L->y, L->d, cpu, "'workload.cpu_ms_per_request' is %g but the mean "
			   "of 'workload.mix' is %.6g: they must agree within 1 %% (or leave "
			   "'cpu_ms_per_request' out)", p->cpu_ms_per_request, mean);
		fail(L);
		return;
	}
	p->cpu_ms_per_request = mean;
	p->assumed[PF_CPU_MS] = false;
}

/* The words a word field may take: fixed, or known from the knowledge base. */
static const char *const *vocab_of(const struct loader *L, enum pf_vocab v, size_t *n)
{
	switch (v) {
	case PV_TRAITS:
		*n = L->known->ntraits;
		return L->known->traits;
	case PV_LANGUAGES:
		*n = L->known->nlanguages;
		return L->known->languages;
	case PV_NEEDS:
		*n = L->known->nneeds;
		return L->known->needs;
	case PV_RUNTIMES:
		*n = L->known->nruntimes;
		return L->known->runtimes;
	default:
		return fixed_vocab(v, n);
	}
}

static void load_skills(struct loader *L, yaml_node_t *m, const struct profile_spec *f)
{
	yaml_node_t *skills = m ? ydoc_get(&L->y, m, "skills") : NULL;
	struct profile *p = L->p;
	const char *const *langs;
	size_t nlangs;

	langs = vocab_of(L, f->vocab, &nlangs);
	for (size_t i = 0; i < nlangs; i++)
		strlist_push(&p->languages, langs[i]);
	p->skills = xcalloc(nlangs ? nlangs : 1, sizeof *p->skills);
	p->skill_stated = xcalloc(nlangs ? nlangs : 1, sizeof *p->skill_stated);
	p->assumed[f->assumed] = true;
	if (skills == NULL || ydoc_is_null(skills))
		return;
	p->assumed[f->assumed] = false;
	if (ydoc_expect_map(&L->y, L->d, skills, f->path) < 0) {
		fail(L);
		return;
	}
	if (ydoc_check_keys(&L->y, L->d, skills, langs, nlangs, f->path) < 0)
		fail(L);
	for (size_t i = 0; i < nlangs; i++) {
		char *path = xasprintf("%s.%s", f->path, langs[i]);

		p->skill_stated[i] = number(L, skills, langs[i], path, &p->skills[i]);
		free(path);
	}
}

/*
 * calibration: a section of its own, keyed by runtime id (unknown ids are
 * errors with a suggestion), each value a CPU factor.
 */
static void load_factors(struct loader *L, yaml_node_t *root, const struct profile_spec *f)
{
	const char *const *rts;
	size_t nrts;
	yaml_node_t *m;
	struct profile_factors *fac = field_ptr(L->p, f);

	rts = vocab_of(L, f->vocab, &nrts);
	m = section(L, root, f->path, rts, nrts);
	L->p->assumed[f->assumed] = true;
	if (m == NULL)
		return;
	fac->factor = xcalloc(m->data.mapping.pairs.top - m->data.mapping.pairs.start + 1,
			      sizeof *fac->factor);
	for (yaml_node_pair_t *pr = m->data.mapping.pairs.start; pr < m->data.mapping.pairs.top; pr++) {
		const char *id = ydoc_scalar(yaml_document_get_node(&L->y.doc, pr->key));
		bool known = false;
		double v = 0;
		char *path;

		for (size_t i = 0; id && i < nrts && !known; i++)
			known = strcmp(rts[i], id) == 0;
		if (!known)
			continue;	/* reported by section() */
		path = xasprintf("%s.%s", f->path, id);
		if (number_in(L, yaml_document_get_node(&L->y.doc, pr->value), path, &f->range, &v)) {
			fac->factor[fac->runtimes.n] = v;
			strlist_push(&fac->runtimes, id);
		}
		free(path);
	}
	L->p->assumed[f->assumed] = fac->runtimes.n == 0;
}

/* priorities: a section of its own, one key per criterion. */
static void load_priorities(struct loader *L, yaml_node_t *root, const struct profile_spec *f)
{
	yaml_node_t *m = section(L, root, f->path, profile_criteria, CRIT__COUNT);
	struct profile *p = L->p;
	double sum = 0;

	p->assumed[f->assumed] = true;
	for (int i = 0; i < CRIT__COUNT; i++) {
		char *path = xasprintf("%s.%s", f->path, profile_criteria[i]);

		p->priority_stated[i] = number(L, m, profile_criteria[i], path, &p->priorities[i]);
		if (p->priority_stated[i])
			p->assumed[f->assumed] = false;
		free(path);
	}
	for (int i = 0; i < CRIT__COUNT; i++)
		sum += p->priority_stated[i] ? p->priorities[i] : f->defv[0];
	if (m && sum == 0) {
		ydoc_error(&L->y, L->d, m, "every priority is 0: at least one criterion "
			   "must matter");
		fail(L);
	}
}

/* One field of section map m (NULL when the section is absent); true if given. */
static bool load_field(struct loader *L, yaml_node_t *m, const struct profile_spec *f)
{
	const char *key = field_key(f);
	void *at = field_ptr(L->p, f);
	const char *const *words;
	size_t nwords;
	double v = 0;
	bool got;

	switch (f->type) {
	case PT_TEXT:
		return text(L, m, key, f->path, at);
	case PT_WORD:
		words = vocab_of(L, f->vocab, &nwords);
		return word(L, m, key, f->noun, words, nwords, at);
	case PT_NUMBER:
		return number(L, m, key, f->path, at);
	case PT_INT:
		got = number(L, m, key, f->path, &v);
		*(int *)at = (int)v;
		return got;
	case PT_WORDS:
		words = vocab_of(L, f->vocab, &nwords);
		return wordlist(L, m, key, f->path, f->noun, words, nwords, at);
	case PT_MIX:
		return load_mix(L, m, f);
	case PT_TEXTS:
		return textlist(L, m, key, f->path, at);
	default:
		return false;
	}
}

/* 'constraints.exclude' must leave something to recommend. */
static void check_exclude(struct loader *L, yaml_node_t *m)
{
	yaml_node_t *ex = m ? ydoc_get(&L->y, m, "exclude") : NULL;
	size_t nrts;

	vocab_of(L, PV_RUNTIMES, &nrts);
	if (ex && L->p->exclude.n == nrts) {
		ydoc_error(&L->y, L->d, ex, "'constraints.exclude' rules out every runtime; "
			   "nothing is left to recommend");
		fail(L);
	}
}

/* Is f in the section called name ("workload")? */
static bool in_section(const struct profile_spec *f, const char *name)
{
	size_t len = strlen(name);

	return strncmp(f->path, name, len) == 0 && f->path[len] == '.';
}

/*
 * A section of fields: its keys are the table's rows under it.  A section
 * with a required field is itself required; a missing required key is
 * reported at the section's key.
 */
static void load_section(struct loader *L, yaml_node_t *root, const char *name)
{
	const char *keys[ARRAY_SIZE(profile_fields)];
	size_t nkeys = 0;
	bool required = false;
	yaml_node_t *m, *node, *mkey;

	for (size_t i = 0; i < ARRAY_SIZE(profile_fields); i++) {
		if (in_section(&profile_fields[i], name)) {
			keys[nkeys++] = field_key(&profile_fields[i]);
			required |= (profile_fields[i].flags & PFL_REQUIRED) != 0;
		}
	}
	m = section(L, root, name, keys, nkeys);
	node = ydoc_get(&L->y, root, name);
	mkey = ydoc_get_key(&L->y, root, name);
	if (m == NULL && required) {
		if (node == NULL && typo_of(L, root, name))
			return;
		if (node == NULL || ydoc_is_null(node))
			missing(L, mkey, name);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(profile_fields); i++) {
		const struct profile_spec *f = &profile_fields[i];
		bool got;

		if (!in_section(f, name))
			continue;
		if (f->type == PT_SKILLS) {
			load_skills(L, m, f);
			continue;
		}
		got = load_field(L, m, f);
		if (f->flags & PFL_REQUIRED) {
			if (!got)
				missing_in(L, mkey, m, field_key(f), f->path);
		} else {
			L->p->assumed[f->assumed] = !got;
		}
	}
	if (strcmp(name, "constraints") == 0)
		check_exclude(L, m);
	if (strcmp(name, "workload") == 0)
		settle_mix(L, m);
}

/* Every section of the table, in table order; priorities is a mapping row. */
static void load_fields(struct loader *L, yaml_node_t *root)
{
	for (size_t i = 0; i < ARRAY_SIZE(profile_fields); i++) {
		const struct profile_spec *f = &profile_fields[i];
		const char *dot = strchr(f->path, '.');
		char name[32];

		if (f->type == PT_PRIORITIES) {
			load_priorities(L, root, f);
			continue;
		}
		if (f->type == PT_FACTORS) {
			load_factors(L, root, f);
			continue;
		}
		/* First row of a section: load the whole section. */
		if (i > 0 && dot && strncmp(profile_fields[i - 1].path, f->path,
					    (size_t)(dot - f->path) + 1) == 0)
			continue;
		snprintf(name, sizeof name, "%.*s", (int)(dot - f->path), f->path);
		load_section(L, root, name);
	}
}

static void load_accept(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *n = ydoc_get(&L->y, root, "accept");
	struct profile *p = L->p;

	if (n == NULL || ydoc_is_null(n))
		return;
	if (ydoc_expect_seq(&L->y, L->d, n, "accept") < 0) {
		fail(L);
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&L->y.doc, *it);
		yaml_node_t *rule, *because;
		const char *rs = NULL, *bs = NULL;
		struct profile_accept *a;
		int line, col;

		if (ydoc_expect_map(&L->y, L->d, e, "accept entry") < 0) {
			fail(L);
			continue;
		}
		if (ydoc_check_keys(&L->y, L->d, e, accept_keys, ARRAY_SIZE(accept_keys), "accept entry") < 0)
			fail(L);
		rule = ydoc_get(&L->y, e, "rule");
		because = ydoc_get(&L->y, e, "because");
		if (rule == NULL) {
			if (!typo_of(L, e, "rule"))
				missing(L, e, "accept.rule");
			continue;
		}
		if (ydoc_string(&L->y, L->d, rule, "accept.rule", &rs) < 0) {
			fail(L);
			continue;
		}
		if (because == NULL && typo_of(L, e, "because"))
			continue;
		if (because == NULL || ydoc_is_null(because)) {
			ydoc_error(&L->y, L->d, e, "accepting rule '%s' needs a written reason in "
				   "'because'", rs);
			fail(L);
			continue;
		}
		if (ydoc_string(&L->y, L->d, because, "accept.because", &bs) < 0) {
			fail(L);
			continue;
		}
		for (size_t i = 0; i < p->naccept; i++) {
			if (strcmp(p->accept[i].rule, rs) == 0) {
				ydoc_error(&L->y, L->d, rule, "rule '%s' is accepted twice", rs);
				fail(L);
				rs = NULL;
				break;
			}
		}
		if (rs == NULL)
			continue;
		ydoc_place(&L->y, rule, &line, &col);
		a = XPUSH(p->accept, p->naccept, p->capaccept);
		a->rule = xstrdup(rs);
		a->because = xstrdup(bs);
		a->line = line;
		a->col = col;
	}
}

/*
 * Defaults for absent optional fields (the table's def and defv columns;
 * docs/profile.md shows them).  Some depend on the workload kind: a
 * CPU-bound service is assumed to spend more CPU per request and to have a
 * looser latency budget than an I/O-bound one.
 */
static void apply_default(struct profile *p, const struct profile_spec *f, const char *file)
{
	void *at = field_ptr(p, f);
	const char *slash = strrchr(file, '/');
	double v = f->def == PD_BY_KIND ? f->defv[p->kind] :
		   f->def == PD_PEAK ? p->peak_concurrency : f->defv[0];

	switch (f->def) {
	case PD_NONE:
	case PD_MACHINE:
		return;
	case PD_FILE_NAME:
		*(char **)at = xstrdup(strcmp(file, "-") == 0 ? "unnamed project"
					: slash ? slash + 1 : file);
		return;
	case PD_EMPTY_TEXT:
		*(char **)at = xstrdup("");
		return;
	default:
		break;
	}
	if (f->type == PT_INT || f->type == PT_WORD)
		*(int *)at = (int)v;
	else
		*(double *)at = v;
}

static void apply_defaults(struct profile *p, const char *file)
{
	for (size_t i = 0; i < ARRAY_SIZE(profile_fields); i++) {
		const struct profile_spec *f = &profile_fields[i];

		if (f->type == PT_PRIORITIES) {
			for (int k = 0; k < CRIT__COUNT; k++)
				if (!p->priority_stated[k])
					p->priorities[k] = f->defv[0];
		} else if (f->type != PT_SKILLS && f->type != PT_FACTORS &&
			   profile_field_assumed(p, f)) {
			apply_default(p, f, file);
		}
	}
}

static void check_consistency(struct loader *L, yaml_node_t *root)
{
	struct profile *p = L->p;
	yaml_node_t *w = ydoc_get(&L->y, root, "workload");
	yaml_node_t *lat = w ? ydoc_get(&L->y, w, "latency_p99_ms") : NULL;
	yaml_node_t *iow = w ? ydoc_get(&L->y, w, "io_wait_fraction") : NULL;

	/*
	 * A request that waits on I/O all of the time has no I/O time the
	 * capacity model can derive (cpu x f / (1 - f)): say so, never clamp.
	 */
	if (iow && p->io_wait_fraction >= 1) {
		ydoc_error(&L->y, L->d, iow, "an I/O wait fraction of 1 %s: give a fraction below "
			   "1 (0.99 is 99 times the CPU time)", p->cpu_ms_per_request > 0
			   ? "means unbounded I/O time per request"
			   : "with no CPU leaves the I/O time undetermined");
		fail(L);
	}

	if (lat && !p->assumed[PF_CPU_MS] && p->cpu_ms_per_request > p->latency_p99_ms) {
		ydoc_warning(&L->y, L->d, lat, "the latency budget (%g ms) is below the CPU time "
			     "of one request (%g ms): no runtime can meet it", p->latency_p99_ms,
			     p->cpu_ms_per_request);
		p->nwarnings++;
	}
}

int profile_load(struct profile *p, const char *file, const char *src, size_t len,
		 const struct profile_known *known, struct diags *d)
{
	struct loader L = { .d = d, .p = p, .known = known };
	yaml_node_t *root, *vnode;
	double version = 0;
	size_t first = d->n;
	int rc = -1;

	profile_release(p);
	p->file = xstrdup(file);
	if (ydoc_load(&L.y, "profile", file, src, len, 0, d) < 0)
		goto out;
	L.errors += L.y.problems;
	root = ydoc_root(&L.y);
	if (root->type != YAML_MAPPING_NODE) {
		ydoc_error(&L.y, d, root, "a profile must be a YAML mapping of keys to values");
		goto out;
	}
	if (ydoc_check_keys(&L.y, d, root, top_keys, ARRAY_SIZE(top_keys), NULL) < 0)
		fail(&L);
	vnode = ydoc_get(&L.y, root, "version");
	if (vnode == NULL) {
		if (!typo_of(&L, root, "version"))
			missing(&L, NULL, "version");
	} else if (ydoc_number(&L.y, d, vnode, "version", -1e9, 1e9, true, &version) < 0) {
		fail(&L);
	} else if (version != 1) {
		ydoc_error(&L.y, d, vnode, "unsupported profile version %g (this advisor reads "
			   "version 1)", version);
		fail(&L);
	}
	load_fields(&L, root);
	load_accept(&L, root);
	if (L.errors)
		goto out;
	apply_defaults(p, file);
	check_consistency(&L, root);
	if (L.errors)
		goto out;
	rc = 0;
out:
	diags_sort(d, first);
	ydoc_release(&L.y);
	return rc;
}

int profile_load_file(struct profile *p, const char *file, const struct profile_known *known,
		      struct diags *d)
{
	char *src = NULL;
	size_t len = 0;
	int rc;

	if (file_read(file, FILEIO_MAX_INPUT, &src, &len, d) < 0)
		return -1;
	rc = profile_load(p, file, src, len, known, d);
	free(src);
	return rc;
}

/* ---- docs/profile.md's field table ----------------------------------- */

/* 3600000 -> "3,600,000"; fractions as %g. */
static void doc_num(struct buf *b, double v)
{
	char s[64];
	size_t len;

	if (v != floor(v) || v < 1000) {
		buf_addf(b, "%g", v);
		return;
	}
	snprintf(s, sizeof s, "%.0f", v);
	len = strlen(s);
	for (size_t i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf_addc(b, ',');
		buf_addc(b, s[i]);
	}
}

static void doc_range(struct buf *b, const struct profile_range *r)
{
	if (r->above_min)
		buf_adds(b, "over ");
	doc_num(b, r->min);
	buf_adds(b, " .. ");
	doc_num(b, r->max);
}

static void doc_values(struct buf *b, const struct profile_spec *f)
{
	static const char *const kb_words[PV__COUNT] = {
		[PV_TRAITS] = "traits", [PV_LANGUAGES] = "languages", [PV_NEEDS] = "needs",
		[PV_RUNTIMES] = "runtime ids",
	};
	const char *const *words;
	size_t n;

	switch (f->type) {
	case PT_TEXT:
		buf_adds(b, "up to 8192 characters");
		break;
	case PT_NUMBER:
	case PT_INT:
		doc_range(b, &f->range);
		break;
	case PT_SKILLS:
		buf_adds(b, "language: ");
		doc_range(b, &f->range);
		break;
	case PT_PRIORITIES:
		buf_adds(b, "criterion: ");
		doc_range(b, &f->range);
		break;
	case PT_MIX:
		buf_addf(b, "1 .. %d of `{share, cpu_ms, name}`", PROFILE_MAX_CLASSES);
		break;
	case PT_FACTORS:
		buf_adds(b, "runtime id: ");
		doc_range(b, &f->range);
		break;
	case PT_TEXTS:
		buf_addf(b, "up to %d texts of %d characters", PROFILE_MAX_TEXTS, PROFILE_SHORT_TEXT);
		break;
	default:
		words = fixed_vocab(f->vocab, &n);
		for (size_t i = 0; i < n; i++)
			buf_addf(b, "%s`%s`", i ? " " : "", words[i]);
		if (n == 0)
			buf_addf(b, "%s of the knowledge base", kb_words[f->vocab]);
		break;
	}
}

static void doc_default(struct buf *b, const struct profile_spec *f)
{
	static const char *const kinds[] = { "io", "cpu", "mixed" };
	const char *const *words;
	size_t n;

	if (f->flags & PFL_REQUIRED) {
		buf_adds(b, "required");
		return;
	}
	switch (f->def) {
	case PD_FILE_NAME:
		buf_adds(b, "file name");
		break;
	case PD_EMPTY_TEXT:
		buf_adds(b, "empty");
		break;
	case PD_PEAK:
		buf_adds(b, "`peak_concurrency`");
		break;
	case PD_MACHINE:
		buf_adds(b, "the probe machine's cores");
		break;
	case PD_BY_KIND:
		for (int k = 0; k < 3; k++) {
			buf_addf(b, "%s%s ", k ? ", " : "", kinds[k]);
			doc_num(b, f->defv[k]);
		}
		break;
	case PD_CONST:
		words = fixed_vocab(f->vocab, &n);
		if (f->type == PT_WORD && words)
			buf_addf(b, "`%s`", words[(int)f->defv[0]]);
		else
			doc_num(b, f->defv[0]);
		if (f->type == PT_PRIORITIES)
			buf_adds(b, " each");
		break;
	default:
		if (f->type == PT_MIX)
			buf_adds(b, "one class of `cpu_ms_per_request`");
		else if (f->flags & PFL_QUIET)
			buf_adds(b, "none");
		else if (f->flags & PFL_ZERO_NONE)
			buf_adds(b, "no limit");
		else if (f->type == PT_SKILLS)
			buf_adds(b, "0 each");
		else
			buf_adds(b, "none");
		break;
	}
}

void profile_fields_markdown(struct buf *out)
{
	static const char *const types[] = {
		[PT_TEXT] = "text", [PT_WORD] = "word", [PT_NUMBER] = "number",
		[PT_INT] = "integer", [PT_WORDS] = "list of words", [PT_SKILLS] = "mapping",
		[PT_PRIORITIES] = "mapping", [PT_MIX] = "list of mappings", [PT_FACTORS] = "mapping",
		[PT_TEXTS] = "list of texts",
	};

	buf_adds(out, "| field | type | values | default | meaning |\n"
		      "| --- | --- | --- | --- | --- |\n");
	for (size_t i = 0; i < ARRAY_SIZE(profile_fields); i++) {
		const struct profile_spec *f = &profile_fields[i];

		buf_addf(out, "| `%s` | %s | ", f->path,
			 f->type == PT_NUMBER && f->range.integer ? "integer" : types[f->type]);
		doc_values(out, f);
		buf_adds(out, " | ");
		doc_default(out, f);
		buf_addf(out, " | %s |\n", f->doc);
	}
}
