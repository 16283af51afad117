/*
 * What the probe files share among themselves and nobody else needs.
 *
 * The probe module is one room per job, all behind probe.h:
 *   probe-table.c        the family tables in run order, --only selection
 *   probe-set.c          the probe set: lifecycle, lookups, JSON writer
 *   probe-cache.c        the JSON cache reader (--probes-from)
 *   probe-stats.c        median, min, max, MAD, rounding
 *   probe-fingerprint.c  CPU model, cores, memory, kernel, time taken
 *   probe-run.c          the suite: plan the budget, run each probe, record
 *   probe-sandbox.c      one probe in a forked child: scratch folder,
 *                        signals, watchdog, reaping
 * and the probes themselves are in probes/ (see probes/probes.h).
 */
#ifndef ADVISOR_PROBE_INTERNAL_H
#define ADVISOR_PROBE_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "probe.h"
#include "probes.h"
#include "sigguard.h"

/* probe-table.c: the i-th probe in run order, or NULL past the end. */
const struct probe_def *probe_def_at(size_t i);
/* True when def is chosen by an --only list (NULL or "" chooses all). */
bool probe_selected(const char *only, const struct probe_def *def);

/* probe-set.c: record that name was skipped, and why (both copied). */
void probe_set_add_skip(struct probe_set *ps, const char *name, const char *reason);

/* probe-fingerprint.c: free what fp holds and zero it. */
void probe_fingerprint_release(struct probe_fingerprint *fp);

/*
 * probe-sandbox.c: what stays in place while the suite runs.  Opening it
 * removes stale scratch folders, makes a fresh one, makes the parent a
 * child subreaper and catches SIGINT, SIGTERM and SIGHUP; closing it
 * undoes all of that, whatever state opening stopped in.
 */
struct probe_sandbox {
	char *tmpdir;		/* private scratch folder, NULL until made */
	struct sig_guard sig;	/* handlers installed, subreaper set */
};

/* 0, or -1 with a diagnostic; call probe_sandbox_close either way. */
int probe_sandbox_open(struct probe_sandbox *sb, struct diags *d);
void probe_sandbox_close(struct probe_sandbox *sb);

/*
 * Run def in a forked child for about slot seconds, killing its process
 * group at the latest by the probe_now() time hard_stop.  Returns 0 with
 * the child's output in *out (a heap string: samples or "skip REASON"),
 * or -1 with *why filled (watchdog, fork failure, interrupted).
 */
int probe_sandbox_run(const struct probe_sandbox *sb, const struct probe_def *def,
		      double slot, double hard_stop, char **out, char *why, size_t whylen);

#endif
