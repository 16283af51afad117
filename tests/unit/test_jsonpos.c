/*
 * Unit tests of jsonpos: finding the place of a value in JSON text by its
 * path, through strings that hold brackets and escapes, and the fallback
 * to the innermost container when a step is missing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "jsonpos.h"

static const char text[] =
	"{\n"
	"  \"a\": \"x}]\\\"{[\", \"b\\u0061\": 1,\n"
	"  \"results\": [\n"
	"    {\"name\": \"t\", \"median\": 2.5},\n"
	"    {\"name\": \"\xc3\xa9t\xc3\xa9\", \"median\": -1, \"deep\": [[1], [2, {\"k\": null}]]}\n"
	"  ],\n"
	"  \"\xc3\xa9\": true\n"
	"}\n";

static void expect(const char *path, int rc, int line, int col)
{
	int l = 0, c = 0;

	assert_int_equal(jsonpos_find(text, strlen(text), path, &l, &c), rc);
	if (l != line || c != col)
		fail_msg("%s: at %d:%d, expected %d:%d", path, l, c, line, col);
}

static void test_jsonpos_values(void **state)
{
	(void)state;
	expect("", 0, 1, 1);
	expect("a", 0, 2, 8);
	expect("results", 0, 3, 14);
	expect("results[0]", 0, 4, 5);
	expect("results[0].median", 0, 4, 29);
	expect("results[1].median", 0, 5, 31);
	expect("results[1].deep[1][1].k", 0, 5, 59);
}

static void test_jsonpos_escaped_keys(void **state)
{
	(void)state;
	/* "b\u0061" is the key "ba"; the raw text "b\u0061" is not a key. */
	expect("ba", 0, 2, 30);
	expect("b\\u0061", -1, 1, 1);
	/* Columns count characters: the key after a two-byte letter. */
	expect("\xc3\xa9", 0, 7, 8);
}

static void test_jsonpos_missing(void **state)
{
	(void)state;
	/* A missing key or index: the innermost container found. */
	expect("results[0].mad", -1, 4, 5);
	expect("results[7]", -1, 3, 14);
	expect("results.name", -1, 3, 14);
	expect("nosuch", -1, 1, 1);
}

static void test_jsonpos_bad_path(void **state)
{
	(void)state;
	expect("results[x]", -1, 1, 1);
	expect("a..b", -1, 1, 1);
	expect("a.", -1, 1, 1);
	expect("[-1]", -1, 1, 1);
}

static void test_jsonpos_steps(void **state)
{
	const struct jsonpos_step path[] = { { "results", 0 }, { NULL, 1 }, { "name", 0 } };
	size_t found = 0;
	size_t off = jsonpos_locate(text, strlen(text), path, 3, &found);

	(void)state;
	assert_int_equal((int)found, 3);
	assert_int_equal(text[off], '"');
	assert_int_equal(strncmp(text + off + 1, "\xc3\xa9t", 3), 0);
}

static void test_jsonpos_truncated(void **state)
{
	static const char cut[] = "{\"a\": [1, 2, \"unterminated";
	const struct jsonpos_step path[] = { { "a", 0 }, { NULL, 5 } };
	size_t found = 9;

	(void)state;
	/* Never reads past the end; the place is the last container found. */
	assert_int_equal((int)jsonpos_locate(cut, strlen(cut), path, 2, &found), 6);
	assert_int_equal((int)found, 1);
	assert_int_equal((int)jsonpos_locate(cut, 3, path, 2, &found), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jsonpos_values),
		cmocka_unit_test(test_jsonpos_escaped_keys),
		cmocka_unit_test(test_jsonpos_missing),
		cmocka_unit_test(test_jsonpos_bad_path),
		cmocka_unit_test(test_jsonpos_steps),
		cmocka_unit_test(test_jsonpos_truncated),
	};

	return cmocka_run_group_tests_name("jsonpos", tests, NULL, NULL) != 0;
}
