/*
 * Report renderers.  Each reads one struct advice (the report model) and
 * returns a heap string; none recomputes anything.  Output is a pure
 * function of the advice and the meta data: no clock, no unordered
 * iteration, so the same inputs give byte-identical reports.
 */
#ifndef ADVISOR_REPORT_H
#define ADVISOR_REPORT_H

#include <jansson.h>

#include "advice.h"

struct report_meta {
	const char *command_line;	/* as typed, for reproducibility */
	const char *probe_source;	/* "measured on this machine", "cache FILE", "knowledge defaults" */
	const char *date;		/* from the probe cache; NULL under --no-probes */
	const char *rules_dirs;		/* rule folders used, display form */
	const char *knowledge_dir;
	/*
	 * The decision record's place in a folder of records (recommend
	 * --adr-dir, adr.h): its number (0: not in a folder) and the file name
	 * and decision of the advisor record it supersedes (NULL: none).
	 */
	int record_number;
	const char *supersedes;		/* "0003-build-orders-api-on-go-goroutines.md" */
	const char *supersedes_decision;	/* "go/m-n" */
};

char *report_markdown(const struct advice *a, const struct report_meta *m);
char *report_html(const struct advice *a, const struct report_meta *m);
char *report_madr(const struct advice *a, const struct report_meta *m);
/*
 * The decision record's title as plain text ("Build Orders API on Node.js:
 * event loop"), unescaped: the record's heading and its file name's slug.
 */
char *report_madr_title(const struct advice *a);
/*
 * What the record decides, as written in its front matter's
 * advisor-decision key ("node/event-loop"): two records decide the same
 * when these are equal.
 */
char *report_madr_decision(const struct advice *a);

/*
 * The version of the JSON report (its "schema_version"; docs/schema/
 * report.schema.json): raised when a key changes meaning or is removed,
 * not when a key is added.
 */
#define REPORT_SCHEMA_VERSION 1

/* The JSON contract (DESIGN.md "JSON keys"); the caller owns the reference. */
json_t *report_json(const struct advice *a, const struct report_meta *m);
char *report_json_text(const struct advice *a, const struct report_meta *m);

/*
 * The report formats, in the order --list-formats shows them; the first
 * is the default.  render returns a heap string the caller frees.
 */
struct report_format {
	const char *name;	/* the --format value: "md" */
	const char *ext;	/* the file extension, without its dot: "madr.md" */
	char *(*render)(const struct advice *a, const struct report_meta *m);
	const char *summary;	/* one line for --list-formats */
};

extern const struct report_format report_formats[];
extern const size_t report_nformats;

/* The format called name, or NULL. */
const struct report_format *report_format_find(const char *name);

/*
 * The format a file name asks for by its extension, the longest that
 * matches ("x.madr.md" is madr, not md), or NULL when none does.
 */
const struct report_format *report_format_for_path(const char *path);

/* Shared by the renderers: a candidate's short id "go/m-n". */
char *report_candidate_id(const struct candidate *c);

#endif
