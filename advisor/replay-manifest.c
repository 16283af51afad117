/*
 * The replay manifest (probes/replay/manifest.yaml): one entry per
 * candidate server, as the replay contract defines it.  Read through ydoc,
 * so a mistake is reported at its line and column like any other input.
 */
#include "replay-internal.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "util.h"
#include "xalloc.h"
#include "ydoc.h"

static const char *const entry_keys[] = {
	"runtime", "model", "program", "version", "build", "exec", "argv", "install", "min_version",
};

#define MANIFEST_MAX_ARGS 64

static char *get_str(struct ydoc *y, struct diags *d, yaml_node_t *m, const char *key,
		     bool required, int *errors)
{
	yaml_node_t *n = ydoc_get(y, m, key);
	const char *s;

	if (n == NULL || ydoc_is_null(n)) {
		if (required) {
			ydoc_error(y, d, m, "missing key '%s'", key);
			(*errors)++;
		}
		return NULL;
	}
	if (ydoc_string(y, d, n, key, &s) < 0) {
		(*errors)++;
		return NULL;
	}
	return xstrdup(s);
}

/* A list of strings as a NULL-terminated argv; NULL when absent or null. */
static char **get_argv(struct ydoc *y, struct diags *d, yaml_node_t *m, const char *key,
		       bool required, int *errors)
{
	yaml_node_t *n = ydoc_get(y, m, key);
	char **v;
	size_t k = 0;

	if (n == NULL || ydoc_is_null(n)) {
		if (required) {
			ydoc_error(y, d, m, "missing key '%s'", key);
			(*errors)++;
		}
		return NULL;
	}
	if (ydoc_expect_seq(y, d, n, key) < 0) {
		(*errors)++;
		return NULL;
	}
	v = xcalloc(MANIFEST_MAX_ARGS + 1, sizeof *v);
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *a = yaml_document_get_node(&y->doc, *it);
		const char *s;

		if (k == MANIFEST_MAX_ARGS) {
			ydoc_error(y, d, a, "'%s' has more than %d words", key, MANIFEST_MAX_ARGS);
			(*errors)++;
			break;
		}
		if (ydoc_string(y, d, a, key, &s) < 0) {
			(*errors)++;
			continue;
		}
		v[k++] = xstrdup(s);
	}
	if (k == 0 && required) {
		ydoc_error(y, d, n, "'%s' must not be empty", key);
		(*errors)++;
	}
	return v;
}

/*
 * exec (probes/replay/README.md): the program a build made, e.g.
 * "{out}/server"; the server then runs as exec + argv.  Null or absent:
 * the program found on PATH runs argv.
 */
static void prepend_exec(struct ydoc *y, struct diags *d, yaml_node_t *m,
			 struct replay_manifest_entry *e, int *errors)
{
	char *exec = get_str(y, d, m, "exec", false, errors);
	size_t n = 0;

	if (exec == NULL)
		return;
	while (e->argv && e->argv[n])
		n++;
	if (e->argv == NULL || n >= MANIFEST_MAX_ARGS) {
		ydoc_error(y, d, m, "'argv' has no room for 'exec'");
		(*errors)++;
		free(exec);
		return;
	}
	memmove(e->argv + 1, e->argv, (n + 1) * sizeof *e->argv);
	e->argv[0] = exec;
}

static void free_argv(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

int replay_manifest_load(struct replay_manifest *m, const char *path, struct diags *d)
{
	struct ydoc y;
	char *src = NULL, *copy;
	size_t len = 0;
	yaml_node_t *root, *list;
	int errors = 0, rc = -1;

	memset(m, 0, sizeof *m);
	memset(&y, 0, sizeof y);
	if (file_read(path, FILEIO_MAX_INPUT, &src, &len, d) < 0)
		return -1;
	if (ydoc_load(&y, "replay manifest", path, src, len, 0, d) < 0 || y.problems)
		goto out;
	root = ydoc_root(&y);
	if (root == NULL || ydoc_expect_map(&y, d, root, "the manifest") < 0)
		goto out;
	list = ydoc_get(&y, root, "candidates");
	if (list == NULL) {
		ydoc_error(&y, d, root, "missing key 'candidates'");
		goto out;
	}
	if (ydoc_expect_seq(&y, d, list, "candidates") < 0)
		goto out;
	for (yaml_node_item_t *it = list->data.sequence.items.start;
	     it < list->data.sequence.items.top; it++) {
		yaml_node_t *n = yaml_document_get_node(&y.doc, *it);
		struct replay_manifest_entry *e;

		if (ydoc_expect_map(&y, d, n, "a candidate") < 0) {
			errors++;
			continue;
		}
		if (m->n == REPLAY_MAX_CANDIDATES) {
			ydoc_error(&y, d, n, "more than %d candidates", REPLAY_MAX_CANDIDATES);
			errors++;
			break;
		}
		if (ydoc_check_keys(&y, d, n, entry_keys, ARRAY_SIZE(entry_keys), "a candidate") < 0)
			errors++;
		e = XPUSH(m->e, m->n, m->cap);
		memset(e, 0, sizeof *e);
		e->runtime = get_str(&y, d, n, "runtime", true, &errors);
		e->model = get_str(&y, d, n, "model", true, &errors);
		e->program = get_str(&y, d, n, "program", true, &errors);
		e->install = get_str(&y, d, n, "install", false, &errors);
		e->min_version = get_str(&y, d, n, "min_version", false, &errors);
		e->version = get_argv(&y, d, n, "version", false, &errors);
		e->build = get_argv(&y, d, n, "build", false, &errors);
		e->argv = get_argv(&y, d, n, "argv", true, &errors);
		prepend_exec(&y, d, n, e, &errors);
	}
	if (errors == 0)
		rc = 0;
	/* {src} is absolute: servers run in a scratch folder */
	copy = xstrdup(path);
	m->dir = realpath(dirname(copy), NULL);
	if (m->dir == NULL)
		m->dir = xstrdup(dirname(copy));
	free(copy);
out:
	ydoc_release(&y);
	free(src);
	if (rc < 0)
		replay_manifest_release(m);
	return rc;
}

void replay_manifest_release(struct replay_manifest *m)
{
	for (size_t i = 0; i < m->n; i++) {
		struct replay_manifest_entry *e = &m->e[i];

		free(e->runtime);
		free(e->model);
		free(e->program);
		free(e->install);
		free(e->min_version);
		free_argv(e->version);
		free_argv(e->build);
		free_argv(e->argv);
	}
	free(m->e);
	free(m->dir);
	memset(m, 0, sizeof *m);
}
