/*
 * Rule engine speed: 10,000 generated rules (comparisons, lists, patterns,
 * all/any/not, per-candidate fields) evaluated against one profile and
 * the built-in knowledge base.  Prints load time and evaluation time
 * (median, MAD, min, max over repeated runs) and the ratio to the goal of
 * 100 ms for one full evaluation.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "advice.h"
#include "buf.h"
#include "xalloc.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void stats(double *v, int n, double *med, double *mad, double *mn, double *mx)
{
	double *d = malloc(n * sizeof *d);

	qsort(v, n, sizeof *v, dcmp);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	for (int i = 0; i < n; i++)
		d[i] = fabs(v[i] - *med);
	qsort(d, n, sizeof *d, dcmp);
	*mad = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
	*mn = v[0];
	*mx = v[n - 1];
	free(d);
}

static const char *const shapes[] = {
	"    when: {field: workload.peak_concurrency, gt: %d}\n",
	"    when: {field: workload.traits, has_any: [websocket, etl, cli]}\n",
	"    when: {field: project.description, matches: \"(?i)\\\\bword%d\\\\b|sockets?\"}\n",
	"    when:\n      all:\n        - {field: workload.kind, in: [io, mixed]}\n"
	"        - not: {field: team.skills.go, ge: %d}\n",
	"    when: {field: candidate.memory_mb, gt: %d}\n",
	"    when:\n      any:\n        - {field: probe.thread.speedup, lt: 1.5}\n"
	"        - {field: derived.cpu_cores, gt: %d}\n",
};

struct ctx {
	struct advice *a;
	const struct candidate *c;
};

static void look(void *arg, const char *field, struct value *out)
{
	struct ctx *x = arg;

	advice_lookup(x->a, x->c, field, out);
}

int main(int argc, char **argv)
{
	const char *src = argc > 1 ? argv[1] : ".";
	int nrules = argc > 2 ? atoi(argv[2]) : 10000;
	struct buf y = BUF_INIT;
	char dir[] = "/tmp/advisor-bench-rules-XXXXXX";
	struct kb kb;
	struct profile_known known;
	struct ruleset rs;
	struct profile p;
	struct advice a;
	struct diags d = DIAGS_INIT;
	char *kdir = xasprintf("%s/knowledge", src);
	char *profile = xasprintf("%s/tests/scenarios/websocket-dashboard-js.yaml", src);
	double t0, load_ms, times[15], med, mad, mn, mx;
	long fired = 0;

	/* Files are capped at 1 MiB: write 1,000 rules a file into a folder. */
	if (mkdtemp(dir) == NULL)
		return 1;
	for (int i = 0; i < nrules; i++) {
		if (i % 1000 == 0)
			buf_adds(&y, "rules:\n");
		buf_addf(&y, "  - id: gen-%d\n    description: generated\n", i);
		/* Each shape has at most one %d. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		buf_addf(&y, shapes[i % 6], i % 97);
#pragma GCC diagnostic pop
		buf_addf(&y, "    effects: [{runtime: node, criterion: performance, delta: 0.001}]\n"
			 "    rationale: value {workload.peak_concurrency}\n    source: bench\n");
		if (i % 1000 == 999 || i == nrules - 1) {
			char *path = xasprintf("%s/r%05d.yaml", dir, i / 1000);
			FILE *f = fopen(path, "w");

			fwrite(y.data, 1, y.len, f);
			fclose(f);
			free(path);
			buf_reset(&y);
		}
	}
	kb_init(&kb);
	ruleset_init(&rs);
	profile_init(&p);
	advice_init(&a);
	t0 = now_ms();
	if (kb_load_dir(&kb, kdir, &d) < 0 || ruleset_load_dir(&rs, dir, &d) < 0 ||
	    (kb_known(&kb, &known), profile_load_file(&p, profile, &known, &d)) < 0) {
		diags_print(&d, stderr);
		return 1;
	}
	load_ms = now_ms() - t0;
	{
		char *cmd = xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			fprintf(stderr, "bench: cannot remove %s\n", dir);
		free(cmd);
	}
	/* Candidates and capacity from one real run with no rules of its own. */
	{
		struct ruleset none;

		ruleset_init(&none);
		if (advise(&a, &p, NULL, &kb, &none, false, &d) < 0)
			return 1;
		a.rs = &rs;
		ruleset_release(&none);
	}
	for (int r = 0; r < 15; r++) {
		t0 = now_ms();
		fired = 0;
		for (size_t i = 0; i < rs.n; i++) {
			const struct rule *rule = &rs.rules[i];

			for (size_t c = 0; c < (rule->per_candidate ? a.ncands : 1); c++) {
				struct ctx x = { &a, rule->per_candidate ? &a.cands[c] : NULL };

				fired += rule_eval(&rs, rule, look, &x, NULL, &d) == 1;
			}
		}
		times[r] = now_ms() - t0;
	}
	stats(times, 15, &med, &mad, &mn, &mx);
	printf("rules n=%d candidates=%zu fired=%ld load_ms=%.1f\n", nrules, a.ncands, fired, load_ms);
	printf("rules eval_ms median=%.2f mad=%.2f min=%.2f max=%.2f runs=15 goal_ms=100 "
	       "ratio=%.3f\n", med, mad, mn, mx, med / 100);
	advice_release(&a);
	profile_release(&p);
	ruleset_release(&rs);
	kb_release(&kb);
	diags_release(&d);
	buf_release(&y);
	free(kdir);
	free(profile);
	return 0;
}
