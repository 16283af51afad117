/*
 * Unit tests of the Markdown helpers: escaping text from a profile so it
 * renders literally, code spans around backticks, shell quoting of the
 * reproduce command and its wrapping.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "md.h"
#include "util.h"

static void expect_text(const char *in, const char *want)
{
	struct buf b = BUF_INIT;

	md_text(&b, in);
	assert_string_equal(buf_str(&b), want);
	buf_release(&b);
}

static void test_md_text_inline(void **state)
{
	(void)state;
	expect_text("Live logistics dashboard", "Live logistics dashboard");
	expect_text("Orders *API* <script>alert(1)</script>",
		    "Orders \\*API\\* \\<script\\>alert(1)\\</script\\>");
	expect_text("a|b [x](y) `c` _d_ ~e~ R&D $5 \\ @team",
		    "a\\|b \\[x\\](y) \\`c\\` \\_d\\_ \\~e\\~ R\\&D \\$5 \\\\ \\@team");
	/* Inside words, block punctuation stays as it is. */
	expect_text("rest-api C# x+y a=b 2024", "rest-api C# x+y a=b 2024");
	expect_text("in 2024.", "in 2024\\.");
}

static void test_md_text_block_starts(void **state)
{
	(void)state;
	/* Any word may start a line after wrapping. */
	expect_text("# h - l + p = q > r", "\\# h \\- l \\+ p \\= q \\> r");
	expect_text("see 1. and 12) but 1.5", "see 1\\. and 12\\) but 1.5");
	expect_text("a\nb\tc", "a b c");
	expect_text("http://x and WWW.example.org", "http\\://x and WWW\\.example.org");
}

static void test_md_code(void **state)
{
	struct buf b = BUF_INIT;

	(void)state;
	md_code(&b, "profile.yaml");
	assert_string_equal(buf_str(&b), "`profile.yaml`");
	buf_reset(&b);
	md_code(&b, "a`b``c");
	assert_string_equal(buf_str(&b), "```a`b``c```");
	buf_reset(&b);
	md_code(&b, "`x");
	assert_string_equal(buf_str(&b), "`` `x ``");
	buf_release(&b);
}

static void test_md_shell_word(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "docs/examples/web-api.yaml", "docs/examples/web-api.yaml" },
		{ "--probes-from", "--probes-from" },
		{ "", "''" },
		{ "a  b", "'a  b'" },
		{ "it's", "'it'\\''s'" },
		{ "$(rm -rf /)", "'$(rm -rf /)'" },
		{ "~/x", "'~/x'" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct buf b = BUF_INIT;

		md_shell_word(&b, cases[i].in);
		assert_string_equal(buf_str(&b), cases[i].want);
		buf_release(&b);
	}
}

static void test_md_command_block(void **state)
{
	struct buf b = BUF_INIT;
	const char *cmd = "advisor recommend 'it'\\''s  a very long path/with several words "
			  "in it/profile.yaml' --no-probes -o note.md";

	(void)state;
	md_command_block(&b, cmd);
	/* Breaks only between words, never inside the quotes: spaces kept. */
	assert_string_equal(buf_str(&b),
			    "\n```sh\nadvisor recommend \\\n"
			    "  'it'\\''s  a very long path/with several words in it/profile.yaml' \\\n"
			    "  --no-probes -o note.md\n```\n");
	buf_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md_text_inline),
		cmocka_unit_test(test_md_text_block_starts),
		cmocka_unit_test(test_md_code),
		cmocka_unit_test(test_md_shell_word),
		cmocka_unit_test(test_md_command_block),
	};

	return cmocka_run_group_tests_name("md", tests, NULL, NULL) != 0;
}
