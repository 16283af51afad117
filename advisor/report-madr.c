/*
 * The decision record: the advice in the MADR 4 layout, for a team's
 * docs/decisions/ folder.  Status is "proposed": advisor proposes, the
 * team decides.  The date comes from the probe cache, never the clock.
 * Text from the profile, the rules and the knowledge base is escaped
 * (md_esc), as in the design note.
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "datadir.h"
#include "md.h"
#include "xalloc.h"

static void pros_cons(struct buf *b, const struct advice *a, const struct candidate *c)
{
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;
	static const char *const names[] = { "performance at the target load", "delivery velocity",
					     "team fit", "ecosystem for the stated needs",
					     "operations" };

	for (int k = 0; k < CRIT__COUNT; k++) {
		double s = c->score[k];

		buf_reset(&t);
		buf_addf(&t, "%s, because of %s (%.1f of 10)", s >= 6 ? "Good" : s >= 4 ? "Neutral" : "Bad",
			 names[k], s);
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	buf_reset(&t);
	if (c->cap.feasible)
		buf_addf(&t, "%s, because it needs %g cores for the target load, as %s (%s)",
			 c->cap.meets_target ? "Good" : "Bad", c->cap.cores_needed,
			 md_esc(&mp, c->cap.shape), md_esc(&mp, c->cap.limit));
	else
		buf_addf(&t, "Bad, because no size meets the target (%s)",
			 md_esc(&mp, c->cap.limit));
	if (!c->cap.eligible && c->cap.feasible)
		buf_addf(&t, "; not eligible: %s", md_esc(&mp, c->cap.gate_reason));
	md_wrap(b, "- ", "  ", buf_str(&t));
	(void)a;
	buf_release(&t);
	md_pool_release(&mp);
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
	};
	struct buf t = BUF_INIT;
	struct md_pool mp = MD_POOL_INIT;

	for (size_t i = 0; i < a->nrisks; i++) {
		const struct advice_risk *r = &a->risks[i];

		buf_reset(&t);
		if (r->kind == RISK_RULE)
			buf_addf(&t, "Bad, because %s Mitigation: %s (%s)", md_esc(&mp, r->text),
				 md_esc(&mp, r->mitigation),
				 md_esc_code(&mp, a->fired[r->fired].rule->id));
		else
			buf_addf(&t, "Bad, because %s%s%s Mitigation: %s", label[r->kind],
				 *r->text ? " " : "", md_esc(&mp, r->text), md_esc(&mp, r->mitigation));
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	for (size_t i = 0; i < a->nreasons; i++) {
		const struct fired_rule *f = &a->fired[a->reasons[i]];

		buf_reset(&t);
		buf_addf(&t, "Good, because %s (%s)", md_esc(&mp, f->rationale),
			 md_esc_code(&mp, f->rule->id));
		md_wrap(b, "- ", "  ", buf_str(&t));
	}
	if (a->nreasons == 0)
		md_wrap(b, "- ", "  ", "Good, because it fits the profile.");
	buf_release(&t);
	md_pool_release(&mp);
}

char *report_madr(const struct advice *a, const struct report_meta *m)
{
	struct buf b = BUF_INIT, t = BUF_INIT;
	const struct candidate *w = &a->cands[0];
	const struct profile *p = a->p;
	size_t shown = a->ncands < 5 ? a->ncands : 5;
	struct md_pool mp = MD_POOL_INIT;

	buf_adds(&b, "---\nstatus: proposed\n");
	if (m->date)
		buf_addf(&b, "date: %.10s\n", m->date);
	buf_adds(&b, "deciders: the project's architects\n---\n\n");
	if (a->ntiers > 1)
		buf_addf(&b, "# Build %s as two tiers: %s front, %s workers\n\n",
			 md_esc(&mp, p->name), md_esc(&mp, a->tiers[0].rt->name),
			 md_esc(&mp, a->tiers[1].rt->name));
	else
		buf_addf(&b, "# Build %s on %s\n\n", md_esc(&mp, p->name), md_esc(&mp, w->label));
	buf_adds(&b, "## Context and Problem Statement\n\n");
	buf_addf(&t, "%s%sWhich runtime and concurrency model should it be built on? The workload "
		 "is %s-bound with %.0f tasks in flight and %.0f requests per second at peak, a p99 "
		 "budget of %.0f ms, %d planned instance%s on %s.", md_esc(&mp, p->description),
		 *p->description ? " " : "", profile_kinds[p->kind], p->peak_concurrency,
		 p->requests_per_second, p->latency_p99_ms, p->instances,
		 p->instances == 1 ? "" : "s", profile_deployments[p->deployment]);
	md_wrap(&b, "", "", buf_str(&t));
	buf_adds(&b, "\n## Decision Drivers\n\n");
	for (int k = 0; k < CRIT__COUNT; k++) {
		buf_reset(&t);
		buf_addf(&t, "%s (priority %.0f of 5)", profile_criteria[k], p->priorities[k]);
		md_wrap(&b, "- ", "  ", buf_str(&t));
	}
	buf_adds(&b, "\n## Considered Options\n\n");
	for (size_t i = 0; i < shown; i++) {
		buf_reset(&t);
		buf_addf(&t, "%s (`%s/%s`)", md_esc(&mp, a->cands[i].label), a->cands[i].rt->id,
			 a->cands[i].model->id);
		md_wrap(&b, "- ", "  ", buf_str(&t));
	}
	buf_adds(&b, "\n## Decision Outcome\n\n");
	buf_reset(&t);
	if (a->ntiers > 1) {
		buf_addf(&t, "Chosen option: two tiers joined by a queue, \"%s\" in front (%s) and "
			 "\"%s\" for the workers (%s). %s As one service, \"%s\" scores "
			 "highest on the weighted criteria (%.2f of 10, confidence %.2f).",
			 md_esc(&mp, a->tiers[0].label), md_esc(&mp, a->tiers[0].cap.shape),
			 md_esc(&mp, a->tiers[1].label), md_esc(&mp, a->tiers[1].cap.shape),
			 md_esc(&mp, a->tiers_why),
			 md_esc(&mp, w->label), w->total, a->confidence);
	} else {
		buf_addf(&t, "Chosen option: \"%s\", because it scores highest on the weighted "
			 "criteria (%.2f of 10, confidence %.2f), scaling across %s.",
			 md_esc(&mp, w->label), w->total, a->confidence, a->scaling);
		if (a->tiers_why)
			buf_addf(&t, " %s", md_esc(&mp, a->tiers_why));
	}
	md_wrap(&b, "", "", buf_str(&t));
	buf_adds(&b, "\n### Consequences\n\n");
	consequences(&b, a);
	buf_adds(&b, "\n## Pros and Cons of the Options\n");
	for (size_t i = 0; i < shown; i++) {
		buf_addf(&b, "\n### %s\n\n", md_esc(&mp, a->cands[i].label));
		pros_cons(&b, a, &a->cands[i]);
	}
	buf_adds(&b, "\n## More Information\n\n");
	buf_reset(&t);
	buf_addf(&t, "Generated by advisor %s with the command below; probe figures: %s. The full "
		 "design note (`--format md`) lists the rules that fired and what would change the "
		 "answer.", ADVISOR_VERSION, md_esc(&mp, m->probe_source));
	md_wrap(&b, "", "", buf_str(&t));
	md_command_block(&b, m->command_line);
	buf_release(&t);
	md_pool_release(&mp);
	return buf_detach(&b);
}
