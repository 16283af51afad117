/*
 * The work as the profile states it, for the capacity model: how much CPU
 * a runtime spends on this profile's requests relative to Go (a range, and
 * where it came from), and the request mix as classes.
 *
 * Everything here reads explicit profile data only (kind, traits,
 * workload.native_share, workload.mix, calibration) and the knowledge
 * base; project.description is never read, so no word in it can change a
 * capacity.  The functions are pure: they change nothing and allocate
 * nothing.
 */
#ifndef ADVISOR_WORKLOAD_H
#define ADVISOR_WORKLOAD_H

#include <stddef.h>

#include "capacity.h"
#include "kb.h"
#include "profile.h"

/* Where a CPU factor came from. */
enum workload_source {
	WL_KNOWLEDGE,		/* the runtime's cpu_cost classes, blended by the class mix */
	WL_LEGACY,		/* a knowledge file with only cpu_factor: one figure for every class */
	WL_CALIBRATION,		/* calibration in the profile */
};

/* "knowledge", "legacy" or "calibration", for the JSON report. */
const char *workload_source_name(enum workload_source s);

/* Share of reference CPU by workload class (enum kb_class); sums to 1. */
struct workload_classes {
	double share[KB_CLASS__COUNT];
};

struct workload_factor {
	double low, typical, high;	/* low <= typical <= high, each > 0 */
	enum workload_source source;
	struct workload_classes classes;	/* the mix that was blended */
	/*
	 * In words, for the note: "calibration in the profile", or
	 * "knowledge/runtime-python.md, cpu_cost: web 60 %, native 40 %".
	 */
	char why[256];
};

/*
 * The class mix of the profile's CPU: native = workload.native_share, or
 * 0.8 when a trait has the class native and no share is given, else 0;
 * the rest is split between web and compute by the kind (io: all web,
 * mixed: half, cpu: all compute), moved halfway towards compute when the
 * traits have the class cpu but not io, halfway towards web when they
 * have io but not cpu (docs/knowledge.md, "CPU cost by workload class").
 */
void workload_classes(const struct profile *p, const struct kb *kb, struct workload_classes *out);

/*
 * The CPU factor of runtime rt on p's work: the weighted mean of its class
 * factors (low, typical and high each) under workload_classes, or the
 * profile's calibration for rt, which overrides all three.
 */
void workload_cpu_factor(const struct profile *p, const struct kb *kb,
			 const struct kb_runtime *rt, struct workload_factor *out);

/*
 * The request mix as capacity classes: workload.mix, or one class of
 * cpu_ms_per_request.  Fills at most max entries of out (names point into
 * p, which must outlive them) and returns how many; max >= 1.
 */
size_t workload_request_mix(const struct profile *p, struct cap_class *out, size_t max);

#endif
