/* Loading the knowledge base and rule base together (see engine.h). */
#include "engine.h"

#include <stdlib.h>

#include "datadir.h"
#include "xalloc.h"

int engine_load(struct kb *kb, struct ruleset *rs, const struct engine_paths *paths,
		struct buf *used, struct diags *d)
{
	char *kdir = paths->knowledge ? xstrdup(paths->knowledge)
				      : xasprintf("%s/knowledge", datadir());
	char *rdir = xasprintf("%s/rules", datadir());
	int rc = 0;

	if (kb_load_dir(kb, kdir, d) < 0)
		rc = -1;
	if (!paths->no_default_rules) {
		if (ruleset_load_dir(rs, rdir, d) < 0)
			rc = -1;
		buf_addf(used, "%s/", datadir_display(rdir));
	}
	for (size_t i = 0; i < paths->nrules; i++) {
		if (ruleset_load_dir(rs, paths->rules[i], d) < 0)
			rc = -1;
		buf_addf(used, "%s%s", used->len ? ", " : "", paths->rules[i]);
	}
	if (rc == 0 && ruleset_check(rs, kb, d) < 0)
		rc = -1;
	free(kdir);
	free(rdir);
	return rc;
}
