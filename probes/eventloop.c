/*
 * Event-loop family: how many readiness events one epoll thread dispatches
 * per second, and how late a timer fires behind a blocking callback.
 *
 * The dispatch loop is level-triggered over 64 AF_UNIX socketpairs: each
 * event reads one byte from one end and writes one byte to the other end,
 * which makes the first end readable again, as a proxy or a chat server
 * would.  The timer lag probe arms a 1 ms timerfd, then runs a CPU-bound
 * callback of 5 ms before returning to epoll_wait: the lag (fire time minus
 * due time) is what every other event on that loop waits too.
 */
#include "probes.h"

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#define LOOP_PAIRS 64
#define LOOP_CALLBACK_S 0.005
#define LOOP_TIMER_S 0.001

static int loop_events(struct probe_ctx *c)
{
	int sv[LOOP_PAIRS][2];
	struct epoll_event evs[LOOP_PAIRS];
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int n = 0, rc = -1;
	long batch = 2000;

	if (ep < 0)
		return probe_skip(c, "cannot create an epoll instance");
	for (; n < LOOP_PAIRS; n++) {
		struct epoll_event ev = { .events = EPOLLIN };
		char b = 1;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv[n]) < 0)
			break;
		ev.data.u32 = (uint32_t)n;
		if (epoll_ctl(ep, EPOLL_CTL_ADD, sv[n][0], &ev) < 0 ||
		    write(sv[n][1], &b, 1) != 1) {
			close(sv[n][0]);
			close(sv[n][1]);
			break;
		}
	}
	if (n < LOOP_PAIRS) {
		probe_skip(c, "cannot make %d socketpairs (file descriptor limit?)", LOOP_PAIRS);
		goto out;
	}
	for (int round = 0; probe_more(c) || round == 0; round++) {
		double t0 = probe_now();
		long done = 0;

		while (done < batch) {
			int k = epoll_wait(ep, evs, LOOP_PAIRS, 1000);

			if (k <= 0) {
				probe_skip(c, "epoll_wait returned no event");
				goto out;
			}
			for (int i = 0; i < k; i++) {
				int idx = (int)evs[i].data.u32;
				char b;

				if (read(sv[idx][0], &b, 1) != 1 || write(sv[idx][1], &b, 1) != 1) {
					probe_skip(c, "socketpair read or write failed");
					goto out;
				}
			}
			done += k;
		}
		if (round > 0)
			probe_sample(c, (double)done / (probe_now() - t0));
		else
			batch = (long)(done / (probe_now() - t0) * 0.002) + LOOP_PAIRS;
	}
	rc = 0;
out:
	for (int i = 0; i < n; i++) {
		close(sv[i][0]);
		close(sv[i][1]);
	}
	close(ep);
	return rc;
}

static int loop_timer_lag(struct probe_ctx *c)
{
	int ep = epoll_create1(EPOLL_CLOEXEC);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };
	int rc = -1;

	if (ep < 0 || tfd < 0) {
		probe_skip(c, "cannot create epoll or timerfd");
		goto out;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev) < 0) {
		probe_skip(c, "cannot watch a timerfd");
		goto out;
	}
	probe_spin(0.001);	/* warm up */
	while (probe_more(c)) {
		struct itimerspec its = { { 0, 0 }, { 0, (long)(LOOP_TIMER_S * 1e9) } };
		double due = probe_now() + LOOP_TIMER_S;
		uint64_t ticks;
		int k;

		if (timerfd_settime(tfd, 0, &its, NULL) < 0) {
			probe_skip(c, "cannot arm a timerfd");
			goto out;
		}
		probe_spin(LOOP_CALLBACK_S);	/* the blocking callback */
		k = epoll_wait(ep, &ev, 1, 1000);
		if (k != 1 || read(tfd, &ticks, sizeof ticks) != sizeof ticks) {
			probe_skip(c, "the timer did not fire");
			goto out;
		}
		probe_sample(c, (probe_now() - due) * 1e3);
	}
	rc = 0;
out:
	if (tfd >= 0)
		close(tfd);
	if (ep >= 0)
		close(ep);
	return rc;
}

const struct probe_def probe_eventloop_table[] = {
	{ "loop.events_per_s", "event-loop", "events/s", loop_events, 1.0, 0, NULL },
	{ "loop.timer_lag", "event-loop", "ms", loop_timer_lag, 1.0, 0, NULL },
};
const size_t probe_eventloop_count = ARRAY_SIZE(probe_eventloop_table);
