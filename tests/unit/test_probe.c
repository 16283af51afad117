/*
 * Unit tests of the probe module: statistics, budget split, fingerprint,
 * --only checking, the JSON round trip and cache validation.  Nothing here
 * runs a probe or depends on timing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probe.h"
#include "xalloc.h"

struct fixture {
	char dir[64];
	char *path;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	strcpy(f->dir, "/tmp/test-probe-XXXXXX");
	if (mkdtemp(f->dir) == NULL) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->path) {
		unlink(f->path);
		free(f->path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

/* Write text to the fixture's file and return its path. */
static const char *put(struct fixture *f, const char *text)
{
	FILE *fp;

	if (f->path == NULL)
		f->path = xasprintf("%s/cache.json", f->dir);
	fp = fopen(f->path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return f->path;
}

static void test_probe_stats_odd(void **state)
{
	const double v[] = { 9, 1, 2, 6, 2, 1, 4 };
	struct probe_stats st;

	(void)state;
	assert_int_equal(probe_stats_compute(v, 7, &st), 0);
	assert_true(st.median == 2);
	assert_true(st.min == 1);
	assert_true(st.max == 9);
	/* deviations 7 1 0 4 0 1 2 -> sorted 0 0 1 1 2 4 7 -> 1 */
	assert_true(st.mad == 1);
	assert_int_equal(st.samples, 7);
}

static void test_probe_stats_even(void **state)
{
	const double v[] = { 4, 1, 3, 2 };
	struct probe_stats st;

	(void)state;
	assert_int_equal(probe_stats_compute(v, 4, &st), 0);
	assert_true(st.median == 2.5);
	assert_true(st.min == 1 && st.max == 4);
	/* deviations 1.5 0.5 0.5 1.5 -> 1.0 */
	assert_true(st.mad == 1.0);
	assert_int_equal(st.samples, 4);
}

static void test_probe_stats_single_and_empty(void **state)
{
	const double v[] = { 5.5 };
	struct probe_stats st;

	(void)state;
	assert_int_equal(probe_stats_compute(v, 1, &st), 0);
	assert_true(st.median == 5.5 && st.min == 5.5 && st.max == 5.5 && st.mad == 0);
	assert_int_equal(probe_stats_compute(v, 0, &st), -1);
	assert_int_equal(st.samples, 0);
}

static void test_probe_round(void **state)
{
	(void)state;
	assert_true(probe_round(123.4567891) == 123.457);
	assert_true(probe_round(0.000123456789) == 0.000123457);
	assert_true(probe_round(628429.4) == 628429);
	assert_true(probe_round(0) == 0);
}

static void test_probe_budget_split_weights(void **state)
{
	const double w[] = { 1, 1, 2 };
	const double m[] = { 0, 0, 0 };
	double s[3];

	(void)state;
	assert_int_equal(probe_budget_split(4, w, m, 3, s), 3);
	assert_true(s[0] == 1 && s[1] == 1 && s[2] == 2);
}

static void test_probe_budget_split_minimum(void **state)
{
	const double w[] = { 1, 1, 0.1 };
	const double m[] = { 0, 0, 1.5 };
	double s[3];

	(void)state;
	/* 4 * 0.1 / 2.1 is under 1.5: it gets 1.5, the others share 2.5. */
	assert_int_equal(probe_budget_split(4, w, m, 3, s), 3);
	assert_true(s[2] == 1.5);
	assert_true(s[0] == 1.25 && s[1] == 1.25);
}

static void test_probe_budget_split_drop(void **state)
{
	const double w[] = { 1, 1, 1, 1 };
	const double m[] = { 0, 0.5, 3, 0 };
	double s[4];

	(void)state;
	/* 3.5 s of fixed cost does not fit in half of 4 s: the 3 s one goes. */
	assert_int_equal(probe_budget_split(4, w, m, 4, s), 3);
	assert_true(s[2] == 0);
	assert_true(s[1] >= 0.5);
	assert_true(s[0] + s[1] + s[3] <= 4.0 + 1e-9);
	assert_true(s[0] > 1.1 && s[0] == s[3]);
}

static time_t fixed_clock(void)
{
	return 1704164645;	/* 2024-01-02T03:04:05Z */
}

static void test_probe_fingerprint(void **state)
{
	struct probe_fingerprint fp;

	(void)state;
	memset(&fp, 0, sizeof fp);
	probe_set_clock(fixed_clock);
	probe_fingerprint_fill(&fp);
	probe_set_clock(NULL);
	assert_non_null(fp.cpu_model);
	assert_true(fp.cpu_model[0] != '\0');
	assert_non_null(fp.kernel);
	assert_true(fp.kernel[0] != '\0');
	assert_string_equal(fp.advisor_version, ADVISOR_VERSION);
	assert_string_equal(fp.taken_at, "2024-01-02T03:04:05Z");
	assert_true(fp.cores >= 1);
	assert_true(fp.memory_mb > 0);
	free(fp.cpu_model);
	free(fp.kernel);
	free(fp.advisor_version);
	free(fp.taken_at);
}

static void test_probe_only_check(void **state)
{
	char *bad = NULL;
	const char *hint = NULL;

	(void)state;
	assert_int_equal(probe_only_check("thread,gil,thread.spawn,event-loop,runtime.python",
					  &bad, &hint), 0);
	assert_null(bad);
	assert_int_equal(probe_only_check("thread.spwn", &bad, &hint), -1);
	assert_string_equal(bad, "thread.spwn");
	assert_non_null(hint);
	assert_string_equal(hint, "thread.spawn");
	free(bad);
	assert_int_equal(probe_only_check("gil,nosuch", &bad, &hint), -1);
	assert_string_equal(bad, "nosuch");
	free(bad);
	assert_true(probe_count() >= 18);
	assert_string_equal(probe_name_at(0), "thread.spawn");
}

static void fill_set(struct probe_set *ps)
{
	struct probe_result *r;

	probe_set_init(ps);
	ps->fp.cpu_model = xstrdup("Test CPU \"quoted\" 3.0GHz");
	ps->fp.cores = 2;
	ps->fp.memory_mb = 24000;
	ps->fp.kernel = xstrdup("Linux 6.1.0");
	ps->fp.advisor_version = xstrdup("0.1.0");
	ps->fp.taken_at = xstrdup("2024-01-02T03:04:05Z");
	ps->budget_s = 5;
	ps->elapsed_s = 4.6;
	ps->capresults = 2;
	ps->results = xcalloc(2, sizeof *ps->results);
	ps->nresults = 2;
	r = &ps->results[0];
	r->name = xstrdup("thread.spawn");
	r->family = xstrdup("threads");
	r->unit = xstrdup("us");
	r->st = (struct probe_stats){ 14.2, 12.9, 19.0, 0.4, 41 };
	r = &ps->results[1];
	r->name = xstrdup("loop.events_per_s");
	r->family = xstrdup("event-loop");
	r->unit = xstrdup("events/s");
	r->st = (struct probe_stats){ 628429, 519055, 644196, 5801.31, 84 };
	r->noisy = true;
	r->busy_other = 0.125;
	ps->capskipped = 1;
	ps->skipped = xcalloc(1, sizeof *ps->skipped);
	ps->nskipped = 1;
	ps->skipped[0].name = xstrdup("runtime.go.spawn");
	ps->skipped[0].reason = xstrdup("go not found on PATH");
}

static void test_probe_json_round_trip(void **state)
{
	struct fixture *f = *state;
	struct probe_set a, b;
	struct diags d = DIAGS_INIT;
	char *text;

	fill_set(&a);
	text = probe_set_to_string(&a);
	probe_set_init(&b);
	assert_int_equal(probe_set_load(&b, put(f, text), &d), 0);
	assert_int_equal((int)d.n, 0);
	assert_string_equal(b.fp.cpu_model, a.fp.cpu_model);
	assert_int_equal(b.fp.cores, 2);
	assert_int_equal(b.fp.memory_mb, 24000);
	assert_string_equal(b.fp.kernel, a.fp.kernel);
	assert_string_equal(b.fp.taken_at, a.fp.taken_at);
	assert_true(b.budget_s == 5 && b.elapsed_s == 4.6);
	assert_int_equal((int)b.nresults, 2);
	for (size_t i = 0; i < 2; i++) {
		assert_string_equal(b.results[i].name, a.results[i].name);
		assert_string_equal(b.results[i].family, a.results[i].family);
		assert_string_equal(b.results[i].unit, a.results[i].unit);
		assert_true(b.results[i].st.median == a.results[i].st.median);
		assert_true(b.results[i].st.min == a.results[i].st.min);
		assert_true(b.results[i].st.max == a.results[i].st.max);
		assert_true(b.results[i].st.mad == a.results[i].st.mad);
		assert_int_equal(b.results[i].st.samples, a.results[i].st.samples);
		assert_int_equal(b.results[i].noisy, a.results[i].noisy);
		assert_true(b.results[i].busy_other == a.results[i].busy_other);
	}
	assert_int_equal((int)b.nskipped, 1);
	assert_string_equal(b.skipped[0].reason, "go not found on PATH");
	assert_non_null(probe_set_find(&b, "thread.spawn"));
	assert_null(probe_set_find(&b, "thread.nosuch"));
	{
		double v = 0;

		assert_int_equal(probe_set_value(&b, "loop.events_per_s", &v), 0);
		assert_true(v == 628429);
		assert_int_equal(probe_set_value(&b, "nosuch", &v), -1);
	}
	assert_true(strncmp(b.source, "cache ", 6) == 0);
	free(text);
	probe_set_release(&a);
	probe_set_release(&b);
	diags_release(&d);
}

static const char good_head[] =
	"{\n"
	"  \"fingerprint\": {\"cpu_model\": \"x\", \"cores\": 2, \"memory_mb\": 100,\n"
	"                  \"kernel\": \"Linux\", \"advisor_version\": \"0.1.0\",\n"
	"                  \"taken_at\": \"2024-01-02T03:04:05Z\"},\n"
	"  \"budget_s\": 5.0, \"elapsed_s\": 4.5,\n";

/* Load text; expect failure with one error at line:col whose message has want. */
static void expect_error(struct fixture *f, const char *text, int line, int col,
			 const char *want)
{
	struct probe_set ps;
	struct diags d = DIAGS_INIT;

	probe_set_init(&ps);
	assert_int_equal(probe_set_load(&ps, put(f, text), &d), -1);
	assert_true(d.n >= 1);
	if (strstr(d.v[0].msg, want) == NULL)
		fail_msg("message '%s' lacks '%s'", d.v[0].msg, want);
	assert_int_equal(d.v[0].line, line);
	assert_int_equal(d.v[0].col, col);
	assert_string_equal(d.v[0].file, f->path);
	assert_int_equal((int)ps.nresults, 0);
	probe_set_release(&ps);
	diags_release(&d);
}

static void test_probe_load_truncated(void **state)
{
	expect_error(*state, "{\n  \"fingerprint\": {\"cpu_model\": \"x\",\n", 3, 1,
		     "invalid JSON");
}

static void test_probe_load_wrong_type(void **state)
{
	struct fixture *f = *state;
	char *t = xasprintf("{\n  \"fingerprint\": {\"cpu_model\": \"x\", \"cores\": \"two\",\n"
		      "    \"memory_mb\": 1, \"kernel\": \"k\", \"advisor_version\": \"v\",\n"
		      "    \"taken_at\": \"t\"},\n"
		      "  \"budget_s\": 5, \"elapsed_s\": 1, \"results\": []\n}\n");
	expect_error(f, t, 2, 46, "'cores' must be an integer, not a string");
	free(t);
}

static void test_probe_load_missing_fingerprint(void **state)
{
	expect_error(*state, "{\n  \"budget_s\": 5, \"elapsed_s\": 1, \"results\": []\n}\n", 1, 1,
		     "missing key 'fingerprint'");
}

static void test_probe_load_negative_samples(void **state)
{
	struct fixture *f = *state;
	char *t = xasprintf("%s  \"results\": [\n"
			    "    {\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\",\n"
			    "     \"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": -4}\n"
			    "  ]\n}\n",
			    good_head);

	expect_error(f, t, 8, 62, "'samples' must be between 1 and 1000000, not -4");
	free(t);
}

static void test_probe_load_min_over_median(void **state)
{
	struct fixture *f = *state;
	char *t = xasprintf("%s  \"results\": [\n"
			    "    {\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\",\n"
			    "     \"median\": 2, \"min\": 7, \"max\": 9, \"mad\": 0.5, \"samples\": 4}\n"
			    "  ]\n}\n",
			    good_head);

	expect_error(f, t, 8, 26, "'min' (7) is greater than 'median' (2)");
	free(t);
}

static void test_probe_load_unknown_family(void **state)
{
	struct fixture *f = *state;
	char *t = xasprintf("%s  \"results\": [\n"
			    "    {\"name\": \"thread.spawn\", \"family\": \"thread\", \"unit\": \"us\",\n"
			    "     \"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4}\n"
			    "  ]\n}\n",
			    good_head);

	expect_error(f, t, 7, 40, "unknown family 'thread' (did you mean 'threads'?)");
	free(t);
}

static void test_probe_load_missing_key_in_result(void **state)
{
	struct fixture *f = *state;
	char *t = xasprintf("%s  \"results\": [\n"
			    "    {\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\",\n"
			    "     \"median\": 2, \"min\": 1, \"max\": 3, \"samples\": 4}\n"
			    "  ]\n}\n",
			    good_head);

	/* The place is the result object that lacks the key. */
	expect_error(f, t, 7, 5, "missing key 'mad'");
	free(t);
}

/* One result line (the whole object) after good_head; the result starts at 7:5. */
static char *with_result(const char *result)
{
	return xasprintf("%s  \"results\": [\n    %s\n  ]\n}\n", good_head, result);
}

/* Load text; expect exactly the errors want[0..n-1] ("LINE:COL: MESSAGE" each). */
static void expect_errors(struct fixture *f, const char *text, const char *const *want, size_t n)
{
	struct probe_set ps;
	struct diags d = DIAGS_INIT;

	probe_set_init(&ps);
	assert_int_equal(probe_set_load(&ps, put(f, text), &d), -1);
	for (size_t i = 0; i < d.n; i++) {
		char *got = xasprintf("%d:%d: %s", d.v[i].line, d.v[i].col, d.v[i].msg);

		if (i >= n || strcmp(got, want[i]) != 0)
			fail_msg("error %zu is '%s', expected '%s'", i, got, i < n ? want[i] : "none");
		free(got);
	}
	assert_int_equal((int)d.n, (int)n);
	probe_set_release(&ps);
	diags_release(&d);
}

static void test_probe_load_cores_overflow(void **state)
{
	/* 4294967298 would become 2 through an int cast. */
	static const char text[] =
		"{\"fingerprint\": {\"cpu_model\": \"x\", \"cores\": 4294967298, \"memory_mb\": 1,\n"
		" \"kernel\": \"k\", \"advisor_version\": \"v\", \"taken_at\": \"t\"},\n"
		" \"budget_s\": 5, \"elapsed_s\": 1, \"results\": []}\n";
	static const char *const want[] = {
		"1:45: 'cores' must be between 1 and 65536, not 4294967298",
	};

	expect_errors(*state, text, want, 1);
}

static void test_probe_load_integral_real(void **state)
{
	struct fixture *f = *state;
	struct probe_set ps;
	struct diags d = DIAGS_INIT;
	static const char *const want[] = {
		"7:121: 'samples' must be a whole number, not 4.5",
	};
	char *t = with_result("{\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			      "\"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4.0}");
	char *u = with_result("{\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			      "\"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4.5}");

	/* 4.0 is a whole number written as a real: accepted. */
	probe_set_init(&ps);
	assert_int_equal(probe_set_load(&ps, put(f, t), &d), 0);
	assert_int_equal(ps.results[0].st.samples, 4);
	probe_set_release(&ps);
	diags_release(&d);
	expect_errors(f, u, want, 1);
	free(t);
	free(u);
}

static void test_probe_load_samples_overflow(void **state)
{
	/* 4294967295 was written back as -1. */
	static const char *const want[] = {
		"7:121: 'samples' must be between 1 and 1000000, not 4294967295",
	};
	char *t = with_result("{\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			      "\"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, "
			      "\"samples\": 4294967295}");

	expect_errors(*state, t, want, 1);
	free(t);
}

static void test_probe_load_duplicate_name(void **state)
{
	static const char *const want[] = {
		"8:14: duplicate result 'thread.spawn' (first defined at line 7)",
	};
	char *t = with_result("{\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			      "\"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4},\n"
			      "    {\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			      "\"median\": 5, \"min\": 1, \"max\": 9, \"mad\": 0.5, \"samples\": 4}");

	expect_errors(*state, t, want, 1);
	free(t);
}

static void test_probe_load_unknown_unit(void **state)
{
	static const char *const want[] = {
		"7:57: unknown unit 'kib' (did you mean 'KiB'?)",
	};
	char *t = with_result("{\"name\": \"thread.mem\", \"family\": \"threads\", \"unit\": \"kib\", "
			      "\"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4}");

	expect_errors(*state, t, want, 1);
	free(t);
}

static void test_probe_load_negative_median(void **state)
{
	static const char *const want[] = {
		"7:75: 'median' must be 0 or more, not -2",
	};
	char *t = with_result("{\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			      "\"median\": -2, \"min\": 0, \"max\": 3, \"mad\": 0.5, \"samples\": 4}");

	expect_errors(*state, t, want, 1);
	free(t);
}

static void test_probe_load_missing_median(void **state)
{
	/* Missing, and nothing else: no comparison of min with a median of 0. */
	static const char *const want[] = {
		"7:5: missing key 'median'",
	};
	char *t = with_result("{\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			      "\"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4}");

	expect_errors(*state, t, want, 1);
	free(t);
}

static void test_probe_load_speedup_bounds(void **state)
{
	/* good_head has 2 cores: a speed-up past 4 is not credible, 0 is impossible. */
	static const char *const want[] = {
		"7:76: 'median' of 5 x is more than twice the machine's 2 cores (4 x)",
		"7:96: 'max' of 6 x is more than twice the machine's 2 cores (4 x)",
		"8:79: 'median' must be above 0, not 0",
		"8:89: 'min' must be above 0, not 0",
	};
	char *t = with_result("{\"name\": \"thread.speedup\", \"family\": \"threads\", \"unit\": \"x\", "
			      "\"median\": 5, \"min\": 1, \"max\": 6, \"mad\": 0.5, \"samples\": 4},\n"
			      "    {\"name\": \"process.speedup\", \"family\": \"processes\", \"unit\": \"x\", "
			      "\"median\": 0, \"min\": 0, \"max\": 1, \"mad\": 0.5, \"samples\": 4}");

	expect_errors(*state, t, want, 4);
	free(t);
}

static void test_probe_load_unit_of_known_probe(void **state)
{
	static const char *const want[] = {
		"7:59: probe 'thread.spawn' is measured in 'us', not 'ns'",
	};
	char *t = with_result("{\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"ns\", "
			      "\"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4}");

	expect_errors(*state, t, want, 1);
	free(t);
}

static void test_probe_load_measured_and_skipped(void **state)
{
	static const char *const want[] = {
		"9:24: probe 'thread.spawn' is both measured (line 7) and skipped",
		"9:104: duplicate skipped probe 'runtime.go' (first defined at line 9)",
		"9:128: 'reason' holds ESC (U+001B); remove it",
	};
	char *t = xasprintf("%s  \"results\": [\n"
			    "    {\"name\": \"thread.spawn\", \"family\": \"threads\", \"unit\": \"us\", "
			    "\"median\": 2, \"min\": 1, \"max\": 3, \"mad\": 0.5, \"samples\": 4}\n"
			    "  ],\n"
			    "  \"skipped\": [{\"name\": \"thread.spawn\", \"reason\": \"r\"}, "
			    "{\"name\": \"runtime.go\", \"reason\": \"r\"}, "
			    "{\"name\": \"runtime.go\", \"reason\": \"\\u001b[2J\"}]\n}\n",
			    good_head);

	expect_errors(*state, t, want, 3);
	free(t);
}

static void test_probe_load_not_an_object(void **state)
{
	static const char *const want[] = {
		"2:3: a probe cache must be a JSON object, not a number",
	};

	expect_errors(*state, "\n  42\n", want, 1);
}

/* The committed example cache, written by an earlier version, still loads. */
static void test_probe_load_example_cache(void **state)
{
	const char *root = getenv("ADVISOR_SRCDIR");
	char *path = xasprintf("%s/docs/examples/probes.json", root ? root : ".");
	struct probe_set ps;
	struct diags d = DIAGS_INIT;

	(void)state;
	probe_set_init(&ps);
	assert_int_equal(probe_set_load(&ps, path, &d), 0);
	assert_int_equal((int)d.n, 0);
	assert_true(ps.nresults >= 10);
	probe_set_release(&ps);
	diags_release(&d);
	free(path);
}

static void test_probe_load_report(void **state)
{
	struct fixture *f = *state;
	struct probe_set ps;
	struct diags d = DIAGS_INIT;
	char *t = xasprintf("{\"advisor_version\": \"0.1.0\", \"probes\": %s"
			    "  \"results\": [], \"skipped\": []\n}\n}\n",
			    good_head);

	probe_set_init(&ps);
	assert_int_equal(probe_set_load(&ps, put(f, t), &d), 0);
	assert_int_equal(ps.fp.cores, 2);
	assert_true(ps.budget_s == 5.0);
	probe_set_release(&ps);
	diags_release(&d);
	free(t);
}

/* schema_version: this one and its absence load; a newer one is refused, named, placed. */
static void test_probe_load_schema_version(void **state)
{
	struct fixture *f = *state;
	struct probe_set ps;
	struct diags d = DIAGS_INIT;
	char *t = xasprintf("{\"schema_version\": %d,\n%s  \"results\": []\n}\n",
			    PROBE_SCHEMA_VERSION, good_head + 2);

	probe_set_init(&ps);
	assert_int_equal(probe_set_load(&ps, put(f, t), &d), 0);
	probe_set_release(&ps);
	diags_release(&d);
	free(t);
	t = xasprintf("{\"schema_version\": %d,\n%s  \"results\": []\n}\n",
		      PROBE_SCHEMA_VERSION + 1, good_head + 2);
	expect_error(f, t, 1, 20, "is newer than this advisor reads (version 1)");
	free(t);
	t = xasprintf("{\"schema_version\": \"1\",\n%s  \"results\": []\n}\n", good_head + 2);
	expect_error(f, t, 1, 20, "'schema_version' must be an integer, not a string");
	free(t);
	t = xasprintf("{\"schema_version\": 0,\n%s  \"results\": []\n}\n", good_head + 2);
	expect_error(f, t, 1, 20, "'schema_version' must be between 1 and");
	free(t);
}

static void test_probe_load_no_file(void **state)
{
	struct probe_set ps;
	struct diags d = DIAGS_INIT;

	(void)state;
	probe_set_init(&ps);
	assert_int_equal(probe_set_load(&ps, "/nonexistent/probes.json", &d), -1);
	assert_true(d.n == 1);
	assert_non_null(strstr(d.v[0].msg, "No such file"));
	probe_set_release(&ps);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_probe_stats_odd),
		cmocka_unit_test(test_probe_stats_even),
		cmocka_unit_test(test_probe_stats_single_and_empty),
		cmocka_unit_test(test_probe_round),
		cmocka_unit_test(test_probe_budget_split_weights),
		cmocka_unit_test(test_probe_budget_split_minimum),
		cmocka_unit_test(test_probe_budget_split_drop),
		cmocka_unit_test(test_probe_fingerprint),
		cmocka_unit_test(test_probe_only_check),
		cmocka_unit_test_setup_teardown(test_probe_json_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_wrong_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_missing_fingerprint, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_negative_samples, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_min_over_median, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_unknown_family, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_missing_key_in_result, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_report, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_schema_version, setup, teardown),
		cmocka_unit_test(test_probe_load_no_file),
		cmocka_unit_test_setup_teardown(test_probe_load_cores_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_integral_real, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_samples_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_duplicate_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_unknown_unit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_negative_median, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_missing_median, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_speedup_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_unit_of_known_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_measured_and_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe_load_not_an_object, setup, teardown),
		cmocka_unit_test(test_probe_load_example_cache),
	};

	return cmocka_run_group_tests_name("probe", tests, NULL, NULL) != 0;
}
