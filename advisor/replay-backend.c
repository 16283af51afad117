/*
 * The I/O backend of replay: a loopback server that stands for a database
 * or another service.  A client writes lines "WAIT <microseconds>\n"; each
 * is answered "OK\n" that long after it arrived, in order, many lines per
 * keep-alive connection.
 *
 * One thread, one epoll loop.  Pending answers sit in one binary heap by
 * due time, and one timerfd is armed (absolute, CLOCK_MONOTONIC) for the
 * earliest, so delays keep microsecond resolution where an epoll timeout
 * would round to milliseconds.  Connections are bounded (BACKEND_MAX_CONN:
 * a further one is accepted and closed at once) and so are the waits a
 * connection may have queued.  An eventfd stops the thread.
 */
#include "replay-internal.h"

#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "xalloc.h"

#define BACKEND_MAX_CONN 1024
#define BACKEND_MAX_QUEUE 64	/* waits queued per connection */
#define BACKEND_MAX_WAIT_US 60000000L

struct bconn {
	int fd;
	char in[256];
	size_t inlen;
	double due[BACKEND_MAX_QUEUE];	/* answer times, in order */
	size_t head, count;
	size_t outpend;		/* "OK\n" answers not yet written */
	uint64_t gen;		/* tells a connection from an earlier one in its slot */
};

struct hentry {
	double due;
	int slot;
	uint64_t gen;		/* the connection's generation when queued */
};

struct replay_backend {
	pthread_t thread;
	bool started;
	int lfd, epfd, tfd, stopfd;
	int port;
	uint64_t gens;
	struct bconn *conns[BACKEND_MAX_CONN];
	struct hentry *heap;
	size_t nheap, capheap;
};

/* ---- heap ----------------------------------------------------------------- */

static void heap_push(struct replay_backend *b, struct hentry e)
{
	size_t i = b->nheap;

	XPUSH(b->heap, b->nheap, b->capheap);
	while (i > 0 && b->heap[(i - 1) / 2].due > e.due) {
		b->heap[i] = b->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	b->heap[i] = e;
}

static struct hentry heap_pop(struct replay_backend *b)
{
	struct hentry top = b->heap[0], last = b->heap[--b->nheap];
	size_t i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= b->nheap)
			break;
		if (c + 1 < b->nheap && b->heap[c + 1].due < b->heap[c].due)
			c++;
		if (b->heap[c].due >= last.due)
			break;
		b->heap[i] = b->heap[c];
		i = c;
	}
	if (b->nheap > 0)
		b->heap[i] = last;
	return top;
}

static void arm_timer(struct replay_backend *b)
{
	replay_timer_at(b->tfd, b->nheap > 0 ? fmax(b->heap[0].due, 1e-9) : 0);
}

/* ---- connections ---------------------------------------------------------- */

static void conn_close(struct replay_backend *b, int slot)
{
	struct bconn *c = b->conns[slot];

	if (c == NULL)
		return;
	epoll_ctl(b->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c);
	b->conns[slot] = NULL;
}

static void conn_flush(struct replay_backend *b, int slot)
{
	static const char ok[] = "OK\nOK\nOK\nOK\nOK\nOK\nOK\nOK\n";
	struct bconn *c = b->conns[slot];

	while (c && c->outpend > 0) {
		size_t n = c->outpend > 8 ? 8 : c->outpend;
		ssize_t w = send(c->fd, ok, n * 3, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;	/* the client is not reading; keep the count */
		if (w <= 0 || w % 3 != 0) {
			conn_close(b, slot);
			return;
		}
		c->outpend -= (size_t)w / 3;
	}
}

/* Parse the complete lines of c->in; queue their answers. */
static int conn_lines(struct replay_backend *b, int slot)
{
	struct bconn *c = b->conns[slot];
	char *nl;

	while ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
		size_t linelen = (size_t)(nl - c->in) + 1;
		char *end;
		long us;
		double due;

		*nl = '\0';
		if (strncmp(c->in, "WAIT ", 5) != 0)
			return -1;
		us = strtol(c->in + 5, &end, 10);
		if (end == c->in + 5 || (*end != '\0' && *end != '\r') || us < 0 ||
		    us > BACKEND_MAX_WAIT_US || c->count >= BACKEND_MAX_QUEUE)
			return -1;
		due = replay_now() + (double)us * 1e-6;
		/* answers keep the order of the lines */
		if (c->count > 0) {
			double prev = c->due[(c->head + c->count - 1) % BACKEND_MAX_QUEUE];

			if (due < prev)
				due = prev;
		}
		c->due[(c->head + c->count) % BACKEND_MAX_QUEUE] = due;
		c->count++;
		heap_push(b, (struct hentry){ due, slot, c->gen });
		memmove(c->in, c->in + linelen, c->inlen - linelen);
		c->inlen -= linelen;
	}
	return c->inlen >= sizeof c->in - 1 ? -1 : 0;
}

static void conn_read(struct replay_backend *b, int slot)
{
	struct bconn *c = b->conns[slot];

	for (;;) {
		ssize_t r = recv(c->fd, c->in + c->inlen, sizeof c->in - 1 - c->inlen, 0);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (r <= 0) {
			conn_close(b, slot);
			return;
		}
		c->inlen += (size_t)r;
		if (conn_lines(b, slot) < 0) {
			conn_close(b, slot);
			return;
		}
	}
	arm_timer(b);
}

static void do_accept(struct replay_backend *b)
{
	for (;;) {
		int fd = accept4(b->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int slot = -1, one = 1;
		struct epoll_event ev;

		if (fd < 0)
			return;
		for (int i = 0; i < BACKEND_MAX_CONN && slot < 0; i++)
			if (b->conns[i] == NULL)
				slot = i;
		if (slot < 0) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		b->conns[slot] = xcalloc(1, sizeof *b->conns[slot]);
		b->conns[slot]->fd = fd;
		b->conns[slot]->gen = ++b->gens;
		memset(&ev, 0, sizeof ev);
		ev.events = EPOLLIN;
		ev.data.u64 = (uint64_t)slot + 3;
		epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev);
	}
}

/* Answer every wait that is due. */
static void fire(struct replay_backend *b)
{
	double now = replay_now();
	uint64_t exp;
	ssize_t r = read(b->tfd, &exp, sizeof exp);

	(void)r;
	while (b->nheap > 0 && b->heap[0].due <= now) {
		struct hentry e = heap_pop(b);
		struct bconn *c = b->conns[e.slot];

		if (c == NULL || c->gen != e.gen || c->count == 0)
			continue;	/* closed since */
		c->head = (c->head + 1) % BACKEND_MAX_QUEUE;
		c->count--;
		c->outpend++;
		conn_flush(b, e.slot);
	}
	arm_timer(b);
}

static void *backend_main(void *arg)
{
	struct replay_backend *b = arg;
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(b->epfd, evs, 64, 1000);

		for (int i = 0; i < n; i++) {
			uint64_t tag = evs[i].data.u64;

			if (tag == 0)
				return NULL;	/* stop */
			if (tag == 1)
				do_accept(b);
			else if (tag == 2)
				fire(b);
			else if (b->conns[tag - 3])
				conn_read(b, (int)(tag - 3));
		}
	}
}

/* ---- lifecycle ------------------------------------------------------------ */

static int add_fd(struct replay_backend *b, int fd, uint64_t tag)
{
	struct epoll_event ev;

	memset(&ev, 0, sizeof ev);
	ev.events = EPOLLIN;
	ev.data.u64 = tag;
	return epoll_ctl(b->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static void backend_free(struct replay_backend *b)
{
	for (int i = 0; i < BACKEND_MAX_CONN; i++)
		conn_close(b, i);
	if (b->lfd >= 0)
		close(b->lfd);
	if (b->tfd >= 0)
		close(b->tfd);
	if (b->stopfd >= 0)
		close(b->stopfd);
	if (b->epfd >= 0)
		close(b->epfd);
	free(b->heap);
	free(b);
}

struct replay_backend *replay_backend_start(char *why, size_t whylen)
{
	struct replay_backend *b = xcalloc(1, sizeof *b);
	struct sockaddr_in sa;
	socklen_t salen = sizeof sa;
	sigset_t all, old;
	int rc;

	b->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	b->epfd = epoll_create1(EPOLL_CLOEXEC);
	b->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	b->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->lfd < 0 || b->epfd < 0 || b->tfd < 0 || b->stopfd < 0) {
		snprintf(why, whylen, "backend: %s", strerror(errno));
		goto fail;
	}
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = 0;
	if (bind(b->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(b->lfd, 256) < 0 ||
	    getsockname(b->lfd, (struct sockaddr *)&sa, &salen) < 0) {
		snprintf(why, whylen, "backend: cannot listen on 127.0.0.1: %s", strerror(errno));
		goto fail;
	}
	b->port = ntohs(sa.sin_port);
	if (add_fd(b, b->stopfd, 0) < 0 || add_fd(b, b->lfd, 1) < 0 || add_fd(b, b->tfd, 2) < 0) {
		snprintf(why, whylen, "backend: epoll: %s", strerror(errno));
		goto fail;
	}
	/* Signals go to the main thread, whose handler kills the servers. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&b->thread, NULL, backend_main, b);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		snprintf(why, whylen, "backend: cannot start a thread: %s", strerror(rc));
		goto fail;
	}
	b->started = true;
	return b;
fail:
	backend_free(b);
	return NULL;
}

int replay_backend_port(const struct replay_backend *b)
{
	return b->port;
}

void replay_backend_stop(struct replay_backend *b)
{
	uint64_t one = 1;

	if (b == NULL)
		return;
	if (b->started) {
		ssize_t w = write(b->stopfd, &one, sizeof one);

		(void)w;
		pthread_join(b->thread, NULL);
	}
	backend_free(b);
}
