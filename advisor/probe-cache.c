/*
 * The probe cache reader: `recommend --probes-from FILE` and the "probes"
 * object of a JSON report.  A cache decides the advice as much as the
 * profile does, and CI feeds it back unattended, so it is read strictly:
 * every figure is range-checked before it is converted (jansson integers
 * are long long; a silent cast turned 4294967298 cores into 2), units and
 * families must be ones the probe table writes, a probe appears once, and
 * figures must be physically possible for their unit.  Every problem is a
 * FILE:LINE:COL diagnostic; jansson places only syntax errors, so the
 * validator keeps the JSON path it is at and jsonpos finds it in the text.
 */
#include "probe.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "jsonpos.h"
#include "replay.h"
#include "suggest.h"
#include "text.h"
#include "util.h"
#include "xalloc.h"

#define PV_MAX_DEPTH 8
#define PV_MAX_ERRORS 100	/* beyond this, stop placing errors (each costs a scan) */
#define PV_MAX_RESULTS 1000	/* far more than the probe table holds */
#define PV_MAX_SAMPLES 1000000	/* a probe keeps 2000; room for other writers */
#define PV_MAX_CORES 65536
#define PV_MAX_MEMORY_MB (1L << 30)	/* 1 PiB */

/*
 * The largest credible figure of each unit the probes write.  A time can
 * not pass the longest budget (600 s) since one sample runs inside it; an
 * event loop cannot dispatch more than one event per clock cycle; memory
 * per task cannot pass the machine's memory, and a speed-up on N cores
 * stays below 2N: N in principle, with room for cache effects and noise in
 * single samples (2.3 on 2 cores has been seen).  Speed-ups must also be
 * above zero: a ratio of run times is never 0.
 */
enum bound_kind { BOUND_FIXED, BOUND_MEMORY, BOUND_CORES };

static const struct unit_bound {
	const char *unit;
	enum bound_kind kind;
	double max;
	bool positive;
} unit_bounds[] = {
	{ "ns", BOUND_FIXED, 600e9, false },
	{ "us", BOUND_FIXED, 600e6, false },
	{ "ms", BOUND_FIXED, 600e3, false },
	{ "KiB", BOUND_MEMORY, 0, false },
	{ "x", BOUND_CORES, 0, true },
	{ "events/s", BOUND_FIXED, 1e10, false },
};

struct seen {
	const char *name;
	size_t index;		/* in the JSON array */
};

struct pvalid {
	const char *file;
	const char *src;
	size_t len;
	struct diags *d;
	struct jsonpos_step path[PV_MAX_DEPTH];
	size_t depth;
	int errors;
	int cores;		/* from the fingerprint; 0 when unknown */
	long memory_mb;		/* likewise */
	size_t root_depth;	/* 1 inside a report's "probes" object */
	struct seen *results;	/* names of results so far */
	size_t nresults, capresults;
};

static void pv_error(struct pvalid *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void pv_error(struct pvalid *v, const char *fmt, ...)
{
	va_list ap;
	int line, col;
	size_t off;

	if (v->errors++ >= PV_MAX_ERRORS)
		return;
	off = jsonpos_locate(v->src, v->len, v->path,
			     v->depth < PV_MAX_DEPTH ? v->depth : PV_MAX_DEPTH, NULL);
	diag_offset_to_place(v->src, v->len, off, &line, &col);
	va_start(ap, fmt);
	diag_vadd(v->d, DIAG_ERROR, v->file, v->src, v->len, line, col, fmt, ap);
	va_end(ap);
}

static void pv_push(struct pvalid *v, const char *key, size_t index)
{
	if (v->depth < PV_MAX_DEPTH) {
		v->path[v->depth].key = key;
		v->path[v->depth].index = index;
	}
	v->depth++;
}

static void pv_pop(struct pvalid *v)
{
	v->depth--;
}

static const char *json_kind(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	default:
		return "null";
	}
}

/* Member key of obj; NULL with an error (at obj) when required and missing. */
static json_t *pv_member(struct pvalid *v, json_t *obj, const char *key, bool required)
{
	json_t *m = json_object_get(obj, key);

	if (m == NULL && required)
		pv_error(v, "missing key '%s'", key);
	return m;
}

static char *pv_string(struct pvalid *v, json_t *obj, const char *key)
{
	json_t *m = pv_member(v, obj, key, true);
	char *s = NULL;
	uint32_t cp;

	if (m == NULL)
		return NULL;
	pv_push(v, key, 0);
	if (!json_is_string(m)) {
		pv_error(v, "'%s' must be a string, not %s", key, json_kind(m));
	} else if (text_find_control(json_string_value(m), json_string_length(m), false, &cp) >= 0) {
		pv_error(v, "'%s' holds %s (U+%04X); remove it", key, text_control_name(cp),
			 (unsigned)cp);
	} else {
		s = xstrdup(json_string_value(m));
	}
	pv_pop(v);
	return s;
}

/*
 * A number that must be finite; *present tells whether it was there and
 * of the right type (absent optional members are not errors).
 */
static double pv_number(struct pvalid *v, json_t *obj, const char *key, bool required,
			bool *present)
{
	json_t *m = pv_member(v, obj, key, required);
	double x = 0;

	*present = false;
	if (m == NULL)
		return 0;
	pv_push(v, key, 0);
	if (!json_is_number(m)) {
		pv_error(v, "'%s' must be a number, not %s", key, json_kind(m));
	} else {
		x = json_number_value(m);
		if (!isfinite(x))
			pv_error(v, "'%s' must be a finite number", key);
		else
			*present = true;
	}
	pv_pop(v);
	return *present ? x : 0;
}

/* A number in [lo, hi]; 0 when absent or wrong. */
static double pv_range(struct pvalid *v, json_t *obj, const char *key, bool required,
		       double lo, double hi)
{
	bool ok;
	double x = pv_number(v, obj, key, required, &ok);

	if (ok && (x < lo || x > hi)) {
		pv_push(v, key, 0);
		if (isinf(hi))
			pv_error(v, "'%s' must be %g or more, not %g", key, lo, x);
		else
			pv_error(v, "'%s' must be between %g and %g, not %g", key, lo, hi, x);
		pv_pop(v);
		return 0;
	}
	return x;
}

/*
 * A whole number in [lo, hi], checked before any conversion: a JSON
 * integer is a long long, a real is accepted only when it is integral.
 * Returns lo - 1 when absent or wrong (lo is never LLONG_MIN here).
 */
static long long pv_integer(struct pvalid *v, json_t *obj, const char *key, long long lo,
			    long long hi)
{
	json_t *m = pv_member(v, obj, key, true);
	long long x = lo - 1;

	if (m == NULL)
		return x;
	pv_push(v, key, 0);
	if (json_is_integer(m)) {
		long long i = json_integer_value(m);

		if (i < lo || i > hi)
			pv_error(v, "'%s' must be between %lld and %lld, not %lld", key, lo, hi, i);
		else
			x = i;
	} else if (json_is_real(m)) {
		double r = json_real_value(m);

		if (r != floor(r))
			pv_error(v, "'%s' must be a whole number, not %g", key, r);
		else if (r < (double)lo || r > (double)hi)
			pv_error(v, "'%s' must be between %lld and %lld, not %.17g", key, lo, hi, r);
		else
			x = (long long)r;
	} else {
		pv_error(v, "'%s' must be an integer, not %s", key, json_kind(m));
	}
	pv_pop(v);
	return x;
}

static void pv_fingerprint(struct pvalid *v, json_t *root, struct probe_fingerprint *fp)
{
	json_t *o = pv_member(v, root, "fingerprint", true);
	long long cores, mem;

	if (o == NULL)
		return;
	pv_push(v, "fingerprint", 0);
	if (!json_is_object(o)) {
		pv_error(v, "'fingerprint' must be an object, not %s", json_kind(o));
		pv_pop(v);
		return;
	}
	fp->cpu_model = pv_string(v, o, "cpu_model");
	cores = pv_integer(v, o, "cores", 1, PV_MAX_CORES);
	mem = pv_integer(v, o, "memory_mb", 0, PV_MAX_MEMORY_MB);
	fp->kernel = pv_string(v, o, "kernel");
	fp->advisor_version = pv_string(v, o, "advisor_version");
	fp->taken_at = pv_string(v, o, "taken_at");
	fp->cores = cores >= 1 ? (int)cores : 0;
	fp->memory_mb = mem >= 0 ? (long)mem : 0;
	/* what this process could use: optional, so that older caches load */
	if (json_object_get(o, "usable_cpus")) {
		long long u = pv_integer(v, o, "usable_cpus", 1, fp->cores >= 1 ? fp->cores : PV_MAX_CORES);

		fp->usable_cpus = u >= 1 ? (int)u : 0;
	}
	if (json_object_get(o, "cpu_quota"))
		fp->cpu_quota = pv_range(v, o, "cpu_quota", false, 0.001, PV_MAX_CORES);
	if (json_object_get(o, "memory_limit_mb")) {
		long long m = pv_integer(v, o, "memory_limit_mb", 1, PV_MAX_MEMORY_MB);

		fp->memory_limit_mb = m >= 1 ? (long)m : 0;
	}
	v->cores = fp->cores;
	v->memory_mb = fp->memory_mb;
	pv_pop(v);
}

/* True when word is one of the n distinct values of field(i) over the probe table. */
static bool in_table(const char *word, const char *(*field)(size_t))
{
	for (size_t i = 0; i < probe_count(); i++)
		if (strcmp(word, field(i)) == 0)
			return true;
	return false;
}

/* The distinct values of field(i) over the probe table; caller frees the array. */
static const char **table_words(const char *(*field)(size_t), size_t *n)
{
	const char **w = xcalloc(probe_count(), sizeof *w);

	*n = 0;
	for (size_t i = 0; i < probe_count(); i++) {
		size_t k;

		for (k = 0; k < *n; k++)
			if (strcmp(w[k], field(i)) == 0)
				break;
		if (k == *n)
			w[(*n)++] = field(i);
	}
	return w;
}

/* Error at key unless word is a value the probe table uses for that field. */
static void pv_vocab(struct pvalid *v, const char *key, const char *word,
		     const char *(*field)(size_t))
{
	const char **words;
	size_t n;
	const char *hint;

	if (word == NULL || in_table(word, field))
		return;
	words = table_words(field, &n);
	hint = suggest(word, words, n);
	pv_push(v, key, 0);
	if (hint)
		pv_error(v, "unknown %s '%s' (did you mean '%s'?)", key, word, hint);
	else
		pv_error(v, "unknown %s '%s'", key, word);
	pv_pop(v);
	free(words);
}

static bool name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

/* A probe name: non-empty, letters, digits, '.', '_' and '-' (it is shown as code). */
static void pv_name(struct pvalid *v, const char *name)
{
	const char *p = name;

	if (name == NULL)
		return;
	while (*p && name_char_ok(*p))
		p++;
	if (*name != '\0' && *p == '\0')
		return;
	pv_push(v, "name", 0);
	if (*name == '\0')
		pv_error(v, "'name' must not be empty");
	else
		pv_error(v, "'name' may hold only letters, digits, '.', '_' and '-', not '%c'", *p);
	pv_pop(v);
}

/* A known probe must keep the family and unit of its table row. */
static void pv_known(struct pvalid *v, const struct probe_result *r)
{
	for (size_t i = 0; r->name && i < probe_count(); i++) {
		if (strcmp(r->name, probe_name_at(i)) != 0)
			continue;
		if (r->family && in_table(r->family, probe_family_at) &&
		    strcmp(r->family, probe_family_at(i)) != 0) {
			pv_push(v, "family", 0);
			pv_error(v, "probe '%s' is in family '%s', not '%s'", r->name,
				 probe_family_at(i), r->family);
			pv_pop(v);
		}
		if (r->unit && in_table(r->unit, probe_unit_at) &&
		    strcmp(r->unit, probe_unit_at(i)) != 0) {
			pv_push(v, "unit", 0);
			pv_error(v, "probe '%s' is measured in '%s', not '%s'", r->name,
				 probe_unit_at(i), r->unit);
			pv_pop(v);
		}
	}
}

/* The largest credible figure in unit (HUGE_VAL: no bound); *positive: zero is impossible. */
static double unit_max(const struct pvalid *v, const char *unit, bool *positive, char *why,
		       size_t whylen)
{
	*positive = false;
	for (size_t i = 0; unit && i < ARRAY_SIZE(unit_bounds); i++) {
		const struct unit_bound *b = &unit_bounds[i];

		if (strcmp(unit, b->unit) != 0)
			continue;
		*positive = b->positive;
		switch (b->kind) {
		case BOUND_FIXED:
			snprintf(why, whylen, "the largest credible figure");
			return b->max;
		case BOUND_MEMORY:
			snprintf(why, whylen, "the machine's memory, %ld MB", v->memory_mb);
			return v->memory_mb > 0 ? v->memory_mb * 1024.0 : HUGE_VAL;
		case BOUND_CORES:
			snprintf(why, whylen, "twice the machine's %d cores", v->cores);
			return v->cores > 0 ? 2.0 * v->cores : HUGE_VAL;
		}
	}
	return HUGE_VAL;
}

/* A figure of unit: present, finite, not negative, within the unit's bound. */
static double pv_figure(struct pvalid *v, json_t *o, const char *key, const char *unit,
			bool *ok)
{
	double x = pv_number(v, o, key, true, ok);
	bool positive;
	char why[96];
	double max = unit_max(v, unit, &positive, why, sizeof why);

	if (!*ok)
		return 0;
	pv_push(v, key, 0);
	if (x < 0 || (positive && x == 0)) {
		pv_error(v, "'%s' must be %s, not %g", key, positive ? "above 0" : "0 or more", x);
		*ok = false;
	} else if (x > max) {
		pv_error(v, "'%s' of %g %s is more than %s (%g %s)", key, x, unit, why, max, unit);
		*ok = false;
	}
	pv_pop(v);
	return x;
}

/* min <= median <= max, checked only between figures that are there and valid. */
static void pv_order(struct pvalid *v, const struct probe_stats *st, const bool ok[3])
{
	if (ok[0] && ok[1] && st->min > st->median) {
		pv_push(v, "min", 0);
		pv_error(v, "'min' (%g) is greater than 'median' (%g)", st->min, st->median);
		pv_pop(v);
	}
	if (ok[1] && ok[2] && st->median > st->max) {
		pv_push(v, "max", 0);
		pv_error(v, "'max' (%g) is less than 'median' (%g)", st->max, st->median);
		pv_pop(v);
	} else if (!ok[1] && ok[0] && ok[2] && st->min > st->max) {
		pv_push(v, "max", 0);
		pv_error(v, "'max' (%g) is less than 'min' (%g)", st->max, st->min);
		pv_pop(v);
	}
}

/* Line of the value at list[index].name (for "first defined at line N"). */
static int line_of_name(const struct pvalid *v, const char *list, size_t index)
{
	struct jsonpos_step p[PV_MAX_DEPTH];
	size_t n = 0;
	int line, col;

	for (; n < v->root_depth; n++)
		p[n] = v->path[n];
	p[n++] = (struct jsonpos_step){ list, 0 };
	p[n++] = (struct jsonpos_step){ NULL, index };
	p[n++] = (struct jsonpos_step){ "name", 0 };
	diag_offset_to_place(v->src, v->len, jsonpos_locate(v->src, v->len, p, n, NULL), &line,
			     &col);
	return line;
}

/* The earlier result called name, or NULL. */
static const struct seen *seen_result(const struct pvalid *v, const char *name)
{
	for (size_t i = 0; name && i < v->nresults; i++)
		if (strcmp(v->results[i].name, name) == 0)
			return &v->results[i];
	return NULL;
}

static void pv_result(struct pvalid *v, json_t *o, size_t index, struct probe_set *ps)
{
	struct probe_result r;
	const struct seen *first;
	bool ok[3], present;
	json_t *m;

	memset(&r, 0, sizeof r);
	if (!json_is_object(o)) {
		pv_error(v, "a result must be an object, not %s", json_kind(o));
		return;
	}
	r.name = pv_string(v, o, "name");
	pv_name(v, r.name);
	first = seen_result(v, r.name);
	if (first) {
		pv_push(v, "name", 0);
		pv_error(v, "duplicate result '%s' (first defined at line %d)", r.name,
			 line_of_name(v, "results", first->index));
		pv_pop(v);
	} else if (r.name) {
		*XPUSH(v->results, v->nresults, v->capresults) = (struct seen){ r.name, index };
	}
	r.family = pv_string(v, o, "family");
	pv_vocab(v, "family", r.family, probe_family_at);
	r.unit = pv_string(v, o, "unit");
	pv_vocab(v, "unit", r.unit, probe_unit_at);
	pv_known(v, &r);
	r.st.median = pv_figure(v, o, "median", r.unit, &ok[1]);
	r.st.min = pv_figure(v, o, "min", r.unit, &ok[0]);
	r.st.max = pv_figure(v, o, "max", r.unit, &ok[2]);
	pv_order(v, &r.st, ok);
	r.st.mad = pv_number(v, o, "mad", true, &present);
	if (present && r.st.mad < 0) {
		pv_push(v, "mad", 0);
		pv_error(v, "'mad' must not be negative");
		pv_pop(v);
	}
	r.st.samples = (int)pv_integer(v, o, "samples", 1, PV_MAX_SAMPLES);
	m = pv_member(v, o, "noisy", false);
	if (m) {
		pv_push(v, "noisy", 0);
		if (!json_is_boolean(m))
			pv_error(v, "'noisy' must be a boolean, not %s", json_kind(m));
		r.noisy = json_is_true(m);
		pv_pop(v);
	}
	r.busy_other = pv_range(v, o, "busy_other", false, 0, 1);
	*XPUSH(ps->results, ps->nresults, ps->capresults) = r;
}

static void pv_skip(struct pvalid *v, json_t *e, struct probe_set *ps)
{
	struct probe_skip *s;
	const struct seen *res;

	if (!json_is_object(e)) {
		pv_error(v, "a skipped entry must be an object, not %s", json_kind(e));
		return;
	}
	s = XPUSH(ps->skipped, ps->nskipped, ps->capskipped);
	s->name = pv_string(v, e, "name");
	pv_name(v, s->name);
	res = seen_result(v, s->name);
	for (size_t i = 0; res == NULL && s->name && i + 1 < ps->nskipped; i++) {
		if (ps->skipped[i].name && strcmp(ps->skipped[i].name, s->name) == 0) {
			pv_push(v, "name", 0);
			pv_error(v, "duplicate skipped probe '%s' (first defined at line %d)",
				 s->name, line_of_name(v, "skipped", i));
			pv_pop(v);
			break;
		}
	}
	if (res) {
		pv_push(v, "name", 0);
		pv_error(v, "probe '%s' is both measured (line %d) and skipped", s->name,
			 line_of_name(v, "results", res->index));
		pv_pop(v);
	}
	s->reason = pv_string(v, e, "reason");
}

static void pv_list(struct pvalid *v, json_t *root, const char *key, struct probe_set *ps)
{
	bool results = strcmp(key, "results") == 0;
	json_t *a = pv_member(v, root, key, results);
	size_t i;
	json_t *e;

	if (a == NULL)
		return;
	pv_push(v, key, 0);
	if (!json_is_array(a)) {
		pv_error(v, "'%s' must be an array, not %s", key, json_kind(a));
	} else if (json_array_size(a) > PV_MAX_RESULTS) {
		pv_error(v, "'%s' has %zu entries (the limit is %d)", key, json_array_size(a),
			 PV_MAX_RESULTS);
	} else {
		json_array_foreach(a, i, e) {
			pv_push(v, NULL, i);
			if (results)
				pv_result(v, e, i, ps);
			else
				pv_skip(v, e, ps);
			pv_pop(v);
		}
	}
	pv_pop(v);
}

/* ---- the replay object ---------------------------------------------------- */

/* Error at each member of obj whose key is not in allowed. */
static void pv_keys(struct pvalid *v, json_t *obj, const char *const *allowed, size_t n,
		    const char *where)
{
	const char *key;
	json_t *val;

	json_object_foreach(obj, key, val) {
		size_t i;

		for (i = 0; i < n; i++)
			if (strcmp(key, allowed[i]) == 0)
				break;
		if (i < n)
			continue;
		pv_push(v, key, 0);
		{
			const char *hint = suggest(key, allowed, n);

			if (hint)
				pv_error(v, "unknown key '%s' in %s (did you mean '%s'?)", key, where, hint);
			else
				pv_error(v, "unknown key '%s' in %s", key, where);
		}
		pv_pop(v);
	}
}

/* A figure that may be null (not measured): NAN then; else in [lo, hi]. */
static double pv_nullable(struct pvalid *v, json_t *o, const char *key, bool required,
			  double lo, double hi)
{
	json_t *m = json_object_get(o, key);

	if (m == NULL && required) {
		pv_error(v, "missing key '%s'", key);
		return NAN;
	}
	if (m == NULL || json_is_null(m))
		return NAN;
	return pv_range(v, o, key, true, lo, hi);
}

/* A string that may be null; NULL then. */
static char *pv_nullable_string(struct pvalid *v, json_t *o, const char *key)
{
	json_t *m = json_object_get(o, key);

	if (m == NULL || json_is_null(m))
		return NULL;
	return pv_string(v, o, key);
}

static void pv_word(struct pvalid *v, const char *key, const char *word,
		    const char *const *words, size_t n)
{
	const char *hint;

	if (word == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		if (strcmp(word, words[i]) == 0)
			return;
	hint = suggest(word, words, n);
	pv_push(v, key, 0);
	if (hint)
		pv_error(v, "unknown %s '%s' (did you mean '%s'?)", key, word, hint);
	else
		pv_error(v, "unknown %s '%s'", key, word);
	pv_pop(v);
}

#define PV_MAX_MS 600000.0	/* a latency or CPU time past 10 minutes is not credible */
#define PV_MAX_RPS 1e8

static void pv_replay_load(struct pvalid *v, json_t *o, struct replay_load *l)
{
	static const char *const keys[] = { "connections", "idle_connections", "schedule",
		"step_s", "sampling_s", "p99_budget_ms", "yardstick_ms", "kernels", "requests" };
	static const char *const kkeys[] = { "web_us", "compute_us", "native_us" };
	static const char *const rkeys[] = { "share", "cpu_ms", "web", "compute", "native", "io_us" };
	static const char *const schedules[] = { "constant", "poisson" };
	json_t *k, *reqs, *e;
	char *sched;
	size_t i;

	if (!json_is_object(o)) {
		pv_error(v, "'load' must be an object, not %s", json_kind(o));
		return;
	}
	pv_keys(v, o, keys, ARRAY_SIZE(keys), "replay.load");
	l->connections = (int)pv_integer(v, o, "connections", 1, 1024);
	l->idle_connections = (int)pv_integer(v, o, "idle_connections", 0, 4096);
	sched = pv_string(v, o, "schedule");
	pv_word(v, "schedule", sched, schedules, ARRAY_SIZE(schedules));
	l->poisson = sched && strcmp(sched, "poisson") == 0;
	free(sched);
	l->step_s = pv_range(v, o, "step_s", true, 0.001, 600);
	l->sampling_s = pv_range(v, o, "sampling_s", true, 0.001, 600);
	l->p99_budget_ms = pv_range(v, o, "p99_budget_ms", true, 0.001, PV_MAX_MS);
	l->yardstick_ms = pv_range(v, o, "yardstick_ms", true, 0, PV_MAX_MS);
	k = pv_member(v, o, "kernels", true);
	if (k) {
		pv_push(v, "kernels", 0);
		if (!json_is_object(k)) {
			pv_error(v, "'kernels' must be an object, not %s", json_kind(k));
		} else {
			pv_keys(v, k, kkeys, ARRAY_SIZE(kkeys), "replay.load.kernels");
			for (int j = 0; j < 3; j++)
				l->kernel_us[j] = pv_range(v, k, kkeys[j], true, 0, 1e6);
		}
		pv_pop(v);
	}
	reqs = pv_member(v, o, "requests", true);
	if (reqs == NULL)
		return;
	pv_push(v, "requests", 0);
	if (!json_is_array(reqs)) {
		pv_error(v, "'requests' must be an array, not %s", json_kind(reqs));
	} else if (json_array_size(reqs) < 1 || json_array_size(reqs) > REPLAY_MAX_CLASSES) {
		pv_error(v, "'requests' must have 1 to %d entries, not %zu", REPLAY_MAX_CLASSES,
			 json_array_size(reqs));
	} else {
		json_array_foreach(reqs, i, e) {
			struct replay_class *c = &l->classes[l->nclasses++];

			pv_push(v, NULL, i);
			if (!json_is_object(e)) {
				pv_error(v, "a request must be an object, not %s", json_kind(e));
			} else {
				pv_keys(v, e, rkeys, ARRAY_SIZE(rkeys), "a replay request");
				c->share = pv_range(v, e, "share", true, 0, 1);
				c->cpu_ms = pv_range(v, e, "cpu_ms", true, 0, PV_MAX_MS);
				c->web = (long)pv_integer(v, e, "web", 0, 1000000);
				c->compute = (long)pv_integer(v, e, "compute", 0, 1000000);
				c->native = (long)pv_integer(v, e, "native", 0, 1000000);
				c->io_us = (long)pv_integer(v, e, "io_us", 0, 60000000);
			}
			pv_pop(v);
		}
	}
	pv_pop(v);
}

/* p50 <= p99 where both are there. */
static void pv_p50_p99(struct pvalid *v, double p50, double p99)
{
	if (isfinite(p50) && isfinite(p99) && p50 > p99) {
		pv_push(v, "p50_ms", 0);
		pv_error(v, "'p50_ms' (%g) is greater than 'p99_ms' (%g)", p50, p99);
		pv_pop(v);
	}
}

static void pv_replay_points(struct pvalid *v, json_t *o, struct replay_candidate *c)
{
	static const char *const keys[] = { "share", "rps", "p50_ms", "p99_ms" };
	json_t *a = json_object_get(o, "points"), *e;
	size_t i;

	if (a == NULL)
		return;
	pv_push(v, "points", 0);
	if (!json_is_array(a)) {
		pv_error(v, "'points' must be an array, not %s", json_kind(a));
	} else if (json_array_size(a) > ARRAY_SIZE(c->points)) {
		pv_error(v, "'points' has %zu entries (the limit is %zu)", json_array_size(a),
			 ARRAY_SIZE(c->points));
	} else {
		json_array_foreach(a, i, e) {
			struct replay_point *p = &c->points[c->npoints++];

			pv_push(v, NULL, i);
			if (!json_is_object(e)) {
				pv_error(v, "a point must be an object, not %s", json_kind(e));
			} else {
				pv_keys(v, e, keys, ARRAY_SIZE(keys), "a replay point");
				p->share = pv_range(v, e, "share", true, 0.001, 1);
				p->rps = pv_range(v, e, "rps", true, 0, PV_MAX_RPS);
				p->p50_ms = pv_nullable(v, e, "p50_ms", true, 0, PV_MAX_MS);
				p->p99_ms = pv_nullable(v, e, "p99_ms", true, 0, PV_MAX_MS);
				pv_p50_p99(v, p->p50_ms, p->p99_ms);
			}
			pv_pop(v);
		}
	}
	pv_pop(v);
}

static const char *const replay_figures[] = { "cpu_ms_per_request", "cpu_factor", "usable_cores",
	"max_rps", "p50_ms", "p99_ms", "rss_base_mb", "kib_per_connection" };

static void pv_replay_candidate(struct pvalid *v, json_t *o, struct replay_set *rs)
{
	static const char *const keys[] = { "runtime", "model", "status", "reason",
		"runtime_version", "command", "startup_ms", "cpu_ms_per_request", "cpu_factor",
		"usable_cores", "max_rps", "p50_ms", "p99_ms", "rss_base_mb", "kib_per_connection",
		"points" };
	static const char *const statuses[] = { "measured", "skipped" };
	struct replay_candidate *c;
	double mem_mb = v->memory_mb > 0 ? (double)v->memory_mb : 1e9;
	double cores = v->cores > 0 ? 2.0 * v->cores : PV_MAX_CORES;
	char *status;

	if (!json_is_object(o)) {
		pv_error(v, "a candidate must be an object, not %s", json_kind(o));
		return;
	}
	pv_keys(v, o, keys, ARRAY_SIZE(keys), "a replay candidate");
	c = replay_set_add(rs);
	c->runtime = pv_string(v, o, "runtime");
	pv_name(v, c->runtime);
	c->model = pv_string(v, o, "model");
	pv_word(v, "model", c->model, replay_models, replay_nmodels);
	status = pv_string(v, o, "status");
	pv_word(v, "status", status, statuses, ARRAY_SIZE(statuses));
	c->measured = status && strcmp(status, "measured") == 0;
	c->reason = pv_nullable_string(v, o, "reason");
	c->runtime_version = pv_nullable_string(v, o, "runtime_version");
	c->command = pv_nullable_string(v, o, "command");
	c->startup_ms = pv_nullable(v, o, "startup_ms", false, 0, PV_MAX_MS);
	c->cpu_ms_per_request = pv_nullable(v, o, "cpu_ms_per_request", c->measured, 0, PV_MAX_MS);
	c->cpu_factor = pv_nullable(v, o, "cpu_factor", c->measured, 0, 1e6);
	c->usable_cores = pv_nullable(v, o, "usable_cores", c->measured, 0.001, cores);
	c->max_rps = pv_nullable(v, o, "max_rps", c->measured, 0, PV_MAX_RPS);
	c->p50_ms = pv_nullable(v, o, "p50_ms", c->measured, 0, PV_MAX_MS);
	c->p99_ms = pv_nullable(v, o, "p99_ms", c->measured, 0, PV_MAX_MS);
	pv_p50_p99(v, c->p50_ms, c->p99_ms);
	c->rss_base_mb = pv_nullable(v, o, "rss_base_mb", c->measured, 0, mem_mb);
	c->kib_per_connection = pv_nullable(v, o, "kib_per_connection", c->measured, 0,
					    mem_mb * 1024.0);
	if (c->measured && !isfinite(c->max_rps) && json_is_null(json_object_get(o, "max_rps"))) {
		pv_push(v, "max_rps", 0);
		pv_error(v, "a measured candidate needs 'max_rps'");
		pv_pop(v);
	}
	if (status && !c->measured) {
		if (c->reason == NULL || *c->reason == '\0')
			pv_error(v, "a skipped candidate needs a 'reason'");
		for (size_t i = 0; i < ARRAY_SIZE(replay_figures); i++) {
			json_t *m = json_object_get(o, replay_figures[i]);

			if (m && !json_is_null(m)) {
				pv_push(v, replay_figures[i], 0);
				pv_error(v, "a skipped candidate has no '%s' (null)", replay_figures[i]);
				pv_pop(v);
			}
		}
	}
	pv_replay_points(v, o, c);
	free(status);
}

static void pv_replay(struct pvalid *v, json_t *root, struct probe_set *ps)
{
	static const char *const keys[] = { "profile", "budget_s", "elapsed_s", "load", "candidates" };
	json_t *o = json_object_get(root, "replay"), *a, *e, *load;
	struct replay_set *rs;
	size_t i;

	if (o == NULL)
		return;
	pv_push(v, "replay", 0);
	if (!json_is_object(o)) {
		pv_error(v, "'replay' must be an object, not %s", json_kind(o));
		pv_pop(v);
		return;
	}
	rs = xcalloc(1, sizeof *rs);
	replay_set_init(rs);
	ps->replay = rs;
	pv_keys(v, o, keys, ARRAY_SIZE(keys), "replay");
	rs->profile = pv_nullable_string(v, o, "profile");
	rs->budget_s = pv_range(v, o, "budget_s", true, 0, 3600);
	rs->elapsed_s = pv_range(v, o, "elapsed_s", true, 0, 36000);
	load = pv_member(v, o, "load", true);
	if (load) {
		pv_push(v, "load", 0);
		pv_replay_load(v, load, &rs->load);
		pv_pop(v);
	}
	a = pv_member(v, o, "candidates", true);
	if (a) {
		pv_push(v, "candidates", 0);
		if (!json_is_array(a)) {
			pv_error(v, "'candidates' must be an array, not %s", json_kind(a));
		} else if (json_array_size(a) > REPLAY_MAX_CANDIDATES) {
			pv_error(v, "'candidates' has %zu entries (the limit is %d)", json_array_size(a),
				 REPLAY_MAX_CANDIDATES);
		} else {
			json_array_foreach(a, i, e) {
				size_t before = rs->ncands;
				const struct replay_candidate *cur;

				pv_push(v, NULL, i);
				pv_replay_candidate(v, e, rs);
				cur = rs->ncands > before ? &rs->cands[rs->ncands - 1] : NULL;
				for (size_t k = 0; cur && cur->runtime && cur->model && k + 1 < rs->ncands; k++) {
					const struct replay_candidate *p = &rs->cands[k];

					if (p->runtime && p->model && strcmp(p->runtime, cur->runtime) == 0 &&
					    strcmp(p->model, cur->model) == 0) {
						pv_error(v, "duplicate candidate %s/%s (also entry %zu)",
							 p->runtime, p->model, k);
						break;
					}
				}
				pv_pop(v);
			}
		}
		pv_pop(v);
	}
	pv_pop(v);
}

/*
 * "schema_version": absent in caches written before it existed; a newer
 * version than this advisor reads may change what a key means, so it is
 * refused before anything else is read.  -1 then.
 */
static int pv_version(struct pvalid *v, json_t *obj)
{
	long long ver;

	if (json_object_get(obj, "schema_version") == NULL)
		return 0;
	ver = pv_integer(v, obj, "schema_version", 1, LLONG_MAX - 1);
	if (ver < 1)
		return -1;
	if (ver > PROBE_SCHEMA_VERSION) {
		pv_push(v, "schema_version", 0);
		pv_error(v, "schema_version %lld is newer than this advisor reads (version %d); "
			 "write the cache again with this advisor or use a newer one", ver,
			 PROBE_SCHEMA_VERSION);
		pv_pop(v);
		return -1;
	}
	return 0;
}

int probe_set_load(struct probe_set *ps, const char *path, struct diags *d)
{
	struct pvalid v;
	char *src = NULL;
	size_t len = 0;
	json_t *root = NULL, *obj;
	json_error_t err;
	int rc = -1;

	probe_set_release(ps);
	memset(&v, 0, sizeof v);
	if (file_read(path, FILEIO_MAX_INPUT, &src, &len, d) < 0)
		goto out;
	/* Any value decodes, so that a cache that is not an object is placed below. */
	root = json_loadb(src, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
	if (root == NULL) {
		/* jansson counts columns in bytes from 1; a past-the-end column is 0. */
		diag_add(d, DIAG_ERROR, path, src, len, err.line > 0 ? err.line : 1,
			 err.column > 0 ? err.column : 1, "invalid JSON: %s", err.text);
		goto out;
	}
	v.file = path;
	v.src = src;
	v.len = len;
	v.d = d;
	obj = root;
	if (!json_is_object(root)) {
		pv_error(&v, "a probe cache must be a JSON object, not %s", json_kind(root));
		goto out;
	}
	if (json_object_get(root, "fingerprint") == NULL &&
	    json_is_object(json_object_get(root, "probes"))) {
		obj = json_object_get(root, "probes");
		pv_push(&v, "probes", 0);
		v.root_depth = 1;
	}
	if (pv_version(&v, obj) < 0)
		goto out;
	pv_fingerprint(&v, obj, &ps->fp);
	ps->budget_s = pv_range(&v, obj, "budget_s", true, 0, HUGE_VAL);
	ps->elapsed_s = pv_range(&v, obj, "elapsed_s", true, 0, HUGE_VAL);
	pv_list(&v, obj, "results", ps);
	pv_list(&v, obj, "skipped", ps);
	pv_replay(&v, obj, ps);
	if (v.errors == 0)
		rc = 0;
out:
	if (rc == 0)
		ps->source = xasprintf("cache %s", path);
	else
		probe_set_release(ps);
	free(v.results);
	json_decref(root);
	free(src);
	return rc;
}
