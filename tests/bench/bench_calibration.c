/*
 * The capacity model checks itself against replay (issue 11, item 11):
 * for every candidate replay measured in a probe cache, the highest rate
 * one instance serves within the p99 budget on this machine's cores as
 * the capacity model predicts it WITHOUT the replay (knowledge base and
 * microprobes only: the cache's replay object is set aside), beside the
 * rate replay measured.  One line each:
 *   calibration RUNTIME/MODEL predicted=RPS measured=RPS ratio=PREDICTED/MEASURED
 * then the error, max(ratio, 1/ratio), as its median and worst:
 *   calibration error n=N median=X worst=Y (RUNTIME/MODEL)
 *
 * usage: bench_calibration DATADIR PROFILE CACHE
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "advice.h"
#include "replay.h"
#include "xalloc.h"

static int dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct kb kb;
	struct ruleset rs;
	struct profile p;
	struct advice a;
	struct probe_set ps;
	struct profile_known known;
	struct diags d = DIAGS_INIT;
	struct replay_set *replay;
	double err[REPLAY_MAX_CANDIDATES], worst = 0;
	const char *worst_id = "";
	char *kdir, *rdir, ids[REPLAY_MAX_CANDIDATES][64];
	size_t n = 0;
	int rc = 1;

	if (argc != 4) {
		fprintf(stderr, "usage: bench_calibration DATADIR PROFILE CACHE\n");
		return 2;
	}
	kdir = xasprintf("%s/knowledge", argv[1]);
	rdir = xasprintf("%s/rules", argv[1]);
	kb_init(&kb);
	ruleset_init(&rs);
	profile_init(&p);
	probe_set_init(&ps);
	advice_init(&a);
	if (kb_load_dir(&kb, kdir, &d) < 0 || ruleset_load_dir(&rs, rdir, &d) < 0 ||
	    (kb_known(&kb, &known), profile_load_file(&p, argv[2], &known, &d)) < 0 ||
	    probe_set_load(&ps, argv[3], &d) < 0)
		goto out;
	if (ps.replay == NULL) {
		fprintf(stderr, "bench_calibration: %s has no replay object\n", argv[3]);
		goto out;
	}
	/* The prediction: knowledge and microprobes only. */
	replay = ps.replay;
	ps.replay = NULL;
	if (advise(&a, &p, &ps, &kb, &rs, false, &d) < 0) {
		ps.replay = replay;
		goto out;
	}
	ps.replay = replay;
	for (size_t i = 0; i < replay->ncands && n < REPLAY_MAX_CANDIDATES; i++) {
		const struct replay_candidate *rc_ = &replay->cands[i];
		const struct candidate *c = NULL;
		double predicted, ratio;

		if (!rc_->measured || !(rc_->max_rps > 0))
			continue;
		for (size_t j = 0; j < a.ncands && c == NULL; j++)
			if (strcmp(a.cands[j].rt->id, rc_->runtime) == 0 &&
			    strcmp(a.cands[j].model->id, rc_->model) == 0)
				c = &a.cands[j];
		if (c == NULL)
			continue;
		predicted = advice_max_rps(&a, c);
		ratio = predicted / rc_->max_rps;
		printf("calibration %s/%s predicted=%.4g measured=%.4g ratio=%.2f\n", rc_->runtime,
		       rc_->model, predicted, rc_->max_rps, ratio);
		snprintf(ids[n], sizeof ids[n], "%s/%s", rc_->runtime, rc_->model);
		err[n] = ratio > 0 ? fmax(ratio, 1 / ratio) : INFINITY;
		if (err[n] > worst) {
			worst = err[n];
			worst_id = ids[n];
		}
		n++;
	}
	if (n > 0) {
		double med;

		qsort(err, n, sizeof *err, dcmp);
		med = n % 2 ? err[n / 2] : (err[n / 2 - 1] + err[n / 2]) / 2;
		printf("calibration error n=%zu median=%.2fx worst=%.2fx (%s); error = max(ratio, "
		       "1/ratio)\n", n, med, worst, worst_id);
	} else {
		printf("calibration: no candidate of the knowledge base was measured\n");
	}
	rc = 0;
out:
	for (size_t i = 0; i < d.n; i++)
		fprintf(stderr, "bench_calibration: %s\n", d.v[i].msg);
	advice_release(&a);
	probe_set_release(&ps);
	profile_release(&p);
	ruleset_release(&rs);
	kb_release(&kb);
	diags_release(&d);
	free(kdir);
	free(rdir);
	return rc;
}
