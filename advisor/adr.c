/*
 * A folder of decision records: numbering, slugs, recognising advisor's
 * own records and writing a new one (adr.h).
 */
#include "adr.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "xalloc.h"
#include "ydoc.h"

/* Attempts when other runs keep taking the next number. */
#define ADR_ATTEMPTS 20

char *adr_slug(const char *title)
{
	char *s = xmalloc(strlen(title) + 1);
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)title; *p; p++) {
		if (*p < 0x80 && isalnum(*p))
			s[n++] = (char)tolower(*p);
		else if (n > 0 && s[n - 1] != '-')
			s[n++] = '-';
	}
	while (n > 0 && s[n - 1] == '-')
		n--;
	if (n > ADR_MAX_SLUG) {
		size_t cut = ADR_MAX_SLUG;

		/* At the last dash within the limit, unless that leaves too little. */
		while (cut > ADR_MAX_SLUG / 2 && s[cut] != '-')
			cut--;
		n = s[cut] == '-' ? cut : ADR_MAX_SLUG;
		while (n > 0 && s[n - 1] == '-')
			n--;
	}
	s[n] = '\0';
	if (n == 0) {
		free(s);
		return xstrdup("decision");
	}
	return s;
}

int adr_number(const char *name)
{
	size_t l = strlen(name);

	for (int i = 0; i < 4; i++)
		if (!isdigit((unsigned char)name[i]))
			return -1;
	if (name[4] != '-' || l < 9 || strcmp(name + l - 3, ".md") != 0)
		return -1;
	return (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 + name[3] - '0';
}

int adr_dir_ready(const char *dir, struct diags *d)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		diag_error(d, dir, "cannot use '%s' as the folder of decision records: %s", dir,
			   strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_error(d, dir, "cannot use '%s' as the folder of decision records: not a folder",
			   dir);
		return -1;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		diag_error(d, dir, "cannot write decision records into '%s': %s", dir,
			   strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * The advisor keys of the record at path, when it is one of advisor's:
 * front matter between two "---" lines at its start, a YAML mapping with
 * advisor-project and advisor-decision.  False for anything else (a
 * record written by hand, a file that cannot be read).
 */
static bool advisor_record(const char *path, char **project, char **decision)
{
	struct stat st;
	struct diags d = DIAGS_INIT;
	struct ydoc y = { 0 };
	char *src = NULL;
	size_t len;
	const char *end;
	bool ok = false;

	*project = *decision = NULL;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > FILEIO_MAX_INPUT ||
	    file_read(path, FILEIO_MAX_INPUT, &src, &len, &d) < 0)
		goto out;
	if (strncmp(src, "---\n", 4) != 0 || (end = strstr(src + 3, "\n---")) == NULL ||
	    (end[4] != '\n' && end[4] != '\0'))
		goto out;
	if (ydoc_load(&y, "decision record", path, src + 4, (size_t)(end + 1 - (src + 4)), 1,
		      &d) == 0 && y.problems == 0) {
		yaml_node_t *root = ydoc_root(&y);
		const char *p = NULL, *dc = NULL;

		if (root && root->type == YAML_MAPPING_NODE) {
			p = ydoc_scalar(ydoc_get(&y, root, "advisor-project"));
			dc = ydoc_scalar(ydoc_get(&y, root, "advisor-decision"));
		}
		if (p && dc) {
			*project = xstrdup(p);
			*decision = xstrdup(dc);
			ok = true;
		}
	}
out:
	ydoc_release(&y);
	diags_release(&d);
	free(src);
	return ok;
}

/* What the folder holds: the highest number and the project's latest advisor record. */
struct adr_scan {
	int highest;		/* 0 when none */
	char *latest;		/* file name (no folder), or NULL */
	char *latest_decision;
};

static int scan(const char *dir, const char *project, struct adr_scan *s, struct diags *d)
{
	static const char *const md[] = { ".md" };
	char **paths;
	long n = file_list(dir, md, 1, &paths);
	int latest_number = -1;

	s->highest = 0;
	s->latest = s->latest_decision = NULL;
	if (n < 0) {
		diag_error(d, dir, "cannot read the folder '%s': %s", dir, strerror(errno));
		return -1;
	}
	/* By name, so by number: a later record of the project replaces an earlier one. */
	for (long i = 0; i < n; i++) {
		const char *name = strrchr(paths[i], '/') + 1;
		int num = adr_number(name);
		char *p, *dc;

		if (num >= 0 && num > s->highest)
			s->highest = num;
		if (num >= 0 && num >= latest_number && advisor_record(paths[i], &p, &dc)) {
			if (strcmp(p, project) == 0) {
				free(s->latest);
				free(s->latest_decision);
				s->latest = xstrdup(name);
				s->latest_decision = dc;
				dc = NULL;
				latest_number = num;
			}
			free(p);
			free(dc);
		}
		free(paths[i]);
	}
	free(paths);
	return 0;
}

static void scan_release(struct adr_scan *s)
{
	free(s->latest);
	free(s->latest_decision);
}

int adr_write(const char *dir_given, const struct advice *a, const struct report_meta *meta,
	      struct adr_outcome *out, struct diags *d)
{
	char *dir = xstrdup(dir_given);
	size_t dl = strlen(dir);
	char *decision = report_madr_decision(a);
	char *title = report_madr_title(a);
	char *slug = adr_slug(title);
	size_t errors = d->errors;
	int rc = -1;

	memset(out, 0, sizeof *out);
	while (dl > 1 && dir[dl - 1] == '/')
		dir[--dl] = '\0';
	for (int attempt = 0; attempt < ADR_ATTEMPTS && rc < 0; attempt++) {
		struct adr_scan s;
		struct report_meta m = *meta;
		char *path, *text;
		int w;

		if (scan(dir, a->p->name, &s, d) < 0)
			break;
		if (s.latest && strcmp(s.latest_decision, decision) == 0) {
			out->same = xasprintf("%s/%s", dir, s.latest);
			scan_release(&s);
			rc = 0;
			break;
		}
		if (s.highest >= ADR_MAX_NUMBER) {
			diag_error(d, dir, "'%s' already holds record %04d, the highest number a "
				   "four-digit record can take", dir, s.highest);
			scan_release(&s);
			break;
		}
		m.record_number = s.highest + 1;
		m.supersedes = s.latest;
		m.supersedes_decision = s.latest_decision;
		path = xasprintf("%s/%04d-%s.md", dir, m.record_number, slug);
		text = report_madr(a, &m);
		w = file_create_new(path, text, strlen(text), d);
		free(text);
		if (w == 0) {
			out->written = path;
			out->superseded = s.latest ? xasprintf("%s/%s", dir, s.latest) : NULL;
			rc = 0;
		} else {
			free(path);
		}
		scan_release(&s);
		if (w != 0 && w != FILEIO_EXISTS)
			break;
	}
	if (rc < 0 && d->errors == errors)
		diag_error(d, dir, "cannot find a free record number in '%s': other runs keep "
			   "taking them", dir);
	free(slug);
	free(title);
	free(decision);
	free(dir);
	return rc;
}

void adr_outcome_release(struct adr_outcome *out)
{
	free(out->written);
	free(out->same);
	free(out->superseded);
	memset(out, 0, sizeof *out);
}
