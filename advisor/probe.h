/*
 * Probes: short on-machine microbenchmarks, and the probe set they produce.
 *
 * A probe set is what `advisor probe --json` writes and what
 * `recommend --probes-from` reads back.  Every other module reads probe
 * figures only through probe_set_find / probe_set_value, by name, so the
 * rule base can refer to any probe without a C change.
 *
 * Probe names (contract for rules and knowledge files):
 *   thread.spawn              us      create + join one thread
 *   thread.rtt.same_core      us      round trip between two threads, one core
 *   thread.rtt.cross_core     us      the same across two cores
 *   thread.mem_parked         KiB     RSS per parked thread, stack touched
 *   thread.speedup            x       CPU-bound speed-up on all cores
 *   process.fork              us      fork + exit + wait
 *   process.rtt.same_core     us      round trip between two processes, one core
 *   process.rtt.cross_core    us      the same across two cores
 *   process.mem_worker        KiB     RSS added per worker process
 *   process.speedup           x       CPU-bound speed-up on all cores
 *   coro.spawn                us      create + first run of one task
 *   coro.switch               ns      user-space switch between tasks
 *   coro.mem_parked           KiB     memory per parked task
 *   coro.speedup              x       speed-up of the per-core scheduler
 *   loop.events_per_s         events/s  epoll events dispatched, one thread
 *   loop.timer_lag            ms      timer lateness behind a blocking callback
 *   gil.speedup.short_hold    x       CPU threads sharing one lock, short holds
 *   gil.speedup.long_hold     x       the same with long holds
 *   runtime.*                 (optional) figures from real runtimes
 */
#ifndef ADVISOR_PROBE_H
#define ADVISOR_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <jansson.h>

#include "diag.h"

struct probe_stats {
	double median;
	double min;
	double max;
	double mad;		/* median absolute deviation */
	int samples;
};

struct probe_result {
	char *name;		/* e.g. "thread.spawn" */
	char *family;		/* threads processes coroutines event-loop gil runtime */
	char *unit;		/* us ns ms KiB x events/s */
	struct probe_stats st;
	bool noisy;		/* other CPU load was seen while it ran */
	double busy_other;	/* share of CPU time used by others, 0..1 */
};

struct probe_skip {
	char *name;
	char *reason;
};

struct probe_fingerprint {
	char *cpu_model;
	int cores;		/* online on the host */
	long memory_mb;		/* of the host */
	int usable_cpus;	/* in this process's affinity mask; 0: unknown */
	double cpu_quota;	/* cgroup CPU limit in CPUs (cpu.max); 0: none or unknown */
	long memory_limit_mb;	/* cgroup memory limit (memory.max); 0: none or unknown */
	char *kernel;
	char *advisor_version;
	char *taken_at;		/* ISO 8601 UTC */
};

struct probe_set {
	struct probe_fingerprint fp;
	double budget_s;
	double elapsed_s;
	struct probe_result *results;
	size_t nresults;
	size_t capresults;
	struct probe_skip *skipped;
	size_t nskipped;
	size_t capskipped;
	char *source;		/* "measured", "cache FILE" or "defaults" */
	struct replay_set *replay;	/* after `probe --replay`, else NULL (replay.h) */
};

void probe_set_init(struct probe_set *ps);
void probe_set_release(struct probe_set *ps);

/* The result called name, or NULL. */
const struct probe_result *probe_set_find(const struct probe_set *ps, const char *name);
/* The median of name into *out; -1 when there is no such result. */
int probe_set_value(const struct probe_set *ps, const char *name, double *out);

/*
 * The version of the probe JSON (its "schema_version"; docs/schema/
 * probes.schema.json): raised when a key changes meaning or a required one
 * is added, not when an optional key is added.  The reader takes this
 * version and older, and caches written before the key existed.
 */
#define PROBE_SCHEMA_VERSION 1

/* The probes object of the JSON contract; the caller owns the reference. */
json_t *probe_set_to_json(const struct probe_set *ps);
/*
 * Load a probe set written by `advisor probe --json` (or the "probes" object
 * of a report).  Every problem is a FILE:LINE:COL diagnostic; returns -1,
 * also for a schema_version above PROBE_SCHEMA_VERSION.
 */
int probe_set_load(struct probe_set *ps, const char *path, struct diags *d);

/*
 * Progress callback: called before probe index (of count) starts with
 * result and skip_reason NULL, and after it ends with one of them set.
 */
typedef void (*probe_progress_fn)(void *arg, size_t index, size_t count, const char *name,
				  const struct probe_result *result, const char *skip_reason);

struct probe_options {
	double budget_s;	/* whole suite, seconds */
	const char *only;	/* comma-separated names or name prefixes, or NULL */
	bool quiet;		/* no progress on stderr */
	probe_progress_fn progress;	/* optional; the runner itself never prints */
	void *progress_arg;
};

/*
 * Run the probe suite within the budget.  Returns 0, or -1 with a
 * diagnostic when the environment prevents probing at all; individual
 * probes that cannot run are recorded in ps->skipped instead.
 */
int probe_run(struct probe_set *ps, const struct probe_options *opt, struct diags *d);

/*
 * The signal (SIGINT, SIGTERM or SIGHUP) that interrupted the last probe_run, or 0.
 * Every child was killed and reaped and the scratch directory removed
 * before probe_run returned; the caller should exit 128 + signal without
 * writing output.
 */
int probe_interrupted(void);

/* The probes known to this build, in run order: count and names. */
size_t probe_count(void);
const char *probe_name_at(size_t i);
/* Family and unit of the i-th probe, as in its table row; NULL past the end. */
const char *probe_family_at(size_t i);
const char *probe_unit_at(size_t i);

/*
 * Check a --only list: 0 when every item names a probe, a family or a
 * prefix of names at a dot; else -1 with *bad the first unknown item (the
 * caller frees it) and *hint a close name or NULL.
 */
int probe_only_check(const char *only, char **bad, const char **hint);

/* The JSON text of probe_set_to_json, indented, ending in a newline; caller frees. */
char *probe_set_to_string(const struct probe_set *ps);

/* Median, min, max, MAD and count of v[0..n-1]; -1 when n is 0. */
int probe_stats_compute(const double *v, size_t n, struct probe_stats *st);
/* v rounded to six significant digits (how figures are recorded). */
double probe_round(double v);

/*
 * Split budget seconds over n probes by weight, giving each at least its
 * fixed cost min_s[i] (0: none).  When the fixed costs together pass half
 * the budget, the largest are dropped (slot 0) until they fit.  Returns
 * the number of probes kept.
 */
int probe_budget_split(double budget, const double *weight, const double *min_s,
		       size_t n, double *slot);

/* Fill fp from this machine (replaces what it held); see probe_set_clock. */
void probe_fingerprint_fill(struct probe_fingerprint *fp);
/* Replace the wall clock used for taken_at (NULL restores time(NULL)); for tests. */
void probe_set_clock(time_t (*now)(void));

#endif
