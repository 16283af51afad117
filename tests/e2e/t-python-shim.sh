#!/bin/sh
# A python3 behind a slow shim (a shell script that sleeps 0.35 s, as
# pyenv's does while it chooses an interpreter, then runs the real one) is
# measured anyway: the runtime probes' Python figures are taken at
# --budget 10 (the shim is resolved once to sys.executable and the
# interpreter's start-up is kept out of every slot), and replay serves
# Python through the real executable, not the shim.
set -u
case "$ADVISOR" in *valgrind*) exit 0 ;; esac
real=$(command -v python3) || { echo "python3 not installed: shim test not run"; exit 0; }
real=$("$real" -c 'import sys; print(sys.executable)')
[ -x "$real" ] || { echo "no real python3 to put behind the shim"; exit 0; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin" "$work/tmp"
printf '#!/bin/sh\nsleep 0.35\nexec %s "$@"\n' "$real" >"$work/bin/python3"
chmod +x "$work/bin/python3"
fail=0
PATH="$work/bin:$PATH" TMPDIR="$work/tmp" $ADVISOR probe --only runtime.python --budget 10 \
	-o "$work/rt.json" 2>"$work/rt.err" || { echo "probe failed"; cat "$work/rt.err"; exit 1; }
python3 - "$work/rt.json" <<'PY' || { cat "$work/rt.err"; fail=1; }
import json, sys
r = json.load(open(sys.argv[1]))
got = {x["name"]: x for x in r["results"]}
ok = True
for name in ["runtime.python.threads_speedup", "runtime.python.process_speedup"]:
    x = got.get(name)
    if x is None or x["samples"] < 3:
        print("not measured behind the shim:", name, x,
              [s for s in r.get("skipped", []) if s["name"] == name]); ok = False
sys.exit(0 if ok else 1)
PY
# replay: the Python event loop alone, from a manifest with absolute paths
awk -v src="$ADVISOR_SRCDIR/probes/replay" '
/^  - runtime: python/ { n++ }
/^  - runtime:/ { keep = (n == 1 && $3 == "python") }
/^candidates:/ { print; next }
keep { gsub(/\{src\}/, src); print }' "$ADVISOR_SRCDIR/probes/replay/manifest.yaml" >"$work/manifest.yaml"
PATH="$work/bin:$PATH" TMPDIR="$work/tmp" $ADVISOR probe --replay \
	"$ADVISOR_SRCDIR/tests/fixtures/replay/profile.yaml" --manifest "$work/manifest.yaml" \
	--only thread.spawn --budget 8 -q -o "$work/replay.json" ||
	{ echo "probe --replay failed"; exit 1; }
python3 - "$work/replay.json" "$real" <<'PY' || fail=1
import json, sys
r = json.load(open(sys.argv[1]))["replay"]
c = r["candidates"]
ok = len(c) == 1 and c[0]["runtime"] == "python" and c[0]["status"] == "measured"
if not ok:
    print("python not measured behind the shim:", c)
elif not (c[0].get("command") or "").startswith(sys.argv[2]):
    print("served through", c[0].get("command"), "not the real", sys.argv[2]); ok = False
sys.exit(0 if ok else 1)
PY
[ -z "$(ls -A "$work/tmp")" ] || { echo "scratch left: $(ls -A "$work/tmp")"; fail=1; }
exit $fail
