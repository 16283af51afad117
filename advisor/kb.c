/*
 * Knowledge base loader.  A file is front matter (YAML between two "---"
 * lines) and a Markdown body.  The front matter is parsed with the same
 * safe YAML layer as profiles, with line numbers shifted so that errors
 * point into the file; the body is parsed with cmark-gfm only to find its
 * level-2 headings, and each section's text is then cut from the source so
 * that quotes keep the author's Markdown exactly.
 */
#include "kb.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cmark-gfm.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "buf.h"
#include "fileio.h"
#include "util.h"
#include "xalloc.h"
#include "ydoc.h"


static const char *const runtime_keys[] = { "kind", "id", "name", "language", "velocity",
					    "cpu_factor", "baseline_memory_mb", "cold_start_ms",
					    "gc_pause_ms", "ecosystem", "models", "sources",
					    "native_cpu_factor", "native_libraries", "cpu_cost",
					    "gc" };
const char *const kb_class_names[] = { "web", "compute", "native" };
_Static_assert(ARRAY_SIZE(kb_class_names) == KB_CLASS__COUNT, "kb_class_names[] and enum kb_class");
static const char *const factor_keys[] = { "low", "typical", "high", "source" };
static const char *const gc_keys[] = { "collector", "p99_pause_ms", "default", "source" };
const char *const kb_figure_names[] = { "speedup", "speedup_per_core", "overhead_us",
					"task_memory_kib", "lag_ms" };
_Static_assert(ARRAY_SIZE(kb_figure_names) == FIG__COUNT, "kb_figure_names[] and enum kb_figure");
static const char *const use_keys[] = { "model", "name", "task_memory_kib", "default" };
static const char *const model_keys[] = { "kind", "id", "name", "parallelism", "processes",
					  "speedup_probe", "overhead_probe", "task_memory_probe",
					  "lag_probe", "defaults", "plausible", "sources" };
static const char *const default_keys[] = { "speedup", "overhead_us", "task_memory_kib",
					    "lag_ms", "worker_memory_mb" };
static const char *const vocab_keys[] = { "kind", "needs", "traits", "language_order",
					  "runtime_order" };
static const char *const trait_keys[] = { "doc", "classes", "needs" };
/* Trait classes, by bit: TRAIT_IO, TRAIT_CPU, TRAIT_NATIVE, TRAIT_JOBS. */
static const char *const trait_classes[] = { "io", "cpu", "native", "jobs" };
enum { KIND_RUNTIME, KIND_MODEL, KIND_VOCABULARY };
static const char *const kinds[] = { "runtime", "model", "vocabulary" };
_Static_assert(ARRAY_SIZE(kinds) == KIND_VOCABULARY + 1, "kinds[] and the kinds of files");
static const char *const parallelisms[] = { "one", "cores", "gil", "offload" };
_Static_assert(ARRAY_SIZE(parallelisms) == PAR_OFFLOAD + 1, "parallelisms[] and enum kb_parallelism");
static const char *const process_counts[] = { "one", "per-core" };
static const char *const required_runtime_sections[] = { "execution-model", "strengths",
							 "weaknesses" };

void kb_init(struct kb *kb)
{
	memset(kb, 0, sizeof *kb);
}

static void sections_free(struct kb_section *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].slug);
		free(v[i].title);
		free(v[i].text);
	}
	free(v);
}

static void sources_free(struct kb_source *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].citation);
	}
	free(v);
}

static void runtime_free(struct kb_runtime *r)
{
	free(r->id);
	free(r->name);
	free(r->language);
	free(r->file);
	free(r->native_libraries);
	free(r->ecosystem);
	for (size_t i = 0; i < KB_CLASS__COUNT; i++)
		free(r->cpu_cost[i].source);
	for (size_t i = 0; i < r->ngcs; i++) {
		free(r->gcs[i].collector);
		free(r->gcs[i].source);
	}
	free(r->gcs);
	if (r->native_re)
		pcre2_code_free(r->native_re);
	for (size_t i = 0; i < r->nmodels; i++) {
		free(r->models[i].model);
		free(r->models[i].name);
	}
	free(r->models);
	sections_free(r->sections, r->nsections);
	sources_free(r->sources, r->nsources);
}

static void model_free(struct kb_model *m)
{
	free(m->id);
	free(m->name);
	free(m->file);
	free(m->speedup_probe);
	free(m->overhead_probe);
	free(m->task_memory_probe);
	free(m->lag_probe);
	sections_free(m->sections, m->nsections);
	sources_free(m->sources, m->nsources);
}

static void vocab_release(struct kb_vocab *v)
{
	for (size_t i = 0; i < v->nneeds; i++) {
		free(v->needs[i].id);
		free(v->needs[i].doc);
	}
	for (size_t i = 0; i < v->ntraits; i++) {
		free(v->traits[i].id);
		free(v->traits[i].doc);
		free(v->traits[i].needs);
	}
	free(v->needs);
	free(v->traits);
	free(v->file);
	strlist_release(&v->language_order);
	strlist_release(&v->runtime_order);
}

void kb_release(struct kb *kb)
{
	for (size_t i = 0; i < kb->nruntimes; i++)
		runtime_free(&kb->runtimes[i]);
	for (size_t i = 0; i < kb->nmodels; i++)
		model_free(&kb->models[i]);
	free(kb->runtimes);
	free(kb->models);
	vocab_release(&kb->vocab);
	free(kb->runtime_ids);
	free(kb->languages);
	free(kb->need_ids);
	free(kb->trait_ids);
	free(kb->dir);
	kb_init(kb);
}

char *kb_slug(const char *title)
{
	struct buf b = BUF_INIT;

	for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
		if (isalnum(*p))
			buf_addc(&b, (char)tolower(*p));
		else if ((*p == ' ' || *p == '-' || *p == '_') && b.len && b.data[b.len - 1] != '-')
			buf_addc(&b, '-');
	}
	while (b.len && b.data[b.len - 1] == '-')
		b.data[--b.len] = '\0';
	return buf_detach(&b);
}

const struct kb_section *kb_section(const struct kb_section *v, size_t n, const char *slug)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].slug, slug) == 0)
			return &v[i];
	return NULL;
}

const struct kb_runtime *kb_runtime(const struct kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->nruntimes; i++)
		if (strcmp(kb->runtimes[i].id, id) == 0)
			return &kb->runtimes[i];
	return NULL;
}

const struct kb_model *kb_model(const struct kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->nmodels; i++)
		if (strcmp(kb->models[i].id, id) == 0)
			return &kb->models[i];
	return NULL;
}

void kb_known(const struct kb *kb, struct profile_known *known)
{
	known->runtimes = kb->runtime_ids;
	known->nruntimes = kb->nruntimes;
	known->languages = kb->languages;
	known->nlanguages = kb->nlanguages;
	known->needs = kb->need_ids;
	known->nneeds = kb->vocab.nneeds;
	known->traits = kb->trait_ids;
	known->ntraits = kb->vocab.ntraits;
}

const struct kb_trait *kb_trait(const struct kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->vocab.ntraits; i++)
		if (strcmp(kb->vocab.traits[i].id, id) == 0)
			return &kb->vocab.traits[i];
	return NULL;
}

const struct kb_gc *kb_runtime_gc(const struct kb_runtime *rt)
{
	for (size_t i = 0; i < rt->ngcs; i++)
		if (rt->gcs[i].is_default)
			return &rt->gcs[i];
	return rt->ngcs ? &rt->gcs[0] : NULL;
}

static bool outside(const struct kb_range *r, double v)
{
	return r->set && (v < r->lo || v > r->hi);
}

bool kb_model_plausible(const struct kb_model *m, enum kb_figure fig, double v, int cores)
{
	if (outside(&m->plausible[fig], v))
		return false;
	if (fig == FIG_SPEEDUP && cores > 0 && outside(&m->plausible[FIG_SPEEDUP_PER_CORE], v / cores))
		return false;
	return true;
}

bool kb_traits_have(const struct kb *kb, const struct strlist *traits, unsigned classes)
{
	for (size_t i = 0; i < traits->n; i++) {
		const struct kb_trait *t = kb_trait(kb, traits->v[i]);

		if (t && (t->classes & classes))
			return true;
	}
	return false;
}

/* Per-file parse state. */
struct kfile {
	struct ydoc y;
	struct diags *d;
	int errors;
};

static bool valid_id(const char *s)
{
	if (*s == '\0' || strlen(s) > 64)
		return false;
	for (; *s; s++)
		if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
			return false;
	return true;
}

static yaml_node_t *need(struct kfile *k, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = ydoc_get(&k->y, map, key);

	if (n == NULL || ydoc_is_null(n)) {
		/* Root cause first: a misspelling of key was reported already. */
		if (n != NULL || !ydoc_misspelt(&k->y, map, key))
			ydoc_error(&k->y, k->d, map, "missing required key '%s'", key);
		k->errors++;
		return NULL;
	}
	return n;
}

static char *get_text(struct kfile *k, yaml_node_t *map, const char *key, bool required)
{
	yaml_node_t *n = required ? need(k, map, key) : ydoc_get(&k->y, map, key);
	const char *s;

	if (n == NULL || ydoc_is_null(n))
		return NULL;
	if (ydoc_string(&k->y, k->d, n, key, &s) < 0) {
		k->errors++;
		return NULL;
	}
	return xstrdup(s);
}

static char *get_id(struct kfile *k, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = need(k, map, key);
	const char *s;

	if (n == NULL)
		return NULL;
	if (ydoc_string(&k->y, k->d, n, key, &s) < 0) {
		k->errors++;
		return NULL;
	}
	if (!valid_id(s)) {
		ydoc_error(&k->y, k->d, n, "'%s' must be a lowercase id of letters, digits and '-'",
			   key);
		k->errors++;
		return NULL;
	}
	return xstrdup(s);
}

/* An optional probe name (null allowed). */
static char *get_probe(struct kfile *k, yaml_node_t *map, const char *key)
{
	yaml_node_t *n = ydoc_get(&k->y, map, key);
	const char *s;

	if (n == NULL || ydoc_is_null(n))
		return NULL;
	if (ydoc_string(&k->y, k->d, n, key, &s) < 0) {
		k->errors++;
		return NULL;
	}
	for (const char *p = s; *p; p++) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '.' ||
		      *p == '_' || *p == '-')) {
			ydoc_error(&k->y, k->d, n, "'%s' is not a probe name", s);
			k->errors++;
			return NULL;
		}
	}
	return xstrdup(s);
}

static double get_num(struct kfile *k, yaml_node_t *map, const char *key, double min,
		      double max, double def, bool required)
{
	yaml_node_t *n = required ? need(k, map, key) : ydoc_get(&k->y, map, key);
	double v = def;

	if (n == NULL || ydoc_is_null(n))
		return def;
	if (ydoc_number(&k->y, k->d, n, key, min, max, false, &v) < 0)
		k->errors++;
	return v;
}

static void get_sources(struct kfile *k, yaml_node_t *map, struct kb_source **out, size_t *nout)
{
	yaml_node_t *n = ydoc_get(&k->y, map, "sources");
	size_t cap = 0;

	if (n == NULL || ydoc_is_null(n))
		return;
	if (ydoc_expect_map(&k->y, k->d, n, "sources") < 0) {
		k->errors++;
		return;
	}
	for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(&k->y.doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(&k->y.doc, p->value);
		const char *v;
		struct kb_source *s;

		if (ydoc_string(&k->y, k->d, vn, "sources", &v) < 0) {
			k->errors++;
			continue;
		}
		s = XPUSH(*out, *nout, cap);
		s->key = xstrdup(ydoc_scalar(kn) ? ydoc_scalar(kn) : "");
		s->citation = xstrdup(v);
	}
}

/* One class of cpu_cost: {low, typical, high, source}, low <= typical <= high. */
static void load_factor(struct kfile *k, yaml_node_t *n, const char *cls, struct kb_factor *f)
{
	char *path = xasprintf("cpu_cost.%s", cls);

	if (ydoc_expect_map(&k->y, k->d, n, path) < 0) {
		k->errors++;
		goto out;
	}
	if (ydoc_check_keys(&k->y, k->d, n, factor_keys, ARRAY_SIZE(factor_keys), path) < 0)
		k->errors++;
	f->low = get_num(k, n, "low", 0.01, 1000, 1, true);
	f->typical = get_num(k, n, "typical", 0.01, 1000, 1, true);
	f->high = get_num(k, n, "high", 0.01, 1000, 1, true);
	f->source = get_text(k, n, "source", true);
	if (!(f->low <= f->typical && f->typical <= f->high)) {
		ydoc_error(&k->y, k->d, n, "'%s' needs low <= typical <= high, found %g, %g and %g",
			   path, f->low, f->typical, f->high);
		k->errors++;
	}
out:
	free(path);
}

/*
 * CPU cost by class.  cpu_cost is the current form; a file with only
 * cpu_factor (and native_cpu_factor) is read as before and fills every
 * class from them.  The single figures advice.c reads keep their old
 * meaning when cpu_factor is given, and come from the classes otherwise.
 */
static void load_cpu_cost(struct kfile *k, yaml_node_t *root, struct kb_runtime *r)
{
	yaml_node_t *cost = ydoc_get(&k->y, root, "cpu_cost");
	yaml_node_t *old = ydoc_get(&k->y, root, "cpu_factor");
	bool have_cost = cost && !ydoc_is_null(cost);
	bool have_old = old && !ydoc_is_null(old);

	if (have_cost && ydoc_expect_map(&k->y, k->d, cost, "cpu_cost") < 0) {
		k->errors++;
		have_cost = false;
	} else if (have_cost) {
		if (ydoc_check_keys(&k->y, k->d, cost, kb_class_names, KB_CLASS__COUNT, "cpu_cost") < 0)
			k->errors++;
		for (size_t i = 0; i < KB_CLASS__COUNT; i++) {
			yaml_node_t *n = need(k, cost, kb_class_names[i]);

			if (n)
				load_factor(k, n, kb_class_names[i], &r->cpu_cost[i]);
		}
	}
	/* Without cpu_cost, cpu_factor is required (the message names it). */
	r->cpu_factor = get_num(k, root, "cpu_factor", 0.01, 1000, 1, !have_cost);
	r->native_cpu_factor = get_num(k, root, "native_cpu_factor", 0.01, 1000, r->cpu_factor, false);
	if (have_cost && !have_old) {
		yaml_node_t *nf = ydoc_get(&k->y, root, "native_cpu_factor");

		r->cpu_factor = r->cpu_cost[KB_WEB].typical;
		if (nf == NULL || ydoc_is_null(nf))
			r->native_cpu_factor = r->cpu_cost[KB_NATIVE].typical;
	}
	if (!have_cost) {
		r->cpu_cost_legacy = true;
		for (size_t i = 0; i < KB_CLASS__COUNT; i++) {
			double f = i == KB_NATIVE ? r->native_cpu_factor : r->cpu_factor;

			r->cpu_cost[i] = (struct kb_factor){ f, f, f, NULL };
		}
	}
}

static void load_gc_entry(struct kfile *k, yaml_node_t *n, struct kb_runtime *r, size_t *cap)
{
	yaml_node_t *def;
	struct kb_gc *g;

	if (ydoc_expect_map(&k->y, k->d, n, "gc entry") < 0) {
		k->errors++;
		return;
	}
	if (ydoc_check_keys(&k->y, k->d, n, gc_keys, ARRAY_SIZE(gc_keys), "a gc entry") < 0)
		k->errors++;
	g = XPUSH(r->gcs, r->ngcs, *cap);
	memset(g, 0, sizeof *g);
	g->collector = get_text(k, n, "collector", true);
	g->p99_pause_ms = get_num(k, n, "p99_pause_ms", 0, 1e6, 0, true);
	g->source = get_text(k, n, "source", false);
	def = ydoc_get(&k->y, n, "default");
	if (def && ydoc_bool(&k->y, k->d, def, "default", &g->is_default) < 0)
		k->errors++;
}

/*
 * Garbage collection as a tail per collector: gc is one collector (a
 * mapping) or a list of them with one default.  A file with only the
 * older gc_pause_ms gets one default collector with that pause.
 */
static void load_gc(struct kfile *k, yaml_node_t *root, struct kb_runtime *r)
{
	yaml_node_t *gc = ydoc_get(&k->y, root, "gc");
	yaml_node_t *old = ydoc_get(&k->y, root, "gc_pause_ms");
	size_t cap = 0, ndef = 0;

	if (gc == NULL || ydoc_is_null(gc)) {
		r->gc_pause_ms = get_num(k, root, "gc_pause_ms", 0, 1e6, 0, true);
		r->gcs = xcalloc(1, sizeof *r->gcs);
		r->ngcs = 1;
		r->gcs[0] = (struct kb_gc){ xstrdup("default"), r->gc_pause_ms, true, NULL };
		return;
	}
	if (gc->type == YAML_MAPPING_NODE) {
		load_gc_entry(k, gc, r, &cap);
		if (r->ngcs)
			r->gcs[0].is_default = true;
	} else if (gc->type == YAML_SEQUENCE_NODE) {
		for (yaml_node_item_t *it = gc->data.sequence.items.start; it < gc->data.sequence.items.top; it++)
			load_gc_entry(k, yaml_document_get_node(&k->y.doc, *it), r, &cap);
	} else {
		ydoc_error(&k->y, k->d, gc, "'gc' must be a collector (a mapping) or a list of them");
		k->errors++;
		return;
	}
	for (size_t i = 0; i < r->ngcs; i++)
		ndef += r->gcs[i].is_default;
	if (r->ngcs == 1)
		r->gcs[0].is_default = true;
	else if (ndef != 1) {
		ydoc_error(&k->y, k->d, gc, "exactly one collector of 'gc' must be the default, "
			   "found %zu", ndef);
		k->errors++;
	}
	if (r->ngcs == 0) {
		ydoc_error(&k->y, k->d, gc, "'gc' needs at least one collector");
		k->errors++;
		return;
	}
	r->gc_pause_ms = kb_runtime_gc(r)->p99_pause_ms;
	if (old && !ydoc_is_null(old))
		r->gc_pause_ms = get_num(k, root, "gc_pause_ms", 0, 1e6, 0, false);
}

static void load_runtime(struct kfile *k, const struct kb_vocab *v, yaml_node_t *root,
			 struct kb_runtime *r)
{
	yaml_node_t *eco, *models;
	size_t cap = 0;
	bool have_default = false;

	if (ydoc_check_keys(&k->y, k->d, root, runtime_keys, ARRAY_SIZE(runtime_keys), "a runtime file") < 0)
		k->errors++;
	r->id = get_id(k, root, "id");
	r->name = get_text(k, root, "name", true);
	/* The runtime's language: a team.skills key, defined by naming it here. */
	r->language = get_id(k, root, "language");
	r->velocity = get_num(k, root, "velocity", 0, 5, 0, true);
	load_cpu_cost(k, root, r);
	r->native_libraries = get_text(k, root, "native_libraries", false);
	if (r->native_libraries) {
		int errcode;
		PCRE2_SIZE off;

		r->native_re = pcre2_compile((PCRE2_SPTR)r->native_libraries, PCRE2_ZERO_TERMINATED,
					     PCRE2_UTF | PCRE2_CASELESS, &errcode, &off, NULL);
		if (r->native_re == NULL) {
			PCRE2_UCHAR msg[256];

			pcre2_get_error_message(errcode, msg, sizeof msg);
			ydoc_error(&k->y, k->d, ydoc_get(&k->y, root, "native_libraries"),
				   "bad pattern in 'native_libraries': %s (at offset %zu)",
				   (const char *)msg, (size_t)off);
			k->errors++;
		}
	}
	r->baseline_memory_mb = get_num(k, root, "baseline_memory_mb", 0, 1e6, 0, true);
	r->cold_start_ms = get_num(k, root, "cold_start_ms", 0, 1e7, 0, true);
	load_gc(k, root, r);
	eco = need(k, root, "ecosystem");
	r->ecosystem = xcalloc(v->nneeds + 1, sizeof *r->ecosystem);
	if (eco && ydoc_expect_map(&k->y, k->d, eco, "ecosystem") == 0) {
		const char **ids = xcalloc(v->nneeds + 1, sizeof *ids);

		for (size_t i = 0; i < v->nneeds; i++)
			ids[i] = v->needs[i].id;
		/* Without a vocabulary, that one error is enough. */
		if (v->file && ydoc_check_keys(&k->y, k->d, eco, ids, v->nneeds, "ecosystem") < 0)
			k->errors++;
		for (size_t i = 0; i < v->nneeds; i++)
			r->ecosystem[i] = get_num(k, eco, ids[i], 0, 5, 0, false);
		free(ids);
	} else if (eco) {
		k->errors++;
	}
	models = need(k, root, "models");
	if (models && ydoc_expect_seq(&k->y, k->d, models, "models") < 0) {
		k->errors++;
		models = NULL;
	}
	for (yaml_node_item_t *it = models ? models->data.sequence.items.start : NULL;
	     models && it < models->data.sequence.items.top; it++) {
		yaml_node_t *m = yaml_document_get_node(&k->y.doc, *it);
		yaml_node_t *def;
		struct kb_model_use *u;

		if (ydoc_expect_map(&k->y, k->d, m, "models entry") < 0) {
			k->errors++;
			continue;
		}
		if (ydoc_check_keys(&k->y, k->d, m, use_keys, ARRAY_SIZE(use_keys), "a models entry") < 0)
			k->errors++;
		u = XPUSH(r->models, r->nmodels, cap);
		memset(u, 0, sizeof *u);
		u->model = get_id(k, m, "model");
		u->name = get_text(k, m, "name", true);
		u->task_memory_kib = get_num(k, m, "task_memory_kib", 0, 1e7, 0, true);
		def = ydoc_get(&k->y, m, "default");
		if (def && ydoc_bool(&k->y, k->d, def, "default", &u->is_default) < 0)
			k->errors++;
		if (u->is_default && have_default) {
			ydoc_error(&k->y, k->d, def, "only one model of a runtime can be the default");
			k->errors++;
		}
		have_default |= u->is_default;
		for (size_t j = 0; u->model && j + 1 < r->nmodels; j++) {
			if (r->models[j].model && strcmp(r->models[j].model, u->model) == 0) {
				ydoc_error(&k->y, k->d, m, "model '%s' is listed twice", u->model);
				k->errors++;
			}
		}
	}
	if (models && r->nmodels == 0) {
		ydoc_error(&k->y, k->d, models, "a runtime needs at least one model");
		k->errors++;
	}
	get_sources(k, root, &r->sources, &r->nsources);
}

/*
 * plausible: a [low, high] pair per probe figure the model uses
 * (kb_figure_names), for flagging figures that cannot be right.
 */
static void load_plausible(struct kfile *k, yaml_node_t *root, struct kb_model *m)
{
	yaml_node_t *pl = ydoc_get(&k->y, root, "plausible");

	if (pl == NULL || ydoc_is_null(pl))
		return;
	if (ydoc_expect_map(&k->y, k->d, pl, "plausible") < 0) {
		k->errors++;
		return;
	}
	if (ydoc_check_keys(&k->y, k->d, pl, kb_figure_names, FIG__COUNT, "plausible") < 0)
		k->errors++;
	for (size_t i = 0; i < FIG__COUNT; i++) {
		yaml_node_t *n = ydoc_get(&k->y, pl, kb_figure_names[i]);
		struct kb_range *r = &m->plausible[i];
		yaml_node_item_t *it;

		if (n == NULL || ydoc_is_null(n))
			continue;
		if (n->type != YAML_SEQUENCE_NODE ||
		    n->data.sequence.items.top - n->data.sequence.items.start != 2) {
			ydoc_error(&k->y, k->d, n, "'plausible.%s' must be a list [low, high]",
				   kb_figure_names[i]);
			k->errors++;
			continue;
		}
		it = n->data.sequence.items.start;
		if (ydoc_number(&k->y, k->d, yaml_document_get_node(&k->y.doc, it[0]),
				kb_figure_names[i], 0, 1e9, false, &r->lo) < 0 ||
		    ydoc_number(&k->y, k->d, yaml_document_get_node(&k->y.doc, it[1]),
				kb_figure_names[i], 0, 1e9, false, &r->hi) < 0) {
			k->errors++;
			continue;
		}
		if (r->lo > r->hi) {
			ydoc_error(&k->y, k->d, n, "'plausible.%s' needs low <= high", kb_figure_names[i]);
			k->errors++;
			continue;
		}
		r->set = true;
	}
}

static void load_model(struct kfile *k, yaml_node_t *root, struct kb_model *m)
{
	yaml_node_t *n, *defs;
	int idx = 0;

	if (ydoc_check_keys(&k->y, k->d, root, model_keys, ARRAY_SIZE(model_keys), "a model file") < 0)
		k->errors++;
	m->id = get_id(k, root, "id");
	m->name = get_text(k, root, "name", true);
	n = need(k, root, "parallelism");
	if (n && ydoc_word(&k->y, k->d, n, "parallelism", parallelisms, ARRAY_SIZE(parallelisms), &idx) < 0)
		k->errors++;
	m->parallelism = (enum kb_parallelism)idx;
	idx = 0;
	n = ydoc_get(&k->y, root, "processes");
	if (n && ydoc_word(&k->y, k->d, n, "processes", process_counts, ARRAY_SIZE(process_counts), &idx) < 0)
		k->errors++;
	m->per_core_processes = idx == 1;
	m->speedup_probe = get_probe(k, root, "speedup_probe");
	m->overhead_probe = get_probe(k, root, "overhead_probe");
	m->task_memory_probe = get_probe(k, root, "task_memory_probe");
	m->lag_probe = get_probe(k, root, "lag_probe");
	defs = need(k, root, "defaults");
	if (defs && ydoc_expect_map(&k->y, k->d, defs, "defaults") == 0) {
		if (ydoc_check_keys(&k->y, k->d, defs, default_keys, ARRAY_SIZE(default_keys), "defaults") < 0)
			k->errors++;
		m->def_speedup = get_num(k, defs, "speedup", 0.01, 1024, 1, true);
		m->def_overhead_us = get_num(k, defs, "overhead_us", 0, 1e6, 0, false);
		m->def_task_memory_kib = get_num(k, defs, "task_memory_kib", 0, 1e7, 0, false);
		m->def_lag_ms = get_num(k, defs, "lag_ms", 0, 1e6, 0, false);
		m->def_worker_memory_mb = get_num(k, defs, "worker_memory_mb", 0, 1e6, 0, false);
	} else if (defs) {
		k->errors++;
	}
	load_plausible(k, root, m);
	get_sources(k, root, &m->sources, &m->nsources);
}

/* An id-keyed mapping's pairs, each id checked; calls fn for each. */
static void id_pairs(struct kfile *k, yaml_node_t *map, const char *what,
		     void (*fn)(struct kfile *, const char *, yaml_node_t *, void *), void *arg)
{
	if (ydoc_expect_map(&k->y, k->d, map, what) < 0) {
		k->errors++;
		return;
	}
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *kn = yaml_document_get_node(&k->y.doc, p->key);
		const char *id = ydoc_scalar(kn);

		if (id == NULL || !valid_id(id)) {
			ydoc_error(&k->y, k->d, kn, "a key of '%s' must be a lowercase id of letters, "
				   "digits and '-'", what);
			k->errors++;
			continue;
		}
		fn(k, id, yaml_document_get_node(&k->y.doc, p->value), arg);
	}
}

static void add_need(struct kfile *k, const char *id, yaml_node_t *v, void *arg)
{
	struct kb_vocab *vo = arg;
	struct kb_need *n;
	const char *doc;

	if (ydoc_string(&k->y, k->d, v, "needs", &doc) < 0) {
		k->errors++;
		return;
	}
	n = XPUSH(vo->needs, vo->nneeds, vo->capneeds);
	n->id = xstrdup(id);
	n->doc = xstrdup(doc);
}

/* A list of words from vocab: a bit set (classes) or indexes (needs). */
static void word_set(struct kfile *k, yaml_node_t *list, const char *what,
		     const char *const *vocab, size_t nvocab, unsigned *bits, size_t **idx,
		     size_t *nidx)
{
	size_t cap = 0;

	if (ydoc_expect_seq(&k->y, k->d, list, what) < 0) {
		k->errors++;
		return;
	}
	for (yaml_node_item_t *it = list->data.sequence.items.start; it < list->data.sequence.items.top; it++) {
		int w;

		if (ydoc_word(&k->y, k->d, yaml_document_get_node(&k->y.doc, *it), what, vocab,
			      nvocab, &w) < 0) {
			k->errors++;
			continue;
		}
		if (bits)
			*bits |= 1u << w;
		else
			*XPUSH(*idx, *nidx, cap) = (size_t)w;
	}
}

static void add_trait(struct kfile *k, const char *id, yaml_node_t *v, void *arg)
{
	struct kb_vocab *vo = arg;
	struct kb_trait *t;
	yaml_node_t *n;
	const char **needs;

	if (ydoc_expect_map(&k->y, k->d, v, "traits entry") < 0) {
		k->errors++;
		return;
	}
	if (ydoc_check_keys(&k->y, k->d, v, trait_keys, ARRAY_SIZE(trait_keys), "a traits entry") < 0)
		k->errors++;
	t = XPUSH(vo->traits, vo->ntraits, vo->captraits);
	memset(t, 0, sizeof *t);
	t->id = xstrdup(id);
	t->doc = get_text(k, v, "doc", true);
	n = ydoc_get(&k->y, v, "classes");
	if (n && !ydoc_is_null(n))
		word_set(k, n, "trait class", trait_classes, ARRAY_SIZE(trait_classes), &t->classes, NULL,
			 NULL);
	n = ydoc_get(&k->y, v, "needs");
	if (n && !ydoc_is_null(n)) {
		needs = xcalloc(vo->nneeds + 1, sizeof *needs);
		for (size_t i = 0; i < vo->nneeds; i++)
			needs[i] = vo->needs[i].id;
		word_set(k, n, "ecosystem need", needs, vo->nneeds, NULL, &t->needs, &t->nneeds);
		free(needs);
	}
}

static void get_ids(struct kfile *k, yaml_node_t *map, const char *key, struct strlist *out)
{
	yaml_node_t *n = ydoc_get(&k->y, map, key);

	if (n == NULL || ydoc_is_null(n))
		return;
	if (ydoc_expect_seq(&k->y, k->d, n, key) < 0) {
		k->errors++;
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		const char *s;

		if (ydoc_string(&k->y, k->d, yaml_document_get_node(&k->y.doc, *it), key, &s) < 0) {
			k->errors++;
			continue;
		}
		strlist_push(out, s);
	}
}

/* The vocabulary file: needs, traits and listing orders (docs/knowledge.md). */
static void load_vocab(struct kfile *k, yaml_node_t *root, struct kb_vocab *v)
{
	yaml_node_t *n;

	if (ydoc_check_keys(&k->y, k->d, root, vocab_keys, ARRAY_SIZE(vocab_keys), "a vocabulary file") < 0)
		k->errors++;
	n = need(k, root, "needs");
	if (n)
		id_pairs(k, n, "needs", add_need, v);
	n = need(k, root, "traits");
	if (n)
		id_pairs(k, n, "traits", add_trait, v);
	get_ids(k, root, "language_order", &v->language_order);
	get_ids(k, root, "runtime_order", &v->runtime_order);
}

/* A level-2 heading found by cmark: its line in the body and its text. */
struct heading {
	int line;
	char *title;
};

static char *heading_text(cmark_node *c)
{
	struct buf t = BUF_INIT;

	for (cmark_node *x = cmark_node_first_child(c); x; x = cmark_node_next(x)) {
		const char *lit = cmark_node_get_literal(x);

		if (lit)
			buf_adds(&t, lit);
		else if (cmark_node_first_child(x) && cmark_node_get_literal(cmark_node_first_child(x)))
			buf_adds(&t, cmark_node_get_literal(cmark_node_first_child(x)));
	}
	return buf_detach(&t);
}

/* Advance *p (on line *line) to the start of line `want`, or to end. */
static void skip_to_line(const char **p, const char *end, int *line, int want)
{
	while (*line < want && *p < end) {
		const char *nl = memchr(*p, '\n', (size_t)(end - *p));

		*p = nl ? nl + 1 : end;
		(*line)++;
	}
}

/*
 * Split the Markdown body into level-2 sections, as many as there are, in
 * one pass over the text.
 */
static void load_sections(const char *body, size_t len, int first_line,
			  struct kb_section **out, size_t *nout)
{
	cmark_node *doc = cmark_parse_document(body, len, CMARK_OPT_DEFAULT);
	struct heading *h = NULL;
	size_t nh = 0, caph = 0, cap = 0;
	const char *p = body, *end = body + len;
	int line = 1;

	for (cmark_node *c = cmark_node_first_child(doc); c; c = cmark_node_next(c)) {
		struct heading *x;

		if (cmark_node_get_type(c) != CMARK_NODE_HEADING || cmark_node_get_heading_level(c) != 2)
			continue;
		x = XPUSH(h, nh, caph);
		x->line = cmark_node_get_start_line(c);
		x->title = heading_text(c);
	}
	cmark_node_free(doc);
	for (size_t i = 0; i < nh; i++) {
		/* Text runs from the line after the heading to the next heading. */
		const char *start, *stop;
		struct kb_section *s;

		skip_to_line(&p, end, &line, h[i].line + 1);
		start = p;
		if (i + 1 < nh)
			skip_to_line(&p, end, &line, h[i + 1].line);
		else
			p = end;
		stop = p;
		while (start < stop && (*start == '\n' || *start == ' ' || *start == '\r'))
			start++;
		while (stop > start && (stop[-1] == '\n' || stop[-1] == ' ' || stop[-1] == '\r'))
			stop--;
		s = XPUSH(*out, *nout, cap);
		s->title = h[i].title;
		s->slug = kb_slug(h[i].title);
		s->text = xstrndup(start, (size_t)(stop - start));
		s->line = first_line + h[i].line - 1;
	}
	free(h);
}

/* Find the front matter: "---" on line 1 up to the next "---" line. */
static int split_front_matter(const char *src, size_t len, size_t *fm_start, size_t *fm_len,
			      size_t *body_start, int *body_line)
{
	size_t i;
	int line = 2;

	if (len < 4 || strncmp(src, "---", 3) != 0 || (src[3] != '\n' && src[3] != '\r'))
		return -1;
	i = src[3] == '\r' ? 5 : 4;
	*fm_start = i;
	while (i < len) {
		size_t eol = i;

		while (eol < len && src[eol] != '\n')
			eol++;
		if (eol - i >= 3 && strncmp(src + i, "---", 3) == 0 &&
		    (eol - i == 3 || (eol - i == 4 && src[i + 3] == '\r'))) {
			*fm_len = i - *fm_start;
			*body_start = eol < len ? eol + 1 : len;
			*body_line = line + 1;
			return 0;
		}
		i = eol + 1;
		line++;
	}
	return -1;
}

/*
 * Offset of the first byte of s that is not part of well-formed UTF-8
 * (no overlong forms, no surrogates, nothing past U+10FFFF), or len.
 */
static size_t utf8_bad_offset(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		unsigned char lo = 0x80, hi = 0xBF;
		size_t n;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF)
			n = 1;
		else if (c >= 0xE0 && c <= 0xEF)
			n = 2;
		else if (c >= 0xF0 && c <= 0xF4)
			n = 3;
		else
			return i;
		if (n > len - i - 1)
			return i;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
		else if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
		for (size_t k = 1; k <= n; k++) {
			if (s[i + k] < (k == 1 ? lo : 0x80) || s[i + k] > (k == 1 ? hi : 0xBF))
				return i;
		}
		i += n + 1;
	}
	return len;
}

/* The Markdown body must be UTF-8 too: cmark would quietly replace bad bytes. */
static int check_body_text(const char *path, const char *src, size_t len, size_t body,
			   struct diags *d)
{
	size_t bad = body + utf8_bad_offset((const unsigned char *)src + body, len - body);
	int line, col;

	if (bad >= len)
		return 0;
	diag_offset_to_place(src, len, bad, &line, &col);
	diag_add(d, DIAG_ERROR, path, src, len, line, col,
		 "invalid text: invalid UTF-8 (a knowledge file must be UTF-8 text)");
	return -1;
}

/*
 * Load one file.  With peek, only learn its kind (*kind; -1 when it cannot
 * be read), reporting nothing: the vocabulary is loaded before the
 * runtimes that use its needs.
 */
static int load_file(struct kb *kb, const char *path, size_t *caprt, size_t *capmd,
		     bool peek, int *kind_out, struct diags *d)
{
	struct diags quiet = DIAGS_INIT;
	struct kfile k = { .d = d };
	char *src = NULL;
	size_t len = 0, fms = 0, fml = 0, bs = 0;
	int body_line = 0, kind = 0, rc = -1;
	yaml_node_t *root, *kn;

	if (peek) {
		d = k.d = &quiet;
		*kind_out = -1;
	}
	if (file_read(path, FILEIO_MAX_INPUT, &src, &len, d) < 0)
		goto out;
	if (split_front_matter(src, len, &fms, &fml, &bs, &body_line) < 0) {
		diag_add(d, DIAG_ERROR, path, src, len, 1, 1,
			 "a knowledge file starts with a YAML front-matter block between two '---' lines");
		goto out;
	}
	/* Parse the front matter alone; places are shifted by its first line. */
	if (ydoc_load(&k.y, "knowledge file", path, src + fms, fml, 1, d) < 0)
		goto out;
	if (check_body_text(path, src, len, bs, d) < 0)
		k.errors++;
	k.errors += k.y.problems;
	root = ydoc_root(&k.y);
	if (ydoc_expect_map(&k.y, d, root, "front matter") < 0)
		goto out;
	kn = need(&k, root, "kind");
	if (kn == NULL)
		goto out;
	if (ydoc_word(&k.y, d, kn, "knowledge kind", kinds, ARRAY_SIZE(kinds), &kind) < 0)
		goto out;
	if (peek) {
		*kind_out = kind;
		rc = 0;
		goto out;
	}
	if (kind == KIND_VOCABULARY) {
		if (kb->vocab.file) {
			ydoc_error(&k.y, d, kn, "the vocabulary is also defined in '%s'", kb->vocab.file);
			k.errors++;
		} else {
			kb->vocab.file = xstrdup(path);
			load_vocab(&k, root, &kb->vocab);
		}
	} else if (kind == KIND_RUNTIME) {
		struct kb_runtime *r = XPUSH(kb->runtimes, kb->nruntimes, *caprt);

		memset(r, 0, sizeof *r);
		r->file = xstrdup(path);
		load_runtime(&k, &kb->vocab, root, r);
		load_sections(src + bs, len - bs, body_line, &r->sections, &r->nsections);
		for (size_t i = 0; i < ARRAY_SIZE(required_runtime_sections); i++) {
			if (!kb_section(r->sections, r->nsections, required_runtime_sections[i])) {
				diag_add(d, DIAG_ERROR, path, src, len, body_line, 1,
					 "the body has no '## %s' section", required_runtime_sections[i]);
				k.errors++;
			}
		}
	} else {
		struct kb_model *m = XPUSH(kb->models, kb->nmodels, *capmd);

		memset(m, 0, sizeof *m);
		m->file = xstrdup(path);
		load_model(&k, root, m);
		load_sections(src + bs, len - bs, body_line, &m->sections, &m->nsections);
	}
	rc = k.errors ? -1 : 0;
out:
	ydoc_release(&k.y);
	diags_release(&quiet);
	free(src);
	return rc;
}

/* Cross-file checks: unique ids, every model a runtime offers has a file. */
static int check_links(struct kb *kb, struct diags *d)
{
	int rc = 0;

	for (size_t i = 0; i < kb->nruntimes; i++) {
		struct kb_runtime *r = &kb->runtimes[i];

		for (size_t j = 0; j < i; j++) {
			if (r->id && kb->runtimes[j].id && strcmp(r->id, kb->runtimes[j].id) == 0) {
				diag_error(d, r->file, "runtime id '%s' is also defined in '%s'", r->id,
					   kb->runtimes[j].file);
				rc = -1;
			}
		}
		for (size_t j = 0; j < r->nmodels; j++) {
			if (r->models[j].model && !kb_model(kb, r->models[j].model)) {
				diag_error(d, r->file, "model '%s' has no model file in '%s'",
					   r->models[j].model, kb->dir);
				rc = -1;
			}
		}
	}
	for (size_t i = 0; i < kb->nmodels; i++)
		for (size_t j = 0; j < i; j++)
			if (kb->models[i].id && kb->models[j].id &&
			    strcmp(kb->models[i].id, kb->models[j].id) == 0) {
				diag_error(d, kb->models[i].file, "model id '%s' is also defined in '%s'",
					   kb->models[i].id, kb->models[j].file);
				rc = -1;
			}
	if (kb->nruntimes == 0) {
		diag_error(d, kb->dir, "the knowledge base defines no runtime");
		rc = -1;
	}
	return rc;
}

/* Add the ids of order that are in have (n of them), then the rest of have. */
static size_t ordered(const char **out, const struct strlist *order, const char **have, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < order->n; i++)
		for (size_t j = 0; j < n; j++)
			if (have[j] && strcmp(order->v[i], have[j]) == 0) {
				out[k++] = have[j];
				have[j] = NULL;
			}
	for (size_t j = 0; j < n; j++)
		if (have[j])
			out[k++] = have[j];
	return k;
}

/*
 * The word lists a profile is checked against: runtime ids and languages
 * in the vocabulary's order, then in file order; needs and traits as the
 * vocabulary lists them.
 */
static void word_lists(struct kb *kb)
{
	const char **have = xcalloc(kb->nruntimes + 1, sizeof *have);
	size_t n = 0;

	for (size_t i = 0; i < kb->nruntimes; i++)
		have[i] = kb->runtimes[i].id ? kb->runtimes[i].id : "";
	kb->runtime_ids = xcalloc(kb->nruntimes + 1, sizeof *kb->runtime_ids);
	ordered(kb->runtime_ids, &kb->vocab.runtime_order, have, kb->nruntimes);
	for (size_t i = 0; i < kb->nruntimes; i++) {
		const char *l = kb->runtimes[i].language;
		bool seen = false;

		for (size_t j = 0; l && j < n; j++)
			seen |= strcmp(have[j], l) == 0;
		if (l && !seen)
			have[n++] = l;
	}
	kb->languages = xcalloc(n + 1, sizeof *kb->languages);
	kb->nlanguages = ordered(kb->languages, &kb->vocab.language_order, have, n);
	free(have);
	kb->need_ids = xcalloc(kb->vocab.nneeds + 1, sizeof *kb->need_ids);
	for (size_t i = 0; i < kb->vocab.nneeds; i++)
		kb->need_ids[i] = kb->vocab.needs[i].id;
	kb->trait_ids = xcalloc(kb->vocab.ntraits + 1, sizeof *kb->trait_ids);
	for (size_t i = 0; i < kb->vocab.ntraits; i++)
		kb->trait_ids[i] = kb->vocab.traits[i].id;
}

int kb_load_dir(struct kb *kb, const char *dir, struct diags *d)
{
	static const char *const md[] = { ".md" };
	char **names = NULL;
	long n;
	size_t caprt = 0, capmd = 0;
	int *kinds_of;
	int rc = 0;

	kb_release(kb);
	kb->dir = xstrdup(dir);
	n = file_list(dir, md, 1, &names);
	if (n < 0) {
		diag_error(d, dir, "cannot read the knowledge folder '%s'", dir);
		return -1;
	}
	kinds_of = xcalloc((size_t)n + 1, sizeof *kinds_of);
	for (long i = 0; i < n; i++)
		load_file(kb, names[i], &caprt, &capmd, true, &kinds_of[i], d);
	/* The vocabulary first: runtimes name its needs. */
	for (int pass = 0; pass < 2; pass++) {
		for (long i = 0; i < n; i++) {
			if ((kinds_of[i] == KIND_VOCABULARY) != (pass == 0))
				continue;
			if (load_file(kb, names[i], &caprt, &capmd, false, NULL, d) < 0)
				rc = -1;
		}
		if (pass == 0 && kb->vocab.file == NULL && n >= 0) {
			diag_error(d, dir, "the knowledge folder '%s' has no vocabulary file "
				   "(kind: vocabulary)", dir);
			rc = -1;
		}
	}
	for (long i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(kinds_of);
	if (rc == 0)
		rc = check_links(kb, d);
	word_lists(kb);
	return rc;
}
