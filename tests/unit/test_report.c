/*
 * The renderers agree: every scenario profile (tests/scenarios), without
 * probes and with the example probe cache, rendered in every format of
 * report_formats[].  The JSON's main reasons and risks are the model's;
 * the Markdown, the HTML and the decision record show exactly those rule
 * ids, in the same order, as reasons and risks, and the same number of
 * other risks; no decision record cites a rule whose on_winner is false.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "buf.h"
#include "report.h"
#include "xalloc.h"

struct world {
	struct kb kb;
	struct ruleset rs;
	struct probe_set cache;
	struct diags d;
	char *src;
};

static int setup(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	const char *src = getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".";
	char *kdir = xasprintf("%s/knowledge", src);
	char *rdir = xasprintf("%s/rules", src);
	char *cache = xasprintf("%s/docs/examples/probes.json", src);

	kb_init(&w->kb);
	ruleset_init(&w->rs);
	probe_set_init(&w->cache);
	w->src = xstrdup(src);
	assert_int_equal(kb_load_dir(&w->kb, kdir, &w->d), 0);
	assert_int_equal(ruleset_load_dir(&w->rs, rdir, &w->d), 0);
	assert_int_equal(ruleset_check(&w->rs, &w->kb, &w->d), 0);
	assert_int_equal(probe_set_load(&w->cache, cache, &w->d), 0);
	free(kdir);
	free(rdir);
	free(cache);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	probe_set_release(&w->cache);
	ruleset_release(&w->rs);
	kb_release(&w->kb);
	diags_release(&w->d);
	free(w->src);
	free(w);
	return 0;
}

/* The text from after start up to end (or the end of s); NULL when start is absent. */
static char *between(const char *s, const char *start, const char *end)
{
	const char *a = strstr(s, start), *b;

	if (a == NULL)
		return NULL;
	a += strlen(start);
	b = end ? strstr(a, end) : NULL;
	if (b == NULL)
		b = a + strlen(a);
	return xasprintf("%.*s", (int)(b - a), a);
}

/*
 * The rule ids quoted in s between open and close ("(`" and "`)" in
 * Markdown, "<code>" and "</code>" in HTML), space-separated, in order.
 * Only words shaped like rule ids count: candidate ids ("go/m-n") and
 * options ("--format md") are skipped.
 */
static bool rule_id_shaped(const char *s, size_t n)
{
	if (n == 0 || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '-'))
			return false;
	return true;
}

static char *ids_in(const char *s, const char *open, const char *close)
{
	struct buf b = BUF_INIT;

	while (s && (s = strstr(s, open)) != NULL) {
		const char *id = s + strlen(open), *e = strstr(id, close);

		if (e == NULL)
			break;
		if (rule_id_shaped(id, (size_t)(e - id)))
			buf_addf(&b, "%s%.*s", b.len ? " " : "", (int)(e - id), id);
		s = e + strlen(close);
	}
	return buf_detach(&b);
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	while (s && (s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* What the JSON report says about reasons and risks. */
struct said {
	char *reasons;		/* rule ids, space-separated */
	char *rule_risks;
	size_t other_risks;
	json_t *json;
};

static bool on_winner(const struct said *j, const char *id)
{
	json_t *fired = json_object_get(j->json, "rules_fired"), *f;
	size_t i;

	json_array_foreach(fired, i, f) {
		if (strcmp(json_string_value(json_object_get(f, "id")), id) == 0)
			return json_is_true(json_object_get(f, "on_winner"));
	}
	return false;
}

/* Every id of the space-separated list is a fired rule on the winner. */
static void assert_on_winner(const struct said *j, const char *ids, const char *where)
{
	char *copy = xstrdup(ids), *save = NULL;

	for (char *id = strtok_r(copy, " ", &save); id; id = strtok_r(NULL, " ", &save))
		if (!on_winner(j, id))
			fail_msg("%s cites rule '%s', which does not touch the winner", where, id);
	free(copy);
}

static bool selects(json_t *sel, const char *id)
{
	return json_is_null(sel) || strcmp(json_string_value(sel), id) == 0;
}

/*
 * on_winner, worked out again from the entry alone: the rule fired for
 * the winner (no candidate list, or the winner in it) and has no effects
 * or one whose runtime and model are absent or the winner's.
 */
static void check_on_winner(json_t *root)
{
	json_t *rec = json_object_get(root, "recommendation"), *f;
	const char *rt = json_string_value(json_object_get(rec, "runtime"));
	const char *model = json_string_value(json_object_get(rec, "model"));
	char *winner = xasprintf("%s/%s", rt, model);
	size_t i;

	json_array_foreach(json_object_get(root, "rules_fired"), i, f) {
		json_t *cands = json_object_get(f, "candidates"), *effs = json_object_get(f, "effects");
		json_t *v;
		bool fired_for = json_array_size(cands) == 0, moves = json_array_size(effs) == 0;
		size_t k;

		json_array_foreach(cands, k, v)
			fired_for |= strcmp(json_string_value(v), winner) == 0;
		json_array_foreach(effs, k, v)
			moves |= selects(json_object_get(v, "runtime"), rt) &&
				 selects(json_object_get(v, "model"), model);
		assert_true(json_is_boolean(json_object_get(f, "on_winner")));
		if (json_is_true(json_object_get(f, "on_winner")) != (fired_for && moves))
			fail_msg("rule '%s': on_winner is wrong for %s",
				 json_string_value(json_object_get(f, "id")), winner);
	}
	free(winner);
}

static void read_json(struct said *j, const char *text)
{
	json_error_t err;
	json_t *v;
	struct buf r = BUF_INIT, k = BUF_INIT;
	size_t i;

	j->json = json_loads(text, 0, &err);
	assert_non_null(j->json);
	check_on_winner(j->json);
	json_array_foreach(json_object_get(json_object_get(j->json, "recommendation"), "reasons"), i, v)
		buf_addf(&r, "%s%s", r.len ? " " : "", json_string_value(json_object_get(v, "rule")));
	j->other_risks = 0;
	json_array_foreach(json_object_get(j->json, "risks"), i, v) {
		json_t *rule = json_object_get(v, "rule");

		if (json_is_string(rule))
			buf_addf(&k, "%s%s", k.len ? " " : "", json_string_value(rule));
		else
			j->other_risks++;
	}
	j->reasons = buf_detach(&r);
	j->rule_risks = buf_detach(&k);
	assert_on_winner(j, j->reasons, "the JSON reasons");
	assert_on_winner(j, j->rule_risks, "the JSON risks");
}

static void said_release(struct said *j)
{
	free(j->reasons);
	free(j->rule_risks);
	json_decref(j->json);
}

/* How many risks the JSON lists, of rules and others. */
static size_t nrisks(const struct said *j)
{
	return (*j->rule_risks ? count(j->rule_risks, " ") + 1 : 0) + j->other_risks;
}

static void check_ids(const char *what, const char *name, const char *want, char *got)
{
	if (strcmp(want, got) != 0)
		fail_msg("%s: %s: '%s', the JSON says '%s'", name, what, got, want);
	free(got);
}

static void check_markdown(const struct said *j, const char *name, const char *md)
{
	char *reasons = between(md, "The main reasons:\n\n", "\n\n");
	char *risks = between(md, "\n## Risks and mitigations\n", "\n## ");

	assert_non_null(risks);
	check_ids("Markdown reasons", name, j->reasons, ids_in(reasons, "(`", "`)"));
	check_ids("Markdown risks", name, j->rule_risks, ids_in(risks, "(`", "`)"));
	assert_int_equal(count(risks, "\n- Risk: "), nrisks(j));
	free(reasons);
	free(risks);
}

static void check_html(const struct said *j, const char *name, const char *html)
{
	char *reasons = between(html, "<p>The main reasons:</p>\n<ul>", "</ul>");
	char *risks = between(html, "<h2>Risks and mitigations</h2>", "<h2>");

	assert_non_null(risks);
	check_ids("HTML reasons", name, j->reasons, ids_in(reasons, "<code>", "</code>"));
	check_ids("HTML risks", name, j->rule_risks, ids_in(risks, "<code>", "</code>"));
	assert_int_equal(count(risks, "<li>Risk: "), nrisks(j));
	free(reasons);
	free(risks);
}

/* The decision record's consequences: "Bad" are the risks, "Good" the reasons. */
static void check_madr(const struct said *j, const char *name, const char *madr)
{
	char *cons = between(madr, "### Consequences\n\n", "\n## ");
	struct buf good = BUF_INIT, bad = BUF_INIT;
	size_t nbad = 0;
	char *all;

	assert_non_null(cons);
	for (const char *p = cons; p && *p;) {
		const char *next = strstr(p + 1, "\n* ");
		int len = next ? (int)(next - p) : (int)strlen(p);
		char *item = xasprintf("%.*s", len, p);
		char *ids = ids_in(item, "(`", "`)");
		struct buf *to = strstr(item, "Good, because") ? &good : &bad;

		if (strstr(item, "Bad, because"))
			nbad++;
		if (*ids)
			buf_addf(to, "%s%s", to->len ? " " : "", ids);
		free(ids);
		free(item);
		p = next;
	}
	check_ids("decision record reasons", name, j->reasons, buf_detach(&good));
	check_ids("decision record risks", name, j->rule_risks, buf_detach(&bad));
	assert_int_equal(nbad, nrisks(j));
	/* Nowhere in the record is a rule cited that does not touch the winner. */
	all = ids_in(madr, "(`", "`)");
	assert_on_winner(j, all, name);
	free(all);
	free(cons);
}

/*
 * Charts: none without probe figures; with them, no chart holds figures
 * more than ADVICE_CHART_SPAN apart, and every cost and speed-up of the
 * probe set is drawn exactly once.
 */
static void check_charts(const struct advice *a, const struct probe_set *ps, const char *name)
{
	size_t drawn = 0, want = 0;

	if (ps == NULL) {
		assert_int_equal(a->ncharts, 0);
		return;
	}
	for (size_t i = 0; i < ps->nresults; i++) {
		const char *u = ps->results[i].unit;

		want += strcmp(u, "us") == 0 || strcmp(u, "ns") == 0 || strcmp(u, "x") == 0;
	}
	for (size_t c = 0; c < a->ncharts; c++) {
		double lo = INFINITY, hi = 0;

		for (size_t i = 0; i < a->charts[c].nbars; i++) {
			lo = fmin(lo, a->charts[c].bars[i].median);
			hi = fmax(hi, a->charts[c].bars[i].median);
		}
		if (hi > lo * ADVICE_CHART_SPAN)
			fail_msg("%s: chart '%s' spans %g to %g", name, a->charts[c].title, lo, hi);
		drawn += a->charts[c].nbars;
	}
	assert_int_equal(drawn, want);
}

static void render_all(struct world *w, const char *file, const struct probe_set *ps)
{
	struct profile p;
	struct profile_known known;
	struct advice a;
	struct report_meta m = { .command_line = "advisor recommend t.yaml",
				 .probe_source = ps ? "probe cache" : "defaults",
				 .rules_dirs = "rules/", .knowledge_dir = "knowledge/" };
	char *text[16] = { NULL };
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char *name = xasprintf("%s (%s)", base, ps ? "probe cache" : "no probes");
	struct said j;
	size_t checked = 0;

	profile_init(&p);
	advice_init(&a);
	kb_known(&w->kb, &known);
	if (profile_load_file(&p, file, &known, &w->d) < 0) {
		diags_print(&w->d, stderr);
		fail_msg("%s did not load", file);
	}
	assert_int_equal(advise(&a, &p, ps, &w->kb, &w->rs, false, &w->d), 0);
	check_charts(&a, ps, name);
	assert_true(report_nformats <= 16);
	for (size_t i = 0; i < report_nformats; i++) {
		text[i] = report_formats[i].render(&a, &m);
		assert_non_null(text[i]);
		assert_true(strlen(text[i]) > 100);
	}
	read_json(&j, text[report_format_find("json") - report_formats]);
	for (size_t i = 0; i < report_nformats; i++) {
		const char *f = report_formats[i].name;

		if (strcmp(f, "md") == 0)
			check_markdown(&j, name, text[i]);
		else if (strcmp(f, "html") == 0)
			check_html(&j, name, text[i]);
		else if (strcmp(f, "madr") == 0)
			check_madr(&j, name, text[i]);
		else if (strcmp(f, "json") != 0)
			fail_msg("format '%s' has no agreement check here: add one", f);
		checked++;
	}
	assert_int_equal(checked, report_nformats);
	said_release(&j);
	for (size_t i = 0; i < report_nformats; i++)
		free(text[i]);
	advice_release(&a);
	profile_release(&p);
	free(name);
}

static void test_report_renderers_agree(void **state)
{
	struct world *w = *state;
	char *pattern = xasprintf("%s/tests/scenarios/*.yaml", w->src);
	glob_t g;

	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 12);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		render_all(w, g.gl_pathv[i], NULL);
		render_all(w, g.gl_pathv[i], &w->cache);
	}
	globfree(&g);
	free(pattern);
}

/* The table names each format once, with a renderer and an extension. */
static void test_report_format_table(void **state)
{
	(void)state;
	assert_true(report_nformats >= 4);
	for (size_t i = 0; i < report_nformats; i++) {
		assert_non_null(report_formats[i].render);
		assert_true(*report_formats[i].ext && *report_formats[i].summary);
		assert_ptr_equal(report_format_find(report_formats[i].name), &report_formats[i]);
	}
	assert_null(report_format_find("pdf"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_format_table),
		cmocka_unit_test_setup_teardown(test_report_renderers_agree, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
