/*
 * Replay, one candidate after another: resolve the program (shims to the
 * real executable, once per program), read its version, build it when the
 * manifest says so, start the server in a process group of its own, wait
 * for "LISTENING <port>", warm it up, then measure with the load generator
 * (replay-load.c) against the C yardstick (replay-kernels.c), with the I/O
 * backend (replay-backend.c) standing for a database.  The contract is in
 * /work/notes/replay-contract.md; docs/probes.md "Replay" tells the method.
 *
 * Safety.  Every server runs in its own process group with
 * PR_SET_PDEATHSIG, and advisor is a child subreaper while replay runs, so
 * orphaned workers come back to it to be reaped.  SIGINT, SIGTERM and
 * SIGHUP kill the current group from the handler (kill() and write() only)
 * and wake the load loop through a pipe; replay_run then stops the
 * backend, reaps everything and removes its scratch folder.  A watchdog
 * thread does the same when the run passes its budget by far.  Sockets are
 * loopback only, on ephemeral ports, and bounded in number.
 */
#include "replay-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "capacity.h"
#include "fileio.h"
#include "sigguard.h"
#include "xalloc.h"

#define LISTEN_TIMEOUT_S 20.0	/* start-up: not part of the sampling */
#define BUILD_TIMEOUT_S 120.0
#define VERSION_TIMEOUT_S 10.0
#define SERVER_MAX_CONN 256
#define WATCHDOG_GRACE_S 30.0
#define CANDIDATE_OVERHEAD_S 1.0	/* warm-up, memory, stop: per candidate */

/* ---- signals and the watchdog --------------------------------------------- */

static volatile sig_atomic_t replay_sig;
static volatile pid_t replay_pgid;
static int replay_pipe[2] = { -1, -1 };

int replay_interrupted(void)
{
	return replay_sig;
}

static void wake(void)
{
	if (replay_pipe[1] >= 0) {
		ssize_t w = write(replay_pipe[1], "x", 1);

		(void)w;
	}
}

static void on_signal(int sig)
{
	int saved = errno;
	pid_t g = replay_pgid;

	replay_sig = sig;
	if (g > 0)
		kill(-g, SIGKILL);
	wake();
	errno = saved;
}

struct watchdog {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	double kill_at;		/* replay_now() */
	bool done, fired, started;
};

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;

	pthread_mutex_lock(&w->mu);
	while (!w->done) {
		double left = w->kill_at - replay_now();
		struct timespec ts;

		if (left <= 0) {
			pid_t g = replay_pgid;

			w->fired = true;
			if (g > 0)
				kill(-g, SIGKILL);
			wake();
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)left;
		ts.tv_nsec += (long)((left - floor(left)) * 1e9);
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&w->cv, &w->mu, &ts);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* ---- the run -------------------------------------------------------------- */

struct resolved {
	char *program;		/* as in the manifest */
	char *path;		/* the real executable, or NULL */
	char *version;		/* first line of the version command */
	char *why;		/* when path is NULL */
	bool version_done;
};

struct run {
	const struct replay_options *opt;
	const struct replay_request *req;
	struct replay_set *rs;
	struct replay_manifest man;
	struct replay_backend *backend;
	char *tmpdir;
	cpu_set_t allowed;
	int ncpu;
	int first_cpu;
	double start, deadline;
	struct resolved *res;
	size_t nres, capres;
	struct watchdog wd;
	struct sig_guard sig;
	char *doc;		/* {src}/order.json, when present */
	size_t doclen;
};

static bool stopping(const struct run *r)
{
	return replay_sig != 0 || r->wd.fired;
}

/* ---- child processes ------------------------------------------------------ */

/* Reap every child that has exited (the server's workers come back here). */
static void reap_all(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* Kill group pgid: SIGTERM, SIGKILL after grace seconds, then reap. */
static void kill_group(pid_t pgid, double grace)
{
	double until = replay_now() + grace;

	if (pgid <= 0)
		return;
	kill(-pgid, grace > 0 ? SIGTERM : SIGKILL);
	while (grace > 0 && replay_now() < until) {
		reap_all();
		if (kill(-pgid, 0) < 0 && errno == ESRCH)
			break;
		usleep(10000);
	}
	kill(-pgid, SIGKILL);
	for (int i = 0; i < 200; i++) {
		pid_t w = waitpid(-pgid, NULL, WNOHANG);

		reap_all();
		if (w < 0 && kill(-pgid, 0) < 0 && errno == ESRCH)
			break;
		if (w <= 0)
			usleep(5000);
	}
	if (replay_pgid == pgid)
		replay_pgid = 0;
}

/*
 * Start argv (argv[0] a path) in a process group of its own, cwd dir, stdin
 * /dev/null, stdout into a pipe (*out_fd), stderr into errfile, env added.
 * Returns the pid, or -1 with *why.
 */
static pid_t spawn(char *const argv[], const char *dir, char *const env[], const char *errfile,
		   const cpu_set_t *cpus, int *out_fd, char *why, size_t whylen)
{
	int fds[2], errp[2];
	pid_t pid;
	char c;

	if (pipe2(fds, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "cannot fork: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		close(errp[0]);
		close(errp[1]);
		return -1;
	}
	if (pid == 0) {
		sigset_t none;
		int in = open("/dev/null", O_RDONLY), err;

		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		err = errfile ? open(errfile, O_WRONLY | O_CREAT | O_APPEND, 0600) : -1;
		if (in < 0 || chdir(dir) != 0)
			_exit(126);
		dup2(in, 0);
		dup2(fds[1], 1);
		if (err >= 0)
			dup2(err, 2);
		if (cpus)
			sched_setaffinity(0, sizeof *cpus, cpus);
		for (size_t i = 0; env && env[i]; i++)
			putenv(env[i]);
		execv(argv[0], argv);
		c = (char)(errno & 0x7f);
		if (write(errp[1], &c, 1) < 0)
			_exit(127);
		_exit(127);
	}
	setpgid(pid, pid);
	replay_pgid = pid;
	close(fds[1]);
	close(errp[1]);
	if (read(errp[0], &c, 1) == 1) {
		snprintf(why, whylen, "cannot run '%s': %s", argv[0], strerror(c));
		close(errp[0]);
		close(fds[0]);
		kill_group(pid, 0);
		return -1;
	}
	close(errp[0]);
	*out_fd = fds[0];
	return pid;
}

/*
 * Read fd until end of file, timeout or a stop; *out gets what came.
 * Returns 0 at end of file, -1 otherwise.
 */
static int read_all(const struct run *r, int fd, double timeout, struct buf *out)
{
	double until = replay_now() + timeout;

	for (;;) {
		struct pollfd pf[2] = { { fd, POLLIN, 0 }, { replay_pipe[0], POLLIN, 0 } };
		double left = until - replay_now();
		char chunk[4096];
		ssize_t n;

		if (left <= 0 || stopping(r))
			return -1;
		if (poll(pf, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return -1;
		if (pf[1].revents & POLLIN)
			return -1;
		if (!(pf[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 0;
		if (out->len < 65536)
			buf_add(out, chunk, (size_t)n);
	}
}

/* Run argv to its end (at most timeout s) with stdout and stderr in *out; exit status or -1. */
static int run_capture(struct run *r, char *const argv[], const char *dir, double timeout,
		       struct buf *out, char *why, size_t whylen)
{
	char *errfile = xasprintf("%s/capture.err", r->tmpdir);
	int fd = -1, status = -1, rc = -1;
	pid_t pid;

	unlink(errfile);
	pid = spawn(argv, dir, NULL, errfile, NULL, &fd, why, whylen);
	if (pid < 0)
		goto out;
	if (read_all(r, fd, timeout, out) < 0) {
		snprintf(why, whylen, "'%s' did not finish within %.0f s", argv[0], timeout);
		kill_group(pid, 0);
		goto out;
	}
	if (waitpid(pid, &status, 0) == pid)
		rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	kill_group(pid, 0);
	{
		char *err = NULL;
		size_t len = 0;
		struct diags d = DIAGS_INIT;

		if (file_read(errfile, 65536, &err, &len, &d) == 0)
			buf_add(out, err, len);
		free(err);
		diags_release(&d);
	}
	if (rc != 0)
		snprintf(why, whylen, "'%s' exited with status %d", argv[0], rc);
out:
	if (fd >= 0)
		close(fd);
	unlink(errfile);
	free(errfile);
	return rc;
}

/* ---- programs ------------------------------------------------------------- */

/*
 * prog found in a folder of $PATH; NULL when absent.  Links are not
 * resolved: a multi-call program (rustup's proxies, busybox) picks its
 * tool by the name it is run under.
 */
static char *find_on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *dir, *found = NULL;

	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
	copy = xstrdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *dir ? dir : ".", prog);
		struct stat st;

		if (access(full, X_OK) == 0 && stat(full, &st) == 0 && S_ISREG(st.st_mode))
			found = full;
		else
			free(full);
	}
	free(copy);
	return found;
}

static char *first_line(const struct buf *b)
{
	const char *s = buf_str(b);

	while (*s == '\n' || *s == ' ')
		s++;
	return xstrndup(s, strcspn(s, "\r\n"));
}

/*
 * The real executable of a program, once per program.  A Python found on
 * PATH may be a shim (pyenv's is a shell script that takes hundreds of
 * milliseconds to pick an interpreter): ask the interpreter itself.
 */
static struct resolved *resolve(struct run *r, const char *program)
{
	struct resolved *res;
	const char *base = strrchr(program, '/') ? strrchr(program, '/') + 1 : program;

	for (size_t i = 0; i < r->nres; i++)
		if (strcmp(r->res[i].program, program) == 0)
			return &r->res[i];
	res = XPUSH(r->res, r->nres, r->capres);
	memset(res, 0, sizeof *res);
	res->program = xstrdup(program);
	res->path = find_on_path(program);
	if (res->path == NULL) {
		res->why = xasprintf("'%s' not found on PATH", program);
	} else if (strncmp(base, "python", 6) == 0) {
		char *argv[] = { res->path, "-c", "import sys; print(sys.executable)", NULL };
		struct buf out = BUF_INIT;
		char why[256];

		if (run_capture(r, argv, r->tmpdir, VERSION_TIMEOUT_S, &out, why, sizeof why) == 0) {
			char *exe = first_line(&out);

			if (*exe == '/' && access(exe, X_OK) == 0) {
				free(res->path);
				res->path = exe;
				exe = NULL;
			}
			free(exe);
		}
		buf_release(&out);
	}
	return res;
}

/* Compare the dotted numbers of version (from its first digit) with min: <0, 0, >0. */
static int version_cmp(const char *version, const char *min)
{
	const char *a = version, *b = min;

	while (*a && (*a < '0' || *a > '9'))
		a++;
	while (*b && (*b < '0' || *b > '9'))
		b++;
	while (*a || *b) {
		long x = strtol(a, (char **)&a, 10), y = strtol(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		if (*a == '.')
			a++;
		else
			a = "";
		if (*b == '.')
			b++;
		else
			b = "";
	}
	return 0;
}

/* {src} and {out} replaced in arg; caller frees. */
static char *subst(const char *arg, const char *src, const char *out)
{
	struct buf b = BUF_INIT;

	while (*arg) {
		if (strncmp(arg, "{src}", 5) == 0) {
			buf_adds(&b, src);
			arg += 5;
		} else if (strncmp(arg, "{out}", 5) == 0) {
			buf_adds(&b, out);
			arg += 5;
		} else {
			buf_addc(&b, *arg++);
		}
	}
	return buf_detach(&b);
}

static void free_words(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/*
 * The argv of a manifest list: words substituted; the first word is the
 * program when it names it (replaced by the resolved path), kept when it
 * is a path under {out} (a built binary).  A command line (build,
 * version) starts with its own command, found on PATH; the server's argv
 * otherwise gets the resolved program first.
 */
static char **make_argv(char *const *words, const struct resolved *res, const char *src,
			const char *out, bool command)
{
	size_t n = 0, k = 0;
	char **v;
	char *cmd;

	while (words[n])
		n++;
	v = xcalloc(n + 2, sizeof *v);
	if (n > 0 && strcmp(words[0], res->program) == 0) {
		v[k++] = xstrdup(res->path);
		words++;
	} else if (n > 0 && command && strncmp(words[0], "{out}", 5) != 0) {
		cmd = find_on_path(words[0]);
		v[k++] = cmd ? cmd : xstrdup(words[0]);
		words++;
	} else if (n == 0 || strncmp(words[0], "{out}", 5) != 0) {
		v[k++] = xstrdup(res->path);
	}
	for (; *words; words++)
		v[k++] = subst(*words, src, out);
	return v;
}

static char *join_words(char *const *v)
{
	struct buf b = BUF_INIT;

	for (size_t i = 0; v[i]; i++) {
		if (i)
			buf_addc(&b, ' ');
		if (strpbrk(v[i], " \t'\"$\\"))
			buf_addf(&b, "'%s'", v[i]);
		else
			buf_adds(&b, v[i]);
	}
	return buf_detach(&b);
}

/* ---- the server's process tree -------------------------------------------- */

struct tree_stat {
	int nproc;
	double cpu_s;		/* utime + stime + cutime + cstime */
	double mem_kib;		/* Pss (VmRSS when smaps_rollup is missing) */
};

/* Sum of a "Key: N kB" line of /proc/PID/FILE, or -1. */
static double proc_kib(pid_t pid, const char *file, const char *key)
{
	char path[64], line[256];
	size_t kl = strlen(key);
	double v = -1;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, file);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	while (fgets(line, sizeof line, f))
		if (strncmp(line, key, kl) == 0 && line[kl] == ':') {
			v = strtod(line + kl + 1, NULL);
			break;
		}
	fclose(f);
	return v;
}

/* Fields 5 (pgrp) and 14..17 (CPU ticks) of /proc/PID/stat. */
static int proc_stat(pid_t pid, long *pgrp, double *ticks)
{
	char path[64], buf[1024], *p;
	unsigned long long ut, st;
	long long cut, cst;
	int ppid;
	char state;
	FILE *f;
	size_t n;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %c %d %ld %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %lld %lld",
				&state, &ppid, pgrp, &ut, &st, &cut, &cst) != 7)
		return -1;
	*ticks = (double)ut + (double)st + (double)cut + (double)cst;
	return 0;
}

/* Visit every process of group pgid. */
static void tree_walk(pid_t pgid, void (*fn)(pid_t pid, double ticks, void *arg), void *arg)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		long pgrp;
		double ticks;
		pid_t pid = (pid_t)strtol(e->d_name, NULL, 10);

		if (pid <= 0 || proc_stat(pid, &pgrp, &ticks) < 0 || pgrp != pgid)
			continue;
		fn(pid, ticks, arg);
	}
	closedir(d);
}

static void stat_one(pid_t pid, double ticks, void *arg)
{
	struct tree_stat *t = arg;
	long hz = sysconf(_SC_CLK_TCK);
	double kib = proc_kib(pid, "smaps_rollup", "Pss");

	if (kib < 0)
		kib = proc_kib(pid, "status", "VmRSS");
	t->nproc++;
	t->cpu_s += ticks / (double)(hz > 0 ? hz : 100);
	t->mem_kib += kib > 0 ? kib : 0;
}

static void tree_stat(pid_t pgid, struct tree_stat *t)
{
	memset(t, 0, sizeof *t);
	tree_walk(pgid, stat_one, t);
}

static void pin_one(pid_t pid, double ticks, void *arg)
{
	char path[64];
	DIR *d;
	struct dirent *e;

	(void)ticks;
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);

		if (tid > 0)
			sched_setaffinity(tid, sizeof(cpu_set_t), arg);
	}
	closedir(d);
}

/* Set the CPU affinity of every thread of every process of group pgid. */
static void tree_pin(pid_t pgid, const cpu_set_t *cpus)
{
	/* twice: a thread started while the first pass ran inherits the old mask */
	tree_walk(pgid, pin_one, (void *)cpus);
	tree_walk(pgid, pin_one, (void *)cpus);
}

/* ---- one candidate -------------------------------------------------------- */

struct server {
	pid_t pid;
	int out_fd;
	int port;
	char **argv;
	char *errfile;
};

/* Wait for "LISTENING <port>" on the server's stdout; the port, -1 (timeout, bad line) or -2 (exited). */
static int wait_listening(const struct run *r, int fd, double timeout)
{
	double until = replay_now() + timeout;
	char line[256];
	size_t len = 0;

	while (!stopping(r)) {
		struct pollfd pf[2] = { { fd, POLLIN, 0 }, { replay_pipe[0], POLLIN, 0 } };
		double left = until - replay_now();
		ssize_t n;
		char *nl;

		if (left <= 0)
			return -1;
		if (poll(pf, 2, (int)(left * 1000) + 1) < 0 && errno != EINTR)
			return -1;
		if (!(pf[0].revents & (POLLIN | POLLHUP)))
			continue;
		n = read(fd, line + len, sizeof line - 1 - len);
		if (n <= 0)
			return -2;
		len += (size_t)n;
		line[len] = '\0';
		nl = strchr(line, '\n');
		if (nl) {
			long port;
			char *end;

			if (strncmp(line, "LISTENING ", 10) != 0)
				return -1;
			port = strtol(line + 10, &end, 10);
			return end != line + 10 && (*end == '\n' || *end == '\r') && port > 0 &&
			       port < 65536 ? (int)port : -1;
		}
		if (len >= sizeof line - 1)
			return -1;
	}
	return -1;
}

/* The last line of the server's stderr, for a reason; caller frees. */
static char *last_err(const char *errfile)
{
	char *text = NULL, *line, *end;
	size_t len = 0;
	struct diags d = DIAGS_INIT;

	if (file_read(errfile, 1 << 20, &text, &len, &d) < 0 || len == 0) {
		diags_release(&d);
		free(text);
		return xstrdup("");
	}
	diags_release(&d);
	end = text + len;
	while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	*end = '\0';
	line = strrchr(text, '\n');
	line = xasprintf(": %.200s", line ? line + 1 : text);
	free(text);
	return line;
}

static void set_reason(struct replay_candidate *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_reason(struct replay_candidate *c, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	if (c->reason) {
		char *both = xasprintf("%s; %s", c->reason, s);

		free(s);
		s = both;
	}
	free(c->reason);
	c->reason = s;
}

/* The environment of the contract; caller frees. */
static char **server_env(const struct run *r)
{
	char **env = xcalloc(4, sizeof *env);
	size_t k = 0;
	bool io = false;

	for (size_t i = 0; i < r->rs->load.nclasses; i++)
		io |= r->rs->load.classes[i].io_us > 0;
	env[k++] = xasprintf("ADVISOR_REPLAY_WORKERS=%d", r->ncpu);
	env[k++] = xasprintf("ADVISOR_REPLAY_MAX_CONN=%d", SERVER_MAX_CONN);
	if (io && r->backend)
		env[k++] = xasprintf("ADVISOR_REPLAY_BACKEND=127.0.0.1:%d",
				     replay_backend_port(r->backend));
	return env;
}

/* Check the program, its version and build; fill what is needed to start it. */
static int prepare(struct run *r, size_t idx, struct replay_candidate *c, struct server *sv)
{
	const struct replay_manifest_entry *e = &r->man.e[idx];
	struct resolved *res = resolve(r, e->program);
	char *outdir;
	char why[512] = "";

	if (res->path == NULL) {
		set_reason(c, "%s%s%s", res->why, e->install ? "; install: " : "",
			   e->install ? e->install : "");
		return -1;
	}
	if (!res->version_done && e->version) {
		char **argv = make_argv(e->version, res, r->man.dir, r->tmpdir, true);
		struct buf out = BUF_INIT;

		if (run_capture(r, argv, r->tmpdir, VERSION_TIMEOUT_S, &out, why, sizeof why) == 0)
			res->version = first_line(&out);
		buf_release(&out);
		free_words(argv);
		res->version_done = true;
	}
	if (res->version)
		c->runtime_version = xstrdup(res->version);
	if (e->min_version && (res->version == NULL || version_cmp(res->version, e->min_version) < 0)) {
		set_reason(c, "%s %s is older than the %s this model needs%s%s", e->program,
			   res->version ? res->version : "(unknown version)", e->min_version,
			   e->install ? "; install: " : "", e->install ? e->install : "");
		return -1;
	}
	outdir = xasprintf("%s/build-%zu", r->tmpdir, idx);
	if (mkdir(outdir, 0700) < 0 && errno != EEXIST) {
		set_reason(c, "cannot make a build folder: %s", strerror(errno));
		free(outdir);
		return -1;
	}
	if (e->build) {
		char **argv = make_argv(e->build, res, r->man.dir, outdir, true);
		struct buf out = BUF_INIT;

		if (run_capture(r, argv, outdir, BUILD_TIMEOUT_S, &out, why, sizeof why) != 0) {
			char *tail = first_line(&out);

			set_reason(c, "build failed: %s%s%s", why, *tail ? ": " : "", tail);
			free(tail);
			buf_release(&out);
			free_words(argv);
			free(outdir);
			return -1;
		}
		buf_release(&out);
		free_words(argv);
	}
	sv->argv = make_argv(e->argv, res, r->man.dir, outdir, false);
	free(outdir);
	c->command = join_words(sv->argv);
	return 0;
}

static int start_server(struct run *r, struct replay_candidate *c, struct server *sv)
{
	char **env = server_env(r);
	char why[256] = "";
	double t0 = replay_now();
	int rc = -1;

	sv->errfile = xasprintf("%s/server.err", r->tmpdir);
	unlink(sv->errfile);
	sv->pid = spawn(sv->argv, r->tmpdir, env, sv->errfile, NULL, &sv->out_fd, why, sizeof why);
	if (sv->pid < 0) {
		set_reason(c, "%s", why);
		goto out;
	}
	sv->port = wait_listening(r, sv->out_fd, LISTEN_TIMEOUT_S);
	if (sv->port < 0) {
		char *tail = last_err(sv->errfile);

		if (stopping(r))
			;
		else if (sv->port == -2)
			set_reason(c, "the server exited before it printed 'LISTENING <port>'%s", tail);
		else
			set_reason(c, "the server did not print 'LISTENING <port>' within %.0f s%s",
				   LISTEN_TIMEOUT_S, tail);
		free(tail);
		goto out;
	}
	c->startup_ms = (replay_now() - t0) * 1000;
	if (r->opt->on_listen)
		r->opt->on_listen(r->opt->progress_arg, c->runtime, c->model, sv->port);
	rc = 0;
out:
	free_words(env);
	return rc;
}

static void stop_server(struct server *sv)
{
	if (sv->pid > 0)
		kill_group(sv->pid, 1.0);
	if (sv->out_fd >= 0)
		close(sv->out_fd);
	if (sv->errfile)
		unlink(sv->errfile);
	free(sv->errfile);
	free_words(sv->argv);
	memset(sv, 0, sizeof *sv);
	sv->out_fd = -1;
}

static void make_target(const struct run *r, int port, struct replay_target *t)
{
	const struct replay_load *l = &r->rs->load;

	memset(t, 0, sizeof *t);
	t->port = port;
	t->connections = l->connections;
	t->stop_fd = replay_pipe[0];
	for (size_t i = 0; i < l->nclasses; i++) {
		const struct replay_class *k = &l->classes[i];

		t->req[i] = xasprintf("GET /r?web=%ld&compute=%ld&native=%ld&io_us=%ld HTTP/1.1\r\n"
				      "Host: 127.0.0.1\r\n\r\n", k->web, k->compute, k->native, k->io_us);
		t->reqlen[i] = strlen(t->req[i]);
		t->share[i] = k->share;
	}
	t->nreq = l->nclasses;
}

static void free_target(struct replay_target *t)
{
	for (size_t i = 0; i < t->nreq; i++)
		free(t->req[i]);
}

/* Memory at rest, then with idle keep-alive connections held open. */
static void measure_memory(const struct run *r, const struct server *sv,
			   struct replay_candidate *c)
{
	struct tree_stat a, b;
	int fds[REPLAY_MAX_IDLE];
	int n;

	usleep(100000);
	tree_stat(sv->pid, &a);
	c->rss_base_mb = a.mem_kib / 1024.0;
	n = replay_idle_open(sv->port, r->rs->load.idle_connections, fds, 2.0);
	usleep(100000);
	tree_stat(sv->pid, &b);
	replay_idle_close(fds, n);
	if (n > 0) {
		double per = (b.mem_kib - a.mem_kib) / n;

		c->kib_per_connection = per > 0 ? per : 0;
	}
	if (n < r->rs->load.idle_connections)
		set_reason(c, "only %d of %d idle connections were held", n,
			   r->rs->load.idle_connections);
}

/* The load part: warm-up, the rate searches, the load points, CPU per request. */
static void measure_load(struct run *r, const struct server *sv, struct replay_candidate *c,
			 double sampling)
{
	const struct replay_load *l = &r->rs->load;
	struct replay_target t;
	struct replay_gen *g;
	struct replay_step st;
	struct replay_search s;
	struct tree_stat a, b;
	double warm = sampling * 0.1 < 0.5 ? sampling * 0.1 : 0.5, closed_rate;
	uint64_t done = 0;
	bool multi = r->ncpu >= 2;

	make_target(r, sv->port, &t);
	g = replay_gen_new(&t);
	/* warm-up, closed loop: its rate is where the search starts */
	replay_gen_step(g, 0, warm, 0.5, false, &st);
	closed_rate = st.rate;
	if (st.stopped || st.done == 0 || st.errors == st.done) {
		set_reason(c, st.done == 0 ? "no answer to the warm-up requests"
					     : "the warm-up requests failed");
		goto out;
	}
	tree_stat(sv->pid, &a);
	memset(&s, 0, sizeof s);
	s.p99_budget_ms = l->p99_budget_ms;
	s.step_s = l->step_s;
	s.max_steps = 12;
	s.start_rate = closed_rate > 4 ? closed_rate / 2 : 2;
	s.time_s = sampling * (multi ? 0.45 : 0.75);
	replay_rate_search(g, &s, l->poisson);
	done += (uint64_t)s.done;
	c->max_rps = s.max_rps;
	if (s.stopped)
		goto out;
	if (s.max_rps <= 0) {
		set_reason(c, "no rate tried met the p99 budget of %g ms", l->p99_budget_ms);
	} else {
		static const double shares[2] = { 0.5, 0.8 };

		for (int i = 0; i < 2; i++) {
			struct replay_point *p = &c->points[c->npoints++];

			replay_settle(sv->port, 1.0);
			replay_gen_step(g, s.max_rps * shares[i], l->step_s * 1.5, 0.5, l->poisson,
					&st);
			done += st.done;
			p->share = shares[i];
			p->rps = s.max_rps * shares[i];
			p->p50_ms = st.p50_ms;
			p->p99_ms = st.p99_ms;
		}
		c->p50_ms = c->points[1].p50_ms;
		c->p99_ms = c->points[1].p99_ms;
	}
	if (!multi) {
		set_reason(c, "usable cores not measured: only one CPU is allowed");
	} else if (s.max_rps > 0 && !stopping(r)) {
		struct replay_search one = s;
		cpu_set_t cpu;

		CPU_ZERO(&cpu);
		CPU_SET(r->first_cpu, &cpu);
		replay_settle(sv->port, 1.0);
		tree_pin(sv->pid, &cpu);
		/* one CPU serves less than all of them: bisect below that rate */
		one.start_rate = s.max_rps / r->ncpu;
		one.hi_start = s.max_rps * 1.1;
		one.time_s = sampling * 0.35;
		replay_rate_search(g, &one, l->poisson);
		done += (uint64_t)one.done;
		tree_pin(sv->pid, &r->allowed);
		if (one.max_rps > 0 && s.max_rps / one.max_rps <= r->ncpu * 1.25)
			c->usable_cores = s.max_rps / one.max_rps;
		else if (one.max_rps > 0)
			set_reason(c, "usable cores not credible: %.3g times the rate of one CPU with "
				   "%d allowed (the machine was busy)", s.max_rps / one.max_rps, r->ncpu);
		else
			set_reason(c, "usable cores not measured: no rate met the budget on one CPU");
	}
	tree_stat(sv->pid, &b);
	if (done > 0 && b.cpu_s >= a.cpu_s) {
		c->cpu_ms_per_request = (b.cpu_s - a.cpu_s) * 1000 / (double)done;
		if (l->yardstick_ms > 0)
			c->cpu_factor = c->cpu_ms_per_request / l->yardstick_ms;
	}
out:
	replay_gen_free(g);
	free_target(&t);
}

static void candidate(struct run *r, size_t idx, size_t left)
{
	const struct replay_manifest_entry *e = &r->man.e[idx];
	struct replay_candidate *c = replay_set_add(r->rs);
	struct server sv = { .out_fd = -1 };
	double sampling = (r->deadline - replay_now()) / (double)left - CANDIDATE_OVERHEAD_S;

	c->runtime = xstrdup(e->runtime);
	c->model = xstrdup(e->model);
	if (sampling > r->opt->max_sampling_s)
		sampling = r->opt->max_sampling_s;
	if (sampling < 1.0) {
		set_reason(c, "the replay budget (%g s) ran out before this candidate",
			   r->opt->budget_s);
		return;
	}
	if (prepare(r, idx, c, &sv) < 0 || stopping(r) || start_server(r, c, &sv) < 0)
		goto out;
	measure_memory(r, &sv, c);
	if (!stopping(r))
		measure_load(r, &sv, c, sampling);
	c->measured = !stopping(r) && isfinite(c->max_rps);
out:
	stop_server(&sv);
	if (r->wd.fired && !c->measured)
		set_reason(c, "watchdog: the replay ran %.0f s past its budget", WATCHDOG_GRACE_S);
	if (!c->measured) {
		/* a skipped candidate carries no figures, only its reason */
		c->cpu_ms_per_request = c->cpu_factor = c->usable_cores = NAN;
		c->max_rps = c->p50_ms = c->p99_ms = c->rss_base_mb = c->kib_per_connection = NAN;
		c->npoints = 0;
		if (c->reason == NULL)
			c->reason = xstrdup("not measured");
	}
}

/* ---- set-up and tear-down ------------------------------------------------- */

static void arm(struct run *r)
{
	replay_sig = 0;
	sig_guard_arm(&r->sig, on_signal);
}

static void disarm(struct run *r)
{
	sig_guard_disarm(&r->sig);
}

/* What one request runs, from the profile and the kernels' cost here. */
static void plan_load(struct run *r)
{
	const struct replay_request *q = r->req;
	struct replay_load *l = &r->rs->load;
	struct replay_shares sh = q->shares ? *q->shares : replay_default_shares(q->kind);
	struct replay_class one = { 1.0, q->cpu_ms, 0, 0, 0, 0 };
	const struct replay_class *mix = q->nmix ? q->mix : &one;
	size_t n = q->nmix ? q->nmix : 1;

	replay_kernels_measure(r->doc, r->doclen, l->kernel_us);
	l->yardstick_ms = 0;
	for (size_t i = 0; i < n && i < REPLAY_MAX_CLASSES; i++) {
		struct replay_class *k = &l->classes[l->nclasses++];
		double io_ms = 0;
		const char *why;

		k->share = mix[i].share;
		k->cpu_ms = mix[i].cpu_ms;
		l->yardstick_ms += k->share * replay_calibrate(k->cpu_ms, &sh, l->kernel_us,
							       &k->web, &k->compute, &k->native);
		if (cap_io_ms(k->cpu_ms, q->io_wait_fraction, &io_ms, &why) == 0 && io_ms > 0)
			k->io_us = io_ms * 1000 > 60e6 ? 60000000 : lround(io_ms * 1000);
	}
	l->yardstick_ms = replay_round(l->yardstick_ms);
	l->connections = q->peak_concurrency >= REPLAY_MAX_CONN ? REPLAY_MAX_CONN
			 : q->peak_concurrency < 4 ? 4 : (int)ceil(q->peak_concurrency);
	l->idle_connections = REPLAY_MAX_IDLE;
	l->p99_budget_ms = q->latency_p99_ms > 0 ? q->latency_p99_ms : 100;
	l->poisson = r->opt->poisson;
	l->sampling_s = r->opt->max_sampling_s;
	l->step_s = l->sampling_s / 14 < 0.1 ? 0.1 : l->sampling_s / 14 > 0.4 ? 0.4
									       : l->sampling_s / 14;
}

/* The CPUs this process may run on: the count, the first one, the mask. */
static void allowed_cpus(struct run *r)
{
	CPU_ZERO(&r->allowed);
	if (sched_getaffinity(0, sizeof r->allowed, &r->allowed) < 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		for (long i = 0; i < n && i < CPU_SETSIZE; i++)
			CPU_SET((int)i, &r->allowed);
	}
	r->ncpu = CPU_COUNT(&r->allowed);
	r->first_cpu = 0;
	while (r->first_cpu < CPU_SETSIZE - 1 && !CPU_ISSET(r->first_cpu, &r->allowed))
		r->first_cpu++;
}

static int open_scratch(struct run *r, struct diags *d)
{
	const char *base = getenv("TMPDIR");
	char *tmpl;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	/* the probe suite's pattern: a later run removes it if this one is killed */
	tmpl = xasprintf("%s/advisor-probe-%ld-XXXXXX", base, (long)getpid());
	if (mkdtemp(tmpl) == NULL) {
		diag_error(d, tmpl, "cannot make a temporary directory: %s", strerror(errno));
		free(tmpl);
		return -1;
	}
	r->tmpdir = tmpl;
	return 0;
}

static void read_document(struct run *r)
{
	char *path = xasprintf("%s/order.json", r->man.dir);
	struct diags d = DIAGS_INIT;

	if (file_read(path, 65536, &r->doc, &r->doclen, &d) < 0) {
		r->doc = NULL;
		r->doclen = 0;
	}
	diags_release(&d);
	free(path);
}

int replay_run(struct replay_set *rs, const struct replay_request *req,
	       const struct replay_options *opt, struct diags *d)
{
	struct run r;
	char why[256];
	int rc = -1;

	memset(&r, 0, sizeof r);
	r.opt = opt;
	r.req = req;
	r.rs = rs;
	r.start = replay_now();
	r.deadline = r.start + opt->budget_s;
	replay_set_release(rs);
	rs->profile = req->profile ? xstrdup(req->profile) : NULL;
	rs->budget_s = opt->budget_s;
	pthread_mutex_init(&r.wd.mu, NULL);
	pthread_cond_init(&r.wd.cv, NULL);
	if (replay_manifest_load(&r.man, opt->manifest, d) < 0)
		goto out;
	allowed_cpus(&r);
	read_document(&r);
	if (open_scratch(&r, d) < 0)
		goto out;
	if (pipe2(replay_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		diag_error(d, "advisor", "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	arm(&r);
	plan_load(&r);
	r.backend = replay_backend_start(why, sizeof why);
	if (r.backend == NULL) {
		diag_error(d, "advisor", "replay: %s", why);
		goto out;
	}
	r.wd.kill_at = r.deadline + WATCHDOG_GRACE_S;
	r.wd.started = pthread_create(&r.wd.thread, NULL, watchdog_main, &r.wd) == 0;
	for (size_t i = 0; i < r.man.n && !replay_sig; i++) {
		candidate(&r, i, r.man.n - i);
		if (opt->progress && !replay_sig)
			opt->progress(opt->progress_arg, i, r.man.n, &rs->cands[rs->ncands - 1]);
	}
	rs->elapsed_s = replay_round(replay_now() - r.start);
	if (replay_sig) {
		diag_error(d, "advisor", "interrupted by %s", sig_guard_name(replay_sig));
		goto out;
	}
	rc = 0;
out:
	if (r.wd.started) {
		pthread_mutex_lock(&r.wd.mu);
		r.wd.done = true;
		pthread_cond_signal(&r.wd.cv);
		pthread_mutex_unlock(&r.wd.mu);
		pthread_join(r.wd.thread, NULL);
	}
	pthread_mutex_destroy(&r.wd.mu);
	pthread_cond_destroy(&r.wd.cv);
	replay_backend_stop(r.backend);
	if (replay_pgid > 0)
		kill_group(replay_pgid, 0);
	reap_all();
	disarm(&r);
	for (int k = 0; k < 2; k++) {
		if (replay_pipe[k] >= 0)
			close(replay_pipe[k]);
		replay_pipe[k] = -1;
	}
	if (r.tmpdir)
		file_remove_tree(r.tmpdir);
	free(r.tmpdir);
	for (size_t i = 0; i < r.nres; i++) {
		free(r.res[i].program);
		free(r.res[i].path);
		free(r.res[i].version);
		free(r.res[i].why);
	}
	free(r.res);
	free(r.doc);
	replay_manifest_release(&r.man);
	return rc;
}
