/*
 * The probe set: what a run measured or skipped, with the machine it ran
 * on.  Lifecycle, lookups by name, and the JSON writer of the contract
 * (`advisor probe --json`, the "probes" object of a report); the reader
 * that takes it back is probe-cache.c.  Figures are written with 15
 * significant digits, more than the six they are rounded to when taken,
 * so a cache read back compares equal.
 */
#include "probe-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"
#include "xalloc.h"

void probe_set_init(struct probe_set *ps)
{
	memset(ps, 0, sizeof *ps);
}

void probe_set_release(struct probe_set *ps)
{
	probe_fingerprint_release(&ps->fp);
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
	if (ps->replay) {
		replay_set_release(ps->replay);
		free(ps->replay);
	}
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

void probe_set_add_skip(struct probe_set *ps, const char *name, const char *reason)
{
	struct probe_skip *s = XPUSH(ps->skipped, ps->nskipped, ps->capskipped);

	s->name = xstrdup(name);
	s->reason = xstrdup(reason);
}

/* ---- the JSON writer ------------------------------------------------------ */

json_t *probe_set_to_json(const struct probe_set *ps)
{
	json_t *root = json_object();
	json_t *fp = json_object();
	json_t *res = json_array();
	json_t *skip = json_array();

	json_object_set_new(root, "schema_version", json_integer(PROBE_SCHEMA_VERSION));
	json_object_set_new(fp, "cpu_model", json_string(ps->fp.cpu_model ? ps->fp.cpu_model : ""));
	json_object_set_new(fp, "cores", json_integer(ps->fp.cores));
	json_object_set_new(fp, "memory_mb", json_integer(ps->fp.memory_mb));
	json_object_set_new(fp, "kernel", json_string(ps->fp.kernel ? ps->fp.kernel : ""));
	json_object_set_new(fp, "advisor_version",
			    json_string(ps->fp.advisor_version ? ps->fp.advisor_version : ""));
	json_object_set_new(fp, "taken_at", json_string(ps->fp.taken_at ? ps->fp.taken_at : ""));
	if (ps->fp.usable_cpus > 0)
		json_object_set_new(fp, "usable_cpus", json_integer(ps->fp.usable_cpus));
	/* absent: no limit found (old caches have none of the three) */
	if (ps->fp.cpu_quota > 0)
		json_object_set_new(fp, "cpu_quota", json_real(ps->fp.cpu_quota));
	if (ps->fp.memory_limit_mb > 0)
		json_object_set_new(fp, "memory_limit_mb", json_integer(ps->fp.memory_limit_mb));
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
	if (ps->replay)
		json_object_set_new(root, "replay", replay_set_to_json(ps->replay));
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

