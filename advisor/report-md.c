/*
 * The Markdown report: the ten sections of the design note.  It is
 * written for GitHub and cmark-gfm and to pass markdownlint's default
 * rules, so every line stays within 80 columns (prose is wrapped, tables
 * use short candidate ids) and every heading is unique.
 *
 * The note is built as parts (report-internal.h): Markdown text, and the
 * model's charts, which this renderer draws as Mermaid and the HTML
 * renderer as inline SVG.  What to say (reasons, risks, charts, where the
 * figures came from) is the advice's decision; this file only words it.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "md.h"
#include "replay.h"
#include "report-internal.h"
#include "util.h"
#include "xalloc.h"

static const char *const crit_short[] = { "perf", "velocity", "team", "ecosystem", "ops" };
_Static_assert(ARRAY_SIZE(crit_short) == CRIT__COUNT,
	       "crit_short[] and enum criterion");

static const char *confidence_word(double c)
{
	return c >= 0.8 ? "high" : c >= 0.6 ? "moderate" : "low";
}

/* "a front tier of X, SHAPE (N cores), and a worker tier of Y, ..." */
static void tiers_paragraph(struct buf *t, const struct advice *a, struct md_pool *mp)
{
	double sum = 0;

	buf_addf(t, "Build %s as two tiers joined by a queue: ", md_esc(mp, a->p->name));
	for (size_t i = 0; i < a->ntiers; i++) {
		const struct tier *k = &a->tiers[i];

		sum += k->cap.cores_needed;
		buf_addf(t, "%s%s tier of **%s** (`%s/%s`), %s (", i == 0 ? "" : ", and ",
			 k->role == TIER_FRONT ? "a front" : "a worker", md_esc(mp, k->label),
			 k->rt->id, k->model->id, md_esc(mp, k->cap.shape));
		md_num(t, k->cap.cores_needed);
		buf_addf(t, " core%s)", k->cap.cores_needed == 1 ? "" : "s");
	}
	buf_adds(t, "; ");
	md_num(t, sum);
	buf_addf(t, " cores in all. %s", md_esc(mp, a->tiers_why));
}

/* What lowered the confidence beyond the margin: a busy machine, a decisive figure. */
static void confidence_notes(struct buf *b, const struct advice *a)
{
	struct md_pool mp = MD_POOL_INIT;

	for (size_t i = 0; i < a->nconfidence_notes; i++) {
		buf_addc(b, '\n');
		md_wrap(b, "", "", md_esc(&mp, a->confidence_notes[i]));
	}
	md_pool_release(&mp);
}

static void section_recommendation(struct buf *b, const struct advice *a)
{
	const struct candidate *w = &a->cands[0];
	const struct profile *p = a->p;
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	buf_adds(b, "## Recommendation\n\n");
	if (a->ntiers > 1) {
		tiers_paragraph(&t, a, &mp);
		md_wrap(b, "", "", buf_str(&t));
		buf_addc(b, '\n');
		buf_reset(&t);
		if (a->winner_lacks >= 0)
			buf_addf(&t, "On the weighted criteria for one service, **%s** (`%s/%s`) ranks "
				 "first, though it lacks the %s libraries the work needs; its "
				 "figures are what it would take if it had them. Confidence is "
				 "%s (", md_esc(&mp, w->label), w->rt->id, w->model->id,
				 a->kb->vocab.needs[a->winner_lacks].id,
				 confidence_word(a->confidence));
		else
			buf_addf(&t, "As one service, the best candidate is **%s** (`%s/%s`), "
				 "scaling across %s. Confidence is %s (", md_esc(&mp, w->label),
				 w->rt->id, w->model->id,
				 strcmp(a->scaling, "cores") == 0 ? "the cores of each machine"
				 : strcmp(a->scaling, "machines") == 0 ? "more machines"
				 : "cores and machines", confidence_word(a->confidence));
	} else {
		buf_addf(&t, "Build %s on **%s** (`%s/%s`), scaling across %s. Confidence is %s (",
		 md_esc(&mp, p->name), md_esc(&mp, w->label), w->rt->id, w->model->id,
		 strcmp(a->scaling, "cores") == 0 ? "the cores of each machine"
		 : strcmp(a->scaling, "machines") == 0 ? "more machines" : "cores and machines",
		 confidence_word(a->confidence));
	}
	md_num(&t, a->confidence);
	buf_adds(&t, ")");
	if (a->ncands > 1 && w->total - a->cands[1].total < 0.005) {
		/* Tied to two decimals: the evidence past 10 broke the tie (cand_cmp). */
		buf_addf(&t, ": it ties with %s at ", md_esc(&mp, a->cands[1].label));
		md_num(&t, w->total);
		buf_adds(&t, " of 10 on the weighted criteria and ranks first on the evidence "
			 "that scores past the top of a criterion's scale");
	} else if (a->ncands > 1) {
		buf_addf(&t, ": it leads %s by ", md_esc(&mp, a->cands[1].label));
		md_num(&t, w->total - a->cands[1].total);
		buf_adds(&t, " points out of 10 on the weighted criteria");
	}
	buf_adds(&t, ". ");
	if (w->cap.feasible) {
		/* With two tiers the one-service figures are what it would take. */
		buf_adds(&t, a->ntiers > 1 ? "As one service at the target load it would need "
					   : "At the target load it needs ");
		md_num(&t, w->cap.cores_needed);
		buf_addf(&t, " core%s, as %s, at %.0f%% CPU with an estimated p99 latency of ",
			 w->cap.cores_needed == 1 ? "" : "s", md_esc(&mp, w->cap.shape),
			 w->cap.utilisation * 100);
		md_num(&t, w->cap.latency_ms);
		buf_adds(&t, " ms against a budget of ");
		md_num(&t, p->latency_p99_ms);
		buf_adds(&t, " ms; ");
		buf_addf(&t, "%s the ", w->cap.meets_target ? "that fits" : "that is more than");
		md_num(&t, a->dv.planned_cores);
		buf_addf(&t, " cores planned (%d instance%s of ", p->instances,
			 p->instances == 1 ? "" : "s");
		md_num(&t, a->dv.machine_cores);
		buf_adds(&t, " cores). ");
		if (a->leanest >= 0 && a->cands[a->leanest].cap.cores_needed < w->cap.cores_needed) {
			const struct candidate *l = &a->cands[a->leanest];

			buf_addf(&t, "The leanest option, `%s/%s`, needs ", l->rt->id, l->model->id);
			md_num(&t, l->cap.cores_needed);
			buf_addf(&t, " core%s; this one needs ", l->cap.cores_needed == 1 ? "" : "s");
			md_num(&t, w->cap.cores_ratio);
			buf_adds(&t, " times as many. ");
		}
	} else {
		buf_addf(&t, "No candidate meets the target at any size: this one comes closest, "
			 "but %s. ", md_esc(&mp, w->cap.limit));
	}
	if (a->team_best >= 0) {
		const struct candidate *tb = &a->cands[a->team_best];

		/* In the team's language, or in another it knows as well. */
		if (strcmp(tb->rt->language, w->rt->language) == 0 || w->skill >= a->dv.best_skill) {
			size_t tied = 0;

			for (size_t i = 0; i < a->p->languages.n; i++)
				tied += a->p->skills[i] == a->dv.best_skill;
			buf_addf(&t, "It is written in %s, %s (%.0f of 5).", w->rt->language,
				 tied > 1 ? "one of the team's strongest languages"
					  : "the team's strongest language", a->dv.best_skill);
		} else {
			buf_addf(&t, "It %s %s (%.0f of 5) to %s (%.0f of 5): the best option in "
				 "%s, %s, scores ", w->skill >= 3 ? "switches the team from" :
				 "asks the team to move from", a->dv.best_language, a->dv.best_skill,
				 w->rt->language, w->skill, a->dv.best_language, md_esc(&mp, tb->label));
			md_num(&t, tb->total);
			if (!tb->cap.eligible) {
				buf_addf(&t, " but is not eligible (%s)", md_esc(&mp, tb->cap.gate_reason));
			} else if (tb->cap.feasible && w->cap.feasible &&
				   tb->cap.cores_needed > w->cap.cores_needed) {
				buf_adds(&t, " and needs ");
				md_num(&t, tb->cap.cores_needed);
				buf_adds(&t, " cores against ");
				md_num(&t, w->cap.cores_needed);
			}
			if (!tb->cap.eligible) {
				buf_addf(&t, ": no design in %s may be recommended here, so the "
					 "switch is needed", a->dv.best_language);
			} else {
				buf_adds(&t, ", so the switch buys ");
				md_num(&t, w->total - tb->total);
				buf_adds(&t, " points");
			}
			if (w->skill >= 3)
				buf_adds(&t, "; the team already knows the language.");
			else
				buf_adds(&t, " and costs the ramp-up of learning a new language and its "
					 "tooling.");
		}
	}
	md_wrap(b, "", "", buf_str(&t));
	confidence_notes(b, a);
	buf_reset(&t);
	if (a->ntiers == 1 && a->tiers_why) {
		buf_adds(&t, md_esc(&mp, a->tiers_why));
		buf_addc(b, '\n');
		md_wrap(b, "", "", buf_str(&t));
		buf_reset(&t);
	}
	if (a->nreasons) {
		buf_adds(b, "\nThe main reasons:\n\n");
		for (size_t i = 0; i < a->nreasons; i++) {
			const struct fired_rule *f = &a->fired[a->reasons[i]];

			buf_reset(&t);
			buf_addf(&t, "%s (%s)", md_esc(&mp, f->rationale), md_esc_code(&mp, f->rule->id));
			md_wrap(b, "- ", "  ", buf_str(&t));
		}
	}
	if (a->ncands > 1) {
		const struct candidate *r = &a->cands[1];

		buf_reset(&t);
		buf_addf(&t, "Runner-up: **%s** (`%s/%s`), total ", md_esc(&mp, r->label), r->rt->id,
			 r->model->id);
		md_num(&t, r->total);
		buf_adds(&t, " against ");
		md_num(&t, w->total);
		if (r->lacks >= 0 && a->ntiers == 1)
			buf_addf(&t, "; it lacks the %s libraries the work needs, so it could only "
				 "front two tiers", a->kb->vocab.needs[r->lacks].id);
		buf_adds(&t, ".");
		buf_addc(b, '\n');
		md_wrap(b, "", "", buf_str(&t));
	}
	buf_release(&t);
	md_pool_release(&mp);
}

/* The profile table; values too long for an 80-column row go below it. */
struct table {
	struct buf *b;
	struct buf below;
};

/* value is plain text (escaped here); field is one of the profile's keys. */
static void row(struct table *tab, const char *field, const char *value, bool assumed)
{
	struct buf *b = tab->b;
	struct buf v = BUF_INIT;

	md_cell(&v, value);
	if (strlen(field) + v.len + 20 > MD_WIDTH) {
		struct buf t = BUF_INIT;

		buf_addf(&t, "`%s`: %s", field, buf_str(&v));
		md_wrap(&tab->below, "- ", "  ", buf_str(&t));
		buf_release(&t);
		buf_reset(&v);
		buf_adds(&v, "(below)");
	}
	buf_addf(b, "| `%s` | %s |%s|\n", field, buf_str(&v), assumed ? " assumed " : " ");
	buf_release(&v);
}

static void rownum(struct table *tab, const char *field, double v, bool assumed, const char *none)
{
	char *s = v == 0 && none ? xstrdup(none) : md_numstr(v);

	row(tab, field, s, assumed);
	free(s);
}

static void rowlist(struct table *tab, const char *field, const struct strlist *l, bool assumed)
{
	struct buf v = BUF_INIT;

	for (size_t i = 0; i < l->n; i++)
		buf_addf(&v, "%s%s", i ? ", " : "", l->v[i]);
	row(tab, field, l->n ? buf_str(&v) : "none", assumed);
	buf_release(&v);
}

/* The digest rows of one field of the profile's field table. */
static void profile_row(struct table *tab, const struct profile *p, const struct profile_spec *f)
{
	bool assumed = profile_field_assumed(p, f);
	char *path, *v;

	if (profile_field_hidden(p, f))
		return;
	switch (f->type) {
	case PT_TEXT:
	case PT_WORD:
		if (!(f->flags & PFL_PROSE))
			row(tab, f->path, profile_field_str(p, f), assumed);
		break;
	case PT_NUMBER:
	case PT_INT:
		rownum(tab, f->path, profile_field_num(p, f), assumed,
		       f->flags & PFL_ZERO_NONE ? "no limit" : NULL);
		break;
	case PT_WORDS:
		rowlist(tab, f->path, profile_field_ptr(p, f), assumed);
		break;
	case PT_SKILLS:
		for (size_t i = 0; i < p->languages.n; i++) {
			path = xasprintf("%s.%s", f->path, p->languages.v[i]);
			rownum(tab, path, p->skills[i], !p->skill_stated[i], NULL);
			free(path);
		}
		break;
	case PT_PRIORITIES:
		for (int i = 0; i < CRIT__COUNT; i++) {
			path = xasprintf("%s.%s", f->path, profile_criteria[i]);
			rownum(tab, path, p->priorities[i], !p->priority_stated[i], NULL);
			free(path);
		}
		break;
	case PT_MIX:
		for (size_t i = 0; i < p->mix.n; i++) {
			const struct profile_class *c = &p->mix.v[i];
			char *share = md_numstr(c->share), *cpu = md_numstr(c->cpu_ms);

			path = xasprintf("%s[%zu]", f->path, i);
			v = xasprintf("share %s, %s ms CPU%s%s", share, cpu, c->name ? ": " : "",
				      c->name ? c->name : "");
			row(tab, path, v, false);
			free(share);
			free(cpu);
			free(path);
			free(v);
		}
		break;
	case PT_FACTORS:
		for (size_t i = 0; i < p->calibration.runtimes.n; i++) {
			path = xasprintf("%s.%s", f->path, p->calibration.runtimes.v[i]);
			rownum(tab, path, p->calibration.factor[i], false, NULL);
			free(path);
		}
		break;
	case PT_TEXTS:
		rowlist(tab, f->path, profile_field_ptr(p, f), assumed);
		break;
	}
}

static void section_profile(struct buf *b, const struct advice *a)
{
	const struct profile *p = a->p;
	struct table tab = { b, BUF_INIT };

	buf_adds(b, "\n## Profile\n\n");
	if (*p->description) {
		struct buf t = BUF_INIT;

		md_text(&t, p->description);
		md_wrap(b, "", "", buf_str(&t));
		buf_addc(b, '\n');
		buf_release(&t);
	}
	buf_adds(b, "| field | value | note |\n| --- | --- | --- |\n");
	for (size_t i = 0; i < profile_nfields; i++)
		profile_row(&tab, p, &profile_fields[i]);
	if (tab.below.len)
		buf_addf(b, "\n%s", buf_str(&tab.below));
	buf_release(&tab.below);
	buf_addc(b, '\n');
	md_wrap(b, "", "", "Values marked *assumed* were not in the profile and took their "
		"documented defaults (docs/profile.md); state them to firm up the advice.");
}

static void section_ranking(struct buf *b, const struct advice *a)
{
	struct buf t = BUF_INIT;

	buf_adds(b, "\n## Ranking\n\n");
	buf_adds(b, "| # | candidate | perf | velocity | team | ecosystem | ops | total |\n"
		    "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (size_t i = 0; i < a->ncands; i++) {
		const struct candidate *c = &a->cands[i];

		buf_addf(b, "| %zu | `%s/%s`%s |", i + 1, c->rt->id, c->model->id,
			 c->cap.eligible ? "" : " \u2020");
		for (int k = 0; k < CRIT__COUNT; k++)
			buf_addf(b, " %.1f |", c->score[k]);
		buf_addf(b, " **%.2f** |\n", c->total);
	}
	buf_addc(b, '\n');
	buf_adds(&t, "Each criterion is scored 0 to 10: a computed base value, then the effects of "
		 "the rules that fired (see Why). The total weighs them by the profile's "
		 "priorities:");
	for (int k = 0; k < CRIT__COUNT; k++) {
		buf_addf(&t, " %s ", crit_short[k]);
		md_num(&t, a->p->priorities[k]);
		buf_adds(&t, k + 1 < CRIT__COUNT ? "," : ".");
	}
	if (a->nexcluded) {
		buf_adds(&t, " Excluded by the profile:");
		for (size_t i = 0; i < a->nexcluded; i++)
			buf_addf(&t, "%s %s", i ? "," : "", a->excluded[i]);
		buf_adds(&t, ".");
	}
	md_wrap(b, "", "", buf_str(&t));
	if (a->neligible < a->ncands) {
		buf_adds(b, "\n");
		md_wrap(b, "", "", "\u2020 Not eligible to be recommended (docs/method.md, the "
			"gate): it cannot meet the target at any size, or it needs more than 3 times "
			"the cores of the leanest feasible option and more than one instance more. "
			"Eligible candidates rank first.");
		buf_addc(b, '\n');
		for (size_t i = 0; i < a->ncands; i++) {
			const struct candidate *c = &a->cands[i];

			if (c->cap.eligible)
				continue;
			buf_reset(&t);
			buf_addf(&t, "`%s/%s`: ", c->rt->id, c->model->id);
			md_text(&t, c->cap.gate_reason);
			buf_adds(&t, ".");
			md_wrap(b, "- ", "  ", buf_str(&t));
		}
	}
	buf_adds(b, "\nCandidates:\n\n");
	for (size_t i = 0; i < a->ncands; i++) {
		buf_reset(&t);
		buf_addf(&t, "`%s/%s`: ", a->cands[i].rt->id, a->cands[i].model->id);
		md_text(&t, a->cands[i].label);
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	buf_release(&t);
}

/* One figure replay gave a capacity: "CPU factor 4.45 (knowledge 2-10, flagged)". */
static void replay_cell(struct buf *t, const char *what, double v, const char *unit, double lo,
			double hi, bool flagged, const char **sep)
{
	buf_addf(t, "%s%s ", *sep, what);
	md_num(t, v);
	buf_adds(t, unit);
	if (flagged) {
		buf_adds(t, " (flagged: more than 2x from the knowledge's ");
		md_num(t, lo);
		if (hi > lo) {
			buf_adds(t, "\u2013");
			md_num(t, hi);
		}
		buf_adds(t, ")");
	}
	*sep = ", ";
}

/*
 * Which capacity cells replay measured, per candidate, and the figures
 * more than 2x outside the knowledge range, shown and flagged; or why a
 * replay in the probe figures sizes nothing.
 */
static void replay_cells(struct buf *b, const struct advice *a)
{
	struct buf t = BUF_INIT;
	size_t n = 0;

	if (a->ps == NULL || a->ps->replay == NULL)
		return;
	if (a->replay == NULL) {
		buf_addf(&t, "The replay in the probe figures sizes nothing: %s.", a->replay_why);
		buf_addc(b, '\n');
		md_wrap(b, "", "", buf_str(&t));
		buf_release(&t);
		return;
	}
	for (size_t i = 0; i < a->ncands; i++)
		n += a->cands[i].cap.replay_cells != 0;
	buf_addc(b, '\n');
	if (n == 0) {
		md_wrap(b, "", "", "Replay measured none of these candidates: every capacity is "
			"estimated from the knowledge base and the probes.");
		return;
	}
	md_wrap(b, "", "", "Measured by replay on this machine, in place of the estimates "
		"(capacity basis measured; docs/method.md, \"Measured by replay\"); the others are "
		"estimated:");
	buf_addc(b, '\n');
	for (size_t i = 0; i < a->ncands; i++) {
		const struct capacity *k = &a->cands[i].cap;
		const char *sep = "";

		if (k->replay_cells == 0)
			continue;
		buf_reset(&t);
		buf_addf(&t, "`%s/%s`: ", a->cands[i].rt->id, a->cands[i].model->id);
		if (k->replay_cells & REPLAY_CELL_CPU)
			replay_cell(&t, "CPU factor", k->replay_factor, "", k->cpu_factor_low,
				    k->cpu_factor_high, k->replay_flagged & REPLAY_CELL_CPU, &sep);
		if (k->replay_cells & REPLAY_CELL_CORES)
			replay_cell(&t, "usable cores", k->replay_usable, "", k->speedup_low,
				    k->speedup_high, k->replay_flagged & REPLAY_CELL_CORES, &sep);
		if (k->replay_cells & REPLAY_CELL_MEMORY)
			replay_cell(&t, "memory per connection", k->replay_kib, " KiB", k->kib_low, k->kib_high,
				    k->replay_flagged & REPLAY_CELL_MEMORY, &sep);
		buf_adds(&t, ".");
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	buf_release(&t);
}

/*
 * The CPU factor of each runtime on this work, with its range and where it
 * came from: the figures every capacity above rests on.
 */
static void cpu_factors(struct buf *b, const struct advice *a)
{
	struct workload_classes cls;
	struct buf t = BUF_INIT;
	const char *sep = "";

	workload_classes(a->p, a->kb, &cls);
	buf_adds(&t, "A request's CPU is scaled per runtime by its CPU factor, the cost of "
		 "this work relative to Go, from the knowledge base's cost per workload class "
		 "(docs/knowledge.md) blended by this profile's classes: ");
	for (int k = 0; k < KB_CLASS__COUNT; k++) {
		if (cls.share[k] <= 0)
			continue;
		buf_addf(&t, "%s%s %.0f%%", sep, kb_class_names[k], cls.share[k] * 100);
		sep = ", ";
	}
	buf_adds(&t, " (from the kind, the traits and `workload.native_share`; never from the "
		 "description). A calibration in the profile replaces a runtime's factor.");
	buf_addc(b, '\n');
	md_wrap(b, "", "", buf_str(&t));
	buf_adds(b, "\n| runtime | factor | range | from |\n| --- | ---: | ---: | --- |\n");
	for (size_t r = 0; r < a->kb->nruntimes; r++) {
		const struct kb_runtime *rt = &a->kb->runtimes[r];
		const struct capacity *k = NULL;

		for (size_t i = 0; i < a->ncands && k == NULL; i++)
			if (a->cands[i].rt == rt)
				k = &a->cands[i].cap;
		if (k == NULL)
			continue;
		buf_addf(b, "| `%s` | ", rt->id);
		md_num(b, k->knowledge_factor);
		buf_adds(b, " | ");
		if (k->cpu_factor_high > k->cpu_factor_low) {
			md_num(b, k->cpu_factor_low);
			buf_adds(b, "\u2013");
			md_num(b, k->cpu_factor_high);
		} else {
			buf_adds(b, "\u2014");
		}
		buf_addf(b, " | %s |\n", k->cpu_source == WL_CALIBRATION ? "calibration in the profile"
					 : k->cpu_source == WL_LEGACY ? "knowledge, one figure"
					 : "knowledge, by class");
	}
	buf_release(&t);
	replay_cells(b, a);
}

static void doc_decision(struct report_doc *doc, struct buf *b, const struct advice *a);

/* A value of the decision chart in words: "12 cores" or "480 per month". */
static void decision_value(struct buf *t, const struct decision_chart *dc, double v)
{
	md_num(t, v);
	buf_addf(t, " %s", dc->cost ? "per month" : v == 1 ? "core" : "cores");
}

/* A bar's value in words, with its cores beside a cost: "480 per month for 12 cores". */
static void decision_bar_value(struct buf *t, const struct decision_chart *dc,
			       const struct decision_bar *bar)
{
	decision_value(t, dc, bar->value);
	if (dc->cost) {
		buf_adds(t, " for ");
		md_num(t, bar->cores);
		buf_addf(t, " core%s", bar->cores == 1 ? "" : "s");
	}
}

/*
 * What the decision chart shows, in words: the gate, the candidates off
 * the scale with their values, and those not drawn (infeasible).  Then
 * the chart itself, as its own part.
 */
static void decision_text(struct buf *b, const struct advice *a, struct report_doc *doc)
{
	const struct decision_chart *dc = &a->decision;
	struct buf t = BUF_INIT;
	size_t n = 0;

	if (dc->nfeasible == 0)
		return;
	buf_addc(b, '\n');
	if (dc->cost) {
		buf_adds(&t, "The chart below gives the monthly cost of the cores each feasible "
			 "candidate needs at peak (cores x ");
		md_num(&t, dc->per_core);
		buf_adds(&t, " per core-month), leanest first.");
	} else {
		buf_adds(&t, "The chart below gives the cores each feasible candidate needs at "
			 "peak, leanest first.");
	}
	buf_addf(&t, " The line is the gate, %g times the leanest (`%s`, ", dc->gate_ratio,
		 dc->bars[0].id);
	decision_bar_value(&t, dc, &dc->bars[0]);
	buf_adds(&t, "): ");
	decision_value(&t, dc, dc->gate);
	buf_adds(&t, "; a candidate past it by more than one instance of its shape cannot be "
		 "recommended (\u2020 in the ranking).");
	if (dc->noff_scale) {
		buf_addf(&t, " The axis stops at %g times the leanest, ", ADVICE_DECISION_SPAN);
		decision_value(&t, dc, dc->axis_max);
		buf_addf(&t, "; drawn to its end, off the scale:");
		for (size_t i = 0; i < dc->nfeasible; i++) {
			if (!dc->bars[i].off_scale)
				continue;
			buf_addf(&t, "%s `%s` ", n++ ? "," : "", dc->bars[i].id);
			decision_bar_value(&t, dc, &dc->bars[i]);
		}
		buf_adds(&t, ".");
	}
	if (dc->nfeasible < dc->nbars) {
		buf_adds(&t, " Not drawn, as no size meets the target:");
		for (size_t i = dc->nfeasible; i < dc->nbars; i++)
			buf_addf(&t, "%s `%s`", i > dc->nfeasible ? "," : "", dc->bars[i].id);
		buf_adds(&t, ".");
	}
	md_wrap(b, "", "", buf_str(&t));
	buf_release(&t);
	doc_decision(doc, b, a);
}

static void section_capacity(struct buf *b, const struct advice *a, struct report_doc *doc)
{
	const struct profile *p = a->p;
	struct buf t = BUF_INIT;
	bool infeasible = false, cost;

	buf_adds(b, "\n## Capacity at target load\n\n");
	buf_adds(&t, "At peak, ");
	md_num(&t, p->requests_per_second);
	buf_addf(&t, " requests per second and ");
	md_num(&t, p->peak_concurrency);
	buf_adds(&t, " tasks in flight; a request costs ");
	md_num(&t, p->cpu_ms_per_request);
	buf_adds(&t, " ms of CPU in Go-like code (scaled per runtime) and waits ");
	md_num(&t, a->dv.io_ms_per_request);
	buf_adds(&t, " ms on I/O. Each candidate is sized in cores, in its natural shape: an "
		 "event loop as 1-vCPU pods, one process per core or a pool of threads on "
		 "instances of ");
	md_num(&t, a->dv.machine_cores);
	buf_addf(&t, " cores like the machine the figures come from, for at most 70%% CPU, the "
		 "latency budget and the memory limit; queueing is M/G/c (Allen-Cunneen, "
		 "docs/method.md). The plan is %d instance%s, ", p->instances,
		 p->instances == 1 ? "" : "s");
	md_num(&t, a->dv.planned_cores);
	buf_adds(&t, " cores.");
	md_wrap(b, "", "", buf_str(&t));
	cost = p->cost_per_core_month > 0;
	buf_addf(b, "\n| candidate | cores | inst | MB/inst | CPU | wait ms | p99 ms | fits |%s\n"
		    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |%s\n",
		 cost ? " cost/month |" : "", cost ? " ---: |" : "");
	for (size_t i = 0; i < a->ncands; i++) {
		const struct candidate *c = &a->cands[i];
		const struct capacity *k = &c->cap;

		buf_addf(b, "| `%s/%s` | ", c->rt->id, c->model->id);
		if (!k->feasible) {
			infeasible = true;
			buf_addf(b, "\u2014 | \u2014 | \u2014 | \u2014 | \u2014 | \u2014 | never |%s\n",
				 cost ? " \u2014 |" : "");
			continue;
		}
		md_num(b, k->cores_needed);
		buf_addf(b, " | %d | ", k->instances_needed);
		md_num(b, k->memory_mb);
		buf_addf(b, " | %.0f%% | ", k->utilisation * 100);
		md_num(b, k->queue_ms);
		buf_adds(b, " | ");
		md_num(b, k->latency_ms);
		buf_addf(b, " | %s |", k->meets_target ? "yes" : "no");
		if (cost) {
			buf_addc(b, ' ');
			md_num(b, k->cost_month);
			buf_adds(b, " |");
		}
		buf_addc(b, '\n');
	}
	buf_addc(b, '\n');
	buf_reset(&t);
	buf_adds(&t, "cores is the cores needed (inst instances of the shape below); MB/inst, "
		 "CPU (the busiest thread or pool), wait (p99 queueing delay) and p99 latency "
		 "are at that size; fits is yes when it fits the planned cores, no when it needs "
		 "more");
	if (infeasible)
		buf_adds(&t, ", never (and \u2014) when no size meets the target (why below)");
	buf_addf(&t, ". What bounds each of the top three%s:",
		 infeasible ? ", and why the others marked never cannot meet the target" : "");
	md_wrap(b, "", "", buf_str(&t));
	buf_addc(b, '\n');
	for (size_t i = 0; i < a->ncands; i++) {
		const struct candidate *c = &a->cands[i];

		if (i >= 3 && c->cap.feasible)
			continue;
		buf_reset(&t);
		buf_addf(&t, "`%s/%s`: ", c->rt->id, c->model->id);
		if (c->cap.feasible) {
			md_text(&t, c->cap.shape);
			buf_adds(&t, "; ");
		}
		md_text(&t, c->cap.limit);
		buf_addf(&t, "; %s figures.", c->cap.replay ? "replay-measured" :
			 c->cap.measured ? "measured" : "default");
		if (c->cap.feasible && c->cap.cores_needed_low > 0 && c->cap.cores_needed_high > 0 &&
		    c->cap.cores_needed_high > c->cap.cores_needed_low) {
			buf_adds(&t, " Across its CPU factor's range it needs ");
			md_num(&t, c->cap.cores_needed_low);
			buf_adds(&t, " to ");
			md_num(&t, c->cap.cores_needed_high);
			buf_adds(&t, " cores.");
		}
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	if (a->ntiers > 1) {
		buf_addc(b, '\n');
		md_wrap(b, "", "", "The recommended tiers, each sized with its own load "
			"(docs/method.md, \"Tiers\"):");
		buf_addc(b, '\n');
		for (size_t i = 0; i < a->ntiers; i++) {
			const struct tier *k = &a->tiers[i];

			buf_reset(&t);
			buf_addf(&t, "%s, `%s/%s`: ", tier_role_names[k->role], k->rt->id,
				 k->model->id);
			md_num(&t, k->rps);
			buf_adds(&t, " requests per second at ");
			md_num(&t, k->cpu_ms);
			buf_adds(&t, " ms of CPU");
			if (k->io_ms > 0) {
				buf_adds(&t, " and ");
				md_num(&t, k->io_ms);
				buf_adds(&t, " ms of I/O wait");
			}
			buf_adds(&t, " each: ");
			md_num(&t, k->cap.cores_needed);
			buf_adds(&t, " cores, as ");
			md_text(&t, k->cap.shape);
			buf_adds(&t, ", p99 ");
			md_num(&t, k->cap.latency_ms);
			buf_adds(&t, " ms; ");
			md_text(&t, k->cap.limit);
			buf_adds(&t, ". Chosen for ");
			md_text(&t, k->why);
			buf_adds(&t, ".");
			md_wrap(b, "- ", "  ", buf_str(&t));
		}
	}
	buf_release(&t);
	cpu_factors(b, a);
	decision_text(b, a, doc);
}

/* Longest line of a Mermaid block: markdownlint's line limit holds in code too. */
#define MERMAID_WIDTH 80

/* The bars [from, to) of c as one Mermaid bar chart (medians). */
static void mermaid_part(struct buf *b, const struct chart *c, size_t from, size_t to,
			 size_t part)
{
	double max = 0;

	/* Every part of a chart shares one axis, so bars compare across parts. */
	for (size_t i = 0; i < c->nbars; i++)
		max = fmax(max, c->bars[i].median);
	buf_addf(b, "\n```mermaid\nxychart-beta\n  title \"%s", c->title);
	if (part > 1)
		buf_adds(b, ", continued");
	/* Mermaid wants the whole x-axis list on one line. */
	buf_addf(b, " (%s)\"\n  x-axis [", c->unit_words);
	for (size_t i = from; i < to; i++)
		buf_addf(b, "%s\"%s\"", i > from ? ", " : "", c->bars[i].name);
	buf_addf(b, "]\n  y-axis \"%s\" 0 --> %.0f\n  bar [", c->unit, ceil(max * 1.1));
	for (size_t i = from; i < to; i++) {
		buf_addf(b, "%s", i > from ? ", " : "");
		md_num(b, c->bars[i].median);
	}
	buf_adds(b, "]\n```\n");
}

/* Bars of c from `from` that fit one x-axis line of MERMAID_WIDTH columns. */
static size_t mermaid_fit(const struct chart *c, size_t from)
{
	size_t width = strlen("  x-axis []"), to = from;

	while (to < c->nbars) {
		size_t w = strlen(c->bars[to].name) + 2 + (to > from ? 2 : 0);

		if (to > from && width + w > MERMAID_WIDTH)
			break;
		width += w;
		to++;
	}
	return to;
}

/* One of the model's charts as Mermaid, in as many parts as its axis needs. */
static void mermaid_chart(struct buf *b, const struct chart *c)
{
	size_t part = 0;

	for (size_t i = 0, to; i < c->nbars; i = to) {
		to = mermaid_fit(c, i);
		mermaid_part(b, c, i, to, ++part);
	}
}

/*
 * The decision chart's feasible bars [from, to) as one Mermaid chart: a
 * bar series of the values (an off-scale one at the axis' end) and a line
 * series at the gate.
 */
static void mermaid_decision_part(struct buf *b, const struct decision_chart *dc, size_t from,
				  size_t to, size_t part)
{
	buf_addf(b, "\n```mermaid\nxychart-beta\n  title \"%s, leanest first%s (%s)\"\n"
		 "  x-axis [", dc->title, part > 1 ? ", continued" : "", dc->unit);
	for (size_t i = from; i < to; i++)
		buf_addf(b, "%s\"%s\"", i > from ? ", " : "", dc->bars[i].id);
	buf_addf(b, "]\n  y-axis \"%s\" 0 --> ", dc->unit);
	md_num(b, dc->axis_max * 1.1);
	buf_adds(b, "\n  bar [");
	for (size_t i = from; i < to; i++) {
		buf_adds(b, i > from ? ", " : "");
		md_num(b, fmin(dc->bars[i].value, dc->axis_max));
	}
	buf_adds(b, "]\n  line [");
	for (size_t i = from; i < to; i++) {
		buf_adds(b, i > from ? ", " : "");
		md_num(b, dc->gate);
	}
	buf_adds(b, "]\n```\n");
}

/* Does the axis line of bars [from, to) fit MERMAID_WIDTH columns? */
static bool decision_fits(const struct decision_chart *dc, size_t from, size_t to)
{
	size_t width = strlen("  x-axis []");

	for (size_t i = from; i < to; i++)
		width += strlen(dc->bars[i].id) + 2 + (i > from ? 2 : 0);
	return to - from <= 1 || width <= MERMAID_WIDTH;
}

/*
 * The decision chart as Mermaid, split where the axis line would pass
 * MERMAID_WIDTH: as few parts as greedy filling gives, balanced when the
 * names allow (3 + 3 + 3 + 3 reads better than 4 + 4 + 3 + 1).
 */
static void mermaid_decision(struct buf *b, const struct decision_chart *dc)
{
	size_t n = dc->nfeasible, parts = 0, per;
	bool even = true;

	for (size_t from = 0, to; from < n; from = to, parts++)
		for (to = from + 1; to < n && decision_fits(dc, from, to + 1); to++)
			;
	if (parts == 0)
		return;
	per = (n + parts - 1) / parts;
	for (size_t from = 0; from < n; from += per)
		even &= decision_fits(dc, from, from + per < n ? from + per : n);
	for (size_t from = 0, to, part = 0; from < n; from = to) {
		if (even)
			to = from + per < n ? from + per : n;
		else
			for (to = from + 1; to < n && decision_fits(dc, from, to + 1); to++)
				;
		mermaid_decision_part(b, dc, from, to, ++part);
	}
}

/*
 * End the text part in b and add the model's charts after it: the probe
 * figures' charts, or replay's (chart.replay).
 */
static void doc_charts(struct report_doc *doc, struct buf *b, const struct advice *a, bool replay)
{
	struct report_part *p;
	size_t n = 0;

	for (size_t i = 0; i < a->ncharts; i++)
		n += a->charts[i].replay == replay;
	if (n == 0)
		return;
	p = XPUSH(doc->v, doc->n, doc->cap);
	*p = (struct report_part){ .text = buf_detach(b) };
	for (size_t i = 0; i < a->ncharts; i++) {
		if (a->charts[i].replay != replay)
			continue;
		p = XPUSH(doc->v, doc->n, doc->cap);
		*p = (struct report_part){ .chart = &a->charts[i] };
	}
}

/* End the text part in b and add the decision chart after it. */
static void doc_decision(struct report_doc *doc, struct buf *b, const struct advice *a)
{
	struct report_part *p = XPUSH(doc->v, doc->n, doc->cap);

	*p = (struct report_part){ .text = buf_detach(b) };
	p = XPUSH(doc->v, doc->n, doc->cap);
	*p = (struct report_part){ .decision = &a->decision };
}

/*
 * The legend of the used column, and why each figure left out was: noisy
 * ones in one line, the others one a line.
 */
static void figures_used(struct buf *b, const struct advice *a)
{
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;
	size_t nnoisy = 0, nout = 0;

	md_wrap(b, "", "", "used: yes when the capacity model may take the figure (the probe "
		"figures a model reads: speed-up, hand-off, task memory, lag), \u2014 when no model "
		"reads it (rules may still quote it), no when it was left out: noisy, a wide spread "
		"(MAD over a quarter of the median, or a best sample 1.5 times from it) or outside "
		"the model's plausible range (docs/method.md). A figure left out does not decide: "
		"the knowledge default takes its place and rules do not see it.");
	for (size_t i = 0; i < a->nprobe_use; i++) {
		nnoisy += a->probe_use[i].verdict == FIGV_NOISY;
		nout += a->probe_use[i].verdict != FIGV_USED;
	}
	if (nout == 0) {
		buf_release(&t);
		return;
	}
	buf_adds(b, "\nLeft out:\n\n");
	if (nnoisy) {
		buf_adds(&t, "noisy (other work used the CPU while they ran):");
		for (size_t i = 0, k = 0; i < a->nprobe_use; i++)
			if (a->probe_use[i].verdict == FIGV_NOISY)
				buf_addf(&t, "%s %s", k++ ? "," : "",
					 md_esc_code(&mp, a->probe_use[i].name));
		buf_adds(&t, ".");
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	for (size_t i = 0; i < a->nprobe_use; i++) {
		const struct probe_use *u = &a->probe_use[i];

		if (u->verdict == FIGV_USED || u->verdict == FIGV_NOISY)
			continue;
		buf_reset(&t);
		buf_addf(&t, "%s: %s.", md_esc_code(&mp, u->name), md_esc(&mp, u->why));
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	buf_release(&t);
	md_pool_release(&mp);
}

/* A figure of replay's tables: a number, or an em dash when not measured. */
static void replay_num(struct buf *b, double x)
{
	if (isfinite(x))
		md_num(b, x);
	else
		buf_adds(b, "\u2014");
}

/* The version in a runtime's banner: "go version go1.22.2 linux/amd64" -> 1.22.2. */
static void replay_version(struct buf *b, const char *v)
{
	size_t n;

	while (v && *v && (*v < '0' || *v > '9'))
		v++;
	n = v ? strspn(v, "0123456789.") : 0;
	while (n > 0 && v[n - 1] == '.')
		n--;
	if (n == 0)
		buf_adds(b, "\u2014");
	else
		buf_addf(b, "%.*s", (int)(n > 20 ? 20 : n), v);
}

/*
 * Replay (docs/probes.md, "Replay"): what each candidate measured serving
 * the profile's request, in two tables (the load, then the runtime and
 * memory), the reasons of those skipped, and the chart of the rates.
 */
static void section_replay(struct buf *b, const struct advice *a, struct report_doc *doc)
{
	const struct replay_set *rs = a->ps->replay;
	const struct replay_load *l = &rs->load;
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	buf_adds(b, "\n### Replay\n\n");
	buf_adds(&t, "The profile's request served by each installed runtime and model over "
		 "loopback, under open-loop load (docs/probes.md, \"Replay\"): ");
	buf_addf(&t, "%d keep-alive connections, a p99 budget of ", l->connections);
	md_num(&t, l->p99_budget_ms);
	buf_adds(&t, " ms; one request costs ");
	md_num(&t, l->yardstick_ms);
	buf_adds(&t, " ms of CPU in the C yardstick. Taken in ");
	md_num(&t, rs->elapsed_s);
	buf_adds(&t, " s of a ");
	md_num(&t, rs->budget_s);
	buf_adds(&t, " s budget. ");
	if (a->replay)
		buf_adds(&t, "Capacity uses these figures where they were measured (docs/method.md, "
			 "\"Measured by replay\").");
	else
		buf_addf(&t, "They size nothing: %s.", md_esc(&mp, a->replay_why));
	md_wrap(b, "", "", buf_str(&t));
	buf_adds(b, "\n| candidate | CPU ms | factor | cores | max req/s | p50 ms | p99 ms |\n"
		    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
	for (size_t i = 0; i < rs->ncands; i++) {
		const struct replay_candidate *c = &rs->cands[i];

		buf_adds(b, "| ");
		buf_reset(&t);
		buf_addf(&t, "%s/%s", c->runtime, c->model);
		md_code(b, buf_str(&t));
		buf_adds(b, " | ");
		replay_num(b, c->cpu_ms_per_request);
		buf_adds(b, " | ");
		replay_num(b, c->cpu_factor);
		buf_adds(b, " | ");
		replay_num(b, c->usable_cores);
		buf_adds(b, " | ");
		replay_num(b, c->max_rps);
		buf_adds(b, " | ");
		replay_num(b, c->p50_ms);
		buf_adds(b, " | ");
		replay_num(b, c->p99_ms);
		buf_adds(b, " |\n");
	}
	buf_adds(b, "\n| candidate | status | version | RSS MB | KiB/conn |\n"
		    "| --- | --- | --- | ---: | ---: |\n");
	for (size_t i = 0; i < rs->ncands; i++) {
		const struct replay_candidate *c = &rs->cands[i];

		buf_reset(&t);
		buf_addf(&t, "%s/%s", c->runtime, c->model);
		buf_adds(b, "| ");
		md_code(b, buf_str(&t));
		buf_addf(b, " | %s | ", c->measured ? "measured" : "skipped");
		replay_version(b, c->runtime_version);
		buf_adds(b, " | ");
		replay_num(b, c->rss_base_mb);
		buf_adds(b, " | ");
		replay_num(b, c->kib_per_connection);
		buf_adds(b, " |\n");
	}
	buf_addc(b, '\n');
	md_wrap(b, "", "", "CPU ms is the CPU time of the server's whole process tree per request; "
		"factor, that over the yardstick's; cores, the maximum rate on every allowed CPU "
		"over the rate on one; max req/s, the highest rate whose p99 met the budget; p50 "
		"and p99 at 80 % of it; RSS MB at rest; KiB/conn for each idle keep-alive "
		"connection held. \u2014: not measured.");
	for (size_t i = 0, n = 0; i < rs->ncands; i++) {
		const struct replay_candidate *c = &rs->cands[i];
		const char *id;

		if (c->reason == NULL || *c->reason == '\0')
			continue;
		if (n++ == 0)
			buf_addc(b, '\n');
		buf_reset(&t);
		buf_addf(&t, "%s/%s", c->runtime, c->model);
		id = md_esc_code(&mp, buf_str(&t));
		buf_reset(&t);
		buf_addf(&t, "%s: %s%s.", id, c->measured ? "" : "skipped: ", md_esc(&mp, c->reason));
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	doc_charts(doc, b, a, true);
	buf_release(&t);
	md_pool_release(&mp);
}

static void section_measured(struct buf *b, const struct advice *a, struct report_doc *doc)
{
	const struct probe_set *ps = a->ps;
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;
	size_t noisy = 0;

	buf_adds(b, "\n## Measured on this machine\n\n");
	if (ps == NULL) {
		md_wrap(b, "", "", "No probes ran (--no-probes): the capacity estimates use the "
			"default figures of the knowledge base's model files (knowledge/model-*.md), "
			"measured on a 2-vCPU virtual machine. Run without --no-probes, or with "
			"--probes-from, to ground the advice in this machine.");
		buf_release(&t);
		return;
	}
	for (size_t i = 0; i < ps->nresults; i++)
		noisy += ps->results[i].noisy;
	buf_addf(&t, "Figures %s: %s, %d cores, %ld MB, kernel %s, taken %s in ",
		 a->probes == PROBES_CACHE ? "from the probe cache" : "measured now",
		 md_esc(&mp, ps->fp.cpu_model), ps->fp.cores, ps->fp.memory_mb,
		 md_esc(&mp, ps->fp.kernel), md_esc(&mp, ps->fp.taken_at));
	md_num(&t, ps->elapsed_s);
	buf_adds(&t, " s of a ");
	md_num(&t, ps->budget_s);
	buf_adds(&t, " s budget. ");
	if (noisy)
		buf_addf(&t, "The machine was busy: %zu of %zu figures were taken while other work "
			 "used the CPU (marked noisy); they do not decide.", noisy, ps->nresults);
	else
		buf_adds(&t, "The machine was quiet: no figure was taken while other work used the "
			 "CPU.");
	md_wrap(b, "", "", buf_str(&t));
	buf_adds(b, "\n| probe | median | MAD | min | max | n | used |\n"
		    "| --- | ---: | ---: | ---: | ---: | ---: | --- |\n");
	for (size_t i = 0; i < ps->nresults; i++) {
		const struct probe_result *r = &ps->results[i];

		buf_adds(b, "| ");
		md_code(b, r->name);
		buf_addf(b, "%s | ", r->noisy ? " \\*" : "");
		md_num(b, r->st.median);
		buf_addc(b, ' ');
		md_cell(b, r->unit);
		buf_adds(b, " | ");
		md_num(b, r->st.mad);
		buf_adds(b, " | ");
		md_num(b, r->st.min);
		buf_adds(b, " | ");
		md_num(b, r->st.max);
		buf_addf(b, " | %d | %s |\n", r->st.samples, i >= a->nprobe_use ? "" :
			 a->probe_use[i].verdict != FIGV_USED ? "no" :
			 a->probe_use[i].model_input ? "yes" : "\u2014");
	}
	buf_addc(b, '\n');
	if (noisy)
		md_wrap(b, "", "", "\\* taken while other work used the CPU.");
	figures_used(b, a);
	doc_charts(doc, b, a, false);
	if (ps->nskipped) {
		buf_adds(b, "\nNot measured:\n\n");
		for (size_t i = 0; i < ps->nskipped; i++) {
			buf_reset(&t);
			buf_addf(&t, "%s: %s", md_esc_code(&mp, ps->skipped[i].name),
				 md_esc(&mp, ps->skipped[i].reason));
			md_wrap(b, "- ", "  ", buf_str(&t));
		}
	}
	buf_release(&t);
	md_pool_release(&mp);
	if (ps->replay)
		section_replay(b, a, doc);
}

static void quote_section(struct buf *b, const char *file, const struct kb_section *s,
			  const char *label)
{
	struct buf t = BUF_INIT;

	if (s == NULL)
		return;
	buf_addf(&t, "%s (from `%s#%s`):", label, datadir_display(file), s->slug);
	buf_addc(b, '\n');
	md_wrap(b, "", "", buf_str(&t));
	buf_addf(b, "\n%s\n", s->text);
	buf_release(&t);
}

static void section_tradeoffs(struct buf *b, const struct advice *a)
{
	buf_adds(b, "\n## Trade-offs\n");
	for (size_t i = 0; i < a->ncands && i < 3; i++) {
		const struct candidate *c = &a->cands[i];
		const struct kb_runtime *rt = c->rt;
		size_t j;

		/* One entry per runtime: a runtime's two models share its trade-offs. */
		for (j = 0; j < i; j++)
			if (a->cands[j].rt == rt)
				break;
		if (j < i)
			continue;
		buf_adds(b, "\n### ");
		md_text(b, c->label);
		buf_addf(b, " (rank %zu)\n", i + 1);
		quote_section(b, rt->file, kb_section(rt->sections, rt->nsections, "strengths"),
			      "Strengths");
		quote_section(b, rt->file, kb_section(rt->sections, rt->nsections, "weaknesses"),
			      "Weaknesses");
		quote_section(b, c->model->file,
			      kb_section(c->model->sections, c->model->nsections, "how-it-works"),
			      "How the model works");
	}
}

/*
 * " Applies to: ..." for a fired rule: its candidates best-ranked first,
 * a runtime whose every candidate it applies to as `rt/` and a star (in the place
 * of its best-ranked one), "every candidate" when it applies to all.
 */
static void applies_words(struct buf *t, const struct advice *a, const struct fired_rule *f)
{
	size_t n = 0;

	if (f->napplies == a->ncands) {
		buf_adds(t, " Applies to every candidate.");
		return;
	}
	if (f->napplies == 0)
		return;
	buf_adds(t, " Applies to:");
	for (size_t h = 0; h < f->napplies; h++) {
		const struct kb_runtime *rt = a->cands[f->applies[h]].rt;
		size_t of_rt = 0, listed = 0;
		bool seen = false;

		for (size_t k = 0; k < h; k++)
			seen |= a->cands[f->applies[k]].rt == rt;
		for (size_t c = 0; c < a->ncands; c++)
			of_rt += a->cands[c].rt == rt;
		for (size_t k = 0; k < f->napplies; k++)
			listed += a->cands[f->applies[k]].rt == rt;
		if (listed == of_rt && of_rt > 1) {
			if (!seen)
				buf_addf(t, "%s `%s/*`", n++ ? "," : "", rt->id);
			continue;
		}
		buf_addf(t, "%s `%s/%s`", n++ ? "," : "", rt->id, a->cands[f->applies[h]].model->id);
	}
	buf_adds(t, ".");
}

static void section_why(struct buf *b, const struct advice *a)
{
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	buf_adds(b, "\n## Why\n\n");
	buf_addf(&t, "%zu of %zu rules fired. Each line gives the rule's id, where it is "
		 "written, and its rationale with this profile's values; `advisor rules show ID` "
		 "prints the rule.", a->nfired, a->rs->n);
	md_wrap(b, "", "", buf_str(&t));
	buf_addc(b, '\n');
	for (size_t i = 0; i < a->nfired; i++) {
		const struct fired_rule *f = &a->fired[i];

		buf_reset(&t);
		buf_addf(&t, "%s (%s:%d): %s", md_esc_code(&mp, f->rule->id),
			 md_esc(&mp, datadir_display(f->rule->file)), f->rule->line,
			 md_esc(&mp, f->rationale));
		applies_words(&t, a, f);
		buf_addf(&t, " Source: %s.", md_esc(&mp, f->rule->source));
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	if (a->naccepted) {
		buf_adds(b, "\nSet aside by the profile (`accept`):\n\n");
		for (size_t i = 0; i < a->naccepted; i++) {
			buf_reset(&t);
			buf_addf(&t, "%s: %s (%s)", md_esc_code(&mp, a->accepted[i].id),
				 md_esc(&mp, a->accepted[i].because),
				 a->accepted[i].would_fire ? "it would have fired" : "it would not have fired anyway");
			md_wrap(b, "- ", "  ", buf_str(&t));
		}
	}
	buf_release(&t);
	md_pool_release(&mp);
}

static void section_sensitivity(struct buf *b, const struct advice *a)
{
	struct buf t = BUF_INIT;
	bool third = false;

	buf_adds(b, "\n## What would change the answer\n\n");
	if (a->nflips == 0) {
		md_wrap(b, "", "", "No single change tried flips the winner: priorities and skills "
			"over their whole range, concurrency, CPU per request and request rate from "
			"a hundredth to a hundred times their values. The recommendation is robust "
			"to each of these inputs on its own.");
		buf_release(&t);
		return;
	}
	md_wrap(b, "", "", "The smallest change of each input that makes another candidate that "
		"may be recommended win, smallest first: profile inputs (the five smallest), "
		"probe figures at their measured min or max, and each runtime's CPU factor at "
		"the ends of its range for this work:");
	buf_addc(b, '\n');
	for (size_t i = 0; i < a->nflips; i++) {
		const struct flip *f = &a->flips[i];

		buf_reset(&t);
		if (f->kind == FLIP_PROBE) {
			buf_addf(&t, "`%s` at its measured %s, ", f->input,
				 f->to < f->from ? "min" : "max");
			md_num(&t, f->to);
			buf_adds(&t, " (median ");
			md_num(&t, f->from);
			buf_adds(&t, ")");
		} else if (f->kind == FLIP_CPU_FACTOR) {
			buf_addf(&t, "`%s` at the %s end of its range, ", f->input,
				 f->to < f->from ? "low" : "high");
			md_num(&t, f->to);
			buf_adds(&t, " (against ");
			md_num(&t, f->from);
			buf_adds(&t, ")");
		} else {
			buf_addf(&t, "`%s` from ", f->input);
			md_num(&t, f->from);
			buf_adds(&t, " to ");
			md_num(&t, f->to);
		}
		buf_adds(&t, ": **");
		md_text(&t, f->winner);
		if (f->lacks >= 0)
			buf_addf(&t, "** (`%s/%s`) would rank first as one service; it lacks the %s "
				 "libraries, so the work would run in two tiers.", f->winner_runtime,
				 f->winner_model, a->kb->vocab.needs[f->lacks].id);
		else
			buf_addf(&t, "** (`%s/%s`) would win.", f->winner_runtime, f->winner_model);
		md_wrap(b, "- ", "  ", buf_str(&t));
		/* The runtime whose factor moved is neither the winner's nor the new one's. */
		third |= f->kind == FLIP_CPU_FACTOR &&
			 strcmp(f->input + strlen("cpu_factor."), f->winner_runtime) != 0 &&
			 strcmp(f->input + strlen("cpu_factor."), a->cands[0].rt->id) != 0;
	}
	if (third) {
		buf_addc(b, '\n');
		md_wrap(b, "", "", "A CPU factor of a runtime that does not win can still change the "
			"answer: performance is scored against the leanest candidate's cores, so a "
			"cheaper (or dearer) leanest option moves every other candidate's score.");
	}
	buf_release(&t);
}

static void section_risks(struct buf *b, const struct advice *a)
{
	static const char *const label[RISK__COUNT] = {
		[RISK_CAPACITY] = "capacity",
		[RISK_BLOCKING] = "head-of-line blocking",
		[RISK_CLOSE_CALL] = "a close call",
		[RISK_ASSUMED] = "the advice rests on assumed inputs (see Profile)",
		[RISK_FIGURES] = "probe figures or CPU factors weaken the answer",
		[RISK_SPLIT] = "two tiers",
	};
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	buf_adds(b, "\n## Risks and mitigations\n\n");
	for (size_t i = 0; i < a->nrisks; i++) {
		const struct advice_risk *r = &a->risks[i];

		buf_reset(&t);
		if (r->kind == RISK_RULE)
			buf_addf(&t, "Risk: %s Mitigation: %s (%s)", md_esc(&mp, r->text),
				 md_esc(&mp, r->mitigation),
				 md_esc_code(&mp, a->fired[r->fired].rule->id));
		else
			buf_addf(&t, "Risk: %s.%s%s Mitigation: %s", label[r->kind], *r->text ? " " : "",
				 md_esc(&mp, r->text), md_esc(&mp, r->mitigation));
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	if (a->nrisks == 0)
		md_wrap(b, "", "", "No rule that fired raised a risk for the recommended candidate.");
	buf_release(&t);
	md_pool_release(&mp);
}

static void section_method(struct buf *b, const struct advice *a, const struct report_meta *m)
{
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	buf_adds(b, "\n## Method and reproducibility\n\nThis note was produced by:\n");
	md_command_block(b, m->command_line);
	buf_addc(b, '\n');
	buf_addf(&t, "advisor %s; rule base: %zu rules from %s; knowledge base: %zu runtimes and "
		 "%zu models from %s; probe figures: %s.", ADVISOR_VERSION, a->rs->n,
		 md_esc(&mp, m->rules_dirs), a->kb->nruntimes, a->kb->nmodels,
		 md_esc(&mp, m->knowledge_dir), md_esc(&mp, m->probe_source));
	md_wrap(b, "- ", "  ", buf_str(&t));
	if (a->ps) {
		buf_reset(&t);
		buf_addf(&t, "Probe fingerprint: %s, %d cores, %ld MB, kernel %s, advisor %s, taken %s.",
			 md_esc(&mp, a->ps->fp.cpu_model), a->ps->fp.cores, a->ps->fp.memory_mb,
			 md_esc(&mp, a->ps->fp.kernel), md_esc(&mp, a->ps->fp.advisor_version),
			 md_esc(&mp, a->ps->fp.taken_at));
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	md_wrap(b, "- ", "  ", "Scores: a computed base per criterion (capacity for performance, "
		"the knowledge base for velocity, ecosystem and operations, skills for team fit), "
		"plus the effects of the rules that fired, clamped to 0..10 and weighted by the "
		"priorities. Confidence grows with the winner's margin and shrinks with assumed "
		"inputs, default probe figures and a busy machine.");
	md_wrap(b, "- ", "  ", "To reproduce this note exactly, save the probe figures with "
		"`advisor probe --json -o probes.json` and pass `--probes-from probes.json`: the "
		"same profile, cache and version give a byte-identical report.");
	buf_release(&t);
	md_pool_release(&mp);
}

void report_doc_release(struct report_doc *doc)
{
	for (size_t i = 0; i < doc->n; i++)
		free(doc->v[i].text);
	free(doc->v);
	memset(doc, 0, sizeof *doc);
}

static void title(struct buf *b, const struct advice *a)
{
	struct buf t = BUF_INIT;

	md_text(&t, a->p->name);
	if (t.len + 15 <= MD_WIDTH && !strchr(a->p->name, '\n'))
		buf_addf(b, "# Design note: %s\n\n", buf_str(&t));
	else
		buf_adds(b, "# Design note\n\n");
	buf_reset(&t);
	buf_adds(&t, "Runtime and concurrency model for ");
	md_code(&t, a->p->file);
	buf_addf(&t, ", by advisor %s.", ADVISOR_VERSION);
	md_wrap(b, "", "", buf_str(&t));
	buf_release(&t);
}

void report_markdown_doc(const struct advice *a, const struct report_meta *m,
			 struct report_doc *doc)
{
	struct buf b = BUF_INIT;
	struct report_part *p;

	memset(doc, 0, sizeof *doc);
	title(&b, a);
	buf_addc(&b, '\n');
	section_recommendation(&b, a);
	section_profile(&b, a);
	section_ranking(&b, a);
	section_capacity(&b, a, doc);
	section_measured(&b, a, doc);
	section_tradeoffs(&b, a);
	section_why(&b, a);
	section_sensitivity(&b, a);
	section_risks(&b, a);
	section_method(&b, a, m);
	p = XPUSH(doc->v, doc->n, doc->cap);
	*p = (struct report_part){ .text = buf_detach(&b) };
}

char *report_markdown(const struct advice *a, const struct report_meta *m)
{
	struct report_doc doc;
	struct buf b = BUF_INIT;

	report_markdown_doc(a, m, &doc);
	for (size_t i = 0; i < doc.n; i++) {
		if (doc.v[i].chart)
			mermaid_chart(&b, doc.v[i].chart);
		else if (doc.v[i].decision)
			mermaid_decision(&b, doc.v[i].decision);
		else
			buf_adds(&b, doc.v[i].text);
	}
	report_doc_release(&doc);
	return buf_detach(&b);
}
