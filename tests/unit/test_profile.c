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
	for (int i = 0; i < PF__COUNT; i++)
		assert_false(p->assumed[i]);
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
						   f->type == PT_SKILLS ? "team.skills.go" : f->path,
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
		cmocka_unit_test(test_profile_fields_table_complete),
	};

	return cmocka_run_group_tests_name("profile", tests, NULL, NULL) != 0;
}
