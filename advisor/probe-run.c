/*
 * The probe suite: choose the probes (--only, programs on PATH), share
 * the time budget among them, run each in the sandbox (probe-sandbox.c)
 * with the slot that is left for it, and record its figures with a
 * /proc/stat check of how busy the rest of the machine was meanwhile.
 *
 * A probe's slot is its planned share of what is actually left, so an
 * early probe that finishes fast gives its time to the later ones, but
 * never more than half again its plan: the suite stays within --budget.
 */
#include "probe-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "xalloc.h"

/* ---- the budget plan ------------------------------------------------------ */

int probe_budget_split(double budget, const double *weight, const double *min_s,
		       size_t n, double *slot)
{
	bool *fixed = xcalloc(n ? n : 1, sizeof *fixed);
	bool *dropped = xcalloc(n ? n : 1, sizeof *dropped);
	double need = 0;
	int kept = 0;

	/* Drop the hungriest fixed-cost probes until they fit in half. */
	for (size_t i = 0; i < n; i++)
		need += min_s[i];
	while (need > budget / 2) {
		size_t worst = n;

		for (size_t i = 0; i < n; i++)
			if (!dropped[i] && min_s[i] > 0 && (worst == n || min_s[i] > min_s[worst]))
				worst = i;
		if (worst == n)
			break;
		dropped[worst] = true;
		need -= min_s[worst];
	}
	/* Share out by weight; raise those under their minimum, repeat. */
	for (size_t round = 0; round <= n; round++) {
		double wsum = 0, left = budget;
		bool changed = false;

		for (size_t i = 0; i < n; i++) {
			if (dropped[i])
				continue;
			if (fixed[i])
				left -= min_s[i];
			else
				wsum += weight[i];
		}
		for (size_t i = 0; i < n; i++) {
			if (dropped[i])
				slot[i] = 0;
			else if (fixed[i])
				slot[i] = min_s[i];
			else
				slot[i] = wsum > 0 ? left * weight[i] / wsum : 0;
		}
		for (size_t i = 0; i < n; i++) {
			if (!dropped[i] && !fixed[i] && slot[i] < min_s[i]) {
				fixed[i] = true;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
	for (size_t i = 0; i < n; i++)
		if (!dropped[i])
			kept++;
	free(fixed);
	free(dropped);
	return kept;
}

/* ---- /proc/stat noise check ----------------------------------------------- */

struct cpu_ticks {
	unsigned long long busy, total;
	double self_s;		/* CPU seconds of this process and its reaped children */
};

static void ticks_read(struct cpu_ticks *t)
{
	FILE *f = fopen("/proc/stat", "r");
	unsigned long long v[10] = { 0 };
	struct rusage ru, rc;

	memset(t, 0, sizeof *t);
	if (f) {
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9]) >= 4) {
			/* user nice system idle iowait irq softirq steal (guest is in user) */
			t->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
			t->total = t->busy + v[3] + v[4];
		}
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	getrusage(RUSAGE_CHILDREN, &rc);
	t->self_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + rc.ru_utime.tv_sec +
			     rc.ru_stime.tv_sec) +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec + rc.ru_utime.tv_usec +
			     rc.ru_stime.tv_usec) * 1e-6;
}

/*
 * Share of the machine's CPU capacity used by others between a and b.
 * Noisy when that share is over a tenth and more than two ticks long,
 * because /proc/stat counts in ticks of 10 ms.
 */
static double ticks_busy_other(const struct cpu_ticks *a, const struct cpu_ticks *b,
			       bool *noisy)
{
	long hz = sysconf(_SC_CLK_TCK);
	double total, other;

	*noisy = false;
	if (hz <= 0)
		hz = 100;
	if (b->total <= a->total)
		return 0;
	total = (double)(b->total - a->total) / (double)hz;
	other = (double)(b->busy - a->busy) / (double)hz - (b->self_s - a->self_s);
	if (other < 0)
		other = 0;
	*noisy = other / total > 0.10 && other > 2.0 / (double)hz;
	return probe_round(other / total > 1 ? 1 : other / total);
}

/* ---- programs on PATH ----------------------------------------------------- */

/* True when prog is an executable in a folder of $PATH. */
static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	bool found = false;
	char *copy, *save = NULL, *dir;

	if (path == NULL)
		path = "/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *dir ? dir : ".", prog);

		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

/* ---- recording a result --------------------------------------------------- */

/*
 * Turn the child's output into a result (statistics rounded to six
 * significant digits, noise from /proc/stat) or a skip.
 */
static void record(struct probe_set *ps, const struct probe_def *def, const char *text,
		   const struct cpu_ticks *t0, const struct cpu_ticks *t1)
{
	double *v = NULL;
	size_t n = 0, cap = 0;
	struct probe_result *r;
	const char *p = text;

	if (strncmp(text, "skip ", 5) == 0) {
		char *reason = xstrndup(text + 5, strcspn(text + 5, "\n"));

		probe_set_add_skip(ps, def->name, reason);
		free(reason);
		return;
	}
	while (*p) {
		char *end;
		double x = strtod(p, &end);

		if (end == p)
			break;
		if (isfinite(x))
			*XPUSH(v, n, cap) = x;
		p = end + strspn(end, "\n");
	}
	if (n == 0) {
		probe_set_add_skip(ps, def->name, "no sample taken");
		free(v);
		return;
	}
	r = XPUSH(ps->results, ps->nresults, ps->capresults);
	memset(r, 0, sizeof *r);
	r->name = xstrdup(def->name);
	r->family = xstrdup(def->family);
	r->unit = xstrdup(def->unit);
	probe_stats_compute(v, n, &r->st);
	r->st.median = probe_round(r->st.median);
	r->st.min = probe_round(r->st.min);
	r->st.max = probe_round(r->st.max);
	r->st.mad = probe_round(r->st.mad);
	r->busy_other = ticks_busy_other(t0, t1, &r->noisy);
	free(v);
}

/* ---- the suite ------------------------------------------------------------ */

struct suite {
	const struct probe_options *opt;
	double start;			/* probe_now() when the run began */
	const struct probe_def **defs;	/* the probes chosen, in run order */
	double *plan;			/* seconds planned for each; 0: none */
	size_t n;
	struct probe_sandbox sb;
};

/* Choose the probes, skip at once what cannot run here, plan the budget. */
static void suite_plan(struct suite *s, struct probe_set *ps)
{
	size_t total = probe_count();
	double *weight = xcalloc(total, sizeof *weight);
	double *min_s = xcalloc(total, sizeof *min_s);

	s->defs = xcalloc(total, sizeof *s->defs);
	s->plan = xcalloc(total, sizeof *s->plan);
	for (size_t i = 0; i < total; i++) {
		const struct probe_def *def = probe_def_at(i);
		const char *needs = def->needs;

		if (!probe_selected(s->opt->only, def))
			continue;
		if (needs && !on_path(needs)) {
			char *why = xasprintf("%s not found on PATH", needs);

			probe_set_add_skip(ps, def->name, why);
			free(why);
			continue;
		}
		s->defs[s->n] = def;
		weight[s->n] = def->weight;
		min_s[s->n] = def->min_s;
		s->n++;
	}
	/* Keep a little for forks, /proc reads and the output itself. */
	probe_budget_split(s->opt->budget_s * 0.94 - 0.02, weight, min_s, s->n, s->plan);
	free(weight);
	free(min_s);
}

/*
 * Seconds probe i may use now: its planned share of what is left of the
 * budget, at most half again its plan, at least 5 ms.
 */
static double suite_slot(const struct suite *s, size_t i)
{
	double left = s->opt->budget_s * 0.96 - (probe_now() - s->start);
	double planned_left = 0, slot;

	for (size_t k = i; k < s->n; k++)
		planned_left += s->plan[k];
	slot = planned_left > 0 ? s->plan[i] * left / planned_left : 0;
	if (slot > s->plan[i] * 1.5)
		slot = s->plan[i] * 1.5;
	if (slot < 0.005)
		slot = 0.005;
	return slot;
}

/* Run def in the sandbox for slot seconds; record its figures or why not. */
static void suite_measure(const struct suite *s, struct probe_set *ps,
			  const struct probe_def *def, double slot)
{
	double hard_stop = s->start + s->opt->budget_s + 0.4;
	struct cpu_ticks t0, t1;
	char why[256] = "";
	char *text = NULL;

	ticks_read(&t0);
	if (probe_sandbox_run(&s->sb, def, slot, hard_stop, &text, why, sizeof why) == 0) {
		ticks_read(&t1);
		record(ps, def, text, &t0, &t1);
	} else if (!probe_interrupted()) {
		probe_set_add_skip(ps, def->name, why);
	}
	free(text);
}

/* Probe i of the suite: run it, or skip it when the budget is too short. */
static void suite_step(const struct suite *s, struct probe_set *ps, size_t i)
{
	const struct probe_options *opt = s->opt;
	const struct probe_def *def = s->defs[i];
	double slot = suite_slot(s, i);

	if (opt->progress)
		opt->progress(opt->progress_arg, i, s->n, def->name, NULL, NULL);
	if (s->plan[i] <= 0) {
		char *r = xasprintf("needs about %.1f s; --budget %g leaves too little",
				    def->min_s, opt->budget_s);

		probe_set_add_skip(ps, def->name, r);
		free(r);
	} else if (def->min_s > 0 && slot < def->min_s * 0.8) {
		probe_set_add_skip(ps, def->name, "the budget ran out before this probe");
	} else {
		suite_measure(s, ps, def, slot);
	}
	if (opt->progress && !probe_interrupted()) {
		const struct probe_result *r = probe_set_find(ps, def->name);

		opt->progress(opt->progress_arg, i, s->n, def->name, r,
			      r ? NULL : ps->skipped[ps->nskipped - 1].reason);
	}
}

int probe_run(struct probe_set *ps, const struct probe_options *opt, struct diags *d)
{
	struct suite s = { .opt = opt, .start = probe_now() };
	int sig, rc = -1;

	probe_fingerprint_fill(&ps->fp);
	ps->budget_s = opt->budget_s;
	free(ps->source);
	ps->source = xstrdup("measured");
	suite_plan(&s, ps);
	for (size_t i = 0; i < s.n; i++) {
		if (s.defs[i]->needs && strcmp(s.defs[i]->needs, "python3") == 0) {
			/* Shims resolved and start-up timed once, outside every slot. */
			probe_runtime_prepare();
			s.start = probe_now();
			break;
		}
	}
	if (probe_sandbox_open(&s.sb, d) < 0)
		goto out;
	for (size_t i = 0; i < s.n && !probe_interrupted(); i++)
		suite_step(&s, ps, i);
	ps->elapsed_s = probe_round(probe_now() - s.start);
	sig = probe_interrupted();
	if (sig) {
		diag_error(d, "advisor", "interrupted by %s", sig_guard_name(sig));
		goto out;
	}
	rc = 0;
out:
	probe_sandbox_close(&s.sb);
	free(s.defs);
	free(s.plan);
	return rc;
}
