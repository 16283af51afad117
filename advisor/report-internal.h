/* Shared between the report renderers; not part of the report API. */
#ifndef ADVISOR_REPORT_INTERNAL_H
#define ADVISOR_REPORT_INTERNAL_H

#include <stdbool.h>

#include "report.h"

/* The Markdown report; with placeholders, charts are lines "ADVISOR-CHART-N". */
char *report_markdown_for(const struct advice *a, const struct report_meta *m, bool placeholders);

/*
 * The probe charts: chart 0 holds costs in microseconds (ns figures
 * converted), chart 1 speed-ups.  Returns the factor that converts r's
 * median to the chart's unit, or 0 when r does not belong in chart.
 */
double report_chart_scale(const struct probe_result *r, int chart);

#endif
