/*
 * Command table, help text and the option parser shared by every command.
 */
#include "cmd.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "datadir.h"
#include "fileio.h"
#include "xalloc.h"

bool cmd_quiet;
bool cmd_verbose;
int cmd_argc;
char **cmd_argv;

const struct cmd_entry *const cmd_table[] = {
	&cmd_recommend_entry,
	&cmd_probe_entry,
	&cmd_check_entry,
	&cmd_rules_entry,
	&cmd_init_entry,
	&cmd_diff_entry,
	NULL,
};

const struct cmd_entry *cmd_find(const char *name)
{
	for (size_t i = 0; cmd_table[i]; i++)
		if (strcmp(cmd_table[i]->name, name) == 0)
			return cmd_table[i];
	return NULL;
}

static void print_usage_lines(const struct cmd_entry *c, FILE *out, const char *indent)
{
	const char *p = c->usage;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		fprintf(out, "%sadvisor %s %.*s\n", indent, c->name, (int)n, p);
		p += n;
		if (*p == '\n')
			p++;
	}
}

void cmd_print_help(FILE *out)
{
	fputs("advisor - choose a runtime and concurrency model, measured on this machine\n\n"
	      "usage:\n", out);
	for (size_t i = 0; cmd_table[i]; i++)
		print_usage_lines(cmd_table[i], out, "  ");
	fputs("  advisor help COMMAND\n"
	      "  advisor --help | --version\n\ncommands:\n", out);
	for (size_t i = 0; cmd_table[i]; i++)
		fprintf(out, "  %-10s %s\n", cmd_table[i]->name, cmd_table[i]->summary);
	fputs("\nglobal options (before or after the command):\n"
	      "  -q, --quiet    no progress output on stderr\n"
	      "  -v, --verbose  say on stderr what was read and written\n"
	      "  -h, --help     show this help (or a command's help)\n"
	      "  -V, --version  show the version\n"
	      "\nexit codes:\n"
	      "  0  success\n"
	      "  1  usage error (unknown option, missing argument)\n"
	      "  2  bad input: a profile, rule file, knowledge file or probe cache is invalid\n"
	      "  3  a probe or the environment failed in a way that prevents a report\n"
	      "  4  diff: a difference named by --fail-on (the winner, by default)\n"
	      "  130, 143  interrupted by SIGINT or SIGTERM (probe, recommend)\n"
	      "\n'-' as a file name means standard input or standard output.\n", out);
}

void cmd_print_command_help(const struct cmd_entry *c, FILE *out)
{
	fputs("usage:\n", out);
	print_usage_lines(c, out, "  ");
	fprintf(out, "\n%s\n", c->summary);
	if (c->help && *c->help)
		fprintf(out, "\n%s", c->help);
}

int cmd_parse_number(const char *s, double lo, double hi, double *out)
{
	size_t digits = strspn(s, "0123456789"), frac = 0;
	const char *p = s + digits;
	char *end = NULL;
	double v;

	if (*p == '.') {
		frac = strspn(p + 1, "0123456789");
		p += 1 + frac;
	}
	if (*p != '\0' || digits + frac == 0 || digits + frac > 30)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (end != p || errno != 0 || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "advisor%s%s: ", cmd ? " " : "", cmd ? cmd : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (cmd)
		fprintf(stderr, "see 'advisor help %s'\n", cmd);
	else
		fputs("see 'advisor --help'\n", stderr);
	return EXIT_USAGE;
}

int cmd_check_output(const char *cmd, const char *out, const struct cmd_input *in, size_t n)
{
	const char **paths = xcalloc(n + 2, sizeof *paths);
	char *rules = xasprintf("%s/rules", datadir());
	char *knowledge = xasprintf("%s/knowledge", datadir());
	bool inside;
	long hit;
	int rc = EXIT_OK;

	for (size_t i = 0; i < n; i++)
		paths[i] = in[i].path;
	paths[n] = rules;
	paths[n + 1] = knowledge;
	hit = file_output_clash(out, paths, n + 2, &inside);
	if (hit >= 0) {
		const char *what = (size_t)hit < n ? in[hit].what
				   : (size_t)hit == n ? "the built-in rule base" : "the built-in knowledge base";

		if (inside)
			rc = cmd_usage_error(cmd, "output '%s' lies inside %s '%s'; refusing to write there",
					     out, what, paths[hit]);
		else
			rc = cmd_usage_error(cmd, "output '%s' is %s '%s'; refusing to overwrite it", out,
					     what, paths[hit]);
	} else {
		struct diags d = DIAGS_INIT;

		if (file_output_ready(out, &d) < 0) {
			cmd_print_diags(&d);
			rc = EXIT_USAGE;
		}
		diags_release(&d);
	}
	free(rules);
	free(knowledge);
	free(paths);
	return rc;
}

void cmd_print_diags(const struct diags *d)
{
	diags_print(d, stderr);
}

void opts_init(struct opts *o, const char *cmd, const struct opt_spec *specs,
	       int argc, char **argv)
{
	memset(o, 0, sizeof *o);
	o->cmd = cmd;
	o->specs = specs;
	o->argc = argc;
	o->argv = argv;
	o->i = 1;
	o->operands = xcalloc((size_t)argc + 1, sizeof *o->operands);
}

void opts_release(struct opts *o)
{
	free(o->operands);
	o->operands = NULL;
}

const struct opt_spec cmd_global_opts[] = {
	{ "quiet", 'q', false, -1 },
	{ "verbose", 'v', false, -1 },
	{ NULL, 0, false, 0 },
};

void cmd_print_option_table(FILE *out)
{
	for (const struct opt_spec *sp = cmd_global_opts; sp->name; sp++)
		fprintf(out, "global %s%c --%s %s\n", sp->shortname ? "-" : "",
			sp->shortname ? sp->shortname : '-', sp->name, "-");
	fputs("global -h --help -\nglobal -V --version -\n", out);
	for (size_t i = 0; cmd_table[i]; i++) {
		const struct cmd_entry *c = cmd_table[i];

		for (const struct opt_spec *sp = c->opts; sp && sp->name; sp++) {
			if (sp->shortname)
				fprintf(out, "%s -%c --%s %s\n", c->name, sp->shortname, sp->name,
					sp->has_arg ? "value" : "-");
			else
				fprintf(out, "%s - --%s %s\n", c->name, sp->name,
					sp->has_arg ? "value" : "-");
		}
		fprintf(out, "%s -h --help -\n", c->name);
	}
}

/* -q and -v anywhere: consumed here, never seen by the command. */
static bool global_option(const struct opt_spec *sp)
{
	if (strcmp(sp->name, "quiet") == 0) {
		cmd_quiet = true;
		cmd_verbose = false;
	} else {
		cmd_verbose = true;
		cmd_quiet = false;
	}
	return true;
}

static int unknown(struct opts *o, const char *word)
{
	const char *names[64];
	size_t n = 0;
	const char *s;
	char *bare = xstrdup(word + (word[1] == '-' ? 2 : 1));
	char *eq = strchr(bare, '=');

	if (eq)
		*eq = '\0';
	for (const struct opt_spec *sp = o->specs; sp->name && n < 60; sp++)
		names[n++] = sp->name;
	for (const struct opt_spec *sp = cmd_global_opts; sp->name; sp++)
		names[n++] = sp->name;
	if (word[1] == '-') {
		s = suggest(bare, names, n);
	} else {
		/* "-f" where only "--force" starts with f: name it. */
		s = NULL;
		for (size_t k = 0; k < n; k++) {
			if (names[k][0] != word[1])
				continue;
			if (s) {
				s = NULL;
				break;
			}
			s = names[k];
		}
	}
	if (s)
		cmd_usage_error(o->cmd, "unknown option '%s' (did you mean '--%s'?)", word, s);
	else
		cmd_usage_error(o->cmd, "unknown option '%s'", word);
	free(bare);
	return -1;
}

static const struct opt_spec *find_long(const struct opt_spec *specs, const char *name, size_t len)
{
	for (const struct opt_spec *sp = specs; sp->name; sp++)
		if (strlen(sp->name) == len && strncmp(sp->name, name, len) == 0)
			return sp;
	return NULL;
}

static const struct opt_spec *find_short(const struct opt_spec *specs, char c)
{
	for (const struct opt_spec *sp = specs; sp->name; sp++)
		if (sp->shortname == c)
			return sp;
	return NULL;
}

/*
 * The next short option of the bundle at o->bundle: "-qo FILE", "-oFILE",
 * "-qoFILE".  A value-taking option ends the bundle: the rest of the word
 * is its value, or else the next argument.
 */
static int next_short(struct opts *o)
{
	while (o->bundle && *o->bundle) {
		char c = *o->bundle++;
		const struct opt_spec *sp = find_short(o->specs, c);
		bool global = false;

		if (sp == NULL) {
			sp = find_short(cmd_global_opts, c);
			global = sp != NULL;
		}
		if (sp == NULL) {
			char word[3] = { '-', c, '\0' };

			o->bundle = NULL;
			return unknown(o, word);
		}
		if (!sp->has_arg) {
			if (*o->bundle == '\0')
				o->bundle = NULL;
			if (global && global_option(sp))
				continue;
			o->arg = NULL;
			return sp->id;
		}
		if (*o->bundle) {
			o->arg = o->bundle;
		} else if (o->i < o->argc) {
			o->arg = o->argv[o->i++];
		} else {
			o->bundle = NULL;
			cmd_usage_error(o->cmd, "option '-%c' needs a value", c);
			return -1;
		}
		o->bundle = NULL;
		return sp->id;
	}
	o->bundle = NULL;
	return 0;
}

int opts_next(struct opts *o)
{
	if (o->bundle) {
		int id = next_short(o);

		if (id != 0)
			return id;
	}
	while (o->i < o->argc) {
		char *a = o->argv[o->i++];

		if (o->done || a[0] != '-' || strcmp(a, "-") == 0) {
			o->operands[o->noperands++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			o->done = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt_spec *sp = find_long(o->specs, name, len);
			bool global = false;

			if (sp == NULL) {
				sp = find_long(cmd_global_opts, name, len);
				global = sp != NULL;
			}
			if (sp == NULL)
				return unknown(o, a);
			if (!sp->has_arg) {
				if (eq) {
					cmd_usage_error(o->cmd, "option '--%s' takes no value", sp->name);
					return -1;
				}
				if (global && global_option(sp))
					continue;
				o->arg = NULL;
				return sp->id;
			}
			if (eq) {
				o->arg = eq + 1;
			} else if (o->i < o->argc) {
				o->arg = o->argv[o->i++];
			} else {
				cmd_usage_error(o->cmd, "option '--%s' needs a value", sp->name);
				return -1;
			}
			return sp->id;
		}
		o->bundle = a + 1;
		{
			int id = next_short(o);

			if (id != 0)
				return id;
		}
	}
	return 0;
}
