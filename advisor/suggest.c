/*
 * "Did you mean" suggestions by Damerau-Levenshtein (optimal string
 * alignment) distance.  A suggestion is offered only when it is close
 * relative to the word's length, so that nonsense gets none.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ctype.h>

#include "xalloc.h"
#include "suggest.h"

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *d;
	size_t r;

	if (la > 64 || lb > 64)
		return (size_t)-1;
	d = xcalloc((la + 1) * (lb + 1), sizeof *d);
#define D(i, j) d[(i) * (lb + 1) + (j)]
	for (size_t i = 0; i <= la; i++)
		D(i, 0) = i;
	for (size_t j = 0; j <= lb; j++)
		D(0, j) = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);

			D(i, j) = min3(D(i - 1, j) + 1, D(i, j - 1) + 1, D(i - 1, j - 1) + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    D(i - 2, j - 2) + 1 < D(i, j))
				D(i, j) = D(i - 2, j - 2) + 1;
		}
	}
	r = D(la, lb);
#undef D
	free(d);
	return r;
}

const char *suggest(const char *word, const char *const *candidates, size_t n)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1;
	size_t len = strlen(word);
	size_t limit = len <= 3 ? 1 : len <= 6 ? 2 : 3;

	for (size_t i = 0; i < n; i++) {
		size_t dd;

		if (candidates[i] == NULL)
			continue;
		dd = distance(word, candidates[i]);
		if (dd < bestd) {
			bestd = dd;
			best = candidates[i];
		}
	}
	/* A prefix of a long name is a good guess too ("recom" -> "recommend"). */
	if (bestd > limit) {
		for (size_t i = 0; i < n; i++)
			if (candidates[i] && len >= 3 && strncasecmp(candidates[i], word, len) == 0)
				return candidates[i];
		return NULL;
	}
	return best;
}

char *suggest_hint(const char *word, const char *const *candidates, size_t n)
{
	const char *s = suggest(word, candidates, n);

	return s ? xasprintf(" (did you mean '%s'?)", s) : xstrdup("");
}
