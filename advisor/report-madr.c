/*
 * The decision record: the advice as a MADR 4.0 architecture decision
 * record (https://adr.github.io/madr/), for a team's docs/decisions/
 * folder.  It follows MADR's full template: front matter (status, date,
 * decision-makers, consulted, informed), then Context and Problem
 * Statement, Decision Drivers, Considered Options, Decision Outcome with
 * Consequences and Confirmation, Pros and Cons of the Options and More
 * Information.
 *
 * Status is "proposed": advisor proposes, the team decides.  The date is
 * the probe figures' date (the cache's taken_at), never the clock, and is
 * left out when there are no probe figures (--no-probes), so the same
 * inputs give the same record byte for byte.  Two keys of advisor's own,
 * advisor-project and advisor-decision, mark the records it wrote (adr.h
 * reads them to number and supersede).  Every front-matter value is a
 * YAML double-quoted scalar with everything that could end or bend it
 * escaped; text in the body is escaped with md_esc, as in the design note.
 * Everything comes from the advice model: nothing is recomputed here.
 */
#include "report.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "datadir.h"
#include "md.h"
#include "xalloc.h"

/* A criterion in words, for drivers and pros and cons. */
static const char *const crit_words[CRIT__COUNT] = {
	[CRIT_PERFORMANCE] = "performance at the target load",
	[CRIT_VELOCITY] = "delivery velocity",
	[CRIT_TEAM_FIT] = "team fit",
	[CRIT_ECOSYSTEM] = "ecosystem for the stated needs",
	[CRIT_OPERATIONS] = "operations",
};

/* Who takes part when the profile does not say (decision.*). */
#define MADR_DEFAULT_MAKERS "the project's architects"
#define MADR_DEFAULT_CONSULTED "the project's developers"
#define MADR_DEFAULT_INFORMED "the project's stakeholders"

/*
 * s as the inside of a YAML double-quoted scalar: '"' and '\' escaped,
 * and every character YAML would not keep as it is (C0 and C1 controls,
 * DEL, the line and paragraph separators, a byte-order mark) written as
 * an escape, so no value can end the scalar, the line or the front matter.
 */
static void yaml_escape(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		if (*p == '"' || *p == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)*p++);
		} else if (*p < 0x20 || *p == 0x7f) {
			buf_addf(b, "\\x%02X", *p++);
		} else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			buf_addf(b, "\\x%02X", p[1]);
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)) {
			buf_adds(b, p[2] == 0xa8 ? "\\L" : "\\P");
			p += 3;
		} else if (p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf) {
			buf_adds(b, "\\uFEFF");
			p += 3;
		} else {
			buf_addc(b, (char)*p++);
		}
	}
}

/*
 * "key: "value"" in the front matter, folded at MD_WIDTH where it can be:
 * a double-quoted scalar may break at a single space (YAML folds the line
 * break back into that space), never beside another space or after a
 * backslash.  A value with no such space stays on one long line.
 */
static bool fm_can_break(const char *line, const char *c)
{
	return c > line && *c == ' ' && c[-1] != ' ' && c[-1] != '\\' && c[1] != ' ' && c[1] != '\0';
}

static void fm_key(struct buf *b, const char *key, const char *value)
{
	struct buf q = BUF_INIT;
	const char *line;
	size_t col = strlen(key) + 2;

	buf_addc(&q, '"');
	yaml_escape(&q, value);
	buf_addc(&q, '"');
	buf_addf(b, "%s: ", key);
	for (line = buf_str(&q); col + strlen(line) > MD_WIDTH;) {
		const char *brk = NULL;

		/* The last break that keeps the line within MD_WIDTH, else the first. */
		for (const char *c = line; *c; c++) {
			if (!fm_can_break(line, c))
				continue;
			if (brk && col + (size_t)(c - line) > MD_WIDTH)
				break;
			brk = c;
		}
		if (brk == NULL)
			break;
		buf_add(b, line, (size_t)(brk - line));
		buf_adds(b, "\n  ");
		col = 2;
		line = brk + 1;
	}
	buf_adds(b, line);
	buf_addc(b, '\n');
	buf_release(&q);
}

/* A decision.* list as one value, "a, b, c", or the default. */
static void fm_people(struct buf *b, const char *key, const struct strlist *l, const char *def)
{
	struct buf v = BUF_INIT;

	for (size_t i = 0; i < l->n; i++)
		buf_addf(&v, "%s%s", i ? ", " : "", l->v[i]);
	fm_key(b, key, l->n ? buf_str(&v) : def);
	buf_release(&v);
}

/* True when s starts with a date, YYYY-MM-DD. */
static bool is_date(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (!(i == 4 || i == 7 ? s[i] == '-' : isdigit((unsigned char)s[i])))
			return false;
	return true;
}

/*
 * The title names the project while its heading fits MD_WIDTH (escaped,
 * after "# "); a longer name gives "Build the project on ...", as the
 * design note drops a long name from its heading.
 */
char *report_madr_title(const struct advice *a)
{
	char *on = a->ntiers > 1 ? xasprintf("two tiers: %s front, %s workers",
					     a->tiers[0].rt->name, a->tiers[1].rt->name)
				 : xstrdup(a->cands[0].label);
	char *title = xasprintf("Build %s on %s", a->p->name, on);
	struct buf t = BUF_INIT;

	md_text(&t, title);
	if (t.len + 2 > MD_WIDTH || strchr(title, '\n')) {
		free(title);
		title = xasprintf("Build the project on %s", on);
	}
	free(on);
	buf_release(&t);
	return title;
}

/*
 * What the record decides: the winner's runtime/model, or with tiers each
 * tier's ("front=node/event-loop workers=python/process-pool"), so that a
 * change of either supersedes the record.
 */
char *report_madr_decision(const struct advice *a)
{
	struct buf b = BUF_INIT;

	if (a->ntiers <= 1)
		return report_candidate_id(&a->cands[0]);
	for (size_t i = 0; i < a->ntiers; i++)
		buf_addf(&b, "%s%s=%s/%s", i ? " " : "", a->tiers[i].role == TIER_FRONT ? "front"
			 : "workers", a->tiers[i].rt->id, a->tiers[i].model->id);
	return buf_detach(&b);
}

static void front_matter(struct buf *b, const struct advice *a, const struct report_meta *m)
{
	char *decision = report_madr_decision(a);

	buf_adds(b, "---\nstatus: proposed\n");
	if (m->date && is_date(m->date))
		buf_addf(b, "date: %.10s\n", m->date);
	fm_people(b, "decision-makers", &a->p->makers, MADR_DEFAULT_MAKERS);
	fm_people(b, "consulted", &a->p->consulted, MADR_DEFAULT_CONSULTED);
	fm_people(b, "informed", &a->p->informed, MADR_DEFAULT_INFORMED);
	fm_key(b, "advisor-project", a->p->name);
	fm_key(b, "advisor-decision", decision);
	buf_adds(b, "---\n");
	free(decision);
}

/* A sentence from a rule or the model, to follow "because": "At the" -> "at the". */
static const char *because(struct md_pool *mp, const char *s)
{
	char *c = xstrdup(s);
	const char *e;

	if (isupper((unsigned char)c[0]) && islower((unsigned char)c[1]))
		c[0] = (char)tolower((unsigned char)c[0]);
	e = md_esc(mp, c);
	free(c);
	return e;
}

static void context(struct buf *b, const struct advice *a, struct md_pool *mp)
{
	const struct profile *p = a->p;
	struct buf t = BUF_INIT;
	const char *kind = strcmp(profile_kinds[p->kind], "io") == 0 ? "I/O-bound"
			   : strcmp(profile_kinds[p->kind], "cpu") == 0 ? "CPU-bound"
			   : "mixed (I/O and CPU)";

	buf_adds(b, "## Context and Problem Statement\n\n");
	buf_addf(&t, "%s%sWhich runtime and concurrency model should it be built on? The workload "
		 "is %s, with ", md_esc(mp, p->description), *p->description ? " " : "", kind);
	md_num(&t, p->peak_concurrency);
	buf_adds(&t, " tasks in flight and ");
	md_num(&t, p->requests_per_second);
	buf_adds(&t, " requests per second at peak, a p99 budget of ");
	md_num(&t, p->latency_p99_ms);
	buf_addf(&t, " ms and %d planned instance%s on %s.", p->instances,
		 p->instances == 1 ? "" : "s", profile_deployments[p->deployment]);
	md_wrap(b, "", "", buf_str(&t));
	buf_release(&t);
}

/* The targets first, then the criteria by priority (ties in the profile's order). */
static void drivers(struct buf *b, const struct advice *a)
{
	const struct profile *p = a->p;
	struct buf t = BUF_INIT;
	int order[CRIT__COUNT];

	buf_adds(b, "\n## Decision Drivers\n\n");
	buf_adds(&t, "a p99 latency of at most ");
	md_num(&t, p->latency_p99_ms);
	buf_adds(&t, " ms at ");
	md_num(&t, p->requests_per_second);
	buf_adds(&t, " requests per second with ");
	md_num(&t, p->peak_concurrency);
	buf_adds(&t, " tasks in flight");
	md_wrap(b, "* ", "  ", buf_str(&t));
	buf_reset(&t);
	buf_addf(&t, "the plan: %d instance%s of ", p->instances, p->instances == 1 ? "" : "s");
	md_num(&t, a->dv.instance_cores);
	buf_addf(&t, " cores on %s, scaling across %s", profile_deployments[p->deployment],
		 a->scaling);
	md_wrap(b, "* ", "  ", buf_str(&t));
	if (p->memory_mb_per_instance > 0) {
		buf_reset(&t);
		buf_adds(&t, "at most ");
		md_num(&t, p->memory_mb_per_instance);
		buf_adds(&t, " MB of memory per instance");
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	if (p->cold_start_ms > 0) {
		buf_reset(&t);
		buf_adds(&t, "a cold start within ");
		md_num(&t, p->cold_start_ms);
		buf_adds(&t, " ms");
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	if (a->nexcluded) {
		buf_reset(&t);
		buf_adds(&t, "runtimes ruled out:");
		for (size_t i = 0; i < a->nexcluded; i++)
			buf_addf(&t, "%s `%s`", i ? "," : "", a->excluded[i]);
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	for (int k = 0; k < CRIT__COUNT; k++) {
		int j = k;

		while (j > 0 && p->priorities[order[j - 1]] < p->priorities[k]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = k;
	}
	for (int i = 0; i < CRIT__COUNT; i++) {
		buf_reset(&t);
		buf_addf(&t, "%s (priority %.0f of 5)", crit_words[order[i]],
			 p->priorities[order[i]]);
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	buf_release(&t);
}

/* With two tiers: each with its design, shape and cores, and why the split. */
static void outcome_tiers(struct buf *t, const struct advice *a, struct md_pool *mp)
{
	buf_adds(t, "Chosen option: two tiers joined by a queue, ");
	for (size_t i = 0; i < a->ntiers; i++) {
		const struct tier *k = &a->tiers[i];

		buf_addf(t, "%s\"%s\" %s (%s, ", i ? " and " : "", md_esc(mp, k->label),
			 k->role == TIER_FRONT ? "in front" : "for the workers",
			 md_esc(mp, k->cap.shape));
		md_num(t, k->cap.cores_needed);
		buf_addf(t, " core%s)", k->cap.cores_needed == 1 ? "" : "s");
	}
	buf_addf(t, ". %s ", md_esc(mp, a->tiers_why));
}

/*
 * The Decision Outcome's sentence: the chosen option and why, from the
 * ranking, the winner's capacity and the confidence (the one place the
 * outcome is worded).
 */
static void outcome_sentence(struct buf *t, const struct advice *a, struct md_pool *mp)
{
	const struct candidate *w = &a->cands[0];

	if (a->ntiers > 1) {
		outcome_tiers(t, a, mp);
		buf_addf(t, "As one service, \"%s\" ranks first of %zu on the weighted criteria "
			 "with ", md_esc(mp, w->label), a->ncands);
		if (a->winner_lacks >= 0) {
			md_num(t, w->total);
			buf_addf(t, " of 10, though it lacks the %s libraries the work needs. ",
				 a->kb->vocab.needs[a->winner_lacks].id);
			buf_addf(t, "Confidence is %s (", a->confidence >= 0.8 ? "high"
				 : a->confidence >= 0.6 ? "moderate" : "low");
			md_num(t, a->confidence);
			buf_adds(t, ").");
			return;
		}
		md_num(t, w->total);
		buf_addf(t, " of 10. Confidence is %s (",
			 a->confidence >= 0.8 ? "high" : a->confidence >= 0.6 ? "moderate" : "low");
		md_num(t, a->confidence);
		buf_adds(t, ").");
		return;
	}

	buf_addf(t, "Chosen option: \"%s\", because it ranks first of %zu on the weighted "
		 "criteria with ", md_esc(mp, w->label), a->ncands);
	md_num(t, w->total);
	buf_adds(t, " of 10");
	if (a->ncands > 1 && w->total - a->cands[1].total < 0.005) {
		buf_addf(t, ", tied with %s and first on the evidence past the top of a "
			 "criterion's scale", md_esc(mp, a->cands[1].label));
	} else if (a->ncands > 1) {
		buf_adds(t, ", ");
		md_num(t, w->total - a->cands[1].total);
		buf_addf(t, " ahead of %s", md_esc(mp, a->cands[1].label));
	}
	if (w->cap.feasible) {
		buf_adds(t, ", and meets the target load with ");
		md_num(t, w->cap.cores_needed);
		buf_addf(t, " core%s (%s", w->cap.cores_needed == 1 ? "" : "s",
			 md_esc(mp, w->cap.shape));
		if (!w->cap.meets_target) {
			buf_adds(t, "; more than the ");
			md_num(t, a->dv.planned_cores);
			buf_adds(t, " planned");
		}
		buf_adds(t, ") at an estimated p99 of ");
		md_num(t, w->cap.latency_ms);
		buf_adds(t, " ms. ");
	} else {
		buf_addf(t, ". No option meets the target load at any size; this one comes closest, "
			 "but %s. ", md_esc(mp, w->cap.limit));
	}
	if (w->cap.feasible && !w->cap.eligible)
		buf_addf(t, "No option passes the capacity gate: %s. ", md_esc(mp, w->cap.gate_reason));
	buf_addf(t, "It scales across %s. Confidence is %s (", a->scaling,
		 a->confidence >= 0.8 ? "high" : a->confidence >= 0.6 ? "moderate" : "low");
	md_num(t, a->confidence);
	buf_adds(t, ").");
	if (a->tiers_why)
		buf_addf(t, " %s", md_esc(mp, a->tiers_why));
}

/*
 * The winner's risks as "Bad", its main reasons as "Good": the model's
 * lists, so the record cites no rule that does not touch the winner.
 */
static void consequences(struct buf *b, const struct advice *a)
{
	static const char *const label[RISK__COUNT] = {
		[RISK_CAPACITY] = "the plan is short of capacity.",
		[RISK_BLOCKING] = "a slow request blocks the others.",
		[RISK_CLOSE_CALL] = "it is a close call.",
		[RISK_ASSUMED] = "the advice rests on assumed inputs (see the design note's "
				 "Profile).",
		[RISK_FIGURES] = "probe figures or CPU factors weaken the answer.",
		[RISK_SPLIT] = "the design has two tiers joined by a queue.",
	};
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	buf_adds(b, "\n### Consequences\n\n");
	for (size_t i = 0; i < a->nrisks; i++) {
		const struct advice_risk *r = &a->risks[i];

		buf_reset(&t);
		if (r->kind == RISK_RULE)
			buf_addf(&t, "Bad, because %s Mitigation: %s (%s)", because(&mp, r->text),
				 md_esc(&mp, r->mitigation),
				 md_esc_code(&mp, a->fired[r->fired].rule->id));
		else
			buf_addf(&t, "Bad, because %s%s%s Mitigation: %s", label[r->kind],
				 *r->text ? " " : "", md_esc(&mp, r->text), md_esc(&mp, r->mitigation));
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	for (size_t i = 0; i < a->nreasons; i++) {
		const struct fired_rule *f = &a->fired[a->reasons[i]];

		buf_reset(&t);
		buf_addf(&t, "Good, because %s (%s)", because(&mp, f->rationale),
			 md_esc_code(&mp, f->rule->id));
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	if (a->nreasons == 0)
		md_wrap(b, "* ", "  ", "Good, because it fits the profile.");
	buf_release(&t);
	md_pool_release(&mp);
}

/* A probe figure the winner's sizing rests on, as a list item. */
static void probe_figure(struct buf *b, const char *what, double v, const char *unit,
			 const char *probe, bool measured)
{
	struct buf t = BUF_INIT;

	buf_addf(&t, "%s: ", what);
	md_num(&t, v);
	buf_addf(&t, "%s, ", unit);
	if (probe && measured)
		buf_addf(&t, "measured by the `%s` probe", probe);
	else if (probe)
		buf_addf(&t, "the knowledge base's default for the `%s` probe", probe);
	else
		buf_adds(&t, "the knowledge base's default");
	md_wrap(b, "* ", "  ", buf_str(&t));
	buf_release(&t);
}

/*
 * How the team checks the decision: re-measure and diff, and the
 * winner's figures to hold production against.
 */
static void confirmation(struct buf *b, const struct advice *a, struct md_pool *mp)
{
	const struct candidate *w = &a->cands[0];
	const struct capacity *k = &w->cap;
	const struct profile *p = a->p;
	struct buf t = BUF_INIT;

	buf_adds(b, "\n### Confirmation\n\n");
	buf_addf(&t, "Re-measure before accepting, and again once the service runs. Run `advisor "
		 "probe -o probes.json` on the machines it will run on (with `--replay PROFILE`, "
		 "which also serves this workload in each installed runtime and measures its CPU "
		 "factor, cores and rate), run the command under More "
		 "Information again with `--probes-from probes.json --format json`, and compare the "
		 "result with this run's JSON report (the same command with `--format json`) using "
		 "`advisor diff OLD.json NEW.json`: it exits with status 4 when the recommendation "
		 "changes. Then hold production to the estimates for %s at peak:",
		 md_esc(mp, w->label));
	md_wrap(b, "", "", buf_str(&t));
	buf_addc(b, '\n');
	buf_reset(&t);
	if (k->feasible) {
		buf_adds(&t, "cores: ");
		md_num(&t, k->cores_needed);
		buf_addf(&t, ", as %s, at %.0f%% CPU", md_esc(mp, k->shape), k->utilisation * 100);
		if (k->cores_needed_low > 0 && k->cores_needed_high > k->cores_needed_low) {
			buf_adds(&t, " (");
			md_num(&t, k->cores_needed_low);
			buf_adds(&t, " to ");
			md_num(&t, k->cores_needed_high);
			buf_adds(&t, " across its CPU factor's range)");
		}
		buf_adds(&t, "; the plan has ");
		md_num(&t, a->dv.planned_cores);
		buf_adds(&t, " cores");
		md_wrap(b, "* ", "  ", buf_str(&t));
		buf_reset(&t);
		buf_adds(&t, "p99 latency: an estimated ");
		md_num(&t, k->latency_ms);
		buf_adds(&t, " ms, of which ");
		md_num(&t, k->queue_ms);
		buf_adds(&t, " ms queueing, against a budget of ");
		md_num(&t, p->latency_p99_ms);
		buf_adds(&t, " ms");
	} else {
		buf_addf(&t, "capacity: no size meets the target: %s", md_esc(mp, k->limit));
	}
	md_wrap(b, "* ", "  ", buf_str(&t));
	buf_reset(&t);
	buf_adds(&t, "CPU per request: ");
	md_num(&t, k->service_ms);
	buf_adds(&t, " ms in this runtime, a CPU factor of ");
	md_num(&t, k->cpu_factor);
	if (k->cpu_factor_high > k->cpu_factor_low) {
		buf_adds(&t, " (");
		md_num(&t, k->cpu_factor_low);
		buf_adds(&t, " to ");
		md_num(&t, k->cpu_factor_high);
		buf_adds(&t, ")");
	}
	buf_adds(&t, " on the profile's ");
	md_num(&t, p->cpu_ms_per_request);
	buf_addf(&t, " ms (%s)", md_esc(mp, k->cpu_why));
	md_wrap(b, "* ", "  ", buf_str(&t));
	if (k->feasible) {
		buf_reset(&t);
		buf_adds(&t, "memory: ");
		md_num(&t, k->memory_mb);
		buf_adds(&t, " MB per instance");
		if (p->memory_mb_per_instance > 0) {
			buf_adds(&t, " of the ");
			md_num(&t, p->memory_mb_per_instance);
			buf_adds(&t, " MB limit");
		}
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	if (w->model->speedup_probe)
		probe_figure(b, "speed-up on all cores", k->speedup, "x", w->model->speedup_probe,
			     k->measured);
	probe_figure(b, "dispatch cost per hand-off", k->overhead_us, " us",
		     w->model->overhead_probe, k->measured);
	buf_release(&t);
}

/* One option's pros and cons: its criteria, its capacity and the gate. */
static void pros_cons(struct buf *b, const struct advice *a, size_t rank)
{
	const struct candidate *c = &a->cands[rank];
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	buf_addf(b, "\n### %s\n\n", md_esc(&mp, c->label));
	buf_addf(&t, "`%s/%s`, ranked %zu of %zu with a weighted total of ", c->rt->id, c->model->id,
		 rank + 1, a->ncands);
	md_num(&t, c->total);
	buf_adds(&t, " of 10.");
	md_wrap(b, "", "", buf_str(&t));
	buf_addc(b, '\n');
	for (int k = 0; k < CRIT__COUNT; k++) {
		double s = c->score[k];

		buf_reset(&t);
		buf_addf(&t, "%s, because %s scores %.1f of 10", s >= 6 ? "Good" : s >= 4 ? "Neutral"
			 : "Bad", crit_words[k], s);
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	buf_reset(&t);
	if (c->cap.feasible) {
		buf_addf(&t, "%s, because it needs ", c->cap.meets_target ? "Good" : "Bad");
		md_num(&t, c->cap.cores_needed);
		buf_addf(&t, " core%s at peak, as %s, %s the ", c->cap.cores_needed == 1 ? "" : "s",
			 md_esc(&mp, c->cap.shape), c->cap.meets_target ? "within" : "more than");
		md_num(&t, a->dv.planned_cores);
		buf_adds(&t, " planned, with an estimated p99 of ");
		md_num(&t, c->cap.latency_ms);
		buf_addf(&t, " ms (%s)", md_esc(&mp, c->cap.limit));
	} else {
		buf_addf(&t, "Bad, because no size meets the target: %s", md_esc(&mp, c->cap.limit));
	}
	md_wrap(b, "* ", "  ", buf_str(&t));
	if (c->cap.feasible && !c->cap.eligible) {
		buf_reset(&t);
		buf_addf(&t, "Bad, because it is not eligible: %s", md_esc(&mp, c->cap.gate_reason));
		md_wrap(b, "* ", "  ", buf_str(&t));
	}
	buf_release(&t);
	md_pool_release(&mp);
}

/* A file name as a link destination: anything but [A-Za-z0-9._~-] percent-encoded. */
static void link_dest(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (isalnum(*p) || strchr("._~-", *p))
			buf_addc(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
}

static void more_information(struct buf *b, const struct advice *a, const struct report_meta *m,
			     struct md_pool *mp)
{
	struct buf t = BUF_INIT;

	buf_adds(b, "\n## More Information\n\n");
	buf_addf(&t, "advisor %s proposed this record from the profile and the probe figures (%s) "
		 "with the command below. The team decides: set the status to accepted or rejected, "
		 "and the date, when it does. The design note (`--format md`) has the full ranking, "
		 "the rules that fired and what would change the answer.", ADVISOR_VERSION,
		 md_esc(mp, m->probe_source));
	md_wrap(b, "", "", buf_str(&t));
	if (m->supersedes) {
		char *decision = report_madr_decision(a);

		buf_reset(&t);
		buf_addf(&t, "This record supersedes [ADR-%.4s](", m->supersedes);
		link_dest(&t, m->supersedes);
		buf_addf(&t, "), which chose %s; this one chooses %s. When this record is accepted, "
			 "set that record's status to \"superseded by ADR-%04d\".",
			 md_esc_code(mp, m->supersedes_decision ? m->supersedes_decision : "?"),
			 md_esc_code(mp, decision), m->record_number);
		buf_addc(b, '\n');
		md_wrap(b, "", "", buf_str(&t));
		free(decision);
	}
	md_command_block(b, m->command_line);
	buf_release(&t);
}

char *report_madr(const struct advice *a, const struct report_meta *m)
{
	struct buf b = BUF_INIT, t = BUF_INIT;
	size_t shown = a->ncands < 5 ? a->ncands : 5;
	struct md_pool mp = MD_POOL_INIT;
	char *title = report_madr_title(a);

	front_matter(&b, a, m);
	buf_addf(&b, "\n# %s\n\n", md_esc(&mp, title));
	context(&b, a, &mp);
	drivers(&b, a);
	buf_adds(&b, "\n## Considered Options\n\n");
	for (size_t i = 0; i < shown; i++) {
		buf_reset(&t);
		buf_addf(&t, "%s (`%s/%s`)", md_esc(&mp, a->cands[i].label), a->cands[i].rt->id,
			 a->cands[i].model->id);
		md_wrap(&b, "* ", "  ", buf_str(&t));
	}
	if (a->ncands > shown)
		buf_addf(&b, "\nThe design note ranks all %zu options; the top %zu are weighed here.\n",
			 a->ncands, shown);
	buf_adds(&b, "\n## Decision Outcome\n\n");
	buf_reset(&t);
	outcome_sentence(&t, a, &mp);
	md_wrap(&b, "", "", buf_str(&t));
	consequences(&b, a);
	confirmation(&b, a, &mp);
	buf_adds(&b, "\n## Pros and Cons of the Options\n");
	for (size_t i = 0; i < shown; i++)
		pros_cons(&b, a, i);
	more_information(&b, a, m, &mp);
	free(title);
	buf_release(&t);
	md_pool_release(&mp);
	return buf_detach(&b);
}
