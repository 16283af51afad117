/*
 * advisor diff OLD.json NEW.json: did the recommendation or its reasons
 * change?  Compares two JSON reports: the winner, the tiers, each
 * candidate's score and the confidence, the ranking order, the rules fired
 * or gone, and probe figures that moved beyond their spread.  The
 * comparison is built once as a JSON object (--format json prints it) and
 * the text and Markdown forms are read from it.
 *
 * Exit 4 when a difference named by --fail-on was found: winner (default:
 * the runtime, model or scaling of the recommendation, or its tiers),
 * score (also any candidate's total or the confidence), any (any reported
 * difference); 0 otherwise, 1 on a usage error, 2 when an input is not a
 * valid report.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "fileio.h"
#include "xalloc.h"

/* An entry field of the wrong type: named by its JSON path, e.g. ranking[3].runtime. */
static int bad_entry(const char *path, const char *list, size_t i, const char *key,
		     const char *want, struct diags *d)
{
	if (key)
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
			 "'%s[%zu].%s' must be %s", list, i, key, want);
	else
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
			 "'%s[%zu]' must be %s", list, i, want);
	return -1;
}

/*
 * Every ranking entry is an object with runtime and model strings and a
 * number total; every rules_fired entry an object with an id string.  Junk
 * would otherwise compare as empty strings and zeros.
 */
static int check_entries(const char *path, json_t *j, struct diags *d)
{
	json_t *e;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(j, "ranking"), i, e) {
		if (!json_is_object(e)) {
			rc = bad_entry(path, "ranking", i, NULL, "an object", d);
			continue;
		}
		if (!json_is_string(json_object_get(e, "runtime")))
			rc = bad_entry(path, "ranking", i, "runtime", "a string", d);
		if (!json_is_string(json_object_get(e, "model")))
			rc = bad_entry(path, "ranking", i, "model", "a string", d);
		if (!json_is_number(json_object_get(e, "total")))
			rc = bad_entry(path, "ranking", i, "total", "a number", d);
	}
	json_array_foreach(json_object_get(j, "rules_fired"), i, e) {
		if (!json_is_object(e))
			rc = bad_entry(path, "rules_fired", i, NULL, "an object", d);
		else if (!json_is_string(json_object_get(e, "id")))
			rc = bad_entry(path, "rules_fired", i, "id", "a string", d);
	}
	return rc;
}

int diff_report_parse(const char *path, const char *src, size_t len, json_t **out,
		      struct diags *d)
{
	json_error_t e;
	json_t *j, *rec;
	static const char *const need[] = { "recommendation", "ranking", "rules_fired" };

	*out = NULL;
	j = json_loadb(src, len, JSON_REJECT_DUPLICATES, &e);
	if (j == NULL) {
		diag_add(d, DIAG_ERROR, path, src, len, e.line > 0 ? e.line : 1,
			 e.column > 0 ? e.column : 1, "invalid JSON: %s", e.text);
		return -1;
	}
	if (!json_is_object(j)) {
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report "
			 "(expected an object)");
		json_decref(j);
		return -1;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!json_object_get(j, need[i])) {
			diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
				 "no '%s' (write one with 'advisor recommend --format json')", need[i]);
			json_decref(j);
			return -1;
		}
	}
	rec = json_object_get(j, "recommendation");
	if (!json_is_string(json_object_get(rec, "runtime")) ||
	    !json_is_string(json_object_get(rec, "model")) ||
	    !json_is_array(json_object_get(j, "ranking")) ||
	    !json_is_array(json_object_get(j, "rules_fired"))) {
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
			 "'recommendation' needs 'runtime' and 'model', 'ranking' and 'rules_fired' "
			 "are lists");
		json_decref(j);
		return -1;
	}
	if (check_entries(path, j, d) < 0) {
		json_decref(j);
		return -1;
	}
	*out = j;
	return 0;
}

static int load(const char *path, json_t **out, struct diags *d)
{
	char *src = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (file_read(path, 64 * FILEIO_MAX_INPUT, &src, &len, d) < 0)
		return -1;
	rc = diff_report_parse(path, src, len, out, d);
	free(src);
	return rc;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static bool has_rule(json_t *fired, const char *id)
{
	size_t i;
	json_t *r;

	json_array_foreach(fired, i, r)
		if (strcmp(str(r, "id"), id) == 0)
			return true;
	return false;
}

static json_t *find_probe(json_t *results, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(results, i, r)
		if (strcmp(str(r, "name"), name) == 0)
			return r;
	return NULL;
}

enum fail_on { FAIL_WINNER, FAIL_SCORE, FAIL_ANY };
static const char *const fail_on_names[] = { "winner", "score", "any" };

enum diff_format { DIFF_TEXT, DIFF_JSON, DIFF_MARKDOWN };
static const char *const diff_format_names[] = { "text", "json", "markdown" };

/* A score or confidence moved when it changed by 0.01 or more (reports round to 2 places). */
#define SCORE_STEP 0.01

static double round2(double v)
{
	return round(v * 100) / 100;
}

static bool moved(double a, double b)
{
	return fabs(round2(b - a)) >= SCORE_STEP - 1e-9;
}

/* A number, or null when absent or not a number. */
static json_t *num_or_null(json_t *v)
{
	return json_is_number(v) ? json_real(json_number_value(v)) : json_null();
}

static json_t *winner_of(json_t *rec)
{
	json_t *w = json_object();

	json_object_set_new(w, "runtime", json_string(str(rec, "runtime")));
	json_object_set_new(w, "model", json_string(str(rec, "model")));
	json_object_set_new(w, "scaling", json_string(str(rec, "scaling")));
	return w;
}

static char *candidate_id(json_t *e)
{
	return xasprintf("%s/%s", str(e, "runtime"), str(e, "model"));
}

/* A tier list as "role runtime/model, ..." (what changes the winner). */
static char *tiers_key(json_t *tiers, bool sizes)
{
	struct buf b = BUF_INIT;
	size_t i;
	json_t *t;

	json_array_foreach(tiers, i, t) {
		buf_addf(&b, "%s%s %s/%s", i ? ", " : "", str(t, "role"), str(t, "runtime"),
			 str(t, "model"));
		if (sizes)
			buf_addf(&b, " (%g cores, %g instances)",
				 json_number_value(json_object_get(t, "cores")),
				 json_number_value(json_object_get(t, "instances")));
	}
	return buf_detach(&b);
}

/*
 * recommendation.tiers, compared only when both reports have them (an older
 * report has none, and that alone is no difference).
 */
static json_t *diff_tiers(json_t *ra, json_t *rb, bool *models, bool *sizes)
{
	json_t *ta = json_object_get(ra, "tiers"), *tb = json_object_get(rb, "tiers");
	json_t *o = json_object();
	bool both = json_is_array(ta) && json_is_array(tb);

	*models = *sizes = false;
	if (both) {
		char *ka = tiers_key(ta, false), *kb = tiers_key(tb, false);
		char *sa = tiers_key(ta, true), *sb = tiers_key(tb, true);

		*models = strcmp(ka, kb) != 0;
		*sizes = !*models && strcmp(sa, sb) != 0;
		free(ka);
		free(kb);
		free(sa);
		free(sb);
	}
	json_object_set_new(o, "compared", json_boolean(both));
	json_object_set_new(o, "changed", json_boolean(*models));
	json_object_set_new(o, "sizes_changed", json_boolean(*sizes));
	json_object_set_new(o, "old", json_is_array(ta) ? json_deep_copy(ta) : json_null());
	json_object_set_new(o, "new", json_is_array(tb) ? json_deep_copy(tb) : json_null());
	return o;
}

/* Every candidate whose total moved, appeared or disappeared: NEW's order, then OLD's rest. */
static json_t *diff_scores(json_t *la, json_t *lb)
{
	json_t *out = json_array(), *lists[2] = { lb, la }, *e;
	size_t i;

	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(lists[pass], i, e) {
			char *id = candidate_id(e);
			json_t *other = NULL, *x, *oa, *ob;
			size_t k;

			json_array_foreach(lists[!pass], k, x) {
				char *xid = candidate_id(x);
				bool same = strcmp(xid, id) == 0;

				free(xid);
				if (same) {
					other = x;
					break;
				}
			}
			if (pass == 1 && other) {
				free(id);
				continue;	/* seen in the first pass */
			}
			oa = pass == 0 ? other : e;
			ob = pass == 0 ? e : other;
			if (oa && ob && !moved(json_number_value(json_object_get(oa, "total")),
					      json_number_value(json_object_get(ob, "total")))) {
				free(id);
				continue;
			}
			{
				json_t *s = json_object();

				json_object_set_new(s, "candidate", json_string(id));
				json_object_set_new(s, "old", oa ? num_or_null(json_object_get(oa, "total"))
								  : json_null());
				json_object_set_new(s, "new", ob ? num_or_null(json_object_get(ob, "total"))
								  : json_null());
				json_object_set_new(s, "delta", oa && ob ?
						    json_real(round2(json_number_value(json_object_get(ob, "total")) -
								     json_number_value(json_object_get(oa, "total"))))
						    : json_null());
				json_array_append_new(out, s);
			}
			free(id);
		}
	}
	return out;
}

static json_t *diff_confidence(json_t *ra, json_t *rb, bool *changed)
{
	json_t *ca = json_object_get(ra, "confidence"), *cb = json_object_get(rb, "confidence");
	json_t *o = json_object();

	*changed = json_is_number(ca) && json_is_number(cb) ?
		   moved(json_number_value(ca), json_number_value(cb)) :
		   json_is_number(ca) != json_is_number(cb);
	json_object_set_new(o, "changed", json_boolean(*changed));
	json_object_set_new(o, "old", num_or_null(ca));
	json_object_set_new(o, "new", num_or_null(cb));
	return o;
}

static json_t *diff_ranking(json_t *la, json_t *lb)
{
	json_t *out = json_array();
	size_t n = json_array_size(la) > json_array_size(lb) ? json_array_size(la) : json_array_size(lb);

	for (size_t i = 0; i < n; i++) {
		json_t *ea = json_array_get(la, i), *eb = json_array_get(lb, i);
		char *ida = ea ? candidate_id(ea) : xstrdup("-");
		char *idb = eb ? candidate_id(eb) : xstrdup("-");

		if (strcmp(ida, idb) != 0) {
			json_t *r = json_object();

			json_object_set_new(r, "position", json_integer((json_int_t)(i + 1)));
			json_object_set_new(r, "old", json_string(ida));
			json_object_set_new(r, "new", json_string(idb));
			json_array_append_new(out, r);
		}
		free(ida);
		free(idb);
	}
	return out;
}

/* The ids of rules fired in b and not in a. */
static json_t *rules_only_in(json_t *b, json_t *a)
{
	json_t *out = json_array(), *x;
	size_t i;

	json_array_foreach(json_object_get(b, "rules_fired"), i, x)
		if (!has_rule(json_object_get(a, "rules_fired"), str(x, "id")))
			json_array_append_new(out, json_string(str(x, "id")));
	return out;
}

static json_t *diff_probes(json_t *a, json_t *b)
{
	json_t *pa = json_object_get(json_object_get(a, "probes"), "results");
	json_t *pb = json_object_get(json_object_get(b, "probes"), "results");
	json_t *out = json_array(), *x;
	size_t i;

	json_array_foreach(pb, i, x) {
		json_t *old = find_probe(pa, str(x, "name"));
		double mo, mn, spread;

		if (old == NULL)
			continue;
		mo = json_number_value(json_object_get(old, "median"));
		mn = json_number_value(json_object_get(x, "median"));
		/* Beyond the spread: more than 3 MADs of either, and 10 %. */
		spread = 3 * fmax(json_number_value(json_object_get(old, "mad")),
				  json_number_value(json_object_get(x, "mad")));
		if (fabs(mn - mo) > spread && fabs(mn - mo) > 0.1 * fabs(mo)) {
			json_t *p = json_object();

			json_object_set_new(p, "name", json_string(str(x, "name")));
			json_object_set_new(p, "old", json_real(mo));
			json_object_set_new(p, "new", json_real(mn));
			json_object_set_new(p, "unit", json_string(str(x, "unit")));
			json_array_append_new(out, p);
		}
	}
	return out;
}

/*
 * The comparison as one object, keys in a fixed order; *level receives the
 * widest policy a difference was found at: -1 none, else an enum fail_on.
 */
static json_t *compare(const char *pa, json_t *a, const char *pb, json_t *b, int *level)
{
	json_t *ra = json_object_get(a, "recommendation"), *rb = json_object_get(b, "recommendation");
	json_t *la = json_object_get(a, "ranking"), *lb = json_object_get(b, "ranking");
	json_t *d = json_object(), *w = json_object(), *scores, *ranking, *fired, *gone, *probes;
	bool winner, tier_models, tier_sizes, conf;

	winner = strcmp(str(ra, "runtime"), str(rb, "runtime")) ||
		 strcmp(str(ra, "model"), str(rb, "model")) ||
		 strcmp(str(ra, "scaling"), str(rb, "scaling"));
	json_object_set_new(d, "old", json_string(pa));
	json_object_set_new(d, "new", json_string(pb));
	json_object_set_new(w, "changed", json_boolean(winner));
	json_object_set_new(w, "old", winner_of(ra));
	json_object_set_new(w, "new", winner_of(rb));
	json_object_set_new(d, "winner", w);
	json_object_set_new(d, "tiers", diff_tiers(ra, rb, &tier_models, &tier_sizes));
	json_object_set_new(d, "confidence", diff_confidence(ra, rb, &conf));
	json_object_set_new(d, "scores", scores = diff_scores(la, lb));
	json_object_set_new(d, "ranking", ranking = diff_ranking(la, lb));
	json_object_set_new(d, "rules_fired", fired = rules_only_in(b, a));
	json_object_set_new(d, "rules_unfired", gone = rules_only_in(a, b));
	json_object_set_new(d, "probes", probes = diff_probes(a, b));
	if (winner || tier_models)
		*level = FAIL_WINNER;
	else if (conf || json_array_size(scores))
		*level = FAIL_SCORE;
	else if (tier_sizes || json_array_size(ranking) || json_array_size(fired) ||
		 json_array_size(gone) || json_array_size(probes))
		*level = FAIL_ANY;
	else
		*level = -1;
	return d;
}

static void put_num(struct buf *b, json_t *v)
{
	if (json_is_number(v))
		buf_addf(b, "%.2f", json_number_value(v));
	else
		buf_adds(b, "-");
}

static char *winner_text(json_t *w)
{
	return xasprintf("%s/%s (%s)", str(w, "runtime"), str(w, "model"), str(w, "scaling"));
}

static void render_text(json_t *d, struct buf *b)
{
	json_t *w = json_object_get(d, "winner"), *t = json_object_get(d, "tiers");
	json_t *c = json_object_get(d, "confidence"), *x;
	char *wo = winner_text(json_object_get(w, "old")), *wn = winner_text(json_object_get(w, "new"));
	size_t i, before;

	if (json_is_true(json_object_get(w, "changed")))
		buf_addf(b, "recommendation changed: %s -> %s\n", wo, wn);
	else
		buf_addf(b, "recommendation unchanged: %s\n", wo);
	before = b->len;
	if (json_is_true(json_object_get(t, "changed")) ||
	    json_is_true(json_object_get(t, "sizes_changed"))) {
		bool sizes = json_is_true(json_object_get(t, "sizes_changed"));
		char *ta = tiers_key(json_object_get(t, "old"), sizes);
		char *tb = tiers_key(json_object_get(t, "new"), sizes);

		buf_addf(b, "tiers changed: %s -> %s\n", ta, tb);
		free(ta);
		free(tb);
	}
	if (json_is_true(json_object_get(c, "changed"))) {
		buf_adds(b, "confidence: ");
		put_num(b, json_object_get(c, "old"));
		buf_adds(b, " -> ");
		put_num(b, json_object_get(c, "new"));
		buf_addc(b, '\n');
	}
	json_array_foreach(json_object_get(d, "scores"), i, x) {
		buf_addf(b, "score %s: ", str(x, "candidate"));
		put_num(b, json_object_get(x, "old"));
		buf_adds(b, " -> ");
		put_num(b, json_object_get(x, "new"));
		if (json_is_number(json_object_get(x, "delta")))
			buf_addf(b, " (%+.2f)", json_number_value(json_object_get(x, "delta")));
		buf_addc(b, '\n');
	}
	json_array_foreach(json_object_get(d, "ranking"), i, x)
		buf_addf(b, "ranking #%lld: %s -> %s\n",
			 (long long)json_integer_value(json_object_get(x, "position")), str(x, "old"),
			 str(x, "new"));
	json_array_foreach(json_object_get(d, "rules_fired"), i, x)
		buf_addf(b, "rule fired: %s\n", json_string_value(x));
	json_array_foreach(json_object_get(d, "rules_unfired"), i, x)
		buf_addf(b, "rule gone: %s\n", json_string_value(x));
	json_array_foreach(json_object_get(d, "probes"), i, x)
		buf_addf(b, "probe moved: %s %.4g -> %.4g %s\n", str(x, "name"),
			 json_number_value(json_object_get(x, "old")),
			 json_number_value(json_object_get(x, "new")), str(x, "unit"));
	if (b->len == before && !json_is_true(json_object_get(w, "changed")))
		buf_adds(b, "no other change\n");
	free(wo);
	free(wn);
}

/* Markdown: a table cell's text, with '|' escaped and newlines flattened. */
static void md_cell(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			buf_adds(b, "\\|");
		else if (*s == '\n' || *s == '\r')
			buf_addc(b, ' ');
		else
			buf_addc(b, *s);
	}
}

static void render_markdown(json_t *d, struct buf *b)
{
	json_t *w = json_object_get(d, "winner"), *t = json_object_get(d, "tiers");
	json_t *c = json_object_get(d, "confidence"), *x;
	char *wo = winner_text(json_object_get(w, "old")), *wn = winner_text(json_object_get(w, "new"));
	size_t i;

	buf_adds(b, "# Recommendation diff\n\n");
	buf_adds(b, "| | Old | New | Changed |\n| --- | --- | --- | --- |\n| Report | `");
	md_cell(b, str(d, "old"));
	buf_adds(b, "` | `");
	md_cell(b, str(d, "new"));
	buf_adds(b, "` | |\n| Winner | ");
	md_cell(b, wo);
	buf_adds(b, " | ");
	md_cell(b, wn);
	buf_addf(b, " | %s |\n", json_is_true(json_object_get(w, "changed")) ? "**yes**" : "no");
	if (json_is_true(json_object_get(t, "compared"))) {
		bool sizes = json_is_true(json_object_get(t, "sizes_changed"));
		char *ta = tiers_key(json_object_get(t, "old"), sizes);
		char *tb = tiers_key(json_object_get(t, "new"), sizes);

		buf_adds(b, "| Tiers | ");
		md_cell(b, ta);
		buf_adds(b, " | ");
		md_cell(b, tb);
		buf_addf(b, " | %s |\n", json_is_true(json_object_get(t, "changed")) ? "**yes**"
					  : sizes ? "sizes" : "no");
		free(ta);
		free(tb);
	}
	buf_adds(b, "| Confidence | ");
	put_num(b, json_object_get(c, "old"));
	buf_adds(b, " | ");
	put_num(b, json_object_get(c, "new"));
	buf_addf(b, " | %s |\n", json_is_true(json_object_get(c, "changed")) ? "**yes**" : "no");
	if (json_array_size(json_object_get(d, "scores"))) {
		buf_adds(b, "\n## Scores\n\n| Candidate | Old | New | Change |\n| --- | --- | --- | --- |\n");
		json_array_foreach(json_object_get(d, "scores"), i, x) {
			buf_adds(b, "| ");
			md_cell(b, str(x, "candidate"));
			buf_adds(b, " | ");
			put_num(b, json_object_get(x, "old"));
			buf_adds(b, " | ");
			put_num(b, json_object_get(x, "new"));
			if (json_is_number(json_object_get(x, "delta")))
				buf_addf(b, " | %+.2f |\n", json_number_value(json_object_get(x, "delta")));
			else
				buf_adds(b, " | - |\n");
		}
	}
	if (json_array_size(json_object_get(d, "ranking"))) {
		buf_adds(b, "\n## Ranking\n\n| Position | Old | New |\n| --- | --- | --- |\n");
		json_array_foreach(json_object_get(d, "ranking"), i, x) {
			buf_addf(b, "| %lld | ", (long long)json_integer_value(json_object_get(x, "position")));
			md_cell(b, str(x, "old"));
			buf_adds(b, " | ");
			md_cell(b, str(x, "new"));
			buf_adds(b, " |\n");
		}
	}
	if (json_array_size(json_object_get(d, "rules_fired")) ||
	    json_array_size(json_object_get(d, "rules_unfired"))) {
		buf_adds(b, "\n## Rules\n\n");
		json_array_foreach(json_object_get(d, "rules_fired"), i, x)
			buf_addf(b, "- fired: `%s`\n", json_string_value(x));
		json_array_foreach(json_object_get(d, "rules_unfired"), i, x)
			buf_addf(b, "- no longer fired: `%s`\n", json_string_value(x));
	}
	if (json_array_size(json_object_get(d, "probes"))) {
		buf_adds(b, "\n## Probe figures\n\n| Probe | Old | New | Unit |\n| --- | --- | --- | --- |\n");
		json_array_foreach(json_object_get(d, "probes"), i, x)
			buf_addf(b, "| %s | %.4g | %.4g | %s |\n", str(x, "name"),
				 json_number_value(json_object_get(x, "old")),
				 json_number_value(json_object_get(x, "new")), str(x, "unit"));
	}
	free(wo);
	free(wn);
}

/* name's index in names, or a usage error (with a suggestion) and -1. */
static int pick(const char *what, const char *name, const char *const *names, size_t n)
{
	const char *s;

	for (size_t i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i;
	s = suggest(name, names, n);
	if (s)
		cmd_usage_error("diff", "unknown %s '%s' (did you mean '%s'?)", what, name, s);
	else
		cmd_usage_error("diff", "unknown %s '%s' (%s, %s, %s)", what, name, names[0], names[1],
				names[2]);
	return -1;
}

enum { OPT_FORMAT = 1, OPT_FAIL_ON };

static const struct opt_spec diff_opts[] = {
	{ "format", 'f', true, OPT_FORMAT },
	{ "fail-on", 0, true, OPT_FAIL_ON },
	{ NULL, 0, false, 0 },
};

static int cmd_diff(int argc, char **argv)
{
	struct opts o;
	struct diags d = DIAGS_INIT;
	struct buf out = BUF_INIT;
	json_t *a = NULL, *b = NULL, *cmp = NULL;
	int id, rc = EXIT_OK, level, fmt = DIFF_TEXT, fail_on = FAIL_WINNER;

	opts_init(&o, "diff", diff_opts, argc, argv);
	while ((id = opts_next(&o)) > 0) {
		if (id == OPT_FORMAT)
			fmt = pick("format", o.arg, diff_format_names, 3);
		else if (id == OPT_FAIL_ON)
			fail_on = pick("--fail-on policy", o.arg, fail_on_names, 3);
		if (fmt < 0 || fail_on < 0) {
			id = -1;
			break;
		}
	}
	if (id < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.noperands != 2) {
		rc = cmd_usage_error("diff", "give two JSON reports: OLD.json NEW.json");
		goto out;
	}
	if (load(o.operands[0], &a, &d) < 0 || load(o.operands[1], &b, &d) < 0) {
		cmd_print_diags(&d);
		rc = EXIT_INPUT;
		goto out;
	}
	cmp = compare(o.operands[0], a, o.operands[1], b, &level);
	rc = level >= 0 && level <= fail_on ? EXIT_CHANGED : EXIT_OK;
	if (fmt == DIFF_JSON) {
		json_t *top = json_object();
		char *s;

		/* The verdict first: what was found, the policy, whether it fails. */
		json_object_set_new(top, "old", json_string(o.operands[0]));
		json_object_set_new(top, "new", json_string(o.operands[1]));
		json_object_set_new(top, "difference", level >= 0 ? json_string(fail_on_names[level])
								   : json_null());
		json_object_set_new(top, "fail_on", json_string(fail_on_names[fail_on]));
		json_object_set_new(top, "changed", json_boolean(rc == EXIT_CHANGED));
		json_object_update(top, cmp);
		s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
		json_decref(top);
		buf_adds(&out, s ? s : "{}");
		buf_addc(&out, '\n');
		free(s);
	} else if (fmt == DIFF_MARKDOWN) {
		render_markdown(cmp, &out);
	} else {
		render_text(cmp, &out);
	}
	fputs(buf_str(&out), stdout);
out:
	json_decref(cmp);
	json_decref(a);
	json_decref(b);
	buf_release(&out);
	diags_release(&d);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.usage = "OLD.json NEW.json [-f text|json|markdown] [--fail-on winner|score|any]",
	.summary = "did the recommendation or its reasons change? (exit 4 when it did)",
	.help = "Compares two reports written by 'advisor recommend --format json': the\n"
		"winner (runtime, model, scaling), the tiers, each candidate's total and the\n"
		"confidence (a change of 0.01 or more), the ranking order, rules fired or\n"
		"gone, and probe figures that moved beyond their spread.\n\n"
		"options:\n"
		"  -f, --format F      text (default), json (one object, keys in a fixed\n"
		"                      order) or markdown (for a pull request comment)\n"
		"      --fail-on WHAT  when to exit 4: winner (default) when the winner or\n"
		"                      its tiers changed; score also when a total or the\n"
		"                      confidence changed; any on any reported difference\n\n"
		"Exit 0 when nothing named by --fail-on changed, 4 when it did, 1 on a\n"
		"usage error, 2 when an input is not a valid report.\n",
	.exec = cmd_diff,
	.opts = diff_opts,
};
