/*
 * The machine fingerprint carried by every probe set: CPU model, online
 * cores, memory, kernel, advisor version and when the figures were taken.
 * Beside the host's figures it records what this process may really use:
 * the CPUs of its affinity mask (taskset, cpusets) and the cgroup CPU
 * quota and memory limit (v2 cpu.max and memory.max, or v1
 * cpu.cfs_quota_us and memory.limit_in_bytes), the tightest along the
 * cgroup's path up to the root of the mount.
 * The clock is replaceable (probe_set_clock) so that tests and examples
 * can pin taken_at.
 */
#include "probe-internal.h"

#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "xalloc.h"

void probe_fingerprint_release(struct probe_fingerprint *fp)
{
	free(fp->cpu_model);
	free(fp->kernel);
	free(fp->advisor_version);
	free(fp->taken_at);
	memset(fp, 0, sizeof *fp);
}

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

/* The first line of a file, or "" (buf has room for it). */
static const char *read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (f) {
		if (fgets(buf, (int)len, f) == NULL)
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

/*
 * The cgroup path of this process for a v1 controller (ctl "cpu",
 * "memory") or v2 (ctl NULL: the "0::" line); "" when not found.
 */
static void cgroup_path(const char *ctl, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/cgroup", "r");
	char line[1024];

	out[0] = '\0';
	if (f == NULL)
		return;
	while (fgets(line, sizeof line, f)) {
		char *a = strchr(line, ':'), *b = a ? strchr(a + 1, ':') : NULL;

		if (b == NULL)
			continue;
		*b = '\0';
		b[1 + strcspn(b + 1, "\n")] = '\0';
		if (ctl == NULL ? strcmp(line, "0") == 0 && a[1] == '\0' : false) {
			snprintf(out, len, "%s", b + 1);
			break;
		}
		if (ctl) {
			char *save = NULL, *w;

			for (w = strtok_r(a + 1, ",", &save); w; w = strtok_r(NULL, ",", &save))
				if (strcmp(w, ctl) == 0)
					break;
			if (w) {
				snprintf(out, len, "%s", b + 1);
				break;
			}
		}
	}
	fclose(f);
}

/*
 * The smallest limit found in FILE along mount/path and its parents (a
 * container may see its own cgroup at the root of the mount).  parse
 * turns a file's text into a limit (<= 0: none).
 */
static double cgroup_min(const char *mount, const char *path, const char *file,
			 double (*parse)(const char *))
{
	char dir[1024], text[128];
	double best = 0;

	snprintf(dir, sizeof dir, "%s%s", mount, path);
	for (;;) {
		char *full = xasprintf("%s/%s", dir, file);
		double v = parse(read_line(full, text, sizeof text));
		char *slash;

		free(full);
		if (v > 0 && (best == 0 || v < best))
			best = v;
		slash = strrchr(dir, '/');
		if (slash == NULL || (size_t)(slash - dir) < strlen(mount))
			break;
		*slash = '\0';
	}
	return best;
}

/* cpu.max: "QUOTA PERIOD" or "max PERIOD". */
static double parse_cpu_max(const char *s)
{
	double q, p;

	return sscanf(s, "%lf %lf", &q, &p) == 2 && q > 0 && p > 0 ? q / p : 0;
}

static double parse_bytes(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	/* v1 writes a huge number for none; anything past 2^60 is none */
	return end != s && v > 0 && v < 1152921504606846976.0 ? v : 0;
}

static double parse_int(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	return end != s ? v : 0;
}

static void cgroup_limits(struct probe_fingerprint *fp)
{
	char path[1024];
	double quota = 0, mem = 0;

	cgroup_path(NULL, path, sizeof path);
	if (path[0]) {
		quota = cgroup_min("/sys/fs/cgroup", strcmp(path, "/") ? path : "", "cpu.max",
				   parse_cpu_max);
		mem = cgroup_min("/sys/fs/cgroup", strcmp(path, "/") ? path : "", "memory.max",
				 parse_bytes);
	}
	cgroup_path("cpu", path, sizeof path);
	if (quota == 0 && path[0]) {
		static const char *const mounts[] = { "/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct" };

		for (size_t i = 0; i < 2 && quota == 0; i++) {
			const char *p = strcmp(path, "/") ? path : "";
			double q = cgroup_min(mounts[i], p, "cpu.cfs_quota_us", parse_int);
			double per = cgroup_min(mounts[i], p, "cpu.cfs_period_us", parse_int);

			quota = q > 0 && per > 0 ? q / per : 0;
		}
	}
	cgroup_path("memory", path, sizeof path);
	if (mem == 0 && path[0])
		mem = cgroup_min("/sys/fs/cgroup/memory", strcmp(path, "/") ? path : "",
				 "memory.limit_in_bytes", parse_bytes);
	fp->cpu_quota = quota > 0 ? probe_round(quota) : 0;
	fp->memory_limit_mb = (long)(mem / (1024.0 * 1024.0));
	if (fp->memory_mb > 0 && fp->memory_limit_mb >= fp->memory_mb)
		fp->memory_limit_mb = 0;	/* no tighter than the host */
}

void probe_fingerprint_fill(struct probe_fingerprint *fp)
{
	cpu_set_t mask;
	struct utsname u;
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	time_t now = probe_clock_fn();
	struct tm tm;
	char when[32] = "1970-01-01T00:00:00Z";

	probe_fingerprint_release(fp);
	fp->cpu_model = cpu_model_name();
	fp->cores = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (fp->cores < 1)
		fp->cores = 1;
	fp->memory_mb = pages > 0 && psize > 0 ? (long)((double)pages * psize / (1024.0 * 1024.0)) : 0;
	CPU_ZERO(&mask);
	fp->usable_cpus = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : fp->cores;
	cgroup_limits(fp);
	if (uname(&u) == 0)
		fp->kernel = xasprintf("%s %s", u.sysname, u.release);
	else
		fp->kernel = xstrdup("unknown");
	fp->advisor_version = xstrdup(ADVISOR_VERSION);
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fp->taken_at = xstrdup(when);
}
