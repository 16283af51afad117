/*
 * advisor init [--template NAME] [-o FILE] [--force]: write a commented
 * starter profile.  The file is written atomically and never overwrites an
 * existing one without --force.
 */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "fileio.h"
#include "templates.h"

enum { OPT_TEMPLATE = 1, OPT_OUTPUT, OPT_FORCE, OPT_LIST };

static const struct opt_spec init_opts[] = {
	{ "template", 't', true, OPT_TEMPLATE },
	{ "output", 'o', true, OPT_OUTPUT },
	{ "force", 0, false, OPT_FORCE },	/* no short form: -f is --format elsewhere */
	{ "list", 0, false, OPT_LIST },
	{ NULL, 0, false, 0 },
};

static int cmd_init(int argc, char **argv)
{
	struct opts o;
	struct buf text = BUF_INIT;
	struct diags d = DIAGS_INIT;
	const struct template_entry *t = template_find("web-api");
	const char *out = "-";
	bool force = false;
	int id, r, rc = EXIT_OK;

	opts_init(&o, "init", init_opts, argc, argv);
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case OPT_TEMPLATE:
			t = template_find(o.arg);
			if (t == NULL) {
				const char *names[8];
				size_t n = 0;
				const char *s;

				for (const struct template_entry *e = template_table; e->name && n < 8; e++)
					names[n++] = e->name;
				s = suggest(o.arg, names, n);
				rc = s ? cmd_usage_error("init", "unknown template '%s' (did you mean '%s'?)",
							  o.arg, s)
				       : cmd_usage_error("init", "unknown template '%s' (try --list)", o.arg);
				goto out;
			}
			break;
		case OPT_OUTPUT:
			out = o.arg;
			break;
		case OPT_FORCE:
			force = true;
			break;
		case OPT_LIST:
			for (const struct template_entry *e = template_table; e->name; e++)
				printf("%-12s %s\n", e->name, e->summary);
			goto out;
		}
	}
	if (id < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.noperands > 0) {
		rc = cmd_usage_error("init", "unexpected argument '%s' (use -o FILE)", o.operands[0]);
		goto out;
	}
	rc = cmd_check_output("init", out, NULL, 0);
	if (rc != EXIT_OK)
		goto out;
	buf_adds(&text, t->workload);
	buf_adds(&text, template_rest());
	r = file_write_atomic(out, text.data, text.len, force, &d);
	if (r < 0) {
		cmd_print_diags(&d);
		rc = r == FILEIO_EXISTS ? EXIT_USAGE : EXIT_ENV;
		goto out;
	}
	if (strcmp(out, "-") != 0 && !cmd_quiet)
		fprintf(stderr, "wrote %s (template %s); check it with: advisor check %s\n", out,
			t->name, out);
out:
	buf_release(&text);
	diags_release(&d);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_init_entry = {
	.name = "init",
	.usage = "[--template NAME] [-o FILE] [--force]\n--list",
	.summary = "write a commented starter profile",
	.help = "options:\n"
		"  -t, --template NAME  web-api (default), cpu-batch, ml-service, streaming\n"
		"  -o, --output FILE    write to FILE instead of standard output\n"
		"      --force          overwrite FILE when it exists\n"
		"      --list           list the templates: name, then what it is for\n",
	.exec = cmd_init,
	.opts = init_opts,
};
