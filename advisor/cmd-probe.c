/*
 * advisor probe: run the probe suite and print its figures.
 *
 * A readable table goes to a terminal; JSON (the probes object of the
 * report contract) goes anywhere else, or with --json, or to -o FILE.
 * Progress goes to stderr: one live line on a terminal, plain lines
 * otherwise, nothing with --quiet.  An interrupted run writes nothing and
 * exits 128 + the signal number.
 *
 * With --replay PROFILE it also serves the profile's workload in every
 * runtime of the replay manifest (replay.h) and adds the "replay" object;
 * the budget (60 s by default then) goes a twelfth, at most 5 s, to the
 * probe suite and the rest to replay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "datadir.h"
#include "fileio.h"
#include "kb.h"
#include "probe.h"
#include "profile.h"
#include "replay.h"
#include "xalloc.h"

enum { OPT_BUDGET = 1, OPT_ONLY, OPT_JSON, OPT_OUTPUT, OPT_QUIET, OPT_FORMAT, OPT_REPLAY,
       OPT_MANIFEST };

static const struct opt_spec probe_opts[] = {
	{ "budget", 0, true, OPT_BUDGET },
	{ "only", 0, true, OPT_ONLY },
	{ "format", 'f', true, OPT_FORMAT },
	{ "json", 0, false, OPT_JSON },	/* --format json */
	{ "output", 'o', true, OPT_OUTPUT },
	{ "quiet", 'q', false, OPT_QUIET },
	{ "replay", 0, true, OPT_REPLAY },
	{ "manifest", 0, true, OPT_MANIFEST },
	{ NULL, 0, false, 0 },
};

/* ---- replay --------------------------------------------------------------- */

static void replay_progress(void *arg, size_t index, size_t count, const struct replay_candidate *c)
{
	(void)arg;
	if (c->measured)
		fprintf(stderr, "replay %zu/%zu %s/%s: %.4g req/s at p99 <= budget, p99 %.3g ms at 80 %%, "
			"%.3g ms CPU per request (x%.3g), %.3g usable cores, %.3g MB + %.3g KiB per "
			"connection\n", index + 1, count, c->runtime, c->model, c->max_rps, c->p99_ms,
			c->cpu_ms_per_request, c->cpu_factor, c->usable_cores, c->rss_base_mb,
			c->kib_per_connection);
	else
		fprintf(stderr, "replay %zu/%zu %s/%s: skipped: %s\n", index + 1, count, c->runtime,
			c->model, c->reason ? c->reason : "");
}

static void replay_listening(void *arg, const char *runtime, const char *model, int port)
{
	(void)arg;
	fprintf(stderr, "replay %s/%s: listening on 127.0.0.1:%d\n", runtime, model, port);
}

int cmd_replay(struct probe_set *ps, const struct profile *p, const char *manifest,
	       double budget, bool quiet)
{
	struct replay_request req;
	struct replay_options ro;
	struct diags d = DIAGS_INIT;
	char *path = NULL;
	int rc;

	memset(&req, 0, sizeof req);
	req.profile = p->file;
	req.kind = profile_kinds[p->kind];
	req.cpu_ms = p->cpu_ms_per_request;
	req.io_wait_fraction = p->io_wait_fraction;
	req.latency_p99_ms = p->latency_p99_ms;
	req.peak_concurrency = p->peak_concurrency;
	memset(&ro, 0, sizeof ro);
	if (manifest == NULL)
		manifest = getenv("ADVISOR_REPLAY_MANIFEST");
	if (manifest == NULL || *manifest == '\0')
		manifest = path = xasprintf("%s/probes/replay/manifest.yaml", datadir());
	ro.manifest = manifest;
	ro.budget_s = budget;
	ro.max_sampling_s = 5.0;
	if (!quiet) {
		ro.progress = replay_progress;
		ro.on_listen = replay_listening;
	}
	ps->replay = xcalloc(1, sizeof *ps->replay);
	replay_set_init(ps->replay);
	rc = replay_run(ps->replay, &req, &ro, &d);
	if (replay_interrupted())
		rc = 128 + replay_interrupted();
	else if (rc < 0)
		rc = file_exists(manifest) ? EXIT_ENV : EXIT_INPUT;
	else
		rc = EXIT_OK;
	if (!replay_interrupted())
		cmd_print_diags(&d);
	diags_release(&d);
	free(path);
	return rc;
}

/* Load the profile named by --replay against the knowledge base's words. */
static int load_profile(struct profile *p, struct kb *kb, const char *file)
{
	struct diags d = DIAGS_INIT;
	struct profile_known known;
	char *kdir = xasprintf("%s/knowledge", datadir());
	int rc = EXIT_INPUT;

	if (kb_load_dir(kb, kdir, &d) == 0) {
		kb_known(kb, &known);
		if (profile_load_file(p, file, &known, &d) == 0)
			rc = EXIT_OK;
	}
	cmd_print_diags(&d);
	diags_release(&d);
	free(kdir);
	return rc;
}

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
	struct profile prof;
	struct kb kb;
	const char *output = NULL, *replay = NULL, *manifest = NULL;
	bool json = false, table = false, quiet = cmd_quiet, budget_given = false;
	double replay_s = 0;
	char *text = NULL, *bad = NULL;
	const char *hint = NULL;
	int id, rc = EXIT_USAGE;

	memset(&po, 0, sizeof po);
	po.budget_s = 5.0;
	probe_set_init(&ps);
	profile_init(&prof);
	kb_init(&kb);
	opts_init(&o, "probe", probe_opts, argc, argv);
	while ((id = opts_next(&o)) > 0) {
		switch (id) {
		case OPT_BUDGET:
			if (cmd_parse_number(o.arg, 0.5, 600, &po.budget_s) < 0) {
				cmd_usage_error("probe", "invalid budget '%s' (seconds, from 0.5 to 600)",
						o.arg);
				goto out;
			}
			budget_given = true;
			break;
		case OPT_REPLAY:
			replay = o.arg;
			break;
		case OPT_MANIFEST:
			manifest = o.arg;
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
	if (manifest && replay == NULL) {
		cmd_usage_error("probe", "--manifest needs --replay PROFILE");
		goto out;
	}
	if (output && cmd_check_output("probe", output, NULL, 0) != EXIT_OK)
		goto out;
	if (replay) {
		rc = load_profile(&prof, &kb, replay);
		if (rc != EXIT_OK)
			goto out;
		rc = EXIT_USAGE;
		if (!budget_given)
			po.budget_s = 60;
		/* a twelfth for the suite, at most 5 s; the rest for replay */
		replay_s = po.budget_s - (po.budget_s / 12 < 5 ? po.budget_s / 12 : 5);
		po.budget_s -= replay_s;
		if (po.budget_s < 0.5) {
			replay_s -= 0.5 - po.budget_s;
			po.budget_s = 0.5;
		}
	}
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
	if (replay) {
		rc = cmd_replay(&ps, &prof, manifest, replay_s, quiet);
		if (rc != EXIT_OK)
			goto out;
	}
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
	profile_release(&prof);
	kb_release(&kb);
	diags_release(&d);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_probe_entry = {
	.name = "probe",
	.usage = "[--budget SECONDS] [--only NAME,...] [-f json|table] [-o FILE] [--quiet]\n"
		 "--replay PROFILE [--manifest FILE] [--budget SECONDS] [...]",
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
		"  --replay PROFILE  also serve the profile's workload in every installed\n"
		"                    runtime of the replay manifest, under open-loop load\n"
		"                    (default budget then 60 s; at most 5 s per candidate)\n"
		"  --manifest FILE   the replay manifest (default: the data folder's\n"
		"                    probes/replay/manifest.yaml, or $ADVISOR_REPLAY_MANIFEST)\n"
		"\n"
		"On a terminal the figures are shown as a table; otherwise (or with -f json\n"
		"or -o) as the JSON probes object that 'recommend --probes-from' reads.\n"
		"Interrupted with Ctrl-C, it kills every probe process, writes nothing and\n"
		"exits 130 (143 for SIGTERM).  See docs/probes.md.\n",
	.exec = cmd_probe,
	.opts = probe_opts,
};
