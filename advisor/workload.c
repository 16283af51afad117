/*
 * CPU cost by workload class and the request mix (workload.h).
 *
 * A CPU factor multiplies reference CPU time, so a mix of classes costs
 * the share-weighted arithmetic mean of the class factors: 60 % of the
 * work at 4x and 40 % at 1.5x is 0.6 x 4 + 0.4 x 1.5 = 3x in all.  The
 * low and high ends are blended the same way, which assumes the classes
 * sit at the same end of their ranges together: the honest width when one
 * cause (an interpreter, a framework) drives them all.
 */
#include "workload.h"

#include <stdio.h>
#include <string.h>

#include "datadir.h"

/* Share of CPU in native libraries when a trait says so but no share is given. */
#define NATIVE_SHARE_BY_TRAIT 0.8

const char *workload_source_name(enum workload_source s)
{
	static const char *const names[] = {
		[WL_KNOWLEDGE] = "knowledge", [WL_LEGACY] = "legacy", [WL_CALIBRATION] = "calibration",
	};

	return names[s];
}

void workload_classes(const struct profile *p, const struct kb *kb, struct workload_classes *out)
{
	static const double compute_by_kind[] = { [KIND_IO] = 0, [KIND_CPU] = 1, [KIND_MIXED] = 0.5 };
	bool io = kb_traits_have(kb, &p->traits, TRAIT_IO);
	bool cpu = kb_traits_have(kb, &p->traits, TRAIT_CPU);
	double native, compute;

	compute = compute_by_kind[p->kind];
	if (cpu && !io)
		compute += (1 - compute) / 2;
	else if (io && !cpu)
		compute /= 2;
	if (!p->assumed[PF_NATIVE_SHARE]) {
		native = p->native_share;
	} else if (kb_traits_have(kb, &p->traits, TRAIT_NATIVE)) {
		/*
		 * A trait says the heavy work runs in native libraries: what is
		 * left is the glue around them and the request handling, which
		 * is framework code (the web class), not hand-written loops.
		 * A profile that states native_share keeps the split by kind.
		 */
		native = NATIVE_SHARE_BY_TRAIT;
		compute = 0;
	} else {
		native = 0;
	}
	out->share[KB_NATIVE] = native;
	out->share[KB_COMPUTE] = (1 - native) * compute;
	out->share[KB_WEB] = (1 - native) * (1 - compute);
}

void workload_cpu_factor(const struct profile *p, const struct kb *kb,
			 const struct kb_runtime *rt, struct workload_factor *out)
{
	double cal = profile_calibration(p, rt->id);
	size_t len;

	memset(out, 0, sizeof *out);
	workload_classes(p, kb, &out->classes);
	if (cal > 0) {
		out->low = out->typical = out->high = cal;
		out->source = WL_CALIBRATION;
		snprintf(out->why, sizeof out->why, "calibration in the profile");
		return;
	}
	for (size_t i = 0; i < KB_CLASS__COUNT; i++) {
		double s = out->classes.share[i];

		out->low += s * rt->cpu_cost[i].low;
		out->typical += s * rt->cpu_cost[i].typical;
		out->high += s * rt->cpu_cost[i].high;
	}
	out->source = rt->cpu_cost_legacy ? WL_LEGACY : WL_KNOWLEDGE;
	len = (size_t)snprintf(out->why, sizeof out->why, "%s, %s", rt->file ? datadir_display(rt->file) : rt->id,
			       rt->cpu_cost_legacy ? "cpu_factor" : "cpu_cost:");
	for (size_t i = 0, n = 0; !rt->cpu_cost_legacy && i < KB_CLASS__COUNT; i++) {
		if (out->classes.share[i] <= 0 || len >= sizeof out->why)
			continue;
		len += (size_t)snprintf(out->why + len, sizeof out->why - len, "%s %s %.0f %%",
					n++ ? "," : "", kb_class_names[i],
					100 * out->classes.share[i]);
	}
}

size_t workload_request_mix(const struct profile *p, struct cap_class *out, size_t max)
{
	size_t n = 0;

	if (max == 0)
		return 0;
	if (p->mix.n == 0) {
		out[0] = (struct cap_class){ 1, p->cpu_ms_per_request, NULL };
		return 1;
	}
	for (; n < p->mix.n && n < max; n++)
		out[n] = (struct cap_class){ p->mix.v[n].share, p->mix.v[n].cpu_ms, p->mix.v[n].name };
	return n;
}
