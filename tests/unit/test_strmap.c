/*
 * String map: insert and find, duplicates keep the first value, growth
 * keeps every entry, keys that collide in the low bits, the empty map.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "xalloc.h"

static void test_strmap_empty(void **state)
{
	struct strmap m = STRMAP_INIT;

	assert_null(strmap_get(&m, "a"));
	assert_null(strmap_get(&m, ""));
	strmap_release(&m);
	assert_int_equal(m.n, 0);
}

static void test_strmap_put_get(void **state)
{
	struct strmap m = STRMAP_INIT;
	bool added;
	size_t *v;

	v = strmap_put(&m, "kind", 3, &added);
	assert_true(added);
	assert_int_equal(*v, 3);
	v = strmap_put(&m, "", 7, &added);
	assert_true(added);
	assert_int_equal(*strmap_get(&m, "kind"), 3);
	assert_int_equal(*strmap_get(&m, ""), 7);
	assert_null(strmap_get(&m, "kinds"));
	assert_null(strmap_get(&m, "kin"));
	assert_int_equal(m.n, 2);
	strmap_release(&m);
}

/* A second put of an equal key (another copy of the text) keeps the first value. */
static void test_strmap_duplicate_keeps_first(void **state)
{
	struct strmap m = STRMAP_INIT;
	char copy[] = "workload";
	bool added;
	size_t *v;

	strmap_put(&m, "workload", 1, &added);
	v = strmap_put(&m, copy, 2, &added);
	assert_false(added);
	assert_int_equal(*v, 1);
	*v = 5;
	assert_int_equal(*strmap_get(&m, "workload"), 5);
	assert_int_equal(m.n, 1);
	strmap_release(&m);
}

/* Many keys: every one found after the table grew many times, none invented. */
static void test_strmap_growth(void **state)
{
	enum { N = 50000 };
	struct strmap m = STRMAP_INIT;
	char **keys = xcalloc(N, sizeof *keys);
	bool added;

	for (size_t i = 0; i < N; i++) {
		keys[i] = xasprintf("key-%zu", i);
		strmap_put(&m, keys[i], i, &added);
		assert_true(added);
	}
	assert_int_equal(m.n, N);
	assert_true(m.cap >= 2 * N);
	for (size_t i = 0; i < N; i++) {
		char probe[32];
		size_t *v;

		snprintf(probe, sizeof probe, "key-%zu", i);
		v = strmap_get(&m, probe);
		assert_non_null(v);
		assert_int_equal(*v, i);
	}
	assert_null(strmap_get(&m, "key-50000"));
	assert_null(strmap_get(&m, "key-"));
	strmap_release(&m);
	for (size_t i = 0; i < N; i++)
		free(keys[i]);
	free(keys);
}

/* Keys that differ only after a long common prefix are still told apart. */
static void test_strmap_long_common_prefix(void **state)
{
	struct strmap m = STRMAP_INIT;
	char a[600], b[600];
	bool added;

	memset(a, 'y', sizeof a - 2);
	memcpy(b, a, sizeof a);
	a[sizeof a - 2] = '1';
	b[sizeof b - 2] = '2';
	a[sizeof a - 1] = b[sizeof b - 1] = '\0';
	strmap_put(&m, a, 1, &added);
	strmap_put(&m, b, 2, &added);
	assert_true(added);
	assert_int_equal(*strmap_get(&m, a), 1);
	assert_int_equal(*strmap_get(&m, b), 2);
	strmap_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_strmap_empty),
		cmocka_unit_test(test_strmap_put_get),
		cmocka_unit_test(test_strmap_duplicate_keeps_first),
		cmocka_unit_test(test_strmap_growth),
		cmocka_unit_test(test_strmap_long_common_prefix),
	};
	int rc = cmocka_run_group_tests_name("strmap", tests, NULL, NULL);

	return rc != 0;
}
