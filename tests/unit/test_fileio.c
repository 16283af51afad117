/*
 * Unit tests of fileio: what -o does to a regular file, a link chain, a
 * link loop, a FIFO and a folder, and when an output names an input;
 * what file_create_new (a new decision record) does to a name that is
 * taken; how decision records are numbered and named (adr.h).
 * Everything happens in a private folder under /tmp.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adr.h"
#include "fileio.h"
#include "xalloc.h"

struct fixture {
	char dir[64];
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);

	strcpy(f->dir, "/tmp/test-fileio-XXXXXX");
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
	char *cmd = xasprintf("rm -rf '%s'", f->dir);
	int rc = system(cmd);

	free(cmd);
	free(f);
	return rc == 0 ? 0 : -1;
}

static char *at(struct fixture *f, const char *name)
{
	return xasprintf("%s/%s", f->dir, name);
}

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
}

static char *get(const char *path)
{
	char *s = NULL;
	size_t n = 0;
	struct diags d = DIAGS_INIT;

	assert_int_equal(file_read(path, 4096, &s, &n, &d), 0);
	diags_release(&d);
	return s;
}

static void test_fileio_keeps_mode(void **state)
{
	char *p = at(*state, "ro.md"), *s;
	struct diags d = DIAGS_INIT;
	struct stat st;

	put(p, "old\n", 0444);
	assert_int_equal(file_write_atomic(p, "new\n", 4, true, &d), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	s = get(p);
	assert_string_equal(s, "new\n");
	assert_int_equal(file_write_atomic(p, "x\n", 2, false, &d), FILEIO_EXISTS);
	free(s);
	free(p);
	diags_release(&d);
}

static void test_fileio_follows_link_chain(void **state)
{
	char *t = at(*state, "t.md"), *l1 = at(*state, "l1"), *l2 = at(*state, "l2"), *s;
	struct diags d = DIAGS_INIT;
	struct stat st;

	put(t, "old\n", 0600);
	assert_int_equal(symlink("t.md", l1), 0);
	assert_int_equal(symlink(l1, l2), 0);
	assert_int_equal(file_write_atomic(l2, "new\n", 4, true, &d), 0);
	assert_int_equal(lstat(l1, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(lstat(l2, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	s = get(t);
	assert_string_equal(s, "new\n");
	assert_int_equal(stat(t, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	free(s);
	free(t);
	free(l1);
	free(l2);
	diags_release(&d);
}

static void test_fileio_link_loop_fails(void **state)
{
	char *a = at(*state, "a"), *b = at(*state, "b");
	struct diags d = DIAGS_INIT;
	struct stat st;

	assert_int_equal(symlink("b", a), 0);
	assert_int_equal(symlink("a", b), 0);
	assert_true(file_write_atomic(a, "x", 1, true, &d) < 0);
	assert_int_equal(lstat(a, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	free(a);
	free(b);
	diags_release(&d);
}

static void test_fileio_fifo_in_place(void **state)
{
	char *p = at(*state, "fifo");
	char buf[16] = "";
	struct diags d = DIAGS_INIT;
	struct stat st;
	int rfd;

	assert_int_equal(mkfifo(p, 0600), 0);
	rfd = open(p, O_RDONLY | O_NONBLOCK);
	assert_true(rfd >= 0);
	assert_int_equal(file_write_atomic(p, "hello", 5, true, &d), 0);
	assert_int_equal(read(rfd, buf, sizeof buf - 1), 5);
	assert_string_equal(buf, "hello");
	close(rfd);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISFIFO(st.st_mode));
	free(p);
	diags_release(&d);
}

static void test_fileio_folder_fails(void **state)
{
	char *p = at(*state, "sub");
	struct diags d = DIAGS_INIT;

	assert_int_equal(mkdir(p, 0700), 0);
	assert_true(file_write_atomic(p, "x", 1, true, &d) < 0);
	free(p);
	diags_release(&d);
}

static void test_fileio_output_clash(void **state)
{
	struct fixture *f = *state;
	char *prof = at(f, "p.yaml"), *lnk = at(f, "lp"), *hard = at(f, "hp");
	char *dir = at(f, "rules"), *inside = at(f, "rules/new.md"), *beside = at(f, "x.md");
	const char *inputs[] = { "-", prof, dir };
	bool in;

	put(prof, "version: 1\n", 0644);
	assert_int_equal(symlink("p.yaml", lnk), 0);
	assert_int_equal(link(prof, hard), 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(file_output_clash(prof, inputs, 3, &in), 1);
	assert_false(in);
	assert_int_equal(file_output_clash(lnk, inputs, 3, &in), 1);
	assert_int_equal(file_output_clash(hard, inputs, 3, &in), 1);
	assert_int_equal(file_output_clash(inside, inputs, 3, &in), 2);
	assert_true(in);
	assert_int_equal(file_output_clash(beside, inputs, 3, &in), -1);
	assert_int_equal(file_output_clash("-", inputs, 3, &in), -1);
	free(prof);
	free(lnk);
	free(hard);
	free(dir);
	free(inside);
	free(beside);
}

/* A new record never replaces a file, a link (even a dangling one) or a folder. */
static void test_fileio_create_new(void **state)
{
	char *p = at(*state, "0001-a.md"), *l = at(*state, "0002-b.md"), *t = at(*state, "target");
	char *dir = at(*state, "0003-c.md"), *s;
	struct diags d = DIAGS_INIT;
	struct stat st;

	assert_int_equal(file_create_new(p, "new\n", 4, &d), 0);
	s = get(p);
	assert_string_equal(s, "new\n");
	free(s);
	assert_int_equal(file_create_new(p, "again\n", 6, &d), FILEIO_EXISTS);
	s = get(p);
	assert_string_equal(s, "new\n");
	free(s);
	assert_int_equal(symlink("target", l), 0);
	assert_int_equal(file_create_new(l, "x", 1, &d), FILEIO_EXISTS);
	assert_true(lstat(t, &st) < 0);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(file_create_new(dir, "x", 1, &d), FILEIO_EXISTS);
	assert_int_equal(d.errors, 0);
	free(p);
	free(l);
	free(t);
	free(dir);
	diags_release(&d);
}

static void test_adr_names(void **state)
{
	static const char *const slugs[][2] = {
		{ "Build Orders API on Node.js: event loop", "build-orders-api-on-node-js-event-loop" },
		{ "  **Caf\xc3\xa9** & <b>x</b>  ", "caf-b-x-b" },
		{ "\xc3\xa9\xc3\xa9 ---", "decision" },
		{ "Build A very long project name that keeps going and going on Go: goroutines",
		  "build-a-very-long-project-name-that-keeps-going-and-going-on" },
		{ "x0123456789012345678901234567890123456789012345678901234567890123456789",
		  "x01234567890123456789012345678901234567890123456789012345678" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof slugs / sizeof slugs[0]; i++) {
		char *s = adr_slug(slugs[i][0]);

		assert_string_equal(s, slugs[i][1]);
		assert_true(strlen(s) <= ADR_MAX_SLUG);
		free(s);
	}
	assert_int_equal(adr_number("0001-use-go.md"), 1);
	assert_int_equal(adr_number("0420-x.md"), 420);
	assert_int_equal(adr_number("9999-x.md"), 9999);
	assert_int_equal(adr_number("0001-.md"), -1);
	assert_int_equal(adr_number("001-x.md"), -1);
	assert_int_equal(adr_number("00012-x.md"), -1);
	assert_int_equal(adr_number("0001_x.md"), -1);
	assert_int_equal(adr_number("0001-x.txt"), -1);
	assert_int_equal(adr_number("README.md"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fileio_keeps_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_follows_link_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_link_loop_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_fifo_in_place, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_folder_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_output_clash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fileio_create_new, setup, teardown),
		cmocka_unit_test(test_adr_names),
	};

	return cmocka_run_group_tests_name("fileio", tests, NULL, NULL) != 0;
}
