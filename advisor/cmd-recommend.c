/*
 * advisor recommend PROFILE: the main command.  Loads the knowledge and
 * rule bases and the profile, takes probe figures (measured now, from a
 * cache, or none), computes the advice once and writes it to every -o
 * output, each in the format its extension names, atomically.  Every
 * output is checked before any work; nothing is written unless every step
 * succeeded.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "adr.h"
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
       OPT_KNOWLEDGE, OPT_EXPLAIN, OPT_QUIET, OPT_LIST_FORMATS, OPT_REPLAY,
       OPT_ADR_DIR };

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
	{ "list-formats", 0, false, OPT_LIST_FORMATS },
	{ "replay", 0, false, OPT_REPLAY },
	{ "adr-dir", 0, true, OPT_ADR_DIR },
	{ NULL, 0, false, 0 },
};

/* One output: a file (or '-') and the format written there. */
struct recommend_output {
	const char *path;
	const struct report_format *format;
};

/* What the command line asks for. */
struct recommend_args {
	const char *profile;
	struct recommend_output *outs;	/* -o, in order; '-' in md when none */
	size_t nouts;
	size_t capouts;
	const struct report_format *format;	/* --format, or NULL */
	const char *cache;		/* --probes-from, or NULL */
	const char **rules;		/* --rules, in order */
	size_t nrules;
	size_t caprules;
	const char *knowledge;
	const char *adr_dir;		/* --adr-dir: a folder of decision records, or NULL */
	double budget;
	bool no_probes;
	bool explain;
	bool list_formats;
	bool replay;		/* --replay: probe, replay and advise in one step */
	bool budget_given;
};
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

/* The format named on the command line, or a usage error naming the known ones. */
static int parse_format(const char *name, const struct report_format **fmt)
{
	const char **names = xcalloc(report_nformats, sizeof *names);
	struct buf known = BUF_INIT;
	char *hint;
	int rc;

	*fmt = report_format_find(name);
	if (*fmt) {
		free(names);
		return EXIT_OK;
	}
	for (size_t i = 0; i < report_nformats; i++) {
		names[i] = report_formats[i].name;
		buf_addf(&known, "%s%s", i ? ", " : "", names[i]);
	}
	hint = suggest_hint(name, names, report_nformats);
	rc = cmd_usage_error("recommend", "unknown format '%s'%s (%s)", name, hint, buf_str(&known));
	free(hint);
	buf_release(&known);
	free(names);
	return rc;
}

/*
 * Each output's format: its extension's (.md, .html, .json, .madr.md, the
 * longest that matches), else --format's, else md.  With several outputs,
 * --format must agree with every extension, and a file without a known
 * extension needs --format.  No file may be named twice.
 */
static int resolve_outputs(struct recommend_args *args)
{
	if (args->nouts == 0 && args->adr_dir == NULL)
		XPUSH(args->outs, args->nouts, args->capouts)->path = "-";
	for (size_t i = 0; i < args->nouts; i++) {
		struct recommend_output *out = &args->outs[i];
		const struct report_format *ext = strcmp(out->path, "-") == 0 ? NULL
						  : report_format_for_path(out->path);

		for (size_t k = 0; k < i; k++)
			if (strcmp(args->outs[k].path, out->path) == 0)
				return cmd_usage_error("recommend", "output '%s' is given twice",
						       out->path);
		if (args->nouts == 1) {
			/* One output: --format wins, as it always has. */
			out->format = args->format ? args->format : ext ? ext : &report_formats[0];
			continue;
		}
		if (ext && args->format && ext != args->format)
			return cmd_usage_error("recommend", "--format %s does not match output '%s' "
					       "(a %s file); with several -o, drop --format: each file's "
					       "extension names its format", args->format->name,
					       out->path, ext->name);
		if (ext == NULL && args->format == NULL && strcmp(out->path, "-") != 0)
			return cmd_usage_error("recommend", "cannot tell the format of '%s' from its "
					       "extension (see --list-formats); rename it or give --format",
					       out->path);
		out->format = ext ? ext : args->format ? args->format : &report_formats[0];
	}
	return EXIT_OK;
}

/* Read the options into args; EXIT_OK or a usage error (already printed). */
static int parse_args(struct opts *o, struct recommend_args *args)
{
	int id, rc;

	while ((id = opts_next(o)) > 0) {
		switch (id) {
		case OPT_OUTPUT:
			XPUSH(args->outs, args->nouts, args->capouts)->path = o->arg;
			break;
		case OPT_FORMAT:
			rc = parse_format(o->arg, &args->format);
			if (rc != EXIT_OK)
				return rc;
			break;
		case OPT_BUDGET:
			if (cmd_parse_number(o->arg, 0.5, 600, &args->budget) < 0)
				return cmd_usage_error("recommend", "invalid budget '%s' (seconds, from "
						       "0.5 to 600)", o->arg);
			args->budget_given = true;
			break;
		case OPT_REPLAY:
			args->replay = true;
			break;
		case OPT_NO_PROBES:
			args->no_probes = true;
			break;
		case OPT_PROBES_FROM:
			args->cache = o->arg;
			break;
		case OPT_RULES:
			*XPUSH(args->rules, args->nrules, args->caprules) = o->arg;
			break;
		case OPT_KNOWLEDGE:
			args->knowledge = o->arg;
			break;
		case OPT_EXPLAIN:
			args->explain = true;
			break;
		case OPT_QUIET:
			cmd_quiet = true;
			break;
		case OPT_LIST_FORMATS:
			args->list_formats = true;
			break;
		case OPT_ADR_DIR:
			args->adr_dir = o->arg;
			break;
		}
	}
	if (id < 0)
		return EXIT_USAGE;
	if (args->list_formats)
		return o->noperands ? cmd_usage_error("recommend", "--list-formats takes no profile")
				    : EXIT_OK;
	if (o->noperands != 1)
		return cmd_usage_error("recommend", o->noperands ? "give exactly one profile"
							     : "no profile given");
	if (args->no_probes && args->cache)
		return cmd_usage_error("recommend", "--no-probes and --probes-from exclude each other");
	if (args->replay && (args->no_probes || args->cache))
		return cmd_usage_error("recommend", "--replay measures now: it excludes %s",
				       args->cache ? "--probes-from" : "--no-probes");
	args->profile = o->operands[0];
	return resolve_outputs(args);
}

/* One line per report format: name, file extension, what it is. */
static int list_formats(void)
{
	for (size_t i = 0; i < report_nformats; i++)
		printf("%-6s %-8s %s\n", report_formats[i].name, report_formats[i].ext,
		       report_formats[i].summary);
	return fflush(stdout) == 0 && !ferror(stdout) ? EXIT_OK : EXIT_ENV;
}

/* Run the probes now, with progress on stderr unless quiet. */
static int measure(struct probe_set *ps, double budget, struct diags *d)
{
	struct probe_options po = { .budget_s = budget, .only = NULL, .quiet = cmd_quiet };
	struct probe_progress_state pst = { isatty(STDERR_FILENO), 0 };
	int prc;

	if (!cmd_quiet) {
		po.progress = probe_progress;
		po.progress_arg = &pst;
	}
	prc = probe_run(ps, &po, d);
	if (pst.tty && pst.width > 0)
		fprintf(stderr, "\r%*s\r", pst.width, "");
	/* Ctrl-C while probing: children are gone, nothing is written. */
	if (probe_interrupted())
		return 128 + probe_interrupted();
	return prc < 0 ? EXIT_ENV : EXIT_OK;
}

/*
 * The probe figures the advice rests on: read from the cache, measured
 * now, or none (*have false).  source receives the Method section's words.
 */
static int take_probes(const struct recommend_args *args, const struct profile *p,
		       struct probe_set *ps, bool *have, struct buf *source, struct diags *d)
{
	int rc;

	*have = false;
	if (args->cache) {
		if (probe_set_load(ps, args->cache, d) < 0)
			return EXIT_INPUT;
		buf_addf(source, "probe cache %s", args->cache);
	} else if (args->replay) {
		/* as probe --replay: 60 s by default, a twelfth (at most 5 s) for the suite */
		double budget = args->budget_given ? args->budget : 60;
		double suite = budget / 12 < 5 ? budget / 12 : 5;

		if (suite < 0.5)
			suite = 0.5;
		rc = measure(ps, suite, d);
		if (rc != EXIT_OK)
			return rc;
		rc = cmd_replay(ps, p, NULL, budget - suite > 1 ? budget - suite : 1, cmd_quiet);
		if (rc != EXIT_OK)
			return rc;
		buf_adds(source, "measured on this machine, with replay");
	} else if (!args->no_probes) {
		rc = measure(ps, args->budget, d);
		if (rc != EXIT_OK)
			return rc;
		buf_adds(source, "measured on this machine");
	} else {
		buf_adds(source, "knowledge-base defaults (--no-probes)");
		return EXIT_OK;
	}
	*have = true;
	return EXIT_OK;
}

/*
 * --adr-dir: the folder must exist and be writable, and must not be, or
 * lie inside, an input folder (a record in the knowledge base would be
 * read as knowledge).  Checked before any work, like every -o.
 */
static int check_adr_dir(const struct recommend_args *args)
{
	struct diags d = DIAGS_INIT;
	char *inside;
	int rc;

	if (args->adr_dir == NULL)
		return EXIT_OK;
	if (adr_dir_ready(args->adr_dir, &d) < 0) {
		cmd_print_diags(&d);
		diags_release(&d);
		return EXIT_USAGE;
	}
	diags_release(&d);
	inside = xasprintf("%s/0000-record.md", args->adr_dir);
	rc = check_output(inside, args->profile, args->cache, args->rules, args->nrules,
			  args->knowledge);
	free(inside);
	return rc;
}

/*
 * --adr-dir: the decision record, numbered in its folder (adr.h); nothing
 * is written when the latest advisor record there decides the same.
 */
static int write_adr(const struct recommend_args *args, const struct advice *a,
		     const struct report_meta *meta, struct diags *d)
{
	struct adr_outcome out;

	if (args->adr_dir == NULL)
		return EXIT_OK;
	if (adr_write(args->adr_dir, a, meta, &out, d) < 0)
		return EXIT_ENV;
	if (!cmd_quiet && out.written)
		fprintf(stderr, "wrote %s%s%s\n", out.written, out.superseded ? ", superseding " : "",
			out.superseded ? out.superseded : "");
	else if (!cmd_quiet)
		fprintf(stderr, "unchanged since %s: the recommendation is the same; nothing "
			"written\n", out.same);
	adr_outcome_release(&out);
	return EXIT_OK;
}

/*
 * Render the advice in every output's format, then write each, atomically:
 * the advice is computed once, and a renderer never runs after a write.
 */
static int write_reports(const struct recommend_args *args, const struct advice *a,
			 const struct report_meta *meta, struct diags *d)
{
	char **text = xcalloc(args->nouts, sizeof *text);
	int rc = EXIT_OK;

	if (args->explain)
		fputs(buf_str(&a->explain), stderr);
	for (size_t i = 0; i < args->nouts; i++)
		text[i] = args->outs[i].format->render(a, meta);
	for (size_t i = 0; i < args->nouts && rc == EXIT_OK; i++) {
		if (file_write_atomic(args->outs[i].path, text[i], strlen(text[i]), true, d) < 0)
			rc = EXIT_ENV;
		else if (cmd_verbose && strcmp(args->outs[i].path, "-") != 0)
			fprintf(stderr, "wrote %s (%s)\n", args->outs[i].path,
				args->outs[i].format->name);
	}
	for (size_t i = 0; i < args->nouts; i++)
		free(text[i]);
	free(text);
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
	struct recommend_args args = { .budget = 5 };
	struct engine_paths paths = { 0 };
	struct report_meta meta = { 0 };
	struct buf used = BUF_INIT, source = BUF_INIT;
	bool have_probes = false;
	char *cmdline = NULL;
	int rc;

	kb_init(&kb);
	ruleset_init(&rs);
	profile_init(&p);
	probe_set_init(&ps);
	advice_init(&a);
	opts_init(&o, "recommend", recommend_opts, argc, argv);
	rc = parse_args(&o, &args);
	if (rc != EXIT_OK)
		goto out;
	if (args.list_formats) {
		rc = list_formats();
		goto out;
	}
	for (size_t i = 0; i < args.nouts && rc == EXIT_OK; i++)
		rc = check_output(args.outs[i].path, args.profile, args.cache, args.rules,
				  args.nrules, args.knowledge);
	if (rc == EXIT_OK)
		rc = check_adr_dir(&args);
	if (rc != EXIT_OK)
		goto out;
	paths.knowledge = args.knowledge;
	paths.rules = args.rules;
	paths.nrules = args.nrules;
	rc = EXIT_INPUT;
	if (engine_load(&kb, &rs, &paths, &used, &d) < 0)
		goto out;
	kb_known(&kb, &known);
	if (profile_load_file(&p, args.profile, &known, &d) < 0)
		goto out;
	rc = take_probes(&args, &p, &ps, &have_probes, &source, &d);
	if (rc != EXIT_OK)
		goto out;
	if (advise(&a, &p, have_probes ? &ps : NULL, &kb, &rs, args.explain, &d) < 0) {
		rc = EXIT_INPUT;
		goto out;
	}
	cmdline = command_line();
	meta.command_line = cmdline;
	meta.probe_source = buf_str(&source);
	meta.date = have_probes ? ps.fp.taken_at : NULL;
	meta.rules_dirs = buf_str(&used);
	meta.knowledge_dir = args.knowledge ? args.knowledge : "knowledge/";
	rc = write_reports(&args, &a, &meta, &d);
	if (rc == EXIT_OK)
		rc = write_adr(&args, &a, &meta, &d);
out:
	cmd_print_diags(&d);
	free(cmdline);
	free(args.rules);
	free(args.outs);
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
	.usage = "PROFILE [-o FILE]... [-f FORMAT] [--budget SECONDS]\n"
		 "PROFILE [--no-probes | --probes-from FILE.json] [--rules DIR]... "
		 "[--knowledge DIR] [--explain]\n"
		 "PROFILE --replay [--budget SECONDS] [-o FILE] [--format FORMAT]\n"
		 "PROFILE --adr-dir DIR [...]\n"
		 "--list-formats",
	.summary = "write a trade-off recommendation for a profile",
	.help = "options:\n"
		"  -o, --output FILE       write the report to FILE (atomically); '-' is stdout;\n"
		"                          repeatable: each file in the format its extension\n"
		"                          names (.md, .html, .json, .madr.md)\n"
		"  -f, --format FORMAT     the report format (--list-formats): md by default, or\n"
		"                          the extension's; with several -o it must match them\n"
		"      --budget SECONDS    time for the probes, 0.5..600 (default 5)\n"
		"      --no-probes         use the knowledge base's default figures\n"
		"      --probes-from FILE  use figures saved by 'advisor probe --json'\n"
		"      --rules DIR         add a folder (or file) of rules; repeatable\n"
		"      --knowledge DIR     use another knowledge base\n"
		"      --explain           print every rule's verdict and why on stderr\n"
		"  -q, --quiet             no progress output\n"
		"      --list-formats      list the report formats: name, extension, what it is\n"
		"      --replay            also serve the profile's workload in each installed\n"
		"                          runtime (probe --replay); budget 60 s by default\n"
		"      --adr-dir DIR       add a MADR 4 decision record to the folder DIR as\n"
		"                          NNNN-title.md, numbered after the records there;\n"
		"                          nothing when the latest advisor record there for\n"
		"                          the project decides the same\n",
	.exec = cmd_recommend,
	.opts = recommend_opts,
};
