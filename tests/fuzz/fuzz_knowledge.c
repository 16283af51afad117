/*
 * Fuzz the knowledge loader: one Markdown file with a YAML front-matter
 * block, loaded as a knowledge folder of its own (front matter, sections,
 * sources, links between runtimes and models).
 */
#include "fuzz.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "kb.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *dir;
	struct kb kb;
	struct diags d = DIAGS_INIT;

	if (dir == NULL) {
		dir = xasprintf("%s/knowledge", fuzz_tmpdir());
		mkdir(dir, 0700);
	}
	fuzz_write("knowledge/fuzz.md", data, size);
	kb_init(&kb);
	kb_load_dir(&kb, dir, &d);
	diags_print(&d, fuzz_devnull());
	kb_release(&kb);
	diags_release(&d);
	return 0;
}
