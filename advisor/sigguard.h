/*
 * While advisor runs child processes (probes, replay servers): catch
 * SIGINT, SIGTERM and SIGHUP so the children can be killed and reaped
 * before exiting, and become the subreaper of their descendants.  A
 * SIGHUP that was ignored (nohup) stays ignored.  disarm puts back what
 * arm found.
 */
#ifndef ADVISOR_SIGGUARD_H
#define ADVISOR_SIGGUARD_H

#include <signal.h>
#include <stdbool.h>

struct sig_guard {
	bool armed;
	int old_reaper;
	struct sigaction old_int, old_term, old_hup;
};

void sig_guard_arm(struct sig_guard *g, void (*handler)(int));
void sig_guard_disarm(struct sig_guard *g);

/* "SIGINT", "SIGTERM" or "SIGHUP": the name of a signal the guard catches. */
const char *sig_guard_name(int sig);

#endif
