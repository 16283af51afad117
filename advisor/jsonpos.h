/*
 * Places in JSON text.  jansson reports a line and column only for syntax
 * errors; a validator that finds a structural problem (a wrong type, a
 * value out of range, a duplicate name) in a decoded tree uses this module
 * to find where that value is written, so the problem can be reported at
 * FILE:LINE:COL like any other.
 *
 * The scanner walks the text along a path of object keys and array
 * indexes.  It expects text that jansson has already accepted; on other
 * text it never reads out of bounds and returns the best place it found.
 */
#ifndef ADVISOR_JSONPOS_H
#define ADVISOR_JSONPOS_H

#include <stddef.h>

/* One step of a path: an object member (key) or an array element (index). */
struct jsonpos_step {
	const char *key;	/* NULL: the step is the array element index */
	size_t index;
};

/*
 * Byte offset in src of the first character of the value at path[0..depth-1]
 * (the root when depth is 0).  When a step is not found (a missing key, an
 * index past the end, a type that does not match), the offset is that of
 * the innermost container that was found.  *found, when not NULL, gets the
 * number of steps matched (depth when the whole path was found).
 * Keys are compared after decoding JSON escapes.
 */
size_t jsonpos_locate(const char *src, size_t len, const struct jsonpos_step *path,
		      size_t depth, size_t *found);

/*
 * Line and column (1-based, column in characters) of the value named by a
 * path written as in "results[3].median" or "[0].name": keys separated by
 * '.', indexes in brackets.  A key holding '.' or '[' cannot be written
 * this way; use jsonpos_locate.  Returns 0 when the whole path was found,
 * -1 when it was not (the place is then that of the innermost container
 * found) or the path is malformed (the place is 1:1).
 */
int jsonpos_find(const char *src, size_t len, const char *path, int *line, int *col);

#endif
