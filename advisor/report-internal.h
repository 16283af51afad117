/* Shared between the report renderers; not part of the report API. */
#ifndef ADVISOR_REPORT_INTERNAL_H
#define ADVISOR_REPORT_INTERNAL_H

#include <stddef.h>

#include "report.h"

/*
 * The design note as a list of parts, each either Markdown blocks or one
 * of the model's charts, so that each renderer draws the charts its own
 * way (Mermaid in Markdown, SVG in HTML) in the same place.
 */
struct report_part {
	char *text;			/* whole Markdown blocks; NULL for a chart */
	const struct chart *chart;	/* one of advice.charts, or NULL */
	const struct decision_chart *decision;	/* advice.decision, or NULL */
};

struct report_doc {
	struct report_part *v;
	size_t n;
	size_t cap;
};

/* Build the design note's parts into doc (empty); release with report_doc_release. */
void report_markdown_doc(const struct advice *a, const struct report_meta *m,
			 struct report_doc *doc);
void report_doc_release(struct report_doc *doc);

#endif
