/*
 * The JSON report: the contract keys of DESIGN.md ("JSON keys") in a fixed
 * order, plus keys that only add (assumed, excluded, accepted, team,
 * reasons, risks, on_winner, probe_origin): the report model as it is.
 * Numbers are rounded to what the report can honestly claim, so that a
 * report does not change on noise in the last digits.
 */
#include "report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "xalloc.h"

static json_t *num(double x, int digits)
{
	double f = pow(10, digits);

	if (!isfinite(x))
		return json_null();
	return json_real(round(x * f) / f);
}

static json_t *strlist_json(const struct strlist *l)
{
	json_t *a = json_array();

	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(a, json_string(l->v[i]));
	return a;
}

char *report_candidate_id(const struct candidate *c)
{
	return xasprintf("%s/%s", c->rt->id, c->model->id);
}

/* The JSON value of one field of the profile's field table. */
static json_t *field_json(const struct profile *p, const struct profile_spec *f)
{
	json_t *o;
	double x;

	switch (f->type) {
	case PT_TEXT:
	case PT_WORD:
		return json_string(profile_field_str(p, f));
	case PT_NUMBER:
		x = profile_field_num(p, f);
		return x == 0 && (f->flags & PFL_ZERO_NONE) ? json_null() : num(x, f->json_digits);
	case PT_INT:
		return json_integer((json_int_t)profile_field_num(p, f));
	case PT_WORDS:
		return strlist_json(profile_field_ptr(p, f));
	case PT_SKILLS:
		o = json_object();
		for (size_t i = 0; i < p->languages.n; i++)
			json_object_set_new(o, p->languages.v[i], json_integer((json_int_t)p->skills[i]));
		return o;
	case PT_PRIORITIES:
		o = json_object();
		for (int i = 0; i < CRIT__COUNT; i++)
			json_object_set_new(o, profile_criteria[i], num(p->priorities[i], f->json_digits));
		return o;
	case PT_MIX:
		o = json_array();
		for (size_t i = 0; i < p->mix.n; i++) {
			json_t *c = json_object();

			json_object_set_new(c, "share", num(p->mix.v[i].share, f->json_digits));
			json_object_set_new(c, "cpu_ms", num(p->mix.v[i].cpu_ms, f->json_digits));
			if (p->mix.v[i].name)
				json_object_set_new(c, "name", json_string(p->mix.v[i].name));
			json_array_append_new(o, c);
		}
		return o;
	case PT_FACTORS:
		o = json_object();
		for (size_t i = 0; i < p->calibration.runtimes.n; i++)
			json_object_set_new(o, p->calibration.runtimes.v[i],
					    num(p->calibration.factor[i], f->json_digits));
		return o;
	case PT_TEXTS:
		return strlist_json(profile_field_ptr(p, f));
	}
	return json_null();
}

/* The profile digest: a section object per path prefix, in table order. */
static json_t *profile_json(const struct profile *p)
{
	json_t *o = json_object(), *acc = json_array(), *assumed = json_array();

	json_object_set_new(o, "version", json_integer(1));
	for (size_t i = 0; i < profile_nfields; i++) {
		const struct profile_spec *f = &profile_fields[i];
		const char *dot = strchr(f->path, '.');
		char *sec;
		json_t *so;

		/* New optional fields appear only when given. */
		if (profile_field_hidden(p, f))
			continue;
		if (dot == NULL) {
			json_object_set_new(o, f->path, field_json(p, f));
			continue;
		}
		sec = xstrndup(f->path, (size_t)(dot - f->path));
		so = json_object_get(o, sec);
		if (so == NULL) {
			so = json_object();
			json_object_set_new(o, sec, so);
		}
		json_object_set_new(so, dot + 1, field_json(p, f));
		free(sec);
	}
	for (size_t i = 0; i < p->naccept; i++)
		json_array_append_new(acc, json_pack("{s:s, s:s}", "rule", p->accept[i].rule,
						     "because", p->accept[i].because));
	json_object_set_new(o, "accept", acc);
	for (size_t i = 0; i < profile_nfields; i++)
		if (profile_field_assumed(p, &profile_fields[i]) &&
		    !profile_field_hidden(p, &profile_fields[i]))
			json_array_append_new(assumed, json_string(profile_fields[i].path));
	json_object_set_new(o, "assumed", assumed);
	return o;
}

static json_t *cand_ref(const struct candidate *c)
{
	return json_pack("{s:s, s:s, s:s, s:o}", "runtime", c->rt->id, "model", c->model->id,
			 "label", c->label, "total", num(c->total, 2));
}

/* The capacity figures replay gave (REPLAY_CELL_*), by their JSON names. */
static json_t *replay_cells_json(unsigned cells)
{
	json_t *v = json_array();

	if (cells & REPLAY_CELL_CPU)
		json_array_append_new(v, json_string("cpu_factor"));
	if (cells & REPLAY_CELL_CORES)
		json_array_append_new(v, json_string("usable_cores"));
	if (cells & REPLAY_CELL_MEMORY)
		json_array_append_new(v, json_string("task_memory_kib"));
	return v;
}

static json_t *capacity_json(const struct candidate *c)
{
	const struct capacity *k = &c->cap;
	json_t *o = json_object();

	json_object_set_new(o, "runtime", json_string(c->rt->id));
	json_object_set_new(o, "model", json_string(c->model->id));
	json_object_set_new(o, "cores_per_instance", num(k->cores, 0));
	json_object_set_new(o, "processes_per_instance", num(k->processes, 0));
	json_object_set_new(o, "usable_cores", num(k->usable_cores, 2));
	json_object_set_new(o, "cpu_factor", num(k->cpu_factor, 3));
	json_object_set_new(o, "cpu_factor_range", json_pack("[o, o]", num(k->cpu_factor_low, 3),
							     num(k->cpu_factor_high, 3)));
	json_object_set_new(o, "cpu_factor_source", json_string(k->replay_cells & REPLAY_CELL_CPU ?
								 "replay" : workload_source_name(k->cpu_source)));
	json_object_set_new(o, "service_ms", num(k->service_ms, 3));
	json_object_set_new(o, "rps_per_instance", num(k->rps_per_instance, 1));
	json_object_set_new(o, "utilisation", num(k->utilisation, 3));
	json_object_set_new(o, "queue_p99_ms", num(k->queue_ms, 2));
	json_object_set_new(o, "latency_p99_ms", num(k->latency_ms, 2));
	json_object_set_new(o, "memory_mb", num(k->memory_mb, 1));
	json_object_set_new(o, "task_memory_kib", num(k->task_memory_kib, 2));
	json_object_set_new(o, "instances_needed",
			    k->feasible ? json_integer(k->instances_needed) : json_null());
	json_object_set_new(o, "meets_target", json_boolean(k->meets_target));
	json_object_set_new(o, "limit", json_string(k->limit));
	json_object_set_new(o, "cores_needed", num(k->cores_needed, 2));
	/* At the ends of the CPU factor's range; null where infeasible there. */
	json_object_set_new(o, "cores_needed_range",
			    json_pack("[o, o]", k->cores_needed_low > 0 ? num(k->cores_needed_low, 2)
									: json_null(),
				      k->cores_needed_high > 0 ? num(k->cores_needed_high, 2)
							       : json_null()));
	if (c->cap.cost_month > 0)
		json_object_set_new(o, "cost_month", num(k->cost_month, 2));
	json_object_set_new(o, "gc_collector", json_string(k->gc_collector ? k->gc_collector : ""));
	if (k->hol_ms > 0)
		json_object_set_new(o, "head_of_line_ms", num(k->hol_ms, 2));
	json_object_set_new(o, "feasible", json_boolean(k->feasible));
	json_object_set_new(o, "basis", json_string(k->replay ? "measured" : "estimated"));
	json_object_set_new(o, "measured_cells", replay_cells_json(k->replay_cells));
	json_object_set_new(o, "flagged_cells", replay_cells_json(k->replay_flagged));
	json_object_set_new(o, "shape", json_string(k->shape));
	json_object_set_new(o, "eligible", json_boolean(k->eligible));
	json_object_set_new(o, "gate_reason", json_string(k->gate_reason));
	json_object_set_new(o, "figures", json_string(k->measured ? "measured" : "defaults"));
	return o;
}

/*
 * Each probe figure as checked: used (it may decide), why not, and whether
 * a model reads it; an empty list under --no-probes.
 */
static json_t *probe_checks_json(const struct advice *a)
{
	json_t *v = json_array();

	for (size_t i = 0; i < a->nprobe_use; i++) {
		const struct probe_use *u = &a->probe_use[i];

		json_array_append_new(v, json_pack("{s:s, s:b, s:s, s:s, s:b}", "name", u->name,
						   "used", u->verdict == FIGV_USED, "verdict",
						   figure_verdict_names[u->verdict], "why", u->why,
						   "model_input", u->model_input));
	}
	return v;
}

/* The main reasons for the winner: the fired rules the advice chose. */
static json_t *reasons_json(const struct advice *a)
{
	json_t *v = json_array();

	for (size_t i = 0; i < a->nreasons; i++) {
		const struct fired_rule *f = &a->fired[a->reasons[i]];

		json_array_append_new(v, json_pack("{s:s, s:s}", "rule", f->rule->id,
						   "rationale", f->rationale));
	}
	return v;
}

/* The recommendation's tiers: one service, or the front then the workers. */
static json_t *tiers_json(const struct advice *a)
{
	json_t *v = json_array();

	for (size_t i = 0; i < a->ntiers; i++) {
		const struct tier *t = &a->tiers[i];
		json_t *o = json_object();

		json_object_set_new(o, "role", json_string(tier_role_names[t->role]));
		json_object_set_new(o, "runtime", json_string(t->rt->id));
		json_object_set_new(o, "model", json_string(t->model->id));
		json_object_set_new(o, "label", json_string(t->label));
		json_object_set_new(o, "cores", t->cap.feasible ? num(t->cap.cores_needed, 3)
								: json_null());
		json_object_set_new(o, "instances", t->cap.feasible ?
				    json_integer(t->cap.instances_needed) : json_null());
		json_object_set_new(o, "instance_cores", num(t->cap.cores, 3));
		json_object_set_new(o, "shape", json_string(t->cap.shape));
		json_object_set_new(o, "cpu_ms_per_request", num(t->cpu_ms, 3));
		json_object_set_new(o, "io_ms_per_request", num(t->io_ms, 3));
		json_object_set_new(o, "p99_ms", num(t->cap.latency_ms, 3));
		json_object_set_new(o, "limit", json_string(t->cap.limit));
		json_object_set_new(o, "why", json_string(t->why));
		json_array_append_new(v, o);
	}
	return v;
}

/* The winner's risks, in report order; "rule" is null for the kinds other than "rule". */
static json_t *risks_json(const struct advice *a)
{
	json_t *v = json_array();

	for (size_t i = 0; i < a->nrisks; i++) {
		const struct advice_risk *r = &a->risks[i];
		json_t *o = json_object();

		json_object_set_new(o, "kind", json_string(risk_kind_names[r->kind]));
		json_object_set_new(o, "rule", r->kind == RISK_RULE ?
				    json_string(a->fired[r->fired].rule->id) : json_null());
		json_object_set_new(o, "risk", json_string(r->text));
		json_object_set_new(o, "mitigation", json_string(r->mitigation));
		if (r->kind == RISK_ASSUMED) {
			json_t *in = json_array();

			for (size_t k = 0; k < a->nassumed_inputs; k++)
				json_array_append_new(in, json_string(a->assumed_inputs[k]->path));
			json_object_set_new(o, "inputs", in);
		}
		json_array_append_new(v, o);
	}
	return v;
}

json_t *report_json(const struct advice *a, const struct report_meta *m)
{
	static const char *const origins[] = { "none", "measured", "cache" };
	json_t *root = json_object(), *rec = json_object(), *rank = json_array();
	json_t *cap = json_array(), *fired = json_array(), *sens = json_array();
	json_t *excl = json_array(), *acc = json_array(), *meta = json_object();
	const struct candidate *w = &a->cands[0];

	json_object_set_new(root, "schema_version", json_integer(REPORT_SCHEMA_VERSION));
	json_object_set_new(root, "advisor_version", json_string(ADVISOR_VERSION));
	json_object_set_new(root, "profile", profile_json(a->p));

	json_object_set_new(rec, "runtime", json_string(w->rt->id));
	json_object_set_new(rec, "model", json_string(w->model->id));
	json_object_set_new(rec, "label", json_string(w->label));
	json_object_set_new(rec, "scaling", json_string(a->scaling));
	json_object_set_new(rec, "confidence", num(a->confidence, 2));
	json_object_set_new(rec, "runner_up", a->ncands > 1 ? cand_ref(&a->cands[1]) : json_null());
	json_object_set_new(rec, "tiers", tiers_json(a));
	json_object_set_new(rec, "tiers_why", a->tiers_why ? json_string(a->tiers_why) : json_null());
	if (a->hybrid.present)
		json_object_set_new(rec, "hybrid", json_pack("{s:o, s:o, s:s}",
			"gateway", cand_ref(&a->cands[a->hybrid.gateway]),
			"workers", cand_ref(&a->cands[a->hybrid.worker]), "why", a->hybrid.why));
	else
		json_object_set_new(rec, "hybrid", json_null());
	if (a->team_best >= 0) {
		const struct candidate *t = &a->cands[a->team_best];

		json_object_set_new(rec, "team", json_pack("{s:s, s:i, s:o, s:o}",
			"strongest_language", a->dv.best_language, "skill", (int)a->dv.best_skill,
			"best_in_that_language", cand_ref(t),
			"gain_of_switching", num(w->total - t->total, 2)));
	} else {
		json_object_set_new(rec, "team", json_null());
	}
	json_object_set_new(rec, "reasons", reasons_json(a));
	{
		json_t *notes = json_array();

		for (size_t i = 0; i < a->nconfidence_notes; i++)
			json_array_append_new(notes, json_string(a->confidence_notes[i]));
		json_object_set_new(rec, "confidence_notes", notes);
	}
	json_object_set_new(root, "recommendation", rec);

	for (size_t i = 0; i < a->ncands; i++) {
		const struct candidate *c = &a->cands[i];
		json_t *crit = json_object(), *base = json_object();

		for (int k = 0; k < CRIT__COUNT; k++) {
			json_object_set_new(crit, profile_criteria[k], num(c->score[k], 2));
			json_object_set_new(base, profile_criteria[k], num(c->base[k], 2));
		}
		json_array_append_new(rank, json_pack("{s:s, s:s, s:s, s:o, s:o, s:o}", "runtime",
						      c->rt->id, "model", c->model->id, "label",
						      c->label, "total", num(c->total, 2), "criteria",
						      crit, "base", base));
		json_array_append_new(cap, capacity_json(c));
	}
	json_object_set_new(root, "ranking", rank);
	json_object_set_new(root, "capacity", cap);
	json_object_set_new(root, "probes", a->ps ? probe_set_to_json(a->ps) : json_null());

	for (size_t i = 0; i < a->nfired; i++) {
		const struct fired_rule *f = &a->fired[i];
		json_t *o = json_object(), *cs = json_array(), *effs = json_array();

		json_object_set_new(o, "id", json_string(f->rule->id));
		json_object_set_new(o, "file", json_string(datadir_display(f->rule->file)));
		json_object_set_new(o, "line", json_integer(f->rule->line));
		json_object_set_new(o, "rationale", json_string(f->rationale));
		json_object_set_new(o, "source", json_string(f->rule->source));
		json_object_set_new(o, "on_winner", json_boolean(f->on_winner));
		for (size_t e = 0; e < f->rule->neffects; e++) {
			const struct effect *ef = &f->rule->effects[e];

			json_array_append_new(effs, json_pack("{s:o, s:o, s:s, s:o}",
				"runtime", ef->runtime ? json_string(ef->runtime) : json_null(),
				"model", ef->model ? json_string(ef->model) : json_null(),
				"criterion", profile_criteria[ef->criterion], "delta", num(ef->delta, 2)));
		}
		json_object_set_new(o, "effects", effs);
		for (size_t h = 0; h < f->ncands; h++) {
			char *id = report_candidate_id(&a->cands[f->cands[h]]);

			json_array_append_new(cs, json_string(id));
			free(id);
		}
		json_object_set_new(o, "candidates", cs);
		cs = json_array();
		for (size_t h = 0; h < f->napplies; h++) {
			char *id = report_candidate_id(&a->cands[f->applies[h]]);

			json_array_append_new(cs, json_string(id));
			free(id);
		}
		json_object_set_new(o, "applies_to", cs);
		if (f->risk)
			json_object_set_new(o, "risk", json_pack("{s:s, s:s}", "risk", f->risk,
				"mitigation", f->rule->mitigation ? f->rule->mitigation : ""));
		json_array_append_new(fired, o);
	}
	json_object_set_new(root, "rules_fired", fired);

	for (size_t i = 0; i < a->nflips; i++) {
		const struct flip *f = &a->flips[i];

		json_array_append_new(sens, json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:s, s:o}",
			"input", f->input, "from", num(f->from, 3), "to", num(f->to, 3),
			"winner_runtime", f->winner_runtime, "winner_model", f->winner_model,
			"winner", f->winner, "kind", flip_kind_names[f->kind], "winner_lacks",
			f->lacks >= 0 ? json_string(a->kb->vocab.needs[f->lacks].id) : json_null()));
	}
	json_object_set_new(root, "sensitivity", sens);
	json_object_set_new(root, "probe_checks", probe_checks_json(a));
	json_object_set_new(root, "risks", risks_json(a));

	for (size_t i = 0; i < a->nexcluded; i++)
		json_array_append_new(excl, json_string(a->excluded[i]));
	json_object_set_new(root, "excluded", excl);
	for (size_t i = 0; i < a->naccepted; i++)
		json_array_append_new(acc, json_pack("{s:s, s:s, s:b}", "rule", a->accepted[i].id,
			"because", a->accepted[i].because, "would_fire", a->accepted[i].would_fire));
	json_object_set_new(root, "accepted", acc);
	json_object_set_new(meta, "command", json_string(m->command_line));
	json_object_set_new(meta, "probe_source", json_string(m->probe_source));
	json_object_set_new(meta, "probe_origin", json_string(origins[a->probes]));
	json_object_set_new(meta, "date", m->date ? json_string(m->date) : json_null());
	json_object_set_new(meta, "rules", json_string(m->rules_dirs));
	json_object_set_new(meta, "knowledge", json_string(m->knowledge_dir));
	json_object_set_new(root, "method", meta);
	return root;
}

char *report_json_text(const struct advice *a, const struct report_meta *m)
{
	json_t *j = report_json(a, m);
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	char *out = xasprintf("%s\n", s ? s : "{}");

	free(s);
	json_decref(j);
	return out;
}
