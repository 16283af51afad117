/*
 * The advice engine on a small fixture knowledge base: the capacity
 * formulas, scoring, and the properties the advice must have (excluding
 * the winner promotes the runner-up, more skill never lowers team fit,
 * the same inputs give the same JSON, every reported flip really flips).
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_advice_kb_sections, setup, teardown),
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
	};

	return cmocka_run_group_tests_name("advice", tests, NULL, NULL) != 0;
}
