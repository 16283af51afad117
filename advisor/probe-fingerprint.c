/*
 * The machine fingerprint carried by every probe set: CPU model, online
 * cores, memory, kernel, advisor version and when the figures were taken.
 * The clock is replaceable (probe_set_clock) so that tests and examples
 * can pin taken_at.
 */
#include "probe-internal.h"

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

void probe_fingerprint_fill(struct probe_fingerprint *fp)
{
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
	if (uname(&u) == 0)
		fp->kernel = xasprintf("%s %s", u.sysname, u.release);
	else
		fp->kernel = xstrdup("unknown");
	fp->advisor_version = xstrdup(ADVISOR_VERSION);
	if (gmtime_r(&now, &tm))
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fp->taken_at = xstrdup(when);
}
