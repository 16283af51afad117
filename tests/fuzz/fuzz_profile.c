/*
 * Fuzz the profile loader: YAML parsing (ydoc), validation of every field,
 * and the diagnostic printer, from memory.
 */
#include "fuzz.h"

#include "kb.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	struct diags d = DIAGS_INIT;

	struct profile_known known;

	kb_known(fuzz_kb(), &known);
	profile_init(&p);
	profile_load(&p, "fuzz.yaml", (const char *)data, size, &known, &d);
	diags_print(&d, fuzz_devnull());
	profile_release(&p);
	diags_release(&d);
	return 0;
}
