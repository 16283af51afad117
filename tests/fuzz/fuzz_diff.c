/*
 * Fuzz the report reader of `advisor diff` (diff_report_parse), from
 * memory.  The comparison itself is reached through fuzz_cli.
 */
#include "fuzz.h"

#include <jansson.h>

#include "cmd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = NULL;
	struct diags d = DIAGS_INIT;

	diff_report_parse("fuzz.json", (const char *)data, size, &j, &d);
	diags_print(&d, fuzz_devnull());
	json_decref(j);
	diags_release(&d);
	return 0;
}
