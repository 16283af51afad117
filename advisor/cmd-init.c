/* placeholder replaced below */
#include "cmd.h"
static int cmd_init(int argc, char **argv) { return 0; }
const struct cmd_entry cmd_init_entry = { .name = "init", .usage = "PROFILE...", .summary = "validate profiles", .exec = cmd_init };
