/*
 * advisor check PROFILE...: validate profiles.  Every problem in every file
 * is printed as FILE:LINE:COL: error: MESSAGE with the line and a caret.
 */
#include <stdio.h>

#include "advice.h"
#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "datadir.h"
#include "profile.h"
#include "xalloc.h"

enum { OPT_QUIET = 1, OPT_KNOWLEDGE, OPT_FIELDS_MD };

static const struct opt_spec check_opts[] = {
	{ "quiet", 'q', false, OPT_QUIET },
	{ "knowledge", 0, true, OPT_KNOWLEDGE },
	/* For maintainers: docs/profile.md's field table, from the code's. */
	{ "fields-md", 0, false, OPT_FIELDS_MD },
	{ NULL, 0, false, 0 },
};

static int cmd_check(int argc, char **argv)
{
	struct opts o;
	struct kb kb, vkb;
	struct ruleset rs;
	struct profile_known known;
	struct engine_paths paths = { 0 };
	char *kdir = NULL;
	int bases = 0;		/* rule base: 0 not loaded yet, 1 loaded, -1 invalid */
	bool fields_md = false;
	int id, rc = EXIT_OK;

	kb_init(&kb);
	kb_init(&vkb);
	ruleset_init(&rs);
	opts_init(&o, "check", check_opts, argc, argv);
	while ((id = opts_next(&o)) > 0) {
		if (id == OPT_QUIET)
			cmd_quiet = true;
		else if (id == OPT_KNOWLEDGE)
			paths.knowledge = o.arg;
		else if (id == OPT_FIELDS_MD)
			fields_md = true;
	}
	if (id < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (fields_md) {
		struct buf b = BUF_INIT;

		profile_fields_markdown(&b);
		fputs(buf_str(&b), stdout);
		buf_release(&b);
		goto out;
	}
	if (o.noperands == 0) {
		rc = cmd_usage_error("check", "no profile given");
		goto out;
	}
	/* The words a profile may use come from the same knowledge base recommend reads. */
	kdir = paths.knowledge ? xstrdup(paths.knowledge) : xasprintf("%s/knowledge", datadir());
	{
		struct diags d = DIAGS_INIT;

		if (kb_load_dir(&vkb, kdir, &d) < 0)
			rc = EXIT_INPUT;
		cmd_print_diags(&d);
		diags_release(&d);
		if (rc != EXIT_OK)
			goto out;
	}
	kb_known(&vkb, &known);
	for (int i = 0; i < o.noperands; i++) {
		struct profile p;
		struct diags d = DIAGS_INIT;
		int r;

		profile_init(&p);
		r = profile_load_file(&p, o.operands[i], &known, &d);
		/* Rules set aside must exist: load the rule base once, when first needed. */
		if (r == 0 && p.naccept > 0 && bases == 0) {
			struct buf used = BUF_INIT;

			bases = engine_load(&kb, &rs, &paths, &used, &d) < 0 ? -1 : 1;
			buf_release(&used);
		}
		if (r == 0 && p.naccept > 0 && (bases < 0 || advice_check_accept(&p, &rs, &d) < 0))
			r = -1;
		cmd_print_diags(&d);
		if (r < 0)
			rc = EXIT_INPUT;
		else if (!cmd_quiet)
			printf("%s: ok\n", o.operands[i]);
		diags_release(&d);
		profile_release(&p);
	}
out:
	ruleset_release(&rs);
	kb_release(&kb);
	kb_release(&vkb);
	free(kdir);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[-q] [--knowledge DIR] PROFILE...",
	.summary = "validate profiles; every problem is printed as FILE:LINE:COL",
	.help = "options:\n"
		"  -q, --quiet        print nothing for valid profiles\n"
		"  --knowledge DIR    the knowledge base whose runtimes, languages, needs and\n"
		"                     traits a profile may name (default: the built-in one)\n\n"
		"Exit 0 when every profile is valid, 2 when any is not.\n",
	.exec = cmd_check,
};
