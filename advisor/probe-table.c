/*
 * The probe table: every family's rows (probes/FAMILY.c) in one run order,
 * and the --only selection over it.  A name in --only matches a family,
 * a whole probe name, or a prefix of names that ends at a dot
 * ("thread.rtt" chooses both round trips, "thread.r" chooses nothing).
 */
#include "probe-internal.h"

#include <stdlib.h>
#include <string.h>

#include "suggest.h"
#include "util.h"
#include "xalloc.h"

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
_Static_assert(ARRAY_SIZE(probe_family_names) == PROBE_NFAMILIES,
	       "one name per family table");

size_t probe_count(void)
{
	size_t n = 0;

	for (size_t f = 0; f < PROBE_NFAMILIES; f++)
		n += *probe_families[f].count;
	return n;
}

const struct probe_def *probe_def_at(size_t i)
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

bool probe_selected(const char *only, const struct probe_def *d)
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
