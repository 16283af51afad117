/* advisor diff: not built yet (see the open issues). */
#include <stdio.h>

#include "cmd.h"

static int cmd_diff(int argc, char **argv)
{
	fprintf(stderr, "advisor diff: this command is not built yet\n");
	return EXIT_ENV;
}

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.usage = "...",
	.summary = "(not built yet)",
	.exec = cmd_diff,
};
