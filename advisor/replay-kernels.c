/*
 * The C yardstick: the three kernels every replay server runs (see
 * probes/replay/kernels.md), written here in plain C, and the calibration
 * that turns the profile's CPU time per request into kernel iterations.
 *
 *   web      parse the order document (a small hand-written JSON parser
 *            into a fixed node pool), build the response (the total and a
 *            formatted line per item) and serialise it as JSON
 *   compute  a running polynomial and an integer hash mix over 1,000
 *            doubles, then 200 keys into a hash map and their lookups
 *   native   SHA-256 of a fixed 4 KiB buffer
 *
 * Each kernel returns a checksum so that the compiler cannot drop it.
 */
#include "replay-internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <time.h>

#include "probe.h"

const char replay_order_json[] =
	"{\"id\":\"ORD-2024-000917\",\"customer\":{\"id\":48213,\"name\":\"Ada Lovelace\","
	"\"email\":\"ada@example.com\",\"vip\":true},\"currency\":\"EUR\",\"shipping\":{\"method\":\"express\","
	"\"cost\":7.5,\"address\":\"12 Analytical Row, London\"},\"items\":[{\"sku\":\"SKU-1001\","
	"\"name\":\"Widget A\",\"qty\":1,\"price\":3.25,\"tags\":[\"stock\",\"eu\"]},"
	"{\"sku\":\"SKU-1038\",\"name\":\"Gadget B\",\"qty\":2,\"price\":5.75,"
	"\"tags\":[\"stock\",\"eu\"]},{\"sku\":\"SKU-1075\",\"name\":\"Sprocket C\","
	"\"qty\":3,\"price\":8.25,\"tags\":[\"stock\",\"eu\"]},{\"sku\":\"SKU-1112\","
	"\"name\":\"Flange D\",\"qty\":4,\"price\":10.75,\"tags\":[\"stock\","
	"\"eu\"]},{\"sku\":\"SKU-1149\",\"name\":\"Bracket E\",\"qty\":1,\"price\":13.25,"
	"\"tags\":[\"stock\",\"eu\"]},{\"sku\":\"SKU-1186\",\"name\":\"Gear F\","
	"\"qty\":2,\"price\":15.75,\"tags\":[\"stock\",\"eu\"]},{\"sku\":\"SKU-1223\","
	"\"name\":\"Spring G\",\"qty\":3,\"price\":18.25,\"tags\":[\"stock\","
	"\"eu\"]},{\"sku\":\"SKU-1260\",\"name\":\"Valve H\",\"qty\":4,\"price\":20.75,"
	"\"tags\":[\"stock\",\"eu\"]},{\"sku\":\"SKU-1297\",\"name\":\"Bearing I\","
	"\"qty\":1,\"price\":23.25,\"tags\":[\"stock\",\"eu\"]},{\"sku\":\"SKU-1334\","
	"\"name\":\"Hinge J\",\"qty\":2,\"price\":25.75,\"tags\":[\"stock\",\"eu\"]}],"
	"\"note\":\"leave at the door \\\"please\\\"\"}";

double replay_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void replay_timer_at(int tfd, double when)
{
	struct itimerspec it;

	memset(&it, 0, sizeof it);
	if (when > 0) {
		it.it_value.tv_sec = (time_t)when;
		it.it_value.tv_nsec = (long)((when - (double)(time_t)when) * 1e9);
		if (it.it_value.tv_sec == 0 && it.it_value.tv_nsec == 0)
			it.it_value.tv_nsec = 1;
	}
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &it, NULL);
}

/* ---- web: a small JSON parser and writer ---------------------------------- */

#define WEB_MAX_NODES 256

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jnode {
	enum jtype type;
	const char *key;	/* member name (decoded), NULL in arrays */
	size_t keylen;
	const char *str;	/* decoded string */
	size_t len;
	double num;
	int first, next;	/* child and sibling indexes, -1: none */
};

struct jparser {
	const char *p, *end;
	struct jnode nodes[WEB_MAX_NODES];
	int n;
	char strings[2048];	/* decoded strings */
	size_t used;
	int depth;
};

static void jp_ws(struct jparser *jp)
{
	while (jp->p < jp->end && (*jp->p == ' ' || *jp->p == '\n' || *jp->p == '\t' || *jp->p == '\r'))
		jp->p++;
}

/* A string at jp->p (after the quote); decoded into the string pool. */
static int jp_string(struct jparser *jp, const char **out, size_t *len)
{
	char *dst = jp->strings + jp->used;
	size_t n = 0, room = sizeof jp->strings - jp->used;

	while (jp->p < jp->end && *jp->p != '"') {
		char c = *jp->p++;

		if (c == '\\' && jp->p < jp->end) {
			char e = *jp->p++;

			c = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b'
			  : e == 'f' ? '\f' : e;	/* \u is not used by the document */
		}
		if (n + 1 >= room)
			return -1;
		dst[n++] = c;
	}
	if (jp->p >= jp->end)
		return -1;
	jp->p++;
	dst[n] = '\0';
	jp->used += n + 1;
	*out = dst;
	*len = n;
	return 0;
}

static int jp_value(struct jparser *jp);

/* Members or elements until close; links them under node. */
static int jp_children(struct jparser *jp, int node, char close, bool object)
{
	int last = -1;

	jp_ws(jp);
	if (jp->p < jp->end && *jp->p == close) {
		jp->p++;
		return 0;
	}
	for (;;) {
		const char *key = NULL;
		size_t keylen = 0;
		int child;

		jp_ws(jp);
		if (object) {
			if (jp->p >= jp->end || *jp->p != '"')
				return -1;
			jp->p++;
			if (jp_string(jp, &key, &keylen) < 0)
				return -1;
			jp_ws(jp);
			if (jp->p >= jp->end || *jp->p != ':')
				return -1;
			jp->p++;
		}
		child = jp_value(jp);
		if (child < 0)
			return -1;
		jp->nodes[child].key = key;
		jp->nodes[child].keylen = keylen;
		if (last < 0)
			jp->nodes[node].first = child;
		else
			jp->nodes[last].next = child;
		last = child;
		jp_ws(jp);
		if (jp->p < jp->end && *jp->p == ',') {
			jp->p++;
			continue;
		}
		if (jp->p < jp->end && *jp->p == close) {
			jp->p++;
			return 0;
		}
		return -1;
	}
}

/* Parse one value; its node index, or -1. */
static int jp_value(struct jparser *jp)
{
	struct jnode *nd;
	int i;

	jp_ws(jp);
	if (jp->p >= jp->end || jp->n >= WEB_MAX_NODES || jp->depth > 32)
		return -1;
	i = jp->n++;
	nd = &jp->nodes[i];
	memset(nd, 0, sizeof *nd);
	nd->first = nd->next = -1;
	switch (*jp->p) {
	case '{':
	case '[': {
		bool obj = *jp->p == '{';
		int rc;

		nd->type = obj ? J_OBJ : J_ARR;
		jp->p++;
		jp->depth++;
		rc = jp_children(jp, i, obj ? '}' : ']', obj);
		jp->depth--;
		return rc < 0 ? -1 : i;
	}
	case '"':
		nd->type = J_STR;
		jp->p++;
		return jp_string(jp, &nd->str, &nd->len) < 0 ? -1 : i;
	case 't':
	case 'f':
	case 'n':
		nd->type = *jp->p == 'n' ? J_NULL : J_BOOL;
		nd->num = *jp->p == 't';
		while (jp->p < jp->end && *jp->p >= 'a' && *jp->p <= 'z')
			jp->p++;
		return i;
	default: {
		char tmp[48];
		size_t k = 0;

		while (jp->p < jp->end && k + 1 < sizeof tmp && strchr("+-.eE0123456789", *jp->p))
			tmp[k++] = *jp->p++;
		if (k == 0)
			return -1;
		tmp[k] = '\0';
		nd->type = J_NUM;
		nd->num = strtod(tmp, NULL);
		return i;
	}
	}
}

static const struct jnode *jp_get(const struct jparser *jp, const struct jnode *obj, const char *key)
{
	size_t kl = strlen(key);

	for (int c = obj ? obj->first : -1; c >= 0; c = jp->nodes[c].next)
		if (jp->nodes[c].keylen == kl && memcmp(jp->nodes[c].key, key, kl) == 0)
			return &jp->nodes[c];
	return NULL;
}

/* Append a JSON string to out (escaping quotes, backslashes and controls). */
static size_t put_jstr(char *out, size_t at, size_t cap, const char *s, size_t n)
{
	if (at < cap)
		out[at++] = '"';
	for (size_t i = 0; i < n && at + 7 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			out[at++] = '\\';
			out[at++] = (char)c;
		} else if (c < 0x20) {
			at += (size_t)snprintf(out + at, cap - at, "\\u%04x", c);
		} else {
			out[at++] = (char)c;
		}
	}
	if (at < cap)
		out[at++] = '"';
	return at;
}

uint64_t replay_kernel_web(const char *doc, size_t len)
{
	static _Thread_local struct jparser jp;
	char out[4096];
	size_t at = 0;
	const struct jnode *root, *items, *id;
	double total = 0;
	int count = 0;

	jp.p = doc;
	jp.end = doc + len;
	jp.n = 0;
	jp.used = 0;
	jp.depth = 0;
	if (jp_value(&jp) != 0)
		return 0;
	root = &jp.nodes[0];
	id = jp_get(&jp, root, "id");
	items = jp_get(&jp, root, "items");
	at += (size_t)snprintf(out + at, sizeof out - at, "{\"order\":");
	at = put_jstr(out, at, sizeof out, id ? id->str : "", id ? id->len : 0);
	at += (size_t)snprintf(out + at, sizeof out - at, ",\"lines\":[");
	for (int c = items ? items->first : -1; c >= 0 && at < sizeof out - 256; c = jp.nodes[c].next) {
		const struct jnode *it = &jp.nodes[c];
		const struct jnode *name = jp_get(&jp, it, "name");
		const struct jnode *qty = jp_get(&jp, it, "qty");
		const struct jnode *price = jp_get(&jp, it, "price");
		double q = qty ? qty->num : 0, pr = price ? price->num : 0;
		char line[160];
		int n;

		n = snprintf(line, sizeof line, "%g x %.*s @ %.2f = %.2f", q,
			     name ? (int)name->len : 0, name ? name->str : "", pr, q * pr);
		if (count++)
			out[at++] = ',';
		at = put_jstr(out, at, sizeof out, line, n > 0 ? (size_t)n : 0);
		total += q * pr;
	}
	if (at < sizeof out - 64)
		at += (size_t)snprintf(out + at, sizeof out - at, "],\"count\":%d,\"total\":%.2f}",
				       count, total);
	return (uint64_t)at;
}

/* ---- compute -------------------------------------------------------------- */

uint64_t replay_kernel_compute(void)
{
	static _Thread_local double a[1000];
	static _Thread_local bool ready;
	struct { uint32_t key; uint32_t val; bool used; } map[512];
	double acc = 0;
	uint32_t h = 2166136261u;
	uint64_t sum = 0;

	if (!ready) {
		for (int i = 0; i < 1000; i++)
			a[i] = i * 0.001;
		ready = true;
	}
	for (int i = 0; i < 1000; i++) {
		double x = a[i];

		acc = acc * 0.5 + x * x * 3.0 + x * 2.0 + 1.0;
		h = (h ^ (uint32_t)i) * 16777619u;
	}
	memset(map, 0, sizeof map);
	for (uint32_t k = 0; k < 200; k++) {
		uint32_t key = k * 7919u, s = (key * 2654435761u) >> 23;

		while (map[s].used && map[s].key != key)
			s = (s + 1) & 511;
		map[s].used = true;
		map[s].key = key;
		map[s].val = k;
	}
	for (uint32_t k = 0; k < 200; k++) {
		uint32_t key = k * 7919u, s = (key * 2654435761u) >> 23;

		while (map[s].used && map[s].key != key)
			s = (s + 1) & 511;
		sum += map[s].val;
	}
	return (uint64_t)(long long)acc ^ h ^ sum;
}

/* ---- native: SHA-256 (FIPS 180-4) ----------------------------------------- */

static const uint32_t sha_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha_block(uint32_t st[8], const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, h;

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
			      sha_k[i] + w[i];
		uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));

		h = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	st[0] += a, st[1] += b, st[2] += c, st[3] += d;
	st[4] += e, st[5] += f, st[6] += g, st[7] += h;
}

void replay_sha256(const void *data, size_t len, unsigned char out[32])
{
	uint32_t st[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
			   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	const unsigned char *p = data;
	unsigned char tail[128];
	size_t full = len / 64 * 64, rest = len - full, tl;
	uint64_t bits = (uint64_t)len * 8;

	for (size_t i = 0; i < full; i += 64)
		sha_block(st, p + i);
	memset(tail, 0, sizeof tail);
	if (rest)
		memcpy(tail, p + full, rest);
	tail[rest] = 0x80;
	tl = rest + 1 + 8 <= 64 ? 64 : 128;
	for (int i = 0; i < 8; i++)
		tail[tl - 1 - i] = (unsigned char)(bits >> (8 * i));
	for (size_t i = 0; i < tl; i += 64)
		sha_block(st, tail + i);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(st[i] >> 24);
		out[4 * i + 1] = (unsigned char)(st[i] >> 16);
		out[4 * i + 2] = (unsigned char)(st[i] >> 8);
		out[4 * i + 3] = (unsigned char)st[i];
	}
}

uint64_t replay_kernel_native(void)
{
	static _Thread_local unsigned char buf[4096];
	static _Thread_local bool ready;
	unsigned char md[32];

	if (!ready) {
		/* The fixed buffer: byte i is i mod 251 (kernels.md). */
		for (size_t i = 0; i < sizeof buf; i++)
			buf[i] = (unsigned char)(i % 251);
		ready = true;
	}
	replay_sha256(buf, sizeof buf, md);
	return md[0] | (uint64_t)md[1] << 8;
}

/* ---- calibration ---------------------------------------------------------- */

static volatile uint64_t kernel_sink;

static uint64_t run_kernel(int k, const char *doc, size_t len)
{
	switch (k) {
	case KERNEL_WEB:
		return replay_kernel_web(doc, len);
	case KERNEL_COMPUTE:
		return replay_kernel_compute();
	default:
		return replay_kernel_native();
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Each kernel in batches of at least 2 ms, 7 batches, the median of the
 * microseconds per iteration: about 50 ms in all.
 */
void replay_kernels_measure(const char *doc, size_t len, double us[KERNEL__COUNT])
{
	if (doc == NULL) {
		doc = replay_order_json;
		len = strlen(replay_order_json);
	}
	for (int k = 0; k < KERNEL__COUNT; k++) {
		double per[7];
		long n = 1;
		uint64_t sink = 0;

		/* size the batch */
		for (;;) {
			double t0 = replay_now(), dt;

			for (long i = 0; i < n; i++)
				sink += run_kernel(k, doc, len);
			dt = replay_now() - t0;
			if (dt >= 0.002 || n >= (1L << 24))
				break;
			n *= 2;
		}
		for (int r = 0; r < 7; r++) {
			double t0 = replay_now();

			for (long i = 0; i < n; i++)
				sink += run_kernel(k, doc, len);
			per[r] = (replay_now() - t0) * 1e6 / (double)n;
		}
		kernel_sink += sink;
		qsort(per, 7, sizeof per[0], cmp_double);
		us[k] = probe_round(per[3]);
	}
}

static long iterations(double ms, double share, double us)
{
	double n = us > 0 ? ms * 1000.0 * share / us : 0;

	if (!(n > 0))
		return 0;
	return n > 1e6 ? 1000000 : lround(n);
}

struct replay_shares replay_default_shares(const char *kind)
{
	if (kind && strcmp(kind, "io") == 0)
		return (struct replay_shares){ 1.0, 0.0, 0.0 };
	if (kind && strcmp(kind, "cpu") == 0)
		return (struct replay_shares){ 0.0, 0.7, 0.3 };
	return (struct replay_shares){ 0.5, 0.3, 0.2 };
}

double replay_calibrate(double cpu_ms, const struct replay_shares *sh,
			const double us[KERNEL__COUNT], long *web, long *compute, long *native)
{
	*web = iterations(cpu_ms, sh->web, us[KERNEL_WEB]);
	*compute = iterations(cpu_ms, sh->compute, us[KERNEL_COMPUTE]);
	*native = iterations(cpu_ms, sh->native, us[KERNEL_NATIVE]);
	return ((double)*web * us[KERNEL_WEB] + (double)*compute * us[KERNEL_COMPUTE] +
		(double)*native * us[KERNEL_NATIVE]) / 1000.0;
}
