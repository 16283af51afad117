/*
 * Rule engine: loading and its errors (with places), conditions, patterns
 * (including a runaway one), placeholders.
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

#include "buf.h"
#include "xalloc.h"
#include "rule.h"

/* Write text to a temporary rule file and load it. */
static int load_text(struct ruleset *rs, struct diags *d, const char *text)
{
	char path[] = "/tmp/advisor-test-rule-XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	int rc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	rc = ruleset_load_file(rs, path, d);
	unlink(path);
	return rc;
}

static void expect_rule_error(const char *text, int line, int col, const char *needle)
{
	struct ruleset rs;
	struct diags d = DIAGS_INIT;
	bool found = false;

	ruleset_init(&rs);
	assert_int_equal(load_text(&rs, &d, text), -1);
	for (size_t i = 0; i < d.n; i++)
		if (d.v[i].line == line && d.v[i].col == col && strstr(d.v[i].msg, needle))
			found = true;
	if (!found)
		fail_msg("no error %d:%d '%s'; first: %d:%d %s", line, col, needle,
			 d.n ? d.v[0].line : 0, d.n ? d.v[0].col : 0, d.n ? d.v[0].msg : "(none)");
	ruleset_release(&rs);
	diags_release(&d);
}

#define RULE_HEAD "rules:\n  - id: r1\n    description: d\n    rationale: r\n    source: s\n"

/* A fake world for evaluation: a few fields with fixed values. */
struct world {
	struct strlist traits;
	const char *description;
	double cpu;
};

static void look(void *ctx, const char *field, struct value *out)
{
	struct world *w = ctx;

	out->type = VAL_NONE;
	if (strcmp(field, "workload.traits") == 0) {
		out->type = VAL_LIST;
		out->list = &w->traits;
	} else if (strcmp(field, "project.description") == 0) {
		out->type = VAL_STR;
		out->str = w->description;
	} else if (strcmp(field, "workload.cpu_ms_per_request") == 0) {
		out->type = VAL_NUM;
		out->num = w->cpu;
	} else if (strcmp(field, "workload.kind") == 0) {
		out->type = VAL_STR;
		out->str = "cpu";
	}
}

static int eval_text(const char *when, struct world *w, struct diags *d)
{
	struct ruleset rs;
	struct buf text = BUF_INIT;
	int r;

	ruleset_init(&rs);
	buf_addf(&text, RULE_HEAD "    effects: [{runtime: x, criterion: performance, delta: 1}]\n"
		 "    when:\n%s", when);
	if (load_text(&rs, d, buf_str(&text)) < 0) {
		diags_print(d, stderr);
		fail_msg("rule did not load");
	}
	r = rule_eval(&rs, &rs.rules[0], look, w, NULL, d);
	ruleset_release(&rs);
	buf_release(&text);
	return r;
}

static void test_rule_loads_fixture(void **state)
{
	struct ruleset rs;
	struct diags d = DIAGS_INIT;
	char *path = xasprintf("%s/tests/fixtures/rules/basic.yaml",
			       getenv("ADVISOR_SRCDIR") ? getenv("ADVISOR_SRCDIR") : ".");

	ruleset_init(&rs);
	assert_int_equal(ruleset_load_file(&rs, path, &d), 0);
	assert_int_equal(rs.n, 3);
	assert_string_equal(rs.rules[0].id, "io-likes-single");
	assert_int_equal(rs.rules[0].line, 2);
	assert_false(rs.rules[0].per_candidate);
	assert_true(rs.rules[2].per_candidate);
	assert_non_null(rs.rules[1].when->re);
	ruleset_release(&rs);
	diags_release(&d);
	free(path);
}

static void test_rule_conditions(void **state)
{
	struct world w = { { NULL, 0, 0 }, "We crunch numbers with NumPy.", 40 };
	struct diags d = DIAGS_INIT;

	strlist_push(&w.traits, "batch");
	assert_int_equal(eval_text("      field: workload.cpu_ms_per_request\n      gt: 30\n", &w, &d), 1);
	assert_int_equal(eval_text("      field: workload.cpu_ms_per_request\n      le: 30\n", &w, &d), 0);
	assert_int_equal(eval_text("      field: workload.traits\n      has: batch\n", &w, &d), 1);
	assert_int_equal(eval_text("      field: workload.traits\n      has_any: [etl, cli]\n", &w, &d), 0);
	assert_int_equal(eval_text("      field: workload.kind\n      in: [cpu, mixed]\n", &w, &d), 1);
	assert_int_equal(eval_text("      field: workload.kind\n      ne: cpu\n", &w, &d), 0);
	assert_int_equal(eval_text("      not: {field: workload.kind, eq: io}\n", &w, &d), 1);
	assert_int_equal(eval_text("      all:\n        - {field: workload.kind, eq: cpu}\n"
				   "        - {field: workload.cpu_ms_per_request, lt: 10}\n", &w, &d), 0);
	assert_int_equal(eval_text("      any:\n        - {field: workload.kind, eq: io}\n"
				   "        - {field: workload.traits, has: batch}\n", &w, &d), 1);
	assert_int_equal(eval_text("      field: project.description\n      matches: '(?i)numpy'\n",
				   &w, &d), 1);
	assert_int_equal(eval_text("      field: project.description\n      matches: 'pandas'\n",
				   &w, &d), 0);
	/* A field with no value (e.g. a probe not measured) makes a leaf false. */
	assert_int_equal(eval_text("      field: probe.thread.spawn\n      gt: 1\n", &w, &d), 0);
	assert_int_equal(d.errors, 0);
	strlist_release(&w.traits);
	diags_release(&d);
}

static void test_rule_runaway_pattern_is_stopped(void **state)
{
	struct world w = { { NULL, 0, 0 }, NULL, 0 };
	struct diags d = DIAGS_INIT;
	char *subject = malloc(4096);

	memset(subject, 'a', 4094);
	subject[4094] = 'b';
	subject[4095] = '\0';
	w.description = subject;
	assert_int_equal(eval_text("      field: project.description\n      matches: '^(a+)+$'\n",
				   &w, &d), -1);
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].msg, "pattern stopped"));
	assert_int_equal(d.v[0].line, 9);
	free(subject);
	diags_release(&d);
}

static void test_rule_render_placeholders(void **state)
{
	struct ruleset rs;
	struct diags d = DIAGS_INIT;
	struct world w = { { NULL, 0, 0 }, "x", 1.5 };
	char *s;

	strlist_push(&w.traits, "websocket");
	strlist_push(&w.traits, "rest-api");
	ruleset_init(&rs);
	assert_int_equal(load_text(&rs, &d, "rules:\n  - id: p\n    description: d\n    source: s\n"
				   "    effects: [{runtime: x, criterion: velocity, delta: -1}]\n"
				   "    rationale: >-\n      CPU {workload.cpu_ms_per_request} ms, traits "
				   "{workload.traits}, probe {probe.nothing}.\n"), 0);
	s = rule_render(&rs.rules[0], rs.rules[0].rationale, look, &w);
	assert_string_equal(s, "CPU 1.50 ms, traits websocket, rest-api, probe n/a.");
	free(s);
	strlist_release(&w.traits);
	ruleset_release(&rs);
	diags_release(&d);
}

static void test_rule_load_errors(void **state)
{
	expect_rule_error("rules:\n  - id: r1\n    descripton: d\n", 3, 5, "did you mean 'description'");
	/* Bad UTF-8: the message names a rule file, not a profile. */
	expect_rule_error(RULE_HEAD "    risk: caf\xe9 au lait\n", 6, 14,
			  "(a rule file must be UTF-8 text)");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: speed, delta: 1}]\n", 6, 39,
			  "unknown criterion 'speed'");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 9}]\n", 6, 56,
			  "out of range");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "    when: {field: workload.knd, eq: io}\n", 7, 19,
			  "unknown field 'workload.knd' (did you mean 'workload.kind'?)");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "    when: {field: workload.kind, gt: 3}\n", 7, 34, "compares numbers");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "    when: {field: workload.kind, equals: io}\n", 7, 34, "unknown key 'equals'");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "    when: {field: workload.kind, eq: io, ne: cpu}\n", 7, 42, "exactly one operator");
	/* A bad pattern's column points inside the pattern, at PCRE2's offset. */
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "    when: {field: project.description, matches: 'ab(c'}\n", 7, 54, "bad pattern");
	expect_rule_error(RULE_HEAD "    effects: [{criterion: velocity, delta: 1}]\n", 6, 15,
			  "names a runtime or a model");
	expect_rule_error("rules:\n  - id: Bad_Id\n", 2, 9, "must start with a letter");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "  - id: r1\n    description: d\n    rationale: r\n    source: s\n"
			  "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n", 7, 9,
			  "duplicate rule id 'r1'");
	expect_rule_error(RULE_HEAD "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "    rationale: uses {workload.nope}\n", 7, 5, "duplicate key 'rationale'");
	expect_rule_error("rules:\n  - id: r2\n    description: d\n    source: s\n"
			  "    effects: [{runtime: x, criterion: velocity, delta: 1}]\n"
			  "    rationale: uses {workload.nope}\n", 6, 16, "unknown field 'workload.nope'");
	expect_rule_error("rule: []\n", 1, 1, "unknown key 'rule'");
}

/* Root cause first: a misspelt required key is reported once, as unknown. */
static void test_rule_typo_not_also_missing(void **state)
{
	struct ruleset rs;
	struct diags d = DIAGS_INIT;

	ruleset_init(&rs);
	assert_int_equal(load_text(&rs, &d, "rules:\n  - id: r1\n    description: d\n"
				   "    rationle: r\n    source: s\n    risk: k\n"
				   "  - id: r2\n    description: d\n    rationale: r\n    source: s\n"
				   "    effects: [{runtime: go, criterin: velocity, delta: 1}]\n"), -1);
	assert_int_equal(d.n, 2);
	assert_string_equal(d.v[0].msg, "unknown key 'rationle' in a rule (did you mean 'rationale'?)");
	assert_string_equal(d.v[1].msg, "unknown key 'criterin' in an effect (did you mean 'criterion'?)");
	ruleset_release(&rs);
	diags_release(&d);
}

/* Many rules: each found by id, a late duplicate names the first one's line. */
static void test_rule_ids_many(void **state)
{
	struct ruleset rs;
	struct diags d = DIAGS_INIT;
	struct buf y = BUF_INIT;
	const struct rule *r;
	char want[128];

	ruleset_init(&rs);
	buf_adds(&y, "rules:\n");
	for (int i = 0; i < 3000; i++)
		buf_addf(&y, "  - id: r%d\n    description: d\n    rationale: r\n    source: s\n"
			 "    risk: k\n", i);
	buf_adds(&y, "  - id: r1234\n    description: d\n    rationale: r\n    source: s\n"
		 "    risk: k\n");
	assert_int_equal(load_text(&rs, &d, buf_str(&y)), -1);
	assert_int_equal(rs.n, 3000);
	assert_int_equal(d.n, 1);
	/* r1234 starts on line 2 + 5 * 1234; its id is on that line. */
	snprintf(want, sizeof want, "duplicate rule id 'r1234' (first defined at %s:%d)",
		 rs.rules[0].file, 2 + 5 * 1234);
	assert_string_equal(d.v[0].msg, want);
	assert_int_equal(d.v[0].line, 2 + 5 * 3000);
	for (int i = 0; i < 3000; i += 7) {
		char id[16];

		snprintf(id, sizeof id, "r%d", i);
		r = ruleset_find(&rs, id);
		assert_non_null(r);
		assert_string_equal(r->id, id);
	}
	assert_null(ruleset_find(&rs, "r3000"));
	assert_null(ruleset_find(&rs, "r"));
	buf_release(&y);
	ruleset_release(&rs);
	diags_release(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_loads_fixture),
		cmocka_unit_test(test_rule_conditions),
		cmocka_unit_test(test_rule_runaway_pattern_is_stopped),
		cmocka_unit_test(test_rule_render_placeholders),
		cmocka_unit_test(test_rule_load_errors),
		cmocka_unit_test(test_rule_ids_many),
		cmocka_unit_test(test_rule_typo_not_also_missing),
	};

	return cmocka_run_group_tests_name("rule", tests, NULL, NULL) != 0;
}
