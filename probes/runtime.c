/*
 * Runtime family (optional): the same questions asked of the real runtimes
 * found on PATH.  Each probe runs a tiny inline script (python3 -c, node
 * -e; Java and Go need a source file, written to the private scratch
 * directory, which is also the working directory and $HOME of the
 * runtime).  A script gets the seconds it may sample for and prints one
 * figure per line; the runner's watchdog bounds it like any other probe,
 * and the runtime process dies with the probe (PR_SET_PDEATHSIG).
 *
 * The runner skips a probe whose program is not on PATH before it starts,
 * and one whose fixed start-up cost (min_s) does not fit in the budget.
 */
#include "probes.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/*
 * Python: CPU work in 2 threads (or cpu_count) versus the same work run one
 * after the other; threads hold the GIL, processes (os.fork, as
 * multiprocessing's fork start method) do not.
 */
static const char rt_python_speedup[] =
	"import os, sys, time, threading\n"
	"mode, secs = sys.argv[1], float(sys.argv[2])\n"
	"n_workers = max(2, os.cpu_count() or 2)\n"
	"def work(n):\n"
	"    x = 0\n"
	"    for i in range(n):\n"
	"        x += i * i\n"
	"    return x\n"
	"n = 2000\n"
	"while True:\n"
	"    t0 = time.perf_counter(); work(n); dt = time.perf_counter() - t0\n"
	"    if dt > 0.001: break\n"
	"    n *= 2\n"
	"n = max(1000, int(n * (0.004 if secs > 0.3 else 0.002) / dt))\n"
	"pool = []\n"
	"if mode != 'threads':\n"
	"    # a pool forked once, as multiprocessing.Pool with the fork method\n"
	"    for _ in range(n_workers):\n"
	"        a, b = os.pipe(); c, d = os.pipe()\n"
	"        pid = os.fork()\n"
	"        if pid == 0:\n"
	"            while os.read(a, 1) == b'x': work(n); os.write(d, b'x')\n"
	"            os._exit(0)\n"
	"        pool.append((b, c, pid))\n"
	"def par():\n"
	"    if mode == 'threads':\n"
	"        ts = [threading.Thread(target=work, args=(n,)) for _ in range(n_workers)]\n"
	"        for t in ts: t.start()\n"
	"        for t in ts: t.join()\n"
	"    else:\n"
	"        for w in pool: os.write(w[0], b'x')\n"
	"        for w in pool: os.read(w[1], 1)\n"
	"end = time.perf_counter() + secs\n"
	"out = []\n"
	"par()\n"
	"while not out or time.perf_counter() < end:\n"
	"    t0 = time.perf_counter()\n"
	"    for _ in range(n_workers): work(n)\n"
	"    t1 = time.perf_counter(); par(); t2 = time.perf_counter()\n"
	"    out.append((t1 - t0) / (t2 - t1))\n"
	"for w in pool: os.write(w[0], b'q')\n"
	"for w in pool: os.waitpid(w[2], 0)\n"
	"sys.stdout.write(''.join('%r\\n' % v for v in out))\n";

/* Node: a 1 ms timer behind a 5 ms CPU-bound callback, as loop.timer_lag. */
static const char rt_node_lag[] =
	"const secs = Number(process.argv[1]);\n"
	"const { performance } = require('perf_hooks');\n"
	"const end = performance.now() + secs * 1000;\n"
	"const out = [];\n"
	"function spin(ms) { const e = performance.now() + ms; while (performance.now() < e); }\n"
	"function round(first) {\n"
	"  const due = performance.now() + 1;\n"
	"  setTimeout(() => {\n"
	"    const lag = performance.now() - due;\n"
	"    if (!first) out.push(lag);\n"
	"    if (first || out.length === 0 || performance.now() < end) round(false);\n"
	"    else process.stdout.write(out.map(String).join('\\n') + '\\n');\n"
	"  }, 1);\n"
	"  spin(5);\n"
	"}\n"
	"round(true);\n";

/* Java: platform thread create + start + join, microseconds each. */
static const char rt_java_spawn[] =
	"public class Spawn {\n"
	"  public static void main(String[] a) throws Exception {\n"
	"    double secs = Double.parseDouble(a[0]);\n"
	"    for (int i = 0; i < 200; i++) { Thread t = new Thread(() -> {}); t.start(); t.join(); }\n"
	"    long end = System.nanoTime() + (long)(secs * 1e9);\n"
	"    StringBuilder sb = new StringBuilder();\n"
	"    int n = 0;\n"
	"    while (n == 0 || (System.nanoTime() < end && n < 2000)) {\n"
	"      long t0 = System.nanoTime();\n"
	"      Thread t = new Thread(() -> {}); t.start(); t.join();\n"
	"      sb.append((System.nanoTime() - t0) / 1000.0).append('\\n');\n"
	"      n++;\n"
	"    }\n"
	"    System.out.print(sb);\n"
	"  }\n"
	"}\n";

/* Go: goroutine spawn + completion, microseconds each (batches of 1000). */
static const char rt_go_spawn[] =
	"package main\n"
	"import (\"fmt\"; \"os\"; \"strconv\"; \"sync\"; \"time\")\n"
	"func main() {\n"
	"\tsecs, _ := strconv.ParseFloat(os.Args[1], 64)\n"
	"\tend := time.Now().Add(time.Duration(secs * 1e9))\n"
	"\tfor n := 0; n == 0 || time.Now().Before(end); n++ {\n"
	"\t\tvar wg sync.WaitGroup\n"
	"\t\tt0 := time.Now()\n"
	"\t\tfor i := 0; i < 1000; i++ { wg.Add(1); go func() { wg.Done() }() }\n"
	"\t\twg.Wait()\n"
	"\t\tfmt.Println(float64(time.Since(t0).Nanoseconds()) / 1000.0 / 1000.0)\n"
	"\t}\n"
	"}\n";

static int rt_write_file(struct probe_ctx *c, const char *name, const char *text)
{
	FILE *f = fopen(name, "w");	/* the working directory is c->tmpdir */
	int rc = 0;

	if (f == NULL)
		return probe_skip(c, "cannot write %s/%s", c->tmpdir, name);
	if (fputs(text, f) == EOF)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	if (rc < 0)
		return probe_skip(c, "cannot write %s/%s", c->tmpdir, name);
	return 0;
}

/*
 * Run argv (argv[0] found on PATH) with stdout captured, at most until the
 * probe's deadline plus grace seconds; each line of output that parses as
 * a number becomes a sample.
 */
static int rt_run(struct probe_ctx *c, char *const argv[], double grace)
{
	int fds[2];
	pid_t pid;
	char buf[65536];
	size_t len = 0;
	double kill_at = c->deadline + grace;
	int status = 0, rc = -1;
	const char *p;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return probe_skip(c, "cannot make a pipe");
	pid = probe_fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return probe_skip(c, "cannot fork (RLIMIT_NPROC or memory)");
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(fds[1], 1);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		/* Caches and settings of the runtime land in the scratch folder. */
		setenv("HOME", c->tmpdir, 1);
		setenv("GOCACHE", c->tmpdir, 1);
		setenv("GOPATH", c->tmpdir, 1);
		setenv("GOFLAGS", "-mod=mod", 1);
		setenv("PYTHONDONTWRITEBYTECODE", "1", 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd pf = { fds[0], POLLIN, 0 };
		double left = kill_at - probe_now();
		ssize_t r;

		if (left <= 0) {
			kill(pid, SIGKILL);
			break;
		}
		if (poll(&pf, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		r = read(fds[0], buf + len, sizeof buf - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len >= sizeof buf - 1)
			break;
	}
	buf[len] = '\0';
	close(fds[0]);
	kill(pid, SIGKILL);	/* harmless when it has exited already */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	for (p = buf; *p;) {
		char *end;
		double v = strtod(p, &end);

		if (end == p) {
			p += strcspn(p, "\n");
		} else {
			probe_sample(c, v);
			p = end;
		}
		p += strspn(p, "\n");
	}
	if (c->nsamples > 0)
		rc = 0;
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		probe_skip(c, "%s failed (exit status %d)", argv[0], WEXITSTATUS(status));
	else
		probe_skip(c, "%s gave no figure in time", argv[0]);
	return rc;
}

/* ---- Python behind a shim ------------------------------------------------- */

/*
 * The real Python and its start-up, found once by the suite's parent
 * (probe_runtime_prepare) before any probe's slot begins, and inherited by
 * every probe it forks.  A python3 on PATH may be a shim (pyenv's is a
 * shell script that takes hundreds of milliseconds to choose an
 * interpreter): run behind it, every Python probe would spend its slot
 * starting up and be killed by the watchdog.
 */
static char rt_python_exe[4096];
static double rt_python_startup = 0.06;

/* Run argv with stdout into out (at most len - 1 bytes), killed after timeout seconds. */
static int rt_capture(char *const argv[], double timeout, char *out, size_t len)
{
	int fds[2], status = 0;
	size_t got = 0;
	double kill_at = probe_now() + timeout;
	pid_t pid;

	out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDWR);

		dup2(fds[1], 1);
		if (devnull >= 0) {
			dup2(devnull, 0);
			dup2(devnull, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd pf = { fds[0], POLLIN, 0 };
		double left = kill_at - probe_now();
		ssize_t r;

		if (left <= 0 || got + 1 >= len)
			break;
		if (poll(&pf, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		r = read(fds[0], out + got, len - 1 - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	out[got] = '\0';
	close(fds[0]);
	kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

void probe_runtime_prepare(void)
{
	char *ask[] = { "python3", "-c", "import sys; print(sys.executable)", NULL };
	char out[4096];

	rt_python_exe[0] = '\0';
	rt_python_startup = 0.06;
	if (rt_capture(ask, 5.0, out, sizeof out) == 0 && out[0] == '/') {
		out[strcspn(out, "\r\n")] = '\0';
		if (access(out, X_OK) == 0)
			snprintf(rt_python_exe, sizeof rt_python_exe, "%s", out);
	}
	if (rt_python_exe[0]) {
		char *pass[] = { rt_python_exe, "-c", "pass", NULL };
		double best = 0;

		/* the interpreter's own start-up, the best of two */
		for (int i = 0; i < 2; i++) {
			double t0 = probe_now();

			if (rt_capture(pass, 2.0, out, sizeof out) == 0 &&
			    (best == 0 || probe_now() - t0 < best))
				best = probe_now() - t0;
		}
		if (best > 0)
			rt_python_startup = best + 0.02;
	}
}

static void rt_secs(const struct probe_ctx *c, double startup, char *out, size_t n)
{
	double s = probe_left(c) - startup;

	snprintf(out, n, "%.3f", s < 0.01 ? 0.01 : s);
}

static int rt_python(struct probe_ctx *c, const char *mode)
{
	char secs[32];
	char *exe = rt_python_exe[0] ? rt_python_exe : "python3";
	char *argv[] = { exe, "-c", (char *)rt_python_speedup, (char *)mode, secs, NULL };

	rt_secs(c, rt_python_startup, secs, sizeof secs);
	return rt_run(c, argv, 0.3);
}

static int rt_python_threads(struct probe_ctx *c)
{
	return rt_python(c, "threads");
}

static int rt_python_procs(struct probe_ctx *c)
{
	return rt_python(c, "processes");
}

static int rt_node(struct probe_ctx *c)
{
	char secs[32];
	char *argv[] = { "node", "-e", (char *)rt_node_lag, secs, NULL };

	rt_secs(c, 0.08, secs, sizeof secs);
	return rt_run(c, argv, 0.3);
}

static int rt_java(struct probe_ctx *c)
{
	char secs[32];
	char *argv[] = { "java", "-XX:-UsePerfData", "-XX:TieredStopAtLevel=1",
			 "-Xshare:auto", "Spawn.java", secs, NULL };

	if (rt_write_file(c, "Spawn.java", rt_java_spawn) < 0)
		return -1;
	rt_secs(c, 0.7, secs, sizeof secs);
	return rt_run(c, argv, 0.5);
}

static int rt_go(struct probe_ctx *c)
{
	char secs[32];
	char *argv[] = { "go", "run", "spawn.go", secs, NULL };

	if (rt_write_file(c, "spawn.go", rt_go_spawn) < 0)
		return -1;
	rt_secs(c, 2.5, secs, sizeof secs);
	return rt_run(c, argv, 1.0);
}

const struct probe_def probe_runtime_table[] = {
	{ "runtime.python.threads_speedup", "runtime", "x", rt_python_threads, 1.0, 0.15, "python3" },
	{ "runtime.python.process_speedup", "runtime", "x", rt_python_procs, 1.0, 0.15, "python3" },
	{ "runtime.node.loop_lag", "runtime", "ms", rt_node, 1.0, 0.15, "node" },
	{ "runtime.java.thread_spawn", "runtime", "us", rt_java, 2.0, 0.9, "java" },
	{ "runtime.go.spawn", "runtime", "us", rt_go, 2.0, 3.5, "go" },
};
const size_t probe_runtime_count = ARRAY_SIZE(probe_runtime_table);
