/*
 * advisor: parse global options and dispatch to a command.  Everything else
 * lives in libadvisor.a.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static int finish(int rc)
{
	/* A report that could not be written is not a success. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "advisor: cannot write to standard output: %s\n", strerror(errno));
		return rc == EXIT_OK ? EXIT_ENV : rc;
	}
	return rc;
}

/*
 * "unknown command 'x'", with the closest command name when one is close;
 * "help" is a candidate only where it is a command (not after "help").
 */
static int unknown_command(const char *word, bool with_help)
{
	const char *names[16];
	size_t n = 0;
	char *hint;
	int rc;

	for (size_t k = 0; cmd_table[k] && n < 16; k++)
		names[n++] = cmd_table[k]->name;
	if (with_help)
		names[n++] = "help";
	hint = suggest_hint(word, names, n);
	rc = cmd_usage_error(NULL, "unknown command '%s'%s", word, hint);
	free(hint);
	return rc;
}

/* The same for an option before the command ("--versoin"). */
static int unknown_option(const char *word)
{
	static const char *const names[] = { "--quiet", "--verbose", "--help", "--version" };
	char *hint = suggest_hint(word, names, ARRAY_SIZE(names));
	int rc = cmd_usage_error(NULL, "unknown option '%s'%s", word, hint);

	free(hint);
	return rc;
}

int main(int argc, char **argv)
{
	const struct cmd_entry *c;
	int i = 1;

	cmd_argc = argc;
	cmd_argv = argv;
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
			cmd_quiet = true;
			cmd_verbose = false;
		} else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
			cmd_verbose = true;
			cmd_quiet = false;
		} else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			cmd_print_help(stdout);
			return finish(EXIT_OK);
		} else if (strcmp(a, "--version") == 0 || strcmp(a, "-V") == 0) {
			printf("advisor %s\n", ADVISOR_VERSION);
			return finish(EXIT_OK);
		} else {
			return unknown_option(a);
		}
	}
	if (i >= argc) {
		cmd_print_help(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[i], "help") == 0) {
		if (i + 1 >= argc) {
			cmd_print_help(stdout);
			return finish(EXIT_OK);
		}
		/* For the completion scripts and the man page test. */
		if (strcmp(argv[i + 1], "--list-options") == 0) {
			cmd_print_option_table(stdout);
			return finish(EXIT_OK);
		}
		if (strcmp(argv[i + 1], "--list-commands") == 0) {
			for (size_t k = 0; cmd_table[k]; k++)
				printf("%s\n", cmd_table[k]->name);
			return finish(EXIT_OK);
		}
		c = cmd_find(argv[i + 1]);
		if (c == NULL)
			return unknown_command(argv[i + 1], false);
		cmd_print_command_help(c, stdout);
		return finish(EXIT_OK);
	}
	c = cmd_find(argv[i]);
	if (c == NULL)
		return unknown_command(argv[i], true);
	/* Commands see their own name as argv[0], and -q/--help among options. */
	for (int k = i + 1; k < argc; k++) {
		if (strcmp(argv[k], "--help") == 0 || strcmp(argv[k], "-h") == 0) {
			cmd_print_command_help(c, stdout);
			return finish(EXIT_OK);
		}
		if (strcmp(argv[k], "--") == 0)
			break;
	}
	return finish(c->exec(argc - i, argv + i));
}
