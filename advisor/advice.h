/*
 * The advice engine: from a profile, probe figures, the knowledge base and
 * the rule base to a ranked, explained recommendation.  struct advice is
 * the report model: every renderer (Markdown, HTML, JSON, MADR) reads it
 * and none recomputes anything.
 *
 * Pipeline: candidates (runtime x model, less exclusions) -> capacity at
 * the target load -> base criterion scores -> rules (effects on scores) ->
 * weighted totals and ranking -> confidence, hybrid design, sensitivity.
 */
#ifndef ADVISOR_ADVICE_H
#define ADVISOR_ADVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "kb.h"
#include "probe.h"
#include "profile.h"
#include "rule.h"

/* With no probe figures, an instance is assumed to have this many cores. */
#define ADVICE_DEFAULT_CORES 2
/* Instances are sized for this utilisation at peak. */
#define ADVICE_TARGET_UTILISATION 0.7

struct capacity {
	double cores;		/* per instance */
	double processes;	/* per instance */
	double speedup;		/* measured (or default) multi-core speed-up */
	bool measured;		/* speed-up and overhead come from probes */
	double usable_cores;
	double overhead_us;	/* dispatch cost per hand-off */
	double cpu_factor;	/* applied to cpu_ms_per_request (native or not) */
	double task_memory_kib;
	double service_ms;	/* CPU per request in this runtime, with overhead */
	double rps_per_instance;
	double utilisation;	/* at the planned instances; may exceed 1 */
	double queue_ms;	/* p99 queueing delay; -1: unbounded */
	double latency_ms;	/* p99 estimate; -1: unbounded */
	double memory_mb;	/* per instance at peak */
	int instances_needed;	/* -1: cannot meet the target at any count */
	double need_utilisation;	/* the same figures at instances_needed */
	double need_latency_ms;
	double need_memory_mb;
	bool meets_target;
	char limit[200];	/* what bounds it, in words */
};

struct candidate {
	const struct kb_runtime *rt;
	const struct kb_model *model;
	const struct kb_model_use *use;
	char *label;		/* "Go: goroutines (M:N scheduler)" */
	struct capacity cap;
	double skill;
	double eco;		/* mean ecosystem score for the needs, 0..5 */
	double base[CRIT__COUNT];
	double score[CRIT__COUNT];
	double total;
	double raw_total;	/* the same before clamping: breaks ties at 10 */
};

struct fired_rule {
	const struct rule *rule;
	char *rationale;
	char *risk;
	size_t *cands;		/* indices into cands of candidates it touched */
	size_t ncands;
};

struct accepted_rule {
	const char *id;
	const char *because;
	bool would_fire;
};

struct flip {
	char *input;		/* "team.skills.go" */
	double from;
	double to;
	double size;		/* relative size of the change, for ordering */
	char *winner;		/* label of the new winner */
	char *winner_runtime;
	char *winner_model;
};

struct derived {
	double machine_cores;
	double cpu_cores;
	double cpu_cores_per_instance;
	double in_flight_per_instance;
	double io_ms_per_request;
	double best_skill;
	const char *best_language;
};

struct hybrid {
	bool present;
	size_t gateway;		/* candidate indices (in the ranked list) */
	size_t worker;
	char *why;
};

struct advice {
	const struct profile *p;
	const struct probe_set *ps;	/* may be NULL: --no-probes */
	const struct kb *kb;
	const struct ruleset *rs;
	struct derived dv;
	struct candidate *cands;	/* ranked, best first */
	size_t ncands;
	struct fired_rule *fired;
	size_t nfired;
	struct accepted_rule *accepted;
	size_t naccepted;
	char **excluded;		/* runtime ids left out */
	size_t nexcluded;
	double confidence;
	const char *scaling;		/* cores | machines | both */
	struct hybrid hybrid;
	struct flip *flips;
	size_t nflips;
	/* Team: the best candidate in the team's strongest language. */
	long team_best;			/* index, or -1 */
	struct buf explain;		/* --explain trace */
};

void advice_init(struct advice *a);
void advice_release(struct advice *a);

/*
 * Compute the advice.  ps may be NULL (knowledge defaults are used and the
 * report says so).  Returns 0, or -1 with diagnostics (an unknown rule id
 * in the profile's accept list, a pattern stopped by its limits).
 */
int advise(struct advice *a, const struct profile *p, const struct probe_set *ps,
	   const struct kb *kb, const struct ruleset *rs, bool explain, struct diags *d);

/* Every rule named in the profile's accept list exists; errors at their place. */
int advice_check_accept(const struct profile *p, const struct ruleset *rs, struct diags *d);

/* Look up a rule field for candidate c (NULL for none): the rule engine's view. */
void advice_lookup(const struct advice *a, const struct candidate *c, const char *field,
		   struct value *out);

/*
 * The value a what-if tries for a profile field: value itself, or orig
 * times value when relative, rounded for whole-number fields.  False when
 * that is no change or lies outside the field's valid range (a what-if
 * never suggests a priority of 6 or a concurrency of 0.5).
 */
bool advice_whatif_value(const char *input, double orig, double value, bool relative,
			 double *out);

#endif
