/*
 * Profile loader: every field, the defaults, and each class of error with
 * its line and column.
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
#include "xalloc.h"

static const char full[] =
	"version: 1\n"
	"project:\n"
	"  name: Live logistics dashboard\n"
	"  description: >\n"
	"    Pushes vehicle positions over WebSockets.\n"
	"workload:\n"
	"  kind: io\n"
	"  peak_concurrency: 20000\n"
	"  requests_per_second: 8000\n"
	"  cpu_ms_per_request: 1.5\n"
	"  io_wait_fraction: 0.9\n"
	"  latency_p99_ms: 150\n"
	"  traits: [websocket, rest-api]\n"
	"team:\n"
	"  size: 5\n"
	"  skills: {javascript: 4, python: 2, go: 0, java: 1, csharp: 0, rust: 0}\n"
	"  can_hire: [go]\n"
	"scaling:\n"
	"  strategy: machines\n"
	"  instances: 4\n"
	"  deployment: kubernetes\n"
	"constraints:\n"
	"  memory_mb_per_instance: 1024\n"
	"  cold_start_ms: 500\n"
	"  ecosystem: [ml]\n"
	"  exclude: [java]\n"
	"priorities:\n"
	"  performance: 3\n"
	"  velocity: 4\n"
	"  team_fit: 5\n"
	"  ecosystem: 3\n"
	"  operations: 2\n"
	"accept:\n"
	"  - rule: gil-limits-cpu-threads\n"
	"    because: the CPU work runs in a C extension\n";

struct fixture {
	struct profile p;
	struct diags d;
	struct kb kb;			/* the built-in knowledge base: the words */
	struct profile_known known;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	const char *src = getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".";
	char *kdir = xasprintf("%s/knowledge", src);

	profile_init(&f->p);
	diags_init(&f->d);
	kb_init(&f->kb);
	assert_int_equal(kb_load_dir(&f->kb, kdir, &f->d), 0);
	kb_known(&f->kb, &f->known);
	free(kdir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	kb_release(&f->kb);
	profile_release(&f->p);
	diags_release(&f->d);
	free(f);
	return 0;
}

static int load(struct fixture *f, const char *text)
{
	profile_release(&f->p);
	diags_release(&f->d);
	return profile_load(&f->p, "t.yaml", text, strlen(text), &f->known, &f->d);
}

/* Expect failure with an error at line:col whose message holds needle. */
static void expect_error(struct fixture *f, const char *text, int line, int col,
			 const char *needle)
{
	assert_int_equal(load(f, text), -1);
	assert_true(f->d.n >= 1);
	for (size_t i = 0; i < f->d.n; i++)
		if (f->d.v[i].line == line && f->d.v[i].col == col &&
		    strstr(f->d.v[i].msg, needle) && f->d.v[i].level == DIAG_ERROR)
			return;
	fail_msg("got %d:%d: %s; expected %d:%d with '%s'", f->d.v[0].line,
		 f->d.v[0].col, f->d.v[0].msg, line, col, needle);
}

static void test_profile_full(void **state)
{
	struct fixture *f = *state;
	struct profile *p = &f->p;

	assert_int_equal(load(f, full), 0);
	assert_int_equal(f->d.errors, 0);
	assert_string_equal(p->name, "Live logistics dashboard");
	assert_string_equal(p->description, "Pushes vehicle positions over WebSockets.\n");
	assert_int_equal(p->kind, KIND_IO);
	assert_true(p->peak_concurrency == 20000);
	assert_true(p->requests_per_second == 8000);
	assert_true(p->cpu_ms_per_request == 1.5);
	assert_true(p->io_wait_fraction == 0.9);
	assert_true(p->latency_p99_ms == 150);
	assert_int_equal(p->traits.n, 2);
	assert_true(strlist_has(&p->traits, "websocket"));
	assert_int_equal(p->team_size, 5);
	assert_true(profile_skill(p, "javascript") == 4);
	assert_true(profile_skill(p, "python") == 2);
	assert_true(profile_skill(p, "cobol") == -1);
	assert_true(strlist_has(&p->can_hire, "go"));
	assert_int_equal(p->strategy, SCALE_MACHINES);
	assert_int_equal(p->instances, 4);
	assert_int_equal(p->deployment, DEPLOY_KUBERNETES);
	assert_true(p->memory_mb_per_instance == 1024);
	assert_true(p->cold_start_ms == 500);
	assert_true(strlist_has(&p->ecosystem, "ml"));
	assert_true(strlist_has(&p->exclude, "java"));
	assert_true(p->priorities[CRIT_VELOCITY] == 4);
	assert_true(p->priorities[CRIT_OPERATIONS] == 2);
	assert_int_equal(p->naccept, 1);
	assert_string_equal(p->accept[0].rule, "gil-limits-cpu-threads");
	assert_int_equal(p->accept[0].line, 34);
	/* Every field of the design's profile is stated; the later additions are absent. */
	for (size_t i = 0; i < profile_nfields; i++)
		assert_true(!profile_field_assumed(p, &profile_fields[i]) ||
			    (profile_fields[i].flags & PFL_QUIET));
}

static void test_profile_defaults_marked(void **state)
{
	struct fixture *f = *state;
	struct profile *p = &f->p;

	assert_int_equal(load(f, "version: 1\nworkload: {kind: cpu, peak_concurrency: 8}\n"), 0);
	assert_true(p->assumed[PF_RPS]);
	assert_true(p->requests_per_second == 8);
	assert_true(p->assumed[PF_CPU_MS]);
	assert_true(p->cpu_ms_per_request == 50);
	assert_true(p->io_wait_fraction == 0.1);
	assert_true(p->latency_p99_ms == 2000);
	assert_true(p->assumed[PF_TEAM_SIZE]);
	assert_int_equal(p->team_size, 5);
	assert_int_equal(p->instances, 2);
	assert_int_equal(p->strategy, SCALE_BOTH);
	assert_int_equal(p->deployment, DEPLOY_VM);
	assert_true(p->assumed[PF_PRIORITIES]);
	assert_true(p->priorities[CRIT_PERFORMANCE] == 3);
	assert_string_equal(p->name, "t.yaml");
	assert_true(p->memory_mb_per_instance == 0);
}

static void test_profile_kind_defaults_differ(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "version: 1\nworkload: {kind: io, peak_concurrency: 8}\n"), 0);
	assert_true(f->p.cpu_ms_per_request == 2);
	assert_true(f->p.io_wait_fraction == 0.9);
	assert_int_equal(load(f, "version: 1\nworkload: {kind: mixed, peak_concurrency: 8}\n"), 0);
	assert_true(f->p.cpu_ms_per_request == 10);
	assert_true(f->p.latency_p99_ms == 500);
}

static void test_profile_unknown_key_suggests(void **state)
{
	expect_error(*state, "version: 1\nworkload:\n  kind: io\n  peak_concurency: 5\n", 4, 3,
		     "did you mean 'peak_concurrency'");
}

static void test_profile_wrong_type(void **state)
{
	expect_error(*state, "version: 1\nworkload:\n  kind: io\n  peak_concurrency: lots\n", 4, 21,
		     "must be a number");
	expect_error(*state, "version: 1\nworkload: [io]\n", 2, 11, "must be a mapping");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5, traits: rest-api}\n",
		     2, 51, "must be a list");
}

static void test_profile_quoted_number(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: \"5\"}\n", 2, 40,
		     "quoted string");
}

static void test_profile_out_of_range(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 0}\n", 2, 40,
		     "out of range");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5, io_wait_fraction: -0.1}\n",
		     2, 61, "out of range");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\npriorities: {velocity: 6}\n",
		     3, 24, "out of range");
}

static void test_profile_overflow(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5, cpu_ms_per_request: 1e400}\n",
		     2, 63, "too large");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5, cpu_ms_per_request: .inf}\n",
		     2, 63, "must be a number");
}

static void test_profile_fraction_for_integer(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 2.5}\n", 2, 40,
		     "whole number");
}

static void test_profile_vocabulary(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: ioo, peak_concurrency: 5}\n", 2, 18,
		     "did you mean 'io'");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5, traits: [webscket]}\n",
		     2, 52, "unknown trait 'webscket'");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\nscaling: {strategy: up}\n",
		     3, 21, "unknown scaling strategy");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\nscaling: {deployment: lambda}\n",
		     3, 23, "unknown deployment");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\nteam: {skills: {kotlin: 3}}\n",
		     3, 17, "unknown key 'kotlin'");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\nconstraints: {exclude: [jvm]}\n",
		     3, 25, "unknown runtime 'jvm'");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\nconstraints: {ecosystem: [ai]}\n",
		     3, 27, "unknown ecosystem need 'ai'");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\nteam: {can_hire: [cobol]}\n",
		     3, 19, "unknown language 'cobol'");
}

static void test_profile_known_runtimes_extend(void **state)
{
	struct fixture *f = *state;
	static const char *const rts[] = { "node", "elixir" };
	struct profile_known known = f->known;
	const char *text = "version: 1\nworkload: {kind: io, peak_concurrency: 5}\n"
			   "constraints: {exclude: [elixir]}\n";

	known.runtimes = rts;
	known.nruntimes = 2;
	profile_release(&f->p);
	assert_int_equal(profile_load(&f->p, "t.yaml", text, strlen(text), &known, &f->d), 0);
	assert_true(strlist_has(&f->p.exclude, "elixir"));
}

static void test_profile_missing_required(void **state)
{
	expect_error(*state, "workload: {kind: io, peak_concurrency: 5}\n", 1, 1,
		     "missing required key 'version'");
	expect_error(*state, "version: 1\nworkload:\n  peak_concurrency: 5\n", 2, 1,
		     "missing required key 'workload.kind'");
	expect_error(*state, "version: 1\nworkload:\n  kind:\n  peak_concurrency: 5\n", 3, 3,
		     "required key 'workload.kind' has no value");
	expect_error(*state, "version: 1\nproject: {name: x}\n", 1, 1,
		     "missing required key 'workload'");
}

static void test_profile_duplicate_key(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\nversion: 1\n", 3,
		     1, "duplicate key 'version' (first defined at line 1)");
}

static void test_profile_version(void **state)
{
	expect_error(*state, "version: 2\nworkload: {kind: io, peak_concurrency: 5}\n", 1, 10,
		     "unsupported profile version 2");
}

static void test_profile_empty_and_documents(void **state)
{
	expect_error(*state, "", 1, 1, "empty");
	expect_error(*state, "# nothing\n", 1, 1, "empty");
	expect_error(*state, "version: 1\n---\nversion: 1\n", 2, 1, "more than one YAML document");
	expect_error(*state, "just words\n", 1, 1, "must be a YAML mapping");
}

static void test_profile_invalid_utf8(void **state)
{
	expect_error(*state, "version: 1\nproject: {name: \"a\xc3\x28\"}\n", 2, 19, "UTF-8");
}

static void test_profile_tab(void **state)
{
	expect_error(*state, "version: 1\nworkload:\n\tkind: io\n", 3, 1, "tab character");
}

static void test_profile_aliases_rejected(void **state)
{
	expect_error(*state, "version: 1\nx: &a [1]\ny: *a\n", 2, 4, "aliases");
}

static void test_profile_deep_nesting_rejected(void **state)
{
	struct fixture *f = *state;
	size_t depth = 5000;
	char *text = malloc(2 * depth + 16);
	size_t n = 0;

	n += (size_t)sprintf(text, "x: ");
	for (size_t i = 0; i < depth; i++)
		text[n++] = '[';
	for (size_t i = 0; i < depth; i++)
		text[n++] = ']';
	text[n++] = '\n';
	text[n] = '\0';
	assert_int_equal(load(f, text), -1);
	assert_non_null(strstr(f->d.v[0].msg, "nesting deeper than"));
	assert_int_equal(f->d.v[0].line, 1);
	free(text);
}

static void test_profile_excludes_everything(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\n"
			     "constraints:\n  exclude: [node, go, python, java, dotnet, rust]\n",
		     4, 12, "rules out every runtime");
}

static void test_profile_all_errors_reported_in_order(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "version: 1\nworkload:\n  kind: cpuu\n  peak_concurrency: -4\n"
				 "team: {size: 0}\nscaling: {instances: many}\n"), -1);
	assert_int_equal(f->d.n, 4);
	assert_int_equal(f->d.v[0].line, 3);
	assert_int_equal(f->d.v[1].line, 4);
	assert_int_equal(f->d.v[2].line, 5);
	assert_int_equal(f->d.v[3].line, 6);
}

static void test_profile_accept_needs_reason(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\n"
			     "accept:\n  - rule: x\n", 4, 5, "needs a written reason");
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\n"
			     "accept:\n  - {rule: x, because: y}\n  - {rule: x, because: z}\n", 5, 12,
		     "accepted twice");
}

static void test_profile_all_zero_priorities(void **state)
{
	expect_error(*state, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\n"
			     "priorities: {performance: 0, velocity: 0, team_fit: 0, ecosystem: 0, operations: 0}\n",
		     3, 13, "every priority is 0");
}

static void test_profile_latency_warning(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "version: 1\nworkload: {kind: cpu, peak_concurrency: 5, "
				 "cpu_ms_per_request: 300, latency_p99_ms: 100}\n"), 0);
	assert_int_equal(f->d.n, 1);
	assert_int_equal(f->d.v[0].level, DIAG_WARNING);
	assert_int_equal(f->p.nwarnings, 1);
}

static void test_profile_null_optional_is_default(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "version: 1\nworkload: {kind: io, peak_concurrency: 5, "
				 "latency_p99_ms: ~}\nconstraints:\n"), 0);
	assert_true(f->p.assumed[PF_LATENCY]);
	assert_true(f->p.latency_p99_ms == 200);
}

static const char additions[] =
	"version: 1\n"
	"workload:\n"
	"  kind: mixed\n"
	"  peak_concurrency: 200\n"
	"  native_share: 0.6\n"
	"  mix:\n"
	"    - {share: 0.95, cpu_ms: 2}\n"
	"    - {share: 0.05, cpu_ms: 300, name: pdf-render}\n"
	"scaling:\n"
	"  cores_per_instance: 0.5\n"
	"constraints:\n"
	"  cost_per_core_month: 25\n"
	"calibration:\n"
	"  python: 6\n"
	"  node: 2.5\n"
	"decision:\n"
	"  makers: [platform architects]\n"
	"  consulted: [security, finance]\n"
	"  informed: [all engineering]\n";

/* Every field of the contract additions, and cpu_ms_per_request from the mix. */
static void test_profile_additions(void **state)
{
	struct fixture *f = *state;
	struct profile *p = &f->p;

	assert_int_equal(load(f, additions), 0);
	assert_float_equal(p->native_share, 0.6, 1e-12);
	assert_false(p->assumed[PF_NATIVE_SHARE]);
	assert_int_equal(p->mix.n, 2);
	assert_float_equal(p->mix.v[0].share, 0.95, 1e-12);
	assert_float_equal(p->mix.v[1].cpu_ms, 300, 1e-12);
	assert_null(p->mix.v[0].name);
	assert_string_equal(p->mix.v[1].name, "pdf-render");
	/* 0.95 x 2 + 0.05 x 300 */
	assert_float_equal(p->cpu_ms_per_request, 16.9, 1e-9);
	assert_false(p->assumed[PF_CPU_MS]);
	assert_float_equal(p->cores_per_instance, 0.5, 1e-12);
	assert_float_equal(p->cost_per_core_month, 25, 1e-12);
	assert_float_equal(profile_calibration(p, "python"), 6, 1e-12);
	assert_float_equal(profile_calibration(p, "node"), 2.5, 1e-12);
	assert_float_equal(profile_calibration(p, "go"), 0, 0);
	assert_int_equal(p->makers.n, 1);
	assert_string_equal(p->makers.v[0], "platform architects");
	assert_int_equal(p->consulted.n, 2);
	assert_string_equal(p->informed.v[0], "all engineering");
	for (size_t i = 0; i < profile_nfields; i++)
		assert_false(profile_field_hidden(p, &profile_fields[i]));
}

/* Absent, the new optional fields are hidden from the digests, not assumed rows. */
static void test_profile_additions_absent_are_quiet(void **state)
{
	struct fixture *f = *state;
	struct profile *p = &f->p;
	const struct profile_spec *mix = profile_field_find("workload.mix", NULL);
	const struct profile_spec *cal = profile_field_find("calibration.go", NULL);

	assert_int_equal(load(f, "version: 1\nworkload: {kind: io, peak_concurrency: 5}\n"), 0);
	assert_true(profile_field_hidden(p, mix));
	assert_true(profile_field_hidden(p, cal));
	assert_true(profile_field_hidden(p, profile_field_find("decision.makers", NULL)));
	assert_false(profile_field_hidden(p, profile_field_find("workload.traits", NULL)));
	assert_int_equal(p->mix.n, 0);
	assert_float_equal(p->cores_per_instance, 0, 0);
	assert_float_equal(p->cpu_ms_per_request, 2, 0);	/* the io default still */
	assert_true(p->assumed[PF_CPU_MS]);
}

/* Each bad new value is an error at its place, in the existing style. */
static void test_profile_additions_errors(void **state)
{
	struct fixture *f = *state;
	const char *w = "version: 1\nworkload:\n  kind: io\n  peak_concurrency: 5\n";
	char *t;

#define EXPECT(tail, line, col, needle)                                   \
	do {                                                              \
		t = xasprintf("%s%s", w, tail);                           \
		expect_error(f, t, line, col, needle);                    \
		free(t);                                                  \
	} while (0)
	EXPECT("  native_share: -0.1\n", 5, 17, "'workload.native_share' is out of range");
	EXPECT("  mix:\n    - {share: 0.5, cpu_ms: 1}\n    - {share: 0.49, cpu_ms: 1}\n", 5, 3,
	       "the shares of 'workload.mix' sum to 0.99, not 1");
	EXPECT("  mix: []\n", 5, 8, "'workload.mix' needs 1 to 16 classes, found 0");
	EXPECT("  mix:\n    - {share: 0, cpu_ms: 1}\n", 6, 15,
	       "'workload.mix[0].share' is out of range: 0 is not more than 0");
	EXPECT("  mix:\n    - {share: 1.5, cpu_ms: 1}\n", 6, 15, "'workload.mix[0].share' is out");
	EXPECT("  mix:\n    - {cpu_ms: 1}\n", 6, 7, "missing required key 'workload.mix[0].share'");
	EXPECT("  mix:\n    - {share: 1, cpu_ms: 1, nme: x}\n", 6, 29,
	       "unknown key 'nme' in workload.mix[0] (did you mean 'name'?)");
	EXPECT("  cpu_ms_per_request: 3\n  mix:\n    - {share: 1, cpu_ms: 2}\n", 5, 23,
	       "the mean of 'workload.mix' is 2");
	EXPECT("scaling:\n  cores_per_instance: 0.2\n", 6, 23,
	       "'scaling.cores_per_instance' is out of range");
	EXPECT("constraints:\n  cost_per_core_month: -1\n", 6, 24,
	       "'constraints.cost_per_core_month' is out of range");
	EXPECT("calibration:\n  pyton: 6\n", 6, 3, "unknown key 'pyton' in calibration "
	       "(did you mean 'python'?)");
	EXPECT("calibration:\n  go: 0\n", 6, 7, "'calibration.go' is out of range");
	EXPECT("calibration:\n  go: fast\n", 6, 7, "'calibration.go' must be a number");
	EXPECT("decision:\n  makers: [a, b, a]\n", 6, 18, "'a' is listed twice in 'decision.makers'");
	EXPECT("decision:\n  consulted: x\n", 6, 14, "'decision.consulted' must be a list");
	EXPECT("decision:\n  informed: [[x]]\n", 6, 14, "'decision.informed'");
#undef EXPECT
}

/* A mix and cpu_ms_per_request within 1 % agree: the mix's mean is used. */
static void test_profile_mix_agrees_within_one_percent(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(load(f, "version: 1\nworkload:\n  kind: io\n  peak_concurrency: 5\n"
			      "  cpu_ms_per_request: 2.015\n  mix: [{share: 1, cpu_ms: 2}]\n"), 0);
	assert_float_equal(f->p.cpu_ms_per_request, 2, 1e-12);
	/* Shares within 0.001 of 1 are accepted. */
	assert_int_equal(load(f, "version: 1\nworkload:\n  kind: io\n  peak_concurrency: 5\n"
			      "  mix: [{share: 0.3333, cpu_ms: 1}, {share: 0.6667, cpu_ms: 4}]\n"), 0);
}

/* The table of fields marks every assumed flag once, and only optional rows. */
static void test_profile_fields_table_complete(void **state)
{
	int seen[PF__COUNT] = { 0 };

	(void)state;
	for (size_t i = 0; i < profile_nfields; i++) {
		const struct profile_spec *f = &profile_fields[i];

		if (f->flags & PFL_REQUIRED) {
			assert_int_equal(f->assumed, -1);
			continue;
		}
		assert_true(f->assumed >= 0 && f->assumed < PF__COUNT);
		seen[f->assumed]++;
		assert_non_null(profile_field_find(f->type == PT_PRIORITIES ? "priorities.velocity" :
						   f->type == PT_SKILLS ? "team.skills.go" :
						   f->type == PT_FACTORS ? "calibration.python" : f->path,
						   NULL));
	}
	for (int i = 0; i < PF__COUNT; i++)
		assert_int_equal(seen[i], 1);
	assert_null(profile_field_find("priorities.speed", NULL));
	assert_null(profile_field_find("team.skills", NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_profile_full, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_defaults_marked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_kind_defaults_differ, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_unknown_key_suggests, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_wrong_type, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_quoted_number, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_out_of_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_overflow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_fraction_for_integer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_vocabulary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_known_runtimes_extend, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_missing_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_duplicate_key, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_empty_and_documents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_tab, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_aliases_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_deep_nesting_rejected, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_excludes_everything, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_all_errors_reported_in_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_accept_needs_reason, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_all_zero_priorities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_latency_warning, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_null_optional_is_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_additions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_additions_absent_are_quiet, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_additions_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_profile_mix_agrees_within_one_percent, setup,
						teardown),
		cmocka_unit_test(test_profile_fields_table_complete),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL) != 0;
}
