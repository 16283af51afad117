/*
 * Processes family: what a worker process costs to start, to wake, to keep,
 * and how CPU work scales over processes.
 *
 * Round trips use pipes exactly as `perf bench sched pipe` does.  Memory
 * per worker is the private memory (Private_Clean + Private_Dirty of
 * /proc/PID/smaps_rollup) of a forked worker that touched some stack: the
 * pages it shares copy-on-write with its parent are not an added cost.
 * Every child dies with its parent (PR_SET_PDEATHSIG) and is reaped here.
 */
#include "probes.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PROC_MAX_WORKERS 16
#define PROC_TOUCH 8192

static void proc_reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int proc_fork(struct probe_ctx *c)
{
	pid_t pid;

	/* Plain fork: the child only exits, as in the reference tools. */
	pid = fork();
	if (pid < 0)
		return probe_skip(c, "cannot fork (RLIMIT_NPROC or memory)");
	if (pid == 0)
		_exit(0);
	proc_reap(pid);
	while (probe_more(c)) {
		double t0 = probe_now();

		pid = fork();
		if (pid < 0)
			return probe_skip(c, "cannot fork (RLIMIT_NPROC or memory)");
		if (pid == 0)
			_exit(0);
		proc_reap(pid);
		probe_sample(c, (probe_now() - t0) * 1e6);
	}
	return 0;
}

static int proc_rtt(struct probe_ctx *c, int cpu_a, int cpu_b)
{
	int p1[2] = { -1, -1 }, p2[2] = { -1, -1 };
	pid_t pid = -1;
	int rc = -1;

	if (pipe(p1) < 0 || pipe(p2) < 0) {
		probe_skip(c, "cannot make a pipe");
		goto out;
	}
	pid = probe_fork();
	if (pid < 0) {
		probe_skip(c, "cannot fork (RLIMIT_NPROC or memory)");
		goto out;
	}
	if (pid == 0) {
		close(p1[1]);
		close(p2[0]);
		probe_pin(cpu_b);
		probe_pp_echo(p1[0], p2[1]);
		_exit(0);
	}
	probe_pin(cpu_a);
	close(p1[0]);
	p1[0] = -1;
	close(p2[1]);
	p2[1] = -1;
	rc = probe_pp_sample(c, p1[1], p2[0]);
out:
	for (int i = 0; i < 2; i++) {
		if (p1[i] >= 0)
			close(p1[i]);
		if (p2[i] >= 0)
			close(p2[i]);
	}
	if (pid > 0)
		proc_reap(pid);
	return rc;
}

static int proc_rtt_same(struct probe_ctx *c)
{
	return proc_rtt(c, 0, 0);
}

static int proc_rtt_cross(struct probe_ctx *c)
{
	if (c->ncpu < 2)
		return probe_skip(c, "only one CPU is allowed (affinity mask or cpuset)");
	return proc_rtt(c, 0, 1);
}

/* Private KiB of process pid, from smaps_rollup or else statm; -1 on error. */
static long proc_private_kib(pid_t pid)
{
	char path[64], line[256];
	FILE *f;
	long total = -1;

	snprintf(path, sizeof path, "/proc/%d/smaps_rollup", (int)pid);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof line, f)) {
			long kib;

			if (sscanf(line, "Private_Clean: %ld kB", &kib) == 1 ||
			    sscanf(line, "Private_Dirty: %ld kB", &kib) == 1)
				total = (total < 0 ? 0 : total) + kib;
		}
		fclose(f);
		return total;
	}
	snprintf(path, sizeof path, "/proc/%d/statm", (int)pid);
	f = fopen(path, "r");
	if (f) {
		long size, rss, shared;

		if (fscanf(f, "%ld %ld %ld", &size, &rss, &shared) == 3)
			total = (rss - shared) * (sysconf(_SC_PAGESIZE) / 1024);
		fclose(f);
	}
	return total;
}

/* One round: k parked workers, one sample each; 0, or -1 when forks fail. */
static int proc_mem_round(struct probe_ctx *c, int k, bool keep)
{
	int ready[2] = { -1, -1 }, release[2] = { -1, -1 };
	pid_t pids[PROC_MAX_WORKERS];
	int n = 0, rc = -1;

	if (pipe(ready) < 0 || pipe(release) < 0)
		goto out;
	for (; n < k; n++) {
		pids[n] = probe_fork();
		if (pids[n] < 0)
			break;
		if (pids[n] == 0) {
			char b = 1;

			close(ready[0]);
			close(release[1]);
			probe_touch_stack(PROC_TOUCH);
			if (write(ready[1], &b, 1) != 1)
				_exit(1);
			while (read(release[0], &b, 1) > 0)
				;
			_exit(0);
		}
	}
	close(ready[1]);
	ready[1] = -1;
	for (int got = 0; got < n;) {
		char b[PROC_MAX_WORKERS];
		ssize_t r = read(ready[0], b, sizeof b);

		if (r <= 0)
			break;
		got += (int)r;
	}
	rc = n == k ? 0 : -1;
	for (int i = 0; i < n && rc == 0; i++) {
		long kib = proc_private_kib(pids[i]);

		if (kib < 0)
			rc = -1;
		else if (keep)
			probe_sample(c, (double)kib);
	}
out:
	if (release[1] >= 0)
		close(release[1]);
	for (int i = 0; i < n; i++)
		proc_reap(pids[i]);
	if (ready[0] >= 0)
		close(ready[0]);
	if (ready[1] >= 0)
		close(ready[1]);
	if (release[0] >= 0)
		close(release[0]);
	return rc;
}

static int proc_mem_worker(struct probe_ctx *c)
{
	int k = probe_task_room(PROC_MAX_WORKERS);

	if (k < 2)
		return probe_skip(c, "RLIMIT_NPROC leaves no room for worker processes");
	if (proc_mem_round(c, 2, false) < 0)
		return probe_skip(c, "cannot fork workers (RLIMIT_NPROC or memory)");
	while (probe_more(c))
		if (proc_mem_round(c, k, true) < 0)
			return probe_skip(c, "cannot fork %d workers or read their memory", k);
	return 0;
}

/*
 * process.speedup on a pool forked once, as multiprocessing and cluster
 * run: forks and the first-touch faults of the workers stay outside the
 * timed window (process.fork is their own figure).  Each worker waits on a
 * command pipe of its own (the start barrier) for a number of work units,
 * runs them and writes one byte to a done pipe shared by the pool; it exits
 * when its command pipe reaches end-of-file.  A sample times N units on one
 * worker against one unit on each of N workers, the same work split as in
 * thread.speedup, so the two figures compare.
 */
#define PROC_POOL_MAX 256

struct proc_pool {
	int n;				/* workers started */
	pid_t pid[PROC_POOL_MAX];
	int cmd[PROC_POOL_MAX];		/* write end of each worker's command pipe */
	int done;			/* read end of the shared done pipe */
};

static void proc_pool_worker(int rfd, int wfd, long iters)
{
	int units;
	char b = 1;

	for (;;) {
		ssize_t r = read(rfd, &units, sizeof units);

		if (r < 0 && errno == EINTR)
			continue;
		if (r != (ssize_t)sizeof units || units <= 0)
			break;
		for (int i = 0; i < units; i++)
			probe_work(iters);
		while ((r = write(wfd, &b, 1)) < 0 && errno == EINTR)
			;
		if (r != 1)
			break;
	}
	_exit(0);
}

/* Close the command pipes (the workers see end-of-file and exit), reap all. */
static void proc_pool_stop(struct proc_pool *p)
{
	for (int i = 0; i < p->n; i++)
		if (p->cmd[i] >= 0)
			close(p->cmd[i]);
	for (int i = 0; i < p->n; i++)
		proc_reap(p->pid[i]);
	if (p->done >= 0)
		close(p->done);
	p->n = 0;
	p->done = -1;
}

/* Fork k workers; 0, or -1 with every started worker reaped. */
static int proc_pool_start(struct proc_pool *p, int k, long iters)
{
	int done[2];

	p->n = 0;
	p->done = -1;
	if (pipe(done) < 0)
		return -1;
	p->done = done[0];
	for (; p->n < k; p->n++) {
		int cmd[2];
		pid_t pid;

		if (pipe(cmd) < 0)
			break;
		pid = probe_fork();
		if (pid < 0) {
			close(cmd[0]);
			close(cmd[1]);
			break;
		}
		if (pid == 0) {
			/* Keep only this worker's ends: EOF must reach each worker. */
			for (int i = 0; i < p->n; i++)
				close(p->cmd[i]);
			close(cmd[1]);
			close(done[0]);
			proc_pool_worker(cmd[0], done[1], iters);
		}
		close(cmd[0]);
		p->pid[p->n] = pid;
		p->cmd[p->n] = cmd[1];
	}
	close(done[1]);
	if (p->n < k) {
		proc_pool_stop(p);
		return -1;
	}
	return 0;
}

/* Give `units` work units to each of the first k workers, wait for all. */
static int proc_pool_run(struct proc_pool *p, int k, int units)
{
	for (int i = 0; i < k; i++) {
		ssize_t w;

		while ((w = write(p->cmd[i], &units, sizeof units)) < 0 && errno == EINTR)
			;
		if (w != (ssize_t)sizeof units)
			return -1;
	}
	for (int got = 0; got < k;) {
		char b[PROC_POOL_MAX];
		ssize_t r = read(p->done, b, (size_t)(k - got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		got += (int)r;
	}
	return 0;
}

static int proc_speedup(struct probe_ctx *c)
{
	int n = probe_task_room(c->ncpu);
	struct proc_pool pool;
	long iters;
	int rc = 0;

	if (n > PROC_POOL_MAX)
		n = PROC_POOL_MAX;
	if (n < 1)
		return probe_skip(c, "RLIMIT_NPROC leaves no room for worker processes");
	/* Units of ~5 ms, smaller when the slot is short (as thread.speedup). */
	iters = probe_calibrate(probe_left(c) / 12 < 0.005 ? 0.002 : 0.005);
	if (proc_pool_start(&pool, n, iters) < 0)
		return probe_skip(c, "cannot fork %d workers (RLIMIT_NPROC, memory or file descriptors)", n);
	/* Untimed round: every worker faults in its pages once. */
	if (proc_pool_run(&pool, n, 1) < 0) {
		rc = probe_skip(c, "a worker process went away");
		goto out;
	}
	while (probe_more(c)) {
		double t0 = probe_now(), t1, t2;

		if (proc_pool_run(&pool, 1, n) < 0) {
			rc = probe_skip(c, "a worker process went away");
			break;
		}
		t1 = probe_now();
		if (proc_pool_run(&pool, n, 1) < 0) {
			rc = probe_skip(c, "a worker process went away");
			break;
		}
		t2 = probe_now();
		probe_sample(c, (t1 - t0) / (t2 - t1));
	}
out:
	proc_pool_stop(&pool);
	return rc;
}

const struct probe_def probe_processes_table[] = {
	{ "process.fork", "processes", "us", proc_fork, 1.0, 0, NULL },
	{ "process.rtt.same_core", "processes", "us", proc_rtt_same, 1.0, 0, NULL },
	{ "process.rtt.cross_core", "processes", "us", proc_rtt_cross, 1.0, 0, NULL },
	{ "process.mem_worker", "processes", "KiB", proc_mem_worker, 1.0, 0, NULL },
	{ "process.speedup", "processes", "x", proc_speedup, 2.0, 0, NULL },
};
const size_t probe_processes_count = ARRAY_SIZE(probe_processes_table);
