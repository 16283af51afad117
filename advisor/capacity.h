/*
 * Capacity model (v2): how many cores, and instances of which shape, a
 * runtime and concurrency model need at peak load with the latency budget
 * and the memory limit met.  Self-contained: plain input structs, no
 * profile, knowledge base or probe types, so the caller maps its own data.
 *
 * Per station (an event loop, a process, a pool of threads) the model is
 * M/G/c with the Allen-Cunneen approximation of the mean wait, Erlang C
 * for the probability of waiting, and an exponential tail for the wait's
 * quantiles; the request mix gives the service time's mean, quantiles and
 * squared coefficient of variation.  docs/method.md, "Capacity model
 * (v2)", gives the formulas and their sources.
 *
 * Every output is finite: a target that cannot be met at any size sets
 * feasible = false with a reason in words, never inf or nan.
 */
#ifndef ADVISOR_CAPACITY_H
#define ADVISOR_CAPACITY_H

#include <stdbool.h>
#include <stddef.h>

/* Most request classes in one mix. */
#define CAP_MAX_CLASSES 64
/* Most instances the sizing tries; beyond that the candidate is infeasible. */
#define CAP_MAX_INSTANCES 1000000L
/* Most cores per instance accepted on input. */
#define CAP_MAX_INSTANCE_CORES 65536
/* Defaults for zero fields. */
#define CAP_DEFAULT_MACHINE_CORES 2
#define CAP_DEFAULT_UTILISATION 0.7
#define CAP_DEFAULT_GATE_RATIO 3.0
/* Most cores a process under a global interpreter lock can use. */
#define CAP_GIL_MAX_USABLE 1.2
/* A class is a head-of-line blocker when it is this many times the mean. */
#define CAP_HOL_RATIO 10.0

/* How a model turns cores into throughput, and its natural deployment shape. */
enum cap_shape {
	CAP_SINGLE_LOOP,	/* one thread runs all app code: 1-vCPU pods, one process each */
	CAP_PER_CORE_PROCESSES, /* one single-threaded process per core of an instance */
	CAP_SHARED_POOL,	/* M:N or a thread pool using every core of an instance */
	CAP_GIL,		/* threads in one process behind a lock: <= 1.2 usable cores */
	CAP_OFFLOAD,		/* an event loop plus a worker pool for a share of the CPU */
};

/* One request class: its share of requests and its CPU in reference ms. */
struct cap_class {
	double share;		/* >= 0; the shares are normalised to sum to 1 */
	double cpu_ms;		/* reference (C/Go-like) CPU ms per request */
	const char *name;	/* optional, for the notes ("pdf-render") */
};

/* The load and the targets: from the profile. */
struct cap_load {
	double rps;		/* peak arrival rate, requests/s, >= 0 */
	double concurrency;	/* peak in-flight requests (all instances), >= 0 */
	const struct cap_class *mix;	/* >= 1 class */
	size_t nmix;
	double io_ms;		/* I/O wait per request, ms (cap_io_ms derives it) */
	double budget_p99_ms;	/* latency budget at p99; 0: none */
	double memory_limit_mb;	/* per instance; 0: none */
	int machine_cores;	/* cores of the probe machine; 0: 2 */
	int cores_per_instance;	/* instance size for multi-core shapes; 0: machine_cores */
	double target_utilisation;	/* 0: 0.7; else in (0, 1) */
	double cost_per_core_month;	/* 0: no cost */
};

/* The runtime's costs: from the knowledge base (and calibration). */
struct cap_runtime {
	double cpu_factor;	/* multiplier on reference CPU ms, > 0 */
	double baseline_mb;	/* memory of one idle process */
	double task_kib;	/* memory per in-flight request */
	double gc_p99_ms;	/* p99 pause of its collector: added to p99 only */
};

/* The concurrency model: from the knowledge base and the probes. */
struct cap_model {
	enum cap_shape shape;
	/*
	 * Multi-core speed-up measured (or assumed) on machine_cores cores;
	 * efficiency = speedup / machine_cores, at most 1.  For CAP_GIL the
	 * lock-bound speed-up itself, capped at 1.2.  <= 0: ideal scaling
	 * (efficiency 1; for CAP_GIL one core).
	 */
	double speedup;
	double handoff_us;	/* CPU of the model's hand-offs per request, on the loop or process */
	double offload_share;	/* CAP_OFFLOAD: share of request CPU run by workers, 0..1 */
	double worker_mb;	/* CAP_OFFLOAD: memory per worker thread */
	/*
	 * CAP_PER_CORE_PROCESSES: the processes of an instance take requests
	 * from one queue (workers fed by a queue: M/G/c over the instance's
	 * processes) instead of each its own (a cluster that deals
	 * connections round-robin: c stations of M/G/1).
	 */
	bool shared_queue;
};

/* What sized the fleet: the constraint that fails with one instance fewer. */
enum cap_bound {
	CAP_BOUND_NONE,		/* one instance meets every target (or infeasible) */
	CAP_BOUND_UTILISATION,
	CAP_BOUND_LATENCY,
	CAP_BOUND_MEMORY,
};

struct cap_result {
	bool feasible;
	char reason[256];	/* why not, in words; "" when feasible */
	enum cap_bound bound;

	/* The mix on this runtime (CPU x cpu_factor, plus hand-offs). */
	double service_mean_ms;
	double service_p50_ms;
	double service_p99_ms;	/* the class at the mix's 99th percentile */
	double service_scv;	/* squared coefficient of variation, Cs^2 */
	double hol_blocking_ms;	/* a class > 10x the mean on one thread; 0: none */
	int hol_class;		/* its index in the mix; -1: none */

	/* The recommended shape. */
	enum cap_shape shape;
	double instance_cores;	/* vCPUs of one instance of the shape */
	int processes_per_instance;
	int workers_per_instance;	/* CAP_OFFLOAD: worker threads; else 0 */
	double usable_cores;	/* per instance, after efficiency */
	long instances;		/* 0 when infeasible */
	double cores_needed;	/* instances x instance_cores; 0 when infeasible */
	double cores_busy;	/* CPU actually consumed at peak, rps x mean CPU */
	double cost_month;	/* cores_needed x cost_per_core_month */

	/* At the sized count (when infeasible: one request on an idle instance). */
	double rps_per_instance;
	double utilisation;	/* of the busiest station (loop, process or pool) */
	double loop_utilisation;	/* the loop's, for one-thread stations; else 0 */
	double queue_p99_ms;	/* p99 of the queueing wait */
	double p50_ms;
	double p99_ms;
	double memory_mb;	/* per instance */
	double in_flight_per_instance;	/* max(concurrency, Little's law) / instances */
};

/*
 * Size one candidate.  Returns 0, or -1 with *why set (static text) when an
 * input is out of range or not finite; then *out is zeroed.  An infeasible
 * target is not an error: out->feasible is false and out->reason says why.
 */
int cap_size(const struct cap_load *load, const struct cap_runtime *rt,
	     const struct cap_model *model, struct cap_result *out, const char **why);

/* "4 pods of 1 vCPU", "2 machines of 2 cores running 2 processes each", ... */
void cap_shape_text(const struct cap_result *r, char *buf, size_t len);

/*
 * I/O wait per request from the share of wall time spent waiting:
 * io = cpu_ms x f / (1 - f), no clamp.  Returns -1 with *why when f is not
 * in [0, 1), or f >= 1 (the I/O time is unbounded or undetermined: give
 * io_ms instead), or an input is not finite.
 */
int cap_io_ms(double cpu_ms, double io_wait_fraction, double *io_ms, const char **why);

/* Erlang C: probability that an arrival waits, c servers, offered load a. */
double cap_erlang_c(long c, double a);

/*
 * Allen-Cunneen mean wait in ms for M/G/c: c servers, offered load a
 * (erlangs), mean service ms, service Cs^2; Poisson arrivals (Ca^2 = 1):
 * Wq = C(c, a) x service / (c - a) x (1 + Cs^2) / 2.  0 when a <= 0; -1
 * when a >= c (no steady state).
 */
double cap_mgc_wait_ms(long c, double a, double service_ms, double scv);

/*
 * Quantile q (0..1) of a wait that is 0 with probability 1 - pwait and
 * exponential with mean mean_ms / pwait otherwise.
 */
double cap_wait_quantile(double pwait, double mean_ms, double q);

/* One candidate for the gate. */
struct cap_gate_item {
	bool feasible;
	double cores_needed;
	double instance_cores;	/* of its shape */
	bool allowed;		/* out: may be recommended */
	char reason[200];	/* out: why not; "" when allowed */
};

/*
 * Mark which candidates may be recommended: never an infeasible one, nor a
 * feasible one needing more than ratio (0: 3) x the cores of the best
 * feasible one when the difference is more than one instance of its shape,
 * the best one's cores counted in whole instances of that shape.
 * Returns the index of the best feasible candidate, or -1 when none is.
 */
long cap_gate(struct cap_gate_item *items, size_t n, double ratio);

/*
 * A count for a sentence, three significant digits but never an exponent:
 * "1408", "25.6", "7.16".  Returned by value so that several fit in one
 * printf: cap_num(x).s lives to the end of the full expression.
 */
struct cap_numstr {
	char s[32];
};
struct cap_numstr cap_num(double x);

/* A time in ms for a sentence: "1822 ms", "16.9 ms", "0.42 ms". */
void cap_fmt_ms(char *buf, size_t len, double ms);

#endif
