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
	int cores;
	long memory_mb;
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
};

void probe_set_init(struct probe_set *ps);
void probe_set_release(struct probe_set *ps);

/* The result called name, or NULL. */
const struct probe_result *probe_set_find(const struct probe_set *ps, const char *name);
/* The median of name into *out; -1 when there is no such result. */
int probe_set_value(const struct probe_set *ps, const char *name, double *out);

/* The probes object of the JSON contract; the caller owns the reference. */
json_t *probe_set_to_json(const struct probe_set *ps);
/*
 * Load a probe set written by `advisor probe --json` (or the "probes" object
 * of a report).  Every problem is a FILE:LINE:COL diagnostic; returns -1.
 */
int probe_set_load(struct probe_set *ps, const char *path, struct diags *d);

struct probe_options {
	double budget_s;	/* whole suite, seconds */
	const char *only;	/* comma-separated names or name prefixes, or NULL */
	bool quiet;		/* no progress on stderr */
};

/*
 * Run the probe suite within the budget.  Returns 0, or -1 with a
 * diagnostic when the environment prevents probing at all; individual
 * probes that cannot run are recorded in ps->skipped instead.
 */
int probe_run(struct probe_set *ps, const struct probe_options *opt, struct diags *d);

#endif
