/*
 * A folder of architecture decision records (recommend --adr-dir DIR),
 * as MADR keeps them: DIR/NNNN-title-with-dashes.md, numbered from 0001.
 *
 * A new record takes the number after the highest NNNN-*.md in the
 * folder (four digits, then a dash; other files are ignored) and a name
 * slugged from its title.  advisor's own records carry the front-matter
 * keys advisor-project and advisor-decision (report-madr.c); the latest
 * of them for the same project is the one a new record is compared with:
 *
 *   - none: the record is written;
 *   - it decides the same: nothing is written (the decision stands);
 *   - it decides otherwise: the record is written and says, under More
 *     Information, that it supersedes that one.  The old record is not
 *     touched: its status changes when the team accepts the new one.
 *
 * The record is created atomically and never over an existing file; when
 * another run takes the number meanwhile, the folder is read again and
 * the next number taken.
 */
#ifndef ADVISOR_ADR_H
#define ADVISOR_ADR_H

#include "advice.h"
#include "diag.h"
#include "report.h"

/* The highest record number; the longest slug. */
#define ADR_MAX_NUMBER 9999
#define ADR_MAX_SLUG 60

/*
 * title in lowercase ASCII letters, digits and single dashes, at most
 * ADR_MAX_SLUG characters, cut at a dash where there is one: "Build Orders
 * API on Node.js: event loop" -> "build-orders-api-on-node-js-event-loop".
 * "decision" when nothing is left.  The caller frees it.
 */
char *adr_slug(const char *title);

/* The number of a record's file name "NNNN-x.md", or -1 for any other name. */
int adr_number(const char *name);

/* Is dir an existing folder that records can be written into?  0, or -1 with a diagnostic. */
int adr_dir_ready(const char *dir, struct diags *d);

struct adr_outcome {
	char *written;		/* the record written, "DIR/0004-build-x.md", or NULL */
	char *same;		/* when unchanged: the record that already decides the same */
	char *superseded;	/* the record the new one supersedes, or NULL */
};

/*
 * Write the advice's record into dir, as above; meta is the report's
 * meta data (its record fields are filled in here).  Returns 0 with out
 * filled in (written or same is set), or -1 with a diagnostic.
 */
int adr_write(const char *dir, const struct advice *a, const struct report_meta *meta,
	      struct adr_outcome *out, struct diags *d);

void adr_outcome_release(struct adr_outcome *out);

#endif
