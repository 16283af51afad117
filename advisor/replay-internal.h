/*
 * What the replay files share among themselves (and the unit tests):
 *   replay-kernels.c   the C yardstick kernels and the calibration
 *   replay-backend.c   the loopback I/O backend, in a thread
 *   replay-load.c      the histogram, the schedule, the load generator
 *                      and the rate search
 *   replay-manifest.c  the manifest reader
 *   replay.c           one candidate after another: spawn, measure, reap
 *   replay-json.c      the replay set and its JSON writer
 * All times are CLOCK_MONOTONIC; replay_now() is the one clock.
 */
#ifndef ADVISOR_REPLAY_INTERNAL_H
#define ADVISOR_REPLAY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "replay.h"

/* Monotonic time in seconds. */
double replay_now(void);

/* Arm timerfd tfd (CLOCK_MONOTONIC) to fire at when, on replay_now()'s clock; when <= 0 disarms it. */
void replay_timer_at(int tfd, double when);

/* ---- kernels (replay-kernels.c) ------------------------------------------ */

enum { KERNEL_WEB, KERNEL_COMPUTE, KERNEL_NATIVE, KERNEL__COUNT };

/* The built-in copy of the order document (probes/replay/order.json). */
extern const char replay_order_json[];

/* One run of each kernel; the result folds into a checksum. */
uint64_t replay_kernel_web(const char *doc, size_t len);
uint64_t replay_kernel_compute(void);
uint64_t replay_kernel_native(void);
/* SHA-256 of data into out[32]. */
void replay_sha256(const void *data, size_t len, unsigned char out[32]);

/*
 * Microseconds per iteration of each kernel in C on this machine (median
 * of repeats; doc NULL: the built-in document), into us[KERNEL__COUNT].
 */
void replay_kernels_measure(const char *doc, size_t len, double us[KERNEL__COUNT]);

/*
 * The iterations of each kernel so that one request costs cpu_ms in C:
 * the share of cpu_ms of each class divided by its cost per iteration,
 * rounded, each within 0..1e6.  Returns the C cost in ms of what was
 * chosen (which rounding makes differ slightly from cpu_ms).
 */
double replay_calibrate(double cpu_ms, const struct replay_shares *sh,
			const double us[KERNEL__COUNT], long *web, long *compute, long *native);

/* ---- histogram (replay-load.c) ------------------------------------------- */

/*
 * Log-linear histogram of microseconds, as HdrHistogram lays it out:
 * values below 128 exactly, then 64 linear sub-buckets per power of two
 * (the upper half of 128), so every value is kept within 1/64 (1.6 %) of
 * itself, up to 2^46 us.
 */
#define HIST_SUB 128
#define HIST_EXP 41
struct replay_hist {
	uint64_t count[HIST_EXP][HIST_SUB];
	uint64_t total;
	uint64_t max;
};

void replay_hist_reset(struct replay_hist *h);
void replay_hist_add(struct replay_hist *h, uint64_t us);
/* The value at percentile p (0..100): the highest value of its bucket; 0 when empty. */
uint64_t replay_hist_percentile(const struct replay_hist *h, double p);

/* ---- schedule (replay-load.c) -------------------------------------------- */

/*
 * The intended send times of an open-loop schedule: request i is due at
 * start + i / rate (constant), or after exponential gaps of mean 1 / rate
 * drawn from a seeded generator (Poisson), never from when a response came.
 */
struct replay_sched {
	double start, rate, next;
	bool poisson;
	uint64_t rng;
	uint64_t issued;
};

void replay_sched_init(struct replay_sched *s, double start, double rate, bool poisson,
		       uint64_t seed);
/* The intended time of the next request, and advance. */
double replay_sched_next(struct replay_sched *s);

/* ---- backend (replay-backend.c) ------------------------------------------ */

struct replay_backend;

/* Start the backend on 127.0.0.1:0 in a thread; NULL with *why on failure. */
struct replay_backend *replay_backend_start(char *why, size_t whylen);
int replay_backend_port(const struct replay_backend *b);
/* Stop the thread, close every socket, free b (NULL is fine). */
void replay_backend_stop(struct replay_backend *b);

/* ---- load generator (replay-load.c) -------------------------------------- */

#define REPLAY_MAX_CONN 64	/* load connections, at most */
#define REPLAY_MAX_IDLE 128	/* idle connections held for the memory figure */

/* The requests of a run, with their shares (mixed in a fixed interleaving). */
struct replay_target {
	int port;
	char *req[REPLAY_MAX_CLASSES];	/* full HTTP request text */
	size_t reqlen[REPLAY_MAX_CLASSES];
	double share[REPLAY_MAX_CLASSES];
	size_t nreq;
	int connections;
	int stop_fd;		/* readable: stop at once (a signal came); -1: none */
};

struct replay_step {
	double rate;		/* asked; achieved for closed loop */
	double seconds;
	uint64_t sent, done, errors, late;	/* late: never answered in time */
	double p50_ms, p99_ms;
	/*
	 * Open loop: the mean latency of the requests meant for the last
	 * quarter of the step less that of the first quarter.  A server past
	 * its capacity falls behind a little more every second, so its
	 * latencies climb through the step even while they are still under
	 * the budget; one that keeps up shows no climb.  0 when unknown.
	 */
	double trend_ms;
	bool stopped;		/* stop_fd fired or the server went away */
};

/*
 * One open-loop step: rate requests per second for seconds, over the
 * target's connections (opened on demand and kept), latency from each
 * request's intended time.  Requests unanswered when the step ends (after
 * a drain of at most drain_s) count with their age then.  A closed-loop
 * step (rate 0) sends each next request when the previous answer comes.
 */
struct replay_gen;
struct replay_gen *replay_gen_new(const struct replay_target *t);
void replay_gen_free(struct replay_gen *g);
int replay_gen_step(struct replay_gen *g, double rate, double seconds, double drain_s,
		    bool poisson, struct replay_step *out);

/* The rate search's plan and result. */
struct replay_search {
	double p99_budget_ms;
	double start_rate;
	double hi_start;	/* a rate known to be too high, or 0 */
	double step_s;
	double time_s;		/* at most, all steps together */
	int max_steps;
	/* results */
	double max_rps;		/* 0: even the lowest rate missed the budget */
	int steps;
	uint64_t done;		/* answers over all steps */
	bool stopped;
};

/* Geometric, then binary search for the highest rate meeting the p99 budget. */
int replay_rate_search(struct replay_gen *g, struct replay_search *s, bool poisson);

/*
 * Open n idle keep-alive connections to port, each after one answered
 * GET /health; returns how many are open (fds in fds[]).  Close them with
 * replay_idle_close.
 */
int replay_idle_open(int port, int n, int *fds, double timeout_s);
void replay_idle_close(int *fds, int n);

/*
 * Wait (at most max_s) until the server answers GET /health within 5 ms:
 * after an overload step it may still be working off queued requests,
 * which would be charged to the next step.
 */
void replay_settle(int port, double max_s);

/* ---- manifest (replay-manifest.c) ---------------------------------------- */

struct replay_manifest_entry {
	char *runtime, *model, *program, *install, *min_version;
	char **version;		/* argv, NULL-terminated, or NULL */
	char **build;		/* argv, NULL-terminated, or NULL */
	char **argv;		/* NULL-terminated */
};

struct replay_manifest {
	char *dir;		/* {src} */
	struct replay_manifest_entry *e;
	size_t n, cap;
};

int replay_manifest_load(struct replay_manifest *m, const char *path, struct diags *d);
void replay_manifest_release(struct replay_manifest *m);

/* ---- JSON (replay-json.c) ------------------------------------------------- */

/* v rounded to 4 significant digits (how replay figures are recorded), NAN kept. */
double replay_round(double v);

#endif
