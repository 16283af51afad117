/*
 * Unit tests of replay: the histogram's percentiles, the open-loop
 * schedule, the calibration arithmetic, the SHA-256 kernel, the I/O
 * backend's delay, and the "replay" object's JSON round trip and strict
 * reading.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "probe.h"
#include "replay-internal.h"
#include "xalloc.h"

static void test_replay_hist_percentiles(void **state)
{
	struct replay_hist *h = xcalloc(1, sizeof *h);

	(void)state;
	assert_int_equal(replay_hist_percentile(h, 50), 0);
	for (uint64_t v = 1; v <= 10000; v++)
		replay_hist_add(h, v);
	/* within the 1/64 resolution of the layout */
	assert_true(fabs((double)replay_hist_percentile(h, 50) - 5000) <= 5000 / 64.0 + 1);
	assert_true(fabs((double)replay_hist_percentile(h, 99) - 9900) <= 9900 / 64.0 + 1);
	assert_int_equal(replay_hist_percentile(h, 100), 10000);
	/* exact below 128 */
	replay_hist_reset(h);
	for (int i = 0; i < 98; i++)
		replay_hist_add(h, 10);
	replay_hist_add(h, 40);
	replay_hist_add(h, 2000000);
	assert_int_equal(replay_hist_percentile(h, 50), 10);
	assert_int_equal(replay_hist_percentile(h, 99), 40);
	assert_true(replay_hist_percentile(h, 99.5) >= 2000000 - 2000000 / 64);
	free(h);
}

static void test_replay_schedule_intended_times(void **state)
{
	struct replay_sched s;
	double sum = 0, last = 0;

	(void)state;
	replay_sched_init(&s, 100.0, 250.0, false, 1);
	for (int i = 0; i < 1000; i++)
		assert_true(fabs(replay_sched_next(&s) - (100.0 + i / 250.0)) < 1e-9);
	/* Poisson: increasing times, mean gap 1 / rate */
	replay_sched_init(&s, 0, 1000.0, true, 42);
	for (int i = 0; i < 20000; i++) {
		double t = replay_sched_next(&s);

		assert_true(t >= last);
		sum += t - last;
		last = t;
	}
	assert_true(fabs(sum / 20000 - 0.001) < 0.0001);
}

static void test_replay_calibrate(void **state)
{
	double us[KERNEL__COUNT] = { 10, 20, 5 };
	struct replay_shares io = replay_default_shares("io");
	struct replay_shares cpu = replay_default_shares("cpu");
	struct replay_shares mixed = replay_default_shares("mixed");
	long w, c, k;
	double ms;

	(void)state;
	ms = replay_calibrate(1.0, &mixed, us, &w, &c, &k);
	assert_int_equal(w, 50);	/* 0.5 ms / 10 us */
	assert_int_equal(c, 15);	/* 0.3 ms / 20 us */
	assert_int_equal(k, 40);	/* 0.2 ms / 5 us */
	assert_true(fabs(ms - 1.0) < 1e-9);
	replay_calibrate(2.0, &io, us, &w, &c, &k);
	assert_int_equal(w, 200);
	assert_int_equal(c, 0);
	assert_int_equal(k, 0);
	replay_calibrate(2.0, &cpu, us, &w, &c, &k);
	assert_int_equal(w, 0);
	assert_int_equal(c, 70);
	assert_int_equal(k, 120);
	/* capped at 1e6 iterations */
	replay_calibrate(1e6, &io, us, &w, &c, &k);
	assert_int_equal(w, 1000000);
	replay_calibrate(0, &io, us, &w, &c, &k);
	assert_int_equal(w, 0);
}

static void test_replay_kernels(void **state)
{
	unsigned char md[32];
	static const unsigned char abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae,
		0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61,
		0xf2, 0x00, 0x15, 0xad,
	};
	double us[KERNEL__COUNT];

	(void)state;
	replay_sha256("abc", 3, md);
	assert_memory_equal(md, abc, 32);
	/* the web kernel parses the document and writes a response of fixed length */
	assert_true(replay_kernel_web(replay_order_json, strlen(replay_order_json)) > 300);
	assert_int_equal(replay_kernel_web("{", 1), 0);
	assert_int_equal(replay_kernel_compute(), replay_kernel_compute());
	replay_kernels_measure(NULL, 0, us);
	for (int k = 0; k < KERNEL__COUNT; k++)
		assert_true(us[k] > 0 && us[k] < 10000);
}

static void test_replay_backend_delay(void **state)
{
	char why[256];
	struct replay_backend *b = replay_backend_start(why, sizeof why);
	struct sockaddr_in sa;
	char buf[16];
	size_t got = 0;
	double t0, dt;
	int fd;

	(void)state;
	assert_non_null(b);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	memset(&sa, 0, sizeof sa);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)replay_backend_port(b));
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	for (int round = 0; round < 2; round++) {
		/* keep-alive: a second wait on the same connection */
		got = 0;
		t0 = replay_now();
		assert_int_equal(write(fd, "WAIT 20000\n", 11), 11);
		while (got < 3) {
			ssize_t r = read(fd, buf + got, sizeof buf - got);

			assert_true(r > 0);
			got += (size_t)r;
		}
		dt = replay_now() - t0;
		assert_memory_equal(buf, "OK\n", 3);
		assert_true(dt >= 0.020);
		assert_true(dt < 1.0);
	}
	/* a zero wait answers at once */
	t0 = replay_now();
	assert_int_equal(write(fd, "WAIT 0\n", 7), 7);
	assert_true(read(fd, buf, sizeof buf) == 3);
	assert_true(replay_now() - t0 < 0.5);
	close(fd);
	replay_backend_stop(b);
}

/* ---- JSON ------------------------------------------------------------------ */

static const char *write_tmp(const char *text)
{
	static char path[64];
	FILE *f;

	strcpy(path, "/tmp/test-replay-XXXXXX");
	close(mkstemp(path));
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void fill(struct probe_set *ps)
{
	struct replay_set *rs = xcalloc(1, sizeof *rs);
	struct replay_candidate *c;

	probe_set_init(ps);
	ps->fp.cpu_model = xstrdup("cpu");
	ps->fp.cores = 2;
	ps->fp.memory_mb = 4096;
	ps->fp.usable_cpus = 1;
	ps->fp.cpu_quota = 1.5;
	ps->fp.memory_limit_mb = 2048;
	ps->fp.kernel = xstrdup("Linux");
	ps->fp.advisor_version = xstrdup("0");
	ps->fp.taken_at = xstrdup("2024-01-01T00:00:00Z");
	ps->budget_s = 5;
	ps->elapsed_s = 1;
	replay_set_init(rs);
	ps->replay = rs;
	rs->profile = xstrdup("p.yaml");
	rs->budget_s = 55;
	rs->elapsed_s = 12.5;
	rs->load.connections = 16;
	rs->load.idle_connections = 128;
	rs->load.step_s = 0.35;
	rs->load.sampling_s = 5;
	rs->load.p99_budget_ms = 50;
	rs->load.yardstick_ms = 0.5;
	rs->load.kernel_us[0] = 6.5;
	rs->load.kernel_us[1] = 3.5;
	rs->load.kernel_us[2] = 13.7;
	rs->load.nclasses = 1;
	rs->load.classes[0] = (struct replay_class){ 1, 0.5, 38, 42, 7, 500 };
	c = replay_set_add(rs);
	c->runtime = xstrdup("node");
	c->model = xstrdup("event-loop");
	c->measured = true;
	c->runtime_version = xstrdup("v20");
	c->command = xstrdup("node server.js");
	c->startup_ms = 110;
	c->cpu_ms_per_request = 1.2;
	c->cpu_factor = 2.4;
	c->usable_cores = 1;
	c->max_rps = 435.8;
	c->p50_ms = 1.6;
	c->p99_ms = 4.8;
	c->rss_base_mb = 40.6;
	c->kib_per_connection = 3.5;
	c->npoints = 1;
	c->points[0] = (struct replay_point){ 0.5, 217.9, 1.7, 8.1 };
	c = replay_set_add(rs);
	c->runtime = xstrdup("dotnet");
	c->model = xstrdup("thread-pool");
	c->reason = xstrdup("'dotnet' not found on PATH");
}

static void test_replay_json_round_trip(void **state)
{
	struct probe_set a, b;
	struct diags d = DIAGS_INIT;
	char *t1, *t2;

	(void)state;
	fill(&a);
	t1 = probe_set_to_string(&a);
	probe_set_init(&b);
	assert_int_equal(probe_set_load(&b, write_tmp(t1), &d), 0);
	assert_non_null(b.replay);
	assert_int_equal(b.replay->ncands, 2);
	assert_true(b.replay->cands[0].measured);
	assert_false(b.replay->cands[1].measured);
	assert_true(isnan(b.replay->cands[1].max_rps));
	assert_int_equal(b.fp.usable_cpus, 1);
	assert_int_equal(b.fp.memory_limit_mb, 2048);
	t2 = probe_set_to_string(&b);
	assert_string_equal(t1, t2);
	free(t1);
	free(t2);
	probe_set_release(&a);
	probe_set_release(&b);
	diags_release(&d);
}

/* text with the first "from" replaced by "to" must fail at want (LINE:COL: message part) */
static void expect_bad(const char *from, const char *to, const char *want)
{
	struct probe_set a, b;
	struct diags d = DIAGS_INIT;
	char *t, *p, *bad, *msg;
	size_t n;
	FILE *f;

	fill(&a);
	t = probe_set_to_string(&a);
	p = strstr(t, from);
	assert_non_null(p);
	bad = xasprintf("%.*s%s%s", (int)(p - t), t, to, p + strlen(from));
	probe_set_init(&b);
	assert_int_equal(probe_set_load(&b, write_tmp(bad), &d), -1);
	f = open_memstream(&msg, &n);
	diags_print(&d, f);
	fclose(f);
	if (strstr(msg, want) == NULL)
		fail_msg("expected '%s' in:\n%s", want, msg);
	free(msg);
	free(t);
	free(bad);
	probe_set_release(&a);
	probe_set_release(&b);
	diags_release(&d);
}

static void test_replay_json_strict(void **state)
{
	(void)state;
	expect_bad("\"max_rps\": 435.8", "\"max_rps\": 435.8, \"max_rpm\": 1",
		   "unknown key 'max_rpm' in a replay candidate");
	expect_bad("\"max_rps\": 435.8", "\"max_rps\": -3", "'max_rps' must be between 0 and");
	expect_bad("\"model\": \"event-loop\"", "\"model\": \"event-lop\"",
		   "unknown model 'event-lop' (did you mean 'event-loop'?)");
	expect_bad("\"status\": \"measured\"", "\"status\": \"ok\"", "unknown status 'ok'");
	expect_bad("\"schedule\": \"constant\"", "\"schedule\": \"burst\"", "unknown schedule 'burst'");
	expect_bad("\"p50_ms\": 1.6", "\"p50_ms\": 9.6", "'p50_ms' (9.6) is greater than 'p99_ms'");
	expect_bad("\"usable_cores\": 1.0", "\"usable_cores\": 9",
		   "'usable_cores' must be between 0.001 and 4, not 9");
	expect_bad("\"max_rps\": null", "\"max_rps\": 12",
		   "a skipped candidate has no 'max_rps' (null)");
	expect_bad("\"reason\": \"'dotnet' not found on PATH\"", "\"reason\": null",
		   "a skipped candidate needs a 'reason'");
	expect_bad("\"io_us\": 500", "\"io_us\": 500.5", "'io_us' must be a whole number");
	expect_bad("\"usable_cpus\": 1", "\"usable_cpus\": 3", "'usable_cpus' must be between 1 and 2");
	/* placed at the line of the value */
	expect_bad("\"cpu_factor\": 2.4", "\"cpu_factor\": \"fast\"",
		   ":56:23: error: 'cpu_factor' must be a number, not a string");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_hist_percentiles),
		cmocka_unit_test(test_replay_schedule_intended_times),
		cmocka_unit_test(test_replay_calibrate),
		cmocka_unit_test(test_replay_kernels),
		cmocka_unit_test(test_replay_backend_delay),
		cmocka_unit_test(test_replay_json_round_trip),
		cmocka_unit_test(test_replay_json_strict),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
