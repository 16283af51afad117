/* advisor probe: not built yet (see the open issues). */
#include <stdio.h>

#include "cmd.h"

static int cmd_probe(int argc, char **argv)
{
	fprintf(stderr, "advisor probe: this command is not built yet\n");
	return EXIT_ENV;
}

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = "...",
	.summary = "(not built yet)",
	.exec = cmd_probe,
};
