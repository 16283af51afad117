/*
 * bench_replay PORT CONNECTIONS SECONDS PATH: replay's load generator in
 * closed-loop mode (each connection sends its next request when the
 * answer comes, as wrk does) against a server on 127.0.0.1:PORT; prints
 * the rate in requests per second, the answers and the errors.
 * tests/bench/replay.sh compares it with wrk on the same server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay-internal.h"
#include "xalloc.h"

int main(int argc, char **argv)
{
	struct replay_target t;
	struct replay_gen *g;
	struct replay_step st;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_replay PORT CONNECTIONS SECONDS PATH\n");
		return 2;
	}
	memset(&t, 0, sizeof t);
	t.port = atoi(argv[1]);
	t.connections = atoi(argv[2]);
	t.stop_fd = -1;
	t.req[0] = xasprintf("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", argv[4]);
	t.reqlen[0] = strlen(t.req[0]);
	t.share[0] = 1;
	t.nreq = 1;
	g = replay_gen_new(&t);
	if (replay_gen_step(g, 0, atof(argv[3]), 0.5, false, &st) < 0) {
		fprintf(stderr, "bench_replay: the load step failed\n");
		return 1;
	}
	printf("%.1f %llu %llu\n", st.rate, (unsigned long long)st.done,
	       (unsigned long long)st.errors);
	replay_gen_free(g);
	free(t.req[0]);
	return 0;
}
