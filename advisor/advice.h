/*
 * The advice engine: from a profile, probe figures, the knowledge base and
 * the rule base to a ranked, explained recommendation.  struct advice is
 * the report model: every renderer (Markdown, HTML, JSON, MADR) reads it
 * and none recomputes anything.  What a report shows beyond the ranking is
 * decided here too, once: the reasons for the winner, the risks, which
 * fired rules touch the winner (on_winner), the key inputs that were
 * assumed, where the probe figures came from and what each chart plots.
 *
 * Pipeline: candidates (runtime x model, less exclusions) -> capacity at
 * the target load -> base criterion scores -> rules (effects on scores) ->
 * weighted totals and ranking -> confidence, tiers, sensitivity.  The
 * ranking of single candidates is the evidence; the tiers (one service, or
 * a front and a worker tier joined by a queue) are the recommendation.
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
#include "workload.h"

/* With no probe figures, an instance is assumed to have this many cores. */
#define ADVICE_DEFAULT_CORES 2
/* Instances are sized for this utilisation at peak. */
#define ADVICE_TARGET_UTILISATION 0.7

/*
 * A candidate's capacity at the target load: the capacity model's result
 * (capacity.h) in the figures the report shows.  The figures are those of
 * the fleet it needs (instances_needed instances of its shape); when it
 * is infeasible, those of one request on an idle instance.
 */
struct capacity {
	double cores;		/* per instance of its shape */
	double processes;	/* per instance */
	double speedup;		/* measured (or default) multi-core speed-up */
	bool measured;		/* speed-up and overhead come from probes */
	double usable_cores;	/* per instance, after the speed-up */
	double overhead_us;	/* dispatch cost per hand-off */
	double cpu_factor;	/* typical factor on the profile's work (workload.h) */
	double cpu_factor_low, cpu_factor_high;	/* the ends of its knowledge range */
	double knowledge_factor;	/* the typical factor of knowledge or calibration */
	enum workload_source cpu_source;	/* knowledge, legacy or calibration */
	char cpu_why[256];	/* where the factor came from, in words */
	double cores_needed_low;	/* cores_needed at the low and high factor; */
	double cores_needed_high;	/* 0 where infeasible there */
	double cost_month;	/* cores_needed x constraints.cost_per_core_month; 0: none */
	double hol_ms;		/* a slow class blocking a single thread; 0: none */
	const char *hol_class;	/* its name (or NULL) */
	const char *gc_collector;	/* the collector whose pause p99 carries */
	bool gc_switched;	/* not the default: the default cannot meet the budget */
	double offload_share;	/* offload models: share of CPU run by the workers */
	double task_memory_kib;
	double cpu_ms;		/* mean CPU per request in this runtime, no hand-offs */
	double service_ms;	/* mean CPU per request in this runtime, with hand-offs */
	double rps_per_instance;
	double utilisation;	/* of its busiest station, at instances_needed */
	double queue_ms;	/* p99 queueing delay */
	double latency_ms;	/* p99 estimate */
	double memory_mb;	/* per instance at peak */
	int instances_needed;	/* instances of its shape; 0 when infeasible */
	double cores_needed;	/* instances_needed x cores; 0 when infeasible */
	double cores_busy;	/* CPU actually consumed at peak */
	bool feasible;		/* some fleet meets every target */
	bool meets_target;	/* feasible, within the planned cores */
	char shape[200];	/* "4 pods of 1 vCPU, one process each" */
	char limit[300];	/* what bounds it, or why it is infeasible, in words */
	/* The gate (docs/method.md): may it be recommended? */
	bool eligible;
	double cores_ratio;	/* cores_needed / the leanest feasible candidate's; 0: infeasible */
	double cores_over_best;	/* cores_needed minus the leanest feasible candidate's */
	char gate_reason[200];	/* why not eligible; "" when eligible */
	/*
	 * Replay (docs/method.md, "Measured by replay"): replay is true when
	 * this runtime and model were measured serving the profile's request
	 * (basis "measured"); cells says which figures replay gave, flagged
	 * which of them lie more than 2x outside the knowledge range.
	 */
	bool replay;
	unsigned replay_cells;		/* REPLAY_CELL_* */
	unsigned replay_flagged;	/* REPLAY_CELL_* */
	double replay_factor;		/* as measured; 0: none */
	double replay_usable;		/* usable cores as measured; 0: none */
	double replay_kib;		/* KiB per connection as measured; 0: none */
	double speedup_low, speedup_high;	/* the knowledge's plausible speed-ups; 0: none */
	double kib_low, kib_high;	/* the knowledge's memory per request, KiB */
};

/* The figures replay can give a candidate's capacity. */
enum {
	REPLAY_CELL_CPU = 1,		/* the CPU factor */
	REPLAY_CELL_CORES = 2,		/* usable cores: the speed-up */
	REPLAY_CELL_MEMORY = 4,		/* memory per connection */
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
	/* Ranking class: 0 eligible, 1 feasible but gated, 2 infeasible. */
	int gate_class;
	double shortfall;	/* infeasible: how far past the budget or limit (>= 1) */
	long lacks;		/* a hard need its runtime lacks (vocabulary index), or -1 */
};

/*
 * A rule that fired.  on_winner is true when the rule fired for the
 * winning candidate (a rule about the profile fires for all of them, a
 * rule about candidate.* fields for those in cands) and changes its
 * scores: some effect selects it (an effect's runtime and model, each
 * either absent or the winner's).  A rule with no effects (a risk only)
 * touches every candidate it fired for.  Only rules on the winner give
 * the report its reasons and rule risks.
 */
struct fired_rule {
	const struct rule *rule;
	char *rationale;
	char *risk;
	size_t *cands;		/* indices into cands of candidates it touched */
	size_t ncands;
	/*
	 * The candidates it applies to, best-ranked first: those it fired for
	 * whose scores one of its effects changes (all it fired for when it
	 * has no effects).  The rationale speaks of the first of them; the
	 * report's "Applies to" lists them.
	 */
	size_t *applies;
	size_t napplies;
	bool on_winner;
};

/* At most this many rules are given as the main reasons for the winner. */
#define ADVICE_MAX_REASONS 3

enum risk_kind {
	RISK_RULE,		/* a fired rule's risk; the rule is on the winner */
	RISK_CAPACITY,		/* the plan has fewer instances than the winner needs */
	RISK_BLOCKING,		/* a slow request class blocks a single-threaded process */
	RISK_CLOSE_CALL,	/* low confidence */
	RISK_ASSUMED,		/* key inputs took their defaults */
	RISK_FIGURES,		/* probe figures were not trusted, or flip the answer at their ends */
	RISK_SPLIT,		/* two tiers joined by a queue (and maybe two runtimes) */
	RISK__COUNT
};

/*
 * JSON names: "rule", "capacity", "head-of-line-blocking", "close-call",
 * "assumed-inputs", "probe-figures", "split".
 */
extern const char *const risk_kind_names[];

/* A risk of the winner, plain text (renderers escape it and label the kind). */
struct advice_risk {
	enum risk_kind kind;
	size_t fired;		/* RISK_RULE: index into advice.fired */
	char *text;		/* a sentence or more; "" for RISK_ASSUMED */
	char *mitigation;
};

/*
 * A key input: one the advice leans on, so that leaving it to its default
 * lowers the confidence and raises the "assumed inputs" risk.
 */
#define ADVICE_MAX_KEY_INPUTS 8
struct key_input {
	enum profile_field field;
	const char *path;	/* "workload.requests_per_second" */
	const char *words;	/* "the request rate" */
};

/* Where the probe figures came from. */
enum probe_origin {
	PROBES_NONE,		/* --no-probes: knowledge-base defaults */
	PROBES_MEASURED,	/* measured on this machine by this run */
	PROBES_CACHE,		/* read from a probe cache (--probes-from) */
};

/* One bar of a chart: a probe's figures in the chart's unit. */
struct chart_bar {
	const char *name;	/* the probe's name; a replay chart's points at label */
	double median, min, max;
	bool noisy;
	double p99;		/* replay charts: p99 ms at 80 % of the rate; else 0 */
	char label[48];		/* replay charts: "runtime/model" */
};

/*
 * A chart of probe figures that share a unit.  No chart holds figures more
 * than ADVICE_CHART_SPAN apart, so every bar of a linear axis stays visible.
 */
#define ADVICE_CHART_SPAN 100.0
struct chart {
	char title[64];		/* "Cost of one operation, 1 of 2" */
	const char *unit;	/* axis unit: "us", "x" */
	const char *unit_words;	/* "microseconds", "x" */
	struct chart_bar *bars;
	size_t nbars;
	/*
	 * Replay's chart: the highest rate of each candidate it measured
	 * whose p99 met the budget (median = min = max), with its p99 at 80 %
	 * of that rate; drawn after the replay table.
	 */
	bool replay;
};

/*
 * The decision chart (Capacity section): the cores each candidate needs
 * at peak, or their monthly cost when the profile gives
 * constraints.cost_per_core_month, leanest first, with the gate drawn at
 * gate_ratio (the capacity model's CAP_DEFAULT_GATE_RATIO) times the
 * leanest feasible candidate.  The axis stops
 * at ADVICE_DECISION_SPAN times the leanest: a candidate past that is drawn
 * to the axis end and marked off_scale (its value is printed), so that 4
 * cores stay visible beside 150.  Infeasible candidates come last, with
 * no value: they are named, never drawn as a bar.
 */
#define ADVICE_DECISION_SPAN 10.0

enum decision_mark {
	DECISION_ELIGIBLE,	/* may be recommended */
	DECISION_GATED,		/* feasible, but past the gate */
	DECISION_INFEASIBLE,	/* no size meets the target: no bar */
};

struct decision_bar {
	char id[64];		/* "go/m-n" */
	size_t cand;		/* index into the ranked candidates */
	double cores;		/* cores_needed; 0 when infeasible */
	double value;		/* in the chart's unit: cores, or cost per month */
	enum decision_mark mark;
	bool winner;
	bool off_scale;		/* value > axis_max: drawn to the axis end */
};

struct decision_chart {
	char title[96];		/* "Cores needed at peak" */
	const char *unit;	/* axis unit: "cores" or "per month" */
	bool cost;		/* values are monthly costs */
	double per_core;	/* the cost of a core-month when cost */
	struct decision_bar *bars;	/* feasible ones by value (ties by rank), then infeasible */
	size_t nbars;
	size_t nfeasible;	/* the first nfeasible bars have a value */
	size_t noff_scale;
	double leanest;		/* the leanest feasible candidate's value */
	double gate_ratio;	/* 3 */
	double gate;		/* gate_ratio x leanest */
	double axis_max;	/* the axis' end, in the unit */
};

struct accepted_rule {
	const char *id;
	const char *because;
	bool would_fire;
};

/* What a what-if changed: a profile field, a probe figure, a runtime's CPU factor. */
enum flip_kind { FLIP_PROFILE, FLIP_PROBE, FLIP_CPU_FACTOR, FLIP__COUNT };
extern const char *const flip_kind_names[];	/* "profile", "probe", "cpu_factor" */

struct flip {
	enum flip_kind kind;
	/*
	 * "team.skills.go"; a probe's name ("process.speedup", tried at its
	 * measured min and max); "cpu_factor.python" (the low and high end of
	 * the runtime's CPU factor range for this work).
	 */
	char *input;
	double from;
	double to;
	double size;		/* relative size of the change, for ordering */
	char *winner;		/* label of the new winner */
	char *winner_runtime;
	char *winner_model;
	/*
	 * A hard need the new winner's runtime lacks (vocabulary index), or
	 * -1: it would rank first as one service, but the work would split
	 * into tiers (docs/method.md, "Tiers").
	 */
	long lacks;
};

/*
 * A probe figure as checked before it may decide (docs/method.md,
 * "Checking the probe figures").  A figure that was flagged noisy, whose
 * spread is wide, or that lies outside a model's plausible range
 * (kb_model_plausible) is not used: the knowledge default decides in its
 * place, and rules on probe.* fields do not see it.
 */
enum figure_verdict { FIGV_USED, FIGV_NOISY, FIGV_WIDE, FIGV_IMPLAUSIBLE, FIGV__COUNT };
extern const char *const figure_verdict_names[];	/* "used", "noisy", "wide", "implausible" */

/* Wide: MAD over the median above this ... */
#define ADVICE_WIDE_MAD 0.25
/* ... or the best sample (max of a speed-up or rate, min of a cost) this many times the median, or a fraction of it. */
#define ADVICE_WIDE_BEST 1.5
/* More than this share of the figures noisy: a busy machine, confidence at most ADVICE_BUSY_CAP. */
#define ADVICE_BUSY_SHARE 0.5
#define ADVICE_BUSY_CAP 0.55

/* One probe result of the set, as checked (parallel to advice.ps->results). */
struct probe_use {
	const char *name;	/* the probe's name */
	bool model_input;	/* some model's speed-up, hand-off, task memory or lag figure */
	enum figure_verdict verdict;
	char why[200];		/* "" when used; "noisy: other work used 62% of the CPU" */
};

struct derived {
	double machine_cores;
	double instance_cores;	/* scaling.cores_per_instance (whole cores), else machine cores */
	double planned_cores;	/* scaling.instances x instance_cores */
	double cpu_cores;
	double cpu_cores_per_instance;
	double in_flight_per_instance;
	double io_ms_per_request;
	double best_skill;
	const char *best_language;
};

/*
 * The two tiers in the terms of the first hybrid design: present exactly
 * when there are two tiers, and filled from them (JSON "hybrid").
 */
struct hybrid {
	bool present;
	size_t gateway;		/* candidate indices (in the ranked list) */
	size_t worker;
	char *why;
};

/* A tier of the recommended architecture (docs/method.md, "Tiers"). */
enum tier_role { TIER_SERVICE, TIER_FRONT, TIER_WORKERS, TIER_ROLE__COUNT };

/* JSON names of the roles: "service", "front", "workers". */
extern const char *const tier_role_names[];

/*
 * One tier: a design (runtime and model) sized with the tier's own load.
 * A service tier is the ranking's winner with the whole workload; a front
 * tier holds the connections, the I/O and the request's web share of CPU;
 * a worker tier runs the rest of the CPU, fed through a queue.
 */
#define ADVICE_MAX_TIERS 2
struct tier {
	enum tier_role role;
	const struct kb_runtime *rt;
	const struct kb_model *model;
	char *label;		/* "Node.js: event loop" */
	long cand;		/* index of the same design in cands (the ranking), or -1 */
	double rps;		/* requests per second this tier serves */
	double cpu_ms;		/* reference (Go-like) CPU ms per request on this tier */
	double io_ms;		/* I/O wait per request on this tier */
	struct capacity cap;	/* sized with this tier's load; cap.shape, cap.limit in words */
	char *why;		/* why this design for this tier: a sentence, no final stop */
};

/* A split pays when one service would need more than this times the tiers' cores. */
#define ADVICE_TIER_PAYS_RATIO 1.2
/*
 * The same across two runtimes: a second runtime is a second toolchain, a
 * second set of libraries and on-call knowledge, which the cores must pay for.
 */
#define ADVICE_TIER_PAYS_RATIO_POLYGLOT 1.5
/* A worker tier for a hard need: runtimes whose ecosystem for it is at least this. */
#define ADVICE_TIER_NEED_MIN 4
/* A runtime lacks a need when its ecosystem for it is below this. */
#define ADVICE_TIER_LACKS_BELOW 3
/* The front tier's share of request CPU is at least this (parsing, routing). */
#define ADVICE_TIER_MIN_FRONT_SHARE 0.05
/*
 * In a split, a class of workload.mix this heavy (reference CPU ms; the
 * cost at which a request counts as blocking an event loop) goes to the
 * workers, all of its requests; the lighter classes stay in front whole.
 */
#define ADVICE_HEAVY_CLASS_MS 20

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
	/*
	 * The recommendation's architecture: tiers[0] the service, or the
	 * front then the workers.  split_considered: the workload splits (kind
	 * mixed, I/O with CPU traits, or a hard need the winner lacks);
	 * tiers_why says why there are two tiers, or why one when a split was
	 * considered (NULL otherwise); a sentence or more, plain text.
	 */
	struct tier tiers[ADVICE_MAX_TIERS];
	size_t ntiers;
	bool split_considered;
	double front_share;		/* share of request CPU that stays in front */
	/*
	 * A mix with light and heavy classes (ADVICE_HEAVY_CLASS_MS): the
	 * heavy ones go to the workers whole, less front_share of their CPU
	 * (accepting, parsing, answering), the light ones stay in front.
	 */
	/*
	 * The load is a worker tier's, taken from a queue: the processes of an
	 * instance share it (capacity.h, shared_queue).
	 */
	bool queue_fed;
	/*
	 * The hard need the ranking's winner lacks (an index into the
	 * vocabulary's needs), or -1: the reason a two-tier answer splits,
	 * and why the winner's one-service figures are hypothetical.
	 */
	long winner_lacks;
	bool heavy_split;
	double heavy_share;		/* share of requests in the heavy classes */
	char *tiers_why;
	struct flip *flips;
	size_t nflips;
	/* The probe figures as checked; none under --no-probes. */
	struct probe_use *probe_use;	/* one per ps->results entry, in order */
	size_t nprobe_use;
	bool busy_machine;		/* more than ADVICE_BUSY_SHARE of the figures noisy */
	/* Sentences on what lowered the confidence beyond the margin, for the note. */
	char **confidence_notes;
	size_t nconfidence_notes;
	double margin_confidence;	/* the confidence from the margin alone */
	/*
	 * What-if hooks, set only on the private copies sensitivity runs: one
	 * probe figure at another value (its measured min or max, in the
	 * probe's unit), and per runtime of kb (by index) a factor the
	 * capacity model multiplies into its CPU factor (NULL: 1 for all).
	 */
	const char *whatif_probe;
	double whatif_value;
	const double *cpu_factor_scale;
	/*
	 * The replay whose figures capacity uses: ps->replay when it served
	 * this profile's request (its CPU per request and p99 budget), else
	 * NULL, and replay_why says why a replay in the probe set is not used.
	 */
	const struct replay_set *replay;
	char replay_why[200];
	/* Team: the best candidate in the team's strongest language. */
	long team_best;			/* index, or -1 */
	/* The leanest feasible candidate (ranked index), or -1 when none is feasible. */
	long leanest;
	size_t neligible;		/* eligible candidates: ranked first */
	/* What the report says, decided once for every renderer. */
	size_t reasons[ADVICE_MAX_REASONS];	/* indices into fired, strongest first */
	size_t nreasons;
	struct advice_risk *risks;	/* in report order: rules, capacity, close call, figures, assumed */
	size_t nrisks;
	const struct key_input *assumed_inputs[ADVICE_MAX_KEY_INPUTS];	/* key inputs left to defaults */
	size_t nassumed_inputs;
	enum probe_origin probes;
	struct chart *charts;		/* only charts with bars; none without probes */
	size_t ncharts;
	struct decision_chart decision;	/* nbars 0 when no candidate is feasible */
	struct buf explain;		/* --explain trace */
};

void advice_init(struct advice *a);
void advice_release(struct advice *a);

/*
 * Compute the advice.  ps may be NULL (knowledge defaults are used and the
 * report says so); a probe set read from a cache has ps->source "cache
 * FILE" (probe_set_load), one measured now "measured" (probe_run).  Returns 0, or -1 with diagnostics (an unknown rule id
 * in the profile's accept list, a pattern stopped by its limits).
 */
int advise(struct advice *a, const struct profile *p, const struct probe_set *ps,
	   const struct kb *kb, const struct ruleset *rs, bool explain, struct diags *d);

/*
 * The highest rate one instance of candidate c's shape on the probe
 * machine's cores serves with its p99 within the profile's budget,
 * according to the capacity model with the figures c was sized with (no
 * utilisation target, no memory limit): what replay's max_rps measures,
 * for the calibration lines of `make bench`.  0 when no rate meets it.
 */
double advice_max_rps(const struct advice *a, const struct candidate *c);

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
