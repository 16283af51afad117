#!/bin/sh
# Under `taskset -c 0` the fingerprint says one usable CPU beside the
# host's cores, and the cross-core round trips are skipped with a reason.
set -u
command -v taskset >/dev/null 2>&1 || { echo "taskset not installed"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
taskset -c 0 $ADVISOR probe --only thread.speedup,thread.rtt.cross_core,process.rtt.cross_core \
	--budget 1 --json -q -o "$work/p.json" || { echo "probe failed"; exit 1; }
python3 - "$work/p.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
fp = p["fingerprint"]
ok = fp.get("usable_cpus") == 1 and fp["cores"] >= 1
skips = {s["name"]: s["reason"] for s in p.get("skipped", [])}
for n in ("thread.rtt.cross_core", "process.rtt.cross_core"):
    if "only one CPU is allowed" not in skips.get(n, ""):
        print("not skipped with a reason:", n, skips.get(n)); ok = False
if not ok:
    print("fingerprint:", fp)
sys.exit(0 if ok else 1)
PY
