/*
 * The project profile: what the team is building, who the team is, how it
 * scales and what constrains it (docs/profile.md is the reference).
 *
 * profile_load validates everything: unknown keys, types, ranges and
 * vocabulary words are errors at their line and column.  An optional value
 * that is absent takes a documented default and is marked assumed, so the
 * report can say which inputs the advice rests on that nobody stated.
 */
#ifndef ADVISOR_PROFILE_H
#define ADVISOR_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

enum workload_kind { KIND_IO, KIND_CPU, KIND_MIXED };
enum scaling_strategy { SCALE_CORES, SCALE_MACHINES, SCALE_BOTH };
enum deployment { DEPLOY_VM, DEPLOY_KUBERNETES, DEPLOY_SERVERLESS, DEPLOY_EDGE, DEPLOY_DESKTOP };

/* Criteria ids (contract), in report order. */
enum criterion { CRIT_PERFORMANCE, CRIT_VELOCITY, CRIT_TEAM_FIT, CRIT_ECOSYSTEM,
		 CRIT_OPERATIONS, CRIT__COUNT };

/* Every field that can take a default, for the "assumed" marks. */
enum profile_field {
	PF_NAME, PF_DESCRIPTION,
	PF_RPS, PF_CPU_MS, PF_IO_WAIT, PF_LATENCY, PF_TRAITS,
	PF_TEAM_SIZE, PF_SKILLS, PF_CAN_HIRE,
	PF_STRATEGY, PF_INSTANCES, PF_DEPLOYMENT,
	PF_MEMORY, PF_COLD_START, PF_ECOSYSTEM, PF_EXCLUDE,
	PF_PRIORITIES,
	PF_NATIVE_SHARE, PF_MIX, PF_CORES_PER_INSTANCE, PF_COST_PER_CORE,
	PF_CALIBRATION, PF_MAKERS, PF_CONSULTED, PF_INFORMED,
	PF__COUNT
};

struct strlist {
	char **v;
	size_t n;
	size_t cap;
};

/* Most classes in workload.mix. */
#define PROFILE_MAX_CLASSES 16
/* Most entries, and characters per entry, of a list of short texts. */
#define PROFILE_MAX_TEXTS 32
#define PROFILE_SHORT_TEXT 200

/* One request class of workload.mix. */
struct profile_class {
	double share;		/* (0, 1]; the shares sum to 1 */
	double cpu_ms;		/* reference CPU ms, as cpu_ms_per_request */
	char *name;		/* or NULL */
};

struct profile_mix {
	struct profile_class *v;
	size_t n;
};

/* calibration: a CPU factor per runtime id, in the order written. */
struct profile_factors {
	struct strlist runtimes;
	double *factor;		/* by index in runtimes */
};

struct profile_accept {
	char *rule;
	char *because;
	int line;		/* of the rule id, for later "unknown rule" errors */
	int col;
};

struct profile {
	char *file;
	char *name;
	char *description;

	enum workload_kind kind;
	double peak_concurrency;
	double requests_per_second;
	double cpu_ms_per_request;	/* the mix's mean when workload.mix is given */
	double io_wait_fraction;
	double latency_p99_ms;
	struct strlist traits;
	double native_share;		/* 0..1; assumed[PF_NATIVE_SHARE]: not given */
	struct profile_mix mix;		/* n == 0: not given */

	int team_size;
	struct strlist languages;	/* the knowledge base's, in listing order */
	double *skills;			/* by languages index */
	bool *skill_stated;
	struct strlist can_hire;

	enum scaling_strategy strategy;
	int instances;
	enum deployment deployment;
	double cores_per_instance;	/* 0: not given (the probe machine's cores) */

	double memory_mb_per_instance;	/* 0: no limit */
	double cold_start_ms;		/* 0: no limit */
	struct strlist ecosystem;
	struct strlist exclude;
	double cost_per_core_month;	/* 0: not given */

	double priorities[CRIT__COUNT];
	bool priority_stated[CRIT__COUNT];

	struct profile_factors calibration;
	struct strlist makers, consulted, informed;	/* decision.* */

	struct profile_accept *accept;
	size_t naccept;
	size_t capaccept;

	bool assumed[PF__COUNT];
	size_t nwarnings;
};

/* The valid range of a numeric profile field (docs/profile.md). */
struct profile_range {
	double min, max;
	bool integer;
	bool above_min;		/* min itself is not valid: values are > min */
};

/* How a profile field is stored and checked. */
enum pf_type {
	PT_TEXT,		/* char *, at most 8192 characters */
	PT_WORD,		/* an enum: index of the word in its vocabulary */
	PT_NUMBER,		/* double */
	PT_INT,			/* int; whole numbers only */
	PT_WORDS,		/* struct strlist of vocabulary words, none twice */
	PT_SKILLS,		/* team.skills: a level per language */
	PT_PRIORITIES,		/* priorities: a weight per criterion */
	PT_MIX,			/* workload.mix: struct profile_mix */
	PT_FACTORS,		/* calibration: struct profile_factors, runtime id -> number */
	PT_TEXTS,		/* struct strlist of short texts, none twice */
};

/* The vocabulary of a word or word list. */
enum pf_vocab { PV_NONE, PV_KINDS, PV_STRATEGIES, PV_DEPLOYMENTS, PV_TRAITS, PV_LANGUAGES,
		PV_NEEDS, PV_RUNTIMES, PV__COUNT };

/* How an absent optional field is filled in. */
enum pf_default {
	PD_NONE,		/* zero, empty or none: the struct's initial value */
	PD_CONST,		/* def[0] */
	PD_BY_KIND,		/* def[workload.kind] */
	PD_PEAK,		/* workload.peak_concurrency (Little's law, 1 s stay) */
	PD_FILE_NAME,		/* the profile's file name */
	PD_EMPTY_TEXT,		/* "" */
	PD_MACHINE,		/* 0: the probe machine's cores, known at advice time */
};

enum {
	PFL_REQUIRED = 1,	/* absence is an error */
	PFL_ZERO_NONE = 2,	/* 0 means "no limit": not a value to show or compare */
	PFL_PROSE = 4,		/* shown as a paragraph, not as a row of the digest */
	PFL_QUIET = 8,		/* absent: left out of the digests and the assumed list */
};

/*
 * One row per profile field: the loader, the rule type checker, the advice
 * lookup, the Markdown and JSON digests and docs/profile.md's field table
 * all read this table (profile_fields[], in profile.c).
 */
struct profile_spec {
	const char *path;		/* "workload.io_wait_fraction" */
	enum pf_type type;
	enum pf_vocab vocab;		/* PT_WORD and PT_WORDS */
	const char *noun;		/* of a vocabulary word: "unknown trait 'x'" */
	struct profile_range range;	/* PT_NUMBER, PT_INT, each value of a mapping */
	enum pf_default def;
	double defv[3];			/* PD_CONST: [0]; PD_BY_KIND: by enum workload_kind */
	size_t offset;			/* in struct profile */
	int assumed;			/* enum profile_field, or -1 when required */
	unsigned flags;			/* PFL_* */
	int json_digits;		/* PT_NUMBER: rounding in the JSON report */
	const char *doc;		/* one line for docs/profile.md */
};

extern const struct profile_spec profile_fields[];
extern const size_t profile_nfields;

/*
 * The row of path, or NULL.  A mapping's member ("team.skills.go",
 * "priorities.velocity") finds the mapping's row, and *key (when key is not
 * NULL) receives the member's name ("go"); *key is NULL for other rows.
 * Criteria are checked here; a language name is checked by the caller.
 */
const struct profile_spec *profile_field_find(const char *path, const char **key);

/* Values of a row, for the lookup and the digests. */
const void *profile_field_ptr(const struct profile *p, const struct profile_spec *f);
double profile_field_num(const struct profile *p, const struct profile_spec *f);
/* The value of a PT_TEXT or PT_WORD row. */
const char *profile_field_str(const struct profile *p, const struct profile_spec *f);
bool profile_field_assumed(const struct profile *p, const struct profile_spec *f);

/* Is the row left out of the digests for this profile (PFL_QUIET and absent)? */
bool profile_field_hidden(const struct profile *p, const struct profile_spec *f);

/* calibration's factor for runtime id, or 0 when the profile gives none. */
double profile_calibration(const struct profile *p, const char *runtime);

/* The range of the field at path ("team.skills.go"), or NULL if it has none. */
const struct profile_range *profile_range_of(const char *path);
/* True when v is a valid value for the field. */
bool profile_in_range(const struct profile_range *r, double v);

struct buf;
/* docs/profile.md's field table, as Markdown; the doc is checked against it. */
void profile_fields_markdown(struct buf *out);

extern const char *const profile_kinds[];
extern const size_t profile_nkinds;
extern const char *const profile_strategies[];
extern const size_t profile_nstrategies;
extern const char *const profile_deployments[];
extern const size_t profile_ndeployments;
extern const char *const profile_criteria[];

/*
 * The words a profile may use that the knowledge base defines (kb_known):
 * runtime ids for exclude, languages for team.skills and can_hire,
 * ecosystem needs and traits.  Each list is in the order messages and
 * reports show it.
 */
struct profile_known {
	const char *const *runtimes;
	size_t nruntimes;
	const char *const *languages;
	size_t nlanguages;
	const char *const *needs;
	size_t nneeds;
	const char *const *traits;
	size_t ntraits;
};

void profile_init(struct profile *p);
void profile_release(struct profile *p);

/*
 * Parse and validate src, the text of file, against the words known
 * (required: they come from the knowledge base).  Returns 0, or -1 with
 * every problem found in d (in file order).  Warnings may be added on
 * success.
 */
int profile_load(struct profile *p, const char *file, const char *src, size_t len,
		 const struct profile_known *known, struct diags *d);

/* Read file (or "-") and load it. */
int profile_load_file(struct profile *p, const char *file,
		      const struct profile_known *known, struct diags *d);

/* Does the list hold word? */
bool strlist_has(const struct strlist *l, const char *word);
void strlist_push(struct strlist *l, const char *word);
void strlist_release(struct strlist *l);

/* Skill level for a language name ("go"), or -1 when the name is unknown. */
double profile_skill(const struct profile *p, const char *language);

#endif
