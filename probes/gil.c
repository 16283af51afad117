/*
 * Global-lock family: the speed-up of CPU-bound threads that must hold one
 * global lock to run, as CPython's threads hold the GIL.
 *
 * The lock copies CPython's design (Python/ceval_gil.h): a mutex and a
 * condition variable, and forced switching: a thread that drops the lock
 * while others wait does not take it back before one of them has it.  Each
 * thread does its work in holds of a fixed length: 50 us (code that drops
 * the lock often, e.g. around short I/O or C calls) and 2 ms (pure Python
 * loops, which keep it for up to the 5 ms switch interval).  The figure is
 * the time one thread takes for all the work divided by the time N threads
 * take, so 1.0 means no gain and below 1.0 means the threads lose time
 * handing the lock over, often across cores.
 */
#include "probes.h"

#include <pthread.h>

#define GIL_SHORT_S 0.00005
#define GIL_SHORT_HOLDS 40
#define GIL_LONG_S 0.002
#define GIL_LONG_HOLDS 3

struct gil {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_cond_t switched;
	int locked;
	int waiters;
	unsigned long switches;
};

static void gil_take(struct gil *g)
{
	pthread_mutex_lock(&g->mu);
	g->waiters++;
	while (g->locked)
		pthread_cond_wait(&g->cv, &g->mu);
	g->waiters--;
	g->locked = 1;
	g->switches++;
	pthread_cond_broadcast(&g->switched);
	pthread_mutex_unlock(&g->mu);
}

static void gil_drop(struct gil *g)
{
	pthread_mutex_lock(&g->mu);
	g->locked = 0;
	pthread_cond_signal(&g->cv);
	if (g->waiters > 0) {
		unsigned long seen = g->switches;

		/* Forced switching: wait until another thread took it. */
		while (g->switches == seen)
			pthread_cond_wait(&g->switched, &g->mu);
	}
	pthread_mutex_unlock(&g->mu);
}

struct gil_job {
	struct gil *g;
	long iters;		/* work per hold */
	int holds;
};

static void *gil_thread(void *arg)
{
	const struct gil_job *j = arg;

	for (int i = 0; i < j->holds; i++) {
		gil_take(j->g);
		probe_work(j->iters);
		gil_drop(j->g);
	}
	return NULL;
}

static int gil_speedup(struct probe_ctx *c, double hold_s, int holds)
{
	struct gil g = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER,
			 PTHREAD_COND_INITIALIZER, 0, 0, 0 };
	int n = c->ncpu < 2 ? 2 : c->ncpu;
	pthread_t t[64];
	struct gil_job seq, par;

	if (n > 64)
		n = 64;
	n = probe_task_room(n);
	if (n < 2)
		return probe_skip(c, "RLIMIT_NPROC leaves no room for threads");
	par.g = &g;
	par.iters = probe_calibrate(hold_s);
	par.holds = holds;
	seq = par;
	seq.holds = holds * n;
	while (probe_more(c)) {
		double t0 = probe_now(), t1, t2;
		int started = 0;

		gil_thread(&seq);
		t1 = probe_now();
		for (; started < n; started++)
			if (pthread_create(&t[started], NULL, gil_thread, &par) != 0)
				break;
		for (int i = 0; i < started; i++)
			pthread_join(t[i], NULL);
		t2 = probe_now();
		if (started < n)
			return probe_skip(c, "cannot start %d threads", n);
		probe_sample(c, (t1 - t0) / (t2 - t1));
	}
	return 0;
}

static int gil_short(struct probe_ctx *c)
{
	return gil_speedup(c, GIL_SHORT_S, GIL_SHORT_HOLDS);
}

static int gil_long(struct probe_ctx *c)
{
	return gil_speedup(c, GIL_LONG_S, GIL_LONG_HOLDS);
}

const struct probe_def probe_gil_table[] = {
	{ "gil.speedup.short_hold", "gil", "x", gil_short, 1.0, 0, NULL },
	{ "gil.speedup.long_hold", "gil", "x", gil_long, 1.5, 0, NULL },
};
const size_t probe_gil_count = ARRAY_SIZE(probe_gil_table);
