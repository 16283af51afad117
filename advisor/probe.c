/*
 * The probe runner and the probe set: budget split, statistics, machine
 * fingerprint, noise check, watchdog, signal handling, and the JSON
 * writer (the cache reader is in probe-cache.c).
 *
 * Each probe runs in a forked child in a process group of its own (see
 * probes/probes.h).  The parent is the watchdog: it polls the child's
 * result pipe with a timeout and kills the whole group when the probe
 * overruns its slot.  While probes run the parent is a child subreaper,
 * so grandchildren orphaned by a killed probe come back to it and are
 * reaped; SIGINT/SIGTERM/SIGHUP kill the current group through a handler
 * that only calls kill() and write(), and the run returns with
 * probe_interrupted() set.  The scratch folder is named after the pid
 * (advisor-probe-PID-XXXXXX) so that the next run can remove one left by
 * a run killed with SIGKILL, once that pid is gone.  Figures are rounded
 * to six significant digits when recorded, so that a cache written and
 * read back compares equal.
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "fileio.h"
#include "probes.h"
#include "util.h"
#include "suggest.h"
#include "xalloc.h"

/* ---- the probe table ---------------------------------------------------- */

struct probe_family_table {
	const struct probe_def *rows;
	const size_t *count;
};

static const struct probe_family_table probe_families[] = {
	{ probe_threads_table, &probe_threads_count },
	{ probe_processes_table, &probe_processes_count },
	{ probe_coroutines_table, &probe_coroutines_count },
	{ probe_eventloop_table, &probe_eventloop_count },
	{ probe_gil_table, &probe_gil_count },
	{ probe_runtime_table, &probe_runtime_count },
};

static const char *const probe_family_names[] = {
	"threads", "processes", "coroutines", "event-loop", "gil", "runtime",
};

#define PROBE_NFAMILIES ARRAY_SIZE(probe_families)

size_t probe_count(void)
{
	size_t n = 0;

	for (size_t f = 0; f < PROBE_NFAMILIES; f++)
		n += *probe_families[f].count;
	return n;
}

static const struct probe_def *probe_def_at(size_t i)
{
	for (size_t f = 0; f < PROBE_NFAMILIES; f++) {
		if (i < *probe_families[f].count)
			return &probe_families[f].rows[i];
		i -= *probe_families[f].count;
	}
	return NULL;
}

const char *probe_name_at(size_t i)
{
	const struct probe_def *d = probe_def_at(i);

	return d ? d->name : NULL;
}

const char *probe_family_at(size_t i)
{
	const struct probe_def *d = probe_def_at(i);

	return d ? d->family : NULL;
}

const char *probe_unit_at(size_t i)
{
	const struct probe_def *d = probe_def_at(i);

	return d ? d->unit : NULL;
}

/* ---- probe set lifecycle ------------------------------------------------ */

void probe_set_init(struct probe_set *ps)
{
	memset(ps, 0, sizeof *ps);
}

static void fingerprint_release(struct probe_fingerprint *fp)
{
	free(fp->cpu_model);
	free(fp->kernel);
	free(fp->advisor_version);
	free(fp->taken_at);
	memset(fp, 0, sizeof *fp);
}

void probe_set_release(struct probe_set *ps)
{
	fingerprint_release(&ps->fp);
	for (size_t i = 0; i < ps->nresults; i++) {
		free(ps->results[i].name);
		free(ps->results[i].family);
		free(ps->results[i].unit);
	}
	free(ps->results);
	for (size_t i = 0; i < ps->nskipped; i++) {
		free(ps->skipped[i].name);
		free(ps->skipped[i].reason);
	}
	free(ps->skipped);
	free(ps->source);
	probe_set_init(ps);
}

const struct probe_result *probe_set_find(const struct probe_set *ps, const char *name)
{
	for (size_t i = 0; i < ps->nresults; i++)
		if (strcmp(ps->results[i].name, name) == 0)
			return &ps->results[i];
	return NULL;
}

int probe_set_value(const struct probe_set *ps, const char *name, double *out)
{
	const struct probe_result *r = probe_set_find(ps, name);

	if (r == NULL)
		return -1;
	*out = r->st.median;
	return 0;
}

static void add_skip(struct probe_set *ps, const char *name, const char *reason)
{
	struct probe_skip *s = XPUSH(ps->skipped, ps->nskipped, ps->capskipped);

	s->name = xstrdup(name);
	s->reason = xstrdup(reason);
}

/* ---- statistics ----------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_sorted(const double *v, size_t n)
{
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

int probe_stats_compute(const double *v, size_t n, struct probe_stats *st)
{
	double *s = NULL;

	memset(st, 0, sizeof *st);
	if (n == 0)
		return -1;
	s = xmalloc(n * sizeof *s);
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	st->min = s[0];
	st->max = s[n - 1];
	st->median = median_sorted(s, n);
	for (size_t i = 0; i < n; i++)
		s[i] = fabs(s[i] - st->median);
	qsort(s, n, sizeof *s, cmp_double);
	st->mad = median_sorted(s, n);
	st->samples = (int)n;
	free(s);
	return 0;
}

double probe_round(double v)
{
	double mag, scale;

	if (v == 0 || !isfinite(v))
		return v;
	mag = floor(log10(fabs(v)));
	scale = pow(10, 5 - mag);
	return round(v * scale) / scale;
}

/* ---- budget split --------------------------------------------------------- */

int probe_budget_split(double budget, const double *weight, const double *min_s,
		       size_t n, double *slot)
{
	bool *fixed = xcalloc(n ? n : 1, sizeof *fixed);
	bool *dropped = xcalloc(n ? n : 1, sizeof *dropped);
	double need = 0;
	int kept = 0;

	/* Drop the hungriest fixed-cost probes until they fit in half. */
	for (size_t i = 0; i < n; i++)
		need += min_s[i];
	while (need > budget / 2) {
		size_t worst = n;

		for (size_t i = 0; i < n; i++)
			if (!dropped[i] && min_s[i] > 0 && (worst == n || min_s[i] > min_s[worst]))
				worst = i;
		if (worst == n)
			break;
		dropped[worst] = true;
		need -= min_s[worst];
	}
	/* Share out by weight; raise those under their minimum, repeat. */
	for (size_t round = 0; round <= n; round++) {
		double wsum = 0, left = budget;
		bool changed = false;

		for (size_t i = 0; i < n; i++) {
			if (dropped[i])
				continue;
			if (fixed[i])
				left -= min_s[i];
			else
				wsum += weight[i];
		}
		for (size_t i = 0; i < n; i++) {
			if (dropped[i])
				slot[i] = 0;
			else if (fixed[i])
				slot[i] = min_s[i];
			else
				slot[i] = wsum > 0 ? left * weight[i] / wsum : 0;
		}
		for (size_t i = 0; i < n; i++) {
			if (!dropped[i] && !fixed[i] && slot[i] < min_s[i]) {
				fixed[i] = true;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
	for (size_t i = 0; i < n; i++)
		if (!dropped[i])
			kept++;
	free(fixed);
	free(dropped);
	return kept;
}

/* ---- clock and fingerprint ------------------------------------------------ */

static time_t clock_default(void)
{
	return time(NULL);
}

static time_t (*probe_clock_fn)(void) = clock_default;

void probe_set_clock(time_t (*now)(void))
{
	probe_clock_fn = now ? now : clock_default;
}

static char *cpu_model_name(void)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];
	char *model = NULL;

	if (f) {
		while (model == NULL && fgets(line, sizeof line, f)) {
			char *colon = strchr(line, ':');
			char *end;

			if (colon == NULL || strncmp(line, "model name", 10) != 0)
				continue;
			colon++;
			while (*colon == ' ' || *colon == '\t')
				colon++;
			end = colon + strlen(colon);
			while (end > colon && (end[-1] == '\n' || end[-1] == ' '))
				end--;
			model = xstrndup(colon, (size_t)(end - colon));
		}
		fclose(f);
	}
	if (model == NULL || *model == '\0') {
		struct utsname u;

		free(model);
		model = xstrdup(uname(&u) == 0 ? u.machine : "unknown");
	}
	return model;
}

void probe_fingerprint_fill(struct probe_fingerprint *fp)
{
	struct utsname u;
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	time_t now = probe_clock_fn();
	struct tm tm;
	char when[32] = "1970-01-01T00:00:00Z";

	fingerprint_release(fp);
	fp->cpu_model = cpu_model_name();
	fp->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (fp->cores < 1)
		fp->cores = 1;
	fp->memory_mb = pages > 0 && psize > 0 ? (long)((double)pages * psize / (1024.0 * 1024.0)) : 0;
	if (uname(&u) == 0)
		fp->kernel = xasprintf("%s %s", u.sysname, u.release);
	else
		fp->kernel = xstrdup("unknown");
	fp->advisor_version = xstrdup(ADVISOR_VERSION);
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fp->taken_at = xstrdup(when);
}

/* ---- /proc/stat noise check ----------------------------------------------- */

struct cpu_ticks {
	unsigned long long busy, total;
	double self_s;		/* CPU seconds of this process and its reaped children */
};

static void ticks_read(struct cpu_ticks *t)
{
	FILE *f = fopen("/proc/stat", "r");
	unsigned long long v[10] = { 0 };
	struct rusage ru, rc;

	memset(t, 0, sizeof *t);
	if (f) {
		if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu",
			   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9]) >= 4) {
			/* user nice system idle iowait irq softirq steal (guest is in user) */
			t->busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
			t->total = t->busy + v[3] + v[4];
		}
		fclose(f);
	}
	getrusage(RUSAGE_SELF, &ru);
	getrusage(RUSAGE_CHILDREN, &rc);
	t->self_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + rc.ru_utime.tv_sec +
			     rc.ru_stime.tv_sec) +
		    (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec + rc.ru_utime.tv_usec +
			     rc.ru_stime.tv_usec) * 1e-6;
}

/*
 * Share of the machine's CPU capacity used by others between a and b.
 * Noisy when that share is over a tenth and more than two ticks long,
 * because /proc/stat counts in ticks of 10 ms.
 */
static double ticks_busy_other(const struct cpu_ticks *a, const struct cpu_ticks *b,
			       bool *noisy)
{
	long hz = sysconf(_SC_CLK_TCK);
	double total, other;

	*noisy = false;
	if (hz <= 0)
		hz = 100;
	if (b->total <= a->total)
		return 0;
	total = (double)(b->total - a->total) / (double)hz;
	other = (double)(b->busy - a->busy) / (double)hz - (b->self_s - a->self_s);
	if (other < 0)
		other = 0;
	*noisy = other / total > 0.10 && other > 2.0 / (double)hz;
	return probe_round(other / total > 1 ? 1 : other / total);
}

/* ---- selection (--only) --------------------------------------------------- */

static bool token_matches(const char *tok, size_t len, const struct probe_def *d)
{
	if (len == 0)
		return false;
	if (strlen(d->family) == len && strncmp(d->family, tok, len) == 0)
		return true;
	if (strncmp(d->name, tok, len) != 0)
		return false;
	return d->name[len] == '\0' || d->name[len] == '.' || tok[len - 1] == '.';
}

static bool selected(const char *only, const struct probe_def *d)
{
	const char *p = only;

	if (only == NULL || *only == '\0')
		return true;
	while (*p) {
		size_t len = strcspn(p, ",");

		if (token_matches(p, len, d))
			return true;
		p += len;
		if (*p == ',')
			p++;
	}
	return false;
}

int probe_only_check(const char *only, char **bad, const char **hint)
{
	const char *p = only;
	const char **cands = NULL;
	size_t ncand = 0, cap = 0;
	int rc = 0;

	*bad = NULL;
	*hint = NULL;
	if (only == NULL)
		return 0;
	while (*p && rc == 0) {
		size_t len = strcspn(p, ",");
		bool any = false;

		for (size_t i = 0; i < probe_count() && !any; i++)
			any = token_matches(p, len, probe_def_at(i));
		if (!any) {
			*bad = xstrndup(p, len);
			rc = -1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (rc == 0)
		return 0;
	for (size_t i = 0; i < PROBE_NFAMILIES; i++)
		*XPUSH(cands, ncand, cap) = probe_family_names[i];
	for (size_t i = 0; i < probe_count(); i++)
		*XPUSH(cands, ncand, cap) = probe_def_at(i)->name;
	*hint = suggest(*bad, cands, ncand);
	free(cands);
	return rc;
}

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

/* ---- running one probe ---------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

/* Remove dir and what it holds, never following a link nor crossing a mount. */
static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

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

			remove_tree(path);
			free(path);
		}
	}
	closedir(dh);
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	bool found = false;
	char *copy, *save = NULL, *dir;

	if (path == NULL)
		path = "/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *full = xasprintf("%s/%s", *dir ? dir : ".", prog);

		found = access(full, X_OK) == 0;
		free(full);
	}
	free(copy);
	return found;
}

/* The probe child: run the probe, write the samples or the skip reason. */
static void child_main(const struct probe_def *def, double slot, const char *tmpdir,
		       int wfd)
{
	struct probe_ctx *c = xcalloc(1, sizeof *c);
	struct buf out = BUF_INIT;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t off = 0;

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

struct run_state {
	double suite_start;
	double budget;
	const char *tmpdir;
};

/*
 * Fork the probe, collect its output with the watchdog armed.  Returns 0
 * with samples in *out (a heap string), or -1 with *why filled.
 */
static int run_child(const struct run_state *rs, const struct probe_def *def, double slot,
		     char **out, char *why, size_t whylen)
{
	int fds[2] = { -1, -1 };
	struct buf b = BUF_INIT;
	double start = probe_now();
	double margin = 0.15 + slot * 0.25;
	double kill_at = start + slot + margin;
	double hard = rs->suite_start + rs->budget + 0.4;
	pid_t pid;
	int rc = -1;

	*out = NULL;
	if (kill_at > hard)
		kill_at = hard > start + 0.05 ? hard : start + 0.05;
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
		child_main(def, slot, rs->tmpdir, fds[1]);
	}
	setpgid(pid, pid);	/* both sides set it: no race with the kill below */
	probe_cur_pgid = pid;
	close(fds[1]);
	fds[1] = -1;
	for (;;) {
		struct pollfd pf[2] = { { fds[0], POLLIN, 0 }, { probe_sigpipe[0], POLLIN, 0 } };
		double left = kill_at - probe_now();
		char chunk[4096];
		ssize_t r;
		int pr;

		if (probe_sig)
			break;
		if (left <= 0) {
			snprintf(why, whylen, "watchdog: exceeded %.0f ms", (kill_at - start) * 1000);
			break;
		}
		pr = poll(pf, 2, (int)(left * 1000) + 1);
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0 || !(pf[0].revents & (POLLIN | POLLHUP)))
			continue;
		r = read(fds[0], chunk, sizeof chunk);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			rc = 0;
			break;
		}
		buf_add(&b, chunk, (size_t)r);
	}
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

static void record(struct probe_set *ps, const struct probe_def *def, const char *text,
		   const struct cpu_ticks *t0, const struct cpu_ticks *t1)
{
	double *v = NULL;
	size_t n = 0, cap = 0;
	struct probe_result *r;
	const char *p = text;

	if (strncmp(text, "skip ", 5) == 0) {
		char *reason = xstrndup(text + 5, strcspn(text + 5, "\n"));

		add_skip(ps, def->name, reason);
		free(reason);
		return;
	}
	while (*p) {
		char *end;
		double x = strtod(p, &end);

		if (end == p)
			break;
		if (isfinite(x))
			*XPUSH(v, n, cap) = x;
		p = end + strspn(end, "\n");
	}
	if (n == 0) {
		add_skip(ps, def->name, "no sample taken");
		free(v);
		return;
	}
	r = XPUSH(ps->results, ps->nresults, ps->capresults);
	memset(r, 0, sizeof *r);
	r->name = xstrdup(def->name);
	r->family = xstrdup(def->family);
	r->unit = xstrdup(def->unit);
	probe_stats_compute(v, n, &r->st);
	r->st.median = probe_round(r->st.median);
	r->st.min = probe_round(r->st.min);
	r->st.max = probe_round(r->st.max);
	r->st.mad = probe_round(r->st.mad);
	r->busy_other = ticks_busy_other(t0, t1, &r->noisy);
	free(v);
}

/* ---- the suite ------------------------------------------------------------ */

int probe_run(struct probe_set *ps, const struct probe_options *opt, struct diags *d)
{
	size_t total = probe_count(), nsel = 0;
	const struct probe_def **sel = NULL;
	double *weight = NULL, *min_s = NULL, *plan = NULL;
	struct sigaction sa, old_int, old_term, old_hup;
	char tmpl[4096];
	char *tmpdir = NULL;
	const char *tmpbase = getenv("TMPDIR");
	int old_reaper = 0;
	int rc = -1;
	bool handlers = false;
	struct run_state rs;

	probe_sig = 0;
	rs.suite_start = probe_now();
	rs.budget = opt->budget_s;
	probe_fingerprint_fill(&ps->fp);
	ps->budget_s = opt->budget_s;
	free(ps->source);
	ps->source = xstrdup("measured");
	sel = xcalloc(total, sizeof *sel);
	weight = xcalloc(total, sizeof *weight);
	min_s = xcalloc(total, sizeof *min_s);
	plan = xcalloc(total, sizeof *plan);

	/* Choose, and skip at once what cannot run here. */
	for (size_t i = 0; i < total; i++) {
		const struct probe_def *def = probe_def_at(i);
		const char *needs = def->needs;

		if (!selected(opt->only, def))
			continue;
		if (needs && !on_path(needs)) {
			char *why = xasprintf("%s not found on PATH", needs);

			add_skip(ps, def->name, why);
			free(why);
			continue;
		}
		sel[nsel] = def;
		weight[nsel] = def->weight;
		min_s[nsel] = def->min_s;
		nsel++;
	}
	/* Keep a little for forks, /proc reads and the output itself. */
	probe_budget_split(opt->budget_s * 0.94 - 0.02, weight, min_s, nsel, plan);

	if (tmpbase == NULL || *tmpbase == '\0')
		tmpbase = "/tmp";
	clean_stale(tmpbase);
	/* The pid in the name lets a later run remove it if this one is killed. */
	snprintf(tmpl, sizeof tmpl, "%s/advisor-probe-%ld-XXXXXX", tmpbase, (long)getpid());
	if (mkdtemp(tmpl) == NULL) {
		diag_error(d, tmpl, "cannot make a temporary directory: %s", strerror(errno));
		goto out;
	}
	tmpdir = xstrdup(tmpl);
	if (pipe2(probe_sigpipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		diag_error(d, "advisor", "cannot make a pipe: %s", strerror(errno));
		goto out;
	}
	rs.tmpdir = tmpdir;
	prctl(PR_GET_CHILD_SUBREAPER, &old_reaper);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	/* A closed terminal cleans up too, unless SIGHUP is ignored (nohup). */
	sigaction(SIGHUP, &sa, &old_hup);
	if (old_hup.sa_handler == SIG_IGN)
		sigaction(SIGHUP, &old_hup, NULL);
	handlers = true;

	for (size_t i = 0; i < nsel && !probe_sig; i++) {
		const struct probe_def *def = sel[i];
		double left = opt->budget_s * 0.96 - (probe_now() - rs.suite_start);
		double planned_left = 0, slot;
		struct cpu_ticks t0, t1;
		char why[256] = "";
		char *text = NULL;

		for (size_t k = i; k < nsel; k++)
			planned_left += plan[k];
		slot = planned_left > 0 ? plan[i] * left / planned_left : 0;
		if (slot > plan[i] * 1.5)
			slot = plan[i] * 1.5;
		if (slot < 0.005)
			slot = 0.005;
		if (opt->progress)
			opt->progress(opt->progress_arg, i, nsel, def->name, NULL, NULL);
		if (plan[i] <= 0) {
			char *r = xasprintf("needs about %.1f s; --budget %g leaves too little",
					    def->min_s, opt->budget_s);

			add_skip(ps, def->name, r);
			free(r);
		} else if (def->min_s > 0 && slot < def->min_s * 0.8) {
			add_skip(ps, def->name, "the budget ran out before this probe");
		} else {
			ticks_read(&t0);
			if (run_child(&rs, def, slot, &text, why, sizeof why) == 0) {
				ticks_read(&t1);
				record(ps, def, text, &t0, &t1);
			} else if (!probe_sig) {
				add_skip(ps, def->name, why);
			}
			free(text);
		}
		if (opt->progress && !probe_sig) {
			const struct probe_result *r = probe_set_find(ps, def->name);

			opt->progress(opt->progress_arg, i, nsel, def->name, r,
				      r ? NULL : ps->skipped[ps->nskipped - 1].reason);
		}
	}
	ps->elapsed_s = probe_round(probe_now() - rs.suite_start);
	if (probe_sig) {
		diag_error(d, "advisor", "interrupted by %s", probe_sig == SIGINT ? "SIGINT"
			   : probe_sig == SIGHUP ? "SIGHUP" : "SIGTERM");
		goto out;
	}
	rc = 0;
out:
	if (handlers) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		prctl(PR_SET_CHILD_SUBREAPER, old_reaper);
	}
	for (int k = 0; k < 2; k++) {
		if (probe_sigpipe[k] >= 0)
			close(probe_sigpipe[k]);
		probe_sigpipe[k] = -1;
	}
	if (tmpdir)
		remove_tree(tmpdir);
	free(tmpdir);
	free(sel);
	free(weight);
	free(min_s);
	free(plan);
	return rc;
}

/* ---- JSON ----------------------------------------------------------------- */

json_t *probe_set_to_json(const struct probe_set *ps)
{
	json_t *root = json_object();
	json_t *fp = json_object();
	json_t *res = json_array();
	json_t *skip = json_array();

	json_object_set_new(fp, "cpu_model", json_string(ps->fp.cpu_model ? ps->fp.cpu_model : ""));
	json_object_set_new(fp, "cores", json_integer(ps->fp.cores));
	json_object_set_new(fp, "memory_mb", json_integer(ps->fp.memory_mb));
	json_object_set_new(fp, "kernel", json_string(ps->fp.kernel ? ps->fp.kernel : ""));
	json_object_set_new(fp, "advisor_version",
			    json_string(ps->fp.advisor_version ? ps->fp.advisor_version : ""));
	json_object_set_new(fp, "taken_at", json_string(ps->fp.taken_at ? ps->fp.taken_at : ""));
	json_object_set_new(root, "fingerprint", fp);
	json_object_set_new(root, "budget_s", json_real(ps->budget_s));
	json_object_set_new(root, "elapsed_s", json_real(ps->elapsed_s));
	for (size_t i = 0; i < ps->nresults; i++) {
		const struct probe_result *r = &ps->results[i];
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(r->name));
		json_object_set_new(o, "family", json_string(r->family));
		json_object_set_new(o, "unit", json_string(r->unit));
		json_object_set_new(o, "median", json_real(r->st.median));
		json_object_set_new(o, "min", json_real(r->st.min));
		json_object_set_new(o, "max", json_real(r->st.max));
		json_object_set_new(o, "mad", json_real(r->st.mad));
		json_object_set_new(o, "samples", json_integer(r->st.samples));
		json_object_set_new(o, "noisy", json_boolean(r->noisy));
		json_object_set_new(o, "busy_other", json_real(r->busy_other));
		json_array_append_new(res, o);
	}
	json_object_set_new(root, "results", res);
	for (size_t i = 0; i < ps->nskipped; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(ps->skipped[i].name));
		json_object_set_new(o, "reason", json_string(ps->skipped[i].reason));
		json_array_append_new(skip, o);
	}
	json_object_set_new(root, "skipped", skip);
	return root;
}

char *probe_set_to_string(const struct probe_set *ps)
{
	json_t *j = probe_set_to_json(ps);
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	char *out;

	json_decref(j);
	if (s == NULL) {
		fputs("advisor: out of memory\n", stderr);
		abort();
	}
	out = xasprintf("%s\n", s);
	free(s);
	return out;
}
