/*
 * advisor rules list | lint [DIR...] | show ID: look after the rule base.
 * lint loads rule folders (the built-in one by default) against the
 * knowledge base and reports every problem as FILE:LINE:COL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "datadir.h"
#include "engine.h"
#include "md.h"
#include "util.h"
#include "xalloc.h"

enum { OPT_RULES = 1, OPT_KNOWLEDGE };

static const struct opt_spec rules_opts[] = {
	{ "rules", 0, true, OPT_RULES },
	{ "knowledge", 0, true, OPT_KNOWLEDGE },
	{ NULL, 0, false, 0 },
};

static const char *const subcommands[] = { "list", "lint", "show" };

static void print_cond(const struct cond *c, int depth)
{
	switch (c->kind) {
	case COND_ALL:
	case COND_ANY:
		printf("%*s%s:\n", depth * 2, "", c->kind == COND_ALL ? "all" : "any");
		for (size_t i = 0; i < c->nkids; i++)
			print_cond(&c->kids[i], depth + 1);
		break;
	case COND_NOT:
		printf("%*snot:\n", depth * 2, "");
		print_cond(&c->kids[0], depth + 1);
		break;
	case COND_LEAF: {
		struct buf v = BUF_INIT;

		if (c->is_num)
			md_num(&v, c->num);
		else if (c->str)
			buf_adds(&v, c->str);
		else
			for (size_t i = 0; i < c->list.n; i++)
				buf_addf(&v, "%s%s", i ? ", " : "", c->list.v[i]);
		printf("%*s%s %s %s\n", depth * 2, "", c->field, cond_op_names[c->op], buf_str(&v));
		buf_release(&v);
		break;
	}
	}
}

static void show(const struct rule *r)
{
	printf("id:          %s\n", r->id);
	printf("file:        %s:%d\n", datadir_display(r->file), r->line);
	printf("description: %s\n", r->description);
	printf("source:      %s\n", r->source);
	printf("runs:        %s\n", r->per_candidate ? "once per candidate" : "once");
	printf("when:\n");
	if (r->when)
		print_cond(r->when, 1);
	else
		printf("  always\n");
	printf("effects:\n");
	for (size_t i = 0; i < r->neffects; i++) {
		const struct effect *e = &r->effects[i];

		printf("  %s%s%s %s %+.2g\n", e->runtime ? e->runtime : "",
		       e->runtime && e->model ? "/" : "", e->model ? e->model : (e->runtime ? "" : "candidate"),
		       profile_criteria[e->criterion], e->delta);
	}
	printf("rationale:   %s\n", r->rationale);
	if (r->risk)
		printf("risk:        %s\n", r->risk);
	if (r->mitigation)
		printf("mitigation:  %s\n", r->mitigation);
}

static int cmd_rules(int argc, char **argv)
{
	struct opts o;
	struct diags d = DIAGS_INIT;
	struct kb kb;
	struct ruleset rs;
	struct engine_paths paths = { 0 };
	struct buf used = BUF_INIT;
	const char **extra = NULL;
	size_t nextra = 0, cap = 0;
	const char *sub;
	int id, rc = EXIT_OK;

	kb_init(&kb);
	ruleset_init(&rs);
	opts_init(&o, "rules", rules_opts, argc, argv);
	while ((id = opts_next(&o)) > 0) {
		if (id == OPT_RULES)
			*XPUSH(extra, nextra, cap) = o.arg;
		else if (id == OPT_KNOWLEDGE)
			paths.knowledge = o.arg;
	}
	if (id < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.noperands == 0) {
		rc = cmd_usage_error("rules", "say list, lint or show ID");
		goto out;
	}
	sub = o.operands[0];
	if (strcmp(sub, "list") && strcmp(sub, "lint") && strcmp(sub, "show")) {
		const char *s = suggest(sub, subcommands, ARRAY_SIZE(subcommands));

		rc = s ? cmd_usage_error("rules", "unknown subcommand '%s' (did you mean '%s'?)", sub, s)
		       : cmd_usage_error("rules", "unknown subcommand '%s' (list, lint, show)", sub);
		goto out;
	}
	if (strcmp(sub, "show") == 0 && o.noperands != 2) {
		rc = cmd_usage_error("rules", "show takes one rule id");
		goto out;
	}
	if (strcmp(sub, "list") == 0 && o.noperands != 1) {
		rc = cmd_usage_error("rules", "list takes no argument (use --rules DIR to add rules)");
		goto out;
	}
	/* lint DIR...: exactly the named folders; otherwise the built-in base too. */
	if (strcmp(sub, "lint") == 0 && o.noperands > 1) {
		for (int i = 1; i < o.noperands; i++)
			*XPUSH(extra, nextra, cap) = o.operands[i];
		paths.no_default_rules = true;
	}
	paths.rules = extra;
	paths.nrules = nextra;
	if (engine_load(&kb, &rs, &paths, &used, &d) < 0) {
		rc = EXIT_INPUT;
		goto out;
	}
	if (strcmp(sub, "lint") == 0) {
		if (!cmd_quiet)
			printf("%zu rules in %s: ok\n", rs.n, buf_str(&used));
	} else if (strcmp(sub, "list") == 0) {
		for (size_t i = 0; i < rs.n; i++)
			printf("%-40s %s:%d\n", rs.rules[i].id, datadir_display(rs.rules[i].file),
			       rs.rules[i].line);
	} else {
		const struct rule *r = ruleset_find(&rs, o.operands[1]);

		if (r == NULL) {
			const char *names[2048];
			size_t n = 0;
			char *hint;

			for (size_t i = 0; i < rs.n && n < 2048; i++)
				names[n++] = rs.rules[i].id;
			hint = suggest_hint(o.operands[1], names, n);
			fprintf(stderr, "advisor rules: no rule '%s'%s\n", o.operands[1], hint);
			free(hint);
			rc = EXIT_INPUT;
			goto out;
		}
		show(r);
	}
out:
	cmd_print_diags(&d);
	buf_release(&used);
	free(extra);
	ruleset_release(&rs);
	kb_release(&kb);
	diags_release(&d);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_rules_entry = {
	.name = "rules",
	.usage = "list [--rules DIR]...\nlint [DIR...]\nshow ID",
	.summary = "list, check or show the rules of the rule base",
	.help = "subcommands:\n"
		"  list       every rule id with its file and line\n"
		"  lint [DIR] check rule folders (default: the built-in rule base) against\n"
		"             the knowledge base; problems are FILE:LINE:COL, exit 2\n"
		"  show ID    a rule's condition, effects and rationale\n\n"
		"options:\n"
		"  --rules DIR       add a folder of rules\n"
		"  --knowledge DIR   use another knowledge base\n",
	.exec = cmd_rules,
	.opts = rules_opts,
};
