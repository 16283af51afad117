#!/bin/sh
# -o writes the JSON file atomically and prints nothing on stdout; --only
# runs just the probes asked for; --quiet silences the progress lines.
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
$ADVISOR probe --budget 0.5 --only thread.spawn,gil -o "$work/p.json" >"$work/stdout" 2>"$work/stderr"
rc=$?
[ $rc -eq 0 ] || { echo "exit $rc"; cat "$work/stderr"; fail=1; }
[ -s "$work/stdout" ] && { echo "stdout not empty with -o"; fail=1; }
grep -q 'thread.spawn' "$work/stderr" || { echo "no progress line on stderr"; fail=1; }
python3 - "$work/p.json" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
names = [r["name"] for r in d["results"]] + [s["name"] for s in d["skipped"]]
want = ["thread.spawn", "gil.speedup.short_hold", "gil.speedup.long_hold"]
if names != want:
    print("probes run:", names, "expected", want)
    sys.exit(1)
PY
$ADVISOR -q probe --budget 0.5 --only coro.switch --json >"$work/stdout" 2>"$work/stderr"
[ -s "$work/stderr" ] && { echo "stderr not empty with -q"; cat "$work/stderr"; fail=1; }
grep -q '"coro.switch"' "$work/stdout" || { echo "no JSON on stdout"; fail=1; }
exit $fail
