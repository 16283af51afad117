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
	fputs("\nglobal options:\n"
	      "  -q, --quiet    no progress output on stderr\n"
	      "  -h, --help     show this help (or a command's help)\n"
	      "  --version      show the version\n"
	      "\nexit codes:\n"
	      "  0  success\n"
	      "  1  usage error (unknown option, missing argument)\n"
	      "  2  bad input: a profile, rule file, knowledge file or probe cache is invalid\n"
	      "  3  a probe or the environment failed in a way that prevents a report\n"
	      "  4  diff: the recommendation changed\n"
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

static int unknown(struct opts *o, const char *word)
{
	const char *names[64];
	size_t n = 0;
	const char *s;
	char *bare = xstrdup(word + (word[1] == '-' ? 2 : 1));
	char *eq = strchr(bare, '=');

	if (eq)
		*eq = '\0';
	for (const struct opt_spec *sp = o->specs; sp->name && n < 64; sp++)
		names[n++] = sp->name;
	s = suggest(bare, names, n);
	if (s)
		cmd_usage_error(o->cmd, "unknown option '%s' (did you mean '--%s'?)", word, s);
	else
		cmd_usage_error(o->cmd, "unknown option '%s'", word);
	free(bare);
	return -1;
}

int opts_next(struct opts *o)
{
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

			for (const struct opt_spec *sp = o->specs; sp->name; sp++) {
				if (strlen(sp->name) != len || strncmp(sp->name, name, len) != 0)
					continue;
				if (!sp->has_arg) {
					if (eq) {
						cmd_usage_error(o->cmd, "option '--%s' takes no value", sp->name);
						return -1;
					}
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
			return unknown(o, a);
		}
		if (a[2] != '\0')
			return unknown(o, a);
		for (const struct opt_spec *sp = o->specs; sp->name; sp++) {
			if (sp->shortname != a[1])
				continue;
			if (sp->has_arg) {
				if (o->i >= o->argc) {
					cmd_usage_error(o->cmd, "option '-%c' needs a value", a[1]);
					return -1;
				}
				o->arg = o->argv[o->i++];
			} else {
				o->arg = NULL;
			}
			return sp->id;
		}
		return unknown(o, a);
	}
	return 0;
}
