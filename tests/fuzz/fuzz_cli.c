/*
 * Fuzz the command line: option parsing, the dispatcher of advisor/main.c
 * and the read-only or output-confined commands.
 *
 * Input: arguments separated by NUL bytes; an empty argument ends the list
 * and the rest of the input becomes the file "in".  Everything runs inside
 * a private temporary folder that also holds p.yaml (a profile), r.json
 * (a report) and probes.json (a probe cache) copied from docs/examples, so
 * "diff r.json in" or "recommend in --probes-from probes.json" reach deep.
 *
 * What may run, so that the target never writes outside its folder nor
 * runs probes:
 *   - global options -q/--quiet/-v/--verbose/-h/--help/-V/--version,
 *     "help NAME";
 *   - check, rules, diff (read only; output on stdout, sent to /dev/null);
 *   - init, with "-o out.yaml" put before the fuzzed arguments;
 *   - recommend, with "-o out" and, unless --probes-from is given,
 *     "--no-probes" put before the fuzzed arguments; "--" is refused so that
 *     no fuzzed word can turn these into operands;
 *   - only options on each command's list below; -o, --budget, --replay,
 *     --adr-dir and unknown options are refused;
 *   - every other argument (operand or option value) is "-" or a plain
 *     name inside the folder: letters, digits, ".", "_", "+", "-", no "/"
 *     and not "..".
 * Refused inputs return -1 (not added to the corpus).  As a second fence,
 * probe_run and file_write_atomic are wrapped (-Wl,--wrap): a probe run or a
 * write to a path with a "/" aborts, which the fuzzer reports as a crash.
 * Standard input is /dev/null.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "fileio.h"
#include "probe.h"

#define main advisor_main
int advisor_main(int argc, char **argv);
#include "../../advisor/main.c"
#undef main

#define MAX_ARGS 24
#define MAX_ARG_LEN 64

struct allowed {
	const char *cmd;
	const char *const *opts;	/* NULL-terminated */
	const char *const *forced;	/* put right after the command name */
};

static const char *const check_opts[] = { "-q", "--quiet", "--format", "--knowledge", NULL };
static const char *const rules_opts[] = { "--rules", "--knowledge", NULL };
static const char *const diff_opts[] = { "--format", "--fail-on", NULL };
static const char *const init_opts[] = { "-t", "--template", "--force", "--list", NULL };
static const char *const recommend_opts[] = { "-f", "--format", "--no-probes", "--probes-from",
					      "--rules", "--knowledge", "--explain", "-q",
					      "--quiet", NULL };
static const char *const init_forced[] = { "-o", "out.yaml", NULL };
static const char *const recommend_forced[] = { "-o", "out", NULL };
static const char *const none[] = { NULL };

static const struct allowed allowed[] = {
	{ "check", check_opts, none },
	{ "rules", rules_opts, none },
	{ "diff", diff_opts, none },
	{ "init", init_opts, init_forced },
	{ "recommend", recommend_opts, recommend_forced },
	{ "help", none, none },
};

/* Fences (see the top of the file). */
int __real_file_write_atomic(const char *path, const char *data, size_t len, bool overwrite,
			     struct diags *d);
int __wrap_file_write_atomic(const char *path, const char *data, size_t len, bool overwrite,
			     struct diags *d);
int __wrap_probe_run(struct probe_set *ps, const struct probe_options *opt, struct diags *d);

int __wrap_file_write_atomic(const char *path, const char *data, size_t len, bool overwrite,
			     struct diags *d)
{
	if (strchr(path, '/')) {
		fprintf(stderr, "fuzz_cli: write outside the folder: '%s'\n", path);
		abort();
	}
	return __real_file_write_atomic(path, data, len, overwrite, d);
}

int __wrap_probe_run(struct probe_set *ps, const struct probe_options *opt, struct diags *d)
{
	fprintf(stderr, "fuzz_cli: probes must not run\n");
	abort();
}

static void copy_example(const char *from, const char *to)
{
	char path[4096];
	FILE *f;
	static char buf[1 << 20];
	size_t n;

	snprintf(path, sizeof path, "%s/docs/examples/%s", fuzz_srcdir(), from);
	f = fopen(path, "rb");
	if (f == NULL)
		abort();
	n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	fuzz_write(to, (const uint8_t *)buf, n);
}

static void setup(void)
{
	int fd;
	char data[4096];

	snprintf(data, sizeof data, "%s", fuzz_srcdir());
	setenv("ADVISOR_DATADIR", data, 1);
	copy_example("web-api.yaml", "p.yaml");
	copy_example("web-api.json", "r.json");
	copy_example("probes.json", "probes.json");
	if (chdir(fuzz_tmpdir()) < 0)
		abort();
	fd = open("/dev/null", O_RDWR);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(fd, 1) < 0)
		abort();
	close(fd);
}

static bool safe_name(const char *s)
{
	if (strcmp(s, "-") == 0)
		return true;
	if (*s == '\0' || *s == '-' || strcmp(s, "..") == 0)
		return false;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._+-", *s))
			return false;
	return true;
}

static bool listed(const char *const *v, const char *s, size_t len)
{
	for (; *v; v++)
		if (strlen(*v) == len && strncmp(*v, s, len) == 0)
			return true;
	return false;
}

/* Is a fuzzed argument of command a allowed? */
static bool arg_ok(const struct allowed *a, const char *s)
{
	const char *eq;

	if (s[0] != '-' || strcmp(s, "-") == 0)
		return safe_name(s);
	if (strcmp(s, "--help") == 0 || strcmp(s, "-h") == 0)
		return true;
	eq = strchr(s, '=');
	if (eq == NULL)
		return listed(a->opts, s, strlen(s));
	return listed(a->opts, s, (size_t)(eq - s)) && safe_name(eq + 1);
}

static const struct allowed *find_allowed(const char *cmd)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strcmp(allowed[i].cmd, cmd) == 0)
			return &allowed[i];
	return NULL;
}

static bool global_ok(const char *s)
{
	static const char *const g[] = { "-q", "--quiet", "-v", "--verbose", "-h", "--help", "-V",
					  "--version", NULL };

	return listed(g, s, strlen(s));
}

/*
 * Build argv from the fuzzed words w[0..n): returns argc, or -1 when the
 * words are refused.  argv[0] is "advisor".
 */
static int build_argv(char **w, int n, char **argv)
{
	const struct allowed *a;
	int argc = 0, i = 0;
	bool probes_from = false;

	argv[argc++] = "advisor";
	while (i < n && w[i][0] == '-') {
		if (!global_ok(w[i]))
			return -1;
		argv[argc++] = w[i++];
	}
	if (i == n)
		return argc;
	a = find_allowed(w[i]);
	if (a == NULL)
		return -1;
	argv[argc++] = w[i++];
	for (const char *const *f = a->forced; *f; f++)
		argv[argc++] = (char *)*f;
	for (int k = i; k < n; k++) {
		if (!arg_ok(a, w[k]))
			return -1;
		if (strncmp(w[k], "--probes-from", 13) == 0)
			probes_from = true;
	}
	if (a->forced == recommend_forced && !probes_from)
		argv[argc++] = "--no-probes";
	for (; i < n; i++)
		argv[argc++] = w[i];
	argv[argc] = NULL;
	return argc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	char *copy, *p, *end;
	char *w[MAX_ARGS], *argv[MAX_ARGS + 8];
	int n = 0, argc, rc = -1;

	if (!ready) {
		setup();
		ready = true;
	}
	copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	p = copy;
	end = copy + size;
	while (p < end && *p) {
		size_t len = strlen(p);

		if (n == MAX_ARGS || len > MAX_ARG_LEN)
			goto out;
		w[n++] = p;
		p += len + 1;
	}
	if (p < end)
		p++;		/* the empty word: the rest is the file "in" */
	argc = build_argv(w, n, argv);
	if (argc < 0)
		goto out;
	fuzz_write("in", (const uint8_t *)p, p < end ? (size_t)(end - p) : 0);
	unlink("out");
	unlink("out.yaml");
	cmd_quiet = false;
	clearerr(stdout);
	advisor_main(argc, argv);
	rc = 0;
out:
	free(copy);
	return rc;
}
