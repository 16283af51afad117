/*
 * Every sentence agrees with the tables.  Each scenario profile
 * (tests/scenarios) is advised under four probe conditions (no probes,
 * and the caches tests/fixtures/probes/{quiet,busy,spread}.json) and its
 * note is read as a reviewer would read it:
 *
 *  - no "inf", "nan" or "∞" anywhere (tables and charts included);
 *  - no ramp-up or "learning a new language" claim for a winner the team
 *    rates 3/5 or more; the switch is stated with both skills instead;
 *  - every risk is a rule on the winner's, or of the capacity, close-call
 *    or assumed-inputs kind, each only when its condition holds; a rule
 *    risk that names a runtime names the winner's (and, over the whole
 *    rule base, a rule whose risk names runtimes changes only those);
 *  - every number the prose states about a candidate (cores, instances,
 *    CPU, p99, the leanest option, the gate, a total) is the one in the
 *    Capacity or Ranking table; no "only N cores" beside a winner that
 *    needs more per planned instance or runs at 70 % CPU or more;
 *  - each fired rule's "Applies to" list holds every runtime its rationale
 *    names, and the candidate a per-candidate rationale speaks of.
 *
 * A violation is fixed in the wording (a rule's rationale or risk, a
 * report template), not here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <glob.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "buf.h"
#include "report.h"
#include "xalloc.h"

#define NCONDITIONS 4
static const char *const conditions[NCONDITIONS] = { "none", "quiet", "busy", "spread" };

struct world {
	struct kb kb;
	struct ruleset rs;
	struct probe_set caches[NCONDITIONS];	/* [0] unused: no probes */
	struct diags d;
	char *src;
};

static int setup(void **state)
{
	struct world *w = xcalloc(1, sizeof *w);
	const char *src = getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".";
	char *kdir = xasprintf("%s/knowledge", src);
	char *rdir = xasprintf("%s/rules", src);

	kb_init(&w->kb);
	ruleset_init(&w->rs);
	w->src = xstrdup(src);
	assert_int_equal(kb_load_dir(&w->kb, kdir, &w->d), 0);
	assert_int_equal(ruleset_load_dir(&w->rs, rdir, &w->d), 0);
	assert_int_equal(ruleset_check(&w->rs, &w->kb, &w->d), 0);
	for (int c = 1; c < NCONDITIONS; c++) {
		char *f = xasprintf("%s/tests/fixtures/probes/%s.json", src, conditions[c]);

		probe_set_init(&w->caches[c]);
		if (probe_set_load(&w->caches[c], f, &w->d) != 0) {
			diags_print(&w->d, stderr);
			fail_msg("%s did not load", f);
		}
		free(f);
	}
	free(kdir);
	free(rdir);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	for (int c = 1; c < NCONDITIONS; c++)
		probe_set_release(&w->caches[c]);
	ruleset_release(&w->rs);
	kb_release(&w->kb);
	diags_release(&w->d);
	free(w->src);
	free(w);
	return 0;
}

/* ---- reading the note ------------------------------------------------ */

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

/* A section's text, from its heading to the next "## " heading. */
static char *section(const char *md, const char *heading)
{
	char *h = xasprintf("\n## %s\n", heading);
	char *s = between(md, h, "\n## ");

	free(h);
	return s;
}

/*
 * The prose of s as one line: table rows, code blocks and the quoted
 * knowledge-base sections (Trade-offs) left out, wrapped lines joined.
 */
static char *prose(const char *s)
{
	struct buf b = BUF_INIT;
	bool code = false, quoted = false;

	for (const char *p = s; *p;) {
		const char *e = strchr(p, '\n');
		size_t n = e ? (size_t)(e - p) : strlen(p);

		if (n >= 3 && strncmp(p, "```", 3) == 0)
			code = !code;
		else if (n >= 3 && strncmp(p, "## ", 3) == 0)
			quoted = n >= 13 && strncmp(p, "## Trade-offs", 13) == 0;
		else if (!code && !quoted && *p != '|') {
			const char *q = p;
			size_t m = n;

			while (m && *q == ' ')
				q++, m--;
			buf_addf(&b, "%s%.*s", b.len ? " " : "", (int)m, q);
		}
		p += n + (e ? 1 : 0);
	}
	return buf_detach(&b);
}

/* A cell of the candidate's row in a table of s (0: the candidate column). */
static char *cell(const char *s, const char *id, int col)
{
	char *key = xasprintf("| `%s` ", id);
	const char *p = strstr(s, key), *e;

	free(key);
	if (p == NULL)
		return NULL;
	for (int c = 0; c <= col; c++) {
		p = strstr(p + 1, " | ");
		if (p == NULL)
			return NULL;
	}
	p += 3;
	e = strstr(p, " |");
	return e ? xasprintf("%.*s", (int)(e - p), p) : NULL;
}

/* Capacity table columns. */
enum { CAP_CORES, CAP_INST, CAP_MB, CAP_CPU, CAP_WAIT, CAP_P99, CAP_FITS };

static char *cap_cell(const char *md, const char *id, int col)
{
	char *capsec = section(md, "Capacity at target load");
	char *v = capsec ? cell(capsec, id, col) : NULL;

	free(capsec);
	return v;
}

static double table_num(const char *md, const char *id, int col, const char *name)
{
	char *v = cap_cell(md, id, col);
	double x;

	if (v == NULL)
		fail_msg("%s: no capacity row for %s", name, id);
	x = strtod(v, NULL);
	free(v);
	return x;
}

/* The regex's matches in s, one callback each with its groups as strings. */
typedef void (*match_fn)(void *ctx, char **g, size_t ng);

static void each_match(const char *re, const char *s, match_fn fn, void *ctx)
{
	regex_t rx;
	regmatch_t m[8];
	int rc = regcomp(&rx, re, REG_EXTENDED);

	if (rc != 0)
		fail_msg("bad test regex '%s'", re);
	while (s && regexec(&rx, s, 8, m, 0) == 0) {
		char *g[8] = { NULL };
		size_t ng = 0;

		for (size_t i = 0; i < 8 && m[i].rm_so >= 0; i++, ng++)
			g[i] = xasprintf("%.*s", (int)(m[i].rm_eo - m[i].rm_so), s + m[i].rm_so);
		fn(ctx, g, ng);
		for (size_t i = 0; i < ng; i++)
			free(g[i]);
		s += m[0].rm_eo > 0 ? m[0].rm_eo : 1;
	}
	regfree(&rx);
}

/* Two numbers as the note prints them agree to their printed precision. */
static bool same_num(double a, double b)
{
	return fabs(a - b) <= 0.011 * fmax(fabs(a), fabs(b)) + 0.006;
}

/* ---- runtimes named in words ----------------------------------------- */

/*
 * How prose names a runtime: its knowledge-base name and the usual names
 * of its virtual machine.  "Go-like code" is the unit of CPU cost, not Go,
 * and JavaScript (a language) is not Java.
 */
static const struct {
	const char *runtime;
	const char *re;
} runtime_words[] = {
	{ "python", "\\<C?Python\\>" },
	{ "node", "\\<Node\\.js\\>" },
	{ "go", "\\<Go\\>([^-]|$)" },
	{ "java", "\\<(Java\\>([^S]|$)|JVM)" },
	{ "dotnet", "(\\.NET\\>|\\<CLR\\>|\\<C#)" },
	{ "rust", "\\<Rust\\>" },
};

static bool names_runtime(const char *text, size_t i)
{
	regex_t rx;
	bool hit;

	assert_int_equal(regcomp(&rx, runtime_words[i].re, REG_EXTENDED | REG_NOSUB), 0);
	hit = regexec(&rx, text, 0, NULL, 0) == 0;
	regfree(&rx);
	return hit;
}

/* ---- the checks ------------------------------------------------------ */

struct note {
	const char *name;		/* "web-api (quiet)" */
	const struct advice *a;
	const char *md;
	char *rec;			/* Recommendation, as prose */
	char *all;			/* the whole note's prose */
};

/* No inf, nan or ∞ in any format, tables and charts included. */
static void check_finite(const char *name, const char *format, const char *text)
{
	regex_t rx;
	regmatch_t m[1];

	assert_int_equal(regcomp(&rx, "(\\<(inf|infinity|nan)\\>|\xe2\x88\x9e)",
				 REG_EXTENDED | REG_ICASE), 0);
	if (regexec(&rx, text, 1, m, 0) == 0)
		fail_msg("%s (%s): '%.40s' is not a number a reader can use", name, format,
			 text + (m[0].rm_so > 20 ? m[0].rm_so - 20 : 0));
	regfree(&rx);
}

/*
 * A winner in a language the team rates 3/5 or more costs no ramp-up:
 * the Recommendation and the risks say nothing of learning it; when the
 * team's strongest language is another, the switch is stated with both
 * skills, and when the winner's is as strong, it is one of the team's
 * strongest languages, not a switch.
 */
static void check_ramp_up(const struct note *n)
{
	const struct advice *a = n->a;
	const struct candidate *w = &a->cands[0];
	char *risks = section(n->md, "Risks and mitigations");
	char *rp = prose(risks ? risks : "");
	char *want;

	if (w->skill < 3)
		goto out;
	if (strstr(n->rec, "ramp-up") || strstr(n->rec, "learning a new language") ||
	    strstr(rp, "ramp-up") || strstr(rp, "learning a new language"))
		fail_msg("%s: a ramp-up claim, yet the team rates %s %.0f/5", n->name,
			 w->rt->language, w->skill);
	if (a->team_best < 0 || strcmp(a->cands[a->team_best].rt->language, w->rt->language) == 0)
		goto out;
	if (w->skill >= a->dv.best_skill)
		want = xasprintf("It is written in %s, one of the team's strongest languages "
				 "(%.0f of 5)", w->rt->language, w->skill);
	else
		want = xasprintf("switches the team from %s (%.0f of 5) to %s (%.0f of 5)",
				 a->dv.best_language, a->dv.best_skill, w->rt->language, w->skill);
	if (strstr(n->rec, want) == NULL)
		fail_msg("%s: the Recommendation does not say '%s'", n->name, want);
	free(want);
out:
	free(rp);
	free(risks);
}

/*
 * Every risk has its reason: a rule on the winner (whose risk, if it
 * names runtimes, names the winner's), capacity only when the winner does
 * not fit the plan, a close call only at low confidence.
 */
static void check_risks(const struct note *n)
{
	const struct advice *a = n->a;
	const struct candidate *w = &a->cands[0];

	for (size_t i = 0; i < a->nrisks; i++) {
		const struct advice_risk *r = &a->risks[i];
		bool names = false, winner = false;

		switch (r->kind) {
		case RISK_RULE:
			if (!a->fired[r->fired].on_winner)
				fail_msg("%s: risk of rule '%s', which does not touch the winner",
					 n->name, a->fired[r->fired].rule->id);
			for (size_t k = 0; k < sizeof runtime_words / sizeof *runtime_words; k++) {
				if (!names_runtime(r->text, k))
					continue;
				names = true;
				winner |= strcmp(runtime_words[k].runtime, w->rt->id) == 0;
			}
			if (names && !winner)
				fail_msg("%s: the risk of rule '%s' names another runtime than the "
					 "winner's (%s): %s", n->name, a->fired[r->fired].rule->id,
					 w->rt->id, r->text);
			break;
		case RISK_CAPACITY:
			/* One service short of cores, or two tiers that need more than planned. */
			if (a->ntiers == 2)
				assert_true(a->tiers[0].cap.cores_needed + a->tiers[1].cap.cores_needed >
					    a->dv.planned_cores);
			else
				assert_false(w->cap.meets_target);
			break;
		case RISK_SPLIT:
			assert_int_equal(a->ntiers, 2);
			/* "Two runtimes" only when the tiers' runtimes differ. */
			assert_true((strstr(r->text, "Two runtimes") != NULL) ==
				    (a->tiers[0].rt != a->tiers[1].rt));
			break;
		case RISK_CLOSE_CALL:
			assert_true(a->confidence < 0.6);
			break;
		case RISK_ASSUMED:
			assert_true(a->nassumed_inputs > 0);
			break;
		case RISK_BLOCKING:
			/* Only a run-to-completion design with a slow class blocks. */
			if (a->ntiers == 2)
				assert_true(a->tiers[0].cap.hol_ms > 0 || a->tiers[1].cap.hol_ms > 0);
			else
				assert_true(w->cap.hol_ms > 0);
			break;
		case RISK_FIGURES:
			/* It repeats what lowered the confidence: those notes exist. */
			assert_true(a->nconfidence_notes > 0);
			break;
		default:
			fail_msg("%s: a risk of unknown kind %d", n->name, (int)r->kind);
		}
	}
}

/* The rule base: a risk that names runtimes belongs to a rule changing only those. */
static void test_rule_risks_name_their_runtimes(void **state)
{
	struct world *w = *state;

	for (size_t i = 0; i < w->rs.n; i++) {
		const struct rule *r = &w->rs.rules[i];

		if (r->risk == NULL)
			continue;
		for (size_t e = 0; e < r->neffects; e++) {
			const char *rt = r->effects[e].runtime;
			bool names = false, named = false;

			for (size_t k = 0; k < sizeof runtime_words / sizeof *runtime_words; k++) {
				if (!names_runtime(r->risk, k))
					continue;
				names = true;
				named |= rt && strcmp(runtime_words[k].runtime, rt) == 0;
			}
			if (names && !named)
				fail_msg("rule '%s': its risk names a runtime, and an effect on %s "
					 "would show it for a winner it does not name", r->id,
					 rt ? rt : "every runtime");
		}
	}
}

struct num_ctx {
	const struct note *n;
	const char *what;
};

/* "RT with MODEL needs N cores (I instances": the table's cores and instances. */
static void rationale_cores(void *ctx, char **g, size_t ng)
{
	struct num_ctx *c = ctx;
	char *id = xasprintf("%s/%s", g[1], g[2]);

	(void)ng;
	if (!same_num(strtod(g[3], NULL), table_num(c->n->md, id, CAP_CORES, c->n->name)) ||
	    !same_num(strtod(g[4], NULL), table_num(c->n->md, id, CAP_INST, c->n->name)))
		fail_msg("%s: '%s' disagrees with the capacity table", c->n->name, g[0]);
	free(id);
}

/* "`ID`: ...; CPU: sized for at most 70% busy; U% at N instances": the table's. */
static void limit_cpu(void *ctx, char **g, size_t ng)
{
	struct num_ctx *c = ctx;

	(void)ng;
	if (!same_num(strtod(g[2], NULL), table_num(c->n->md, g[1], CAP_CPU, c->n->name)) ||
	    !same_num(strtod(g[3], NULL), table_num(c->n->md, g[1], CAP_INST, c->n->name)))
		fail_msg("%s: '%s' disagrees with the capacity table", c->n->name, g[0]);
}

/* "`ID`: ...; latency: p99 A ms against ... at N instances": the table's. */
static void limit_latency(void *ctx, char **g, size_t ng)
{
	struct num_ctx *c = ctx;

	(void)ng;
	if (!same_num(strtod(g[2], NULL), table_num(c->n->md, g[1], CAP_P99, c->n->name)) ||
	    !same_num(strtod(g[3], NULL), table_num(c->n->md, g[1], CAP_INST, c->n->name)))
		fail_msg("%s: '%s' disagrees with the capacity table", c->n->name, g[0]);
}

/* "`ID` N cores" in the decision chart's words: the table's. */
static void named_cores(void *ctx, char **g, size_t ng)
{
	struct num_ctx *c = ctx;

	(void)ng;
	if (!same_num(strtod(g[2], NULL), table_num(c->n->md, g[1], CAP_CORES, c->n->name)))
		fail_msg("%s: '%s' disagrees with the capacity table", c->n->name, g[0]);
}

/* "only N cores": not while the winner needs more per planned instance, or runs hot. */
static void only_cores(void *ctx, char **g, size_t ng)
{
	struct num_ctx *c = ctx;
	const struct advice *a = c->n->a;
	const struct capacity *k = &a->cands[0].cap;
	double per = k->feasible ? k->cores_busy / a->p->instances : INFINITY;

	(void)ng;
	if (k->utilisation >= 0.7 || strtod(g[1], NULL) < per * 0.995)
		fail_msg("%s: '%s', yet the winner runs %.0f%% CPU and uses %.3g cores per "
			 "planned instance", c->n->name, g[0], k->utilisation * 100, per);
}

/* The numbers the prose states are the tables'. */
static void check_numbers(const struct note *n)
{
	const struct advice *a = n->a;
	const struct candidate *w = &a->cands[0];
	char *id = xasprintf("%s/%s", w->rt->id, w->model->id);
	char *rank = section(n->md, "Ranking");
	struct num_ctx ctx = { n, NULL };
	regex_t rx;
	regmatch_t m[6];
	char *want;

	/* Recommendation: the winner's cores, CPU, p99 and fit. */
	assert_int_equal(regcomp(&rx, "it (would )?needs? ([0-9.]+) cores?, as [^;]*, at ([0-9]+)% CPU "
				 "with an estimated p99 latency of ([0-9.]+) ms against a budget of "
				 "[0-9.]+ ms; that (fits|is more than)", REG_EXTENDED), 0);
	if (w->cap.feasible) {
		char *fits = cap_cell(n->md, id, CAP_FITS);

		if (regexec(&rx, n->rec, 6, m, 0) != 0)
			fail_msg("%s: the Recommendation does not state the winner's size", n->name);
		if (!same_num(strtod(n->rec + m[2].rm_so, NULL), table_num(n->md, id, CAP_CORES, n->name)) ||
		    !same_num(strtod(n->rec + m[3].rm_so, NULL), table_num(n->md, id, CAP_CPU, n->name)) ||
		    !same_num(strtod(n->rec + m[4].rm_so, NULL), table_num(n->md, id, CAP_P99, n->name)) ||
		    (n->rec[m[5].rm_so] == 'f') != (fits && strcmp(fits, "yes") == 0))
			fail_msg("%s: the Recommendation's '%.*s' disagrees with the capacity table",
				 n->name, (int)(m[0].rm_eo - m[0].rm_so), n->rec + m[0].rm_so);
		free(fits);
	}
	regfree(&rx);

	/* The leanest option: the table's fewest cores, and the ratio. */
	assert_int_equal(regcomp(&rx, "The leanest option, `([a-z]+/[a-z-]+)`, needs ([0-9.]+) "
				 "cores; this one needs ([0-9.]+) times", REG_EXTENDED), 0);
	if (regexec(&rx, n->rec, 6, m, 0) == 0) {
		char *lean = xasprintf("%.*s", (int)(m[1].rm_eo - m[1].rm_so), n->rec + m[1].rm_so);
		double lc = table_num(n->md, lean, CAP_CORES, n->name);

		if (!same_num(strtod(n->rec + m[2].rm_so, NULL), lc) ||
		    !same_num(strtod(n->rec + m[3].rm_so, NULL),
			      table_num(n->md, id, CAP_CORES, n->name) / lc))
			fail_msg("%s: the leanest option's figures disagree with the table", n->name);
		for (size_t i = 0; i < a->ncands; i++)
			if (a->cands[i].cap.feasible && a->cands[i].cap.cores_needed < lc * 0.995)
				fail_msg("%s: %s is called the leanest, but %s/%s needs fewer cores",
					 n->name, lean, a->cands[i].rt->id, a->cands[i].model->id);
		/* The chart's words name the same leanest option. */
		want = xasprintf("times the leanest (`%s`, ", lean);
		if (a->decision.nfeasible && strstr(n->all, want) == NULL)
			fail_msg("%s: the Recommendation's leanest option is %s, the chart's another",
				 n->name, lean);
		free(want);
		free(lean);
	}
	regfree(&rx);

	/* The runner-up's total and the winner's: the ranking table's. */
	assert_int_equal(regcomp(&rx, "Runner-up: \\*\\*[^*]*\\*\\* \\(`([a-z]+/[a-z-]+)`\\), total "
				 "([0-9.]+) against ([0-9.]+)[.;]", REG_EXTENDED), 0);
	if (a->ncands > 1) {
		char *r, *rt, *wt;

		if (regexec(&rx, n->rec, 6, m, 0) != 0)
			fail_msg("%s: no runner-up sentence", n->name);
		/* A runner-up without a hard need's libraries is said to lack them. */
		if ((n->rec[m[0].rm_eo - 1] == ';') !=
		    (a->cands[1].lacks >= 0 && a->ntiers == 1))
			fail_msg("%s: the runner-up sentence and its lacked need disagree", n->name);
		r = xasprintf("%.*s", (int)(m[1].rm_eo - m[1].rm_so), n->rec + m[1].rm_so);
		rt = cell(rank, r, 5);
		wt = cell(rank, id, 5);
		if (rt == NULL || wt == NULL ||
		    !same_num(strtod(n->rec + m[2].rm_so, NULL), strtod(rt + 2, NULL)) ||
		    !same_num(strtod(n->rec + m[3].rm_so, NULL), strtod(wt + 2, NULL)))
			fail_msg("%s: the runner-up's totals disagree with the ranking", n->name);
		free(r);
		free(rt);
		free(wt);
	}
	regfree(&rx);

	/* Rationales, capacity bullets, the decision chart's words, the capacity risk. */
	each_match("\\<([a-z]+) with ([a-z-]+) needs ([0-9.]+) cores \\(([0-9]+) instances?",
		   n->all, rationale_cores, &ctx);
	/*
	 * The capacity bullets ("- `ID`: ...") speak of the table's rows; a
	 * tier's bullet ("- front, `ID`: ...") of the tier's own load, which
	 * no table shows.
	 */
	each_match("- `([a-z]+/[a-z-]+)`: [^`]*; CPU: sized for at most 70% busy; ([0-9]+)% at "
		   "([0-9]+) instances?", n->all, limit_cpu, &ctx);
	each_match("- `([a-z]+/[a-z-]+)`: [^`]*; latency: p99 ([0-9.]+) m?s against the [^`]* at "
		   "([0-9]+) instances?", n->all, limit_latency, &ctx);
	each_match("`([a-z]+/[a-z-]+)`,? ([0-9.]+) cores?", n->all, named_cores, &ctx);
	each_match("\\<only ([0-9.]+) cores?", n->all, only_cores, &ctx);
	if (strstr(n->all, "but the estimate needs ")) {
		double x = strtod(strstr(n->all, "but the estimate needs ") + 23, NULL);

		if (!same_num(x, table_num(n->md, id, CAP_CORES, n->name)))
			fail_msg("%s: the capacity risk's %g cores are not the table's", n->name, x);
	}
	/* The gate in the chart's words: 3 times the leanest, which is the table's. */
	assert_int_equal(regcomp(&rx, "The line is the gate, ([0-9.]+) times the leanest \\(`([a-z]+/"
				 "[a-z-]+)`, ([0-9.]+) cores?\\): ([0-9.]+) cores?", REG_EXTENDED), 0);
	if (a->decision.nfeasible && !a->decision.cost) {
		char *lean;

		if (regexec(&rx, n->all, 6, m, 0) != 0)
			fail_msg("%s: the decision chart's gate is not described", n->name);
		lean = xasprintf("%.*s", (int)(m[2].rm_eo - m[2].rm_so), n->all + m[2].rm_so);
		if (!same_num(strtod(n->all + m[3].rm_so, NULL),
			      table_num(n->md, lean, CAP_CORES, n->name)) ||
		    !same_num(strtod(n->all + m[4].rm_so, NULL),
			      strtod(n->all + m[1].rm_so, NULL) * strtod(n->all + m[3].rm_so, NULL)))
			fail_msg("%s: the gate's figures disagree with the table", n->name);
		free(lean);
	}
	regfree(&rx);
	free(rank);
	free(id);
}

/* "`ID` V per month for C cores": C is the table's, V is C at the price. */
static void cost_words(void *ctx, char **g, size_t ng)
{
	struct num_ctx *c = ctx;
	double cores = strtod(g[3], NULL);

	(void)ng;
	if (!same_num(cores, table_num(c->n->md, g[1], CAP_CORES, c->n->name)) ||
	    !same_num(strtod(g[2], NULL), cores * c->n->a->p->cost_per_core_month))
		fail_msg("%s: '%s' disagrees with the table and the price", c->n->name, g[0]);
}

/* With a price per core-month, the chart's words give costs that are the table's cores at it. */
static void check_cost(const struct note *n)
{
	const struct decision_chart *dc = &n->a->decision;
	struct num_ctx ctx = { n, NULL };
	const char *p;

	if (dc->nfeasible == 0)
		return;
	assert_true(dc->cost);
	for (size_t i = 0; i < dc->nfeasible; i++)
		assert_true(same_num(dc->bars[i].value, dc->bars[i].cores * dc->per_core));
	p = strstr(n->all, "The line is the gate, ");
	if (p == NULL || strstr(p, " per month for ") == NULL)
		fail_msg("%s: the cost chart is not described in costs", n->name);
	each_match("`([a-z]+/[a-z-]+)`,? ([0-9.]+) per month for ([0-9.]+) cores?", n->all,
		   cost_words, &ctx);
}

struct applies_ctx {
	const struct note *n;
	const char *list;
	const char *rule;
};

/* "RT with MODEL" or "the language of RT" in a rationale: that candidate or runtime is listed. */
static void named_candidate(void *ctx, char **g, size_t ng)
{
	struct applies_ctx *c = ctx;
	char *want;

	if (strcmp(c->list, "every candidate") == 0)
		return;
	want = ng > 2 && g[2][0] ? xasprintf("`%s/%s`", g[1], g[2]) : xasprintf("`%s/", g[1]);
	if (strstr(c->list, want) == NULL) {
		char *star = xasprintf("`%s/*`", g[1]);

		if (strstr(c->list, star) == NULL)
			fail_msg("%s: rule '%s' speaks of %s, not in its Applies to: %s",
				 c->n->name, c->rule, g[0], c->list);
		free(star);
	}
	free(want);
}

/*
 * Why: each rule's Applies-to list holds every runtime its rationale
 * names, and the candidate a per-candidate rationale speaks of.
 */
static void check_applies(const struct note *n)
{
	char *why = section(n->md, "Why");
	const char *p = why;

	assert_non_null(why);
	while ((p = strstr(p, "\n- `")) != NULL) {
		const char *e = strstr(p + 1, "\n- ");
		char *item, *flat, *rationale, *list, *id;

		e = e ? e : p + strlen(p);
		item = xasprintf("%.*s", (int)(e - p - 1), p + 1);
		flat = prose(item);
		id = between(flat, "- `", "`");
		rationale = between(flat, "): ", " Source: ");
		if (rationale == NULL) {	/* "Set aside by the profile" */
			free(id);
			free(flat);
			free(item);
			break;
		}
		list = strstr(rationale, " Applies to") ? between(rationale, " Applies to", ".")
							 : xstrdup("");
		if (strstr(rationale, " Applies to"))
			*strstr(rationale, " Applies to") = '\0';
		if (strncmp(list, ": ", 2) == 0)
			memmove(list, list + 2, strlen(list + 2) + 1);
		else if (strcmp(list, " every candidate") == 0)
			strcpy(list, "every candidate");
		for (size_t k = 0; k < sizeof runtime_words / sizeof *runtime_words; k++) {
			char *want = xasprintf("`%s/", runtime_words[k].runtime);

			if (names_runtime(rationale, k) && strcmp(list, "every candidate") != 0 &&
			    strstr(list, want) == NULL)
				fail_msg("%s: rule '%s' names %s in its rationale, but applies to: %s",
					 n->name, id, runtime_words[k].runtime, *list ? list : "none");
			free(want);
		}
		{
			struct applies_ctx c = { n, list, id };

			each_match("\\<(python|node|go|java|dotnet|rust) with ([a-z-]+)\\>", rationale,
				   named_candidate, &c);
			each_match("language of (python|node|go|java|dotnet|rust)\\>()", rationale,
				   named_candidate, &c);
		}
		free(id);
		free(list);
		free(rationale);
		free(flat);
		free(item);
		p = e;
	}
	free(why);
}

/* Check the note of one scenario under one probe condition, at a price per core-month or none. */
static void check_note(struct world *w, const char *file, int cond, double price)
{
	struct profile p;
	struct profile_known known;
	struct advice a;
	struct report_meta m = { .command_line = "advisor recommend t.yaml",
				 .probe_source = cond ? "probe cache" : "defaults",
				 .rules_dirs = "rules/", .knowledge_dir = "knowledge/" };
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
	char *name = xasprintf("%.*s (%s%s)", (int)(strlen(base) - 5), base, conditions[cond],
			       price > 0 ? ", priced" : "");
	struct note n = { name, &a, NULL, NULL, NULL };
	char *rec;

	profile_init(&p);
	advice_init(&a);
	kb_known(&w->kb, &known);
	if (profile_load_file(&p, file, &known, &w->d) < 0) {
		diags_print(&w->d, stderr);
		fail_msg("%s did not load", file);
	}
	if (price > 0)
		p.cost_per_core_month = price;
	assert_int_equal(advise(&a, &p, cond ? &w->caches[cond] : NULL, &w->kb, &w->rs, false,
				&w->d), 0);
	for (size_t i = 0; i < report_nformats; i++) {
		char *text = report_formats[i].render(&a, &m);

		check_finite(name, report_formats[i].name, text);
		if (strcmp(report_formats[i].name, "md") == 0)
			n.md = text;
		else
			free(text);
	}
	assert_non_null(n.md);
	rec = section(n.md, "Recommendation");
	n.rec = prose(rec);
	n.all = prose(n.md);
	check_ramp_up(&n);
	check_risks(&n);
	check_numbers(&n);
	check_applies(&n);
	if (price > 0)
		check_cost(&n);
	free(rec);
	free(n.rec);
	free(n.all);
	free((char *)n.md);
	advice_release(&a);
	profile_release(&p);
	free(name);
}

static void test_every_note_agrees_with_its_tables(void **state)
{
	struct world *w = *state;
	char *pattern = xasprintf("%s/tests/scenarios/*.yaml", w->src);
	glob_t g;

	assert_int_equal(glob(pattern, 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 12);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		for (int c = 0; c < NCONDITIONS; c++)
			check_note(w, g.gl_pathv[i], c, 0);
		/* The decision chart in monthly costs, once per scenario. */
		check_note(w, g.gl_pathv[i], 1, 35);
	}
	globfree(&g);
	free(pattern);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_risks_name_their_runtimes),
		cmocka_unit_test(test_every_note_agrees_with_its_tables),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
