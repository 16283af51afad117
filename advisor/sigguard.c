/* Signal handlers and the subreaper role while children run (sigguard.h). */
#include "sigguard.h"

#include <string.h>
#include <sys/prctl.h>

void sig_guard_arm(struct sig_guard *g, void (*handler)(int))
{
	struct sigaction sa;

	prctl(PR_GET_CHILD_SUBREAPER, &g->old_reaper);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &g->old_int);
	sigaction(SIGTERM, &sa, &g->old_term);
	/* A closed terminal cleans up too, unless SIGHUP is ignored (nohup). */
	sigaction(SIGHUP, &sa, &g->old_hup);
	if (g->old_hup.sa_handler == SIG_IGN)
		sigaction(SIGHUP, &g->old_hup, NULL);
	g->armed = true;
}

void sig_guard_disarm(struct sig_guard *g)
{
	if (!g->armed)
		return;
	sigaction(SIGINT, &g->old_int, NULL);
	sigaction(SIGTERM, &g->old_term, NULL);
	sigaction(SIGHUP, &g->old_hup, NULL);
	prctl(PR_SET_CHILD_SUBREAPER, g->old_reaper);
	g->armed = false;
}

const char *sig_guard_name(int sig)
{
	return sig == SIGINT ? "SIGINT" : sig == SIGHUP ? "SIGHUP" : "SIGTERM";
}
