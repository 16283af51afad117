/* Shared between the report renderers; not part of the report API. */
#ifndef ADVISOR_REPORT_INTERNAL_H
#define ADVISOR_REPORT_INTERNAL_H

#include <stdbool.h>

#include "report.h"

/* The Markdown report; with placeholders, charts are lines "ADVISOR-CHART-N". */
char *report_markdown_for(const struct advice *a, const struct report_meta *m, bool placeholders);

#endif
