/*
 * The command layer: the command table, option parsing and exit codes.
 *
 * Each subcommand lives in its own cmd-NAME.c and exports one struct
 * cmd_entry.  Only this layer prints diagnostics and picks exit codes.
 */
#ifndef ADVISOR_CMD_H
#define ADVISOR_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "diag.h"
#include "suggest.h"

#ifndef ADVISOR_VERSION
#define ADVISOR_VERSION "0.1.0"
#endif

/* Exit codes: a contract (docs/cli.md). */
enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,		/* unknown option, missing argument */
	EXIT_INPUT = 2,		/* invalid profile, rule, knowledge file or cache */
	EXIT_ENV = 3,		/* a probe or the environment failed */
	EXIT_CHANGED = 4,	/* diff: the recommendation changed */
};

struct opt_spec;

struct cmd_entry {
	const char *name;
	const char *usage;	/* one or more lines, without "usage: " */
	const char *summary;	/* one line for --help */
	const char *help;	/* option descriptions for "advisor help NAME" */
	int (*exec)(int argc, char **argv);
	const struct opt_spec *opts;	/* the command's options (man page, completions) */
};

extern const struct cmd_entry cmd_check_entry;
extern const struct cmd_entry cmd_init_entry;
extern const struct cmd_entry cmd_probe_entry;
extern const struct cmd_entry cmd_recommend_entry;
extern const struct cmd_entry cmd_rules_entry;
extern const struct cmd_entry cmd_diff_entry;

/*
 * Parse src, the text of path, as the JSON report `diff` compares.  Returns
 * 0 with *out set (the caller owns the reference), or -1 with a FILE:LINE:COL
 * diagnostic in d.
 */
struct json_t;
int diff_report_parse(const char *path, const char *src, size_t len, struct json_t **out,
		      struct diags *d);

/* NULL-terminated table of every command, in --help order. */
extern const struct cmd_entry *const cmd_table[];

const struct cmd_entry *cmd_find(const char *name);
void cmd_print_help(FILE *out);
void cmd_print_command_help(const struct cmd_entry *c, FILE *out);

/*
 * Option parsing.  Options and operands may be mixed; "--" ends options.
 * --name=value and --name value both work; a short option takes its value
 * attached (-oFILE) or in the next argument (-o FILE), and short options
 * may be bundled (-qo FILE).  The global options -q/--quiet and
 * -v/--verbose are accepted by every command, in any position.  Unknown
 * options are a usage error with a "did you mean" suggestion.
 */
struct opt_spec {
	const char *name;	/* long name without dashes */
	char shortname;		/* 0 for none */
	bool has_arg;
	int id;			/* returned by opts_next */
};

struct opts {
	const char *cmd;
	const struct opt_spec *specs;	/* terminated by a row with name NULL */
	int argc;
	char **argv;
	int i;
	bool done;		/* "--" seen */
	const char *arg;	/* value of the last option */
	const char *bundle;	/* rest of a bundle of short options ("-qo"), or NULL */
	char **operands;	/* collected operands */
	int noperands;
};

void opts_init(struct opts *o, const char *cmd, const struct opt_spec *specs,
	       int argc, char **argv);
void opts_release(struct opts *o);
/*
 * Next option id, 0 at the end (operands are collected in o->operands), or
 * -1 after printing a usage error to stderr.
 */
int opts_next(struct opts *o);

/*
 * Parse a number given on the command line, strictly: decimal digits with
 * an optional fraction ("5", "0.5", ".5"), nothing else (no sign, space,
 * hex, exponent, inf or nan), from lo to hi.  Returns 0, or -1.
 */
int cmd_parse_number(const char *s, double lo, double hi, double *out);

/* Print a usage error for cmd ("advisor CMD: MESSAGE") and return EXIT_USAGE. */
int cmd_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A file or folder a command reads, named for messages ("the input profile"). */
struct cmd_input {
	const char *path;
	const char *what;
};

/*
 * Refuse, before any work, an output that names one of the command's n
 * inputs (the same file, through a link or a hard link too, or a place
 * inside an input folder) or lies inside the built-in rule or knowledge
 * folder, which every command treats as input.  Prints why and returns
 * EXIT_USAGE; returns EXIT_OK when out is safe to write.
 */
int cmd_check_output(const char *cmd, const char *out, const struct cmd_input *in, size_t n);

/* Print diagnostics to stderr. */
void cmd_print_diags(const struct diags *d);

/*
 * Global flags shared by every command (set by main before dispatch).
 */
extern bool cmd_quiet;
extern bool cmd_verbose;

/* The global options (-q, -v), as a table: for help, the man page and completions. */
extern const struct opt_spec cmd_global_opts[];

/*
 * Print every option of every command, one a line, for the completion
 * scripts and the man page test: COMMAND SHORT LONG ARG, where SHORT is
 * "-x" or "-", and ARG is "value" or "-"; global options under "global".
 */
void cmd_print_option_table(FILE *out);

/* The exact command line, for the report's Method section. */
extern int cmd_argc;
extern char **cmd_argv;

/*
 * Probe progress on stderr, shared by probe and recommend: a live line on a
 * terminal, plain lines otherwise.  arg is a struct probe_progress_state.
 */
struct probe_progress_state {
	bool tty;
	int width;		/* of the live line last drawn */
};
struct probe_result;
void probe_progress(void *arg, size_t index, size_t count, const char *name,
		    const struct probe_result *r, const char *skip_reason);

/*
 * Replay profile's workload into ps->replay (probe --replay, recommend
 * --replay) within budget seconds, with the manifest given (NULL: the
 * environment's ADVISOR_REPLAY_MANIFEST, else the data folder's).  A
 * progress line per candidate on stderr unless quiet.  Returns an exit
 * code: EXIT_OK, EXIT_INPUT, EXIT_ENV or 128 + a signal.
 */
struct probe_set;
struct profile;
int cmd_replay(struct probe_set *ps, const struct profile *p, const char *manifest,
	       double budget, bool quiet);

#endif
