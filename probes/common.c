/*
 * Helpers shared by the probe families: the clock, sample collection, CPU
 * pinning, calibrated CPU work, stack touching and process limits.
 *
 * The CPU work is an integer hash chain whose result goes to a volatile
 * sink, so the optimiser can neither drop it nor fold it into a constant.
 */
#include "probes.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static volatile uint64_t work_sink;

double probe_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void probe_sample(struct probe_ctx *c, double v)
{
	if (c->nsamples < PROBE_MAX_SAMPLES)
		c->samples[c->nsamples++] = v;
}

bool probe_more(const struct probe_ctx *c)
{
	if (c->nsamples == 0)
		return true;
	if (c->nsamples >= PROBE_MAX_SAMPLES)
		return false;
	return probe_now() < c->deadline;
}

double probe_left(const struct probe_ctx *c)
{
	return c->deadline - probe_now();
}

int probe_skip(struct probe_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->skip, sizeof c->skip, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * The CPUs this process was allowed when it first pinned a thread (taskset,
 * a cpuset): pinning picks among them, so "CPU 1" under taskset -c 2,3 is 3.
 */
static cpu_set_t pin_allowed;
static int pin_nallowed;
static pthread_mutex_t pin_mu = PTHREAD_MUTEX_INITIALIZER;

int probe_pin(int cpu)
{
	cpu_set_t set;
	int k = -1, want;

	pthread_mutex_lock(&pin_mu);
	if (pin_nallowed == 0) {
		CPU_ZERO(&pin_allowed);
		if (sched_getaffinity(0, sizeof pin_allowed, &pin_allowed) < 0)
			CPU_SET(0, &pin_allowed);
		pin_nallowed = CPU_COUNT(&pin_allowed);
		if (pin_nallowed < 1)
			pin_nallowed = 1;
	}
	want = cpu % pin_nallowed;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &pin_allowed) && want-- == 0) {
			k = i;
			break;
		}
	pthread_mutex_unlock(&pin_mu);
	if (k < 0)
		return -1;
	CPU_ZERO(&set);
	CPU_SET(k, &set);
	return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0 ? 0 : -1;
}

void probe_work(long iters)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (uint64_t)iters;

	for (long i = 0; i < iters; i++) {
		x ^= x >> 31;
		x *= 0xbf58476d1ce4e5b9ULL;
		x ^= (uint64_t)i;
	}
	work_sink = x;
}

void probe_spin(double sec)
{
	double end = probe_now() + sec;

	while (probe_now() < end)
		probe_work(200);
}

long probe_calibrate(double sec)
{
	long iters = 10000;
	double t;

	probe_work(iters);	/* fault in, warm the branch predictors */
	for (;;) {
		double t0 = probe_now();

		probe_work(iters);
		t = probe_now() - t0;
		if (t > 0.002 || iters > (1L << 40))
			break;
		iters *= 4;
	}
	if (t <= 0)
		return iters;
	return (long)((double)iters * sec / t) + 1;
}

__attribute__((noinline)) void probe_touch_stack(size_t bytes)
{
	/* A VLA lives on this frame; a volatile pointer forces each page in. */
	char area[bytes ? bytes : 1];
	volatile char *p = area;

	for (size_t i = 0; i < bytes; i += 512)
		p[i] = (char)i;
	p[0] = 1;
}

long probe_rss_kib(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long size = 0, rss = -1;

	if (f == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = -1;
	fclose(f);
	if (rss < 0)
		return -1;
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int count_user_tasks(void)
{
	/* Threads of this process are tasks too; count them from status. */
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	int threads = 1;

	if (f == NULL)
		return 1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "Threads:", 8) == 0)
			threads = atoi(line + 8);
	fclose(f);
	return threads;
}

int probe_task_room(int want)
{
	struct rlimit rl;
	long room;

	if (getrlimit(RLIMIT_NPROC, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return want;
	/*
	 * RLIMIT_NPROC counts every task of the user, which this process
	 * cannot see cheaply; keep a wide margin and stay under half.
	 */
	room = (long)rl.rlim_cur / 2 - count_user_tasks() - 16;
	if (room < 0)
		room = 0;
	return room < want ? (int)room : want;
}

pid_t probe_fork(void)
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		/* The parent may have died before prctl: then die now. */
		if (getppid() != parent)
			_exit(127);
	}
	return pid;
}

static int write_full(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

static int read_full(int fd, void *p, size_t n)
{
	char *c = p;

	while (n > 0) {
		ssize_t r = read(fd, c, n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		c += r;
		n -= (size_t)r;
	}
	return 0;
}

void probe_pp_echo(int rfd, int wfd)
{
	int v;

	/* Same message size as perf bench sched pipe: one int each way. */
	while (read_full(rfd, &v, sizeof v) == 0)
		if (write_full(wfd, &v, sizeof v) < 0)
			break;
}

double probe_pp_batch(int wfd, int rfd, long n)
{
	double t0 = probe_now();
	int v = 0;

	for (long i = 0; i < n; i++) {
		if (write_full(wfd, &v, sizeof v) < 0 || read_full(rfd, &v, sizeof v) < 0)
			return -1;
	}
	return probe_now() - t0;
}

int probe_pp_sample(struct probe_ctx *c, int wfd, int rfd)
{
	long n = 16;
	double t;

	/* Warm up, then size batches to about a millisecond each. */
	t = probe_pp_batch(wfd, rfd, n);
	if (t < 0)
		return probe_skip(c, "ping-pong peer went away");
	if (t > 0)
		n = (long)(n * 0.001 / t) + 1;
	if (n > 2000)
		n = 2000;
	while (probe_more(c)) {
		t = probe_pp_batch(wfd, rfd, n);
		if (t < 0)
			return probe_skip(c, "ping-pong peer went away");
		probe_sample(c, t / (double)n * 1e6);
	}
	return 0;
}
