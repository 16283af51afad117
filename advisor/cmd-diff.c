/*
 * advisor diff OLD.json NEW.json: did the recommendation or its reasons
 * change?  Compares two JSON reports: the winner, the ranking order, the
 * rules fired or gone, and probe figures that moved beyond their spread.
 * Exit 0 when the recommendation (runtime, model, scaling) is the same, 4
 * when it changed, 2 when an input is not a valid report.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "cmd.h"
#include "fileio.h"
#include "xalloc.h"

/* An entry field of the wrong type: named by its JSON path, e.g. ranking[3].runtime. */
static int bad_entry(const char *path, const char *list, size_t i, const char *key,
		     const char *want, struct diags *d)
{
	if (key)
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
			 "'%s[%zu].%s' must be %s", list, i, key, want);
	else
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
			 "'%s[%zu]' must be %s", list, i, want);
	return -1;
}

/*
 * Every ranking entry is an object with runtime and model strings and a
 * number total; every rules_fired entry an object with an id string.  Junk
 * would otherwise compare as empty strings and zeros.
 */
static int check_entries(const char *path, json_t *j, struct diags *d)
{
	json_t *e;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(j, "ranking"), i, e) {
		if (!json_is_object(e)) {
			rc = bad_entry(path, "ranking", i, NULL, "an object", d);
			continue;
		}
		if (!json_is_string(json_object_get(e, "runtime")))
			rc = bad_entry(path, "ranking", i, "runtime", "a string", d);
		if (!json_is_string(json_object_get(e, "model")))
			rc = bad_entry(path, "ranking", i, "model", "a string", d);
		if (!json_is_number(json_object_get(e, "total")))
			rc = bad_entry(path, "ranking", i, "total", "a number", d);
	}
	json_array_foreach(json_object_get(j, "rules_fired"), i, e) {
		if (!json_is_object(e))
			rc = bad_entry(path, "rules_fired", i, NULL, "an object", d);
		else if (!json_is_string(json_object_get(e, "id")))
			rc = bad_entry(path, "rules_fired", i, "id", "a string", d);
	}
	return rc;
}

int diff_report_parse(const char *path, const char *src, size_t len, json_t **out,
		      struct diags *d)
{
	json_error_t e;
	json_t *j, *rec;
	static const char *const need[] = { "recommendation", "ranking", "rules_fired" };

	*out = NULL;
	j = json_loadb(src, len, JSON_REJECT_DUPLICATES, &e);
	if (j == NULL) {
		diag_add(d, DIAG_ERROR, path, src, len, e.line > 0 ? e.line : 1,
			 e.column > 0 ? e.column : 1, "invalid JSON: %s", e.text);
		return -1;
	}
	if (!json_is_object(j)) {
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report "
			 "(expected an object)");
		json_decref(j);
		return -1;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!json_object_get(j, need[i])) {
			diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
				 "no '%s' (write one with 'advisor recommend --format json')", need[i]);
			json_decref(j);
			return -1;
		}
	}
	rec = json_object_get(j, "recommendation");
	if (!json_is_string(json_object_get(rec, "runtime")) ||
	    !json_is_string(json_object_get(rec, "model")) ||
	    !json_is_array(json_object_get(j, "ranking")) ||
	    !json_is_array(json_object_get(j, "rules_fired"))) {
		diag_add(d, DIAG_ERROR, path, NULL, 0, 1, 1, "not an advisor JSON report: "
			 "'recommendation' needs 'runtime' and 'model', 'ranking' and 'rules_fired' "
			 "are lists");
		json_decref(j);
		return -1;
	}
	if (check_entries(path, j, d) < 0) {
		json_decref(j);
		return -1;
	}
	*out = j;
	return 0;
}

static int load(const char *path, json_t **out, struct diags *d)
{
	char *src = NULL;
	size_t len = 0;
	int rc;

	*out = NULL;
	if (file_read(path, 64 * FILEIO_MAX_INPUT, &src, &len, d) < 0)
		return -1;
	rc = diff_report_parse(path, src, len, out, d);
	free(src);
	return rc;
}

static const char *str(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

static bool has_rule(json_t *fired, const char *id)
{
	size_t i;
	json_t *r;

	json_array_foreach(fired, i, r)
		if (strcmp(str(r, "id"), id) == 0)
			return true;
	return false;
}

static json_t *find_probe(json_t *results, const char *name)
{
	size_t i;
	json_t *r;

	json_array_foreach(results, i, r)
		if (strcmp(str(r, "name"), name) == 0)
			return r;
	return NULL;
}

static int cmd_diff(int argc, char **argv)
{
	struct opts o;
	struct diags d = DIAGS_INIT;
	static const struct opt_spec none[] = { { NULL, 0, false, 0 } };
	json_t *a = NULL, *b = NULL, *ra, *rb, *x;
	size_t i;
	int id, rc = EXIT_OK, changes = 0;
	bool changed;

	opts_init(&o, "diff", none, argc, argv);
	while ((id = opts_next(&o)) > 0)
		;
	if (id < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (o.noperands != 2) {
		rc = cmd_usage_error("diff", "give two JSON reports: OLD.json NEW.json");
		goto out;
	}
	if (load(o.operands[0], &a, &d) < 0 || load(o.operands[1], &b, &d) < 0) {
		cmd_print_diags(&d);
		rc = EXIT_INPUT;
		goto out;
	}
	ra = json_object_get(a, "recommendation");
	rb = json_object_get(b, "recommendation");
	changed = strcmp(str(ra, "runtime"), str(rb, "runtime")) ||
		  strcmp(str(ra, "model"), str(rb, "model")) ||
		  strcmp(str(ra, "scaling"), str(rb, "scaling"));
	if (changed) {
		printf("recommendation changed: %s/%s (%s) -> %s/%s (%s)\n", str(ra, "runtime"),
		       str(ra, "model"), str(ra, "scaling"), str(rb, "runtime"), str(rb, "model"),
		       str(rb, "scaling"));
		changes++;
	} else {
		printf("recommendation unchanged: %s/%s (%s)\n", str(ra, "runtime"), str(ra, "model"),
		       str(ra, "scaling"));
	}
	{
		json_t *la = json_object_get(a, "ranking"), *lb = json_object_get(b, "ranking");
		size_t n = json_array_size(la) > json_array_size(lb) ? json_array_size(la) : json_array_size(lb);

		for (i = 0; i < n; i++) {
			json_t *ea = json_array_get(la, i), *eb = json_array_get(lb, i);
			char *ida = ea ? xasprintf("%s/%s", str(ea, "runtime"), str(ea, "model")) : xstrdup("-");
			char *idb = eb ? xasprintf("%s/%s", str(eb, "runtime"), str(eb, "model")) : xstrdup("-");

			if (strcmp(ida, idb) != 0) {
				printf("ranking #%zu: %s -> %s\n", i + 1, ida, idb);
				changes++;
			}
			free(ida);
			free(idb);
		}
	}
	json_array_foreach(json_object_get(b, "rules_fired"), i, x) {
		if (!has_rule(json_object_get(a, "rules_fired"), str(x, "id"))) {
			printf("rule fired: %s\n", str(x, "id"));
			changes++;
		}
	}
	json_array_foreach(json_object_get(a, "rules_fired"), i, x) {
		if (!has_rule(json_object_get(b, "rules_fired"), str(x, "id"))) {
			printf("rule gone: %s\n", str(x, "id"));
			changes++;
		}
	}
	{
		json_t *pa = json_object_get(json_object_get(a, "probes"), "results");
		json_t *pb = json_object_get(json_object_get(b, "probes"), "results");

		json_array_foreach(pb, i, x) {
			json_t *old = find_probe(pa, str(x, "name"));
			double mo, mn, spread;

			if (old == NULL)
				continue;
			mo = json_number_value(json_object_get(old, "median"));
			mn = json_number_value(json_object_get(x, "median"));
			/* Beyond the spread: more than 3 MADs of either, and 10 %. */
			spread = 3 * fmax(json_number_value(json_object_get(old, "mad")),
					  json_number_value(json_object_get(x, "mad")));
			if (fabs(mn - mo) > spread && fabs(mn - mo) > 0.1 * fabs(mo)) {
				printf("probe moved: %s %.4g -> %.4g %s\n", str(x, "name"), mo, mn,
				       str(x, "unit"));
				changes++;
			}
		}
	}
	if (changes == 0)
		printf("no other change\n");
	rc = changed ? EXIT_CHANGED : EXIT_OK;
out:
	json_decref(a);
	json_decref(b);
	diags_release(&d);
	opts_release(&o);
	return rc;
}

const struct cmd_entry cmd_diff_entry = {
	.name = "diff",
	.usage = "OLD.json NEW.json",
	.summary = "did the recommendation or its reasons change? (exit 4 when it did)",
	.help = "Compares two reports written by 'advisor recommend --format json': the\n"
		"winner, the ranking order, rules fired or gone, and probe figures that moved\n"
		"beyond their spread.  Exit 0 when the recommendation is the same, 4 when it\n"
		"changed, 2 when an input is not a valid report.\n",
	.exec = cmd_diff,
};
