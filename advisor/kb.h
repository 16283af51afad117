/*
 * The knowledge base: one Markdown file per runtime and per concurrency
 * model, each opening with a YAML front-matter block of structured facts,
 * and one vocabulary file for the ecosystem needs and traits
 * (docs/knowledge.md).  Runtimes, their languages, models, needs and
 * traits are data: adding one is editing Markdown, never a C change.
 *
 * The body is split into sections by its level-2 headings (found with
 * cmark-gfm), so the report can quote "knowledge/runtime-go.md#strengths".
 */
#ifndef ADVISOR_KB_H
#define ADVISOR_KB_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "profile.h"

struct kb_section {
	char *slug;		/* "execution-model" */
	char *title;		/* "Execution model" */
	char *text;		/* Markdown of the section body, trimmed */
	int line;
};

struct kb_source {
	char *key;
	char *citation;
};

/*
 * Workload classes of CPU cost (docs/knowledge.md, "CPU cost by workload
 * class"): framework-bound web handlers, pure-language compute, and work
 * inside native (C, C++, Rust) libraries.
 */
enum kb_class { KB_WEB, KB_COMPUTE, KB_NATIVE, KB_CLASS__COUNT };
extern const char *const kb_class_names[];	/* "web", "compute", "native" */

/* A CPU factor relative to Go = 1: a range, its typical middle, its source. */
struct kb_factor {
	double low, typical, high;	/* low <= typical <= high */
	char *source;			/* citation; NULL only for a legacy file */
};

/* A garbage collector the runtime offers, with its tail pause. */
struct kb_gc {
	char *collector;		/* "G1", "ZGC", "none" */
	double p99_pause_ms;		/* p99 stop-the-world pause under load */
	bool is_default;
	char *source;			/* or NULL (then sources.gc cites it) */
};

struct kb_model_use {
	char *model;		/* model id */
	char *name;		/* "goroutines (M:N scheduler)" */
	double task_memory_kib;
	bool is_default;
};

struct kb_runtime {
	char *id;
	char *name;
	char *language;		/* a team.skills key */
	char *file;
	double velocity;	/* 0..5 */
	/*
	 * CPU cost by workload class (cpu_cost).  A file with only the older
	 * cpu_factor (and native_cpu_factor) fills every class from them, with
	 * low = typical = high; cpu_cost_legacy says so.
	 */
	struct kb_factor cpu_cost[KB_CLASS__COUNT];
	bool cpu_cost_legacy;
	/*
	 * The single figures of the first capacity estimate, still read by
	 * advice.c: cpu_factor as given, else the web class's typical;
	 * native_cpu_factor as given, else the native class's typical.
	 */
	double cpu_factor;	/* relative to Go = 1 */
	double native_cpu_factor;	/* when the heavy work runs in native libraries */
	char *native_libraries;	/* legacy PCRE2 pattern, or NULL (not used by workload.c) */
	void *native_re;	/* compiled pattern (pcre2_code *), or NULL */
	double baseline_memory_mb;
	double cold_start_ms;
	struct kb_gc *gcs;	/* at least one; exactly one is_default */
	size_t ngcs;
	double gc_pause_ms;	/* the default collector's p99 pause (or the legacy key) */
	double *ecosystem;	/* by kb need index, 0..5 */
	struct kb_model_use *models;
	size_t nmodels;
	struct kb_section *sections;
	size_t nsections;
	struct kb_source *sources;
	size_t nsources;
};

/*
 * How a model uses cores: one thread of application code, every core, a
 * global lock, or an event loop that offloads the CPU-heavy share of a
 * request to worker threads (docs/knowledge.md).
 */
enum kb_parallelism { PAR_ONE, PAR_CORES, PAR_GIL, PAR_OFFLOAD };

/*
 * The probe figures a model uses, for plausible ranges (plausible: in a
 * model file).  A figure outside its range is suspect: the machine was
 * busy, or the probe measured something else.
 */
enum kb_figure { FIG_SPEEDUP, FIG_SPEEDUP_PER_CORE, FIG_OVERHEAD_US, FIG_TASK_MEMORY_KIB,
		 FIG_LAG_MS, FIG__COUNT };
extern const char *const kb_figure_names[];	/* the plausible: keys */

struct kb_range {
	bool set;
	double lo, hi;
};

struct kb_model {
	char *id;
	char *name;
	char *file;
	enum kb_parallelism parallelism;
	bool per_core_processes;
	char *speedup_probe;	/* may be NULL */
	char *overhead_probe;
	char *task_memory_probe;
	char *lag_probe;
	double def_speedup;
	double def_overhead_us;
	double def_task_memory_kib;
	double def_lag_ms;
	double def_worker_memory_mb;	/* offload: memory of one idle worker */
	struct kb_range plausible[FIG__COUNT];
	struct kb_section *sections;
	size_t nsections;
	struct kb_source *sources;
	size_t nsources;
};

/* What a trait says about the work (knowledge/vocabulary.md, classes). */
enum {
	TRAIT_IO = 1,		/* I/O-facing: the front tier of a split */
	TRAIT_CPU = 2,		/* CPU-heavy: the worker tier of a split */
	TRAIT_NATIVE = 4,	/* the heavy work runs in native libraries */
	TRAIT_JOBS = 8,		/* jobs, not requests: queued work by nature */
};

struct kb_trait {
	char *id;
	char *doc;
	unsigned classes;	/* TRAIT_* */
	size_t *needs;		/* ecosystem needs it implies, by need index */
	size_t nneeds;
};

struct kb_need {
	char *id;
	char *doc;
};

/*
 * The vocabulary file (kind: vocabulary): ecosystem needs, traits, and the
 * order in which languages and runtimes are listed.
 */
struct kb_vocab {
	char *file;
	struct kb_need *needs;
	size_t nneeds, capneeds;
	struct kb_trait *traits;
	size_t ntraits, captraits;
	struct strlist language_order;
	struct strlist runtime_order;
};

struct kb {
	char *dir;
	struct kb_runtime *runtimes;
	size_t nruntimes;
	struct kb_model *models;
	size_t nmodels;
	struct kb_vocab vocab;
	/* Word lists for profile_known, in listing order. */
	const char **runtime_ids;
	const char **languages;		/* of the runtimes, each once */
	size_t nlanguages;
	const char **need_ids;
	const char **trait_ids;
};

void kb_init(struct kb *kb);
void kb_release(struct kb *kb);

/*
 * Load every *.md file of dir, in name order.  Problems are FILE:LINE:COL
 * diagnostics; returns -1 when any file is invalid or a runtime names a
 * model that has no file.
 */
int kb_load_dir(struct kb *kb, const char *dir, struct diags *d);

const struct kb_runtime *kb_runtime(const struct kb *kb, const char *id);
const struct kb_model *kb_model(const struct kb *kb, const char *id);
/* The section with this slug, or NULL. */
const struct kb_section *kb_section(const struct kb_section *v, size_t n, const char *slug);

/* The words a profile may use: runtimes, languages, needs, traits. */
void kb_known(const struct kb *kb, struct profile_known *known);

const struct kb_trait *kb_trait(const struct kb *kb, const char *id);
/* Does any of these traits have a class in classes (TRAIT_*)? */
bool kb_traits_have(const struct kb *kb, const struct strlist *traits, unsigned classes);

/* The runtime's default garbage collector (never NULL after a good load). */
const struct kb_gc *kb_runtime_gc(const struct kb_runtime *rt);

/*
 * Is a probe figure plausible for model m?  speedup is checked against
 * FIG_SPEEDUP and, divided by cores (> 0), against FIG_SPEEDUP_PER_CORE;
 * a figure without a range is plausible.  fig is FIG_SPEEDUP for a
 * speed-up, never FIG_SPEEDUP_PER_CORE.
 */
bool kb_model_plausible(const struct kb_model *m, enum kb_figure fig, double v, int cores);

/* Lowercase, spaces to '-', other punctuation dropped: "Best for" -> "best-for". */
char *kb_slug(const char *title);

#endif
