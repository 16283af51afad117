/*
 * Statistics over a probe's samples: median, min, max and the median
 * absolute deviation, which a few outliers (a page fault, a preemption)
 * cannot drag as they drag a mean and a standard deviation; and the
 * rounding to six significant digits every recorded figure goes through.
 */
#include "probe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_sorted(const double *v, size_t n)
{
	if (n % 2)
		return v[n / 2];
	return (v[n / 2 - 1] + v[n / 2]) / 2;
}

int probe_stats_compute(const double *v, size_t n, struct probe_stats *st)
{
	double *s = NULL;

	memset(st, 0, sizeof *st);
	if (n == 0)
		return -1;
	s = xmalloc(n * sizeof *s);
	memcpy(s, v, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_double);
	st->min = s[0];
	st->max = s[n - 1];
	st->median = median_sorted(s, n);
	for (size_t i = 0; i < n; i++)
		s[i] = fabs(s[i] - st->median);
	qsort(s, n, sizeof *s, cmp_double);
	st->mad = median_sorted(s, n);
	st->samples = (int)n;
	free(s);
	return 0;
}

double probe_round(double v)
{
	double mag, scale;

	if (v == 0 || !isfinite(v))
		return v;
	mag = floor(log10(fabs(v)));
	scale = pow(10, 5 - mag);
	return round(v * scale) / scale;
}
