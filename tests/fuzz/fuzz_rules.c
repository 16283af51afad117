/*
 * Fuzz the rule loader: one rule file (YAML, conditions, PCRE2 patterns,
 * effects, placeholders), then the checks against the real knowledge base.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "kb.h"
#include "rule.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset rs;
	struct diags d = DIAGS_INIT;
	const char *path;

	path = fuzz_write("fuzz.yaml", data, size);
	ruleset_init(&rs);
	if (ruleset_load_file(&rs, path, &d) == 0)
		ruleset_check(&rs, fuzz_kb(), &d);
	diags_print(&d, fuzz_devnull());
	ruleset_release(&rs);
	diags_release(&d);
	return 0;
}
