/*
 * Capacity model (v2): Erlang C and Allen-Cunneen against known values,
 * the wait's tail, the mix's quantiles and head-of-line blocking, the
 * shapes (1-vCPU pods for a loop, per-core processes, shared pools, the
 * lock-bound process, offload), infeasibility from latency, memory and
 * rate, the gate, monotonicity in the rate, and finite output everywhere.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "capacity.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void assert_near(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("got %.9g, want %.9g (+-%g)", got, want, tol);
}

static struct cap_class one_class[1];

/* A load of one class at cpu_ms, with a generous budget and no limits. */
static struct cap_load load_of(double rps, double cpu_ms)
{
	struct cap_load l;

	memset(&l, 0, sizeof l);
	one_class[0].share = 1;
	one_class[0].cpu_ms = cpu_ms;
	one_class[0].name = NULL;
	l.rps = rps;
	l.concurrency = 0;
	l.mix = one_class;
	l.nmix = 1;
	l.budget_p99_ms = 1000;
	l.machine_cores = 2;
	return l;
}

static const struct cap_runtime plain_rt = { 1.0, 50, 0, 0 };

static struct cap_model model_of(enum cap_shape shape, double speedup)
{
	struct cap_model m;

	memset(&m, 0, sizeof m);
	m.shape = shape;
	m.speedup = speedup;
	return m;
}

static void size_ok(const struct cap_load *l, const struct cap_runtime *rt,
		    const struct cap_model *m, struct cap_result *r)
{
	const char *why = NULL;

	if (cap_size(l, rt, m, r, &why) != 0)
		fail_msg("cap_size refused the input: %s", why ? why : "?");
}

/* ---- queueing formulas ------------------------------------------------ */

static void test_erlang_c_known_values(void **state)
{
	assert_near(cap_erlang_c(2, 1), 1.0 / 3, 1e-12);
	assert_near(cap_erlang_c(10, 8), 0.409, 0.001);
	assert_near(cap_erlang_c(1, 0.5), 0.5, 1e-12);	/* M/M/1: P(wait) = rho */
	assert_near(cap_erlang_c(3, 3), 1, 0);		/* saturated */
	assert_near(cap_erlang_c(4, 0), 0, 0);
}

/* Large c: no overflow, a probability, and it falls with spare servers. */
static void test_erlang_c_large_c(void **state)
{
	double hot = cap_erlang_c(10000, 9990);
	double cool = cap_erlang_c(10000, 9000);
	double huge = cap_erlang_c(200000, 199000);

	assert_true(isfinite(hot) && hot > 0 && hot < 1);
	assert_true(isfinite(cool) && cool >= 0 && cool < hot);
	assert_true(cool < 1e-6);
	assert_true(isfinite(huge) && huge > 0 && huge < 1);
}

static void test_allen_cunneen(void **state)
{
	double C = cap_erlang_c(4, 3);
	double mmc = C * 10 / (4 - 3);

	/* Cs^2 = 1 is M/M/c exactly; Cs^2 = 0 halves it (M/D/c-like). */
	assert_near(cap_mgc_wait_ms(4, 3, 10, 1), mmc, 1e-9);
	assert_near(cap_mgc_wait_ms(4, 3, 10, 0), mmc / 2, 1e-9);
	assert_near(cap_mgc_wait_ms(4, 3, 10, 9), mmc * 5, 1e-9);
	/* M/G/1 is exact (Pollaczek-Khinchine): M/D/1 at rho 0.5, S 10 waits 5. */
	assert_near(cap_mgc_wait_ms(1, 0.5, 10, 0), 5, 1e-9);
	assert_near(cap_mgc_wait_ms(1, 0.5, 10, 1), 10, 1e-9);
	/* No steady state, no load. */
	assert_near(cap_mgc_wait_ms(2, 2, 10, 1), -1, 0);
	assert_near(cap_mgc_wait_ms(2, 0, 10, 1), 0, 0);
}

static void test_wait_quantile(void **state)
{
	/* M/M/1 at rho 0.5, S 10: P(W > t) = 0.5 exp(-t / 20); p99 = 20 ln 50. */
	assert_near(cap_wait_quantile(0.5, 10, 0.99), 20 * log(50), 1e-9);
	assert_near(cap_wait_quantile(0.5, 10, 0.5), 0, 0);
	/* Fewer than 1 % wait: the p99 wait is 0. */
	assert_near(cap_wait_quantile(0.009, 100, 0.99), 0, 0);
	assert_true(cap_wait_quantile(0.011, 100, 0.99) > 0);
}

static void test_io_from_fraction(void **state)
{
	double io = -1;
	const char *why = NULL;

	assert_int_equal(cap_io_ms(0.4, 0.95, &io, &why), 0);
	assert_near(io, 7.6, 1e-9);
	/* Close to 1: large, finite, not clamped to 0.99. */
	assert_int_equal(cap_io_ms(1, 0.999999, &io, &why), 0);
	assert_near(io, 0.999999 / 0.000001, 1e-3);
	/* 1 with CPU: unbounded; 1 without: undetermined; both refused. */
	assert_int_equal(cap_io_ms(0.4, 1, &io, &why), -1);
	assert_non_null(strstr(why, "unbounded"));
	assert_near(io, 0, 0);
	why = NULL;
	assert_int_equal(cap_io_ms(0, 1, &io, &why), -1);
	assert_non_null(why);
	assert_int_equal(cap_io_ms(1, NAN, &io, &why), -1);
	assert_int_equal(cap_io_ms(0, 0.5, &io, &why), 0);
	assert_near(io, 0, 0);
}

/* ---- the mix ---------------------------------------------------------- */

static void test_mix_p99_picks_slow_class_above_one_percent(void **state)
{
	struct cap_class at1[] = { { 0.99, 2, NULL }, { 0.01, 300, "pdf-render" } };
	struct cap_class at2[] = { { 0.98, 2, NULL }, { 0.02, 300, "pdf-render" } };
	struct cap_load l = load_of(10, 1);
	struct cap_model m = model_of(CAP_SHARED_POOL, 2);
	struct cap_result r;

	l.mix = at1;
	l.nmix = 2;
	size_ok(&l, &plain_rt, &m, &r);
	assert_true(r.feasible);
	assert_near(r.service_p99_ms, 2, 1e-9);

	l.mix = at2;
	size_ok(&l, &plain_rt, &m, &r);
	assert_near(r.service_p99_ms, 300, 1e-9);
	assert_near(r.service_mean_ms, 0.98 * 2 + 0.02 * 300, 1e-9);
	/* Cs^2 = E[S^2] / E[S]^2 - 1 */
	assert_near(r.service_scv, (0.98 * 4 + 0.02 * 90000) / (7.96 * 7.96) - 1, 1e-9);
	/* p99 at least one render, and the render named when it cannot fit. */
	assert_true(r.p99_ms >= 300);
	l.budget_p99_ms = 250;
	size_ok(&l, &plain_rt, &m, &r);
	assert_false(r.feasible);
	assert_non_null(strstr(r.reason, "pdf-render"));
}

/* Shares that do not sum to 1 are normalised. */
static void test_mix_shares_normalised(void **state)
{
	struct cap_class a[] = { { 95, 2, NULL }, { 5, 300, NULL } };
	struct cap_class b[] = { { 0.95, 2, NULL }, { 0.05, 300, NULL } };
	struct cap_load l = load_of(50, 1);
	struct cap_model m = model_of(CAP_SINGLE_LOOP, 0);
	struct cap_result ra, rb;

	l.mix = a;
	l.nmix = 2;
	size_ok(&l, &plain_rt, &m, &ra);
	l.mix = b;
	size_ok(&l, &plain_rt, &m, &rb);
	assert_near(ra.service_mean_ms, rb.service_mean_ms, 1e-12);
	assert_int_equal(ra.instances, rb.instances);
}

/* On one thread a 300 ms class blocks every other request of the process. */
static void test_head_of_line_blocking(void **state)
{
	struct cap_class mix[] = { { 0.95, 2, NULL }, { 0.05, 300, "pdf-render" } };
	struct cap_class even[] = { { 0.5, 2, NULL }, { 0.5, 3, NULL } };
	struct cap_load l = load_of(20, 1);
	struct cap_model loop = model_of(CAP_SINGLE_LOOP, 0);
	struct cap_model pool = model_of(CAP_SHARED_POOL, 2);
	struct cap_result r, rp;

	l.mix = mix;
	l.nmix = 2;
	l.budget_p99_ms = 5000;
	size_ok(&l, &plain_rt, &loop, &r);
	assert_near(r.hol_blocking_ms, 300, 1e-9);
	assert_int_equal(r.hol_class, 1);
	/* The high Cs^2 shows in the wait: worse than the same mean without spread. */
	assert_true(r.service_scv > 4);
	size_ok(&l, &plain_rt, &pool, &rp);
	assert_near(rp.hol_blocking_ms, 0, 0);
	assert_int_equal(rp.hol_class, -1);
	l.mix = even;
	size_ok(&l, &plain_rt, &loop, &r);
	assert_near(r.hol_blocking_ms, 0, 0);
}

/* ---- shapes ----------------------------------------------------------- */

/* 21 busy cores of event loops: 30 pods of 1 vCPU, not 30 machines of 2 cores. */
static void test_event_loop_counts_one_core_per_process(void **state)
{
	struct cap_load l = load_of(2100, 10);
	struct cap_model loop = model_of(CAP_SINGLE_LOOP, 0);
	struct cap_model pool = model_of(CAP_SHARED_POOL, 2);
	struct cap_result r, rp;
	char text[128];

	size_ok(&l, &plain_rt, &loop, &r);
	assert_true(r.feasible);
	assert_int_equal(r.instances, 30);
	assert_near(r.instance_cores, 1, 0);
	assert_near(r.cores_needed, 30, 0);
	assert_int_equal(r.processes_per_instance, 1);
	assert_near(r.cores_busy, 21, 1e-9);
	assert_true(r.utilisation <= 0.7 + 1e-9);
	assert_int_equal(r.bound, CAP_BOUND_UTILISATION);
	cap_shape_text(&r, text, sizeof text);
	assert_string_equal(text, "30 pods of 1 vCPU, one process each");

	/* A pool on 2-core instances with a perfect speed-up needs the same cores. */
	size_ok(&l, &plain_rt, &pool, &rp);
	assert_int_equal(rp.instances, 15);
	assert_near(rp.cores_needed, 30, 0);
	cap_shape_text(&rp, text, sizeof text);
	assert_string_equal(text, "15 instances of 2 cores");
}

static void test_per_core_processes_shape(void **state)
{
	struct cap_load l = load_of(2100, 10);
	struct cap_model m = model_of(CAP_PER_CORE_PROCESSES, 1.9);
	struct cap_runtime rt = plain_rt;
	struct cap_result r;
	char text[128];

	l.cores_per_instance = 4;
	size_ok(&l, &rt, &m, &r);
	assert_true(r.feasible);
	assert_near(r.instance_cores, 4, 0);
	assert_int_equal(r.processes_per_instance, 4);
	assert_near(r.cores_needed, 4.0 * r.instances, 0);
	/* Efficiency 0.95 per process: 21 / (0.7 x 0.95) = 31.6 processes. */
	assert_int_equal(r.instances, 8);
	assert_near(r.memory_mb, 4 * 50, 1e-9);
	cap_shape_text(&r, text, sizeof text);
	assert_string_equal(text, "8 machines of 4 cores running 4 processes each");

	/* Four 200 MB processes do not fit 512 MB: two per (smaller) instance. */
	rt.baseline_mb = 200;
	l.memory_limit_mb = 512;
	size_ok(&l, &rt, &m, &r);
	assert_true(r.feasible);
	assert_int_equal(r.processes_per_instance, 2);
	assert_near(r.instance_cores, 2, 0);
	assert_true(r.memory_mb <= 512);
}

/*
 * Workers fed by a queue share it: an instance's processes are one M/G/c
 * station, not c stations that each hold their own line.  At the same
 * load the shared queue waits less, so a latency-bound fleet needs no
 * more cores; a utilisation-bound one needs the same.
 */
static void test_shared_queue_waits_less(void **state)
{
	struct cap_load l = load_of(150, 80);
	struct cap_model own = model_of(CAP_PER_CORE_PROCESSES, 1.9), shared = own;
	struct cap_runtime rt = plain_rt;
	struct cap_result a, b;

	shared.shared_queue = true;
	l.budget_p99_ms = 400;
	size_ok(&l, &rt, &own, &a);
	size_ok(&l, &rt, &shared, &b);
	assert_true(a.feasible && b.feasible);
	assert_true(b.cores_needed < a.cores_needed);
	assert_true(a.bound == CAP_BOUND_LATENCY);
	assert_true(b.p99_ms <= l.budget_p99_ms);

	/* A budget that does not bind: both sized by utilisation alike. */
	l.budget_p99_ms = 0;
	size_ok(&l, &rt, &own, &a);
	size_ok(&l, &rt, &shared, &b);
	assert_near(b.cores_needed, a.cores_needed, 0);
	assert_true(b.queue_p99_ms <= a.queue_p99_ms);
	(void)state;
}

static void test_gil_never_exceeds_1_2(void **state)
{
	struct cap_load l = load_of(1000, 10);
	struct cap_model m = model_of(CAP_GIL, 1.97);
	struct cap_result r;
	char text[128];

	size_ok(&l, &plain_rt, &m, &r);
	assert_near(r.usable_cores, 1.2, 1e-12);
	assert_near(r.instance_cores, 1.2, 1e-12);
	/* 10 busy cores at 0.7 x 1.2 per process: 12 processes. */
	assert_int_equal(r.instances, 12);
	cap_shape_text(&r, text, sizeof text);
	assert_string_equal(text, "12 pods of 1.2 vCPU, one process each");
	m.speedup = 16;
	size_ok(&l, &plain_rt, &m, &r);
	assert_near(r.usable_cores, 1.2, 1e-12);
	l.cores_per_instance = 64;
	size_ok(&l, &plain_rt, &m, &r);
	assert_near(r.usable_cores, 1.2, 1e-12);
	/* Threads that slow each other down: less than a core, on a 1-vCPU pod. */
	m.speedup = 0.8;
	size_ok(&l, &plain_rt, &m, &r);
	assert_near(r.usable_cores, 0.8, 1e-12);
	assert_near(r.instance_cores, 1, 0);
}

/* Offloading nothing costs what the event loop costs, plus the hand-off. */
static void test_offload_share_zero_is_event_loop(void **state)
{
	struct cap_load l = load_of(900, 2);
	struct cap_model loop = model_of(CAP_SINGLE_LOOP, 0);
	struct cap_model off = model_of(CAP_OFFLOAD, 1.97);
	struct cap_result rl, ro, rl0;

	loop.handoff_us = 60;
	off.handoff_us = 60;
	off.offload_share = 0;
	size_ok(&l, &plain_rt, &loop, &rl);
	size_ok(&l, &plain_rt, &off, &ro);
	assert_true(rl.feasible && ro.feasible);
	assert_int_equal(ro.instances, rl.instances);
	assert_near(ro.cores_needed, rl.cores_needed, 0);
	assert_near(ro.instance_cores, 1, 0);
	assert_near(ro.p99_ms, rl.p99_ms, 1e-9);
	assert_near(ro.service_mean_ms, rl.service_mean_ms, 1e-12);

	/* ... and the hand-off is all it adds to the loop's service time. */
	loop.handoff_us = 0;
	size_ok(&l, &plain_rt, &loop, &rl0);
	assert_near(ro.service_mean_ms - rl0.service_mean_ms, 0.060, 1e-12);
	assert_true(ro.cores_needed >= rl0.cores_needed);
}

/* Offloading all CPU approaches a shared pool on the same cores. */
static void test_offload_share_one_approaches_pool(void **state)
{
	struct cap_load l = load_of(1000, 10);
	struct cap_model pool = model_of(CAP_SHARED_POOL, 1.97);
	struct cap_model off = model_of(CAP_OFFLOAD, 1.97);
	struct cap_result rp, ro, rhalf;

	off.offload_share = 1;
	size_ok(&l, &plain_rt, &pool, &rp);
	size_ok(&l, &plain_rt, &off, &ro);
	assert_true(rp.feasible && ro.feasible);
	assert_near(ro.cores_busy, rp.cores_busy, 1e-9);
	assert_true(fabs(ro.cores_needed - rp.cores_needed) <= rp.instance_cores);
	assert_true(ro.cores_needed < 1.15 * rp.cores_needed);
	/* Each request still costs its own CPU on one worker. */
	assert_true(ro.service_p99_ms >= 10);
	/* Half offloaded: the loop stays busier than with everything offloaded. */
	off.offload_share = 0.5;
	size_ok(&l, &plain_rt, &off, &rhalf);
	assert_true(rhalf.feasible);
	assert_true(rhalf.loop_utilisation > ro.loop_utilisation);
	assert_true(rhalf.cores_needed >= ro.cores_needed);
}

/* ---- feasibility ------------------------------------------------------ */

static void test_infeasible_one_request_over_budget(void **state)
{
	struct cap_load l = load_of(2, 400);
	struct cap_runtime py = { 20, 60, 0, 0 };	/* 400 ms x 20 = 8 s */
	struct cap_model mp = model_of(CAP_PER_CORE_PROCESSES, 1.9);
	struct cap_result r;

	l.budget_p99_ms = 5000;
	size_ok(&l, &py, &mp, &r);
	assert_false(r.feasible);
	assert_int_equal(r.instances, 0);
	assert_near(r.cores_needed, 0, 0);
	assert_non_null(strstr(r.reason, "over the 5000 ms budget"));
	assert_true(r.p99_ms >= 8000 && isfinite(r.p99_ms));
	/* More instances cannot help: a faster runtime can. */
	py.cpu_factor = 1;
	size_ok(&l, &py, &mp, &r);
	assert_true(r.feasible);
}

static void test_infeasible_memory_and_rate(void **state)
{
	struct cap_load l = load_of(100, 1);
	struct cap_runtime fat = { 1, 600, 0, 0 };
	struct cap_model m = model_of(CAP_SHARED_POOL, 2);
	struct cap_model off = model_of(CAP_OFFLOAD, 2);
	struct cap_result r;

	l.memory_limit_mb = 512;
	size_ok(&l, &fat, &m, &r);
	assert_false(r.feasible);
	assert_non_null(strstr(r.reason, "512 MB"));

	/* In-flight memory shrinks with more instances: feasible, bound by memory. */
	fat.baseline_mb = 100;
	fat.task_kib = 1024;
	l.concurrency = 10000;
	size_ok(&l, &fat, &m, &r);
	assert_true(r.feasible);
	assert_int_equal(r.bound, CAP_BOUND_MEMORY);
	assert_true(r.memory_mb <= 512);
	assert_int_equal(r.instances, 25);	/* 10000 MB / 412 MB free per instance */

	/* Workers count: 2 x 300 MB do not fit; 1-vCPU instances with one do. */
	fat.task_kib = 0;
	fat.baseline_mb = 100;
	off.worker_mb = 300;
	off.offload_share = 0.5;
	size_ok(&l, &fat, &off, &r);
	assert_true(r.feasible);
	assert_int_equal(r.workers_per_instance, 1);
	off.worker_mb = 600;
	size_ok(&l, &fat, &off, &r);
	assert_false(r.feasible);
	assert_non_null(strstr(r.reason, "worker"));

	/* A rate no fleet under the cap can serve. */
	l = load_of(1e8, 3.6e6);
	l.budget_p99_ms = 0;
	size_ok(&l, &plain_rt, &m, &r);
	assert_false(r.feasible);
	assert_non_null(strstr(r.reason, "more than 1000000 instances"));
}

/* GC is a tail effect: on p99, not on p50. */
static void test_gc_tail_only_on_p99(void **state)
{
	struct cap_load l = load_of(100, 2);
	struct cap_runtime g0 = { 1, 50, 0, 0 }, g20 = { 1, 50, 0, 20 };
	struct cap_model m = model_of(CAP_SHARED_POOL, 2);
	struct cap_result a, b;

	size_ok(&l, &g0, &m, &a);
	size_ok(&l, &g20, &m, &b);
	assert_int_equal(a.instances, b.instances);
	assert_near(b.p99_ms - a.p99_ms, 20, 1e-9);
	assert_near(b.p50_ms, a.p50_ms, 1e-12);
	assert_near(b.service_mean_ms, a.service_mean_ms, 1e-12);
	/* A 20 ms budget rules out a 20 ms collector tail, not a 1 ms one. */
	l.budget_p99_ms = 20;
	size_ok(&l, &g20, &m, &b);
	assert_false(b.feasible);
	g20.gc_p99_ms = 1;
	size_ok(&l, &g20, &m, &b);
	assert_true(b.feasible);
}

static void test_latency_bound_and_cost(void **state)
{
	struct cap_load l = load_of(100, 50);
	struct cap_model m = model_of(CAP_SINGLE_LOOP, 0);
	struct cap_result r;

	l.budget_p99_ms = 80;
	l.cost_per_core_month = 25;
	size_ok(&l, &plain_rt, &m, &r);
	assert_true(r.feasible);
	assert_true(r.p99_ms <= 80);
	assert_int_equal(r.bound, CAP_BOUND_LATENCY);
	assert_true(r.utilisation < 0.7);
	assert_near(r.cost_month, 25 * r.cores_needed, 1e-9);
	assert_true(r.queue_p99_ms <= 30);
	assert_near(r.p99_ms, r.queue_p99_ms + 50, 1e-9);
}

static void test_bad_inputs_refused(void **state)
{
	struct cap_load l = load_of(100, 2);
	struct cap_model m = model_of(CAP_OFFLOAD, 2);
	struct cap_runtime rt = plain_rt;
	struct cap_result r;
	const char *why = NULL;

	l.rps = NAN;
	assert_int_equal(cap_size(&l, &rt, &m, &r, &why), -1);
	assert_non_null(why);
	assert_false(r.feasible);
	l = load_of(100, 2);
	m.offload_share = 1.5;
	assert_int_equal(cap_size(&l, &rt, &m, &r, &why), -1);
	m.offload_share = 0.5;
	l.nmix = 0;
	assert_int_equal(cap_size(&l, &rt, &m, &r, &why), -1);
	l = load_of(100, 2);
	rt.cpu_factor = 0;
	assert_int_equal(cap_size(&l, &rt, &m, &r, &why), -1);
	rt = plain_rt;
	l.target_utilisation = 1;
	assert_int_equal(cap_size(&l, &rt, &m, &r, &why), -1);
	l.target_utilisation = 0.5;
	assert_int_equal(cap_size(&l, &rt, &m, &r, &why), 0);
}

/* ---- the gate --------------------------------------------------------- */

static void test_gate(void **state)
{
	struct cap_gate_item small[] = { { true, 0.02, 1, false, "" }, { true, 0.1, 1, false, "" } };
	struct cap_gate_item fleet[] = { { true, 10, 2, false, "" }, { true, 174, 1, false, "" },
					 { false, 1, 1, false, "" } };
	struct cap_gate_item edge[] = { { true, 10, 1, false, "" }, { true, 30, 1, false, "" },
					{ true, 31, 1, false, "" }, { true, 31, 32, false, "" } };
	struct cap_gate_item none[] = { { false, 1, 1, true, "" }, { false, 2, 1, true, "" } };
	/* The leanest in a 1-vCPU pod; the others in 2-core instances or pods. */
	struct cap_gate_item shape[] = { { true, 1, 1, false, "" }, { true, 4, 2, false, "" },
					 { true, 8, 2, false, "" }, { true, 4, 1, false, "" } };

	/* 0.1 cores against 0.02: more than 3x, less than one instance apart. */
	assert_int_equal(cap_gate(small, N(small), 0), 0);
	assert_true(small[0].allowed && small[1].allowed);
	assert_string_equal(small[1].reason, "");

	/* 174 instances against 5 of 2 cores; an infeasible one never, even if small. */
	assert_int_equal(cap_gate(fleet, N(fleet), 0), 0);
	assert_true(fleet[0].allowed);
	assert_false(fleet[1].allowed);
	assert_non_null(strstr(fleet[1].reason, "17.4x"));
	assert_false(fleet[2].allowed);
	assert_non_null(strstr(fleet[2].reason, "any size"));

	/* Exactly 3x passes; just over fails, unless within one instance. */
	assert_int_equal(cap_gate(edge, N(edge), 3), 0);
	assert_true(edge[1].allowed);
	assert_false(edge[2].allowed);
	assert_true(edge[3].allowed);

	/*
	 * Like with like: one core is one 2-core instance in the shape of a
	 * 2-process pool, so 4 cores there is 2x, allowed; 8 is 4x, gated;
	 * 4 one-vCPU pods against 1 is 4x in the same shape, gated.
	 */
	assert_int_equal(cap_gate(shape, N(shape), 0), 0);
	assert_true(shape[1].allowed);
	assert_false(shape[2].allowed);
	assert_non_null(strstr(shape[2].reason, "4.0x the 2 cores"));
	assert_non_null(strstr(shape[2].reason, "in 2-core instances"));
	assert_false(shape[3].allowed);
	assert_non_null(strstr(shape[3].reason, "4.0x the 1 core the"));

	assert_int_equal(cap_gate(none, N(none), 0), -1);
	assert_false(none[0].allowed || none[1].allowed);
}

/* ---- properties ------------------------------------------------------- */

static const enum cap_shape shapes[] = { CAP_SINGLE_LOOP, CAP_PER_CORE_PROCESSES,
					 CAP_SHARED_POOL, CAP_GIL, CAP_OFFLOAD };

/* More requests never need fewer cores; once infeasible by rate, always. */
static void test_monotone_in_rate(void **state)
{
	struct cap_class mix[] = { { 0.9, 3, NULL }, { 0.1, 40, NULL } };
	struct cap_runtime rt = { 3, 80, 64, 5 };

	for (size_t s = 0; s < N(shapes); s++) {
		struct cap_model m = model_of(shapes[s], 1.8);
		struct cap_load l = load_of(1, 1);
		double prev = 0;
		bool prev_ok = true;

		m.offload_share = 0.6;
		m.handoff_us = 40;
		m.worker_mb = 10;
		l.mix = mix;
		l.nmix = 2;
		l.budget_p99_ms = 400;
		l.memory_limit_mb = 1024;
		l.cores_per_instance = 4;
		for (double rps = 0.5; rps < 1e9; rps *= 1.7) {
			struct cap_result r;

			l.rps = rps;
			l.concurrency = rps / 10;
			size_ok(&l, &rt, &m, &r);
			if (!prev_ok && r.feasible)
				fail_msg("shape %zu: feasible again at %g rps", s, rps);
			if (r.feasible && r.cores_needed < prev)
				fail_msg("shape %zu: %g cores at %g rps, %g before", s, r.cores_needed,
					 rps, prev);
			if (r.feasible)
				prev = r.cores_needed;
			prev_ok = r.feasible;
		}
		assert_false(prev_ok);	/* 1e9 rps x 20 ms is 2e7 cores: over the cap */
	}
}

static void check_finite(const struct cap_result *r, const char *what)
{
	const double v[] = { r->service_mean_ms, r->service_p50_ms, r->service_p99_ms,
			     r->service_scv, r->hol_blocking_ms, r->instance_cores,
			     r->usable_cores, r->cores_needed, r->cores_busy, r->cost_month,
			     r->rps_per_instance, r->utilisation, r->loop_utilisation,
			     r->queue_p99_ms, r->p50_ms, r->p99_ms, r->memory_mb,
			     r->in_flight_per_instance };

	for (size_t i = 0; i < N(v); i++)
		if (!isfinite(v[i]) || v[i] < 0)
			fail_msg("%s: field %zu is %g", what, i, v[i]);
	if (r->feasible) {
		if (r->instances < 1 || r->instances > CAP_MAX_INSTANCES || !(r->cores_needed > 0))
			fail_msg("%s: feasible with %ld instances", what, r->instances);
		if (r->reason[0])
			fail_msg("%s: feasible with a reason", what);
	} else if (r->instances != 0 || r->reason[0] == '\0') {
		fail_msg("%s: infeasible without a reason", what);
	}
	if (r->p50_ms > r->p99_ms + 1e-9)
		fail_msg("%s: p50 %g over p99 %g", what, r->p50_ms, r->p99_ms);
}

static void test_finite_everywhere(void **state)
{
	static const double rps[] = { 0, 1, 1e3, 1e8 };
	static const double cpu[] = { 0, 0.001, 2, 3.6e6 };
	static const double conc[] = { 0, 1e7 };
	static const double io[] = { 0, 1e4 };
	static const double budget[] = { 0, 5, 5000 };
	static const double mem[] = { 0, 256 };
	static const int cores[] = { 0, 1, 64 };
	const size_t total = N(shapes) * N(rps) * N(cpu) * N(conc) * N(io) * N(budget) *
			     N(mem) * N(cores);
	struct cap_runtime rt = { 20, 100, 150, 20 };
	size_t feasible = 0;

	for (size_t i = 0; i < total; i++) {
		size_t x = i;
		size_t s = x % N(shapes), a, b, c, d, e, f, g;
		struct cap_class mix[2];
		struct cap_model m;
		struct cap_load l;
		struct cap_result r;
		char what[200], text[300];

		x /= N(shapes);
		a = x % N(rps), x /= N(rps);
		b = x % N(cpu), x /= N(cpu);
		c = x % N(conc), x /= N(conc);
		d = x % N(io), x /= N(io);
		e = x % N(budget), x /= N(budget);
		f = x % N(mem), x /= N(mem);
		g = x % N(cores);
		mix[0] = (struct cap_class){ 0.95, cpu[b], "light" };
		mix[1] = (struct cap_class){ 0.05, cpu[b] * 150 + 1, "heavy" };
		m = model_of(shapes[s], (double)(g + 1) * 0.7);
		m.offload_share = 0.5;
		m.handoff_us = 60;
		m.worker_mb = 9;
		l = load_of(rps[a], 1);
		l.mix = mix;
		l.nmix = (a + b) % 2 ? 2 : 1;
		l.concurrency = conc[c];
		l.io_ms = io[d];
		l.budget_p99_ms = budget[e];
		l.memory_limit_mb = mem[f];
		l.cores_per_instance = cores[g];
		l.cost_per_core_month = 25;
		snprintf(what, sizeof what,
			 "shape %zu rps %g cpu %g conc %g io %g budget %g mem %g cores %d", s,
			 rps[a], cpu[b], conc[c], io[d], budget[e], mem[f], cores[g]);
		size_ok(&l, &rt, &m, &r);
		check_finite(&r, what);
		cap_shape_text(&r, text, sizeof text);
		if (strstr(text, "inf") || strstr(text, "nan"))
			fail_msg("%s: shape text '%s'", what, text);
		feasible += r.feasible;
	}
	/* The sweep covers both outcomes. */
	assert_true(feasible > total / 10);
	assert_true(feasible < total);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_c_known_values),
		cmocka_unit_test(test_erlang_c_large_c),
		cmocka_unit_test(test_allen_cunneen),
		cmocka_unit_test(test_wait_quantile),
		cmocka_unit_test(test_io_from_fraction),
		cmocka_unit_test(test_mix_p99_picks_slow_class_above_one_percent),
		cmocka_unit_test(test_mix_shares_normalised),
		cmocka_unit_test(test_head_of_line_blocking),
		cmocka_unit_test(test_event_loop_counts_one_core_per_process),
		cmocka_unit_test(test_per_core_processes_shape),
		cmocka_unit_test(test_shared_queue_waits_less),
		cmocka_unit_test(test_gil_never_exceeds_1_2),
		cmocka_unit_test(test_offload_share_zero_is_event_loop),
		cmocka_unit_test(test_offload_share_one_approaches_pool),
		cmocka_unit_test(test_infeasible_one_request_over_budget),
		cmocka_unit_test(test_infeasible_memory_and_rate),
		cmocka_unit_test(test_gc_tail_only_on_p99),
		cmocka_unit_test(test_latency_bound_and_cost),
		cmocka_unit_test(test_bad_inputs_refused),
		cmocka_unit_test(test_gate),
		cmocka_unit_test(test_monotone_in_rate),
		cmocka_unit_test(test_finite_everywhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
