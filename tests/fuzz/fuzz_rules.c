/*
 * Fuzz the rule loader: one rule file (YAML, conditions, PCRE2 patterns,
 * effects, placeholders), then the checks against the real knowledge base.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "kb.h"
#include "rule.h"
#include "xalloc.h"

static struct kb kb;

static void release_kb(void)
{
	kb_release(&kb);
}

static void load_kb(void)
{
	struct diags d = DIAGS_INIT;
	char *dir = xasprintf("%s/knowledge", fuzz_srcdir());

	kb_init(&kb);
	if (kb_load_dir(&kb, dir, &d) < 0) {
		diags_print(&d, stderr);
		abort();
	}
	atexit(release_kb);
	diags_release(&d);
	free(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset rs;
	struct diags d = DIAGS_INIT;
	const char *path;

	if (kb.dir == NULL)
		load_kb();
	path = fuzz_write("fuzz.yaml", data, size);
	ruleset_init(&rs);
	if (ruleset_load_file(&rs, path, &d) == 0)
		ruleset_check(&rs, &kb, &d);
	diags_print(&d, fuzz_devnull());
	ruleset_release(&rs);
	diags_release(&d);
	return 0;
}
