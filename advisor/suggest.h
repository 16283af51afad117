/*
 * "Did you mean" suggestions, shared by the core (unknown keys, rule ids,
 * probe names) and the command layer (unknown commands and options).
 * Both functions only compare strings: they never print.
 */
#ifndef ADVISOR_SUGGEST_H
#define ADVISOR_SUGGEST_H

#include <stddef.h>

/* Closest candidate to word by edit distance, or NULL when none is close. */
const char *suggest(const char *word, const char *const *candidates, size_t n);
/* " (did you mean 'x'?)" for the closest candidate, or "": the caller frees it. */
char *suggest_hint(const char *word, const char *const *candidates, size_t n);

#endif
