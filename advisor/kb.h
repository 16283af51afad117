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
	double cpu_factor;	/* relative to Go = 1 */
	double native_cpu_factor;	/* when the heavy work runs in native libraries */
	char *native_libraries;	/* PCRE2 pattern naming such libraries, or NULL */
	void *native_re;	/* compiled pattern (pcre2_code *), or NULL */
	double baseline_memory_mb;
	double cold_start_ms;
	double gc_pause_ms;
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
	struct kb_section *sections;
	size_t nsections;
	struct kb_source *sources;
	size_t nsources;
};

/* What a trait says about the work (knowledge/vocabulary.md, classes). */
enum {
	TRAIT_IO = 1,		/* I/O-facing: the front of a hybrid design */
	TRAIT_CPU = 2,		/* CPU-heavy: the workers of a hybrid design */
	TRAIT_NATIVE = 4,	/* the heavy work runs in native libraries */
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

/* Lowercase, spaces to '-', other punctuation dropped: "Best for" -> "best-for". */
char *kb_slug(const char *title);

#endif
