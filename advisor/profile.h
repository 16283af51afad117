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

/* Skill languages; the order of the team.skills vocabulary. */
enum language { LANG_JAVASCRIPT, LANG_PYTHON, LANG_GO, LANG_JAVA, LANG_CSHARP, LANG_RUST,
		LANG__COUNT };

/* Every field that can take a default, for the "assumed" marks. */
enum profile_field {
	PF_NAME, PF_DESCRIPTION,
	PF_RPS, PF_CPU_MS, PF_IO_WAIT, PF_LATENCY, PF_TRAITS,
	PF_TEAM_SIZE, PF_SKILLS, PF_CAN_HIRE,
	PF_STRATEGY, PF_INSTANCES, PF_DEPLOYMENT,
	PF_MEMORY, PF_COLD_START, PF_ECOSYSTEM, PF_EXCLUDE,
	PF_PRIORITIES,
	PF__COUNT
};

struct strlist {
	char **v;
	size_t n;
	size_t cap;
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
	double cpu_ms_per_request;
	double io_wait_fraction;
	double latency_p99_ms;
	struct strlist traits;

	int team_size;
	double skills[LANG__COUNT];
	bool skill_stated[LANG__COUNT];
	struct strlist can_hire;

	enum scaling_strategy strategy;
	int instances;
	enum deployment deployment;

	double memory_mb_per_instance;	/* 0: no limit */
	double cold_start_ms;		/* 0: no limit */
	struct strlist ecosystem;
	struct strlist exclude;

	double priorities[CRIT__COUNT];
	bool priority_stated[CRIT__COUNT];

	struct profile_accept *accept;
	size_t naccept;
	size_t capaccept;

	bool assumed[PF__COUNT];
	size_t nwarnings;
};

/* Vocabularies (contract), each with its count. */
/* The valid range of a numeric profile field (docs/profile.md). */
struct profile_range {
	const char *path;	/* "workload.io_wait_fraction"; "priorities.*" */
	double min, max;
	bool integer;
};

/* The range of the field at path ("team.skills.go"), or NULL if it has none. */
const struct profile_range *profile_range_of(const char *path);
/* True when v is a valid value for the field. */
bool profile_in_range(const struct profile_range *r, double v);

extern const char *const profile_kinds[];
extern const size_t profile_nkinds;
extern const char *const profile_traits[];
extern const size_t profile_ntraits;
extern const char *const profile_strategies[];
extern const size_t profile_nstrategies;
extern const char *const profile_deployments[];
extern const size_t profile_ndeployments;
extern const char *const profile_languages[];
extern const char *const profile_needs[];
extern const size_t profile_nneeds;
extern const char *const profile_criteria[];
extern const char *const profile_default_runtimes[];
extern const size_t profile_ndefault_runtimes;

/*
 * Runtime ids a profile may name in exclude.  NULL runtimes means the
 * built-in six; the knowledge base passes its own list so that a runtime
 * added as a Markdown file can be excluded too.
 */
struct profile_known {
	const char *const *runtimes;
	size_t nruntimes;
};

void profile_init(struct profile *p);
void profile_release(struct profile *p);

/*
 * Parse and validate src, the text of file.  Returns 0, or -1 with every
 * problem found in d (in file order).  Warnings may be added on success.
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
