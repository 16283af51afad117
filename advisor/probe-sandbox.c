/*
 * The sandbox every probe runs in: a forked child in a process group of
 * its own (see probes/probes.h), a private scratch folder, a watchdog and
 * signal handling.
 *
 * The parent is the watchdog: it polls the child's result pipe with a
 * timeout and kills the whole group when the probe overruns its slot.
 * While the sandbox is open the parent is a child subreaper, so
 * grandchildren orphaned by a killed probe come back to it and are
 * reaped; SIGINT/SIGTERM/SIGHUP kill the current group through a handler
 * that only calls kill() and write(), and probe_interrupted() reports
 * the signal.  The scratch folder is named after the pid
 * (advisor-probe-PID-XXXXXX) so that the next run can remove one left by
 * a run killed with SIGKILL, once that pid is gone.
 */
#include "probe-internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "xalloc.h"

/* ---- signals -------------------------------------------------------------- */

static volatile sig_atomic_t probe_sig;
static volatile pid_t probe_cur_pgid;
static int probe_sigpipe[2] = { -1, -1 };

int probe_interrupted(void)
{
	return probe_sig;
}

static void on_signal(int sig)
{
	int saved = errno;
	pid_t g = probe_cur_pgid;

	probe_sig = sig;
	if (g > 0)
		kill(-g, SIGKILL);
	if (probe_sigpipe[1] >= 0) {
		ssize_t w = write(probe_sigpipe[1], "x", 1);

		(void)w;
	}
	errno = saved;
}

/* ---- the scratch folder --------------------------------------------------- */


/*
 * The pid in a scratch folder name "advisor-probe-PID-XXXXXX", or 0 when
 * name is not one (older names without the pid are never touched).
 */
static pid_t scratch_pid(const char *name)
{
	static const char prefix[] = "advisor-probe-";
	const char *p = name + sizeof prefix - 1;
	size_t digits;
	long pid;

	if (strncmp(name, prefix, sizeof prefix - 1) != 0)
		return 0;
	digits = strspn(p, "0123456789");
	if (digits == 0 || digits > 9 || p[digits] != '-' || strlen(p + digits + 1) != 6)
		return 0;
	pid = strtol(p, NULL, 10);
	return pid > 0 ? (pid_t)pid : 0;
}

/*
 * Remove the scratch folders that runs killed by SIGKILL (or a crash) left
 * in base: real folders (not links) owned by this user, named after a
 * process that no longer exists.  Anything else is left alone.
 */
static void clean_stale(const char *base)
{
	DIR *dh = opendir(base);
	struct dirent *e;

	if (dh == NULL)
		return;
	while ((e = readdir(dh)) != NULL) {
		pid_t pid = scratch_pid(e->d_name);
		struct stat st;

		if (pid == 0 || pid == getpid())
			continue;
		if (fstatat(dirfd(dh), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISDIR(st.st_mode) || st.st_uid != getuid())
			continue;
		if (kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		{
			char *path = xasprintf("%s/%s", base, e->d_name);

			file_remove_tree(path);
			free(path);
		}
	}
	closedir(dh);
}

static void child_main(const struct probe_def *def, double slot, const char *tmpdir,
		       int wfd)
{
	struct probe_ctx *c = xcalloc(1, sizeof *c);
	struct buf out = BUF_INIT;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t off = 0;
	cpu_set_t mask;

	/* the CPUs this process may use (taskset, cpusets), not the host's */
	CPU_ZERO(&mask);
	if (sched_getaffinity(0, sizeof mask, &mask) == 0 && CPU_COUNT(&mask) > 0)
		ncpu = CPU_COUNT(&mask);

	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	{
		struct sigaction hup;

		/* Keep SIGHUP ignored under nohup, as the parent does. */
		if (sigaction(SIGHUP, NULL, &hup) == 0 && hup.sa_handler != SIG_IGN)
			signal(SIGHUP, SIG_DFL);
	}
	signal(SIGPIPE, SIG_IGN);
	if (chdir(tmpdir) != 0)
		_exit(126);
	c->ncpu = ncpu > 0 ? (int)ncpu : 1;
	c->tmpdir = tmpdir;
	c->start = probe_now();
	c->deadline = c->start + slot;
	if (def->fn(c) != 0 && c->skip[0] == '\0')
		probe_skip(c, "probe failed");
	if (c->skip[0])
		buf_addf(&out, "skip %s\n", c->skip);
	else if (c->nsamples == 0)
		buf_adds(&out, "skip no sample taken\n");
	else
		for (int i = 0; i < c->nsamples; i++)
			buf_addf(&out, "%.17g\n", c->samples[i]);
	while (off < out.len) {
		ssize_t w = write(wfd, out.data + off, out.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	close(wfd);
	buf_release(&out);
	free(c);
	_exit(0);
}

/* Kill what is left of the group, then reap the child and every orphan. */
static void reap_group(pid_t pid)
{
	kill(-pid, SIGKILL);
	for (;;) {
		pid_t r = waitpid(-pid, NULL, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
	}
}

/*
 * Read the child's output into b until end of file (0), or until the
 * watchdog time kill_at or a signal (-1, *why filled for the watchdog).
 */
static int watch_child(int rfd, double start, double kill_at, struct buf *b,
		       char *why, size_t whylen)
{
	for (;;) {
		struct pollfd pf[2] = { { rfd, POLLIN, 0 }, { probe_sigpipe[0], POLLIN, 0 } };
		double left = kill_at - probe_now();
		char chunk[4096];
		ssize_t r;
		int pr;

		if (probe_sig)
			return -1;
		if (left <= 0) {
			snprintf(why, whylen, "watchdog: exceeded %.0f ms", (kill_at - start) * 1000);
			return -1;
		}
		pr = poll(pf, 2, (int)(left * 1000) + 1);
		if (pr < 0 && errno != EINTR)
			return -1;
		if (pr <= 0 || !(pf[0].revents & (POLLIN | POLLHUP)))
			continue;
		r = read(rfd, chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return 0;
		buf_add(b, chunk, (size_t)r);
	}
}

int probe_sandbox_run(const struct probe_sandbox *sb, const struct probe_def *def,
		      double slot, double hard_stop, char **out, char *why, size_t whylen)
{
	int fds[2] = { -1, -1 };
	struct buf b = BUF_INIT;
	double start = probe_now();
	double margin = 0.15 + slot * 0.25;
	double kill_at = start + slot + margin;
	pid_t pid;
	int rc = -1;

	*out = NULL;
	if (kill_at > hard_stop)
		kill_at = hard_stop > start + 0.05 ? hard_stop : start + 0.05;
	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "cannot fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(fds[0]);
		if (probe_sigpipe[0] >= 0) {
			close(probe_sigpipe[0]);
			close(probe_sigpipe[1]);
		}
		child_main(def, slot, sb->tmpdir, fds[1]);
	}
	setpgid(pid, pid);	/* both sides set it: no race with the kill below */
	probe_cur_pgid = pid;
	close(fds[1]);
	fds[1] = -1;
	rc = watch_child(fds[0], start, kill_at, &b, why, whylen);
	reap_group(pid);
	probe_cur_pgid = 0;
	if (probe_sig) {
		snprintf(why, whylen, "interrupted");
		rc = -1;
	}
	if (rc == 0)
		*out = buf_detach(&b);
out:
	buf_release(&b);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return rc;
}

/* ---- opening and closing -------------------------------------------------- */

int probe_sandbox_open(struct probe_sandbox *sb, struct diags *d)
{
	char tmpl[4096];
	const char *tmpbase = getenv("TMPDIR");

	memset(sb, 0, sizeof *sb);
	probe_sig = 0;
	if (tmpbase == NULL || *tmpbase == '\0')
		tmpbase = "/tmp";
	clean_stale(tmpbase);
	/* The pid in the name lets a later run remove it if this one is killed. */
	snprintf(tmpl, sizeof tmpl, "%s/advisor-probe-%ld-XXXXXX", tmpbase, (long)getpid());
	if (mkdtemp(tmpl) == NULL) {
		diag_error(d, tmpl, "cannot make a temporary directory: %s", strerror(errno));
		return -1;
	}
	sb->tmpdir = xstrdup(tmpl);
	if (pipe2(probe_sigpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		diag_error(d, "advisor", "cannot make a pipe: %s", strerror(errno));
		return -1;
	}
	sig_guard_arm(&sb->sig, on_signal);
	return 0;
}

void probe_sandbox_close(struct probe_sandbox *sb)
{
	sig_guard_disarm(&sb->sig);
	for (int k = 0; k < 2; k++) {
		if (probe_sigpipe[k] >= 0)
			close(probe_sigpipe[k]);
		probe_sigpipe[k] = -1;
	}
	if (sb->tmpdir)
		file_remove_tree(sb->tmpdir);
	free(sb->tmpdir);
	memset(sb, 0, sizeof *sb);
}
