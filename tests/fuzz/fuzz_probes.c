/*
 * Fuzz the probe cache reader (recommend --probes-from): JSON parsing, the
 * checks on every result, and writing the set back out as JSON.
 */
#include "fuzz.h"

#include <stdlib.h>

#include "probe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct probe_set ps;
	struct diags d = DIAGS_INIT;
	const char *path = fuzz_write("probes.json", data, size);

	probe_set_init(&ps);
	if (probe_set_load(&ps, path, &d) == 0) {
		char *s = probe_set_to_string(&ps);

		free(s);
	}
	diags_print(&d, fuzz_devnull());
	probe_set_release(&ps);
	diags_release(&d);
	return 0;
}
