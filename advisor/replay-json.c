/*
 * The replay set: lifecycle and the JSON writer of the probe JSON's
 * "replay" object (the strict reader is in probe-cache.c).  A figure that
 * was not measured is NAN here and null in the JSON.
 */
#include "replay-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const char *const replay_models[] = {
	"event-loop", "process-pool", "thread-pool", "m-n", "gil-threads", "worker-threads",
};
const size_t replay_nmodels = sizeof replay_models / sizeof replay_models[0];

void replay_set_init(struct replay_set *rs)
{
	memset(rs, 0, sizeof *rs);
}

void replay_set_release(struct replay_set *rs)
{
	for (size_t i = 0; i < rs->ncands; i++) {
		struct replay_candidate *c = &rs->cands[i];

		free(c->runtime);
		free(c->model);
		free(c->reason);
		free(c->runtime_version);
		free(c->command);
	}
	free(rs->cands);
	free(rs->profile);
	replay_set_init(rs);
}

struct replay_candidate *replay_set_add(struct replay_set *rs)
{
	struct replay_candidate *c = XPUSH(rs->cands, rs->ncands, rs->capcands);

	memset(c, 0, sizeof *c);
	c->startup_ms = c->cpu_ms_per_request = c->cpu_factor = c->usable_cores = NAN;
	c->max_rps = c->p50_ms = c->p99_ms = c->rss_base_mb = c->kib_per_connection = NAN;
	return c;
}

double replay_round(double v)
{
	char buf[32];

	if (!isfinite(v))
		return v;
	snprintf(buf, sizeof buf, "%.4g", v);
	return strtod(buf, NULL);
}

static json_t *num(double v)
{
	return isfinite(v) ? json_real(replay_round(v)) : json_null();
}

static json_t *str(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *load_json(const struct replay_load *l)
{
	json_t *o = json_object(), *k = json_object(), *reqs = json_array();

	json_object_set_new(o, "connections", json_integer(l->connections));
	json_object_set_new(o, "idle_connections", json_integer(l->idle_connections));
	json_object_set_new(o, "schedule", json_string(l->poisson ? "poisson" : "constant"));
	json_object_set_new(o, "step_s", num(l->step_s));
	json_object_set_new(o, "sampling_s", num(l->sampling_s));
	json_object_set_new(o, "p99_budget_ms", num(l->p99_budget_ms));
	json_object_set_new(o, "yardstick_ms", num(l->yardstick_ms));
	json_object_set_new(k, "web_us", num(l->kernel_us[KERNEL_WEB]));
	json_object_set_new(k, "compute_us", num(l->kernel_us[KERNEL_COMPUTE]));
	json_object_set_new(k, "native_us", num(l->kernel_us[KERNEL_NATIVE]));
	json_object_set_new(o, "kernels", k);
	for (size_t i = 0; i < l->nclasses; i++) {
		const struct replay_class *c = &l->classes[i];
		json_t *r = json_object();

		json_object_set_new(r, "share", num(c->share));
		json_object_set_new(r, "cpu_ms", num(c->cpu_ms));
		json_object_set_new(r, "web", json_integer(c->web));
		json_object_set_new(r, "compute", json_integer(c->compute));
		json_object_set_new(r, "native", json_integer(c->native));
		json_object_set_new(r, "io_us", json_integer(c->io_us));
		json_array_append_new(reqs, r);
	}
	json_object_set_new(o, "requests", reqs);
	return o;
}

static json_t *candidate_json(const struct replay_candidate *c)
{
	json_t *o = json_object(), *pts = json_array();

	json_object_set_new(o, "runtime", json_string(c->runtime));
	json_object_set_new(o, "model", json_string(c->model));
	json_object_set_new(o, "status", json_string(c->measured ? "measured" : "skipped"));
	json_object_set_new(o, "reason", str(c->reason));
	json_object_set_new(o, "runtime_version", str(c->runtime_version));
	json_object_set_new(o, "command", str(c->command));
	json_object_set_new(o, "startup_ms", num(c->startup_ms));
	json_object_set_new(o, "cpu_ms_per_request", num(c->cpu_ms_per_request));
	json_object_set_new(o, "cpu_factor", num(c->cpu_factor));
	json_object_set_new(o, "usable_cores", num(c->usable_cores));
	json_object_set_new(o, "max_rps", num(c->max_rps));
	json_object_set_new(o, "p50_ms", num(c->p50_ms));
	json_object_set_new(o, "p99_ms", num(c->p99_ms));
	json_object_set_new(o, "rss_base_mb", num(c->rss_base_mb));
	json_object_set_new(o, "kib_per_connection", num(c->kib_per_connection));
	for (size_t i = 0; i < c->npoints; i++) {
		json_t *p = json_object();

		json_object_set_new(p, "share", num(c->points[i].share));
		json_object_set_new(p, "rps", num(c->points[i].rps));
		json_object_set_new(p, "p50_ms", num(c->points[i].p50_ms));
		json_object_set_new(p, "p99_ms", num(c->points[i].p99_ms));
		json_array_append_new(pts, p);
	}
	json_object_set_new(o, "points", pts);
	return o;
}

json_t *replay_set_to_json(const struct replay_set *rs)
{
	json_t *o = json_object(), *cands = json_array();

	json_object_set_new(o, "profile", str(rs->profile));
	json_object_set_new(o, "budget_s", num(rs->budget_s));
	json_object_set_new(o, "elapsed_s", num(rs->elapsed_s));
	json_object_set_new(o, "load", load_json(&rs->load));
	for (size_t i = 0; i < rs->ncands; i++)
		json_array_append_new(cands, candidate_json(&rs->cands[i]));
	json_object_set_new(o, "candidates", cands);
	return o;
}
