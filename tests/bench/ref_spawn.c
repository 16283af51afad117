/*
 * A reference for two probe figures that no packaged tool times on its
 * own: fork+exit+wait and pthread create+join.  It shares no code with
 * advisor: a plain loop around the system calls, timed with
 * CLOCK_MONOTONIC, printing the median of each in microseconds:
 *
 *   fork_us MEDIAN
 *   spawn_us MEDIAN
 *   swapcontext_ns MEDIAN
 *
 * The last is glibc's swapcontext, which makes a system call (sigprocmask)
 * at every switch: context for the coroutine switch, not a like-for-like
 * reference.
 *
 * Threads are created as the probe creates them: the creator on the first
 * CPU and the new thread on the second, where there are two.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define ROUNDS 400

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *noop(void *arg)
{
	return arg;
}

static ucontext_t main_ctx, co_ctx;

static void co_main(void)
{
	for (;;)
		swapcontext(&co_ctx, &main_ctx);
}

/* Median nanoseconds of one swapcontext, over ROUNDS batches of 1000 round trips. */
static double switch_ns(double *t)
{
	static char stack[64 * 1024];

	getcontext(&co_ctx);
	co_ctx.uc_stack.ss_sp = stack;
	co_ctx.uc_stack.ss_size = sizeof stack;
	co_ctx.uc_link = NULL;
	makecontext(&co_ctx, co_main, 0);
	for (int i = 0; i < ROUNDS; i++) {
		double t0 = now_us();

		for (int k = 0; k < 1000; k++)
			swapcontext(&main_ctx, &co_ctx);
		t[i] = (now_us() - t0) * 1e3 / 2000;
	}
	return median(t, ROUNDS);
}

int main(void)
{
	static double t[ROUNDS];
	pthread_attr_t attr, *ap = NULL;
	cpu_set_t set;

	for (int i = 0; i < ROUNDS; i++) {
		double t0 = now_us();
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			_exit(0);
		while (waitpid(pid, NULL, 0) < 0)
			;
		t[i] = now_us() - t0;
	}
	printf("fork_us %.4g\n", median(t, ROUNDS));

	if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
		CPU_ZERO(&set);
		CPU_SET(0, &set);
		if (sched_setaffinity(0, sizeof set, &set) == 0) {
			CPU_ZERO(&set);
			CPU_SET(1, &set);
			pthread_attr_init(&attr);
			if (pthread_attr_setaffinity_np(&attr, sizeof set, &set) == 0)
				ap = &attr;
		}
	}
	for (int i = 0; i < ROUNDS; i++) {
		double t0 = now_us();
		pthread_t th;

		if (pthread_create(&th, ap, noop, NULL) != 0)
			return 1;
		pthread_join(th, NULL);
		t[i] = now_us() - t0;
	}
	printf("spawn_us %.4g\n", median(t, ROUNDS));
	printf("swapcontext_ns %.4g\n", switch_ns(t));
	return 0;
}
