/* advisor rules: not built yet (see the open issues). */
#include <stdio.h>

#include "cmd.h"

static int cmd_rules(int argc, char **argv)
{
	fprintf(stderr, "advisor rules: this command is not built yet\n");
	return EXIT_ENV;
}

const struct cmd_entry cmd_rules_entry = {
	.name = "rules",
	.usage = "...",
	.summary = "(not built yet)",
	.exec = cmd_rules,
};
