/*
 * Threads family: what one kernel thread costs to start, to wake, to keep
 * parked, and how CPU work scales over them.
 *
 * Round trips use pipes exactly as `perf bench sched pipe -T` does, so the
 * figures can be checked against it.  Parked-thread memory uses stacks this
 * file maps itself: glibc caches freed thread stacks with their pages still
 * resident, which would hide the cost from the second round on.
 */
#include "probes.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define THR_MAX_PARKED 64
#define THR_STACK (8u << 20)
#define THR_TOUCH 8192

static void *thr_noop(void *arg)
{
	return arg;
}

/*
 * Create + join, always across two cores where there are two: the creator
 * is pinned to the first CPU and the new thread to the second.  Left to the
 * scheduler the figure falls into two clusters (about 16 us when the new
 * thread happens to start on the creator's core, about 40 us when it does
 * not); a pool spreading workers over cores pays the cross-core cost.
 */
static int thr_spawn(struct probe_ctx *c)
{
	pthread_t t;
	pthread_attr_t attr;
	pthread_attr_t *ap = NULL;

	if (c->ncpu >= 2 && probe_pin(0) == 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(1, &set);
		pthread_attr_init(&attr);
		if (pthread_attr_setaffinity_np(&attr, sizeof set, &set) == 0)
			ap = &attr;
	}
	if (pthread_create(&t, ap, thr_noop, NULL) != 0)
		goto fail;
	pthread_join(t, NULL);
	while (probe_more(c)) {
		double t0 = probe_now();

		if (pthread_create(&t, ap, thr_noop, NULL) != 0)
			goto fail;
		pthread_join(t, NULL);
		probe_sample(c, (probe_now() - t0) * 1e6);
	}
	if (ap)
		pthread_attr_destroy(ap);
	return 0;
fail:
	if (ap)
		pthread_attr_destroy(ap);
	return probe_skip(c, "cannot create a thread");
}

struct thr_echo {
	int rfd, wfd, cpu;
};

static void *thr_echo_main(void *arg)
{
	struct thr_echo *e = arg;

	probe_pin(e->cpu);
	probe_pp_echo(e->rfd, e->wfd);
	return NULL;
}

static int thr_rtt(struct probe_ctx *c, int cpu_a, int cpu_b)
{
	int p1[2] = { -1, -1 }, p2[2] = { -1, -1 };
	struct thr_echo e;
	pthread_t t;
	int rc = -1;

	if (pipe(p1) < 0 || pipe(p2) < 0) {
		probe_skip(c, "cannot make a pipe");
		goto out;
	}
	e.rfd = p1[0];
	e.wfd = p2[1];
	e.cpu = cpu_b;
	probe_pin(cpu_a);
	if (pthread_create(&t, NULL, thr_echo_main, &e) != 0) {
		probe_skip(c, "cannot create a thread");
		goto out;
	}
	rc = probe_pp_sample(c, p1[1], p2[0]);
	close(p1[1]);
	p1[1] = -1;
	pthread_join(t, NULL);
out:
	for (int i = 0; i < 2; i++) {
		if (p1[i] >= 0)
			close(p1[i]);
		if (p2[i] >= 0)
			close(p2[i]);
	}
	return rc;
}

static int thr_rtt_same(struct probe_ctx *c)
{
	return thr_rtt(c, 0, 0);
}

static int thr_rtt_cross(struct probe_ctx *c)
{
	if (c->ncpu < 2)
		return probe_skip(c, "only one CPU is allowed (affinity mask or cpuset)");
	return thr_rtt(c, 0, 1);
}

/* Parked threads: touch a little stack, then wait for the release. */
struct thr_park {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int parked;
	int release;
};

static void *thr_park_main(void *arg)
{
	struct thr_park *p = arg;

	probe_touch_stack(THR_TOUCH);
	pthread_mutex_lock(&p->mu);
	p->parked++;
	pthread_cond_broadcast(&p->cv);
	while (!p->release)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* One round: park k threads, return the RSS added per thread in KiB. */
static double thr_park_round(int k, int *ok)
{
	struct thr_park p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0 };
	pthread_t t[THR_MAX_PARKED];
	void *stk[THR_MAX_PARKED];
	long before, after;
	int n = 0;

	*ok = 0;
	before = probe_rss_kib();
	for (; n < k; n++) {
		pthread_attr_t a;
		int err;

		stk[n] = mmap(NULL, THR_STACK, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
		if (stk[n] == MAP_FAILED)
			break;
		/* A guard page at the low end, as glibc would place it. */
		mprotect(stk[n], 4096, PROT_NONE);
		pthread_attr_init(&a);
		pthread_attr_setstack(&a, stk[n], THR_STACK);
		err = pthread_create(&t[n], &a, thr_park_main, &p);
		pthread_attr_destroy(&a);
		if (err != 0) {
			munmap(stk[n], THR_STACK);
			break;
		}
	}
	pthread_mutex_lock(&p.mu);
	while (p.parked < n)
		pthread_cond_wait(&p.cv, &p.mu);
	pthread_mutex_unlock(&p.mu);
	after = probe_rss_kib();
	pthread_mutex_lock(&p.mu);
	p.release = 1;
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	for (int i = 0; i < n; i++) {
		pthread_join(t[i], NULL);
		munmap(stk[i], THR_STACK);
	}
	if (n < k || before < 0 || after < 0)
		return 0;
	*ok = 1;
	return (double)(after - before) / n;
}

static int thr_mem_parked(struct probe_ctx *c)
{
	int k = probe_task_room(THR_MAX_PARKED);
	int ok;

	if (k < 4)
		return probe_skip(c, "RLIMIT_NPROC leaves no room for parked threads");
	thr_park_round(k, &ok);
	while (probe_more(c)) {
		double v = thr_park_round(k, &ok);

		if (!ok)
			return probe_skip(c, "cannot park %d threads (memory or limits)", k);
		probe_sample(c, v);
	}
	return 0;
}

struct thr_work {
	long iters;
};

static void *thr_work_main(void *arg)
{
	const struct thr_work *w = arg;

	probe_work(w->iters);
	return NULL;
}

static int thr_speedup(struct probe_ctx *c)
{
	int n = probe_task_room(c->ncpu);
	struct thr_work w;
	pthread_t t[256];

	if (n > 256)
		n = 256;
	if (n < 1)
		return probe_skip(c, "RLIMIT_NPROC leaves no room for worker threads");
	/* Units of ~5 ms, smaller when the slot is short. */
	w.iters = probe_calibrate(probe_left(c) / 12 < 0.005 ? 0.002 : 0.005);
	while (probe_more(c)) {
		double t0 = probe_now(), t1, t2;
		int started = 0;

		for (int i = 0; i < n; i++)
			probe_work(w.iters);
		t1 = probe_now();
		for (; started < n; started++)
			if (pthread_create(&t[started], NULL, thr_work_main, &w) != 0)
				break;
		for (int i = 0; i < started; i++)
			pthread_join(t[i], NULL);
		t2 = probe_now();
		if (started < n)
			return probe_skip(c, "cannot start %d worker threads", n);
		probe_sample(c, (t1 - t0) / (t2 - t1));
	}
	return 0;
}

const struct probe_def probe_threads_table[] = {
	{ "thread.spawn", "threads", "us", thr_spawn, 1.0, 0, NULL },
	{ "thread.rtt.same_core", "threads", "us", thr_rtt_same, 1.0, 0, NULL },
	{ "thread.rtt.cross_core", "threads", "us", thr_rtt_cross, 1.0, 0, NULL },
	{ "thread.mem_parked", "threads", "KiB", thr_mem_parked, 1.0, 0, NULL },
	{ "thread.speedup", "threads", "x", thr_speedup, 2.0, 0, NULL },
};
const size_t probe_threads_count = ARRAY_SIZE(probe_threads_table);
