/*
 * Starter profiles for `advisor init`.  Each is a complete, commented
 * profile that passes `advisor check`; the comments double as a short
 * field reference for someone filling one in for the first time.
 */
#include "templates.h"

#include <string.h>

static const char web_api[] =
	"# advisor project profile (docs/profile.md describes every field).\n"
	"# Check it with: advisor check THIS_FILE\n"
	"version: 1\n"
	"project:\n"
	"  name: Orders API\n"
	"  description: >\n"
	"    A REST API that validates orders and fans out to a few internal\n"
	"    services and a database.\n"
	"workload:\n"
	"  kind: io                   # io | cpu | mixed\n"
	"  peak_concurrency: 2000     # in-flight requests or open connections at peak\n"
	"  requests_per_second: 1500  # at peak\n"
	"  cpu_ms_per_request: 2      # CPU time one request costs, in ms\n"
	"  io_wait_fraction: 0.85     # share of a request's life spent waiting on I/O\n"
	"  latency_p99_ms: 200        # the p99 latency budget\n"
	"  traits: [rest-api]         # rest-api websocket streaming batch etl ...\n";

static const char cpu_batch[] =
	"# advisor project profile (docs/profile.md describes every field).\n"
	"# Check it with: advisor check THIS_FILE\n"
	"version: 1\n"
	"project:\n"
	"  name: Nightly report builder\n"
	"  description: >\n"
	"    Parses large CSV exports and renders PDF reports in a nightly batch.\n"
	"workload:\n"
	"  kind: cpu                  # io | cpu | mixed\n"
	"  peak_concurrency: 16       # jobs in flight at once\n"
	"  requests_per_second: 20    # jobs per second at peak\n"
	"  cpu_ms_per_request: 400    # CPU time one job costs, in ms\n"
	"  io_wait_fraction: 0.1\n"
	"  latency_p99_ms: 5000\n"
	"  traits: [batch, csv-processing, pdf-reports]\n";

static const char ml_service[] =
	"# advisor project profile (docs/profile.md describes every field).\n"
	"# Check it with: advisor check THIS_FILE\n"
	"version: 1\n"
	"project:\n"
	"  name: Recommendation service\n"
	"  description: >\n"
	"    Serves model predictions over HTTP; the model runs in a numpy and\n"
	"    PyTorch pipeline.\n"
	"workload:\n"
	"  kind: mixed                # io | cpu | mixed\n"
	"  peak_concurrency: 300\n"
	"  requests_per_second: 200\n"
	"  cpu_ms_per_request: 15\n"
	"  io_wait_fraction: 0.4\n"
	"  latency_p99_ms: 300\n"
	"  traits: [rest-api, ml-inference]\n";

static const char streaming[] =
	"# advisor project profile (docs/profile.md describes every field).\n"
	"# Check it with: advisor check THIS_FILE\n"
	"version: 1\n"
	"project:\n"
	"  name: Telemetry stream\n"
	"  description: >\n"
	"    Ingests device telemetry over long-lived connections and streams\n"
	"    aggregates to subscribers.\n"
	"workload:\n"
	"  kind: io                   # io | cpu | mixed\n"
	"  peak_concurrency: 50000    # open connections at peak\n"
	"  requests_per_second: 20000 # messages per second\n"
	"  cpu_ms_per_request: 0.3\n"
	"  io_wait_fraction: 0.95\n"
	"  latency_p99_ms: 100\n"
	"  traits: [streaming, iot-ingest, websocket]\n";

static const char rest[] =
	"team:\n"
	"  size: 5\n"
	"  # 0 (none) .. 5 (expert), for: javascript python go java csharp rust\n"
	"  skills: {javascript: 3, python: 3, go: 1, java: 1, csharp: 0, rust: 0}\n"
	"  can_hire: [go]             # languages the team could hire for\n"
	"scaling:\n"
	"  strategy: machines         # cores | machines | both\n"
	"  instances: 2\n"
	"  deployment: kubernetes     # vm | kubernetes | serverless | edge | desktop\n"
	"constraints:\n"
	"  memory_mb_per_instance: 1024\n"
	"  # cold_start_ms: 500       # uncomment when start-up time matters\n"
	"  ecosystem: [web]           # ml data-science web enterprise systems wasm\n"
	"  exclude: []                # runtimes ruled out: node go python java dotnet rust\n"
	"priorities:                  # 0..5 each; how much each criterion matters\n"
	"  performance: 3\n"
	"  velocity: 3\n"
	"  team_fit: 4\n"
	"  ecosystem: 3\n"
	"  operations: 3\n"
	"# accept:                    # rules set aside, each with a written reason\n"
	"#   - rule: gil-limits-cpu-threads\n"
	"#     because: the CPU work runs in a C extension that releases the GIL\n";

const struct template_entry template_table[] = {
	{ "web-api", "an I/O-bound REST API", web_api },
	{ "cpu-batch", "CPU-heavy batch jobs (CSV, PDF)", cpu_batch },
	{ "ml-service", "a model-serving HTTP service", ml_service },
	{ "streaming", "many long-lived connections, streaming", streaming },
	{ NULL, NULL, NULL },
};

const char *template_rest(void)
{
	return rest;
}

const struct template_entry *template_find(const char *name)
{
	for (const struct template_entry *t = template_table; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}
