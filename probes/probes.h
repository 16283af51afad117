/*
 * Internal interface between the probe runner (advisor/probe-run.c and
 * advisor/probe-sandbox.c) and the probe families (one probes/FAMILY.c
 * file each).
 *
 * Every probe runs in a child process of its own that the runner forks, in
 * a process group of its own: the runner can kill the whole group when the
 * probe overruns (watchdog) or on Ctrl-C, and whatever a probe changes in
 * its process (CPU affinity, signal dispositions, threads, memory) vanishes
 * with it.  A probe function takes samples with probe_sample() until
 * probe_more() says its share of the budget is spent, or gives up with
 * probe_skip().  Each family exports one table of rows; the probe table
 * (advisor/probe-table.c) concatenates them in a fixed order.
 */
#ifndef ADVISOR_PROBES_H
#define ADVISOR_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util.h"	/* ARRAY_SIZE, for each family's table count */

#define PROBE_MAX_SAMPLES 2000

struct probe_ctx {
	double start;		/* probe_now() when the probe started */
	double deadline;	/* probe_now() by which sampling should stop */
	int ncpu;		/* online CPUs usable by this process */
	const char *tmpdir;	/* private scratch directory */
	double samples[PROBE_MAX_SAMPLES];
	int nsamples;
	char skip[256];		/* non-empty: the probe was skipped, why */
};

typedef int (*probe_fn)(struct probe_ctx *c);

struct probe_def {
	const char *name;	/* contract name, e.g. "thread.spawn" */
	const char *family;	/* threads processes coroutines event-loop gil runtime */
	const char *unit;
	probe_fn fn;
	double weight;		/* share of the budget relative to the others */
	double min_s;		/* below this slot the probe is skipped (0: never) */
	const char *needs;	/* program that must be on PATH, or NULL */
};

/* The family tables, in report order. */
extern const struct probe_def probe_threads_table[];
extern const size_t probe_threads_count;
extern const struct probe_def probe_processes_table[];
extern const size_t probe_processes_count;
extern const struct probe_def probe_coroutines_table[];
extern const size_t probe_coroutines_count;
extern const struct probe_def probe_eventloop_table[];
extern const size_t probe_eventloop_count;
extern const struct probe_def probe_gil_table[];
extern const size_t probe_gil_count;
extern const struct probe_def probe_runtime_table[];
extern const size_t probe_runtime_count;

/*
 * Resolve python3 (a shim, perhaps) to the real interpreter and time its
 * start-up, once, in the suite's parent before the probes' slots begin;
 * the runtime probes that run Python use both.
 */
void probe_runtime_prepare(void);

/* Monotonic time in seconds. */
double probe_now(void);

/* Record one sample; silently ignores samples beyond PROBE_MAX_SAMPLES. */
void probe_sample(struct probe_ctx *c, double v);
/* True while another sample should be taken: always before the first. */
bool probe_more(const struct probe_ctx *c);
/* Seconds left before the deadline (may be negative). */
double probe_left(const struct probe_ctx *c);
/* Mark the probe skipped with a reason; returns -1 for `return probe_skip(...)`. */
int probe_skip(struct probe_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Pin the calling thread to one CPU (modulo the CPUs online); 0 or -1. */
int probe_pin(int cpu);

/*
 * Spin for about sec seconds of CPU work that the compiler cannot remove.
 * probe_work(iters) runs a fixed amount of work instead; probe_calibrate()
 * returns the iterations that take about sec seconds on one core.
 */
void probe_spin(double sec);
void probe_work(long iters);
long probe_calibrate(double sec);

/* Touch bytes of stack below the caller through a volatile pointer. */
void probe_touch_stack(size_t bytes);

/* Resident KiB of this process (statm), or -1. */
long probe_rss_kib(void);

/*
 * How many more processes/threads this user may start (RLIMIT_NPROC minus
 * a margin), capped at want.  0 means none may be started.
 */
int probe_task_room(int want);

/*
 * fork() a child that dies with its parent (PR_SET_PDEATHSIG) and stays in
 * the probe's process group.  Returns like fork().
 */
pid_t probe_fork(void);

/*
 * Pipe ping-pong, one int each way as perf bench sched pipe does.
 * probe_pp_echo answers until EOF; probe_pp_batch makes n round trips and
 * returns the seconds taken (-1 when the peer is gone); probe_pp_sample
 * warms up and records microseconds per round trip until the deadline.
 */
void probe_pp_echo(int rfd, int wfd);
double probe_pp_batch(int wfd, int rfd, long n);
int probe_pp_sample(struct probe_ctx *c, int wfd, int rfd);

#endif
