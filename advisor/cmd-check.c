/*
 * advisor check PROFILE...: validate profiles.  Every problem in every file
 * is printed as FILE:LINE:COL: error: MESSAGE with the line and a caret
 * (--format text), as one JSON object (--format json) or as GitHub
 * workflow commands that annotate a pull request (--format github).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "advice.h"
#include "buf.h"
#include "cmd.h"
#include "engine.h"
#include "datadir.h"
#include "profile.h"
#include "xalloc.h"

enum { OPT_QUIET = 1, OPT_KNOWLEDGE, OPT_FIELDS_MD, OPT_FORMAT };

static const struct opt_spec check_opts[] = {
	{ "quiet", 'q', false, OPT_QUIET },
	{ "format", 'f', true, OPT_FORMAT },
	{ "knowledge", 0, true, OPT_KNOWLEDGE },
	/* For maintainers: docs/profile.md's field table, from the code's. */
	{ "fields-md", 0, false, OPT_FIELDS_MD },
	{ NULL, 0, false, 0 },
};

enum check_format { CHECK_TEXT, CHECK_JSON, CHECK_GITHUB };

static const char *const check_formats[] = { "text", "json", "github" };

static const char *level_word(enum diag_level l)
{
	return l == DIAG_ERROR ? "error" : l == DIAG_WARNING ? "warning" : "note";
}

/*
 * GitHub's escaping for a workflow command: in the message '%', CR and LF;
 * in a property (prop) also ':' and ','.
 */
static void github_escape(struct buf *b, const char *s, bool prop)
{
	for (; *s; s++) {
		if (*s == '%')
			buf_adds(b, "%25");
		else if (*s == '\r')
			buf_adds(b, "%0D");
		else if (*s == '\n')
			buf_adds(b, "%0A");
		else if (prop && *s == ':')
			buf_adds(b, "%3A");
		else if (prop && *s == ',')
			buf_adds(b, "%2C");
		else
			buf_addc(b, *s);
	}
}

/* One ::error (::warning, ::notice) line per diagnostic; line 0 is the whole file. */
static void print_github(const struct diags *d)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];

		buf_addf(&b, "::%s file=", g->level == DIAG_ERROR ? "error"
				: g->level == DIAG_WARNING ? "warning" : "notice");
		github_escape(&b, g->file ? g->file : "", true);
		if (g->line > 0)
			buf_addf(&b, ",line=%d,col=%d", g->line, g->col > 0 ? g->col : 1);
		buf_adds(&b, "::");
		github_escape(&b, g->msg ? g->msg : "", false);
		buf_addc(&b, '\n');
	}
	fputs(buf_str(&b), stdout);
	buf_release(&b);
}

/* Append d's diagnostics to the JSON list, counting errors and warnings. */
static void add_json(json_t *list, const struct diags *d, size_t *errors, size_t *warnings)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		json_t *o = json_object();

		json_object_set_new(o, "file", json_string(g->file ? g->file : ""));
		json_object_set_new(o, "line", json_integer(g->line));
		json_object_set_new(o, "col", json_integer(g->col));
		json_object_set_new(o, "level", json_string(level_word(g->level)));
		json_object_set_new(o, "message", json_string(g->msg ? g->msg : ""));
		json_array_append_new(list, o);
		if (g->level == DIAG_WARNING)
			(*warnings)++;
	}
	*errors += d->errors;
}

/* Print d in the chosen format (JSON is gathered into all and printed at the end). */
static void report_diags(enum check_format f, const struct diags *d, json_t *all,
			 size_t *errors, size_t *warnings)
{
	if (f == CHECK_TEXT)
		cmd_print_diags(d);
	else if (f == CHECK_GITHUB)
		print_github(d);
	else
		add_json(all, d, errors, warnings);
}

/* The JSON document: valid, counts, per-file results, every diagnostic. */
static void print_json(json_t *files, json_t *all, bool valid, size_t errors, size_t warnings)
{
	json_t *j = json_object();
	char *s;

	json_object_set_new(j, "valid", json_boolean(valid));
	json_object_set_new(j, "errors", json_integer((json_int_t)errors));
	json_object_set_new(j, "warnings", json_integer((json_int_t)warnings));
	json_object_set(j, "files", files);
	json_object_set(j, "diagnostics", all);
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

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
	enum check_format fmt = CHECK_TEXT;
	json_t *files = json_array(), *all = json_array();
	size_t errors = 0, warnings = 0;
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
		else if (id == OPT_FORMAT) {
			size_t k = 0;

			while (k < 3 && strcmp(o.arg, check_formats[k]) != 0)
				k++;
			if (k == 3) {
				const char *s = suggest(o.arg, check_formats, 3);

				rc = s ? cmd_usage_error("check", "unknown format '%s' (did you mean '%s'?)",
							  o.arg, s)
				       : cmd_usage_error("check", "unknown format '%s' (text, json, github)",
							 o.arg);
				goto out;
			}
			fmt = (enum check_format)k;
		}
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
		report_diags(fmt, &d, all, &errors, &warnings);
		diags_release(&d);
		if (rc != EXIT_OK) {
			if (fmt == CHECK_JSON)
				print_json(files, all, false, errors, warnings);
			goto out;
		}
	}
	kb_known(&vkb, &known);
	for (int i = 0; i < o.noperands; i++) {
		struct profile p;
		struct diags d = DIAGS_INIT;
		size_t e0 = errors, w0 = warnings;
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
		report_diags(fmt, &d, all, &errors, &warnings);
		if (r < 0)
			rc = EXIT_INPUT;
		else if (!cmd_quiet && fmt == CHECK_TEXT)
			printf("%s: ok\n", o.operands[i]);
		if (fmt == CHECK_JSON) {
			json_t *f = json_object();

			json_object_set_new(f, "file", json_string(o.operands[i]));
			json_object_set_new(f, "valid", json_boolean(r == 0));
			json_object_set_new(f, "errors", json_integer((json_int_t)(errors - e0)));
			json_object_set_new(f, "warnings", json_integer((json_int_t)(warnings - w0)));
			json_array_append_new(files, f);
		}
		diags_release(&d);
		profile_release(&p);
	}
	if (fmt == CHECK_JSON)
		print_json(files, all, rc == EXIT_OK, errors, warnings);
out:
	json_decref(files);
	json_decref(all);
	ruleset_release(&rs);
	kb_release(&kb);
	kb_release(&vkb);
	free(kdir);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_check_entry = {
	.name = "check",
	.usage = "[-q] [-f text|json|github] [--knowledge DIR] PROFILE...",
	.summary = "validate profiles; every problem is printed as FILE:LINE:COL",
	.help = "options:\n"
		"  -q, --quiet        print nothing for valid profiles\n"
		"  -f, --format F     text (default): FILE:LINE:COL: error: MESSAGE on stderr;\n"
		"                     json: one object on stdout, with per-file results and\n"
		"                     every diagnostic {file, line, col, level, message};\n"
		"                     github: one ::error or ::warning line per diagnostic\n"
		"                     on stdout, which GitHub Actions shows as annotations\n"
		"  --knowledge DIR    the knowledge base whose runtimes, languages, needs and\n"
		"                     traits a profile may name (default: the built-in one)\n\n"
		"Exit 0 when every profile is valid, 2 when any is not.\n",
	.exec = cmd_check,
	.opts = check_opts,
};
