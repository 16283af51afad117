/*
 * Replay: the profile's workload served by the real runtimes installed on
 * this machine, under open-loop load (docs/probes.md, "Replay").
 *
 * Each candidate of the manifest (probes/replay/manifest.yaml) is a server
 * that follows /work/notes/replay-contract.md: advisor starts it, drives it
 * with its own load generator over loopback and records what it measured
 * (or why it skipped it) in a replay set, which the probe JSON carries as
 * its "replay" object.  Figures that were not measured are NAN (JSON null).
 */
#ifndef ADVISOR_REPLAY_H
#define ADVISOR_REPLAY_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "diag.h"

#define REPLAY_MAX_CLASSES 8
#define REPLAY_MAX_CANDIDATES 64

/* The model ids of the contract, for the strict reader. */
extern const char *const replay_models[];
extern const size_t replay_nmodels;

/* Shares of a request's CPU time per kernel class; they sum to 1. */
struct replay_shares {
	double web, compute, native;
};

/* One request class: its share of requests and what one request runs. */
struct replay_class {
	double share;		/* 0..1 */
	double cpu_ms;		/* the profile's CPU time per request */
	long web, compute, native;	/* kernel iterations */
	long io_us;		/* backend wait, 0: none */
};

/* A figure measured at a fraction of the maximum rate. */
struct replay_point {
	double share;		/* 0.5, 0.8 */
	double rps, p50_ms, p99_ms;
};

struct replay_candidate {
	char *runtime;
	char *model;
	bool measured;		/* false: skipped */
	char *reason;		/* why skipped; for measured, notes or NULL */
	char *runtime_version;	/* NULL when unknown */
	char *command;		/* the command line run, NULL when not run */
	double startup_ms;	/* spawn to LISTENING (excluded from sampling) */
	double cpu_ms_per_request;
	double cpu_factor;	/* against the C yardstick */
	double usable_cores;	/* rate on every allowed CPU / rate on one */
	double max_rps;		/* highest rate whose p99 meets the budget */
	double p50_ms, p99_ms;	/* at 80 % of max_rps */
	double rss_base_mb;	/* proportional set size of the tree, at rest */
	double kib_per_connection;	/* per idle keep-alive connection */
	struct replay_point points[2];	/* 50 % and 80 % of max_rps */
	size_t npoints;
};

/* What the load was: the same for every candidate of a run. */
struct replay_load {
	int connections;
	int idle_connections;
	double step_s;		/* one step of the rate search */
	double sampling_s;	/* at most, per candidate */
	bool poisson;		/* schedule: poisson, else constant */
	double p99_budget_ms;
	double yardstick_ms;	/* what one request costs in C */
	double kernel_us[3];	/* C cost of one web, compute, native iteration */
	struct replay_class classes[REPLAY_MAX_CLASSES];
	size_t nclasses;
};

struct replay_set {
	char *profile;
	struct replay_load load;
	double budget_s;
	double elapsed_s;
	struct replay_candidate *cands;
	size_t ncands;
	size_t capcands;
};

void replay_set_init(struct replay_set *rs);
void replay_set_release(struct replay_set *rs);
struct replay_candidate *replay_set_add(struct replay_set *rs);

/* The replay object of the probe JSON; the caller owns the reference. */
json_t *replay_set_to_json(const struct replay_set *rs);

/*
 * What the profile asks a request to do.  cpu_ms and io_wait_fraction as
 * in the profile; classes (share, cpu_ms), when the profile has a
 * workload.mix, replace cpu_ms (nclasses 0: none).  shares: the kernel
 * mix; NULL takes the default of the kind (replay_default_shares).
 */
struct replay_request {
	const char *profile;		/* shown in the JSON */
	const char *kind;		/* io, cpu, mixed */
	double cpu_ms;
	double io_wait_fraction;
	double latency_p99_ms;
	double peak_concurrency;
	const struct replay_class *mix;	/* share and cpu_ms read */
	size_t nmix;
	const struct replay_shares *shares;
};

/* The kernel shares for a workload kind: io web 1; cpu compute .7 native .3; mixed .5/.3/.2. */
struct replay_shares replay_default_shares(const char *kind);

typedef void (*replay_progress_fn)(void *arg, size_t index, size_t count,
				   const struct replay_candidate *c);

struct replay_options {
	const char *manifest;	/* path of manifest.yaml */
	double budget_s;	/* the whole replay */
	double max_sampling_s;	/* per candidate, at most (default 5) */
	bool poisson;
	replay_progress_fn progress;	/* after each candidate; optional */
	void *progress_arg;
	/* called with the port of each server once it listens; optional */
	void (*on_listen)(void *arg, const char *runtime, const char *model, int port);
};

/*
 * Run the replay of req over the manifest's candidates into rs.  Returns 0;
 * -1 with a diagnostic when the manifest cannot be read or the machine
 * prevents replay at all, or when a signal interrupted it (replay_interrupted()
 * then says which; every server and the backend are gone by then).
 */
int replay_run(struct replay_set *rs, const struct replay_request *req,
	       const struct replay_options *opt, struct diags *d);

/* The signal that interrupted the last replay_run, or 0. */
int replay_interrupted(void);

#endif
