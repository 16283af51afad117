/*
 * The advice engine on a small fixture knowledge base: the capacity
 * formulas, scoring, and the properties the advice must have (excluding
 * the winner promotes the runner-up, more skill never lowers team fit,
 * the same inputs give the same JSON, every reported flip really flips),
 * and, on the shipped knowledge base with the probe caches of
 * tests/fixtures/probes, the checks a probe figure passes before it decides.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "replay.h"
#include "report.h"
#include "xalloc.h"

struct world {
	struct kb kb;
	struct ruleset rs;
	struct profile p;
	struct advice a;
	struct diags d;
};

static const char base_profile[] =
	"version: 1\n"
	"project: {name: T, description: uses numpy}\n"
	"workload: {kind: io, peak_concurrency: 20000, requests_per_second: 5000,\n"
	"           cpu_ms_per_request: 1, io_wait_fraction: 0.5, latency_p99_ms: 200,\n"
	"           traits: [websocket]}\n"
	"team: {skills: {python: 4, go: 1}}\n"
	"scaling: {instances: 4}\n"
	"constraints: {memory_mb_per_instance: 512}\n";

static int setup(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	const char *src = getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".";
	char *kdir = xasprintf("%s/tests/fixtures/kb", src);
	char *rdir = xasprintf("%s/tests/fixtures/rules", src);

	kb_init(&w->kb);
	ruleset_init(&w->rs);
	profile_init(&w->p);
	advice_init(&w->a);
	assert_int_equal(kb_load_dir(&w->kb, kdir, &w->d), 0);
	assert_int_equal(ruleset_load_dir(&w->rs, rdir, &w->d), 0);
	assert_int_equal(ruleset_check(&w->rs, &w->kb, &w->d), 0);
	free(kdir);
	free(rdir);
	*state = w;
	return 0;
}

/* The shipped knowledge and rule base, for the issue's own cases. */
static int setup_real(void **state)
{
	struct world *w = calloc(1, sizeof *w);
	const char *src = getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".";
	char *kdir = xasprintf("%s/knowledge", src);
	char *rdir = xasprintf("%s/rules", src);

	kb_init(&w->kb);
	ruleset_init(&w->rs);
	profile_init(&w->p);
	advice_init(&w->a);
	assert_int_equal(kb_load_dir(&w->kb, kdir, &w->d), 0);
	assert_int_equal(ruleset_load_dir(&w->rs, rdir, &w->d), 0);
	assert_int_equal(ruleset_check(&w->rs, &w->kb, &w->d), 0);
	free(kdir);
	free(rdir);
	*state = w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;

	advice_release(&w->a);
	profile_release(&w->p);
	ruleset_release(&w->rs);
	kb_release(&w->kb);
	diags_release(&w->d);
	free(w);
	return 0;
}

static void run(struct world *w, const char *text)
{
	struct profile_known known;

	kb_known(&w->kb, &known);
	if (profile_load(&w->p, "t.yaml", text, strlen(text), &known, &w->d) < 0) {
		diags_print(&w->d, stderr);
		fail_msg("profile did not load");
	}
	assert_int_equal(advise(&w->a, &w->p, NULL, &w->kb, &w->rs, false, &w->d), 0);
}

static const struct candidate *find(const struct advice *a, const char *rt, const char *model)
{
	for (size_t i = 0; i < a->ncands; i++)
		if (!strcmp(a->cands[i].rt->id, rt) && !strcmp(a->cands[i].model->id, model))
			return &a->cands[i];
	fail_msg("no candidate %s/%s", rt, model);
	return NULL;
}

static void test_advice_kb_sections(void **state)
{
	struct world *w = *state;
	const struct kb_runtime *rt = kb_runtime(&w->kb, "beta");

	assert_int_equal(w->kb.nruntimes, 2);
	assert_int_equal(w->kb.nmodels, 2);
	assert_non_null(rt);
	assert_int_equal(rt->nmodels, 2);
	assert_true(rt->models[0].is_default);
	assert_string_equal(kb_section(rt->sections, rt->nsections, "strengths")->text, "- Libraries.");
	assert_true(rt->ecosystem[0] == 5);
}

static void test_advice_capacity_formulas(void **state)
{
	struct world *w = *state;
	const struct candidate *c;

	run(w, base_profile);
	c = find(&w->a, "alpha", "cores");
	/* service = 1 ms x cpu_factor 1 + 2 x 10 us overhead */
	assert_float_equal(c->cap.service_ms, 1.02, 1e-9);
	/* a pool on every core of a 2-core instance, speed-up 2 on 2 cores */
	assert_float_equal(c->cap.usable_cores, 2, 1e-9);
	assert_float_equal(c->cap.cores, 2, 1e-9);
	/* 1 ms of I/O per request: io_wait 0.5 */
	assert_float_equal(w->a.dv.io_ms_per_request, 1, 1e-9);
	/* needs: the fewest instances with utilisation <= 0.7 */
	assert_int_equal(c->cap.instances_needed, (int)ceil(5000 * 1.02 / 1000 / 2 / 0.7));
	assert_float_equal(c->cap.cores_needed, 2.0 * c->cap.instances_needed, 1e-9);
	/* at that size: 1250 rps per instance on 2 cores */
	assert_float_equal(c->cap.utilisation, 1250 * 1.02 / 1000 / 2, 1e-9);
	/* 10 MB + 5000 tasks x 8 KiB */
	assert_float_equal(c->cap.memory_mb, 10 + 5000 * 8 / 1024.0, 1e-9);
	assert_true(c->cap.feasible);
	assert_true(c->cap.eligible);
	assert_true(c->cap.meets_target);	/* 8 cores of the 4 x 2 planned */
	assert_non_null(strstr(c->cap.shape, "4 instances of 2 cores"));
	/* beta costs 20x the CPU on one core: 1-vCPU pods, one core each */
	c = find(&w->a, "beta", "single");
	assert_true(c->cap.feasible);
	assert_float_equal(c->cap.cores, 1, 1e-9);
	assert_float_equal(c->cap.cores_needed, c->cap.instances_needed, 1e-9);
	assert_true(c->cap.instances_needed >= (int)ceil(5000 * 20.0 / 1000 / 0.7));
	assert_true(c->cap.utilisation <= 0.7);
	assert_true(c->cap.latency_ms <= 200);
	assert_false(c->cap.meets_target);
	/* 143 cores against 8: past the gate, ranked after the eligible one */
	assert_false(c->cap.eligible);
	assert_non_null(strstr(c->cap.gate_reason, "of alpha/cores"));
	assert_string_equal(w->a.cands[0].rt->id, "alpha");
	assert_true(w->a.confidence <= 0.95);
}

/* An event-loop candidate counts one core per process, not a whole machine. */
static void test_advice_event_loop_one_core(void **state)
{
	struct world *w = *state;
	const struct candidate *c;

	run(w, "version: 1\nworkload: {kind: io, peak_concurrency: 100, requests_per_second: 200,\n"
	       "  cpu_ms_per_request: 1, io_wait_fraction: 0.5, latency_p99_ms: 200}\n");
	c = find(&w->a, "beta", "single");
	/* 200 rps x 20 ms = 4 cores busy: at most 70 % each, 1 vCPU per pod */
	assert_true(c->cap.feasible);
	assert_float_equal(c->cap.cores, 1, 1e-9);
	assert_float_equal(c->cap.processes, 1, 1e-9);
	assert_float_equal(c->cap.cores_needed, c->cap.instances_needed, 1e-9);
	assert_int_equal(c->cap.instances_needed, (int)ceil(200 * 20.0 / 1000 / 0.7));
	assert_non_null(strstr(c->cap.shape, "pods of 1 vCPU"));
}

/* Did rule id fire for candidate c (by label)? */
static bool fired_for(const struct advice *a, const char *id, const struct candidate *c)
{
	for (size_t i = 0; i < a->nfired; i++) {
		if (strcmp(a->fired[i].rule->id, id) != 0)
			continue;
		for (size_t h = 0; h < a->fired[i].ncands; h++)
			if (a->cands[a->fired[i].cands[h]].label == c->label)
				return true;
	}
	return false;
}

/*
 * Rules read the CPU of a request in the candidate's own runtime: 10 ms of
 * reference work is about 15 ms on Node.js, under the 20 ms at which a
 * loop counts as blocked, and well over it in CPython.
 */
static void test_advice_rules_read_runtime_cpu(void **state)
{
	struct world *w = *state;
	const struct candidate *node, *py;
	struct value v;

	run(w, "version: 1\nworkload: {kind: mixed, peak_concurrency: 20, requests_per_second: 5,\n"
	       "  cpu_ms_per_request: 10, io_wait_fraction: 0.3, latency_p99_ms: 3000}\n");
	node = find(&w->a, "node", "event-loop");
	py = find(&w->a, "python", "event-loop");
	memset(&v, 0, sizeof v);
	advice_lookup(&w->a, py, "candidate.cpu_ms", &v);
	assert_int_equal(v.type, VAL_NUM);
	assert_float_equal(v.num, 10 * py->cap.cpu_factor, 1e-9);
	assert_true(py->cap.cpu_ms >= 20 && node->cap.cpu_ms < 20);
	assert_true(fired_for(&w->a, "cpu-work-blocks-event-loop", py));
	assert_false(fired_for(&w->a, "cpu-work-blocks-event-loop", node));
	/* 30 ms in CPython: CPU-heavy enough for its process pool */
	assert_true(fired_for(&w->a, "multiprocessing-for-cpu-heavy-python",
			      find(&w->a, "python", "process-pool")));
}

/*
 * A change that hands the ranking to a runtime without the ML libraries
 * (the example ML service, JavaScript 3 of 5 and Python 3 of 5) is marked:
 * that runtime would rank first as one service, but the work would split.
 */
static void test_advice_flip_marks_lacking_winner(void **state)
{
	struct world *w = *state;
	size_t marked = 0;

	run(w, "version: 1\n"
	       "workload: {kind: mixed, peak_concurrency: 300, requests_per_second: 200,\n"
	       "  cpu_ms_per_request: 15, io_wait_fraction: 0.4, latency_p99_ms: 300,\n"
	       "  traits: [rest-api, ml-inference]}\n"
	       "team: {size: 5, skills: {javascript: 3, python: 3, go: 1, java: 1, csharp: 0,\n"
	       "  rust: 0}, can_hire: [go]}\n"
	       "scaling: {strategy: machines, instances: 2, deployment: kubernetes}\n"
	       "constraints: {memory_mb_per_instance: 1024, ecosystem: [web]}\n");
	for (size_t i = 0; i < w->a.nflips; i++) {
		const struct flip *f = &w->a.flips[i];
		const struct kb_runtime *rt = kb_runtime(&w->kb, f->winner_runtime);
		long ml = -1;

		for (size_t n = 0; n < w->kb.vocab.nneeds; n++)
			if (strcmp(w->kb.vocab.needs[n].id, "ml") == 0)
				ml = (long)n;
		assert_true(ml >= 0 && rt != NULL);
		assert_int_equal(f->lacks, rt->ecosystem[ml] < ADVICE_TIER_LACKS_BELOW ? ml : -1);
		marked += f->lacks >= 0;
	}
	assert_true(marked > 0);
}

static void test_advice_latency_bound(void **state)
{
	struct world *w = *state;
	const struct candidate *c;
	struct report_meta m = { .command_line = "advisor recommend t.yaml", .probe_source = "defaults",
				 .rules_dirs = "rules/", .knowledge_dir = "knowledge/" };
	char *md;

	/* 150 ms of CPU for a 100 ms budget: no instance count helps, for anyone */
	run(w, "version: 1\nworkload: {kind: cpu, peak_concurrency: 4, requests_per_second: 1,\n"
	       "  cpu_ms_per_request: 150, latency_p99_ms: 100}\n");
	c = find(&w->a, "alpha", "cores");
	assert_false(c->cap.feasible);
	assert_false(c->cap.eligible);
	assert_int_equal(c->cap.instances_needed, 0);
	assert_non_null(strstr(c->cap.limit, "over the 100 ms budget"));
	assert_true(c->base[CRIT_PERFORMANCE] == 0);
	/* The closest to feasible is still named, with low confidence. */
	assert_string_equal(w->a.cands[0].rt->id, "alpha");
	assert_true(w->a.confidence < 0.6);
	md = report_markdown(&w->a, &m);
	assert_non_null(strstr(md, "No candidate meets the target at any size"));
	assert_null(strstr(md, " inf"));
	assert_null(strstr(md, " nan"));
	assert_null(strstr(md, "\u221e"));
	free(md);
}

/*
 * The cpu-batch case: 400 ms jobs (8 s in Python) against a 5 s
 * budget, a team at JavaScript 2 and Python 4.  Python cannot meet the
 * budget at any size, so it is never the winner, whatever its team fit.
 */
static void test_advice_infeasible_never_wins(void **state)
{
	struct world *w = *state;

	run(w, "version: 1\n"
	       "workload: {kind: cpu, peak_concurrency: 16, requests_per_second: 20,\n"
	       "  cpu_ms_per_request: 400, io_wait_fraction: 0.1, latency_p99_ms: 5000,\n"
	       "  traits: [batch, csv-processing, pdf-reports]}\n"
	       "team: {size: 5, skills: {javascript: 2, python: 4, go: 1, java: 1,\n"
	       "  csharp: 0, rust: 0}, can_hire: [go]}\n"
	       "scaling: {strategy: machines, instances: 2, deployment: kubernetes}\n"
	       "constraints: {memory_mb_per_instance: 1024, ecosystem: [web]}\n"
	       "priorities: {performance: 3, velocity: 3, team_fit: 4, ecosystem: 3,\n"
	       "  operations: 3}\n");
	for (size_t i = 0; i < w->a.ncands; i++) {
		const struct candidate *c = &w->a.cands[i];

		if (strcmp(c->rt->id, "python") == 0) {
			assert_false(c->cap.feasible);
			assert_false(c->cap.eligible);
		}
	}
	assert_string_not_equal(w->a.cands[0].rt->id, "python");
	assert_true(w->a.cands[0].cap.feasible);
	assert_true(w->a.cands[0].cap.eligible);
	/* Every what-if winner is eligible too: no flip to an infeasible one. */
	for (size_t i = 0; i < w->a.nflips; i++)
		assert_string_not_equal(w->a.flips[i].winner_runtime, "python");
}

/*
 * The streaming case with Python at 4: asyncio needs about 35x
 * Go's cores, so the gate keeps it from winning, and the "small gain"
 * team rule does not fire for it.
 */
static void test_advice_gate_excludes_35x(void **state)
{
	struct world *w = *state;
	const struct candidate *py, *go;

	run(w, "version: 1\n"
	       "workload: {kind: io, peak_concurrency: 50000, requests_per_second: 20000,\n"
	       "  cpu_ms_per_request: 0.3, io_wait_fraction: 0.95, latency_p99_ms: 100,\n"
	       "  traits: [streaming, iot-ingest, websocket]}\n"
	       "team: {size: 5, skills: {javascript: 3, python: 4, go: 1, java: 1,\n"
	       "  csharp: 0, rust: 0}, can_hire: [go]}\n"
	       "scaling: {strategy: machines, instances: 2, deployment: kubernetes}\n"
	       "constraints: {memory_mb_per_instance: 1024, ecosystem: [web]}\n"
	       "priorities: {performance: 3, velocity: 3, team_fit: 4, ecosystem: 3,\n"
	       "  operations: 3}\n");
	py = find(&w->a, "python", "event-loop");
	go = find(&w->a, "go", "m-n");
	assert_true(py->cap.feasible);
	assert_true(go->cap.feasible);
	assert_true(py->cap.cores_needed > CAP_DEFAULT_GATE_RATIO * go->cap.cores_needed);
	assert_false(py->cap.eligible);
	assert_true(go->cap.eligible);
	assert_false(strcmp(w->a.cands[0].rt->id, "python") == 0 &&
		     strcmp(w->a.cands[0].model->id, "event-loop") == 0);
	assert_true(w->a.cands[0].cap.eligible);
	for (size_t i = 0; i < w->a.nfired; i++) {
		const struct fired_rule *f = &w->a.fired[i];

		if (strcmp(f->rule->id, "team-skill-outweighs-small-gain") != 0)
			continue;
		for (size_t h = 0; h < f->ncands; h++)
			assert_string_not_equal(w->a.cands[f->cands[h]].rt->id, "python");
	}
}

static void test_advice_rules_move_scores(void **state)
{
	struct world *w = *state;
	const struct candidate *c;

	run(w, base_profile);
	c = find(&w->a, "beta", "single");
	/*
	 * io-likes-single +2 performance; mentions-numpy +1 ecosystem.
	 * tight-memory (over 100 MB) does not fire: memory is per instance of
	 * the fleet each candidate needs, and none needs 100 MB there.
	 */
	assert_float_equal(c->score[CRIT_PERFORMANCE], fmin(10, c->base[CRIT_PERFORMANCE] + 2), 1e-9);
	assert_float_equal(c->score[CRIT_ECOSYSTEM], fmin(10, c->base[CRIT_ECOSYSTEM] + 1), 1e-9);
	assert_int_equal(w->a.nfired, 2);
	assert_string_equal(w->a.fired[0].rule->id, "io-likes-single");
	assert_string_equal(w->a.fired[0].rationale,
			    "The workload is io-bound with traits websocket.");
}

static void test_advice_ranking_sorted_and_weighted(void **state)
{
	struct world *w = *state;

	run(w, base_profile);
	/* Eligible candidates first; by total within each gate class. */
	for (size_t i = 0; i + 1 < w->a.ncands; i++) {
		const struct candidate *x = &w->a.cands[i], *y = &w->a.cands[i + 1];

		assert_true(x->gate_class <= y->gate_class);
		if (x->gate_class == y->gate_class)
			assert_true(x->total >= y->total);
	}
	for (size_t i = 0; i < w->a.ncands; i++) {
		double t = 0;

		for (int k = 0; k < CRIT__COUNT; k++)
			t += w->a.cands[i].score[k] * 3;
		assert_float_equal(w->a.cands[i].total, t / 15, 1e-9);
	}
	assert_true(w->a.confidence >= 0.3 && w->a.confidence <= 0.95);
}

static void test_advice_excluding_winner_promotes_runner_up(void **state)
{
	struct world *w = *state;
	char *rt, *model, *text;

	run(w, base_profile);
	rt = xstrdup(w->a.cands[1].rt->id);
	model = xstrdup(w->a.cands[1].model->id);
	assert_string_not_equal(w->a.cands[0].rt->id, rt);	/* fixture: winner and runner-up differ */
	text = xasprintf("%sconstraints: {memory_mb_per_instance: 512, exclude: [%s]}\n", base_profile,
			 w->a.cands[0].rt->id);
	/* replace the constraints line: drop the first one */
	{
		char *first = strstr(text, "constraints: {memory_mb_per_instance: 512}\n");

		memmove(first, first + strlen("constraints: {memory_mb_per_instance: 512}\n"),
			strlen(first + strlen("constraints: {memory_mb_per_instance: 512}\n")) + 1);
	}
	run(w, text);
	assert_string_equal(w->a.cands[0].rt->id, rt);
	assert_string_equal(w->a.cands[0].model->id, model);
	free(rt);
	free(model);
	free(text);
}

static void test_advice_more_skill_never_lowers_team_fit(void **state)
{
	struct world *w = *state;
	double prev = -1;

	for (int s = 0; s <= 5; s++) {
		char *text = xasprintf("version: 1\nworkload: {kind: io, peak_concurrency: 100}\n"
				       "team: {skills: {go: %d}}\n", s);

		run(w, text);
		assert_true(find(&w->a, "alpha", "cores")->score[CRIT_TEAM_FIT] >= prev);
		prev = find(&w->a, "alpha", "cores")->score[CRIT_TEAM_FIT];
		free(text);
	}
	assert_true(prev == 10);
}

static void test_advice_same_inputs_same_json(void **state)
{
	struct world *w = *state;
	struct report_meta m = { .command_line = "advisor recommend t.yaml", .probe_source = "defaults",
				 .rules_dirs = "rules/", .knowledge_dir = "knowledge/" };
	char *one, *two;

	run(w, base_profile);
	one = report_json_text(&w->a, &m);
	run(w, base_profile);
	two = report_json_text(&w->a, &m);
	assert_string_equal(one, two);
	assert_non_null(strstr(one, "\"recommendation\""));
	free(one);
	free(two);
}

static void test_advice_flips_really_flip(void **state)
{
	struct world *w = *state;

	run(w, base_profile);
	assert_true(w->a.nflips >= 1);
	assert_true(w->a.nflips <= 5);
	for (size_t i = 0; i < w->a.nflips; i++) {
		const struct flip *f = &w->a.flips[i];
		char *text = NULL;

		if (strcmp(f->input, "team.skills.go") != 0)
			continue;
		text = xasprintf("%s", base_profile);
		{
			char *g = strstr(text, "go: 1");

			assert_non_null(g);
			g[4] = (char)('0' + (int)f->to);
		}
		{
			/* advise() frees the old flips: keep what the check needs. */
			char *want = xstrdup(f->winner_runtime);

			run(w, text);
			assert_string_equal(w->a.cands[0].rt->id, want);
			free(want);
		}
		free(text);
		return;
	}
	/* sorted by size */
	for (size_t i = 0; i + 1 < w->a.nflips; i++)
		assert_true(w->a.flips[i].size <= w->a.flips[i + 1].size);
}

/* What-if values stay inside each field's valid range, whole where the field is. */
static void test_advice_whatif_values_in_range(void **state)
{
	double v = -1;

	assert_false(advice_whatif_value("priorities.velocity", 5, 6, false, &v));
	assert_false(advice_whatif_value("priorities.velocity", 0, -1, false, &v));
	assert_true(advice_whatif_value("priorities.velocity", 4, 5, false, &v));
	assert_true(v == 5);
	assert_false(advice_whatif_value("team.skills.go", 5, 6, false, &v));
	assert_false(advice_whatif_value("workload.peak_concurrency", 1e7, 10, true, &v));
	assert_false(advice_whatif_value("workload.peak_concurrency", 2e6, 10, true, &v));
	/* 1 x 0.5 rounds back to 1: no change, so no suggestion. */
	assert_false(advice_whatif_value("workload.peak_concurrency", 1, 0.5, true, &v));
	assert_true(advice_whatif_value("workload.peak_concurrency", 3, 0.2, true, &v));
	assert_true(v == 1);
	assert_true(advice_whatif_value("workload.peak_concurrency", 150, 0.01, true, &v));
	assert_true(v == 2);
	assert_false(advice_whatif_value("workload.requests_per_second", 0.005, 0.1, true, &v));
	assert_false(advice_whatif_value("workload.requests_per_second", 5e7, 5, true, &v));
	assert_false(advice_whatif_value("workload.cpu_ms_per_request", 1e6, 10, true, &v));
	assert_false(advice_whatif_value("workload.io_wait_fraction", 0.9, 2, true, &v));
	assert_true(advice_whatif_value("workload.io_wait_fraction", 0.9, 0.5, true, &v));
	assert_true(v == 0.45);
}

/* A profile at the edges of its ranges: every suggested change is a valid value. */
static void test_advice_flips_within_range(void **state)
{
	struct world *w = *state;
	const char *edge =
		"version: 1\n"
		"workload: {kind: mixed, peak_concurrency: 9000000, requests_per_second: 90000000,\n"
		"           cpu_ms_per_request: 3000000, latency_p99_ms: 3500000}\n"
		"team: {skills: {python: 5, go: 0}}\n"
		"priorities: {performance: 5, velocity: 0, team_fit: 0, ecosystem: 0, operations: 0}\n";

	run(w, edge);
	for (size_t i = 0; i < w->a.nflips; i++) {
		const struct profile_range *r = profile_range_of(w->a.flips[i].input);

		assert_non_null(r);
		if (!profile_in_range(r, w->a.flips[i].to))
			fail_msg("%s -> %g is out of range", w->a.flips[i].input, w->a.flips[i].to);
		/* Lowering the only non-zero priority to 0 would make the profile invalid. */
		if (strcmp(w->a.flips[i].input, "priorities.performance") == 0)
			assert_true(w->a.flips[i].to > 0);
	}
}

static void test_advice_accept_unknown_rule(void **state)
{
	struct world *w = *state;
	const char *text = "version: 1\nworkload: {kind: io, peak_concurrency: 10}\n"
			   "accept:\n  - {rule: io-likes-singel, because: testing}\n";
	struct profile_known known;

	kb_known(&w->kb, &known);
	assert_int_equal(profile_load(&w->p, "t.yaml", text, strlen(text), &known, &w->d), 0);
	assert_int_equal(advise(&w->a, &w->p, NULL, &w->kb, &w->rs, false, &w->d), -1);
	assert_int_equal(w->d.v[w->d.n - 1].line, 4);
	assert_non_null(strstr(w->d.v[w->d.n - 1].msg, "did you mean 'io-likes-single'"));
}

static void test_advice_accepted_rule_is_set_aside(void **state)
{
	struct world *w = *state;
	char *text = xasprintf("%saccept:\n  - {rule: io-likes-single, because: measured it}\n",
			       base_profile);

	run(w, text);
	assert_int_equal(w->a.naccepted, 1);
	assert_true(w->a.accepted[0].would_fire);
	for (size_t i = 0; i < w->a.nfired; i++)
		assert_string_not_equal(w->a.fired[i].rule->id, "io-likes-single");
	free(text);
}

/* Every tier is a design of the ranking, sized and feasible; the CPU adds up. */
static void check_tiers(const struct world *w)
{
	const struct advice *a = &w->a;
	double cpu = 0;

	assert_true(a->ntiers == 1 || a->ntiers == 2);
	assert_int_equal(a->hybrid.present, a->ntiers == 2);
	for (size_t i = 0; i < a->ntiers; i++) {
		const struct tier *t = &a->tiers[i];

		assert_true(t->cand >= 0 && (size_t)t->cand < a->ncands);
		assert_ptr_equal(a->cands[t->cand].rt, t->rt);
		assert_ptr_equal(a->cands[t->cand].model, t->model);
		assert_non_null(t->label);
		assert_non_null(t->why);
		assert_true(t->cap.feasible);
		assert_true(t->cap.cores_needed > 0);
		assert_true(t->cap.instances_needed >= 1);
		cpu += t->rps * t->cpu_ms;
	}
	if (a->ntiers == 1) {
		assert_int_equal(a->tiers[0].role, TIER_SERVICE);
		assert_int_equal(a->tiers[0].cand, 0);
	} else {
		assert_int_equal(a->tiers[0].role, TIER_FRONT);
		assert_int_equal(a->tiers[1].role, TIER_WORKERS);
		assert_int_equal((long)a->hybrid.gateway, a->tiers[0].cand);
		assert_int_equal((long)a->hybrid.worker, a->tiers[1].cand);
		assert_non_null(a->tiers_why);
		assert_true(fabs(cpu - a->p->requests_per_second * a->p->cpu_ms_per_request) <
			    1e-9 * fmax(1, cpu));
		assert_true(a->tiers[1].io_ms == 0);
	}
}

/* The JSON report: tiers always, hybrid non-null exactly with two tiers. */
static void check_tiers_json(const struct world *w)
{
	struct report_meta m = { .command_line = "advisor recommend t.yaml",
				 .probe_source = "defaults", .rules_dirs = "rules/",
				 .knowledge_dir = "knowledge/" };
	json_t *root = report_json(&w->a, &m);
	json_t *rec = json_object_get(root, "recommendation");
	json_t *tiers = json_object_get(rec, "tiers");

	assert_true(json_is_array(tiers));
	assert_int_equal(json_array_size(tiers), w->a.ntiers);
	for (size_t i = 0; i < json_array_size(tiers); i++) {
		json_t *t = json_array_get(tiers, i);

		assert_string_equal(json_string_value(json_object_get(t, "role")),
				    tier_role_names[w->a.tiers[i].role]);
		assert_string_equal(json_string_value(json_object_get(t, "runtime")),
				    w->a.tiers[i].rt->id);
		assert_string_equal(json_string_value(json_object_get(t, "model")),
				    w->a.tiers[i].model->id);
		assert_true(json_is_string(json_object_get(t, "label")));
		assert_true(json_is_number(json_object_get(t, "cores")));
		assert_true(json_is_integer(json_object_get(t, "instances")));
	}
	assert_int_equal(json_is_null(json_object_get(rec, "hybrid")), w->a.ntiers == 1);
	json_decref(root);
}

/*
 * The articles' hybrid case: a JavaScript team with a local PyTorch model.
 * Node.js lacks the ML libraries, so the model runs on a worker tier in a
 * runtime that has them, and the front stays in the team's language.
 */
static void test_advice_tiers_hard_need(void **state)
{
	struct world *w = *state;
	size_t ml = 0;

	run(w, "version: 1\n"
	       "workload: {kind: mixed, peak_concurrency: 15000, requests_per_second: 3000,\n"
	       "  cpu_ms_per_request: 5, io_wait_fraction: 0.7, latency_p99_ms: 500,\n"
	       "  traits: [websocket, ml-inference]}\n"
	       "team: {size: 6, skills: {javascript: 5, python: 1, go: 0, java: 0,\n"
	       "  csharp: 0, rust: 0}, can_hire: [python]}\n"
	       "scaling: {strategy: machines, instances: 6, deployment: kubernetes}\n"
	       "constraints: {memory_mb_per_instance: 2048, ecosystem: [web, ml]}\n"
	       "priorities: {performance: 3, velocity: 4, team_fit: 4, ecosystem: 5,\n"
	       "  operations: 3}\n");
	check_tiers(w);
	check_tiers_json(w);
	assert_int_equal(w->a.ntiers, 2);
	assert_string_equal(w->a.tiers[0].rt->language, "javascript");
	while (strcmp(w->kb.vocab.needs[ml].id, "ml") != 0)
		ml++;
	assert_true(w->a.tiers[1].rt->ecosystem[ml] >= ADVICE_TIER_NEED_MIN);
	assert_true(w->a.tiers[0].cpu_ms < w->a.tiers[1].cpu_ms);
}

/*
 * A Python team with an upload API and NLP jobs: two tiers in one runtime,
 * which the first hybrid logic (a split only across runtimes) never gave.
 */
/* The invoice-capture service of these tests, with a CPU line of the caller's. */
static void run_gateway(struct world *w, const char *cpu)
{
	char *text = xasprintf("version: 1\n"
			       "workload: {kind: mixed, peak_concurrency: 5000, "
			       "requests_per_second: 1500,\n"
			       "  %s io_wait_fraction: 0.6, latency_p99_ms: 2000,\n"
			       "  traits: [rest-api, ml-inference, batch]}\n"
			       "team: {size: 5, skills: {javascript: 2, python: 5, go: 1, java: 0,\n"
			       "  csharp: 0, rust: 0}}\n"
			       "scaling: {strategy: machines, instances: 4, deployment: kubernetes}\n"
			       "constraints: {memory_mb_per_instance: 4096, "
			       "ecosystem: [web, ml, data-science]}\n"
			       "priorities: {performance: 3, velocity: 4, team_fit: 5, ecosystem: 4,\n"
			       "  operations: 3}\n", cpu);

	run(w, text);
	free(text);
}

static void test_advice_tiers_one_runtime(void **state)
{
	struct world *w = *state;

	run_gateway(w, "cpu_ms_per_request: 9,");
	check_tiers(w);
	check_tiers_json(w);
	assert_int_equal(w->a.ntiers, 2);
	assert_string_equal(w->a.tiers[0].rt->id, "python");
	assert_string_equal(w->a.tiers[1].rt->id, "python");
}

/*
 * A mix of light and heavy classes splits by class: the workers take only
 * the heavy requests (3 % of them), less what the front spends taking one
 * in (a light request's CPU); the front runs the light ones whole.
 */
static void test_advice_tiers_heavy_class_to_workers(void **state)
{
	struct world *w = *state;

	run_gateway(w, "mix: [{share: 0.97, cpu_ms: 1.5, name: api},\n"
		       "        {share: 0.03, cpu_ms: 250, name: extraction}],\n ");
	check_tiers(w);
	check_tiers_json(w);
	assert_int_equal(w->a.ntiers, 2);
	assert_true(w->a.heavy_split);
	assert_float_equal(w->a.tiers[0].rps, 1500, 1e-9);
	assert_float_equal(w->a.tiers[0].cpu_ms, 1.5, 1e-9);
	assert_float_equal(w->a.tiers[1].rps, 45, 1e-9);
	assert_float_equal(w->a.tiers[1].cpu_ms, 248.5, 1e-9);
	assert_non_null(strstr(w->a.tiers[1].why, "heavy requests (extraction, 3% of"));
	assert_non_null(strstr(w->a.tiers[0].why, "light requests (api) whole"));
}

/*
 * One tier: an I/O-only API never considers a split; a small Python ML
 * service with the libraries in its own runtime considers one and says
 * why it does not pay.
 */
static void test_advice_tiers_one_tier(void **state)
{
	struct world *w = *state;

	run(w, "version: 1\n"
	       "workload: {kind: io, peak_concurrency: 2000, requests_per_second: 1000,\n"
	       "  cpu_ms_per_request: 2, io_wait_fraction: 0.9, latency_p99_ms: 200,\n"
	       "  traits: [rest-api]}\n"
	       "team: {size: 5, skills: {javascript: 4, python: 2}}\n"
	       "scaling: {instances: 2}\n");
	check_tiers(w);
	check_tiers_json(w);
	assert_int_equal(w->a.ntiers, 1);
	assert_false(w->a.split_considered);
	assert_null(w->a.tiers_why);

	run(w, "version: 1\n"
	       "workload: {kind: mixed, peak_concurrency: 20, requests_per_second: 5,\n"
	       "  cpu_ms_per_request: 20, io_wait_fraction: 0.3, latency_p99_ms: 3000,\n"
	       "  traits: [rest-api, ml-inference]}\n"
	       "team: {size: 3, skills: {javascript: 2, python: 4}}\n"
	       "scaling: {strategy: machines, instances: 1, deployment: vm}\n"
	       "constraints: {ecosystem: [web, ml]}\n");
	check_tiers(w);
	check_tiers_json(w);
	assert_int_equal(w->a.ntiers, 1);
	assert_true(w->a.split_considered);
	assert_non_null(w->a.tiers_why);
	assert_non_null(strstr(w->a.tiers_why, "does not pay"));
}

/* ---- probe figures checked before they decide -------------------------- */

/* The chat server of tests/scenarios: a Node.js cluster on every core. */
static const char chat_profile[] =
	"version: 1\n"
	"workload: {kind: io, peak_concurrency: 30000, requests_per_second: 6000,\n"
	"  cpu_ms_per_request: 1.2, io_wait_fraction: 0.9, latency_p99_ms: 200,\n"
	"  traits: [websocket]}\n"
	"team: {size: 6, skills: {javascript: 4, python: 3, go: 0, java: 1, csharp: 0,\n"
	"  rust: 0}, can_hire: [javascript]}\n"
	"scaling: {strategy: cores, instances: 2, deployment: vm}\n"
	"constraints: {memory_mb_per_instance: 8192, cold_start_ms: 5000, ecosystem: [web]}\n"
	"priorities: {performance: 4, velocity: 3, team_fit: 4, ecosystem: 3, operations: 3}\n";

/* A probe cache of tests/fixtures/probes into ps. */
static void load_probes(struct world *w, struct probe_set *ps, const char *name)
{
	const char *src = getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".";
	char *path = xasprintf("%s/tests/fixtures/probes/%s.json", src, name);

	probe_set_init(ps);
	if (probe_set_load(ps, path, &w->d) < 0) {
		diags_print(&w->d, stderr);
		fail_msg("%s did not load", path);
	}
	free(path);
}

static struct probe_result *result(struct probe_set *ps, const char *name)
{
	for (size_t i = 0; i < ps->nresults; i++)
		if (strcmp(ps->results[i].name, name) == 0)
			return &ps->results[i];
	fail_msg("no probe %s", name);
	return NULL;
}

static void run_probes(struct world *w, const char *text, const struct probe_set *ps)
{
	struct profile_known known;

	kb_known(&w->kb, &known);
	profile_release(&w->p);
	profile_init(&w->p);
	if (profile_load(&w->p, "t.yaml", text, strlen(text), &known, &w->d) < 0) {
		diags_print(&w->d, stderr);
		fail_msg("profile did not load");
	}
	assert_int_equal(advise(&w->a, &w->p, ps, &w->kb, &w->rs, false, &w->d), 0);
}

static const struct probe_use *use_of(const struct advice *a, const char *name)
{
	for (size_t i = 0; i < a->nprobe_use; i++)
		if (strcmp(a->probe_use[i].name, name) == 0)
			return &a->probe_use[i];
	fail_msg("no check of %s", name);
	return NULL;
}

static char *markdown(const struct advice *a)
{
	struct report_meta m = { .command_line = "advisor recommend t.yaml",
				 .probe_source = "cache", .rules_dirs = "rules/",
				 .knowledge_dir = "knowledge/" };

	return report_markdown(a, &m);
}

/* A noisy figure does not decide: the default does, and the note says why. */
static void test_advice_noisy_figure_not_used(void **state)
{
	struct world *w = *state;
	struct probe_set ps;
	const struct candidate *c;
	char *md;

	load_probes(w, &ps, "quiet");
	run_probes(w, chat_profile, &ps);
	c = find(&w->a, "node", "process-pool");
	assert_true(c->cap.measured);
	assert_true(fabs(c->cap.speedup - 1.86392) < 1e-9);

	result(&ps, "process.speedup")->noisy = true;
	result(&ps, "process.speedup")->busy_other = 0.4;
	run_probes(w, chat_profile, &ps);
	c = find(&w->a, "node", "process-pool");
	assert_false(c->cap.measured);
	assert_true(c->cap.speedup == c->model->def_speedup);
	assert_int_equal(use_of(&w->a, "process.speedup")->verdict, FIGV_NOISY);
	md = markdown(&w->a);
	assert_non_null(strstr(md, "| `process.speedup` \\* |"));
	assert_non_null(strstr(md, "noisy (other work used the CPU while they ran): "
				   "`process.speedup`."));
	free(md);
	probe_set_release(&ps);
}

/* A replay of chat_profile's request in ps: node/process-pool and python/gil-threads. */
static void add_replay(struct probe_set *ps, double node_factor, double budget)
{
	struct replay_set *rs = xcalloc(1, sizeof *rs);
	struct replay_candidate *c;

	replay_set_init(rs);
	rs->load.nclasses = 1;
	rs->load.classes[0].share = 1;
	rs->load.classes[0].cpu_ms = 1.2;
	rs->load.classes[0].io_us = 10800;	/* 1.2 x 0.9 / 0.1 ms */
	rs->load.p99_budget_ms = budget;
	rs->load.yardstick_ms = 1.2;
	c = replay_set_add(rs);
	c->runtime = xstrdup("node");
	c->model = xstrdup("process-pool");
	c->measured = true;
	c->cpu_factor = node_factor;
	c->usable_cores = 1.7;
	c->max_rps = 1500;
	c->kib_per_connection = 40;
	c = replay_set_add(rs);
	c->runtime = xstrdup("python");
	c->model = xstrdup("gil-threads");
	c->measured = false;
	c->reason = xstrdup("python3 not found on PATH");
	ps->replay = rs;
}

/*
 * Replay's figures size the candidates it measured (basis measured), the
 * others stay estimated; a figure far outside the knowledge range is used
 * and flagged; a replay of another request sizes nothing.
 */
static void test_advice_replay_figures(void **state)
{
	struct world *w = *state;
	struct probe_set ps;
	const struct candidate *c;
	char *md;

	load_probes(w, &ps, "quiet");
	add_replay(&ps, 2.5, 200);
	run_probes(w, chat_profile, &ps);
	assert_non_null(w->a.replay);
	c = find(&w->a, "node", "process-pool");
	assert_true(c->cap.replay);
	assert_true(c->cap.cpu_factor == 2.5);
	assert_true(c->cap.speedup == 1.7);
	assert_true(c->cap.task_memory_kib == 40);
	assert_int_equal(c->cap.replay_cells,
			 REPLAY_CELL_CPU | REPLAY_CELL_CORES | REPLAY_CELL_MEMORY);
	assert_int_equal(c->cap.replay_flagged & REPLAY_CELL_CPU, 0);
	assert_true(c->cap.cores_needed_low == c->cap.cores_needed_high);
	assert_true(advice_max_rps(&w->a, c) > 0);
	c = find(&w->a, "node", "event-loop");
	assert_false(c->cap.replay);
	assert_true(c->cap.cpu_factor == c->cap.knowledge_factor);
	assert_false(find(&w->a, "python", "gil-threads")->cap.replay);
	md = markdown(&w->a);
	assert_non_null(strstr(md, "### Replay"));
	assert_non_null(strstr(md, "- `node/process-pool`: CPU factor 2.50, usable cores 1.70"));
	assert_non_null(strstr(md, "`python/gil-threads`: skipped: python3 not found on PATH."));
	free(md);

	/* far outside the knowledge range: used, and flagged */
	replay_set_release(ps.replay);
	free(ps.replay);
	add_replay(&ps, 40, 200);
	run_probes(w, chat_profile, &ps);
	c = find(&w->a, "node", "process-pool");
	assert_true(c->cap.cpu_factor == 40);
	assert_true(c->cap.replay_flagged & REPLAY_CELL_CPU);
	md = markdown(&w->a);
	assert_non_null(strstr(md, "CPU factor 40 (flagged: more than 2x from the knowledge's"));
	free(md);

	/* another profile's replay: estimated, and the note says why */
	replay_set_release(ps.replay);
	free(ps.replay);
	add_replay(&ps, 2.5, 150);
	run_probes(w, chat_profile, &ps);
	assert_null(w->a.replay);
	assert_false(find(&w->a, "node", "process-pool")->cap.replay);
	md = markdown(&w->a);
	assert_non_null(strstr(w->a.replay_why, "a p99 budget of 150 ms, this profile's is 200 ms"));
	assert_non_null(strstr(md, "They size nothing"));
	free(md);
	probe_set_release(&ps);
}

/* A figure outside its model's plausible range falls back to the default. */
static void test_advice_implausible_figure_falls_back(void **state)
{
	struct world *w = *state;
	struct probe_set ps;
	const struct candidate *c;
	const struct probe_use *u;

	load_probes(w, &ps, "quiet");
	/* 2.6 on 2 cores is 1.3 per core: more than the cores can give. */
	result(&ps, "coro.speedup")->st.median = 2.6;
	result(&ps, "coro.speedup")->st.max = 2.7;
	run_probes(w, chat_profile, &ps);
	c = find(&w->a, "go", "m-n");
	assert_false(c->cap.measured);
	assert_true(c->cap.speedup == c->model->def_speedup);
	u = use_of(&w->a, "coro.speedup");
	assert_int_equal(u->verdict, FIGV_IMPLAUSIBLE);
	assert_non_null(strstr(u->why, "outside 0.5\u20131.05 x per core"));
	/* A wide spread falls back as well: the median far from the best sample. */
	result(&ps, "coro.speedup")->st.median = 1.2;
	result(&ps, "coro.speedup")->st.max = 2.0;
	run_probes(w, chat_profile, &ps);
	assert_int_equal(use_of(&w->a, "coro.speedup")->verdict, FIGV_WIDE);
	assert_false(find(&w->a, "go", "m-n")->cap.measured);
	probe_set_release(&ps);
}

/* A decisive figure: at its measured min another design wins; confidence drops, the note names it. */
static void test_advice_decisive_figure_named(void **state)
{
	struct world *w = *state;
	struct probe_set ps;
	const struct flip *f = NULL;
	bool named = false;

	load_probes(w, &ps, "quiet");
	result(&ps, "process.speedup")->st.min = 1.02;
	run_probes(w, chat_profile, &ps);
	assert_string_equal(w->a.cands[0].model->id, "process-pool");
	for (size_t i = 0; i < w->a.nflips; i++)
		if (w->a.flips[i].kind == FLIP_PROBE &&
		    strcmp(w->a.flips[i].input, "process.speedup") == 0)
			f = &w->a.flips[i];
	assert_non_null(f);
	assert_true(f->to == 1.02);
	assert_string_not_equal(f->winner_model, "process-pool");
	assert_true(w->a.confidence <= 0.6);
	assert_true(w->a.confidence < w->a.margin_confidence || w->a.confidence == 0.3);
	for (size_t i = 0; i < w->a.nconfidence_notes; i++)
		named |= strstr(w->a.confidence_notes[i],
				"process.speedup at its measured min 1.02") != NULL;
	assert_true(named);
	probe_set_release(&ps);
}

/* No what-if, of any kind, names a design that may not be recommended. */
static void test_advice_sensitivity_never_infeasible(void **state)
{
	struct world *w = *state;
	struct probe_set ps;

	load_probes(w, &ps, "quiet");
	run_probes(w, "version: 1\n"
		      "workload: {kind: cpu, peak_concurrency: 16, requests_per_second: 20,\n"
		      "  cpu_ms_per_request: 400, io_wait_fraction: 0.1, latency_p99_ms: 5000,\n"
		      "  traits: [batch, csv-processing, pdf-reports]}\n"
		      "team: {size: 5, skills: {javascript: 2, python: 4, go: 1, java: 1,\n"
		      "  csharp: 0, rust: 0}, can_hire: [go]}\n"
		      "scaling: {strategy: machines, instances: 2, deployment: kubernetes}\n"
		      "constraints: {memory_mb_per_instance: 1024, ecosystem: [web]}\n"
		      "priorities: {performance: 3, velocity: 3, team_fit: 4, ecosystem: 3,\n"
		      "  operations: 3}\n", &ps);
	assert_true(w->a.cands[0].cap.eligible);
	for (size_t i = 0; i < w->a.nflips; i++) {
		const struct flip *f = &w->a.flips[i];

		/* Python cannot meet the 5 s budget with an 8 s request, at any size. */
		assert_string_not_equal(f->winner_runtime, "python");
		assert_true(f->kind < FLIP__COUNT);
	}
	probe_set_release(&ps);
}

/* On a busy machine the speed-ups are not trusted and confidence is well below high. */
static void test_advice_busy_caps_confidence(void **state)
{
	struct world *w = *state;
	struct probe_set ps;
	bool said = false;

	load_probes(w, &ps, "busy");
	run_probes(w, chat_profile, &ps);
	assert_true(w->a.busy_machine);
	assert_true(w->a.confidence <= ADVICE_BUSY_CAP);
	for (size_t i = 0; i < w->a.ncands; i++)
		if (w->a.cands[i].model->speedup_probe)
			assert_false(w->a.cands[i].cap.measured);
	for (size_t i = 0; i < w->a.nconfidence_notes; i++)
		said |= strstr(w->a.confidence_notes[i], "speed-ups were not trusted") != NULL;
	assert_true(said);
	for (size_t i = 0; i < w->a.nflips; i++)
		assert_int_not_equal(w->a.flips[i].kind, FLIP_PROBE);
	/* The same answer as without probes. */
	{
		char *rt = xstrdup(w->a.cands[0].rt->id), *model = xstrdup(w->a.cands[0].model->id);

		run_probes(w, chat_profile, NULL);
		assert_string_equal(w->a.cands[0].rt->id, rt);
		assert_string_equal(w->a.cands[0].model->id, model);
		free(rt);
		free(model);
	}
	probe_set_release(&ps);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_advice_kb_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_replay_figures, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_capacity_formulas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_event_loop_one_core, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_latency_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_rules_move_scores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_ranking_sorted_and_weighted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_excluding_winner_promotes_runner_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_more_skill_never_lowers_team_fit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_same_inputs_same_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_flips_really_flip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_accept_unknown_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_whatif_values_in_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_flips_within_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_accepted_rule_is_set_aside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_advice_infeasible_never_wins, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_gate_excludes_35x, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_rules_read_runtime_cpu, setup_real,
						teardown),
		cmocka_unit_test_setup_teardown(test_advice_flip_marks_lacking_winner, setup_real,
						teardown),
		cmocka_unit_test_setup_teardown(test_advice_tiers_hard_need, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_tiers_one_runtime, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_tiers_heavy_class_to_workers, setup_real,
						teardown),
		cmocka_unit_test_setup_teardown(test_advice_tiers_one_tier, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_noisy_figure_not_used, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_implausible_figure_falls_back, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_decisive_figure_named, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_sensitivity_never_infeasible, setup_real, teardown),
		cmocka_unit_test_setup_teardown(test_advice_busy_caps_confidence, setup_real, teardown),
	};

	return cmocka_run_group_tests_name("advice", tests, NULL, NULL) != 0;
}
