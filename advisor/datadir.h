/*
 * Where the rule base and the knowledge base live, first match wins:
 *   1. the environment variable ADVISOR_DATADIR;
 *   2. beside the binary: BIN/../share/advisor, so an installed tree works
 *      wherever it is copied (DESTDIR staging, a relocated prefix);
 *   3. the source tree: build/advisor and build/san/advisor find rules/ and
 *      knowledge/ one or two folders up;
 *   4. the data folder compiled in at build time (PREFIX/share/advisor).
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
