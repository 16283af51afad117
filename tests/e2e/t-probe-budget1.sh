#!/bin/sh
# `advisor probe --budget 1 --json` yields every family with sane figures
# and finishes within the budget plus half a second (timing is not checked
# when $ADVISOR runs under valgrind: only the structure is).
set -u
out=$(mktemp)
err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
start=$(date +%s.%N)
$ADVISOR probe --budget 1 --json >"$out" 2>"$err"
rc=$?
end=$(date +%s.%N)
if [ $rc -ne 0 ]; then
	echo "exit $rc"; cat "$err"; exit 1
fi
slow=0
case "$ADVISOR" in *valgrind*) slow=1 ;; esac
python3 - "$out" "$start" "$end" "$slow" <<'PY'
import json, sys
path, start, end, slow = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4] == "1"
d = json.load(open(path))
bad = []
for k in ("cpu_model", "cores", "memory_mb", "kernel", "advisor_version", "taken_at"):
    if k not in d["fingerprint"]:
        bad.append("fingerprint lacks " + k)
if d["fingerprint"]["cores"] < 1:
    bad.append("cores < 1")
fams = {r["family"] for r in d["results"]}
for f in ("threads", "processes", "coroutines", "event-loop", "gil"):
    if f not in fams:
        bad.append("no result for family " + f + "; skipped: " + repr(d["skipped"]))
names = [r["name"] for r in d["results"]] + [s["name"] for s in d["skipped"]]
for n in ("thread.spawn", "thread.rtt.same_core", "thread.rtt.cross_core", "thread.mem_parked",
          "thread.speedup", "process.fork", "process.rtt.same_core", "process.rtt.cross_core",
          "process.mem_worker", "process.speedup", "coro.spawn", "coro.switch",
          "coro.mem_parked", "coro.speedup", "loop.events_per_s", "loop.timer_lag",
          "gil.speedup.short_hold", "gil.speedup.long_hold"):
    if n not in names:
        bad.append("probe missing: " + n)
for r in d["results"]:
    if not (r["min"] <= r["median"] <= r["max"]):
        bad.append(r["name"] + ": median not between min and max")
    if r["samples"] < 1:
        bad.append(r["name"] + ": no samples")
    if r["mad"] < 0 or not isinstance(r["noisy"], bool) or not 0 <= r["busy_other"] <= 1:
        bad.append(r["name"] + ": bad mad/noisy/busy_other")
    if r["unit"] == "x" and r["median"] <= 0:
        bad.append(r["name"] + ": speed-up not positive")
    if r["median"] <= 0 and r["name"] != "process.mem_worker":
        bad.append(r["name"] + ": figure not positive")
if not slow:
    if end - start > 1.5 + 0.3:
        bad.append("took %.2f s for a 1 s budget" % (end - start))
    if d["elapsed_s"] > 1.5:
        bad.append("elapsed_s %.2f over budget + 0.5" % d["elapsed_s"])
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
PY
