/* advisor recommend: not built yet (see the open issues). */
#include <stdio.h>

#include "cmd.h"

static int cmd_recommend(int argc, char **argv)
{
	fprintf(stderr, "advisor recommend: this command is not built yet\n");
	return EXIT_ENV;
}

const struct cmd_entry cmd_recommend_entry = {
	.name = "recommend",
	.usage = "...",
	.summary = "(not built yet)",
	.exec = cmd_recommend,
};
