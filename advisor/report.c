/*
 * The report formats, one row each.  `recommend --format` and
 * `--list-formats`, the Makefile's examples and lint-md targets and the
 * tests all read this table: adding a format is a renderer file and a row.
 */
#include "report.h"

#include <string.h>

#include "util.h"

const struct report_format report_formats[] = {
	{ "md", "md", report_markdown, "the design note, GitHub-flavoured Markdown" },
	{ "html", "html", report_html, "the design note as a self-contained HTML page" },
	{ "json", "json", report_json_text, "the report for machines (the JSON contract)" },
	{ "madr", "madr.md", report_madr, "a decision record in the MADR 4 layout" },
};

const size_t report_nformats = ARRAY_SIZE(report_formats);

const struct report_format *report_format_for_path(const char *path)
{
	const struct report_format *best = NULL;
	size_t n = strlen(path), bestlen = 0;

	for (size_t i = 0; i < report_nformats; i++) {
		size_t e = strlen(report_formats[i].ext);

		/* ".EXT" at the end, after at least one character of name. */
		if (n < e + 2 || path[n - e - 1] != '.' || path[n - e - 2] == '/' ||
		    strcmp(path + n - e, report_formats[i].ext) != 0)
			continue;
		if (e > bestlen) {
			best = &report_formats[i];
			bestlen = e;
		}
	}
	return best;
}

const struct report_format *report_format_find(const char *name)
{
	for (size_t i = 0; i < report_nformats; i++)
		if (strcmp(report_formats[i].name, name) == 0)
			return &report_formats[i];
	return NULL;
}
