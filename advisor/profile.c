/*
 * Profile loading and validation.  The YAML tree is walked once, section by
 * section; each problem is recorded and the walk goes on, so one run shows
 * every mistake in the file.  Defaults live in one table-like function,
 * apply_defaults, which docs/profile.md mirrors.
 */
#include "profile.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fileio.h"
#include "xalloc.h"
#include "ydoc.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

const char *const profile_kinds[] = { "io", "cpu", "mixed" };
const size_t profile_nkinds = N(profile_kinds);
const char *const profile_traits[] = {
	"rest-api", "websocket", "streaming", "batch", "etl", "ml-inference", "ml-training",
	"data-science", "image-processing", "video-processing", "pdf-reports", "csv-processing",
	"cli", "iot-ingest", "scheduler", "proxy", "high-performance-component", "wasm",
};
const size_t profile_ntraits = N(profile_traits);
const char *const profile_strategies[] = { "cores", "machines", "both" };
const size_t profile_nstrategies = N(profile_strategies);
const char *const profile_deployments[] = { "vm", "kubernetes", "serverless", "edge", "desktop" };
const size_t profile_ndeployments = N(profile_deployments);
const char *const profile_languages[] = { "javascript", "python", "go", "java", "csharp", "rust" };
const char *const profile_needs[] = { "ml", "data-science", "web", "enterprise", "systems", "wasm" };
const size_t profile_nneeds = N(profile_needs);
const char *const profile_criteria[] = { "performance", "velocity", "team_fit", "ecosystem",
					 "operations" };
const char *const profile_default_runtimes[] = { "node", "go", "python", "java", "dotnet", "rust" };
const size_t profile_ndefault_runtimes = N(profile_default_runtimes);

/*
 * Valid ranges of the numeric fields: the loader checks values against
 * them and the what-if analysis never suggests a value outside them.  A
 * path ending in ".*" covers every key of that mapping.
 */
static const struct profile_range ranges[] = {
	{ "workload.peak_concurrency", 1, 1e7, true },
	{ "workload.requests_per_second", 0.001, 1e8, false },
	{ "workload.cpu_ms_per_request", 0, 3.6e6, false },
	{ "workload.io_wait_fraction", 0, 1, false },
	{ "workload.latency_p99_ms", 0.01, 3.6e6, false },
	{ "team.size", 1, 100000, true },
	{ "team.skills.*", 0, 5, true },
	{ "scaling.instances", 1, 100000, true },
	{ "constraints.memory_mb_per_instance", 16, 4194304, false },
	{ "constraints.cold_start_ms", 1, 3.6e6, false },
	{ "priorities.*", 0, 5, false },
};

const struct profile_range *profile_range_of(const char *path)
{
	for (size_t i = 0; i < N(ranges); i++) {
		const char *r = ranges[i].path;
		size_t len = strlen(r);

		if (len > 2 && strcmp(r + len - 2, ".*") == 0 ? strncmp(path, r, len - 1) == 0
							      : strcmp(path, r) == 0)
			return &ranges[i];
	}
	return NULL;
}

bool profile_in_range(const struct profile_range *r, double v)
{
	return v >= r->min && v <= r->max && (!r->integer || v == floor(v));
}

static const char *const top_keys[] = { "version", "project", "workload", "team", "scaling",
					"constraints", "priorities", "accept" };
static const char *const project_keys[] = { "name", "description" };
static const char *const workload_keys[] = { "kind", "peak_concurrency", "requests_per_second",
					     "cpu_ms_per_request", "io_wait_fraction",
					     "latency_p99_ms", "traits" };
static const char *const team_keys[] = { "size", "skills", "can_hire" };
static const char *const scaling_keys[] = { "strategy", "instances", "deployment" };
static const char *const constraint_keys[] = { "memory_mb_per_instance", "cold_start_ms",
					       "ecosystem", "exclude" };
static const char *const accept_keys[] = { "rule", "because" };

void strlist_push(struct strlist *l, const char *word)
{
	*XPUSH(l->v, l->n, l->cap) = xstrdup(word);
}

bool strlist_has(const struct strlist *l, const char *word)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], word) == 0)
			return true;
	return false;
}

void strlist_release(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof *l);
}

void profile_init(struct profile *p)
{
	memset(p, 0, sizeof *p);
}

void profile_release(struct profile *p)
{
	free(p->file);
	free(p->name);
	free(p->description);
	strlist_release(&p->traits);
	strlist_release(&p->can_hire);
	strlist_release(&p->ecosystem);
	strlist_release(&p->exclude);
	for (size_t i = 0; i < p->naccept; i++) {
		free(p->accept[i].rule);
		free(p->accept[i].because);
	}
	free(p->accept);
	profile_init(p);
}

double profile_skill(const struct profile *p, const char *language)
{
	for (int i = 0; i < LANG__COUNT; i++)
		if (strcmp(profile_languages[i], language) == 0)
			return p->skills[i];
	return -1;
}

/* Loader state shared by the section walkers. */
struct loader {
	struct ydoc y;
	struct diags *d;
	struct profile *p;
	const struct profile_known *known;
	int errors;
};

static void fail(struct loader *L)
{
	L->errors++;
}

/* A section mapping, or NULL when absent; errors when it is not a mapping. */
static yaml_node_t *section(struct loader *L, yaml_node_t *root, const char *key,
			    const char *const *keys, size_t nkeys)
{
	yaml_node_t *n = ydoc_get(&L->y, root, key);

	if (n == NULL || ydoc_is_null(n))
		return NULL;
	if (ydoc_expect_map(&L->y, L->d, n, key) < 0) {
		fail(L);
		return NULL;
	}
	if (ydoc_check_keys(&L->y, L->d, n, keys, nkeys, key) < 0)
		fail(L);
	return n;
}

/*
 * Root cause first: a required key absent from map because it was misspelt
 * (an unknown key already reported with this key as its suggestion) is not
 * reported again as missing.  Returns true when that is the case.
 */
static bool typo_of(struct loader *L, yaml_node_t *map, const char *key)
{
	if (map == NULL || !ydoc_misspelt(&L->y, map, key))
		return false;
	fail(L);
	return true;
}

/* A required key of map: absent, or present with no value. */
static void missing_in(struct loader *L, yaml_node_t *parent_key, yaml_node_t *map,
		       const char *key, const char *path)
{
	yaml_node_t *k = map ? ydoc_get_key(&L->y, map, key) : NULL;

	if (k) {
		ydoc_error(&L->y, L->d, k, "required key '%s' has no value", path);
		L->errors++;
		return;
	}
	if (typo_of(L, map, key))
		return;
	if (parent_key)
		ydoc_error(&L->y, L->d, parent_key, "missing required key '%s'", path);
	else
		diag_add(L->d, DIAG_ERROR, L->y.file, L->y.src, L->y.len, 1, 1,
			 "missing required key '%s'", path);
	L->errors++;
}

static void missing(struct loader *L, yaml_node_t *where, const char *path)
{
	if (where)
		ydoc_error(&L->y, L->d, where, "missing required key '%s'", path);
	else
		diag_add(L->d, DIAG_ERROR, L->y.file, L->y.src, L->y.len, 1, 1,
			 "missing required key '%s'", path);
	fail(L);
}

/*
 * An optional number, checked against its row of ranges[]: absent or null
 * leaves *out alone and returns false; a bad value is an error.
 */
static bool number(struct loader *L, yaml_node_t *map, const char *key, const char *path,
		   double *out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;
	const struct profile_range *r = profile_range_of(path);
	double v;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_number(&L->y, L->d, n, path, r->min, r->max, r->integer, &v) < 0) {
		fail(L);
		return true;	/* present, but bad: no default either */
	}
	*out = v;
	return true;
}

static bool text(struct loader *L, yaml_node_t *map, const char *key, const char *path,
		 char **out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;
	const char *s;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_string(&L->y, L->d, n, path, &s) < 0) {
		fail(L);
		return true;
	}
	if (strlen(s) > 8192) {
		ydoc_error(&L->y, L->d, n, "'%s' is longer than 8192 characters", path);
		fail(L);
		return true;
	}
	free(*out);
	*out = xstrdup(s);
	return true;
}

static bool word(struct loader *L, yaml_node_t *map, const char *key, const char *what,
		 const char *const *vocab, size_t nvocab, int *out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_word(&L->y, L->d, n, what, vocab, nvocab, out) < 0)
		fail(L);
	return true;
}

/* A list of vocabulary words; duplicates are errors (they hide typos). */
static bool wordlist(struct loader *L, yaml_node_t *map, const char *key, const char *path,
		     const char *what, const char *const *vocab, size_t nvocab,
		     struct strlist *out)
{
	yaml_node_t *n = map ? ydoc_get(&L->y, map, key) : NULL;

	if (n == NULL || ydoc_is_null(n))
		return false;
	if (ydoc_expect_seq(&L->y, L->d, n, path) < 0) {
		fail(L);
		return true;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&L->y.doc, *it);
		int idx;

		if (ydoc_word(&L->y, L->d, e, what, vocab, nvocab, &idx) < 0) {
			fail(L);
			continue;
		}
		if (strlist_has(out, vocab[idx])) {
			ydoc_error(&L->y, L->d, e, "'%s' is listed twice in '%s'", vocab[idx], path);
			fail(L);
			continue;
		}
		strlist_push(out, vocab[idx]);
	}
	return true;
}

static void load_project(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *m = section(L, root, "project", project_keys, N(project_keys));
	struct profile *p = L->p;

	p->assumed[PF_NAME] = !text(L, m, "name", "project.name", &p->name);
	p->assumed[PF_DESCRIPTION] = !text(L, m, "description", "project.description",
					   &p->description);
}

static void load_workload(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *m = section(L, root, "workload", workload_keys, N(workload_keys));
	yaml_node_t *wnode = ydoc_get(&L->y, root, "workload");
	struct profile *p = L->p;
	int kind = 0;

	if (m == NULL) {
		if (wnode == NULL && typo_of(L, root, "workload"))
			return;
		if (wnode == NULL || ydoc_is_null(wnode))
			missing(L, ydoc_get_key(&L->y, root, "workload"), "workload");
		return;
	}
	/* A missing key is reported at the 'workload:' key that should hold it. */
	if (!word(L, m, "kind", "workload kind", profile_kinds, profile_nkinds, &kind))
		missing_in(L, ydoc_get_key(&L->y, root, "workload"), m, "kind", "workload.kind");
	p->kind = (enum workload_kind)kind;
	if (!number(L, m, "peak_concurrency", "workload.peak_concurrency", &p->peak_concurrency))
		missing_in(L, ydoc_get_key(&L->y, root, "workload"), m, "peak_concurrency",
			   "workload.peak_concurrency");
	p->assumed[PF_RPS] = !number(L, m, "requests_per_second", "workload.requests_per_second",
				     &p->requests_per_second);
	p->assumed[PF_CPU_MS] = !number(L, m, "cpu_ms_per_request", "workload.cpu_ms_per_request",
					&p->cpu_ms_per_request);
	p->assumed[PF_IO_WAIT] = !number(L, m, "io_wait_fraction", "workload.io_wait_fraction",
					 &p->io_wait_fraction);
	p->assumed[PF_LATENCY] = !number(L, m, "latency_p99_ms", "workload.latency_p99_ms",
					 &p->latency_p99_ms);
	p->assumed[PF_TRAITS] = !wordlist(L, m, "traits", "workload.traits", "trait",
					  profile_traits, profile_ntraits, &p->traits);
}

static void load_team(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *m = section(L, root, "team", team_keys, N(team_keys));
	yaml_node_t *skills;
	struct profile *p = L->p;
	double size = 0;

	p->assumed[PF_TEAM_SIZE] = !number(L, m, "size", "team.size", &size);
	p->team_size = (int)size;
	skills = m ? ydoc_get(&L->y, m, "skills") : NULL;
	p->assumed[PF_SKILLS] = true;
	if (skills && !ydoc_is_null(skills)) {
		p->assumed[PF_SKILLS] = false;
		if (ydoc_expect_map(&L->y, L->d, skills, "team.skills") < 0) {
			fail(L);
		} else {
			if (ydoc_check_keys(&L->y, L->d, skills, profile_languages, LANG__COUNT,
					    "team.skills") < 0)
				fail(L);
			for (int i = 0; i < LANG__COUNT; i++) {
				char *path = xasprintf("team.skills.%s", profile_languages[i]);

				p->skill_stated[i] = number(L, skills, profile_languages[i], path,
							    &p->skills[i]);
				free(path);
			}
		}
	}
	p->assumed[PF_CAN_HIRE] = !wordlist(L, m, "can_hire", "team.can_hire", "language",
					    profile_languages, LANG__COUNT, &p->can_hire);
}

static void load_scaling(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *m = section(L, root, "scaling", scaling_keys, N(scaling_keys));
	struct profile *p = L->p;
	int strategy = SCALE_BOTH, deployment = DEPLOY_VM;
	double instances = 0;

	p->assumed[PF_STRATEGY] = !word(L, m, "strategy", "scaling strategy", profile_strategies,
					profile_nstrategies, &strategy);
	p->strategy = (enum scaling_strategy)strategy;
	p->assumed[PF_INSTANCES] = !number(L, m, "instances", "scaling.instances", &instances);
	p->instances = (int)instances;
	p->assumed[PF_DEPLOYMENT] = !word(L, m, "deployment", "deployment", profile_deployments,
					  profile_ndeployments, &deployment);
	p->deployment = (enum deployment)deployment;
}

static void load_constraints(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *m = section(L, root, "constraints", constraint_keys, N(constraint_keys));
	yaml_node_t *ex;
	struct profile *p = L->p;
	const char *const *rts = profile_default_runtimes;
	size_t nrts = profile_ndefault_runtimes;

	if (L->known && L->known->runtimes) {
		rts = L->known->runtimes;
		nrts = L->known->nruntimes;
	}
	p->assumed[PF_MEMORY] = !number(L, m, "memory_mb_per_instance",
					"constraints.memory_mb_per_instance", &p->memory_mb_per_instance);
	p->assumed[PF_COLD_START] = !number(L, m, "cold_start_ms", "constraints.cold_start_ms",
					    &p->cold_start_ms);
	p->assumed[PF_ECOSYSTEM] = !wordlist(L, m, "ecosystem", "constraints.ecosystem",
					     "ecosystem need", profile_needs, profile_nneeds,
					     &p->ecosystem);
	p->assumed[PF_EXCLUDE] = !wordlist(L, m, "exclude", "constraints.exclude", "runtime", rts,
					   nrts, &p->exclude);
	ex = m ? ydoc_get(&L->y, m, "exclude") : NULL;
	if (ex && p->exclude.n == nrts) {
		ydoc_error(&L->y, L->d, ex, "'constraints.exclude' rules out every runtime; "
			   "nothing is left to recommend");
		fail(L);
	}
}

static void load_priorities(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *m = section(L, root, "priorities", profile_criteria, CRIT__COUNT);
	struct profile *p = L->p;
	double sum = 0;

	p->assumed[PF_PRIORITIES] = true;
	for (int i = 0; i < CRIT__COUNT; i++) {
		char *path = xasprintf("priorities.%s", profile_criteria[i]);

		p->priority_stated[i] = number(L, m, profile_criteria[i], path, &p->priorities[i]);
		if (p->priority_stated[i])
			p->assumed[PF_PRIORITIES] = false;
		free(path);
	}
	for (int i = 0; i < CRIT__COUNT; i++)
		sum += p->priority_stated[i] ? p->priorities[i] : 3;
	if (m && sum == 0) {
		ydoc_error(&L->y, L->d, m, "every priority is 0: at least one criterion "
			   "must matter");
		fail(L);
	}
}

static void load_accept(struct loader *L, yaml_node_t *root)
{
	yaml_node_t *n = ydoc_get(&L->y, root, "accept");
	struct profile *p = L->p;

	if (n == NULL || ydoc_is_null(n))
		return;
	if (ydoc_expect_seq(&L->y, L->d, n, "accept") < 0) {
		fail(L);
		return;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *e = yaml_document_get_node(&L->y.doc, *it);
		yaml_node_t *rule, *because;
		const char *rs = NULL, *bs = NULL;
		struct profile_accept *a;
		int line, col;

		if (ydoc_expect_map(&L->y, L->d, e, "accept entry") < 0) {
			fail(L);
			continue;
		}
		if (ydoc_check_keys(&L->y, L->d, e, accept_keys, N(accept_keys), "accept entry") < 0)
			fail(L);
		rule = ydoc_get(&L->y, e, "rule");
		because = ydoc_get(&L->y, e, "because");
		if (rule == NULL) {
			if (!typo_of(L, e, "rule"))
				missing(L, e, "accept.rule");
			continue;
		}
		if (ydoc_string(&L->y, L->d, rule, "accept.rule", &rs) < 0) {
			fail(L);
			continue;
		}
		if (because == NULL && typo_of(L, e, "because"))
			continue;
		if (because == NULL || ydoc_is_null(because)) {
			ydoc_error(&L->y, L->d, e, "accepting rule '%s' needs a written reason in "
				   "'because'", rs);
			fail(L);
			continue;
		}
		if (ydoc_string(&L->y, L->d, because, "accept.because", &bs) < 0) {
			fail(L);
			continue;
		}
		for (size_t i = 0; i < p->naccept; i++) {
			if (strcmp(p->accept[i].rule, rs) == 0) {
				ydoc_error(&L->y, L->d, rule, "rule '%s' is accepted twice", rs);
				fail(L);
				rs = NULL;
				break;
			}
		}
		if (rs == NULL)
			continue;
		ydoc_place(&L->y, rule, &line, &col);
		a = XPUSH(p->accept, p->naccept, p->capaccept);
		a->rule = xstrdup(rs);
		a->because = xstrdup(bs);
		a->line = line;
		a->col = col;
	}
}

/*
 * Defaults for absent optional fields (docs/profile.md, "Defaults").  Some
 * depend on the workload kind: a CPU-bound service is assumed to spend more
 * CPU per request and to have a looser latency budget than an I/O-bound one.
 */
static void apply_defaults(struct profile *p, const char *file)
{
	static const double cpu_ms[] = { [KIND_IO] = 2, [KIND_CPU] = 50, [KIND_MIXED] = 10 };
	static const double io_wait[] = { [KIND_IO] = 0.9, [KIND_CPU] = 0.1, [KIND_MIXED] = 0.5 };
	static const double latency[] = { [KIND_IO] = 200, [KIND_CPU] = 2000, [KIND_MIXED] = 500 };

	if (p->assumed[PF_NAME]) {
		const char *slash = strrchr(file, '/');

		p->name = xstrdup(strcmp(file, "-") == 0 ? "unnamed project" : slash ? slash + 1 : file);
	}
	if (p->assumed[PF_DESCRIPTION])
		p->description = xstrdup("");
	/* One request per in-flight task per second: Little's law with a 1 s stay. */
	if (p->assumed[PF_RPS])
		p->requests_per_second = p->peak_concurrency;
	if (p->assumed[PF_CPU_MS])
		p->cpu_ms_per_request = cpu_ms[p->kind];
	if (p->assumed[PF_IO_WAIT])
		p->io_wait_fraction = io_wait[p->kind];
	if (p->assumed[PF_LATENCY])
		p->latency_p99_ms = latency[p->kind];
	if (p->assumed[PF_TEAM_SIZE])
		p->team_size = 5;
	if (p->assumed[PF_INSTANCES])
		p->instances = 2;
	for (int i = 0; i < CRIT__COUNT; i++)
		if (!p->priority_stated[i])
			p->priorities[i] = 3;
}

static void check_consistency(struct loader *L, yaml_node_t *root)
{
	struct profile *p = L->p;
	yaml_node_t *w = ydoc_get(&L->y, root, "workload");
	yaml_node_t *lat = w ? ydoc_get(&L->y, w, "latency_p99_ms") : NULL;

	if (lat && !p->assumed[PF_CPU_MS] && p->cpu_ms_per_request > p->latency_p99_ms) {
		ydoc_warning(&L->y, L->d, lat, "the latency budget (%g ms) is below the CPU time "
			     "of one request (%g ms): no runtime can meet it", p->latency_p99_ms,
			     p->cpu_ms_per_request);
		p->nwarnings++;
	}
}

int profile_load(struct profile *p, const char *file, const char *src, size_t len,
		 const struct profile_known *known, struct diags *d)
{
	struct loader L = { .d = d, .p = p, .known = known };
	yaml_node_t *root, *vnode;
	double version = 0;
	size_t first = d->n;
	int rc = -1;

	profile_release(p);
	p->file = xstrdup(file);
	if (ydoc_load(&L.y, "profile", file, src, len, 0, d) < 0)
		goto out;
	L.errors += L.y.problems;
	root = ydoc_root(&L.y);
	if (root->type != YAML_MAPPING_NODE) {
		ydoc_error(&L.y, d, root, "a profile must be a YAML mapping of keys to values");
		goto out;
	}
	if (ydoc_check_keys(&L.y, d, root, top_keys, N(top_keys), NULL) < 0)
		fail(&L);
	vnode = ydoc_get(&L.y, root, "version");
	if (vnode == NULL) {
		if (!typo_of(&L, root, "version"))
			missing(&L, NULL, "version");
	} else if (ydoc_number(&L.y, d, vnode, "version", -1e9, 1e9, true, &version) < 0) {
		fail(&L);
	} else if (version != 1) {
		ydoc_error(&L.y, d, vnode, "unsupported profile version %g (this advisor reads "
			   "version 1)", version);
		fail(&L);
	}
	load_project(&L, root);
	load_workload(&L, root);
	load_team(&L, root);
	load_scaling(&L, root);
	load_constraints(&L, root);
	load_priorities(&L, root);
	load_accept(&L, root);
	if (L.errors)
		goto out;
	apply_defaults(p, file);
	check_consistency(&L, root);
	rc = 0;
out:
	diags_sort(d, first);
	ydoc_release(&L.y);
	return rc;
}

int profile_load_file(struct profile *p, const char *file, const struct profile_known *known,
		      struct diags *d)
{
	char *src = NULL;
	size_t len = 0;
	int rc;

	if (file_read(file, FILEIO_MAX_INPUT, &src, &len, d) < 0)
		return -1;
	rc = profile_load(p, file, src, len, known, d);
	free(src);
	return rc;
}
