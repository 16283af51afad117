/*
 * The load generator of replay, open loop as wrk2 is: requests leave on a
 * fixed schedule (constant rate, or Poisson arrivals) whatever the server
 * does, and each latency is measured from the request's *intended* send
 * time, so that a server that stalls is charged for every request that
 * should have left meanwhile (no coordinated omission).  wrk2 keeps one
 * schedule per connection; here one schedule feeds a pool of keep-alive
 * connections (at most REPLAY_MAX_CONN, one request in flight each, as an
 * HTTP/1.1 client pool does): a request due while every connection is busy
 * waits in the queue, and that wait is part of its latency.
 *
 * One thread, one epoll loop; a timerfd wakes it at the next intended time
 * (an epoll timeout would round to milliseconds).  Latencies go into a
 * log-linear histogram (HdrHistogram's layout, 64 sub-buckets per power
 * of two above 128 us).  The rate search finds the highest rate whose p99 meets the
 * budget: doubling from a start rate, then bisecting, each step bounded in
 * time and the whole search bounded in steps and seconds.
 */
#include "replay-internal.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "xalloc.h"

/* ---- histogram ------------------------------------------------------------ */

void replay_hist_reset(struct replay_hist *h)
{
	memset(h, 0, sizeof *h);
}

/* Bucket of v: exponent e (v < HIST_SUB << e) and linear sub-bucket. */
static void hist_index(uint64_t v, int *e, int *s)
{
	int k = 0;

	while (k < HIST_EXP - 1 && v >= ((uint64_t)HIST_SUB << k))
		k++;
	*e = k;
	*s = (int)((v >> k) & (HIST_SUB - 1));
	if (k > 0 && (v >> k) >= HIST_SUB)
		*s = HIST_SUB - 1;
}

void replay_hist_add(struct replay_hist *h, uint64_t us)
{
	int e, s;

	hist_index(us, &e, &s);
	h->count[e][s]++;
	h->total++;
	if (us > h->max)
		h->max = us;
}

uint64_t replay_hist_percentile(const struct replay_hist *h, double p)
{
	uint64_t rank, seen = 0;

	if (h->total == 0)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->total);
	if (rank < 1)
		rank = 1;
	for (int e = 0; e < HIST_EXP; e++) {
		/* exponent e > 0 holds the upper half of its sub-buckets only */
		for (int s = e > 0 ? HIST_SUB / 2 : 0; s < HIST_SUB; s++) {
			seen += h->count[e][s];
			if (seen >= rank) {
				uint64_t top = (((uint64_t)s + 1) << e) - 1;

				return top < h->max ? top : h->max;
			}
		}
	}
	return h->max;
}

/* ---- schedule ------------------------------------------------------------- */

void replay_sched_init(struct replay_sched *s, double start, double rate, bool poisson,
		       uint64_t seed)
{
	memset(s, 0, sizeof *s);
	s->start = start;
	s->rate = rate;
	s->poisson = poisson;
	s->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	s->next = start;
}

/* xorshift64*: uniform in (0, 1). */
static double sched_uniform(struct replay_sched *s)
{
	uint64_t x = s->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	s->rng = x;
	return ((double)((x * 2685821657736338717ull) >> 11) + 0.5) / 9007199254740992.0;
}

double replay_sched_next(struct replay_sched *s)
{
	double t = s->next;

	s->issued++;
	if (s->poisson)
		s->next += -log(sched_uniform(s)) / s->rate;
	else
		s->next = s->start + (double)s->issued / s->rate;
	return t;
}

/* ---- HTTP responses ------------------------------------------------------- */

/*
 * Length of the first complete response in buf (0: not yet complete, -1:
 * malformed or not framed by Content-Length); *status and *close filled.
 */
static long http_response(const char *buf, size_t len, int *status, bool *close)
{
	const char *end = NULL, *p;
	long clen = -1;

	for (size_t i = 0; i + 3 < len; i++) {
		if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
			end = buf + i + 4;
			break;
		}
	}
	if (end == NULL)
		return len > 16384 ? -1 : 0;
	if (len < 12 || strncmp(buf, "HTTP/1.", 7) != 0)
		return -1;
	*status = atoi(buf + 9);
	*close = false;
	for (p = buf; p < end - 2; ) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));

		if (eol == NULL)
			break;
		eol++;
		if ((size_t)(eol - p) > 15 && strncasecmp(p, "content-length:", 15) == 0)
			clen = strtol(p + 15, NULL, 10);
		else if ((size_t)(eol - p) > 11 && strncasecmp(p, "connection:", 11) == 0 &&
			 strstr(p, "close") != NULL && strstr(p, "close") < eol)
			*close = true;
		p = eol;
	}
	if (clen < 0 || clen > 1 << 20)
		return -1;
	if ((size_t)(end - buf) + (size_t)clen > len)
		return 0;
	return (long)((size_t)(end - buf) + (size_t)clen);
}

static int loopback_socket(int port, bool nonblock)
{
	struct sockaddr_in sa;
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (nonblock ? SOCK_NONBLOCK : 0), 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- the generator -------------------------------------------------------- */

enum cstate { C_CLOSED, C_IDLE, C_BUSY };

struct gconn {
	int fd;
	enum cstate st;
	double intended;	/* of the request in flight */
	size_t woff;		/* bytes of the request written */
	int cls;		/* its class */
	bool want_out;		/* EPOLLOUT asked: a write is pending */
	char buf[8192];
	size_t len;
};

struct replay_gen {
	const struct replay_target *t;
	int epfd, tfd;
	struct gconn conn[REPLAY_MAX_CONN];
	int nconn;
	double credit[REPLAY_MAX_CLASSES];	/* smooth weighted round robin */
	double *queue;		/* intended times waiting for a connection */
	size_t qhead, qlen, qcap;
	struct replay_hist hist;
	uint64_t seed;
};

struct replay_gen *replay_gen_new(const struct replay_target *t)
{
	struct replay_gen *g = xcalloc(1, sizeof *g);
	struct epoll_event ev;

	g->t = t;
	g->nconn = t->connections < 1 ? 1 : t->connections > REPLAY_MAX_CONN ? REPLAY_MAX_CONN
										 : t->connections;
	for (int i = 0; i < REPLAY_MAX_CONN; i++)
		g->conn[i].fd = -1;
	g->epfd = epoll_create1(EPOLL_CLOEXEC);
	g->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.u32 = 1000;
	epoll_ctl(g->epfd, EPOLL_CTL_ADD, g->tfd, &ev);
	if (t->stop_fd >= 0) {
		ev.data.u32 = 1001;
		epoll_ctl(g->epfd, EPOLL_CTL_ADD, t->stop_fd, &ev);
	}
	g->seed = 0x2545f4914f6cdd1dull;
	return g;
}

static void conn_drop(struct replay_gen *g, struct gconn *c)
{
	if (c->fd >= 0) {
		epoll_ctl(g->epfd, EPOLL_CTL_DEL, c->fd, NULL);
		close(c->fd);
	}
	c->fd = -1;
	c->st = C_CLOSED;
	c->len = 0;
	c->woff = 0;
	c->want_out = false;
}

void replay_gen_free(struct replay_gen *g)
{
	if (g == NULL)
		return;
	for (int i = 0; i < REPLAY_MAX_CONN; i++)
		conn_drop(g, &g->conn[i]);
	close(g->epfd);
	close(g->tfd);
	free(g->queue);
	free(g);
}

/* The class of the next request: smooth weighted round robin over the shares. */
static int next_class(struct replay_gen *g)
{
	const struct replay_target *t = g->t;
	int best = 0;

	for (size_t i = 0; i < t->nreq; i++) {
		g->credit[i] += t->share[i];
		if (g->credit[i] > g->credit[best])
			best = (int)i;
	}
	g->credit[best] -= 1.0;
	return best;
}

static int conn_open(struct replay_gen *g, int i)
{
	struct gconn *c = &g->conn[i];
	struct epoll_event ev;

	c->fd = loopback_socket(g->t->port, true);
	if (c->fd < 0)
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | EPOLLRDHUP;
	ev.data.u32 = (uint32_t)i;
	epoll_ctl(g->epfd, EPOLL_CTL_ADD, c->fd, &ev);
	c->st = C_IDLE;
	c->len = 0;
	c->want_out = false;
	return 0;
}

/* Ask for EPOLLOUT only while a write is pending (it is level-triggered). */
static void want_out(struct replay_gen *g, struct gconn *c, bool on)
{
	struct epoll_event ev;

	if (c->want_out == on || c->fd < 0)
		return;
	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0);
	ev.data.u32 = (uint32_t)(c - g->conn);
	epoll_ctl(g->epfd, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = on;
}

/* Write what is left of the request in flight; -1 when the connection failed. */
static int conn_write(struct replay_gen *g, struct gconn *c)
{
	const char *req = g->t->req[c->cls];
	size_t len = g->t->reqlen[c->cls];

	while (c->woff < len) {
		ssize_t w = send(c->fd, req + c->woff, len - c->woff, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINPROGRESS ||
			      errno == ENOTCONN)) {
			want_out(g, c, true);
			return 0;
		}
		if (w <= 0)
			return -1;
		c->woff += (size_t)w;
	}
	want_out(g, c, false);
	return 0;
}

static void arm(struct replay_gen *g, double when)
{
	replay_timer_at(g->tfd, when);
}

static void queue_push(struct replay_gen *g, double t)
{
	if (g->qhead > 0 && g->qhead == g->qlen) {
		g->qhead = g->qlen = 0;
	} else if (g->qlen == g->qcap && g->qhead > g->qcap / 2) {
		memmove(g->queue, g->queue + g->qhead, (g->qlen - g->qhead) * sizeof *g->queue);
		g->qlen -= g->qhead;
		g->qhead = 0;
	}
	*XPUSH(g->queue, g->qlen, g->qcap) = t;
}

struct step_state {
	struct replay_step *out;
	double closed_until;	/* closed loop: stop sending then; 0 for open loop */
	double start, seconds;	/* the step's window, for the latency trend */
	double qsum[4];		/* latency sums by quarter of the intended time */
	uint64_t qn[4];
};

/* Send a request on connection i, intended at t. */
static void conn_send(struct replay_gen *g, int i, double t, struct replay_step *out)
{
	struct gconn *c = &g->conn[i];

	if (c->st == C_CLOSED && conn_open(g, i) < 0) {
		out->errors++;
		out->sent++;
		return;
	}
	c->st = C_BUSY;
	c->intended = t;
	c->woff = 0;
	c->cls = next_class(g);
	out->sent++;
	if (conn_write(g, c) < 0) {
		out->errors++;
		conn_drop(g, c);
	}
}

/* Read what arrived on connection i; record each complete response. */
/* Add an answer's latency to the quarter of the step it was meant for. */
static void step_quarter(struct step_state *ss, double intended, double lat)
{
	int q;

	if (!(ss->seconds > 0))
		return;
	q = (int)((intended - ss->start) / ss->seconds * 4);
	q = q < 0 ? 0 : q > 3 ? 3 : q;
	ss->qsum[q] += lat;
	ss->qn[q]++;
}

static void conn_readable(struct replay_gen *g, int i, struct step_state *ss)
{
	struct gconn *c = &g->conn[i];
	struct replay_step *out = ss->out;

	if (c->st == C_BUSY && conn_write(g, c) < 0)
		goto broken;
	for (;;) {
		ssize_t r = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
		long n;
		int status = 0;
		bool close_after = false;

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (r <= 0)
			goto broken;
		c->len += (size_t)r;
		n = http_response(c->buf, c->len, &status, &close_after);
		if (n < 0 || (n > 0 && c->st != C_BUSY))
			goto broken;
		if (n == 0) {
			if (c->len == sizeof c->buf)
				goto broken;
			continue;
		}
		{
			double now = replay_now(), lat = now - c->intended;

			replay_hist_add(&g->hist, lat > 0 ? (uint64_t)(lat * 1e6) : 0);
			step_quarter(ss, c->intended, lat);
			out->done++;
			if (status != 200)
				out->errors++;
			memmove(c->buf, c->buf + n, c->len - (size_t)n);
			c->len -= (size_t)n;
			c->st = C_IDLE;
			if (close_after) {
				conn_drop(g, c);
				return;
			}
			if (ss->closed_until > 0 && now < ss->closed_until)
				conn_send(g, i, now, out);
		}
	}
broken:
	if (c->st == C_BUSY) {
		out->errors++;
		out->done++;
	}
	conn_drop(g, c);
}

/* Requests still queued or in flight at the end: late, with their age now. */
static void count_late(struct replay_gen *g, struct replay_step *out)
{
	double now = replay_now();

	for (size_t q = g->qhead; q < g->qlen; q++) {
		replay_hist_add(&g->hist, (uint64_t)((now - g->queue[q]) * 1e6));
		out->late++;
	}
	g->qhead = g->qlen = 0;
	for (int i = 0; i < REPLAY_MAX_CONN; i++) {
		if (g->conn[i].st != C_BUSY)
			continue;
		replay_hist_add(&g->hist, (uint64_t)((now - g->conn[i].intended) * 1e6));
		out->late++;
		/* its answer would come on the next step: start afresh */
		conn_drop(g, &g->conn[i]);
	}
}

static int busy_count(const struct replay_gen *g)
{
	int n = 0;

	for (int i = 0; i < REPLAY_MAX_CONN; i++)
		n += g->conn[i].st == C_BUSY;
	return n;
}

int replay_gen_step(struct replay_gen *g, double rate, double seconds, double drain_s,
		    bool poisson, struct replay_step *out)
{
	struct replay_sched sch;
	struct step_state ss = { out, 0, 0, 0, { 0 }, { 0 } };
	double start = replay_now() + 0.001, end = start + seconds;
	struct epoll_event evs[64];

	memset(out, 0, sizeof *out);
	out->rate = rate;
	out->seconds = seconds;
	replay_hist_reset(&g->hist);
	g->qhead = g->qlen = 0;
	if (rate > 0) {
		replay_sched_init(&sch, start, rate, poisson, g->seed++);
		ss.start = start;
		ss.seconds = seconds;
	} else {
		ss.closed_until = end;
		for (int i = 0; i < g->nconn; i++)
			conn_send(g, i, start, out);
	}
	for (;;) {
		double now = replay_now();
		int n;

		if (rate > 0) {
			while (sch.next <= now && sch.next < end)
				queue_push(g, replay_sched_next(&sch));
			for (int i = 0; i < g->nconn && g->qhead < g->qlen; i++)
				if (g->conn[i].st != C_BUSY)
					conn_send(g, i, g->queue[g->qhead++], out);
		}
		if (now >= end && g->qhead >= g->qlen && busy_count(g) == 0)
			break;
		if (now >= end + drain_s)
			break;
		arm(g, rate > 0 && sch.next < end ? sch.next : now < end ? end : end + drain_s);
		n = epoll_wait(g->epfd, evs, 64, 1000);
		if (n < 0 && errno != EINTR)
			return -1;
		for (int k = 0; k < n; k++) {
			uint32_t tag = evs[k].data.u32;

			if (tag == 1000) {
				uint64_t x;
				ssize_t r = read(g->tfd, &x, sizeof x);

				(void)r;
			} else if (tag == 1001) {
				out->stopped = true;
			} else if (tag < REPLAY_MAX_CONN && g->conn[tag].fd >= 0) {
				if (evs[k].events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP))
					conn_readable(g, (int)tag, &ss);
				else if (g->conn[tag].st == C_BUSY && conn_write(g, &g->conn[tag]) < 0)
					conn_drop(g, &g->conn[tag]);
			}
		}
		if (out->stopped)
			break;
	}
	count_late(g, out);
	if (ss.qn[0] > 0 && ss.qn[3] > 0)
		out->trend_ms = (ss.qsum[3] / (double)ss.qn[3] - ss.qsum[0] / (double)ss.qn[0]) * 1000;
	if (rate <= 0)
		out->rate = seconds > 0 ? (double)out->done / seconds : 0;
	out->p50_ms = (double)replay_hist_percentile(&g->hist, 50) / 1000.0;
	out->p99_ms = (double)replay_hist_percentile(&g->hist, 99) / 1000.0;
	return 0;
}

/* ---- the rate search ------------------------------------------------------ */

/*
 * A step meets the budget: p99 within it, answers for nearly all, no
 * errors, and no climb of the latencies through the step (more than a
 * fifth of the budget, and a millisecond of jitter): a short step can end
 * before an overloaded server's queue has grown past the budget.
 */
static bool step_ok(const struct replay_step *st, double budget_ms)
{
	double want = st->rate * st->seconds;

	return st->p99_ms <= budget_ms && st->errors == 0 && st->late == 0 &&
	       (double)st->done >= 0.97 * want - 1 && st->trend_ms <= 0.2 * budget_ms + 1;
}

int replay_rate_search(struct replay_gen *g, struct replay_search *s, bool poisson)
{
	double t0 = replay_now();
	double lo = 0, hi = s->hi_start, r = s->start_rate > 0 ? s->start_rate : 50;
	double drain = s->p99_budget_ms * 2 / 1000.0;

	if (drain < 0.05)
		drain = 0.05;
	if (drain > 0.5)
		drain = 0.5;
	s->max_rps = 0;
	s->steps = 0;
	s->done = 0;
	s->stopped = false;
	while (s->steps < s->max_steps &&
	       replay_now() - t0 + s->step_s + drain <= s->time_s) {
		struct replay_step st;

		if (replay_gen_step(g, r, s->step_s, drain, poisson, &st) < 0)
			break;
		s->steps++;
		s->done += st.done;
		if (st.stopped) {
			s->stopped = true;
			break;
		}
		if (step_ok(&st, s->p99_budget_ms)) {
			lo = r;
			r = hi > 0 ? (lo + hi) / 2 : r * 2;
		} else {
			hi = r;
			r = lo > 0 ? (lo + hi) / 2 : s->hi_start > 0 ? r / 2 : r / 4;
			/* let the server work off what it queued */
			replay_settle(g->t->port, 1.0);
		}
		if ((lo > 0 && hi > 0 && hi / lo < 1.12) || r < 1 || r > 200000)
			break;
	}
	/*
	 * A short step can pass just above the server's capacity: the queue
	 * has not yet grown past the budget when it ends.  Confirm the rate
	 * with a step twice as long, lowering it by 15 % while that fails.
	 */
	for (int k = 0; k < 3 && lo > 0 && !s->stopped &&
	     replay_now() - t0 + 2 * s->step_s + drain <= s->time_s + s->step_s; k++) {
		struct replay_step st;

		replay_settle(g->t->port, 0.5);
		if (replay_gen_step(g, lo, 2 * s->step_s, drain, poisson, &st) < 0)
			break;
		s->steps++;
		s->done += st.done;
		s->stopped = st.stopped;
		if (st.stopped || step_ok(&st, s->p99_budget_ms))
			break;
		lo *= 0.85;
	}
	s->max_rps = lo;
	return 0;
}

/* ---- idle connections ----------------------------------------------------- */

/* One GET /health on a new connection; seconds taken, or -1. */
static double health_once(int port, double timeout_s)
{
	static const char req[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
	struct timeval tv = { (time_t)timeout_s, (long)((timeout_s - (double)(time_t)timeout_s) * 1e6) };
	double t0 = replay_now();
	char buf[1024];
	size_t len = 0;
	long got = 0;
	int fd = loopback_socket(port, false);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof req - 1)) {
		while (got == 0 && len < sizeof buf) {
			ssize_t r = recv(fd, buf + len, sizeof buf - len, 0);
			int status;
			bool cl;

			if (r <= 0)
				break;
			len += (size_t)r;
			got = http_response(buf, len, &status, &cl);
		}
	}
	close(fd);
	return got > 0 ? replay_now() - t0 : -1;
}

void replay_settle(int port, double max_s)
{
	double until = replay_now() + max_s;

	while (replay_now() < until) {
		double t = health_once(port, until - replay_now() > 0.05 ? until - replay_now() : 0.05);

		if (t >= 0 && t < 0.005)
			return;
		usleep(20000);
	}
}

int replay_idle_open(int port, int n, int *fds, double timeout_s)
{
	static const char req[] = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
	double deadline = replay_now() + timeout_s;
	int open = 0;

	for (int i = 0; i < n && replay_now() < deadline; i++) {
		struct timeval tv = { 0, 500000 };
		char buf[1024];
		size_t len = 0;
		long got = 0;
		int fd = loopback_socket(port, false);

		if (fd < 0)
			break;
		setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof req - 1)) {
			close(fd);
			break;
		}
		while (got == 0 && len < sizeof buf) {
			ssize_t r = recv(fd, buf + len, sizeof buf - len, 0);
			int status;
			bool cl;

			if (r <= 0)
				break;
			len += (size_t)r;
			got = http_response(buf, len, &status, &cl);
		}
		if (got <= 0) {
			close(fd);
			break;
		}
		fds[open++] = fd;
	}
	return open;
}

void replay_idle_close(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}
