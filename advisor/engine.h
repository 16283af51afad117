/*
 * Loading the bases a command needs: the knowledge base, the rule base
 * (the built-in folder plus any --rules folders) and the cross checks
 * between them.  Shared by recommend and rules.
 */
#ifndef ADVISOR_ENGINE_H
#define ADVISOR_ENGINE_H

#include "buf.h"
#include "diag.h"
#include "kb.h"
#include "rule.h"

struct engine_paths {
	const char *knowledge;		/* NULL: the data folder's */
	const char **rules;		/* extra folders, added to the data folder's */
	size_t nrules;
	bool no_default_rules;		/* lint of named folders only */
};

/*
 * Load both bases.  *used receives a display list of the rule folders.
 * Returns 0, or -1 with every problem in d.
 */
int engine_load(struct kb *kb, struct ruleset *rs, const struct engine_paths *paths,
		struct buf *used, struct diags *d);

#endif
