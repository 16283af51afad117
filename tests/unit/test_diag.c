/*
 * Diagnostics: the source excerpt (window around a far column, UTF-8 and
 * tabs before the caret), the per-file cap with its "more not shown" note,
 * and counts carried over by diags_move.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "xalloc.h"

/* Everything diags_print writes, as a heap string. */
static char *printed(const struct diags *d)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	assert_non_null(f);
	diags_print(d, f);
	fclose(f);
	return out;
}

/* Line number `n` (1-based) of text, as a fresh string. */
static char *line_of(const char *text, int n)
{
	const char *p = text, *e;

	for (int i = 1; i < n; i++) {
		p = strchr(p, '\n');
		assert_non_null(p);
		p++;
	}
	e = strchr(p, '\n');
	return xstrndup(p, e ? (size_t)(e - p) : strlen(p));
}

static size_t count_chars(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* A line short enough is shown whole, the caret under the column. */
static void test_diag_short_line(void **state)
{
	struct diags d = DIAGS_INIT;
	const char *src = "version: 1\nkind: cpu\n";
	char *out;

	diag_add(&d, DIAG_ERROR, "p.yaml", src, strlen(src), 2, 7, "bad");
	out = printed(&d);
	assert_string_equal(out, "p.yaml:2:7: error: bad\n  kind: cpu\n        ^\n");
	free(out);
	diags_release(&d);
}

/* A place with no source text prints no source line (found by fuzzing). */
static void test_diag_no_source(void **state)
{
	struct diags d = DIAGS_INIT;
	char *out;

	diag_add(&d, DIAG_ERROR, "r.json", NULL, 0, 3, 4, "bad");
	out = printed(&d);
	assert_string_equal(out, "r.json:3:4: error: bad\n");
	free(out);
	diags_release(&d);
}

/* Columns count characters: 'é' and '…' are one column each. */
static void test_diag_utf8_caret(void **state)
{
	struct diags d = DIAGS_INIT;
	const char *src = "name: \xc3\xa9t\xc3\xa9 \xe2\x80\xa6 x\n";
	char *out;

	diag_add(&d, DIAG_ERROR, "p.yaml", src, strlen(src), 1, 13, "bad");
	out = printed(&d);
	assert_string_equal(out, "p.yaml:1:13: error: bad\n"
			    "  name: \xc3\xa9t\xc3\xa9 \xe2\x80\xa6 x\n"
			    "              ^\n");
	free(out);
	diags_release(&d);
}

/* Tabs before the column are copied into the caret line; control characters hidden. */
static void test_diag_tabs_and_controls(void **state)
{
	struct diags d = DIAGS_INIT;
	const char *src = "a:\t\x1b[31m\tb\n";
	char *out;

	diag_add(&d, DIAG_ERROR, "p.yaml", src, strlen(src), 1, 10, "bad");
	out = printed(&d);
	assert_string_equal(out, "p.yaml:1:10: error: bad\n  a:\t?[31m\tb\n    \t     \t^\n");
	free(out);
	diags_release(&d);
}

/* A column a million characters in: a short window, the caret on the right character. */
static void test_diag_far_column(void **state)
{
	const size_t n = 1000000;
	char *src = xmalloc(n + 1000);
	struct diags d = DIAGS_INIT;
	char *out, *shown, *caret;
	size_t at;

	memset(src, 'x', n + 900);
	memcpy(src + n - 1, "KEY", 3);		/* columns 1,000,000..1,000,002 */
	strcpy(src + n + 900, "\nnext\n");
	diag_add(&d, DIAG_ERROR, "p.yaml", src, strlen(src), 1, (int)n, "far");
	out = printed(&d);
	shown = line_of(out, 2);
	caret = line_of(out, 3);
	assert_true(count_chars(shown) <= 100);
	assert_memory_equal(shown, "  \xe2\x80\xa6", 5);
	/* The caret sits under the 'K' of KEY. */
	at = strlen(caret) - 1;
	assert_int_equal(caret[at], '^');
	{
		size_t bytes = 0, chars = 0;

		while (chars < at) {
			chars += ((unsigned char)shown[++bytes] & 0xC0) != 0x80;
		}
		assert_int_equal(shown[bytes], 'K');
	}
	/* The window ends before the end of the line: an ellipsis there too. */
	assert_string_equal(shown + strlen(shown) - 3, "\xe2\x80\xa6");
	free(shown);
	free(caret);
	free(out);
	free(src);
	diags_release(&d);
}

/* At the end of a long line the window is full and has no trailing ellipsis. */
static void test_diag_far_column_at_end(void **state)
{
	struct diags d = DIAGS_INIT;
	char src[512];
	char *out, *shown, *caret;

	memset(src, 'y', 300);
	strcpy(src + 300, "Z\n");
	diag_add(&d, DIAG_ERROR, "p.yaml", src, strlen(src), 1, 301, "end");
	out = printed(&d);
	shown = line_of(out, 2);
	caret = line_of(out, 3);
	assert_int_equal(count_chars(shown), 2 + 1 + DIAG_EXCERPT_WIDTH);
	assert_int_equal(shown[strlen(shown) - 1], 'Z');
	assert_int_equal(strlen(caret), count_chars(shown));
	free(shown);
	free(caret);
	free(out);
	diags_release(&d);
}

/* Per file: DIAG_SHOW_MAX shown, then one note that counts the rest, recorded or not. */
static void test_diag_cap_per_file(void **state)
{
	struct diags d = DIAGS_INIT;
	char *out, *p;
	int shown_a = 0, shown_b = 0;

	for (int i = 1; i <= 150; i++)
		diag_add(&d, DIAG_ERROR, "a.yaml", NULL, 0, i, 1, "problem %d", i);
	diag_add(&d, DIAG_WARNING, "a.yaml", NULL, 0, 151, 1, "late warning");
	for (int i = 1; i <= 3; i++)
		diag_add(&d, DIAG_ERROR, "b.yaml", NULL, 0, i, 1, "other %d", i);
	assert_int_equal(d.n, DIAG_RECORD_MAX + 3);
	assert_int_equal(d.errors, 153);
	out = printed(&d);
	for (p = out; (p = strstr(p, ": error: problem ")) != NULL; p++)
		shown_a++;
	for (p = out; (p = strstr(p, ": error: other ")) != NULL; p++)
		shown_b++;
	assert_int_equal(shown_a, DIAG_SHOW_MAX);
	assert_int_equal(shown_b, 3);
	assert_non_null(strstr(out, "a.yaml:20:1: error: problem 20\n"
				    "a.yaml: note: 130 more errors and 1 more warning not shown\n"
				    "b.yaml:1:1: error: other 1\n"));
	assert_null(strstr(out, "b.yaml: note"));
	free(out);
	diags_release(&d);
}

/* diags_move keeps the counts of problems that were not recorded. */
static void test_diag_move_keeps_counts(void **state)
{
	struct diags a = DIAGS_INIT, b = DIAGS_INIT;
	char *out;

	b.max = 2;
	for (int i = 1; i <= 30; i++)
		diag_add(&b, DIAG_ERROR, "r.yaml", NULL, 0, i, 1, "e%d", i);
	diag_add(&a, DIAG_ERROR, "k.md", NULL, 0, 1, 1, "first");
	diags_move(&a, &b);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.errors, 31);
	assert_int_equal(b.n, 0);
	out = printed(&a);
	assert_non_null(strstr(out, "r.yaml:2:1: error: e2\nr.yaml: note: 28 more errors not shown\n"));
	free(out);
	diags_release(&a);
	diags_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diag_short_line),
		cmocka_unit_test(test_diag_no_source),
		cmocka_unit_test(test_diag_utf8_caret),
		cmocka_unit_test(test_diag_tabs_and_controls),
		cmocka_unit_test(test_diag_far_column),
		cmocka_unit_test(test_diag_far_column_at_end),
		cmocka_unit_test(test_diag_cap_per_file),
		cmocka_unit_test(test_diag_move_keeps_counts),
	};
	int rc = cmocka_run_group_tests_name("diag", tests, NULL, NULL);

	return rc != 0;
}
