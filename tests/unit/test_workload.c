/*
 * workload.c: the CPU factor by workload class, calibration, the legacy
 * knowledge keys, and the request mix.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "kb.h"
#include "profile.h"
#include "workload.h"
#include "xalloc.h"

struct fixture {
	struct kb kb;		/* the built-in knowledge base */
	struct profile_known known;
	struct profile p, q;
	struct diags d;
};

static int load_kb(struct fixture *f, const char *sub)
{
	const char *src = getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".";
	char *dir = xasprintf("%s/%s", src, sub);
	int rc;

	kb_release(&f->kb);
	rc = kb_load_dir(&f->kb, dir, &f->d);
	kb_known(&f->kb, &f->known);
	free(dir);
	return rc;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	kb_init(&f->kb);
	diags_init(&f->d);
	profile_init(&f->p);
	profile_init(&f->q);
	assert_int_equal(load_kb(f, "knowledge"), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	profile_release(&f->p);
	profile_release(&f->q);
	kb_release(&f->kb);
	diags_release(&f->d);
	free(f);
	return 0;
}

static void load(struct fixture *f, struct profile *p, const char *text)
{
	assert_int_equal(profile_load(p, "t.yaml", text, strlen(text), &f->known, &f->d), 0);
}

static const struct kb_runtime *rt(struct fixture *f, const char *id)
{
	const struct kb_runtime *r = kb_runtime(&f->kb, id);

	assert_non_null(r);
	return r;
}

/*
 * Issue 10's example: a word in the description used to switch Python's
 * factor from 20 to 1.5.  Two profiles that differ only in it must get the
 * same factor, for every runtime.
 */
static void test_workload_description_changes_nothing(void **state)
{
	struct fixture *f = *state;
	static const char fmt[] =
		"version: 1\n"
		"project:\n"
		"  name: internal reporting tool\n"
		"  description: Builds monthly sales reports for the finance team.%s\n"
		"workload:\n"
		"  kind: cpu\n"
		"  peak_concurrency: 20\n"
		"  cpu_ms_per_request: 400\n"
		"  traits: [csv-processing, pdf-reports]\n";
	char *a = xasprintf(fmt, "");
	char *b = xasprintf(fmt, " CSV export uses pandas.");
	struct workload_factor x, y;

	load(f, &f->p, a);
	load(f, &f->q, b);
	assert_string_not_equal(f->p.description, f->q.description);
	for (size_t i = 0; i < f->kb.nruntimes; i++) {
		workload_cpu_factor(&f->p, &f->kb, &f->kb.runtimes[i], &x);
		workload_cpu_factor(&f->q, &f->kb, &f->kb.runtimes[i], &y);
		assert_true(x.low == y.low && x.typical == y.typical && x.high == y.high);
		assert_string_equal(x.why, y.why);
	}
	/* Python stays at its pure-Python compute cost: far above its native one. */
	workload_cpu_factor(&f->q, &f->kb, rt(f, "python"), &y);
	assert_float_equal(y.typical, rt(f, "python")->cpu_cost[KB_COMPUTE].typical, 1e-9);
	assert_true(y.typical > 5 * rt(f, "python")->cpu_cost[KB_NATIVE].typical);
	assert_int_equal(y.source, WL_KNOWLEDGE);
	free(a);
	free(b);
}

/* native_share 1 gives the native range exactly. */
static void test_workload_native_share_one(void **state)
{
	struct fixture *f = *state;
	const struct kb_runtime *py = rt(f, "python");
	struct workload_factor x;

	load(f, &f->p, "version: 1\nworkload:\n  kind: cpu\n  peak_concurrency: 4\n"
		       "  native_share: 1\n  traits: [batch]\n");
	workload_cpu_factor(&f->p, &f->kb, py, &x);
	assert_float_equal(x.classes.share[KB_NATIVE], 1, 1e-12);
	assert_float_equal(x.low, py->cpu_cost[KB_NATIVE].low, 1e-12);
	assert_float_equal(x.typical, py->cpu_cost[KB_NATIVE].typical, 1e-12);
	assert_float_equal(x.high, py->cpu_cost[KB_NATIVE].high, 1e-12);
	assert_non_null(strstr(x.why, "native 100 %"));
}

/* The class mix follows kind, traits and native_share as documented. */
static void test_workload_classes_rule(void **state)
{
	struct fixture *f = *state;
	struct workload_classes c;

	load(f, &f->p, "version: 1\nworkload: {kind: io, peak_concurrency: 4, traits: [rest-api]}\n");
	workload_classes(&f->p, &f->kb, &c);
	assert_float_equal(c.share[KB_WEB], 1, 1e-12);
	assert_float_equal(c.share[KB_COMPUTE], 0, 1e-12);

	profile_release(&f->p);
	load(f, &f->p, "version: 1\nworkload: {kind: mixed, peak_concurrency: 4, "
		       "traits: [pdf-reports]}\n");
	workload_classes(&f->p, &f->kb, &c);
	assert_float_equal(c.share[KB_COMPUTE], 0.75, 1e-12);
	assert_float_equal(c.share[KB_WEB], 0.25, 1e-12);

	/* A native trait without a share: 80 % native, the rest by kind and traits. */
	profile_release(&f->p);
	load(f, &f->p, "version: 1\nworkload: {kind: io, peak_concurrency: 4, "
		       "traits: [rest-api, ml-inference]}\n");
	workload_classes(&f->p, &f->kb, &c);
	assert_float_equal(c.share[KB_NATIVE], 0.8, 1e-12);
	assert_float_equal(c.share[KB_WEB], 0.2, 1e-12);

	/* A stated share wins over the trait. */
	profile_release(&f->p);
	load(f, &f->p, "version: 1\nworkload: {kind: mixed, peak_concurrency: 4, "
		       "traits: [ml-inference], native_share: 0.4}\n");
	workload_classes(&f->p, &f->kb, &c);
	assert_float_equal(c.share[KB_NATIVE], 0.4, 1e-12);
	assert_float_equal(c.share[KB_WEB] + c.share[KB_COMPUTE] + c.share[KB_NATIVE], 1, 1e-12);
	assert_float_equal(c.share[KB_COMPUTE], 0.6 * 0.75, 1e-12);
}

/* A blend is the share-weighted mean of each end of the class ranges. */
static void test_workload_blend(void **state)
{
	struct fixture *f = *state;
	const struct kb_runtime *py = rt(f, "python");
	struct workload_factor x;

	load(f, &f->p, "version: 1\nworkload: {kind: io, peak_concurrency: 4, native_share: 0.4}\n");
	workload_cpu_factor(&f->p, &f->kb, py, &x);
	assert_float_equal(x.low, 0.6 * py->cpu_cost[KB_WEB].low + 0.4 * py->cpu_cost[KB_NATIVE].low,
			   1e-12);
	assert_float_equal(x.typical, 0.6 * py->cpu_cost[KB_WEB].typical +
			   0.4 * py->cpu_cost[KB_NATIVE].typical, 1e-12);
	assert_float_equal(x.high, 0.6 * py->cpu_cost[KB_WEB].high +
			   0.4 * py->cpu_cost[KB_NATIVE].high, 1e-12);
	assert_true(x.low <= x.typical && x.typical <= x.high);
	/* The file as the report shows it, then the blend. */
	assert_non_null(strstr(x.why, "runtime-python.md, cpu_cost: web 60 %, native 40 %"));
}

/* calibration overrides all three figures, for that runtime only. */
static void test_workload_calibration_overrides(void **state)
{
	struct fixture *f = *state;
	struct workload_factor x;

	load(f, &f->p, "version: 1\nworkload: {kind: cpu, peak_concurrency: 4}\n"
		       "calibration: {python: 6}\n");
	workload_cpu_factor(&f->p, &f->kb, rt(f, "python"), &x);
	assert_true(x.low == 6 && x.typical == 6 && x.high == 6);
	assert_int_equal(x.source, WL_CALIBRATION);
	assert_string_equal(x.why, "calibration in the profile");
	workload_cpu_factor(&f->p, &f->kb, rt(f, "node"), &x);
	assert_int_equal(x.source, WL_KNOWLEDGE);
	assert_float_equal(x.typical, rt(f, "node")->cpu_cost[KB_COMPUTE].typical, 1e-12);
}

/* Go is the reference: 1 in every class, whatever the mix. */
static void test_workload_go_is_reference(void **state)
{
	struct fixture *f = *state;
	struct workload_factor x;

	load(f, &f->p, "version: 1\nworkload: {kind: mixed, peak_concurrency: 4, native_share: 0.3}\n");
	workload_cpu_factor(&f->p, &f->kb, rt(f, "go"), &x);
	assert_float_equal(x.low, 1, 1e-12);
	assert_float_equal(x.high, 1, 1e-12);
}

/*
 * A knowledge folder with only the older keys (cpu_factor, gc_pause_ms)
 * still loads: every class takes cpu_factor, the one collector its pause.
 */
static void test_workload_legacy_knowledge(void **state)
{
	struct fixture *f = *state;
	const struct kb_runtime *beta;
	struct workload_factor x;

	assert_int_equal(load_kb(f, "tests/fixtures/kb"), 0);
	beta = rt(f, "beta");
	assert_true(beta->cpu_cost_legacy);
	for (size_t i = 0; i < KB_CLASS__COUNT; i++) {
		assert_float_equal(beta->cpu_cost[i].low, 20, 0);
		assert_float_equal(beta->cpu_cost[i].high, 20, 0);
	}
	assert_float_equal(beta->cpu_factor, 20, 0);
	assert_int_equal(beta->ngcs, 1);
	assert_float_equal(kb_runtime_gc(beta)->p99_pause_ms, 5, 0);
	assert_float_equal(beta->gc_pause_ms, 5, 0);
	load(f, &f->p, "version: 1\nworkload: {kind: io, peak_concurrency: 4, native_share: 0.5}\n");
	workload_cpu_factor(&f->p, &f->kb, beta, &x);
	assert_int_equal(x.source, WL_LEGACY);
	assert_float_equal(x.typical, 20, 1e-12);
}

/* The shipped files fill the single figures advice.c still reads, unchanged. */
static void test_workload_kb_keeps_single_figures(void **state)
{
	struct fixture *f = *state;
	const struct kb_runtime *java = rt(f, "java");

	assert_float_equal(rt(f, "python")->cpu_factor, 20, 0);
	assert_float_equal(rt(f, "python")->native_cpu_factor, 1.5, 0);
	assert_null(rt(f, "python")->native_re);
	assert_float_equal(java->gc_pause_ms, 20, 0);
	assert_int_equal(java->ngcs, 2);
	assert_string_equal(kb_runtime_gc(java)->collector, "G1");
	assert_string_equal(java->gcs[1].collector, "ZGC");
	assert_true(java->gcs[1].p99_pause_ms < 2);
	for (size_t i = 0; i < f->kb.nruntimes; i++)
		for (size_t k = 0; k < KB_CLASS__COUNT; k++)
			assert_non_null(f->kb.runtimes[i].cpu_cost[k].source);
}

/* Plausible ranges of the model files flag figures that cannot be right. */
static void test_workload_plausible_figures(void **state)
{
	struct fixture *f = *state;
	const struct kb_model *tp = kb_model(&f->kb, "thread-pool");
	const struct kb_model *gil = kb_model(&f->kb, "gil-threads");

	assert_non_null(tp);
	assert_true(kb_model_plausible(tp, FIG_SPEEDUP, 1.9, 2));
	assert_false(kb_model_plausible(tp, FIG_SPEEDUP, 2.5, 2));	/* above the cores */
	assert_false(kb_model_plausible(tp, FIG_SPEEDUP, 0.6, 2));	/* a busy machine */
	assert_true(kb_model_plausible(tp, FIG_SPEEDUP, 7.6, 8));
	assert_false(kb_model_plausible(gil, FIG_SPEEDUP, 1.9, 2));
	assert_true(kb_model_plausible(gil, FIG_SPEEDUP, 0.9, 2));
	assert_false(kb_model_plausible(tp, FIG_OVERHEAD_US, 5000, 2));
	/* A figure without a range is plausible. */
	assert_true(kb_model_plausible(tp, FIG_LAG_MS, 1e6, 2));
}

/* The request mix: the profile's classes, or one of cpu_ms_per_request. */
static void test_workload_request_mix(void **state)
{
	struct fixture *f = *state;
	struct cap_class c[PROFILE_MAX_CLASSES];

	load(f, &f->p, "version: 1\nworkload: {kind: io, peak_concurrency: 4, cpu_ms_per_request: 3}\n");
	assert_int_equal(workload_request_mix(&f->p, c, PROFILE_MAX_CLASSES), 1);
	assert_float_equal(c[0].share, 1, 0);
	assert_float_equal(c[0].cpu_ms, 3, 0);
	assert_null(c[0].name);
	load(f, &f->q, "version: 1\nworkload:\n  kind: io\n  peak_concurrency: 4\n  mix:\n"
		       "    - {share: 0.95, cpu_ms: 2}\n    - {share: 0.05, cpu_ms: 300, name: pdf-render}\n");
	assert_int_equal(workload_request_mix(&f->q, c, PROFILE_MAX_CLASSES), 2);
	assert_float_equal(c[1].share, 0.05, 1e-12);
	assert_float_equal(c[1].cpu_ms, 300, 0);
	assert_string_equal(c[1].name, "pdf-render");
	assert_int_equal(workload_request_mix(&f->q, c, 1), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_workload_description_changes_nothing, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_workload_native_share_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_classes_rule, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_blend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_calibration_overrides, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_go_is_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_legacy_knowledge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_kb_keeps_single_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_plausible_figures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_workload_request_mix, setup, teardown),
	};

	return cmocka_run_group_tests_name("workload", tests, NULL, NULL) != 0;
}
