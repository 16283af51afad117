/* placeholder replaced below */
#include "cmd.h"
static int cmd_check(int argc, char **argv) { return 0; }
const struct cmd_entry cmd_check_entry = { .name = "check", .usage = "PROFILE...", .summary = "validate profiles", .exec = cmd_check };
