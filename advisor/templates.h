/* Starter profiles for `advisor init`: a workload part per template, one shared rest. */
#ifndef ADVISOR_TEMPLATES_H
#define ADVISOR_TEMPLATES_H

struct template_entry {
	const char *name;
	const char *summary;
	const char *workload;	/* version, project and workload sections */
};

/* NULL-terminated. */
extern const struct template_entry template_table[];

const struct template_entry *template_find(const char *name);
/* The team, scaling, constraints and priorities sections shared by all. */
const char *template_rest(void);

#endif
