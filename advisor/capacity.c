/*
 * Capacity model (v2).  See capacity.h for the interface and
 * docs/method.md, "Capacity model (v2)", for the formulas and sources.
 *
 * Units: ms for times, requests/ms inside the queueing code, cores for
 * CPU.  A station is one queue with its servers: the event loop of a
 * process, one single-threaded process, a thread pool, a process behind a
 * global interpreter lock, or the worker pool behind a loop.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "capacity.h"

/* Inputs above these are refused, so every product stays finite. */
#define BIG 1e12
#define BIG_FACTOR 1e6
/* Floor for an efficiency or a GIL speed-up, so a service time stays finite. */
#define MIN_SPEED 0.01
/* Tolerance when a cumulative share is compared with a quantile. */
#define SHARE_EPS 1e-9

double cap_erlang_c(long c, double a)
{
	double b = 1, rho;

	if (c < 1 || !(a > 0))
		return 0;
	rho = a / (double)c;
	if (rho >= 1)
		return 1;
	/* Erlang B by its recurrence: every term stays in (0, 1], for any c. */
	for (long k = 1; k <= c; k++)
		b = a * b / ((double)k + a * b);
	return b / (1 - rho * (1 - b));
}

double cap_mgc_wait_ms(long c, double a, double service_ms, double scv)
{
	if (c < 1)
		c = 1;
	if (!(a > 0) || !(service_ms > 0))
		return 0;
	if (a >= (double)c)
		return -1;
	return cap_erlang_c(c, a) * service_ms / ((double)c - a) * (1 + fmax(0, scv)) / 2;
}

double cap_wait_quantile(double pwait, double mean_ms, double q)
{
	if (!(pwait > 0) || !(mean_ms > 0) || !(q > 0) || pwait <= 1 - q)
		return 0;
	if (q >= 1)
		q = 1 - 1e-9;
	return mean_ms / pwait * log(pwait / (1 - q));
}

int cap_io_ms(double cpu_ms, double io_wait_fraction, double *io_ms, const char **why)
{
	const char *w = NULL;

	*io_ms = 0;
	if (!isfinite(cpu_ms) || cpu_ms < 0)
		w = "CPU per request must be a finite number >= 0";
	else if (!isfinite(io_wait_fraction) || io_wait_fraction < 0)
		w = "the I/O wait fraction must be a finite number >= 0";
	else if (io_wait_fraction >= 1 && cpu_ms > 0)
		w = "an I/O wait fraction of 1 means unbounded I/O time per request: give the I/O "
		    "time in ms instead";
	else if (io_wait_fraction >= 1)
		w = "an I/O wait fraction of 1 with no CPU leaves the I/O time undetermined: give "
		    "the I/O time in ms instead";
	if (w) {
		if (why)
			*why = w;
		return -1;
	}
	*io_ms = cpu_ms * io_wait_fraction / (1 - io_wait_fraction);
	if (!isfinite(*io_ms)) {
		*io_ms = 0;
		if (why)
			*why = "the I/O time derived from the fraction is too large: give it in ms";
		return -1;
	}
	return 0;
}

/* ---- the candidate's stations ----------------------------------------- */

/*
 * Fixed per candidate (for one instance size k): per class, the CPU on
 * the one-thread or shared station (a_ms) and on the worker pool (w_ms),
 * both at full speed on one core.
 */
struct setup {
	const struct cap_load *load;
	const struct cap_runtime *rt;
	const struct cap_model *model;
	size_t n;
	double share[CAP_MAX_CLASSES];
	double a_ms[CAP_MAX_CLASSES];
	double w_ms[CAP_MAX_CLASSES];
	double target;
	double io_ms, gc_ms, budget;
	/* shape */
	double k;		/* vCPUs of an instance */
	int procs;		/* processes per instance */
	int workers;		/* CAP_OFFLOAD */
	double eff;		/* per-core efficiency of parallel work */
	double speed;		/* speed of the main station's server(s) */
	long c;			/* servers of the main station */
	long cw;		/* servers of the worker pool */
	double fixed_mb;	/* memory of the processes and workers, idle */
};

struct station {
	long c;
	double lam;		/* arrivals per ms */
	double mean, scv;	/* service at this station's speed */
	double rho, pw, wq, w50, w99;
	bool stable;
};

struct eval {
	bool ok, util_ok, lat_ok, mem_ok;
	double rps_inst, util, loop_util, q99, p50, p99, mem, inflight;
	double svc_mean, svc_p50, svc_p99, scv, hol;
	int hol_class;
	size_t i99;		/* the class at the mix's 99th percentile */
	double usable;
};

static void station_eval(struct station *s)
{
	double a = s->lam * s->mean;

	s->rho = s->pw = s->wq = s->w50 = s->w99 = 0;
	s->stable = true;
	if (!(a > 0))
		return;
	s->rho = a / (double)s->c;
	if (s->rho >= 1) {
		s->stable = false;
		return;
	}
	s->pw = cap_erlang_c(s->c, a);
	s->wq = cap_mgc_wait_ms(s->c, a, s->mean, s->scv);
	s->w50 = cap_wait_quantile(s->pw, s->wq, 0.5);
	s->w99 = cap_wait_quantile(s->pw, s->wq, 0.99);
}

/* Mean and Cs^2 of per-class times x[i] / speed. */
static void moments(const struct setup *su, const double *x, double speed, double *mean,
		    double *scv)
{
	double m1 = 0, m2 = 0;

	for (size_t i = 0; i < su->n; i++) {
		double t = x[i] / speed;

		m1 += su->share[i] * t;
		m2 += su->share[i] * t * t;
	}
	*mean = m1;
	*scv = m1 > 0 ? fmax(0, m2 / (m1 * m1) - 1) : 0;
}

/* The class whose time t[] is at quantile q of the mix. */
static size_t quantile_class(const struct setup *su, const double *t, double q)
{
	size_t order[CAP_MAX_CLASSES];
	double cum = 0;

	for (size_t i = 0; i < su->n; i++)
		order[i] = i;
	for (size_t i = 1; i < su->n; i++) {	/* insertion sort: n <= 64 */
		size_t v = order[i], j = i;

		while (j > 0 && t[order[j - 1]] > t[v]) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	for (size_t i = 0; i < su->n; i++) {
		cum += su->share[order[i]];
		if (cum >= q - SHARE_EPS)
			return order[i];
	}
	return order[su->n - 1];
}

/*
 * P(T > t) for the response time T = W + S + io of the mix: the class of a
 * request, with time path[i], is independent of the wait W, whose tail is
 * taken as P(W > x) = pw exp(-x / theta) (theta = the mean wait of those
 * who wait).
 */
static double mix_tail(const struct setup *su, const double *path, double io, double pw,
		       double theta, double t)
{
	double p = 0;

	for (size_t i = 0; i < su->n; i++) {
		double x = t - path[i] - io;

		if (x < 0)
			p += su->share[i];
		else if (pw > 0 && theta > 0)
			p += su->share[i] * pw * exp(-x / theta);
	}
	return p;
}

/*
 * The q-quantile of T (see mix_tail), found by bisection: it lies between
 * the fastest class with no wait and the slowest with the wait's own
 * q-quantile (summing the two quantiles, as a bound, overstates the tail
 * of a mix where few requests are slow).
 */
static double mix_quantile(const struct setup *su, const double *path, double io, double pw,
			   double wmean, double q)
{
	double theta = pw > 0 ? wmean / pw : 0;
	double lo = INFINITY, hi = 0;

	if (su->n == 1)		/* one class: the wait's quantile plus its time, exactly */
		return path[0] + io + cap_wait_quantile(pw, wmean, q);

	for (size_t i = 0; i < su->n; i++) {
		lo = fmin(lo, path[i] + io);
		hi = fmax(hi, path[i] + io);
	}
	hi += cap_wait_quantile(pw, wmean, q) + 1e-9;
	if (mix_tail(su, path, io, pw, theta, lo) <= 1 - q)
		return lo;
	for (int it = 0; it < 100 && hi - lo > 1e-9 * fmax(1, hi); it++) {
		double mid = (lo + hi) / 2;

		if (mix_tail(su, path, io, pw, theta, mid) > 1 - q)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* Every figure with n instances (n may be CAP_MAX_INSTANCES + 1 for "idle"). */
static void evaluate(const struct setup *su, double n, bool idle, struct eval *e)
{
	const struct cap_load *ld = su->load;
	enum cap_shape shape = su->model->shape;
	double lam_inst = idle ? 0 : ld->rps / n / 1000.0;	/* per ms */
	struct station main = { 0 }, pool = { 0 };
	double path[CAP_MAX_CLASSES] = { 0 }, one[CAP_MAX_CLASSES] = { 0 };
	double wspeed = 1, wmean = 0, cpu_share = 0, need;
	size_t i99, i50;

	memset(e, 0, sizeof *e);
	e->hol_class = -1;
	pool.c = 1;
	pool.stable = true;	/* no pool: nothing waits there */
	e->rps_inst = lam_inst * 1000.0;

	/* The main station: the loop, a process, the pool or the locked process. */
	main.c = su->c;
	main.lam = shape == CAP_PER_CORE_PROCESSES ? lam_inst / su->procs : lam_inst;
	if (shape == CAP_PER_CORE_PROCESSES && su->model->shared_queue) {
		main.c = su->procs;
		main.lam = lam_inst;
	}
	moments(su, su->a_ms, su->speed, &main.mean, &main.scv);
	station_eval(&main);
	e->usable = su->speed * (double)su->c * su->procs;

	/* The worker pool behind a loop gets the cores the loop leaves. */
	if (shape == CAP_OFFLOAD) {
		double loop_cores = main.stable ? main.rho : 1;
		double left = (su->k - loop_cores) * su->eff;

		wspeed = fmax(left, MIN_SPEED * su->eff) / (double)su->cw;
		pool.c = su->cw;
		pool.lam = lam_inst;
		moments(su, su->w_ms, wspeed, &pool.mean, &pool.scv);
		wmean = pool.mean;
		station_eval(&pool);
		if (loop_cores >= su->k)
			pool.stable = wmean <= 0;
		e->usable = fmax(1, su->eff * su->k);
		/* The instance as a whole: the loop's core plus the workers' CPU. */
		for (size_t i = 0; i < su->n; i++)
			cpu_share += su->share[i] * su->w_ms[i];
		cpu_share = (main.rho + lam_inst * cpu_share / su->eff) / su->k;
	}

	for (size_t i = 0; i < su->n; i++) {
		one[i] = su->a_ms[i] / su->speed;
		path[i] = one[i] + (shape == CAP_OFFLOAD ? su->w_ms[i] / wspeed : 0);
	}
	i99 = quantile_class(su, path, 0.99);
	i50 = quantile_class(su, path, 0.5);
	e->i99 = i99;
	e->svc_mean = main.mean + wmean;
	e->svc_p50 = path[i50];
	e->svc_p99 = path[i99];
	{
		double m = 0, m2 = 0;

		for (size_t i = 0; i < su->n; i++) {
			m += su->share[i] * path[i];
			m2 += su->share[i] * path[i] * path[i];
		}
		e->scv = m > 0 ? fmax(0, m2 / (m * m) - 1) : 0;
	}

	/* Head-of-line blocking: one thread runs each request to its end. */
	if (shape == CAP_SINGLE_LOOP || shape == CAP_PER_CORE_PROCESSES || shape == CAP_OFFLOAD) {
		size_t big = 0;

		for (size_t i = 1; i < su->n; i++)
			if (one[i] > one[big])
				big = i;
		if (su->share[big] > 0 && one[big] > CAP_HOL_RATIO * main.mean) {
			e->hol = one[big];
			e->hol_class = (int)big;
		}
		e->loop_util = main.rho;
	}

	e->util = fmax(fmax(main.rho, pool.rho), cpu_share);
	{
		/* The two stations' waits as one: waits if either makes it wait. */
		double pw = 1 - (1 - main.pw) * (1 - pool.pw), wq = main.wq + pool.wq;

		e->q99 = cap_wait_quantile(pw, wq, 0.99);

		e->p50 = mix_quantile(su, path, su->io_ms, pw, wq, 0.5);
		/* The collector's pause is a tail: on p99 only. */
		e->p99 = mix_quantile(su, path, su->io_ms, pw, wq, 0.99) + su->gc_ms;
	}
	/*
	 * Threads and goroutines are time-sliced: a short request is not held
	 * behind a long one, the cores are shared (processor sharing).  Each
	 * class is slowed by the same factor, 1 + C / (c - a), the M/M/c wait
	 * in units of service time (S / (1 - rho) on one core), whatever the
	 * mix: a slow class does not block the others, as it does on a loop.
	 */
	if ((shape == CAP_SHARED_POOL || shape == CAP_GIL) && main.stable && main.rho > 0) {
		double slow = 1 + main.pw / ((double)main.c * (1 - main.rho));
		double shared[CAP_MAX_CLASSES];

		for (size_t i = 0; i < su->n; i++)
			shared[i] = path[i] * slow;
		e->p50 = mix_quantile(su, shared, su->io_ms, 0, 0, 0.5);
		e->p99 = mix_quantile(su, shared, su->io_ms, 0, 0, 0.99) + su->gc_ms;
		e->q99 = shared[i99] - path[i99];
	}

	/* In flight: the stated concurrency, or more by Little's law (L = lambda W). */
	need = ld->concurrency;
	if (main.stable && pool.stable)
		need = fmax(need, ld->rps / 1000.0 * (main.wq + pool.wq + e->svc_mean + su->io_ms));
	e->inflight = idle ? 0 : need / n;
	e->mem = su->fixed_mb + e->inflight * su->rt->task_kib / 1024.0;

	e->util_ok = main.stable && pool.stable && e->util <= su->target + 1e-12;
	e->lat_ok = main.stable && pool.stable && (su->budget <= 0 || e->p99 <= su->budget);
	e->mem_ok = ld->memory_limit_mb <= 0 || e->mem <= ld->memory_limit_mb;
	e->ok = e->util_ok && e->lat_ok && e->mem_ok;
	if (!main.stable || !pool.stable) {
		/* Keep the figures finite: nothing is read from them but "not ok". */
		e->util = 1;
		e->q99 = 0;
		e->p50 = e->svc_p50 + su->io_ms;
		e->p99 = e->svc_p99 + su->io_ms + su->gc_ms;
	}
}

struct cap_numstr cap_num(double x)
{
	struct cap_numstr n;

	if (!isfinite(x))
		snprintf(n.s, sizeof n.s, "unbounded");
	else if (fabs(x) >= 1000)
		snprintf(n.s, sizeof n.s, "%.0f", x);
	else
		snprintf(n.s, sizeof n.s, "%.3g", x);
	return n;
}

void cap_fmt_ms(char *buf, size_t len, double ms)
{
	if (ms >= 100 || ms == 0)
		snprintf(buf, len, "%.0f ms", ms);
	else if (ms >= 1)
		snprintf(buf, len, "%.1f ms", ms);
	else
		snprintf(buf, len, "%.2g ms", ms);
}

/* Set the shape for instances of k vCPUs (k is ignored by 1-vCPU shapes). */
static void shape_setup(struct setup *su, int k)
{
	const struct cap_model *m = su->model;
	const struct cap_runtime *rt = su->rt;
	int mc = su->load->machine_cores > 0 ? su->load->machine_cores : CAP_DEFAULT_MACHINE_CORES;
	double eff = m->speedup > 0 ? fmin(1, m->speedup / mc) : 1;

	su->eff = fmax(MIN_SPEED, eff);
	su->procs = 1;
	su->workers = 0;
	su->c = 1;
	su->cw = 1;
	su->speed = 1;
	su->k = 1;
	su->fixed_mb = rt->baseline_mb;
	switch (m->shape) {
	case CAP_SINGLE_LOOP:
		break;
	case CAP_PER_CORE_PROCESSES:
		su->k = k;
		su->procs = k;
		su->speed = su->eff;
		/* When k processes do not fit the memory limit, smaller instances. */
		if (su->load->memory_limit_mb > 0 && rt->baseline_mb > 0 &&
		    k * rt->baseline_mb > su->load->memory_limit_mb) {
			double fit = floor(su->load->memory_limit_mb / rt->baseline_mb);

			su->procs = (int)fmax(1, fmin(k, fit));
			su->k = su->procs;
		}
		su->fixed_mb = su->procs * rt->baseline_mb;
		break;
	case CAP_SHARED_POOL: {
		double u = su->eff * k;

		su->k = k;
		su->c = lround(fmax(1, u));
		su->speed = u / (double)su->c;
		break;
	}
	case CAP_GIL: {
		double u = m->speedup > 0 ? fmin(m->speedup, CAP_GIL_MAX_USABLE) : 1;

		u = fmax(MIN_SPEED, u);
		su->speed = u;
		su->k = fmax(1, u);
		break;
	}
	case CAP_OFFLOAD:
		su->k = k;
		su->workers = k;
		su->cw = lround(fmax(1, su->eff * k));
		su->fixed_mb = rt->baseline_mb + k * m->worker_mb;
		break;
	}
}

struct sized {
	bool feasible;
	long n;
	enum cap_bound bound;
	char reason[256];
	struct eval at;
};

static bool ok_at(const struct setup *su, long n)
{
	struct eval e;

	evaluate(su, (double)n, false, &e);
	return e.ok;
}

/* The fewest instances of the current shape meeting every target. */
static void size_shape(const struct setup *su, struct sized *sz)
{
	const struct cap_load *ld = su->load;
	struct eval idle, prev;
	long lo, hi;

	memset(sz, 0, sizeof *sz);
	evaluate(su, 1, true, &idle);
	sz->at = idle;
	if (su->budget > 0 && idle.p99 > su->budget) {
		char tot[32], cpu[32], io[32], gc[32], bud[32];
		const char *name = ld->mix[idle.i99].name;

		cap_fmt_ms(tot, sizeof tot, idle.p99);
		cap_fmt_ms(cpu, sizeof cpu, idle.svc_p99);
		cap_fmt_ms(io, sizeof io, su->io_ms);
		cap_fmt_ms(gc, sizeof gc, su->gc_ms);
		cap_fmt_ms(bud, sizeof bud, su->budget);
		snprintf(sz->reason, sizeof sz->reason,
			 "one request alone takes %s at p99 (%s%s%s of CPU, %s of I/O wait, %s of "
			 "GC tail), over the %s budget at any size",
			 tot, name && *name ? name : "", name && *name ? ": " : "", cpu, io, gc, bud);
		return;
	}
	if (ld->memory_limit_mb > 0 && su->fixed_mb > ld->memory_limit_mb) {
		if (su->workers > 0)
			snprintf(sz->reason, sizeof sz->reason,
				 "one process with %d worker(s) needs %.0f MB before any request, "
				 "over the %.0f MB instance limit",
				 su->workers, su->fixed_mb, ld->memory_limit_mb);
		else
			snprintf(sz->reason, sizeof sz->reason,
				 "one process needs %.0f MB before any request, over the %.0f MB "
				 "instance limit",
				 su->fixed_mb / su->procs, ld->memory_limit_mb);
		return;
	}
	if (!ok_at(su, CAP_MAX_INSTANCES)) {
		snprintf(sz->reason, sizeof sz->reason,
			 "%.3g requests/s at %.3g ms of CPU each need more than %ld instances",
			 ld->rps, idle.svc_mean, CAP_MAX_INSTANCES);
		return;
	}
	/* Every figure improves with n: double, then bisect.  Bounded by the cap. */
	lo = 1;
	hi = 1;
	while (!ok_at(su, hi)) {
		lo = hi + 1;
		hi = hi > CAP_MAX_INSTANCES / 2 ? CAP_MAX_INSTANCES : hi * 2;
	}
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;

		if (ok_at(su, mid))
			hi = mid;
		else
			lo = mid + 1;
	}
	sz->feasible = true;
	sz->n = lo;
	evaluate(su, (double)lo, false, &sz->at);
	sz->bound = CAP_BOUND_NONE;
	if (lo > 1) {
		evaluate(su, (double)(lo - 1), false, &prev);
		sz->bound = !prev.util_ok  ? CAP_BOUND_UTILISATION
			    : !prev.lat_ok ? CAP_BOUND_LATENCY
					   : CAP_BOUND_MEMORY;
	}
}

static const char *check_inputs(const struct cap_load *ld, const struct cap_runtime *rt,
				const struct cap_model *m)
{
	double total = 0;

#define BAD(x, hi) (!isfinite(x) || (x) < 0 || (x) > (hi))
	if (ld->mix == NULL || ld->nmix == 0)
		return "the request mix has no class";
	if (ld->nmix > CAP_MAX_CLASSES)
		return "the request mix has more than 64 classes";
	for (size_t i = 0; i < ld->nmix; i++) {
		if (BAD(ld->mix[i].share, BIG))
			return "a request class's share must be a finite number >= 0";
		if (BAD(ld->mix[i].cpu_ms, BIG))
			return "a request class's CPU ms must be a finite number from 0 to 1e12";
		total += ld->mix[i].share;
	}
	if (!(total > 0))
		return "the request mix's shares add up to 0";
	if (BAD(ld->rps, BIG))
		return "the request rate must be a finite number from 0 to 1e12";
	if (BAD(ld->concurrency, BIG))
		return "the peak concurrency must be a finite number from 0 to 1e12";
	if (BAD(ld->io_ms, BIG))
		return "the I/O wait per request must be a finite number of ms from 0 to 1e12";
	if (BAD(ld->budget_p99_ms, BIG))
		return "the latency budget must be a finite number of ms >= 0";
	if (BAD(ld->memory_limit_mb, BIG))
		return "the memory limit must be a finite number of MB >= 0";
	if (ld->machine_cores < 0 || ld->machine_cores > CAP_MAX_INSTANCE_CORES)
		return "the machine's cores must be from 1 to 65536 (0: the default)";
	if (ld->cores_per_instance < 0 || ld->cores_per_instance > CAP_MAX_INSTANCE_CORES)
		return "the cores per instance must be from 1 to 65536 (0: the machine's)";
	if (!isfinite(ld->target_utilisation) || ld->target_utilisation < 0 ||
	    ld->target_utilisation >= 1)
		return "the target utilisation must be in (0, 1) (0: the default 0.7)";
	if (BAD(ld->cost_per_core_month, BIG))
		return "the cost per core-month must be a finite number >= 0";
	if (!isfinite(rt->cpu_factor) || !(rt->cpu_factor > 0) || rt->cpu_factor > BIG_FACTOR)
		return "the runtime's CPU factor must be a finite number > 0";
	if (BAD(rt->baseline_mb, BIG) || BAD(rt->task_kib, BIG))
		return "the runtime's memory figures must be finite numbers >= 0";
	if (BAD(rt->gc_p99_ms, BIG))
		return "the runtime's GC tail must be a finite number of ms >= 0";
	if (m->shape < CAP_SINGLE_LOOP || m->shape > CAP_OFFLOAD)
		return "unknown model shape";
	if (!isfinite(m->speedup) || m->speedup > CAP_MAX_INSTANCE_CORES)
		return "the model's speed-up must be a finite number";
	if (BAD(m->handoff_us, BIG))
		return "the model's hand-off cost must be a finite number of us >= 0";
	if (!isfinite(m->offload_share) || m->offload_share < 0 || m->offload_share > 1)
		return "the offloaded share must be from 0 to 1";
	if (BAD(m->worker_mb, BIG))
		return "the memory per worker must be a finite number of MB >= 0";
#undef BAD
	return NULL;
}

static void fill(struct cap_result *out, const struct setup *su, const struct sized *sz)
{
	const struct eval *e = &sz->at;
	double mean_cpu = 0;

	out->feasible = sz->feasible;
	snprintf(out->reason, sizeof out->reason, "%s", sz->feasible ? "" : sz->reason);
	out->bound = sz->bound;
	out->service_mean_ms = e->svc_mean;
	out->service_p50_ms = e->svc_p50;
	out->service_p99_ms = e->svc_p99;
	out->service_scv = e->scv;
	out->hol_blocking_ms = e->hol;
	out->hol_class = e->hol_class;
	out->shape = su->model->shape;
	out->instance_cores = su->k;
	out->processes_per_instance = su->procs;
	out->workers_per_instance = su->workers;
	out->usable_cores = e->usable;
	out->instances = sz->feasible ? sz->n : 0;
	out->cores_needed = (double)out->instances * su->k;
	for (size_t i = 0; i < su->n; i++)
		mean_cpu += su->share[i] * (su->a_ms[i] + su->w_ms[i]);
	out->cores_busy = su->load->rps * mean_cpu / 1000.0;
	out->cost_month = out->cores_needed * su->load->cost_per_core_month;
	out->rps_per_instance = e->rps_inst;
	out->utilisation = e->util;
	out->loop_utilisation = e->loop_util;
	out->queue_p99_ms = e->q99;
	out->p50_ms = e->p50;
	out->p99_ms = e->p99;
	out->memory_mb = e->mem;
	out->in_flight_per_instance = e->inflight;
}

int cap_size(const struct cap_load *load, const struct cap_runtime *rt,
	     const struct cap_model *model, struct cap_result *out, const char **why)
{
	struct setup s;
	struct sized sz, best;
	const char *bad;
	double total = 0, off;
	int K, mc;
	bool have = false;

	memset(out, 0, sizeof *out);
	out->hol_class = -1;
	bad = check_inputs(load, rt, model);
	if (bad) {
		if (why)
			*why = bad;
		return -1;
	}
	memset(&s, 0, sizeof s);
	s.load = load;
	s.rt = rt;
	s.model = model;
	s.n = load->nmix;
	s.target = load->target_utilisation > 0 ? load->target_utilisation
						: CAP_DEFAULT_UTILISATION;
	s.io_ms = load->io_ms;
	s.gc_ms = rt->gc_p99_ms;
	s.budget = load->budget_p99_ms;
	off = model->shape == CAP_OFFLOAD ? model->offload_share : 0;
	for (size_t i = 0; i < s.n; i++)
		total += load->mix[i].share;
	for (size_t i = 0; i < s.n; i++) {
		double cpu = load->mix[i].cpu_ms * rt->cpu_factor;

		s.share[i] = load->mix[i].share / total;
		s.a_ms[i] = (1 - off) * cpu + model->handoff_us / 1000.0;
		s.w_ms[i] = off * cpu;
	}
	mc = load->machine_cores > 0 ? load->machine_cores : CAP_DEFAULT_MACHINE_CORES;
	K = load->cores_per_instance > 0 ? load->cores_per_instance : mc;

	if (model->shape != CAP_OFFLOAD) {
		shape_setup(&s, K);
		size_shape(&s, &best);
		fill(out, &s, &best);
		return 0;
	}
	/*
	 * Offload: the loop needs one core, the workers what the offloaded
	 * share needs.  Try instances of 1, 2, 4, ... and K cores; keep the
	 * fewest cores in all (ties: the larger instance).  When none is
	 * feasible, report the K-core shape.
	 */
	{
		struct setup chosen = s;
		int k = 1;

		for (;;) {
			struct setup t = s;

			shape_setup(&t, k);
			size_shape(&t, &sz);
			if (sz.feasible && (!have || (double)sz.n * t.k <= (double)best.n * chosen.k)) {
				best = sz;
				chosen = t;
				have = true;
			} else if (!have && k == K) {
				best = sz;
				chosen = t;
			}
			if (k == K)
				break;
			k = k > K / 2 ? K : k * 2;
		}
		fill(out, &chosen, &best);
	}
	return 0;
}

void cap_shape_text(const struct cap_result *r, char *buf, size_t len)
{
	long n = r->instances;
	const char *s = n == 1 ? "" : "s";

	if (len == 0)
		return;
	if (!r->feasible) {
		snprintf(buf, len, "none: %s", r->reason);
		return;
	}
	switch (r->shape) {
	case CAP_SINGLE_LOOP:
		snprintf(buf, len, "%ld pod%s of 1 vCPU, one process each", n, s);
		break;
	case CAP_PER_CORE_PROCESSES:
		snprintf(buf, len, "%ld machine%s of %g core%s running %d process%s each", n, s,
			 r->instance_cores, r->instance_cores == 1 ? "" : "s",
			 r->processes_per_instance, r->processes_per_instance == 1 ? "" : "es");
		break;
	case CAP_SHARED_POOL:
		snprintf(buf, len, "%ld instance%s of %g core%s", n, s, r->instance_cores,
			 r->instance_cores == 1 ? "" : "s");
		break;
	case CAP_GIL:
		snprintf(buf, len, "%ld pod%s of %.1f vCPU, one process each", n, s,
			 r->instance_cores);
		break;
	case CAP_OFFLOAD:
		snprintf(buf, len, "%ld instance%s of %g core%s, each an event loop with %d worker%s",
			 n, s, r->instance_cores, r->instance_cores == 1 ? "" : "s",
			 r->workers_per_instance, r->workers_per_instance == 1 ? "" : "s");
		break;
	}
}

long cap_gate(struct cap_gate_item *items, size_t n, double ratio)
{
	long best = -1;

	if (!(ratio > 0) || !isfinite(ratio))
		ratio = CAP_DEFAULT_GATE_RATIO;
	for (size_t i = 0; i < n; i++)
		if (items[i].feasible && isfinite(items[i].cores_needed) &&
		    (best < 0 || items[i].cores_needed < items[best].cores_needed))
			best = (long)i;
	for (size_t i = 0; i < n; i++) {
		struct cap_gate_item *it = &items[i];
		double b, bs, c = it->cores_needed;

		it->allowed = false;
		it->reason[0] = '\0';
		if (!it->feasible || !isfinite(c)) {
			snprintf(it->reason, sizeof it->reason,
				 "cannot meet the target at any size");
			continue;
		}
		/*
		 * Like with like: the leanest design counted in instances of
		 * this candidate's shape, so rounding a fraction of a core up to
		 * one whole instance is no reason to rule a design out.
		 */
		b = items[best].cores_needed;
		bs = it->instance_cores > 0
			     ? ceil(b / it->instance_cores - 1e-9) * it->instance_cores : b;
		if (c > ratio * bs && c - bs > it->instance_cores) {
			snprintf(it->reason, sizeof it->reason,
				 "needs %s cores, %.1fx the %s core%s the leanest feasible "
				 "option needs in %g-core instances, a difference of more than "
				 "one instance", cap_num(c).s, bs > 0 ? c / bs : 0, cap_num(bs).s,
				 bs == 1 ? "" : "s", it->instance_cores);
			continue;
		}
		it->allowed = true;
	}
	return best;
}
