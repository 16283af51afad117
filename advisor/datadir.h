/*
 * Where the rule base and the knowledge base live.  A binary built in the
 * source tree (build/advisor, build/san/advisor) finds them beside the
 * build folder; an installed one under ADVISOR_DATADIR (PREFIX/share/advisor).
 * The environment variable ADVISOR_DATADIR overrides both.
 */
#ifndef ADVISOR_DATADIR_H
#define ADVISOR_DATADIR_H

/* The folder holding rules/ and knowledge/; never NULL; do not free. */
const char *datadir(void);

/*
 * path as the report shows it: relative to the data folder when it lies
 * inside it ("rules/gil.yaml"), as given otherwise.  Returns a pointer
 * into path.
 */
const char *datadir_display(const char *path);

#endif
