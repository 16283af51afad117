/*
 * advisor recommend PROFILE: the main command.  Loads the knowledge and
 * rule bases and the profile, takes probe figures (measured now, from a
 * cache, or none), computes the advice and writes it in one format,
 * atomically.  Nothing is written unless every step succeeded.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "advice.h"
#include "buf.h"
#include "cmd.h"
#include "datadir.h"
#include "engine.h"
#include "fileio.h"
#include "md.h"
#include "report.h"
#include "xalloc.h"

enum { OPT_OUTPUT = 1, OPT_FORMAT, OPT_BUDGET, OPT_NO_PROBES, OPT_PROBES_FROM, OPT_RULES,
       OPT_KNOWLEDGE, OPT_EXPLAIN, OPT_QUIET };

static const struct opt_spec recommend_opts[] = {
	{ "output", 'o', true, OPT_OUTPUT },
	{ "format", 'f', true, OPT_FORMAT },
	{ "budget", 0, true, OPT_BUDGET },
	{ "no-probes", 0, false, OPT_NO_PROBES },
	{ "probes-from", 0, true, OPT_PROBES_FROM },
	{ "rules", 0, true, OPT_RULES },
	{ "knowledge", 0, true, OPT_KNOWLEDGE },
	{ "explain", 0, false, OPT_EXPLAIN },
	{ "quiet", 'q', false, OPT_QUIET },
	{ NULL, 0, false, 0 },
};

static const char *const formats[] = { "md", "html", "json", "madr" };

/* The command line as typed, each word quoted for a POSIX shell, for the Method section. */
static char *command_line(void)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "advisor");
	for (int i = 1; i < cmd_argc; i++) {
		buf_addc(&b, ' ');
		md_shell_word(&b, cmd_argv[i]);
	}
	return buf_detach(&b);
}

/* The output must name none of the inputs: checked before any work. */
static int check_output(const char *out, const char *profile, const char *cache,
			const char **rules, size_t nrules, const char *knowledge)
{
	struct cmd_input *in = xcalloc(nrules + 3, sizeof *in);
	size_t n = 0;
	int rc;

	in[n++] = (struct cmd_input){ profile, "the input profile" };
	if (cache)
		in[n++] = (struct cmd_input){ cache, "the probe cache" };
	for (size_t i = 0; i < nrules; i++)
		in[n++] = (struct cmd_input){ rules[i], "the rules given with --rules" };
	if (knowledge)
		in[n++] = (struct cmd_input){ knowledge, "the knowledge base given with --knowledge" };
	rc = cmd_check_output("recommend", out, in, n);
	free(in);
	return rc;
}

static int cmd_recommend(int argc, char **argv)
{
	struct opts o;
	struct diags d = DIAGS_INIT;
	struct kb kb;
	struct ruleset rs;
	struct profile p;
	struct probe_set ps;
	struct advice a;
	struct profile_known known;
	struct engine_paths paths = { 0 };
	struct report_meta meta = { 0 };
	struct buf used = BUF_INIT, source = BUF_INIT;
	const char *out = "-", *format = "md", *cache = NULL;
	const char **extra = NULL;
	size_t nextra = 0, capextra = 0;
	double budget = 5;
	bool no_probes = false, explain = false, have_probes = false;
	char *text = NULL, *cmdline = NULL;
	int id, rc = EXIT_OK;

	kb_init(&kb);
	ruleset_init(&rs);
	profile_init(&p);
	probe_set_init(&ps);
	advice_init(&a);
	opts_init(&o, "recommend", recommend_opts, argc, argv);
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case OPT_OUTPUT:
			out = o.arg;
			break;
		case OPT_FORMAT: {
			bool ok = false;

			for (size_t i = 0; i < 4; i++)
				ok |= strcmp(o.arg, formats[i]) == 0;
			if (!ok) {
				char *hint = suggest_hint(o.arg, formats, 4);

				rc = cmd_usage_error("recommend", "unknown format '%s'%s (md, html, json, madr)",
						     o.arg, hint);
				free(hint);
				goto out;
			}
			format = o.arg;
			break;
		}
		case OPT_BUDGET:
			if (cmd_parse_number(o.arg, 0.5, 600, &budget) < 0) {
				rc = cmd_usage_error("recommend", "invalid budget '%s' (seconds, from 0.5 to 600)",
						     o.arg);
				goto out;
			}
			break;
		case OPT_NO_PROBES:
			no_probes = true;
			break;
		case OPT_PROBES_FROM:
			cache = o.arg;
			break;
		case OPT_RULES:
			*XPUSH(extra, nextra, capextra) = o.arg;
			break;
		case OPT_KNOWLEDGE:
			paths.knowledge = o.arg;
			break;
		case OPT_EXPLAIN:
			explain = true;
			break;
		case OPT_QUIET:
			cmd_quiet = true;
			break;
		}
	}
	if (id < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.noperands != 1) {
		rc = cmd_usage_error("recommend", o.noperands ? "give exactly one profile" : "no profile given");
		goto out;
	}
	if (no_probes && cache) {
		rc = cmd_usage_error("recommend", "--no-probes and --probes-from exclude each other");
		goto out;
	}
	rc = check_output(out, o.operands[0], cache, extra, nextra, paths.knowledge);
	if (rc != EXIT_OK)
		goto out;
	paths.rules = extra;
	paths.nrules = nextra;
	if (engine_load(&kb, &rs, &paths, &used, &d) < 0) {
		rc = EXIT_INPUT;
		goto out;
	}
	kb_known(&kb, &known);
	if (profile_load_file(&p, o.operands[0], &known, &d) < 0) {
		rc = EXIT_INPUT;
		goto out;
	}
	if (cache) {
		if (probe_set_load(&ps, cache, &d) < 0) {
			rc = EXIT_INPUT;
			goto out;
		}
		have_probes = true;
		buf_addf(&source, "probe cache %s", cache);
	} else if (!no_probes) {
		struct probe_options po = { .budget_s = budget, .only = NULL, .quiet = cmd_quiet };
		struct probe_progress_state pst = { isatty(STDERR_FILENO), 0 };
		int prc;

		if (!cmd_quiet) {
			po.progress = probe_progress;
			po.progress_arg = &pst;
		}
		prc = probe_run(&ps, &po, &d);
		if (pst.tty && pst.width > 0)
			fprintf(stderr, "\r%*s\r", pst.width, "");
		/* Ctrl-C while probing: children are gone, nothing is written. */
		if (probe_interrupted()) {
			rc = 128 + probe_interrupted();
			goto out;
		}
		if (prc < 0) {
			rc = EXIT_ENV;
			goto out;
		}
		have_probes = true;
		buf_adds(&source, "measured on this machine");
	} else {
		buf_adds(&source, "knowledge-base defaults (--no-probes)");
	}
	if (advise(&a, &p, have_probes ? &ps : NULL, &kb, &rs, explain, &d) < 0) {
		rc = EXIT_INPUT;
		goto out;
	}
	cmdline = command_line();
	meta.command_line = cmdline;
	meta.probe_source = buf_str(&source);
	meta.date = have_probes ? ps.fp.taken_at : NULL;
	meta.rules_dirs = buf_str(&used);
	meta.knowledge_dir = paths.knowledge ? paths.knowledge : "knowledge/";
	if (strcmp(format, "json") == 0)
		text = report_json_text(&a, &meta);
	else if (strcmp(format, "html") == 0)
		text = report_html(&a, &meta);
	else if (strcmp(format, "madr") == 0)
		text = report_madr(&a, &meta);
	else
		text = report_markdown(&a, &meta);
	if (explain)
		fputs(buf_str(&a.explain), stderr);
	if (file_write_atomic(out, text, strlen(text), true, &d) < 0)
		rc = EXIT_ENV;
out:
	cmd_print_diags(&d);
	free(text);
	free(cmdline);
	free(extra);
	buf_release(&used);
	buf_release(&source);
	advice_release(&a);
	probe_set_release(&ps);
	profile_release(&p);
	ruleset_release(&rs);
	kb_release(&kb);
	diags_release(&d);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_recommend_entry = {
	.name = "recommend",
	.usage = "PROFILE [-o FILE] [--format md|html|json|madr] [--budget SECONDS]\n"
		 "PROFILE [--no-probes | --probes-from FILE.json] [--rules DIR]... "
		 "[--knowledge DIR] [--explain]",
	.summary = "write a trade-off recommendation for a profile",
	.help = "options:\n"
		"  -o, --output FILE       write the report to FILE (atomically); '-' is stdout\n"
		"  -f, --format FORMAT     md (default), html, json or madr\n"
		"      --budget SECONDS    time for the probes, 0.5..600 (default 5)\n"
		"      --no-probes         use the knowledge base's default figures\n"
		"      --probes-from FILE  use figures saved by 'advisor probe --json'\n"
		"      --rules DIR         add a folder (or file) of rules; repeatable\n"
		"      --knowledge DIR     use another knowledge base\n"
		"      --explain           print every rule's verdict and why on stderr\n"
		"  -q, --quiet             no progress output\n",
	.exec = cmd_recommend,
};
