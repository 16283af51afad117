/*
 * advisor probe: run the probe suite and print its figures.
 *
 * A readable table goes to a terminal; JSON (the probes object of the
 * report contract) goes anywhere else, or with --json, or to -o FILE.
 * Progress goes to stderr: one live line on a terminal, plain lines
 * otherwise, nothing with --quiet.  An interrupted run writes nothing and
 * exits 128 + the signal number.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fileio.h"
#include "probe.h"
#include "xalloc.h"

enum { OPT_BUDGET = 1, OPT_ONLY, OPT_JSON, OPT_OUTPUT, OPT_QUIET, OPT_FORMAT };

static const struct opt_spec probe_opts[] = {
	{ "budget", 0, true, OPT_BUDGET },
	{ "only", 0, true, OPT_ONLY },
	{ "format", 'f', true, OPT_FORMAT },
	{ "json", 0, false, OPT_JSON },	/* --format json */
	{ "output", 'o', true, OPT_OUTPUT },
	{ "quiet", 'q', false, OPT_QUIET },
	{ NULL, 0, false, 0 },
};

void probe_progress(void *arg, size_t index, size_t count, const char *name,
			   const struct probe_result *r, const char *skip_reason)
{
	struct probe_progress_state *st = arg;

	if (st->tty) {
		if (r == NULL && skip_reason == NULL) {
			int w = fprintf(stderr, "\rprobing [%2zu/%zu] %s", index + 1, count, name);

			while (w < st->width && w > 0) {
				fputc(' ', stderr);
				w++;
			}
			st->width = w;
			fflush(stderr);
		}
		return;
	}
	if (r)
		fprintf(stderr, "probe %zu/%zu %s: %g %s (%d samples)\n", index + 1, count, name,
			r->st.median, r->unit, r->st.samples);
	else if (skip_reason)
		fprintf(stderr, "probe %zu/%zu %s: skipped: %s\n", index + 1, count, name, skip_reason);
}

static void print_table(const struct probe_set *ps, FILE *out)
{
	fprintf(out, "%-32s %12s %-9s %12s %12s %10s %5s\n", "probe", "median", "unit", "min",
		"max", "mad", "n");
	for (size_t i = 0; i < ps->nresults; i++) {
		const struct probe_result *r = &ps->results[i];

		fprintf(out, "%-32s %12.4g %-9s %12.4g %12.4g %10.3g %5d%s\n", r->name,
			r->st.median, r->unit, r->st.min, r->st.max, r->st.mad, r->st.samples,
			r->noisy ? "  noisy" : "");
	}
	for (size_t i = 0; i < ps->nskipped; i++)
		fprintf(out, "%-32s skipped: %s\n", ps->skipped[i].name, ps->skipped[i].reason);
	fprintf(out, "\n%s, %d cores, %ld MiB, %s; %.2f s of a %.1f s budget\n",
		ps->fp.cpu_model, ps->fp.cores, ps->fp.memory_mb, ps->fp.kernel, ps->elapsed_s,
		ps->budget_s);
}

/* The table as a heap string, for -o FILE. */
static char *table_text(const struct probe_set *ps)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (f == NULL)
		return xstrdup("");
	print_table(ps, f);
	fclose(f);
	return s;
}

/* "", ",", "a,,b", "a," all name an empty probe. */
static bool has_empty_name(const char *list)
{
	size_t n = strlen(list);

	return n == 0 || list[0] == ',' || list[n - 1] == ',' || strstr(list, ",,") != NULL;
}

static int cmd_probe(int argc, char **argv)
{
	struct opts o;
	struct probe_options po;
	struct probe_set ps;
	struct diags d = DIAGS_INIT;
	struct probe_progress_state pst = { false, 0 };
	const char *output = NULL;
	bool json = false, table = false, quiet = cmd_quiet;
	char *text = NULL, *bad = NULL;
	const char *hint = NULL;
	int id, rc = EXIT_USAGE;

	memset(&po, 0, sizeof po);
	po.budget_s = 5.0;
	probe_set_init(&ps);
	opts_init(&o, "probe", probe_opts, argc, argv);
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case OPT_BUDGET:
			if (cmd_parse_number(o.arg, 0.5, 600, &po.budget_s) < 0) {
				cmd_usage_error("probe", "invalid budget '%s' (seconds, from 0.5 to 600)",
						o.arg);
				goto out;
			}
			break;
		case OPT_ONLY:
			po.only = o.arg;
			break;
		case OPT_JSON:
			json = true;
			table = false;
			break;
		case OPT_FORMAT:
			json = strcmp(o.arg, "json") == 0;
			table = strcmp(o.arg, "table") == 0;
			if (!json && !table) {
				cmd_usage_error("probe", "unknown format '%s' (json, table)", o.arg);
				goto out;
			}
			break;
		case OPT_OUTPUT:
			output = o.arg;
			break;
		case OPT_QUIET:
			quiet = true;
			break;
		default:
			break;
		}
	}
	if (id < 0)
		goto out;
	if (o.noperands > 0) {
		cmd_usage_error("probe", "unexpected argument '%s'", o.operands[0]);
		goto out;
	}
	if (po.only && has_empty_name(po.only)) {
		cmd_usage_error("probe", "empty probe name in --only '%s' (give names, separated by commas)",
				po.only);
		goto out;
	}
	if (po.only && probe_only_check(po.only, &bad, &hint) < 0) {
		if (hint)
			cmd_usage_error("probe", "unknown probe '%s' (did you mean '%s'?)", bad, hint);
		else
			cmd_usage_error("probe", "unknown probe '%s'", bad);
		goto out;
	}
	if (output && cmd_check_output("probe", output, NULL, 0) != EXIT_OK)
		goto out;
	po.quiet = quiet = quiet || cmd_quiet;
	if (!quiet) {
		pst.tty = isatty(STDERR_FILENO);
		po.progress = probe_progress;
		po.progress_arg = &pst;
	}
	rc = probe_run(&ps, &po, &d);
	if (pst.tty && pst.width > 0)
		fprintf(stderr, "\r%*s\r", pst.width, "");
	if (probe_interrupted()) {
		rc = 128 + probe_interrupted();
		goto out;
	}
	if (rc < 0) {
		cmd_print_diags(&d);
		rc = EXIT_ENV;
		goto out;
	}
	rc = EXIT_OK;
	if (!table && output == NULL && !json && isatty(STDOUT_FILENO))
		table = true;
	if (table && output == NULL) {
		print_table(&ps, stdout);
		goto out;
	}
	text = table ? table_text(&ps) : probe_set_to_string(&ps);
	if (file_write_atomic(output ? output : "-", text, strlen(text), true, &d) < 0) {
		cmd_print_diags(&d);
		rc = EXIT_ENV;
	}
out:
	free(text);
	free(bad);
	probe_set_release(&ps);
	diags_release(&d);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = "[--budget SECONDS] [--only NAME,...] [-f json|table] [-o FILE] [--quiet]",
	.summary = "measure this machine: threads, processes, coroutines, event loop, GIL, runtimes",
	.help = "options:\n"
		"  --budget SECONDS  time for the whole suite, 0.5 to 600 (default 5)\n"
		"  --only NAME,...   run only these probes; a name, a family (threads,\n"
		"                    processes, coroutines, event-loop, gil, runtime) or a\n"
		"                    prefix at a dot (thread, thread.rtt, runtime.python)\n"
		"  -f, --format F    json or table (default: a table on a terminal, JSON\n"
		"                    otherwise and with -o)\n"
		"  --json            the same as --format json\n"
		"  -o, --output FILE write the JSON to FILE (atomically)\n"
		"  -q, --quiet       no progress on stderr\n"
		"\n"
		"On a terminal the figures are shown as a table; otherwise (or with -f json\n"
		"or -o) as the JSON probes object that 'recommend --probes-from' reads.\n"
		"Interrupted with Ctrl-C, it kills every probe process, writes nothing and\n"
		"exits 130 (143 for SIGTERM).  See docs/probes.md.\n",
	.exec = cmd_probe,
	.opts = probe_opts,
};
