/*
 * The advice engine (see advice.h).  Everything here is a pure function of
 * its inputs: candidates are built and ranked in a fixed order, ties are
 * broken by name, so the same inputs always give the same advice.
 *
 * Capacity: the capacity model of capacity.h (docs/method.md, "Capacity
 * model (v2)") sizes each candidate in cores and instances of its natural
 * shape; the gate then keeps infeasible candidates, and those needing far
 * more cores than the leanest, from being recommended: they rank after
 * the eligible ones, marked with the reason.
 */
#include "advice.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capacity.h"
#include "replay.h"
#include "suggest.h"
#include "util.h"
#include "workload.h"
#include "xalloc.h"


void advice_init(struct advice *a)
{
	memset(a, 0, sizeof *a);
	a->team_best = -1;
	a->leanest = -1;
	a->winner_lacks = -1;
}

static void cands_free(struct candidate *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].label);
	free(v);
}

static void fired_free(struct fired_rule *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].rationale);
		free(v[i].risk);
		free(v[i].cands);
		free(v[i].applies);
	}
	free(v);
}

static void risks_free(struct advice_risk *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].mitigation);
	}
	free(v);
}

static void charts_free(struct chart *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].bars);
	free(v);
}

void advice_release(struct advice *a)
{
	cands_free(a->cands, a->ncands);
	fired_free(a->fired, a->nfired);
	risks_free(a->risks, a->nrisks);
	charts_free(a->charts, a->ncharts);
	free(a->decision.bars);
	free(a->accepted);
	free(a->excluded);
	free(a->hybrid.why);
	for (size_t i = 0; i < a->ntiers; i++) {
		free(a->tiers[i].label);
		free(a->tiers[i].why);
	}
	free(a->tiers_why);
	for (size_t i = 0; i < a->nflips; i++) {
		free(a->flips[i].input);
		free(a->flips[i].winner);
		free(a->flips[i].winner_runtime);
		free(a->flips[i].winner_model);
	}
	free(a->flips);
	free(a->probe_use);
	for (size_t i = 0; i < a->nconfidence_notes; i++)
		free(a->confidence_notes[i]);
	free(a->confidence_notes);
	buf_release(&a->explain);
	advice_init(a);
}

/* ---- field lookup for rules ---------------------------------------- */

static void set_num(struct value *v, double x)
{
	v->type = VAL_NUM;
	v->num = x;
}

static void set_str(struct value *v, const char *s)
{
	v->type = VAL_STR;
	v->str = s;
}

static void set_list(struct value *v, const struct strlist *l)
{
	v->type = VAL_LIST;
	v->list = l;
}

/* A profile field, through its row of the profile's field table. */
static bool lookup_profile(const struct profile *p, const char *f, struct value *v)
{
	const char *key;
	const struct profile_spec *pf = profile_field_find(f, &key);

	if (pf == NULL)
		return false;
	switch (pf->type) {
	case PT_TEXT:
	case PT_WORD:
		set_str(v, profile_field_str(p, pf));
		break;
	case PT_NUMBER:
	case PT_INT:
		set_num(v, profile_field_num(p, pf));
		/* "No limit" is not a number a rule should compare with. */
		if (v->num == 0 && (pf->flags & PFL_ZERO_NONE))
			v->type = VAL_NONE;
		break;
	case PT_WORDS:
		set_list(v, profile_field_ptr(p, pf));
		break;
	case PT_SKILLS:
		set_num(v, profile_skill(p, key));
		break;
	case PT_PRIORITIES:
		for (int i = 0; i < CRIT__COUNT; i++)
			if (strcmp(key, profile_criteria[i]) == 0)
				set_num(v, p->priorities[i]);
		break;
	case PT_FACTORS:
		/* A runtime without a calibration entry has no value to compare. */
		if (profile_calibration(p, key) > 0)
			set_num(v, profile_calibration(p, key));
		break;
	case PT_TEXTS:
		set_list(v, profile_field_ptr(p, pf));
		break;
	case PT_MIX:
		return false;	/* not a rule field (rule.c) */
	}
	return true;
}

static void lookup_candidate(const struct candidate *c, const char *f, struct value *v)
{
	const struct capacity *k = &c->cap;

	if (strcmp(f, "runtime") == 0)
		set_str(v, c->rt->id);
	else if (strcmp(f, "model") == 0)
		set_str(v, c->model->id);
	else if (strcmp(f, "language") == 0)
		set_str(v, c->rt->language);
	else if (strcmp(f, "skill") == 0)
		set_num(v, c->skill);
	else if (strcmp(f, "cpu_ms") == 0)
		set_num(v, k->cpu_ms);
	else if (strcmp(f, "memory_mb") == 0)
		set_num(v, k->memory_mb);
	else if (strcmp(f, "usable_cores") == 0)
		set_num(v, k->usable_cores);
	else if (strcmp(f, "utilisation") == 0)
		set_num(v, k->utilisation);
	else if (strcmp(f, "queue_ms") == 0)
		set_num(v, k->queue_ms);
	else if (strcmp(f, "latency_ms") == 0)
		set_num(v, k->latency_ms);
	else if (strcmp(f, "instances_needed") == 0) {
		/* No count meets an infeasible target: not a number to compare. */
		if (k->feasible)
			set_num(v, k->instances_needed);
	} else if (strcmp(f, "cores_needed") == 0) {
		if (k->feasible)
			set_num(v, k->cores_needed);
	} else if (strcmp(f, "cores_ratio_to_best") == 0) {
		if (k->feasible && k->cores_ratio > 0)
			set_num(v, k->cores_ratio);
	} else if (strcmp(f, "cores_over_best") == 0) {
		if (k->feasible)
			set_num(v, k->cores_over_best);
	} else if (strcmp(f, "instances_over_best") == 0) {
		/* The extra cores in instances of its own shape. */
		if (k->feasible && k->cores > 0)
			set_num(v, k->cores_over_best / k->cores);
	} else if (strcmp(f, "instance_cores") == 0) {
		set_num(v, k->cores);
	} else if (strcmp(f, "meets_target") == 0) {
		v->type = VAL_BOOL;
		v->b = k->meets_target;
	} else if (strcmp(f, "feasible") == 0) {
		v->type = VAL_BOOL;
		v->b = k->feasible;
	} else if (strcmp(f, "eligible") == 0) {
		v->type = VAL_BOOL;
		v->b = k->eligible;
	} else if (strcmp(f, "cold_start_ms") == 0)
		set_num(v, c->rt->cold_start_ms);
	else if (strcmp(f, "gc_pause_ms") == 0)
		set_num(v, c->rt->gc_pause_ms);
	else if (strcmp(f, "ecosystem") == 0)
		set_num(v, c->eco);
}

static bool probe_lookup(const struct advice *a, const char *name, double *out);

void advice_lookup(const struct advice *a, const struct candidate *c, const char *f,
		   struct value *v)
{
	v->type = VAL_NONE;
	if (lookup_profile(a->p, f, v))
		return;
	if (strncmp(f, "probe.", 6) == 0) {
		double x;

		if (probe_lookup(a, f + 6, &x))
			set_num(v, x);
	} else if (strcmp(f, "machine.cores") == 0) {
		set_num(v, a->dv.machine_cores);
	} else if (strcmp(f, "derived.cpu_cores") == 0) {
		set_num(v, a->dv.cpu_cores);
	} else if (strcmp(f, "derived.cpu_cores_per_instance") == 0) {
		set_num(v, a->dv.cpu_cores_per_instance);
	} else if (strcmp(f, "derived.in_flight_per_instance") == 0) {
		set_num(v, a->dv.in_flight_per_instance);
	} else if (strcmp(f, "derived.io_ms_per_request") == 0) {
		set_num(v, a->dv.io_ms_per_request);
	} else if (strcmp(f, "derived.best_skill") == 0) {
		set_num(v, a->dv.best_skill);
	} else if (strcmp(f, "derived.best_language") == 0) {
		set_str(v, a->dv.best_language);
	} else if (strncmp(f, "candidate.", 10) == 0 && c) {
		lookup_candidate(c, f + 10, v);
	}
}

struct look_ctx {
	const struct advice *a;
	const struct candidate *c;
};

static void look(void *ctx, const char *field, struct value *out)
{
	struct look_ctx *l = ctx;

	advice_lookup(l->a, l->c, field, out);
}

/* ---- capacity -------------------------------------------------------- */

/* A probe value v (> 0) in unit converted to microseconds. */
static double us_of(const char *unit, double v)
{
	if (strcmp(unit, "events/s") == 0)
		return 1e6 / v;
	if (strcmp(unit, "ns") == 0)
		return v / 1000;
	if (strcmp(unit, "ms") == 0)
		return v * 1000;
	return v;
}

/* ---- checking the probe figures ----------------------------------------- */

const char *const figure_verdict_names[] = { "used", "noisy", "wide", "implausible" };
_Static_assert(ARRAY_SIZE(figure_verdict_names) == FIGV__COUNT, "a name for every verdict");

/* The figures a model reads from the probes, and the probe of each. */
static const enum kb_figure model_figures[] = { FIG_SPEEDUP, FIG_OVERHEAD_US,
						FIG_TASK_MEMORY_KIB, FIG_LAG_MS };

static const char *figure_probe(const struct kb_model *m, enum kb_figure fig)
{
	switch (fig) {
	case FIG_SPEEDUP:
		return m->speedup_probe;
	case FIG_OVERHEAD_US:
		return m->overhead_probe;
	case FIG_TASK_MEMORY_KIB:
		return m->task_memory_probe;
	case FIG_LAG_MS:
		return m->lag_probe;
	case FIG_SPEEDUP_PER_CORE:
	case FIG__COUNT:
		break;
	}
	return NULL;
}

/* A value v (> 0) of probe r in the unit of figure fig: a hand-off in microseconds. */
static double figure_in_unit(const struct probe_result *r, enum kb_figure fig, double v)
{
	return fig == FIG_OVERHEAD_US ? us_of(r->unit, v) : v;
}

/*
 * May the figure decide at all, whatever model reads it?  Not when it was
 * flagged noisy (other work used the CPU while it ran), nor when its
 * spread is wide: a MAD over ADVICE_WIDE_MAD of the median, or a best
 * sample (the max of a speed-up or a rate, the min of a cost, where noise
 * cannot push it) more than ADVICE_WIDE_BEST times from the median.  A
 * cost's long tail of rare stalls (the max) is normal and not counted.
 * why (may be NULL) gets the reason, "" when the figure may decide.
 */
static enum figure_verdict figure_noise(const struct probe_result *r, char *why, size_t len)
{
	const struct probe_stats *st = &r->st;
	bool higher = strcmp(r->unit, "x") == 0 || strcmp(r->unit, "events/s") == 0;
	double best = higher ? st->max : st->min;

	if (why)
		why[0] = '\0';
	if (r->noisy) {
		if (why)
			snprintf(why, len, "noisy: other work used %.0f%% of the CPU while it ran",
				 r->busy_other * 100);
		return FIGV_NOISY;
	}
	if (!(st->median > 0))
		return FIGV_USED;
	if (st->mad / st->median > ADVICE_WIDE_MAD) {
		if (why)
			snprintf(why, len, "wide spread: its MAD is %.0f%% of the median",
				 100 * st->mad / st->median);
		return FIGV_WIDE;
	}
	if (best > 0 && fmax(best, st->median) / fmin(best, st->median) > ADVICE_WIDE_BEST) {
		/* Whole numbers from 100 up: "1183 us", never "1.18e+03 us". */
		if (why)
			snprintf(why, len, "wide spread: median %.*g %s against a best sample of "
				 "%.*g %s", st->median >= 100 ? 15 : 3, st->median >= 100 ?
				 round(st->median) : st->median, r->unit, best >= 100 ? 15 : 3,
				 best >= 100 ? round(best) : best, r->unit);
		return FIGV_WIDE;
	}
	return FIGV_USED;
}

/* Is v (in fig's unit) plausible for model m?  why gets the range it is outside. */
static bool figure_plausible(const struct kb_model *m, enum kb_figure fig, double v, int cores,
			     char *why, size_t len)
{
	static const char *const unit[FIG__COUNT] = {
		[FIG_SPEEDUP] = "x", [FIG_SPEEDUP_PER_CORE] = "x per core",
		[FIG_OVERHEAD_US] = "us", [FIG_TASK_MEMORY_KIB] = "KiB", [FIG_LAG_MS] = "ms",
	};
	const struct kb_range *rg = &m->plausible[fig];
	enum kb_figure shown = fig;

	if (kb_model_plausible(m, fig, v, cores))
		return true;
	/* A speed-up inside its own range failed the range per core. */
	if (fig == FIG_SPEEDUP && (!rg->set || (v >= rg->lo && v <= rg->hi))) {
		shown = FIG_SPEEDUP_PER_CORE;
		rg = &m->plausible[shown];
		v /= cores;
	}
	snprintf(why, len, "implausible: %.3g %s is outside %g\u2013%g %s for %s", v, unit[shown],
		 rg->lo, rg->hi, unit[shown], m->id);
	return false;
}

/*
 * Figure fig of model m from the probes, in the figure's unit, when it may
 * decide (figure_noise, then m's plausible range); a what-if value
 * replaces its probe's median.  False: the knowledge default decides.
 */
static bool figure_value(const struct advice *a, const struct kb_model *m, enum kb_figure fig,
			 double *out)
{
	const char *name = figure_probe(m, fig);
	const struct probe_result *r = a->ps && name ? probe_set_find(a->ps, name) : NULL;
	double v;

	if (r == NULL || figure_noise(r, NULL, 0) != FIGV_USED)
		return false;
	v = a->whatif_probe && strcmp(a->whatif_probe, name) == 0 ? a->whatif_value : r->st.median;
	if (!(v > 0))
		return false;
	v = figure_in_unit(r, fig, v);
	if (!kb_model_plausible(m, fig, v, (int)a->dv.machine_cores))
		return false;
	*out = v;
	return true;
}

/*
 * A probe figure as rules see it (probe.NAME): the median, or the what-if
 * value, when it may decide and is plausible for every model that reads it.
 */
static bool probe_lookup(const struct advice *a, const char *name, double *out)
{
	const struct probe_result *r = a->ps ? probe_set_find(a->ps, name) : NULL;
	double v;

	if (r == NULL || figure_noise(r, NULL, 0) != FIGV_USED)
		return false;
	v = a->whatif_probe && strcmp(a->whatif_probe, name) == 0 ? a->whatif_value : r->st.median;
	for (size_t i = 0; i < a->kb->nmodels && v > 0; i++) {
		const struct kb_model *m = &a->kb->models[i];

		for (size_t f = 0; f < ARRAY_SIZE(model_figures); f++) {
			const char *p = figure_probe(m, model_figures[f]);

			if (p && strcmp(p, name) == 0 &&
			    !kb_model_plausible(m, model_figures[f],
						figure_in_unit(r, model_figures[f], v),
						(int)a->dv.machine_cores))
				return false;
		}
	}
	*out = v;
	return true;
}

/* The factor a what-if multiplies into runtime rt's CPU factor (1 outside what-ifs). */
static double cpu_factor_scale(const struct advice *a, const struct kb_runtime *rt)
{
	return a->cpu_factor_scale ? a->cpu_factor_scale[rt - a->kb->runtimes] : 1;
}

/*
 * The share of request CPU an offload model (an event loop with worker
 * threads) runs on its workers.  Connection handling, parsing and I/O stay
 * on the loop; what goes to the workers is the CPU-heavy part, and the
 * workload kind is the profile's statement of how much of it there is:
 * none for io, all of it for cpu, half for mixed.
 */
static double offload_share(const struct profile *p)
{
	return p->kind == KIND_IO ? 0 : p->kind == KIND_CPU ? 1 : 0.5;
}

static enum cap_shape shape_of(const struct kb_model *m)
{
	if (m->per_core_processes)
		return CAP_PER_CORE_PROCESSES;
	switch (m->parallelism) {
	case PAR_ONE:
		return CAP_SINGLE_LOOP;
	case PAR_GIL:
		return CAP_GIL;
	case PAR_OFFLOAD:
		return CAP_OFFLOAD;
	case PAR_CORES:
		break;
	}
	return CAP_SHARED_POOL;
}

/* What sized the fleet, in words, from the capacity model's result. */
static void limit_text(const struct cap_result *r, const struct profile *p, struct capacity *k)
{
	char a[32], b[32];

	if (!r->feasible) {
		snprintf(k->limit, sizeof k->limit, "%s", r->reason);
		return;
	}
	switch (r->bound) {
	case CAP_BOUND_UTILISATION:
		snprintf(k->limit, sizeof k->limit, "CPU: sized for at most 70%% busy; %.0f%% at "
			 "%d instance%s", r->utilisation * 100, k->instances_needed,
			 k->instances_needed == 1 ? "" : "s");
		break;
	case CAP_BOUND_LATENCY:
		cap_fmt_ms(a, sizeof a, r->p99_ms);
		cap_fmt_ms(b, sizeof b, p->latency_p99_ms);
		snprintf(k->limit, sizeof k->limit, "latency: p99 %s against the %s budget at "
			 "%d instance%s", a, b, k->instances_needed,
			 k->instances_needed == 1 ? "" : "s");
		break;
	case CAP_BOUND_MEMORY:
		snprintf(k->limit, sizeof k->limit, "memory: %.0f MB per instance against the "
			 "%.0f MB limit", r->memory_mb, p->memory_mb_per_instance);
		break;
	case CAP_BOUND_NONE:
		snprintf(k->limit, sizeof k->limit, "one instance covers the load: %.0f%% CPU, "
			 "%.0f MB at peak", r->utilisation * 100, r->memory_mb);
		break;
	}
}

/* The capacity model's inputs for candidate cd, with its CPU factor set apart. */
struct cap_inputs {
	struct cap_class mix[PROFILE_MAX_CLASSES];
	struct cap_load ld;
	struct cap_runtime cr;
	struct cap_model cm;
};

static void cap_inputs(const struct advice *a, const struct candidate *cd,
		       const struct capacity *k, struct cap_inputs *in)
{
	const struct profile *p = a->p;
	const struct kb_model *m = cd->model;
	const struct kb_runtime *rt = cd->rt;

	memset(in, 0, sizeof *in);
	in->ld.rps = p->requests_per_second;
	in->ld.concurrency = p->peak_concurrency;
	in->ld.nmix = workload_request_mix(p, in->mix, ARRAY_SIZE(in->mix));
	in->ld.mix = in->mix;
	in->ld.io_ms = a->dv.io_ms_per_request;
	in->ld.budget_p99_ms = p->latency_p99_ms;
	in->ld.memory_limit_mb = p->memory_mb_per_instance;
	in->ld.machine_cores = (int)a->dv.machine_cores;
	in->ld.cores_per_instance = (int)a->dv.instance_cores;
	in->ld.target_utilisation = ADVICE_TARGET_UTILISATION;
	in->ld.cost_per_core_month = p->cost_per_core_month;
	in->cr.cpu_factor = k->cpu_factor;
	in->cr.baseline_mb = rt->baseline_memory_mb;
	in->cr.task_kib = k->task_memory_kib;
	/*
	 * The default collector's pause is a tail figure: the capacity model
	 * adds it to p99 only.  The loop-lag probe informs rules
	 * (probe.loop.timer_lag), not the latency sum: the queueing wait
	 * already counts the wait behind busy work.
	 */
	in->cr.gc_p99_ms = kb_runtime_gc(rt)->p99_pause_ms;
	in->cm.shape = shape_of(m);
	in->cm.speedup = k->speedup;
	/* in and out; a CPU factor replay measured holds the hand-offs already */
	in->cm.handoff_us = k->replay_cells & REPLAY_CELL_CPU ? 0 : 2 * k->overhead_us;
	in->cm.offload_share = in->cm.shape == CAP_OFFLOAD ? offload_share(p) : 0;
	in->cm.worker_mb = m->def_worker_memory_mb;
	in->cm.shared_queue = a->queue_fed;
}

/* Cores needed with the CPU factor f instead of the typical one; 0 when infeasible. */
static double cores_at_factor(struct cap_inputs *in, double f)
{
	struct cap_result r;
	const char *why = NULL;

	in->cr.cpu_factor = f;
	if (cap_size(&in->ld, &in->cr, &in->cm, &r, &why) < 0 || !r.feasible)
		return 0;
	return r.cores_needed;
}

/*
 * A runtime with several collectors (Java: G1 by default, ZGC) that cannot
 * meet the target with its default one is sized with the first other
 * collector that does: the pause is a tail the team can choose, not a
 * fixed cost of the runtime.  r and the collector named in k change only
 * when one fits.
 */
static void other_collector(const struct kb_runtime *rt, struct cap_inputs *in,
			    struct cap_result *r, struct capacity *k)
{
	for (size_t g = 0; g < rt->ngcs; g++) {
		struct cap_result alt;
		const char *why = NULL;

		if (rt->gcs[g].is_default)
			continue;
		in->cr.gc_p99_ms = rt->gcs[g].p99_pause_ms;
		if (cap_size(&in->ld, &in->cr, &in->cm, &alt, &why) == 0 && alt.feasible) {
			*r = alt;
			k->gc_collector = rt->gcs[g].collector;
			k->gc_switched = true;
			return;
		}
	}
	in->cr.gc_p99_ms = kb_runtime_gc(rt)->p99_pause_ms;
}

/* ---- replay ---------------------------------------------------------------- */

/* What replay measured for runtime rt in model m (status measured), or NULL. */
static const struct replay_candidate *replay_find(const struct advice *a,
						  const struct kb_runtime *rt,
						  const struct kb_model *m)
{
	for (size_t i = 0; a->replay && i < a->replay->ncands; i++) {
		const struct replay_candidate *c = &a->replay->cands[i];

		if (c->measured && c->runtime && c->model && strcmp(c->runtime, rt->id) == 0 &&
		    strcmp(c->model, m->id) == 0)
			return c;
	}
	return NULL;
}

static bool close_to(double x, double y)
{
	return fabs(x - y) <= 0.01 * fmax(fabs(x), fabs(y)) + 1e-9;
}

/*
 * a->replay: the probe set's replay when it served this profile's request,
 * the same CPU per request (the mean of its classes), I/O wait and p99
 * budget; a replay run for another profile sizes nothing, and
 * a->replay_why says so.
 */
static void replay_match(struct advice *a)
{
	const struct replay_set *rs = a->ps ? a->ps->replay : NULL;
	const struct profile *p = a->p;
	double cpu = 0, io = 0, share = 0, want_io = 0;
	double budget = p->latency_p99_ms > 0 ? p->latency_p99_ms : 100;

	a->replay = NULL;
	a->replay_why[0] = '\0';
	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->load.nclasses; i++) {
		cpu += rs->load.classes[i].share * rs->load.classes[i].cpu_ms;
		io += rs->load.classes[i].share * rs->load.classes[i].io_us / 1000.0;
		share += rs->load.classes[i].share;
	}
	if (share > 0) {
		cpu /= share;
		io /= share;
	}
	if (cap_io_ms(p->cpu_ms_per_request, p->io_wait_fraction, &want_io, NULL) < 0)
		want_io = 0;
	if (!(cpu > 0) || !close_to(cpu, p->cpu_ms_per_request))
		snprintf(a->replay_why, sizeof a->replay_why, "the replay in the probe figures served "
			 "requests of %.3g ms of CPU, this profile's cost %.3g ms", cpu,
			 p->cpu_ms_per_request);
	else if (!close_to(io, fmin(want_io, 60000)) && fabs(io - want_io) > 0.002)
		snprintf(a->replay_why, sizeof a->replay_why, "the replay in the probe figures waited "
			 "%.3g ms on I/O per request, this profile %.3g ms", io, want_io);
	else if (!close_to(rs->load.p99_budget_ms, budget))
		snprintf(a->replay_why, sizeof a->replay_why, "the replay in the probe figures met a "
			 "p99 budget of %g ms, this profile's is %g ms", rs->load.p99_budget_ms, budget);
	else
		a->replay = rs;
}

/* Is v more than 2x outside [lo, hi]? */
static bool outside_twice(double v, double lo, double hi)
{
	return lo > 0 && hi > 0 && (v < lo / 2 || v > hi * 2);
}

/*
 * Replay's figures for candidate cd into k (docs/method.md, "Measured by
 * replay"): its CPU factor (unless the profile calibrates the runtime),
 * its usable cores as the speed-up (for the shapes that use one) and its
 * memory per connection; each flagged when more than 2x outside what the
 * knowledge base says.  *sp and *mem are replaced where measured.
 */
static void replay_figures(const struct advice *a, const struct candidate *cd,
			   const struct workload_factor *wf, struct capacity *k, double *sp,
			   double *mem)
{
	const struct kb_model *m = cd->model;
	const struct replay_candidate *rp = replay_find(a, cd->rt, m);
	const struct kb_range *sr = &m->plausible[FIG_SPEEDUP];
	const struct kb_range *mr = &m->plausible[FIG_TASK_MEMORY_KIB];

	k->speedup_low = sr->set ? sr->lo : m->def_speedup;
	k->speedup_high = sr->set ? sr->hi : m->def_speedup;
	if (rp == NULL)
		return;
	k->replay = true;
	if (wf->source != WL_CALIBRATION && isfinite(rp->cpu_factor) && rp->cpu_factor > 0) {
		k->replay_factor = rp->cpu_factor;
		k->cpu_factor = rp->cpu_factor;
		k->replay_cells |= REPLAY_CELL_CPU;
		if (outside_twice(rp->cpu_factor, wf->low, wf->high))
			k->replay_flagged |= REPLAY_CELL_CPU;
	}
	if (shape_of(m) != CAP_SINGLE_LOOP && isfinite(rp->usable_cores) && rp->usable_cores > 0) {
		k->replay_usable = rp->usable_cores;
		*sp = rp->usable_cores;
		k->replay_cells |= REPLAY_CELL_CORES;
		if (outside_twice(rp->usable_cores, k->speedup_low, k->speedup_high))
			k->replay_flagged |= REPLAY_CELL_CORES;
	}
	if (isfinite(rp->kib_per_connection) && rp->kib_per_connection >= 0) {
		double lo = mr->set ? mr->lo : fmax(cd->use->task_memory_kib, m->def_task_memory_kib);
		double hi = mr->set ? mr->hi : lo;

		k->kib_low = lo;
		k->kib_high = hi;
		k->replay_kib = rp->kib_per_connection;
		*mem = rp->kib_per_connection;
		k->replay_cells |= REPLAY_CELL_MEMORY;
		if (outside_twice(fmax(rp->kib_per_connection, 0.01), lo, hi))
			k->replay_flagged |= REPLAY_CELL_MEMORY;
	}
}

/* Size one candidate with the capacity model (capacity.h). */
static void capacity_compute(const struct advice *a, struct candidate *cd)
{
	const struct profile *p = a->p;
	const struct kb_model *m = cd->model;
	const struct kb_runtime *rt = cd->rt;
	struct capacity *k = &cd->cap;
	struct workload_factor wf;
	struct cap_inputs in;
	struct cap_result r;
	const char *why = NULL;
	double sp, ov, mem;
	bool m1, m2;
	int rc;

	memset(k, 0, sizeof *k);
	/* Checked figures only: a noisy, wide or implausible one falls back. */
	m1 = figure_value(a, m, FIG_SPEEDUP, &sp);
	if (!m1)
		sp = m->speedup_probe ? m->def_speedup : 1;
	m2 = figure_value(a, m, FIG_OVERHEAD_US, &ov);
	if (!m2)
		ov = m->def_overhead_us;
	k->measured = a->ps != NULL && (m1 || !m->speedup_probe) && (m2 || !m->overhead_probe);
	if (!figure_value(a, m, FIG_TASK_MEMORY_KIB, &mem))
		mem = m->task_memory_probe ? m->def_task_memory_kib : 0;
	/* The CPU factor comes from explicit profile data only, never the description. */
	workload_cpu_factor(p, a->kb, rt, &wf);
	k->cpu_factor = wf.typical;
	k->knowledge_factor = wf.typical;
	k->cpu_factor_low = wf.low;
	k->cpu_factor_high = wf.high;
	k->cpu_source = wf.source;
	snprintf(k->cpu_why, sizeof k->cpu_why, "%s", wf.why);
	k->gc_collector = kb_runtime_gc(rt)->collector;
	/* Measured by replay, where it was: the figures replace the estimates. */
	replay_figures(a, cd, &wf, k, &sp, &mem);
	if (k->replay_cells & REPLAY_CELL_MEMORY)
		k->task_memory_kib = mem;
	else
		k->task_memory_kib = fmax(cd->use->task_memory_kib, mem);
	/* What-if hook (sensitivity): it moves estimated factors only. */
	if (!(k->replay_cells & REPLAY_CELL_CPU))
		k->cpu_factor *= cpu_factor_scale(a, rt);
	k->speedup = sp;
	k->overhead_us = ov;
	k->cpu_ms = p->cpu_ms_per_request * k->cpu_factor;
	cap_inputs(a, cd, k, &in);
	k->offload_share = in.cm.offload_share;

	rc = cap_size(&in.ld, &in.cr, &in.cm, &r, &why);
	if (rc == 0 && !r.feasible)
		other_collector(rt, &in, &r, k);
	if (rc < 0) {
		/* Out-of-range inputs are refused by the profile loader; say so if not. */
		k->feasible = false;
		snprintf(k->limit, sizeof k->limit, "the capacity model refused the input: %s", why);
		snprintf(k->shape, sizeof k->shape, "none");
		return;
	}
	k->feasible = r.feasible;
	k->cores = r.instance_cores;
	k->processes = r.processes_per_instance;
	k->usable_cores = r.usable_cores;
	k->service_ms = r.service_mean_ms;
	k->rps_per_instance = r.rps_per_instance;
	k->utilisation = r.utilisation;
	k->queue_ms = r.queue_p99_ms;
	k->latency_ms = r.p99_ms;
	k->memory_mb = r.memory_mb;
	k->instances_needed = r.feasible ? (int)r.instances : 0;
	k->cores_needed = r.cores_needed;
	k->cores_busy = r.cores_busy;
	k->cost_month = r.feasible ? r.cost_month : 0;
	k->hol_ms = r.hol_blocking_ms;
	k->hol_class = r.hol_class >= 0 && (size_t)r.hol_class < in.ld.nmix
			       ? in.mix[r.hol_class].name : NULL;
	k->meets_target = r.feasible && r.cores_needed <= a->dv.planned_cores + 1e-9;
	if (r.feasible)
		cap_shape_text(&r, k->shape, sizeof k->shape);
	else
		snprintf(k->shape, sizeof k->shape, "none");
	if (r.feasible && k->gc_switched) {
		size_t n = strlen(k->shape);

		snprintf(k->shape + n, sizeof k->shape - n, ", with the %s collector (%s, the "
			 "default, pauses too long for the budget)", k->gc_collector,
			 kb_runtime_gc(rt)->collector);
	}
	limit_text(&r, p, k);
	/*
	 * The same sizing at the ends of the factor's range (docs/method.md);
	 * a measured factor has no range: both ends are the measured sizing.
	 */
	if (k->replay_cells & REPLAY_CELL_CPU) {
		k->cores_needed_low = k->cores_needed_high = r.feasible ? r.cores_needed : 0;
	} else {
		k->cores_needed_low = cores_at_factor(&in, wf.low);
		k->cores_needed_high = cores_at_factor(&in, wf.high);
	}
}

double advice_max_rps(const struct advice *a, const struct candidate *c)
{
	const struct capacity *k = &c->cap;
	struct cap_inputs in;
	double lo = 0, hi = 1, budget = a->p->latency_p99_ms;

	cap_inputs(a, c, k, &in);
	for (size_t g = 0; g < c->rt->ngcs; g++)
		if (k->gc_collector && strcmp(c->rt->gcs[g].collector, k->gc_collector) == 0)
			in.cr.gc_p99_ms = c->rt->gcs[g].p99_pause_ms;
	in.ld.concurrency = 0;
	in.ld.memory_limit_mb = 0;
	in.ld.cost_per_core_month = 0;
	in.ld.cores_per_instance = (int)a->dv.machine_cores;
	in.ld.target_utilisation = 0.99;
	for (int grow = 0, ok = 1; ok && grow < 40; grow++) {
		struct cap_result r;
		const char *why = NULL;

		in.ld.rps = hi;
		ok = cap_size(&in.ld, &in.cr, &in.cm, &r, &why) == 0 && r.feasible &&
		     r.instances == 1 && !(budget > 0 && r.p99_ms > budget);
		if (ok) {
			lo = hi;
			hi *= 2;
		}
	}
	for (int i = 0; i < 60 && hi - lo > 1e-6 * hi; i++) {
		struct cap_result r;
		const char *why = NULL;
		double mid = (lo + hi) / 2;

		in.ld.rps = mid;
		if (cap_size(&in.ld, &in.cr, &in.cm, &r, &why) == 0 && r.feasible &&
		    r.instances == 1 && !(budget > 0 && r.p99_ms > budget))
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * The gate (docs/method.md): an infeasible candidate, or one needing more
 * than 3x the cores of the leanest feasible one (when that is more than
 * one instance of its shape), cannot be recommended.  Sets each
 * candidate's eligible flag, ratio and reason.
 */
static long gate(struct advice *a)
{
	struct cap_gate_item *items = xcalloc(a->ncands + 1, sizeof *items);
	long best;

	for (size_t i = 0; i < a->ncands; i++) {
		items[i].feasible = a->cands[i].cap.feasible;
		items[i].cores_needed = a->cands[i].cap.cores_needed;
		items[i].instance_cores = a->cands[i].cap.cores;
	}
	best = cap_gate(items, a->ncands, CAP_DEFAULT_GATE_RATIO);
	for (size_t i = 0; i < a->ncands; i++) {
		struct capacity *k = &a->cands[i].cap;
		const struct candidate *b = best >= 0 ? &a->cands[best] : NULL;

		k->eligible = items[i].allowed;
		k->cores_ratio = b && k->feasible && b->cap.cores_needed > 0
					 ? k->cores_needed / b->cap.cores_needed : 0;
		k->cores_over_best = b && k->feasible ? k->cores_needed - b->cap.cores_needed : 0;
		k->gate_reason[0] = '\0';
		if (!k->feasible)
			snprintf(k->gate_reason, sizeof k->gate_reason,
				 "cannot meet the target at any size");
		else if (!k->eligible)
			snprintf(k->gate_reason, sizeof k->gate_reason,
				 "needs %s cores, %.1fx the %s of %s/%s", cap_num(k->cores_needed).s,
				 k->cores_ratio, cap_num(b->cap.cores_needed).s, b->rt->id,
				 b->model->id);
	}
	free(items);
	return best;
}

/* ---- base scores ----------------------------------------------------- */

static double clamp10(double x)
{
	return x < 0 ? 0 : x > 10 ? 10 : x;
}

/*
 * Needs stated in constraints.ecosystem plus those the traits imply (their
 * needs in knowledge/vocabulary.md); need[] has one flag per known need.
 */
static void needs_of(const struct kb *kb, const struct profile *p, bool *need)
{
	memset(need, 0, kb->vocab.nneeds * sizeof *need);
	for (size_t i = 0; i < kb->vocab.nneeds; i++)
		need[i] = strlist_has(&p->ecosystem, kb->vocab.needs[i].id);
	for (size_t i = 0; i < p->traits.n; i++) {
		const struct kb_trait *t = kb_trait(kb, p->traits.v[i]);

		for (size_t j = 0; t && j < t->nneeds; j++)
			need[t->needs[j]] = true;
	}
}

static void base_scores(const struct advice *a, struct candidate *c, double best_cores)
{
	const struct profile *p = a->p;
	const struct kb_runtime *rt = c->rt;
	const struct capacity *k = &c->cap;
	bool *need = xcalloc(a->kb->vocab.nneeds + 1, sizeof *need);
	int nneeds = 0;
	double perf, ops, eco = 0;

	/*
	 * performance: cores needed relative to the leanest feasible
	 * candidate, fewer points past the planned cores and near the budget;
	 * 0 when no fleet meets the target (the gate keeps it from winning).
	 */
	if (!k->feasible || !(k->cores_needed > 0)) {
		perf = 0;
	} else {
		perf = 4 + 6 * sqrt(fmin(1, best_cores / k->cores_needed));
		if (k->cores_needed > a->dv.planned_cores)
			perf -= fmin(3, 1 + log2(k->cores_needed / a->dv.planned_cores));
		if (k->latency_ms > 0.8 * p->latency_p99_ms)
			perf -= 1;
	}
	c->base[CRIT_PERFORMANCE] = clamp10(perf);

	c->base[CRIT_VELOCITY] = clamp10(rt->velocity * 2);

	/* team_fit: skill in the runtime's language; hiring softens a gap */
	c->base[CRIT_TEAM_FIT] = clamp10(c->skill * 2);
	if (c->skill < 2 && strlist_has(&p->can_hire, rt->language))
		c->base[CRIT_TEAM_FIT] = fmax(c->base[CRIT_TEAM_FIT], 4);

	/* ecosystem: mean strength for the needs; neutral when none is stated */
	needs_of(a->kb, p, need);
	for (size_t i = 0; i < a->kb->vocab.nneeds; i++) {
		if (need[i]) {
			eco += rt->ecosystem[i];
			nneeds++;
		}
	}
	free(need);
	c->eco = nneeds ? eco / nneeds : 3;
	c->base[CRIT_ECOSYSTEM] = nneeds ? clamp10(2 * c->eco) : 6;

	/* operations: cold start where it matters, memory tax, fit in limits */
	ops = 8;
	if (p->deployment == DEPLOY_SERVERLESS || p->deployment == DEPLOY_EDGE)
		ops -= fmin(4, rt->cold_start_ms / 300);
	if (p->cold_start_ms > 0 && rt->cold_start_ms > p->cold_start_ms)
		ops -= 3;
	if (p->memory_mb_per_instance > 0 && k->memory_mb > p->memory_mb_per_instance)
		ops -= 3;
	ops -= fmin(2, k->processes * rt->baseline_memory_mb / 200);
	if (c->model->per_core_processes)
		ops -= 0.5;
	if (rt->gc_pause_ms > 0.1 * p->latency_p99_ms)
		ops -= 1;
	c->base[CRIT_OPERATIONS] = clamp10(ops);
}

/* ---- pipeline -------------------------------------------------------- */

static void derive(struct advice *a)
{
	const struct profile *p = a->p;
	double io_ms = 0;

	a->dv.machine_cores = a->ps && a->ps->fp.cores > 0 ? a->ps->fp.cores : ADVICE_DEFAULT_CORES;
	/* Instances are the profile's size, else the size of the machine measured. */
	a->dv.instance_cores = p->cores_per_instance > 0 ? fmax(1, ceil(p->cores_per_instance - 1e-9))
							 : a->dv.machine_cores;
	a->dv.planned_cores = p->instances * a->dv.instance_cores;
	a->dv.cpu_cores = p->requests_per_second * p->cpu_ms_per_request / 1000.0;
	a->dv.cpu_cores_per_instance = a->dv.cpu_cores / p->instances;
	a->dv.in_flight_per_instance = p->peak_concurrency / p->instances;
	/*
	 * No clamp: the profile loader refuses a fraction of 1 (unbounded or
	 * undetermined I/O time), so this only fails on what it let through.
	 */
	if (cap_io_ms(p->cpu_ms_per_request, p->io_wait_fraction, &io_ms, NULL) < 0)
		io_ms = 0;
	a->dv.io_ms_per_request = io_ms;
	a->dv.best_skill = 0;
	a->dv.best_language = "none";
	for (size_t i = 0; i < p->languages.n; i++) {
		if (p->skills[i] > a->dv.best_skill) {
			a->dv.best_skill = p->skills[i];
			a->dv.best_language = p->languages.v[i];
		}
	}
}

static void build_candidates(struct advice *a)
{
	size_t cap = 0, capx = 0;

	for (size_t i = 0; i < a->kb->nruntimes; i++) {
		const struct kb_runtime *rt = &a->kb->runtimes[i];

		if (strlist_has(&a->p->exclude, rt->id)) {
			*XPUSH(a->excluded, a->nexcluded, capx) = rt->id;
			continue;
		}
		for (size_t j = 0; j < rt->nmodels; j++) {
			struct candidate *c = XPUSH(a->cands, a->ncands, cap);

			memset(c, 0, sizeof *c);
			c->rt = rt;
			c->use = &rt->models[j];
			c->model = kb_model(a->kb, rt->models[j].model);
			c->label = xasprintf("%s: %s", rt->name, rt->models[j].name);
			c->skill = fmax(0, profile_skill(a->p, rt->language));
			c->lacks = -1;
		}
	}
}

static bool effect_applies(const struct effect *e, const struct candidate *c)
{
	return (!e->runtime || strcmp(e->runtime, c->rt->id) == 0) &&
	       (!e->model || strcmp(e->model, c->model->id) == 0);
}

static bool is_accepted(const struct profile *p, const char *id)
{
	for (size_t i = 0; i < p->naccept; i++)
		if (strcmp(p->accept[i].rule, id) == 0)
			return true;
	return false;
}

/*
 * Evaluate one rule: for a rule about candidate.* fields, once per
 * candidate, else once.  *hits receives the indices of the candidates it
 * fired for (0 alone for a rule about the profile); the caller frees it.
 * Returns the number of hits, or -1 when a pattern hit its limits.
 */
static long eval_rule(struct advice *a, const struct rule *rule, bool accepted, bool explain,
		      size_t **hits, struct diags *d)
{
	size_t nhits = 0, caph = 0;

	*hits = NULL;
	for (size_t ci = 0; ci < (rule->per_candidate ? a->ncands : 1); ci++) {
		struct look_ctx lc = { a, rule->per_candidate ? &a->cands[ci] : NULL };
		struct buf why = BUF_INIT;
		int res = rule_eval(a->rs, rule, look, &lc, explain ? &why : NULL, d);

		if (res < 0) {
			buf_release(&why);
			free(*hits);
			*hits = NULL;
			return -1;
		}
		if (explain) {
			buf_addf(&a->explain, "%-7s %s%s%s (%s:%d): %s\n",
				 res ? (accepted ? "ACCEPT" : "FIRED") : "skip", rule->id,
				 lc.c ? " for " : "", lc.c ? lc.c->label : "", rule->file,
				 rule->line, buf_str(&why));
		}
		buf_release(&why);
		if (res == 1)
			*XPUSH(*hits, nhits, caph) = ci;
	}
	return (long)nhits;
}

/* Add a fired rule's effects to the scores of the candidates they select. */
static void apply_effects(struct advice *a, const struct rule *rule, const size_t *hits,
			  size_t nhits)
{
	for (size_t e = 0; e < rule->neffects; e++) {
		const struct effect *ef = &rule->effects[e];

		if (!rule->per_candidate) {
			for (size_t ci = 0; ci < a->ncands; ci++)
				if (effect_applies(ef, &a->cands[ci]))
					a->cands[ci].score[ef->criterion] += ef->delta;
			continue;
		}
		for (size_t h = 0; h < nhits; h++) {
			struct candidate *c = &a->cands[hits[h]];

			if (effect_applies(ef, c))
				c->score[ef->criterion] += ef->delta;
		}
	}
}

static void mark_would_fire(struct advice *a, const char *id)
{
	for (size_t i = 0; i < a->naccepted; i++)
		if (strcmp(a->accepted[i].id, id) == 0)
			a->accepted[i].would_fire = true;
}

/*
 * Evaluate every rule and apply the effects of those that fired to the
 * scores; a rule the profile accepts is only noted.  With record, the
 * fired rules are kept in a->fired (what-if runs do without).
 */
static int apply_rules(struct advice *a, bool explain, bool record, struct diags *d)
{
	size_t capf = 0;

	for (size_t r = 0; r < a->rs->n; r++) {
		const struct rule *rule = &a->rs->rules[r];
		bool accepted = is_accepted(a->p, rule->id);
		size_t *hits;
		long nhits = eval_rule(a, rule, accepted, explain, &hits, d);
		struct fired_rule *f;

		if (nhits < 0)
			return -1;
		if (nhits && accepted)
			mark_would_fire(a, rule->id);
		if (nhits == 0 || accepted) {
			free(hits);
			continue;
		}
		apply_effects(a, rule, hits, (size_t)nhits);
		if (!record || !rule->per_candidate) {
			free(hits);
			hits = NULL;
			nhits = 0;
		}
		if (!record)
			continue;
		f = XPUSH(a->fired, a->nfired, capf);
		memset(f, 0, sizeof *f);
		f->rule = rule;
		f->cands = hits;
		f->ncands = (size_t)nhits;
	}
	return 0;
}

static int cand_cmp(const void *x, const void *y)
{
	const struct candidate *a = x, *b = y;

	/* Eligible first, then gated, then infeasible (closest to feasible first). */
	if (a->gate_class != b->gate_class)
		return a->gate_class < b->gate_class ? -1 : 1;
	if (a->shortfall != b->shortfall)
		return a->shortfall < b->shortfall ? -1 : 1;
	if (a->total != b->total)
		return a->total > b->total ? -1 : 1;
	/* Equal after clamping: the evidence past 10 still counts. */
	if (a->raw_total != b->raw_total)
		return a->raw_total > b->raw_total ? -1 : 1;
	if (a->score[CRIT_TEAM_FIT] != b->score[CRIT_TEAM_FIT])
		return a->score[CRIT_TEAM_FIT] > b->score[CRIT_TEAM_FIT] ? -1 : 1;
	return strcmp(a->label, b->label);
}

/*
 * The core: capacity, scores, rules, totals, ranking.  Rankings move the
 * candidates, so fired rules keep candidate pointers resolved afterwards.
 */
static int run_core(struct advice *a, bool explain, bool record, struct diags *d)
{
	double best_cores = 0, wsum = 0;
	bool any_feasible = false;
	long lean;
	struct candidate *before;

	derive(a);
	for (size_t i = 0; i < a->ncands; i++)
		capacity_compute(a, &a->cands[i]);
	lean = gate(a);
	if (lean >= 0) {
		best_cores = a->cands[lean].cap.cores_needed;
		any_feasible = true;
	}
	for (size_t i = 0; i < a->ncands; i++) {
		struct candidate *c = &a->cands[i];
		const struct capacity *k = &c->cap;

		c->gate_class = k->eligible ? 0 : k->feasible ? 1 : 2;
		/* With no feasible candidate, the closest to feasible ranks first. */
		c->shortfall = 0;
		if (!any_feasible) {
			c->shortfall = a->p->latency_p99_ms > 0 ? k->latency_ms / a->p->latency_p99_ms : 1;
			if (a->p->memory_mb_per_instance > 0)
				c->shortfall = fmax(c->shortfall, k->memory_mb / a->p->memory_mb_per_instance);
		}
		c->skill = fmax(0, profile_skill(a->p, c->rt->language));
		base_scores(a, c, best_cores);
		memcpy(c->score, c->base, sizeof c->score);
	}
	if (apply_rules(a, explain, record, d) < 0)
		return -1;
	for (int k = 0; k < CRIT__COUNT; k++)
		wsum += a->p->priorities[k];
	for (size_t i = 0; i < a->ncands; i++) {
		struct candidate *c = &a->cands[i];
		double t = 0, raw = 0;

		for (int k = 0; k < CRIT__COUNT; k++) {
			raw += a->p->priorities[k] * c->score[k];
			c->score[k] = clamp10(c->score[k]);
			t += a->p->priorities[k] * c->score[k];
		}
		c->total = wsum > 0 ? t / wsum : 0;
		c->raw_total = wsum > 0 ? raw / wsum : 0;
	}
	/* Sort, remapping the fired rules' candidate indices. */
	before = xmalloc(a->ncands * sizeof *before);
	memcpy(before, a->cands, a->ncands * sizeof *before);
	qsort(a->cands, a->ncands, sizeof *a->cands, cand_cmp);
	for (size_t f = 0; f < a->nfired; f++) {
		for (size_t h = 0; h < a->fired[f].ncands; h++) {
			const char *label = before[a->fired[f].cands[h]].label;

			for (size_t i = 0; i < a->ncands; i++)
				if (a->cands[i].label == label)
					a->fired[f].cands[h] = i;
		}
	}
	free(before);
	a->leanest = -1;
	a->neligible = 0;
	for (size_t i = 0; i < a->ncands; i++) {
		if (a->cands[i].cap.eligible)
			a->neligible++;
		if (a->cands[i].cap.feasible && (a->leanest < 0 || a->cands[i].cap.cores_needed <
							 a->cands[a->leanest].cap.cores_needed))
			a->leanest = (long)i;
	}
	return 0;
}

static bool same_winner(const struct advice *a, const char *rt, const char *model)
{
	return strcmp(a->cands[0].rt->id, rt) == 0 && strcmp(a->cands[0].model->id, model) == 0;
}

/* The winner of a what-if run. */
struct whatif {
	char *label, *rt, *model;	/* NULL when the run had no candidate */
	bool eligible;			/* the gate lets it be recommended */
};

static void whatif_release(struct whatif *w)
{
	free(w->label);
	free(w->rt);
	free(w->model);
	memset(w, 0, sizeof *w);
}

/*
 * Re-run the core on profile p with a's what-if hooks (a probe figure at
 * another value, CPU factors scaled): the whole ranking, gate included.
 */
static int whatif_run(const struct advice *a, const struct profile *p, struct diags *d,
		      struct whatif *out)
{
	struct advice w;
	int rc;

	memset(out, 0, sizeof *out);
	advice_init(&w);
	w.p = p;
	w.ps = a->ps;
	w.kb = a->kb;
	w.rs = a->rs;
	w.replay = a->replay;
	w.whatif_probe = a->whatif_probe;
	w.whatif_value = a->whatif_value;
	w.cpu_factor_scale = a->cpu_factor_scale;
	build_candidates(&w);
	rc = run_core(&w, false, false, d);
	if (rc == 0 && w.ncands) {
		out->label = xstrdup(w.cands[0].label);
		out->rt = xstrdup(w.cands[0].rt->id);
		out->model = xstrdup(w.cands[0].model->id);
		out->eligible = w.cands[0].cap.eligible;
	}
	free(w.excluded);
	cands_free(w.cands, w.ncands);
	return rc;
}

/*
 * Keep a what-if's winner as a flip when it is another candidate and one
 * that may be recommended: a flip to an infeasible or gated design is no
 * answer.  Takes the strings of w either way.
 */
static long cand_index(const struct advice *a, const char *rt, const char *model);

static bool keep_flip(struct advice *a, size_t *cap, struct whatif *w, enum flip_kind kind,
		      char *input, double from, double to, double size)
{
	struct flip *f;
	long c;

	if (w->label == NULL || same_winner(a, w->rt, w->model) || !w->eligible) {
		whatif_release(w);
		free(input);
		return false;
	}
	f = XPUSH(a->flips, a->nflips, *cap);
	f->kind = kind;
	f->input = input;
	f->from = from;
	f->to = to;
	f->size = size;
	f->winner = w->label;
	f->winner_runtime = w->rt;
	f->winner_model = w->model;
	/* The new winner is one of these candidates: its lacked need (mark_lacking). */
	c = cand_index(a, w->rt, w->model);
	f->lacks = c >= 0 ? a->cands[c].lacks : -1;
	memset(w, 0, sizeof *w);
	return true;
}

const char *const flip_kind_names[] = { "profile", "probe", "cpu_factor" };
_Static_assert(ARRAY_SIZE(flip_kind_names) == FLIP__COUNT, "a name for every flip kind");

static int flip_cmp(const void *x, const void *y)
{
	const struct flip *a = x, *b = y;

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	return strcmp(a->input, b->input);
}

bool advice_whatif_value(const char *input, double orig, double value, bool relative,
			 double *out)
{
	const struct profile_range *r = profile_range_of(input);
	double v = relative ? orig * value : value;

	if (r && r->integer)
		v = round(v);
	if (v == orig || !isfinite(v) || (r && !profile_in_range(r, v)))
		return false;
	*out = v;
	return true;
}

/* Try the changes of one input in order of size; keep the first that flips. */
static int try_input(struct advice *a, const char *input, double *field, const double *values,
		     size_t nvalues, bool relative, struct diags *d, size_t *cap)
{
	double orig = *field;

	for (size_t i = 0; i < nvalues; i++) {
		struct whatif w;
		double v;

		if (!advice_whatif_value(input, orig, values[i], relative, &v))
			continue;
		*field = v;
		if (whatif_run(a, a->p, d, &w) < 0) {
			*field = orig;
			return -1;
		}
		*field = orig;
		/* A flip to a design that may not be recommended is no answer: go on. */
		if (keep_flip(a, cap, &w, FLIP_PROFILE, xstrdup(input), orig, v,
			      relative ? fabs(log10(values[i])) : fabs(v - orig) / 5.0))
			return 0;
	}
	return 0;
}

/*
 * Decisive probe figures: re-run the decision with each figure that may
 * decide at its measured min and at its max, one at a time.  A winner
 * that changes there is a flip of kind probe.
 */
static int figure_ends(struct advice *a, struct diags *d, size_t *cap)
{
	for (size_t i = 0; i < a->nprobe_use; i++) {
		const struct probe_result *r = &a->ps->results[i];
		const double ends[2] = { r->st.min, r->st.max };

		if (a->probe_use[i].verdict != FIGV_USED || !(r->st.median > 0))
			continue;
		for (int e = 0; e < 2; e++) {
			struct whatif w;
			int rc;

			if (!(ends[e] > 0) || ends[e] == r->st.median)
				continue;
			a->whatif_probe = r->name;
			a->whatif_value = ends[e];
			rc = whatif_run(a, a->p, d, &w);
			a->whatif_probe = NULL;
			if (rc < 0)
				return -1;
			keep_flip(a, cap, &w, FLIP_PROBE, xstrdup(r->name), r->st.median, ends[e],
				  fabs(log10(ends[e] / r->st.median)));
		}
	}
	return 0;
}

/*
 * CPU factors: re-run the decision with each runtime's CPU factor at the
 * low and at the high end of its range for this work
 * (workload_cpu_factor), one at a time, through the capacity model's
 * per-runtime scale (end / typical, applied to the factor the capacity
 * model uses, which the flip reports as from).  A calibrated runtime has
 * no range.
 */
static int factor_ends(struct advice *a, struct diags *d, size_t *cap)
{
	double *scale = xcalloc(a->kb->nruntimes + 1, sizeof *scale);
	int rc = 0;

	for (size_t i = 0; i < a->kb->nruntimes; i++)
		scale[i] = 1;
	a->cpu_factor_scale = scale;
	for (size_t i = 0; i < a->kb->nruntimes && rc == 0; i++) {
		const struct kb_runtime *rt = &a->kb->runtimes[i];
		struct workload_factor f;
		double used = 0;

		/*
		 * The factor the capacity tables show: what the ends scale.  A
		 * factor replay measured has no range: only estimated ones move.
		 */
		for (size_t c = 0; c < a->ncands && !(used > 0); c++)
			if (a->cands[c].rt == rt && !(a->cands[c].cap.replay_cells & REPLAY_CELL_CPU))
				used = a->cands[c].cap.cpu_factor;
		if (!(used > 0))
			continue;
		workload_cpu_factor(a->p, a->kb, rt, &f);
		for (int e = 0; e < 2 && rc == 0 && f.typical > 0; e++) {
			double end = e == 0 ? f.low : f.high;
			struct whatif w;

			if (!(end > 0) || end == f.typical)
				continue;
			scale[i] = end / f.typical;
			rc = whatif_run(a, a->p, d, &w);
			scale[i] = 1;
			/*
			 * Only a flip between the winner and the runtime whose cost
			 * moved says something: performance is scored against the
			 * leanest candidate, so a cheaper third runtime can reorder
			 * two others, which would read as "a cheaper Rust makes Go
			 * win".
			 */
			if (rc == 0 && w.rt && strcmp(rt->id, a->cands[0].rt->id) != 0 &&
			    strcmp(rt->id, w.rt) != 0)
				whatif_release(&w);
			else if (rc == 0)
				keep_flip(a, cap, &w, FLIP_CPU_FACTOR,
					  xasprintf("cpu_factor.%s", rt->id), used,
					  used * end / f.typical, fabs(log10(end / f.typical)));
		}
	}
	a->cpu_factor_scale = NULL;
	free(scale);
	return rc;
}

/*
 * What would change the answer: the smallest change of each profile input
 * that makes another eligible candidate win (the five smallest are kept),
 * beside the probe figures and CPU factors already in a->flips
 * (figure_ends, factor_ends), all of which are kept.  cap is a->flips's.
 */
static int sensitivity(struct advice *a, struct diags *d, size_t *capp)
{
	/* The profile is const to the engine; what-ifs change a private copy. */
	struct profile copy = *a->p;
	const struct profile *orig = a->p;
	static const double factors[] = { 0.8, 1.25, 0.5, 2, 0.2, 5, 0.1, 10, 0.01, 100 };
	size_t cap = *capp, kept = 0, nprofile = 0;
	int rc = 0;

	copy.skills = xcalloc(orig->languages.n + 1, sizeof *copy.skills);
	if (orig->languages.n)
		memcpy(copy.skills, orig->skills, orig->languages.n * sizeof *copy.skills);
	a->p = &copy;
	for (int k = 0; k < CRIT__COUNT && rc == 0; k++) {
		double vals[10];
		size_t n = 0;
		char *name = xasprintf("priorities.%s", profile_criteria[k]);
		double others = 0;

		for (int j = 0; j < CRIT__COUNT; j++)
			others += j == k ? 0 : orig->priorities[j];
		for (int step = 1; step <= 5; step++) {
			vals[n++] = orig->priorities[k] + step;
			/* Every priority 0 is not a valid profile. */
			if (others > 0 || orig->priorities[k] - step > 0)
				vals[n++] = orig->priorities[k] - step;
		}
		rc = try_input(a, name, &copy.priorities[k], vals, n, false, d, &cap);
		free(name);
	}
	for (size_t k = 0; k < orig->languages.n && rc == 0; k++) {
		double vals[10];
		size_t n = 0;
		char *name = xasprintf("team.skills.%s", orig->languages.v[k]);

		for (int step = 1; step <= 5; step++) {
			vals[n++] = orig->skills[k] + step;
			vals[n++] = orig->skills[k] - step;
		}
		rc = try_input(a, name, &copy.skills[k], vals, n, false, d, &cap);
		free(name);
	}
	if (rc == 0)
		rc = try_input(a, "workload.peak_concurrency", &copy.peak_concurrency, factors,
			       ARRAY_SIZE(factors), true, d, &cap);
	if (rc == 0)
		rc = try_input(a, "workload.cpu_ms_per_request", &copy.cpu_ms_per_request, factors,
			       ARRAY_SIZE(factors), true, d, &cap);
	if (rc == 0)
		rc = try_input(a, "workload.requests_per_second", &copy.requests_per_second,
			       factors, ARRAY_SIZE(factors), true, d, &cap);
	a->p = orig;
	free(copy.skills);
	*capp = cap;
	if (a->nflips > 1)
		qsort(a->flips, a->nflips, sizeof *a->flips, flip_cmp);
	/* The five smallest profile changes, and every probe and CPU-factor flip. */
	for (size_t i = 0; i < a->nflips; i++) {
		struct flip *f = &a->flips[i];

		if (f->kind != FLIP_PROFILE || nprofile++ < 5) {
			a->flips[kept++] = *f;
			continue;
		}
		free(f->input);
		free(f->winner);
		free(f->winner_runtime);
		free(f->winner_model);
	}
	a->nflips = kept;
	return rc;
}

/* ---- tiers (docs/method.md, "Tiers") -------------------------------- */

const char *const tier_role_names[] = { "service", "front", "workers" };
_Static_assert(ARRAY_SIZE(tier_role_names) == TIER_ROLE__COUNT, "a name for every tier role");

static long cand_index(const struct advice *a, const char *rt, const char *model)
{
	for (size_t i = 0; i < a->ncands; i++)
		if (strcmp(a->cands[i].rt->id, rt) == 0 && strcmp(a->cands[i].model->id, model) == 0)
			return (long)i;
	return -1;
}

/*
 * The team's languages, for the front tier: those at 3 of 5 or more, or
 * the strongest when none is; every language when no skill is stated.
 */
static bool team_language(const struct advice *a, const char *language)
{
	double s = profile_skill(a->p, language);

	if (a->dv.best_skill <= 0)
		return true;
	return s >= 3 || (a->dv.best_skill < 3 && s >= a->dv.best_skill);
}

/*
 * Hard needs: those implied by a trait that is not I/O-facing
 * (knowledge/vocabulary.md): local ML inference needs the ML libraries in
 * the process that runs the model, so no score can average them away.  A
 * need only listed in constraints.ecosystem stays a preference.  Returns
 * how many.
 */
static size_t hard_needs(const struct kb *kb, const struct profile *p, bool *need)
{
	size_t n = 0;

	memset(need, 0, kb->vocab.nneeds * sizeof *need);
	for (size_t i = 0; i < p->traits.n; i++) {
		const struct kb_trait *t = kb_trait(kb, p->traits.v[i]);

		if (t == NULL || (t->classes & TRAIT_IO))
			continue;
		for (size_t j = 0; j < t->nneeds; j++)
			need[t->needs[j]] = true;
	}
	for (size_t i = 0; i < kb->vocab.nneeds; i++)
		n += need[i];
	return n;
}

/* The index of need id in the vocabulary, or -1. */
static long need_index(const struct kb *kb, const char *id)
{
	for (size_t i = 0; i < kb->vocab.nneeds; i++)
		if (strcmp(kb->vocab.needs[i].id, id) == 0)
			return (long)i;
	return -1;
}

/* The first need of need[] that rt scores below min of 5 for, or -1. */
static long need_below(const struct kb *kb, const struct kb_runtime *rt, const bool *need,
		       double min)
{
	for (size_t i = 0; i < kb->vocab.nneeds; i++)
		if (need[i] && rt->ecosystem[i] < min)
			return (long)i;
	return -1;
}

/* A tier's load: a copy of the profile with lists of its own. */
struct tier_profile {
	struct profile p;
	struct strlist traits, ecosystem, exclude;
	struct profile_class *mix;
};

static void tier_profile_release(struct tier_profile *t)
{
	strlist_release(&t->traits);
	strlist_release(&t->ecosystem);
	strlist_release(&t->exclude);
	free(t->mix);
}

/*
 * The profile with share of every request's CPU (and of each class of the
 * mix), and the lists the caller fills; I/O, kind and the rest are the
 * caller's to set.
 */
static bool heavy_class(const struct profile_class *c)
{
	return c->cpu_ms >= ADVICE_HEAVY_CLASS_MS;
}

/*
 * Does the mix have both light and heavy classes?  Then a split sends the
 * heavy ones to the workers whole; *heavy gets their share of requests.
 */
static bool mix_splits(const struct profile *p, double *heavy)
{
	size_t n = 0;

	*heavy = 0;
	for (size_t i = 0; i < p->mix.n; i++) {
		if (heavy_class(&p->mix.v[i])) {
			*heavy += p->mix.v[i].share;
			n++;
		}
	}
	return n > 0 && n < p->mix.n;
}

/*
 * A tier's copy of the profile.  share is the share of each request's CPU
 * the tier runs.  With a heavy split (advice.h) the front runs the light
 * classes whole and share of the heavy ones; the workers run only the
 * heavy classes, at share of their CPU, and only their requests.
 */
static void tier_profile_init(struct tier_profile *t, const struct advice *a, double share,
			      enum tier_role role)
{
	const struct profile *p = a->p;
	size_t n = 0;
	double mean = 0, rate = 1, light = 0, lshare = 0;

	memset(t, 0, sizeof *t);
	t->p = *p;
	t->p.cpu_ms_per_request = p->cpu_ms_per_request * share;
	if (p->mix.n) {
		/*
		 * With a heavy split the front takes a heavy request in, queues
		 * it and answers: the cost of a light request (their mean), not a
		 * share of the heavy work; the workers run the rest of it.
		 */
		for (size_t i = 0; a->heavy_split && i < p->mix.n; i++) {
			if (!heavy_class(&p->mix.v[i])) {
				light += p->mix.v[i].share * p->mix.v[i].cpu_ms;
				lshare += p->mix.v[i].share;
			}
		}
		light = lshare > 0 ? light / lshare : 0;
		if (a->heavy_split && role == TIER_WORKERS)
			rate = a->heavy_share;
		t->mix = xcalloc(p->mix.n, sizeof *t->mix);
		for (size_t i = 0; i < p->mix.n; i++) {
			struct profile_class c = p->mix.v[i];

			if (a->heavy_split && role == TIER_WORKERS && !heavy_class(&c))
				continue;
			if (!a->heavy_split)
				c.cpu_ms *= share;
			else if (heavy_class(&c))
				c.cpu_ms = role == TIER_FRONT ? fmin(light, c.cpu_ms)
							      : c.cpu_ms - fmin(light, c.cpu_ms);
			c.share /= rate;
			mean += c.share * c.cpu_ms;
			t->mix[n++] = c;
		}
		t->p.mix.v = t->mix;
		t->p.mix.n = n;
		t->p.cpu_ms_per_request = mean;
		t->p.requests_per_second = p->requests_per_second * rate;
	}
	for (size_t i = 0; i < p->exclude.n; i++)
		strlist_push(&t->exclude, p->exclude.v[i]);
}

static void tier_profile_done(struct tier_profile *t)
{
	t->p.traits = t->traits;
	t->p.ecosystem = t->ecosystem;
	t->p.exclude = t->exclude;
	t->p.assumed[PF_TRAITS] = false;
	t->p.assumed[PF_ECOSYSTEM] = false;
	t->p.assumed[PF_EXCLUDE] = false;
}

static void exclude_runtime(struct tier_profile *t, const char *id)
{
	if (!strlist_has(&t->exclude, id))
		strlist_push(&t->exclude, id);
}

/*
 * The front tier's load: every request and connection, the I/O wait, and
 * the web share of the CPU (parsing, routing, serialising); the I/O-facing
 * traits; runtimes in the team's languages.
 */
static void front_profile(const struct advice *a, const bool *hard, struct tier_profile *t)
{
	const struct profile *p = a->p;
	double io = a->dv.io_ms_per_request;

	tier_profile_init(t, a, a->front_share, TIER_FRONT);
	t->p.kind = KIND_IO;
	t->p.io_wait_fraction = io > 0 && t->p.cpu_ms_per_request > 0
					? io / (io + t->p.cpu_ms_per_request) : 0;
	t->p.native_share = 0;
	t->p.assumed[PF_NATIVE_SHARE] = false;
	for (size_t i = 0; i < p->traits.n; i++) {
		const struct kb_trait *k = kb_trait(a->kb, p->traits.v[i]);

		if (k && (k->classes & TRAIT_IO))
			strlist_push(&t->traits, p->traits.v[i]);
	}
	for (size_t i = 0; i < p->ecosystem.n; i++) {
		long n = need_index(a->kb, p->ecosystem.v[i]);

		if (n < 0 || !hard[n])
			strlist_push(&t->ecosystem, p->ecosystem.v[i]);
	}
	for (size_t i = 0; i < a->kb->nruntimes; i++)
		if (!team_language(a, a->kb->runtimes[i].language))
			exclude_runtime(t, a->kb->runtimes[i].id);
	tier_profile_done(t);
}

/*
 * The worker tier's load: the rest of the CPU of every request, taken from
 * a queue (no I/O wait, in flight by Little's law), the traits that are not
 * I/O-facing, and only runtimes with the hard needs' libraries.
 */
static void workers_profile(const struct advice *a, const bool *hard, struct tier_profile *t)
{
	const struct profile *p = a->p;
	struct workload_classes wc;
	double cpu_part;

	workload_classes(p, a->kb, &wc);
	cpu_part = wc.share[KB_NATIVE] + wc.share[KB_COMPUTE];
	tier_profile_init(t, a, 1 - a->front_share, TIER_WORKERS);
	t->p.kind = KIND_CPU;
	t->p.io_wait_fraction = 0;
	t->p.peak_concurrency = fmax(1, ceil(p->requests_per_second * t->p.cpu_ms_per_request / 1000));
	t->p.native_share = cpu_part > 0 ? wc.share[KB_NATIVE] / cpu_part : 0;
	t->p.assumed[PF_NATIVE_SHARE] = false;
	for (size_t i = 0; i < p->traits.n; i++) {
		const struct kb_trait *k = kb_trait(a->kb, p->traits.v[i]);

		if (!k || !(k->classes & TRAIT_IO))
			strlist_push(&t->traits, p->traits.v[i]);
	}
	/* The needs of the I/O-facing traits (web libraries) are the front's. */
	for (size_t i = 0; i < p->ecosystem.n; i++) {
		long n = need_index(a->kb, p->ecosystem.v[i]);
		bool front_need = false;

		for (size_t j = 0; n >= 0 && !hard[n] && j < p->traits.n; j++) {
			const struct kb_trait *k = kb_trait(a->kb, p->traits.v[j]);

			for (size_t h = 0; k && (k->classes & TRAIT_IO) && h < k->nneeds; h++)
				front_need |= k->needs[h] == (size_t)n;
		}
		if (!front_need)
			strlist_push(&t->ecosystem, p->ecosystem.v[i]);
	}
	for (size_t i = 0; i < a->kb->nruntimes; i++)
		if (need_below(a->kb, &a->kb->runtimes[i], hard, ADVICE_TIER_NEED_MIN) >= 0)
			exclude_runtime(t, a->kb->runtimes[i].id);
	tier_profile_done(t);
}

static void tier_release(struct tier *t)
{
	free(t->label);
	free(t->why);
	memset(t, 0, sizeof *t);
}

/*
 * Size one tier: the same candidates, capacity, scores, rules and gate as
 * the main ranking, on the tier's load.  Its design is the best eligible
 * candidate; *found is false when none is.
 */
static int size_tier(const struct advice *a, const struct tier_profile *tp, enum tier_role role,
		     struct tier *out, bool *found, struct diags *d)
{
	struct advice w;
	int rc = 0;

	*found = false;
	advice_init(&w);
	w.p = &tp->p;
	w.ps = a->ps;
	w.kb = a->kb;
	w.rs = a->rs;
	w.replay = a->replay;
	w.queue_fed = role == TIER_WORKERS;
	build_candidates(&w);
	if (w.ncands)
		rc = run_core(&w, false, false, d);
	if (rc == 0 && w.ncands && w.cands[0].cap.eligible) {
		const struct candidate *c = &w.cands[0];

		memset(out, 0, sizeof *out);
		out->role = role;
		out->rt = c->rt;
		out->model = c->model;
		out->label = xstrdup(c->label);
		out->cand = cand_index(a, c->rt->id, c->model->id);
		out->rps = tp->p.requests_per_second;
		out->cpu_ms = tp->p.cpu_ms_per_request;
		out->io_ms = w.dv.io_ms_per_request;
		out->cap = c->cap;
		*found = out->cand >= 0;
		if (!*found)
			tier_release(out);
	}
	free(w.excluded);
	cands_free(w.cands, w.ncands);
	return rc;
}

/* See struct fired_rule: the candidates each fired rule applies to, in rank order. */
static void applies_to(struct advice *a)
{
	for (size_t i = 0; i < a->nfired; i++) {
		struct fired_rule *f = &a->fired[i];

		f->applies = xcalloc(a->ncands + 1, sizeof *f->applies);
		f->napplies = 0;
		for (size_t c = 0; c < a->ncands; c++) {
			bool fired_for = !f->rule->per_candidate, changed = f->rule->neffects == 0;

			for (size_t h = 0; h < f->ncands; h++)
				fired_for |= f->cands[h] == c;
			for (size_t e = 0; e < f->rule->neffects; e++)
				changed |= effect_applies(&f->rule->effects[e], &a->cands[c]);
			if (fired_for && changed)
				f->applies[f->napplies++] = c;
		}
	}
}

/* "javascript and python" */
static void team_languages_text(const struct advice *a, struct buf *b)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < a->p->languages.n; i++)
		n += team_language(a, a->p->languages.v[i]);
	for (size_t i = 0; i < a->p->languages.n; i++)
		if (team_language(a, a->p->languages.v[i]))
			buf_addf(b, "%s%s", k++ == 0 ? "" : k == n ? " and " : ", ",
				 a->p->languages.v[i]);
}

/* The names of the mix's heavy (or light) classes: "pdf-render", else "300 ms". */
static void mix_names(const struct profile *p, bool heavy, struct buf *b)
{
	size_t k = 0;

	for (size_t i = 0; i < p->mix.n; i++) {
		const struct profile_class *c = &p->mix.v[i];

		if (heavy_class(c) != heavy)
			continue;
		if (k++)
			buf_adds(b, ", ");
		if (c->name)
			buf_adds(b, c->name);
		else
			buf_addf(b, "%.3g ms", c->cpu_ms);
	}
}

static void tier_whys(struct advice *a, struct tier *front, struct tier *workers,
		      const bool *hard, size_t nhard)
{
	struct buf b = BUF_INIT;

	if (a->heavy_split) {
		buf_adds(&b, "the connections and the I/O, the light requests (");
		mix_names(a->p, false, &b);
		buf_adds(&b, ") whole, and taking in the heavy ones at the cost of a light one: the "
			 "best design for that load in the team's languages (");
	} else {
		buf_addf(&b, "the connections and the I/O, with the web share of the CPU (%.0f%%): "
			 "the best design for that load in the team's languages (",
			 a->front_share * 100);
	}
	team_languages_text(a, &b);
	buf_adds(&b, ")");
	front->why = buf_detach(&b);
	if (a->heavy_split) {
		buf_adds(&b, "the heavy requests (");
		mix_names(a->p, true, &b);
		buf_addf(&b, ", %.3g%% of the requests), taken from a queue", a->heavy_share * 100);
	} else {
		buf_addf(&b, "the CPU-heavy share (%.0f%%), taken from a queue",
			 (1 - a->front_share) * 100);
	}
	if (nhard) {
		size_t k = 0;

		buf_adds(&b, "; only runtimes with libraries for ");
		for (size_t i = 0; i < a->kb->vocab.nneeds; i++)
			if (hard[i])
				buf_addf(&b, "%s%s", k++ == 0 ? "" : k == nhard ? " and " : ", ",
					 a->kb->vocab.needs[i].id);
		buf_addf(&b, " at %d of 5 or more", ADVICE_TIER_NEED_MIN);
	}
	workers->why = buf_detach(&b);
}

/*
 * The recommendation's tiers.  One service tier (the winner) unless the
 * workload splits: kind mixed, I/O-facing traits with CPU-heavy ones, or a
 * hard need the winner's runtime lacks.  Then a front tier and a worker
 * tier are sized, and two tiers are recommended when the split pays: the
 * winner lacks a hard need, no single design is eligible, the profile
 * names jobs beside its requests, or one service needs more than 1.2x the
 * two tiers' cores.  Otherwise one tier, and tiers_why says why.
 */
static int tiers(struct advice *a, struct diags *d)
{
	const struct profile *p = a->p;
	const struct candidate *w = &a->cands[0], *one;
	bool *hard = xcalloc(a->kb->vocab.nneeds + 1, sizeof *hard);
	size_t nhard = hard_needs(a->kb, p, hard);
	long lacked = w->lacks;
	bool io = kb_traits_have(a->kb, &p->traits, TRAIT_IO);
	bool cpu = kb_traits_have(a->kb, &p->traits, TRAIT_CPU);
	bool jobs = io && kb_traits_have(a->kb, &p->traits, TRAIT_JOBS);
	struct tier_profile fp, wp;
	struct tier front = { 0 }, workers = { 0 };
	struct workload_classes wc;
	bool ffound = false, wfound = false;
	double sum, pays;
	struct buf b = BUF_INIT;
	int rc = 0;

	/* The service tier: the winner with the whole workload. */
	a->ntiers = 1;
	a->tiers[0].role = TIER_SERVICE;
	a->tiers[0].rt = w->rt;
	a->tiers[0].model = w->model;
	a->tiers[0].label = xstrdup(w->label);
	a->tiers[0].cand = 0;
	a->tiers[0].rps = p->requests_per_second;
	a->tiers[0].cpu_ms = p->cpu_ms_per_request;
	a->tiers[0].io_ms = a->dv.io_ms_per_request;
	a->tiers[0].cap = w->cap;
	a->tiers[0].why = xstrdup("the whole workload: the ranking's winner");
	a->winner_lacks = lacked;
	a->split_considered = p->kind == KIND_MIXED || (io && cpu) || lacked >= 0;
	if (!a->split_considered) {
		free(hard);
		return 0;
	}
	workload_classes(p, a->kb, &wc);
	a->front_share = fmax(ADVICE_TIER_MIN_FRONT_SHARE, wc.share[KB_WEB]);
	a->heavy_split = mix_splits(p, &a->heavy_share);
	front_profile(a, hard, &fp);
	workers_profile(a, hard, &wp);
	rc = size_tier(a, &fp, TIER_FRONT, &front, &ffound, d);
	if (rc == 0)
		rc = size_tier(a, &wp, TIER_WORKERS, &workers, &wfound, d);
	tier_profile_release(&fp);
	tier_profile_release(&wp);
	if (rc < 0 || !ffound || !wfound) {
		if (rc == 0)
			a->tiers_why = xasprintf("The workload splits, but no eligible design serves "
						 "the %s tier on its own, so one service runs it all.",
						 !ffound ? "front" : "worker");
		tier_release(&front);
		tier_release(&workers);
		free(hard);
		return rc;
	}
	sum = front.cap.cores_needed + workers.cap.cores_needed;
	/*
	 * One service to compare with: the winner, or one service of either
	 * tier's design when that is eligible and leaner, so that a split
	 * never claims a saving that comes from a design, not from the split.
	 */
	one = w;
	for (size_t i = 0; i < 2; i++) {
		const struct candidate *c = &a->cands[i == 0 ? front.cand : workers.cand];

		/* A design that lacks a hard need cannot be the one service. */
		if (c->cap.eligible && c->cap.cores_needed < one->cap.cores_needed &&
		    need_below(a->kb, c->rt, hard, ADVICE_TIER_LACKS_BELOW) < 0)
			one = c;
	}
	pays = front.rt == workers.rt ? ADVICE_TIER_PAYS_RATIO : ADVICE_TIER_PAYS_RATIO_POLYGLOT;
	if (lacked >= 0) {
		buf_addf(&b, "%s lacks the libraries the work needs (%s at %.0f of 5), so the "
			 "CPU-heavy work runs on %s workers, fed through a queue.", w->rt->name,
			 a->kb->vocab.needs[lacked].id, w->rt->ecosystem[lacked], workers.rt->name);
	} else if (!w->cap.eligible) {
		buf_addf(&b, "No single design is eligible (%s); split, each tier meets its own "
			 "load.", w->cap.gate_reason);
	} else if (jobs) {
		buf_adds(&b, "The profile names jobs beside its requests (");
		for (size_t i = 0, k = 0; i < p->traits.n; i++) {
			const struct kb_trait *t = kb_trait(a->kb, p->traits.v[i]);

			if (t && (t->classes & TRAIT_JOBS))
				buf_addf(&b, "%s%s", k++ ? ", " : "", t->id);
		}
		buf_addf(&b, "): jobs are queued work, so they run on workers of their own and "
			 "the front keeps answering; the two tiers need %s cores against %s "
			 "for one service.", cap_num(sum).s, cap_num(w->cap.cores_needed).s);
	} else if (one->cap.cores_needed > pays * sum) {
		buf_addf(&b, "The split saves cores: the two tiers need %s against %s for "
			 "one service of %s.", cap_num(sum).s, cap_num(one->cap.cores_needed).s,
			 one->label);
	} else {
		char *alt = one == w ? xstrdup("") : xasprintf(", or %s for one service of %s, "
							       "the leaner design of either tier",
							       cap_num(one->cap.cores_needed).s,
							       one->label);

		a->tiers_why = xasprintf("A split into a front tier of %s and a worker tier of %s "
					 "does not pay: they would need %s cores (%s in front, "
					 "%s for the workers) against %s for one service of %s%s, "
					 "and a split must save more than %.1fx%s%s%s%s; so one "
					 "service.", front.label, workers.label, cap_num(sum).s,
					 cap_num(front.cap.cores_needed).s,
					 cap_num(workers.cap.cores_needed).s,
					 cap_num(w->cap.cores_needed).s, w->label, alt,
					 pays, front.rt == workers.rt ? "" : ", what a second runtime "
					 "must save", nhard ? ", and " : "",
					 nhard ? w->rt->name : "",
					 nhard ? " has the libraries the work needs" : "");
		free(alt);
		tier_release(&front);
		tier_release(&workers);
		free(hard);
		return 0;
	}
	a->tiers_why = buf_detach(&b);
	tier_whys(a, &front, &workers, hard, nhard);
	tier_release(&a->tiers[0]);
	a->tiers[0] = front;
	a->tiers[1] = workers;
	a->ntiers = 2;
	a->hybrid.present = true;
	a->hybrid.gateway = (size_t)front.cand;
	a->hybrid.worker = (size_t)workers.cand;
	a->hybrid.why = xstrdup(a->tiers_why);
	free(hard);
	return 0;
}

static void render_rationales(struct advice *a)
{
	for (size_t i = 0; i < a->nfired; i++) {
		struct fired_rule *f = &a->fired[i];
		struct look_ctx lc = { a, NULL };
		size_t best = (size_t)-1;

		/*
		 * Per-candidate rules speak of the best-ranked candidate they
		 * apply to (or, should their effects change none, touched).
		 */
		for (size_t h = 0; h < f->ncands; h++)
			if (f->cands[h] < best)
				best = f->cands[h];
		if (f->rule->per_candidate && f->napplies)
			best = f->applies[0];
		if (best != (size_t)-1)
			lc.c = &a->cands[best];
		f->rationale = rule_render(f->rule, f->rule->rationale, look, &lc);
		if (f->rule->risk)
			f->risk = rule_render(f->rule, f->rule->risk, look, &lc);
	}
}

/* Each candidate's lacked hard need (struct candidate): for the tiers, the flips and the notes. */
static void mark_lacking(struct advice *a)
{
	bool *hard = xcalloc(a->kb->vocab.nneeds + 1, sizeof *hard);
	bool any = hard_needs(a->kb, a->p, hard) > 0;

	for (size_t i = 0; i < a->ncands; i++)
		a->cands[i].lacks = any ? need_below(a->kb, a->cands[i].rt, hard,
						     ADVICE_TIER_LACKS_BELOW) : -1;
	free(hard);
}

/* See struct fired_rule: did the rule fire for the winner and move its scores? */
static bool touches_winner(const struct advice *a, const struct fired_rule *f)
{
	bool fired_for = !f->rule->per_candidate;

	for (size_t h = 0; h < f->ncands; h++)
		fired_for |= f->cands[h] == 0;
	if (!fired_for)
		return false;
	if (f->rule->neffects == 0)
		return true;
	for (size_t e = 0; e < f->rule->neffects; e++)
		if (effect_applies(&f->rule->effects[e], &a->cands[0]))
			return true;
	return false;
}

/* What a rule's effects add to the winner's total, each weighted by its priority. */
static double weight_on_winner(const struct advice *a, const struct fired_rule *f)
{
	double sum = 0;

	for (size_t e = 0; e < f->rule->neffects; e++) {
		const struct effect *ef = &f->rule->effects[e];

		if (effect_applies(ef, &a->cands[0]))
			sum += ef->delta * a->p->priorities[ef->criterion];
	}
	return sum;
}

/*
 * Mark the rules on the winner and pick the reasons: of those, the ones
 * whose effects most raise the winner's weighted total (the first fired
 * wins a tie).
 */
static void reasons(struct advice *a)
{
	double best[ADVICE_MAX_REASONS];

	a->nreasons = 0;
	for (size_t i = 0; i < a->nfired; i++) {
		struct fired_rule *f = &a->fired[i];
		double sum;
		size_t k;

		f->on_winner = touches_winner(a, f);
		sum = f->on_winner ? weight_on_winner(a, f) : 0;
		if (sum <= 0)
			continue;
		for (k = a->nreasons; k > 0 && sum > best[k - 1]; k--) {
			if (k < ADVICE_MAX_REASONS) {
				best[k] = best[k - 1];
				a->reasons[k] = a->reasons[k - 1];
			}
		}
		if (k >= ADVICE_MAX_REASONS)
			continue;
		best[k] = sum;
		a->reasons[k] = i;
		if (a->nreasons < ADVICE_MAX_REASONS)
			a->nreasons++;
	}
}

const char *const risk_kind_names[] = { "rule", "capacity", "head-of-line-blocking", "close-call",
					 "assumed-inputs", "probe-figures", "split" };
_Static_assert(ARRAY_SIZE(risk_kind_names) == RISK__COUNT, "a name for every risk kind");

static struct advice_risk *add_risk(struct advice *a, size_t *cap, enum risk_kind kind,
				    char *text, char *mitigation)
{
	struct advice_risk *r = XPUSH(a->risks, a->nrisks, *cap);

	r->kind = kind;
	r->fired = 0;
	r->text = text;
	r->mitigation = mitigation;
	return r;
}

/* "a, b and c" of the assumed inputs' words. */
static char *assumed_words(const struct advice *a)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < a->nassumed_inputs; i++)
		buf_addf(&b, "%s%s", i == 0 ? "" : i + 1 == a->nassumed_inputs ? " and " : ", ",
			 a->assumed_inputs[i]->words);
	return buf_detach(&b);
}

/*
 * The winner's risks: those of the rules on the winner, then capacity, a
 * close call and assumed inputs.  Run after confidence.
 */
static void risks(struct advice *a)
{
	const struct candidate *w = &a->cands[0];
	int planned = a->p->instances;
	size_t cap = 0;

	for (size_t i = 0; i < a->nfired; i++) {
		const struct fired_rule *f = &a->fired[i];

		if (f->risk && f->on_winner)
			add_risk(a, &cap, RISK_RULE, xstrdup(f->risk),
				 xstrdup(f->rule->mitigation ? f->rule->mitigation : "none stated."))
				->fired = i;
	}
	if (a->ntiers == 2) {
		const struct tier *f = &a->tiers[0], *k = &a->tiers[1];
		double sum = f->cap.cores_needed + k->cap.cores_needed;

		if (sum > a->dv.planned_cores)
			add_risk(a, &cap, RISK_CAPACITY,
				 xasprintf("The plan has %d instance%s of %g cores (%g cores) but the "
					   "two tiers need %g cores: %g in front (%s) and %g for the "
					   "workers (%s).", planned, planned == 1 ? "" : "s",
					   a->dv.instance_cores, a->dv.planned_cores, sum,
					   f->cap.cores_needed, f->cap.shape, k->cap.cores_needed,
					   k->cap.shape),
				 xasprintf("plan for %g cores, or reduce CPU per request.", sum));
	} else if (w->cap.feasible && !w->cap.meets_target)
		add_risk(a, &cap, RISK_CAPACITY,
			 xasprintf("The plan has %d instance%s of %g cores (%g cores) but the estimate "
				   "needs %g cores: %s (%s).", planned, planned == 1 ? "" : "s",
				   a->dv.instance_cores, a->dv.planned_cores, w->cap.cores_needed,
				   w->cap.shape, w->cap.limit),
			 xasprintf("plan for %g cores, or reduce CPU per request.",
				   w->cap.cores_needed));
	else if (!w->cap.feasible)
		add_risk(a, &cap, RISK_CAPACITY,
			 xasprintf("No candidate meets the target at any size; this one comes "
				   "closest: %s.", w->cap.limit),
			 xstrdup("revisit the latency budget or the work per request."));
	if (a->ntiers == 2)
		add_risk(a, &cap, RISK_SPLIT,
			 a->tiers[0].rt == a->tiers[1].rt
				 ? xstrdup("The queue between the tiers is one more system to run, "
					   "and its backlog becomes the latency of the requests the "
					   "workers serve.")
				 : xasprintf("Two runtimes (%s and %s) to build, deploy and monitor, "
					     "and a queue between them whose backlog becomes the "
					     "latency of the requests the workers serve.",
					     a->tiers[0].rt->name, a->tiers[1].rt->name),
			 xstrdup("define the job message schema first, monitor queue depth and "
				 "age, and scale the worker tier on its backlog."));
	/* Head-of-line blocking where the slow class runs: the service, or a tier. */
	for (size_t i = 0; i < (a->ntiers == 2 ? 2 : 1); i++) {
		const struct capacity *k = a->ntiers == 2 ? &a->tiers[i].cap : &w->cap;
		char *cls, *where;

		if (!k->feasible || !(k->hol_ms > 0))
			continue;
		cls = k->hol_class ? xasprintf("a request of the '%s' class", k->hol_class)
				   : xstrdup("a slow request");
		where = a->ntiers == 2 ? xasprintf("In the %s tier one thread", tier_role_names[
						   a->tiers[i].role]) : xstrdup("One thread");
		add_risk(a, &cap, RISK_BLOCKING,
			 xasprintf("%s runs each request to its end, so %s (%.0f ms of CPU in this "
				   "runtime) blocks every other request of its process while it "
				   "runs; the p99 above counts that wait.", where, cls, k->hol_ms),
			 xstrdup(a->ntiers == 2 ? "cut the slow class's CPU time, or give it "
				 "workers of its own." : "move the slow class to a worker tier or a "
				 "thread pool, or cut its CPU time."));
		free(where);
		free(cls);
	}
	/* Low for the margin itself, not for the figures (RISK_FIGURES says that). */
	if (a->margin_confidence < 0.6)
		add_risk(a, &cap, RISK_CLOSE_CALL,
			 xstrdup("The top candidates are within a few tenths of a point."),
			 xstrdup("prototype the riskiest path in the top two and measure before "
				 "committing."));
	if (a->nconfidence_notes) {
		struct buf t = BUF_INIT;

		for (size_t i = 0; i < a->nconfidence_notes; i++)
			buf_addf(&t, "%s%s", i ? " " : "", a->confidence_notes[i]);
		add_risk(a, &cap, RISK_FIGURES, buf_detach(&t),
			 xstrdup(a->busy_machine ? "probe again on a quiet machine "
				 "(advisor probe -o probes.json) and pass --probes-from."
				 : "measure the deciding figure on the production instance type (for a "
				 "CPU factor, state the measured one under calibration), or prototype "
				 "the top two and compare."));
	}
	if (a->nassumed_inputs) {
		char *words = assumed_words(a);

		add_risk(a, &cap, RISK_ASSUMED, xstrdup(""), xasprintf("state %s in the profile.", words));
		free(words);
	}
}

/* ---- what the report shows of the probes ----------------------------- */

static enum probe_origin probe_origin(const struct probe_set *ps)
{
	if (ps == NULL)
		return PROBES_NONE;
	/* The loader tags a set it read from a cache (probe.h). */
	return ps->source && strncmp(ps->source, "cache ", 6) == 0 ? PROBES_CACHE
								   : PROBES_MEASURED;
}

/* A probe figure's median in microseconds, or 0 when it is not an operation's cost. */
static double time_us(const struct probe_result *r)
{
	if (strcmp(r->unit, "ns") == 0)
		return r->st.median * 1e-3;
	if (strcmp(r->unit, "us") == 0)
		return r->st.median;
	/* Millisecond figures (a loop's timer lag) are lateness, not a cost. */
	return 0;
}

static int us_cmp(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/*
 * Add a chart of the figures of ps whose value (per pick) lies in [lo, hi),
 * in probe order, each scaled by scale into unit.
 */
static void add_chart(struct advice *a, size_t *cap, const char *title, const char *unit,
		      const char *unit_words, double lo, double hi, double scale,
		      double (*pick)(const struct probe_result *))
{
	struct chart c = { .unit = unit, .unit_words = unit_words };
	size_t capb = 0;

	snprintf(c.title, sizeof c.title, "%s", title);
	for (size_t i = 0; i < a->ps->nresults; i++) {
		const struct probe_result *r = &a->ps->results[i];
		double v = pick(r), s = v > 0 ? v / r->st.median * scale : 0;
		struct chart_bar *bar;

		if (!(v > 0) || v < lo || v >= hi)
			continue;
		bar = XPUSH(c.bars, c.nbars, capb);
		memset(bar, 0, sizeof *bar);
		bar->name = r->name;
		bar->median = r->st.median * s;
		bar->min = r->st.min * s;
		bar->max = r->st.max * s;
		bar->noisy = r->noisy;
	}
	if (c.nbars)
		*XPUSH(a->charts, a->ncharts, *cap) = c;
	else
		free(c.bars);
}

static double speedup_of(const struct probe_result *r)
{
	return strcmp(r->unit, "x") == 0 ? r->st.median : 0;
}

/*
 * Replay's chart: the maximum rate of every candidate it measured, in
 * manifest order, split (rarely) so that no chart holds rates more than
 * ADVICE_CHART_SPAN apart.
 */
static void replay_charts(struct advice *a, size_t *cap)
{
	const struct replay_set *rs = a->ps->replay;
	double top = 0, floor_;
	int ngroups = 1;

	if (rs == NULL)
		return;
	for (size_t i = 0; i < rs->ncands; i++)
		if (rs->cands[i].measured && rs->cands[i].max_rps > 0)
			top = fmax(top, rs->cands[i].max_rps);
	if (!(top > 0))
		return;
	floor_ = top / ADVICE_CHART_SPAN;
	for (size_t i = 0; i < rs->ncands; i++)
		if (rs->cands[i].measured && rs->cands[i].max_rps > 0 &&
		    rs->cands[i].max_rps < floor_)
			ngroups = 2;
	for (int g = 0; g < ngroups; g++) {
		struct chart c = { .unit = "req/s", .unit_words = "requests per second",
				   .replay = true };
		size_t capb = 0;

		if (ngroups > 1)
			snprintf(c.title, sizeof c.title, "Max rate, p99 within budget, %d of 2", g + 1);
		else
			snprintf(c.title, sizeof c.title, "Max rate, p99 within budget");
		for (size_t i = 0; i < rs->ncands; i++) {
			const struct replay_candidate *rc = &rs->cands[i];
			struct chart_bar *bar;

			if (!rc->measured || !(rc->max_rps > 0) || (rc->max_rps < floor_) != (g == 1))
				continue;
			bar = XPUSH(c.bars, c.nbars, capb);
			memset(bar, 0, sizeof *bar);
			snprintf(bar->label, sizeof bar->label, "%s/%s", rc->runtime, rc->model);
			bar->median = bar->min = bar->max = rc->max_rps;
			bar->p99 = isfinite(rc->p99_ms) ? rc->p99_ms : 0;
		}
		for (size_t i = 0; i < c.nbars; i++)
			c.bars[i].name = c.bars[i].label;
		if (c.nbars)
			*XPUSH(a->charts, a->ncharts, *cap) = c;
		else
			free(c.bars);
	}
}

/*
 * The charts of the probe figures: the costs of one operation, split so
 * that no chart holds figures more than ADVICE_CHART_SPAN apart (a
 * nanosecond switch and a sub-millisecond fork on one linear axis would
 * hide the first), each in the unit that suits it; then the speed-ups.
 */
static void charts(struct advice *a)
{
	size_t cap = 0, n = 0, ngroups = 0;
	double *us, starts[16];

	if (a->ps == NULL)
		return;
	us = xcalloc(a->ps->nresults + 1, sizeof *us);
	for (size_t i = 0; i < a->ps->nresults; i++)
		if (time_us(&a->ps->results[i]) > 0)
			us[n++] = time_us(&a->ps->results[i]);
	qsort(us, n, sizeof *us, us_cmp);
	for (size_t i = 0; i < n; i++)
		if ((ngroups == 0 || us[i] > starts[ngroups - 1] * ADVICE_CHART_SPAN) &&
		    ngroups < ARRAY_SIZE(starts))
			starts[ngroups++] = us[i];
	for (size_t g = 0; g < ngroups; g++) {
		double lo = starts[g], hi = g + 1 < ngroups ? starts[g + 1] : INFINITY;
		double top = lo;
		char title[80];	/* room for two size_t: -Wformat-truncation */

		for (size_t i = 0; i < n; i++)
			if (us[i] >= lo && us[i] < hi)
				top = us[i];
		/* Groups in nanoseconds and in microseconds read apart by their unit. */
		if (ngroups > 2 || (ngroups == 2 && (top < 1) == (starts[1 - g] < 1)))
			snprintf(title, sizeof title, "Cost of one operation, %d of %d", (int)g + 1,
				 (int)ngroups);
		else
			snprintf(title, sizeof title, "Cost of one operation");
		if (top < 1)
			add_chart(a, &cap, title, "ns", "nanoseconds", lo, hi, 1e3, time_us);
		else
			add_chart(a, &cap, title, "us", "microseconds", lo, hi, 1, time_us);
	}
	free(us);
	add_chart(a, &cap, "Speed-up on all cores", "x", "x", 0, INFINITY, 1, speedup_of);
	replay_charts(a, &cap);
}

static int decision_cmp(const void *x, const void *y)
{
	const struct decision_bar *a = x, *b = y;

	/*
	 * Feasible by value, leanest first, ties in rank order (so the first
	 * bar is advice.leanest); infeasible last, in rank order.
	 */
	if ((a->mark == DECISION_INFEASIBLE) != (b->mark == DECISION_INFEASIBLE))
		return a->mark == DECISION_INFEASIBLE ? 1 : -1;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	return (a->cand > b->cand) - (a->cand < b->cand);
}

/*
 * The decision chart (advice.h): cores needed per candidate, or their
 * monthly cost, leanest first, with the gate; the axis ends at
 * ADVICE_DECISION_SPAN times the leanest when some candidate lies past
 * that, and those are marked off the scale.
 */
static void decision_chart(struct advice *a)
{
	struct decision_chart *dc = &a->decision;
	double price = a->p->cost_per_core_month, top = 0;

	memset(dc, 0, sizeof *dc);
	if (a->leanest < 0)
		return;
	dc->cost = price > 0;
	dc->per_core = price;
	dc->unit = dc->cost ? "per month" : "cores";
	snprintf(dc->title, sizeof dc->title, "%s", dc->cost ? "Monthly cost at peak"
							       : "Cores needed at peak");
	dc->bars = xcalloc(a->ncands, sizeof *dc->bars);
	dc->nbars = a->ncands;
	for (size_t i = 0; i < a->ncands; i++) {
		const struct candidate *c = &a->cands[i];
		struct decision_bar *b = &dc->bars[i];

		snprintf(b->id, sizeof b->id, "%s/%s", c->rt->id, c->model->id);
		b->cand = i;
		b->winner = i == 0;
		if (!c->cap.feasible) {
			b->mark = DECISION_INFEASIBLE;
			continue;
		}
		dc->nfeasible++;
		b->mark = c->cap.eligible ? DECISION_ELIGIBLE : DECISION_GATED;
		b->cores = c->cap.cores_needed;
		b->value = dc->cost ? b->cores * price : b->cores;
		top = fmax(top, b->value);
	}
	qsort(dc->bars, dc->nbars, sizeof *dc->bars, decision_cmp);
	dc->gate_ratio = CAP_DEFAULT_GATE_RATIO;
	dc->leanest = dc->bars[0].value;
	dc->gate = dc->gate_ratio * dc->leanest;
	dc->axis_max = fmax(top, dc->gate);
	if (dc->leanest > 0 && top > ADVICE_DECISION_SPAN * dc->leanest) {
		dc->axis_max = ADVICE_DECISION_SPAN * dc->leanest;
		for (size_t i = 0; i < dc->nfeasible; i++) {
			dc->bars[i].off_scale = dc->bars[i].value > dc->axis_max;
			dc->noff_scale += dc->bars[i].off_scale;
		}
	}
}

/* The key inputs, in the order the report names them. */
static const struct key_input key_inputs[] = {
	{ PF_RPS, "workload.requests_per_second", "the request rate" },
	{ PF_CPU_MS, "workload.cpu_ms_per_request", "CPU per request" },
	{ PF_LATENCY, "workload.latency_p99_ms", "latency budget" },
	{ PF_SKILLS, "team.skills", "skills" },
	{ PF_IO_WAIT, "workload.io_wait_fraction", "I/O wait fraction" },
};
_Static_assert(ARRAY_SIZE(key_inputs) <= ADVICE_MAX_KEY_INPUTS, "advice.assumed_inputs too small");

static void assumed_inputs(struct advice *a)
{
	a->nassumed_inputs = 0;
	for (size_t i = 0; i < ARRAY_SIZE(key_inputs); i++)
		if (a->p->assumed[key_inputs[i].field])
			a->assumed_inputs[a->nassumed_inputs++] = &key_inputs[i];
}

/*
 * Check every probe figure of the set (figure_noise, and the plausible
 * range of each model that reads it), for the report, the rules and the
 * what-ifs at the figures' ends; and say whether the machine was busy.
 */
static void probe_checks(struct advice *a)
{
	size_t noisy = 0;

	if (a->ps == NULL)
		return;
	a->nprobe_use = a->ps->nresults;
	a->probe_use = xcalloc(a->nprobe_use + 1, sizeof *a->probe_use);
	for (size_t i = 0; i < a->ps->nresults; i++) {
		const struct probe_result *r = &a->ps->results[i];
		struct probe_use *u = &a->probe_use[i];

		u->name = r->name;
		noisy += r->noisy;
		u->verdict = figure_noise(r, u->why, sizeof u->why);
		for (size_t m = 0; m < a->kb->nmodels; m++) {
			for (size_t f = 0; f < ARRAY_SIZE(model_figures); f++) {
				const struct kb_model *km = &a->kb->models[m];
				const char *name = figure_probe(km, model_figures[f]);

				if (name == NULL || strcmp(name, r->name) != 0)
					continue;
				u->model_input = true;
				if (u->verdict == FIGV_USED && r->st.median > 0 &&
				    !figure_plausible(km, model_figures[f],
						      figure_in_unit(r, model_figures[f], r->st.median),
						      (int)a->dv.machine_cores, u->why, sizeof u->why))
					u->verdict = FIGV_IMPLAUSIBLE;
			}
		}
	}
	a->busy_machine = a->ps->nresults && noisy > ADVICE_BUSY_SHARE * (double)a->ps->nresults;
}

/* Were all the speed-ups the models read left out (noisy, wide or implausible)? */
static bool speedups_untrusted(const struct advice *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->nprobe_use; i++) {
		if (!a->probe_use[i].model_input || strcmp(a->ps->results[i].unit, "x") != 0)
			continue;
		if (a->probe_use[i].verdict == FIGV_USED)
			return false;
		n++;
	}
	return n > 0;
}

static void add_note(struct advice *a, size_t *cap, char *text)
{
	*XPUSH(a->confidence_notes, a->nconfidence_notes, *cap) = text;
}

/*
 * What the probe figures and CPU factors do to the confidence: capped at
 * ADVICE_BUSY_CAP on a busy machine; times 0.8, at most 0.6, when a
 * figure at its measured min or max, or a CPU factor at an end of its
 * range, makes another eligible candidate win.  Each says so in a note.
 */
static double figure_confidence(struct advice *a, double c)
{
	size_t cap = 0, nflip = 0, nprobe = 0;
	struct buf t = BUF_INIT;

	if (a->busy_machine) {
		size_t noisy = 0;

		for (size_t i = 0; i < a->ps->nresults; i++)
			noisy += a->ps->results[i].noisy;
		c = fmin(c, ADVICE_BUSY_CAP);
		add_note(a, &cap, xasprintf("The machine was busy while probing: %zu of %zu figures "
					    "were flagged noisy, %s; confidence is at most %.2f.",
					    noisy, a->ps->nresults, speedups_untrusted(a)
					    ? "so the measured speed-ups were not trusted and the "
					      "knowledge defaults decided in their place"
					    : "and were not used", ADVICE_BUSY_CAP));
	}
	for (size_t i = 0; i < a->nflips; i++) {
		const struct flip *f = &a->flips[i];
		char from[32], to[32];

		if (f->kind == FLIP_PROFILE)
			continue;
		snprintf(from, sizeof from, "%.3g", f->from);
		snprintf(to, sizeof to, "%.3g", f->to);
		buf_addf(&t, "%s", nflip++ ? "; " : "");
		nprobe += f->kind == FLIP_PROBE;
		if (f->kind == FLIP_PROBE)
			buf_addf(&t, "%s at its measured %s %s (median %s) would make %s ", f->input,
				 f->to < f->from ? "min" : "max", to, from, f->winner);
		else
			buf_addf(&t, "the %s CPU factor at the %s end of its range, %s (against %s), "
				 "would make %s ", f->input + strlen("cpu_factor."),
				 f->to < f->from ? "low" : "high", to, from, f->winner);
		/* A winner without a hard need's libraries would front two tiers. */
		if (f->lacks >= 0)
			buf_addf(&t, "rank first (it lacks the %s libraries: two tiers)",
				 a->kb->vocab.needs[f->lacks].id);
		else
			buf_adds(&t, "win");
	}
	if (nflip) {
		c = fmin(c * 0.8, 0.6);
		add_note(a, &cap, xasprintf("The answer turns on %s: %s; confidence is lowered "
					    "(x0.8, at most 0.6).", nprobe == nflip ?
					    "probe figures within their measured range" : nprobe ?
					    "probe figures and CPU factors within their ranges" :
					    "CPU factors within their sourced ranges", buf_str(&t)));
	}
	buf_release(&t);
	return c;
}

static void confidence(struct advice *a)
{
	double margin = a->ncands > 1 ? a->cands[0].total - a->cands[1].total : 2;
	double c = 0.5 + 0.45 * (1 - exp(-margin / 0.8));

	c -= 0.02 * (double)a->nassumed_inputs;
	if (a->ps == NULL)
		c -= 0.05;
	else
		for (size_t i = 0; i < a->ps->nresults; i++)
			if (a->ps->results[i].noisy) {
				c -= 0.05;
				break;
			}
	/*
	 * Near the gate: a winner needing more than twice the cores of the
	 * leanest feasible candidate is at most moderate; with no feasible
	 * candidate (or none eligible) the answer is low at best.
	 */
	if (!a->cands[0].cap.eligible)
		c = fmin(c, 0.45);
	else if (a->cands[0].cap.cores_ratio > 2)
		c = fmin(c, 0.6);
	a->margin_confidence = round(fmin(0.95, fmax(0.3, c)) * 100) / 100;
	c = figure_confidence(a, c);
	if (c < 0.3)
		c = 0.3;
	if (c > 0.95)
		c = 0.95;
	a->confidence = round(c * 100) / 100;
}

static void choose_scaling(struct advice *a)
{
	const struct candidate *w = &a->cands[0];
	bool one_core = (w->model->parallelism == PAR_ONE || w->model->parallelism == PAR_GIL) &&
			!w->model->per_core_processes;

	a->scaling = profile_strategies[a->p->strategy];
	/* A model that uses one core per process can only grow by adding processes. */
	if (one_core && a->p->strategy == SCALE_CORES)
		a->scaling = "machines";
	if (a->p->assumed[PF_STRATEGY])
		a->scaling = one_core ? "machines" : w->cap.instances_needed <= 1 ? "cores" : "both";
}

static void team_best(struct advice *a)
{
	a->team_best = -1;
	if (a->dv.best_skill <= 0)
		return;
	for (size_t i = 0; i < a->ncands; i++) {
		if (strcmp(a->cands[i].rt->language, a->dv.best_language) == 0) {
			a->team_best = (long)i;
			return;
		}
	}
}

int advice_check_accept(const struct profile *p, const struct ruleset *rs, struct diags *d)
{
	int rc = 0;

	for (size_t i = 0; i < p->naccept; i++) {
		const char *names[1024];
		size_t n = 0;
		char *hint;

		if (ruleset_find(rs, p->accept[i].rule))
			continue;
		for (size_t r = 0; r < rs->n && n < ARRAY_SIZE(names); r++)
			names[n++] = rs->rules[r].id;
		hint = suggest_hint(p->accept[i].rule, names, n);
		diag_add(d, DIAG_ERROR, p->file, NULL, 0, p->accept[i].line, p->accept[i].col,
			 "accept: unknown rule '%s'%s", p->accept[i].rule, hint);
		free(hint);
		rc = -1;
	}
	return rc;
}

int advise(struct advice *a, const struct profile *p, const struct probe_set *ps,
	   const struct kb *kb, const struct ruleset *rs, bool explain, struct diags *d)
{
	size_t cap = 0, capflips = 0;

	advice_release(a);
	a->p = p;
	a->ps = ps;
	a->kb = kb;
	a->rs = rs;
	if (advice_check_accept(p, rs, d) < 0)
		return -1;
	for (size_t i = 0; i < p->naccept; i++) {
		struct accepted_rule *ar = XPUSH(a->accepted, a->naccepted, cap);

		ar->id = p->accept[i].rule;
		ar->because = p->accept[i].because;
		ar->would_fire = false;
	}
	replay_match(a);
	build_candidates(a);
	if (a->ncands == 0) {
		diag_error(d, p->file, "no candidate is left once the excluded runtimes are removed");
		return -1;
	}
	if (run_core(a, explain, true, d) < 0)
		return -1;
	mark_lacking(a);
	applies_to(a);
	render_rationales(a);
	reasons(a);
	assumed_inputs(a);
	probe_checks(a);
	if (figure_ends(a, d, &capflips) < 0 || factor_ends(a, d, &capflips) < 0)
		return -1;
	confidence(a);
	choose_scaling(a);
	team_best(a);
	a->probes = probe_origin(ps);
	charts(a);
	decision_chart(a);
	if (tiers(a, d) < 0)
		return -1;
	/* After the tiers: a two-tier answer's capacity and blocking are the tiers'. */
	risks(a);
	if (sensitivity(a, d, &capflips) < 0)
		return -1;
	return 0;
}
