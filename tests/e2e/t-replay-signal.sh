#!/bin/sh
# SIGINT in the middle of `probe --replay`: advisor exits 130, writes
# nothing, and leaves no stub process, no listener on the ports the
# servers printed and no scratch folder.
set -u
command -v node >/dev/null 2>&1 || { echo "node not installed: replay stub not run"; exit 0; }
case "$ADVISOR" in *valgrind*) exit 0 ;; esac
fix="$ADVISOR_SRCDIR/tests/fixtures/replay"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
fail=0
TMPDIR="$work/tmp" $ADVISOR probe --replay "$fix/profile.yaml" --manifest "$fix/manifest.yaml" \
	--only thread.spawn --budget 20 -o "$work/out.json" 2>"$work/err" &
pid=$!
# wait until the cluster server (the second candidate) listens
tries=0
while ! grep -q 'stub/process-pool: listening' "$work/err" && [ $tries -lt 150 ]; do
	sleep 0.1
	tries=$((tries + 1))
done
grep -q 'stub/process-pool: listening' "$work/err" || { echo "the cluster never listened"; cat "$work/err"; fail=1; }
sleep 0.5
stubs=$(ps -eo pid=,args= | awk -v f="$fix/stub.js" 'index($0, f) { print $1 }')
[ -n "$stubs" ] || { echo "no stub process seen while running"; fail=1; }
kill -INT $pid
wait $pid
rc=$?
[ $rc -eq 130 ] || { echo "exit $rc, expected 130"; cat "$work/err"; fail=1; }
sleep 0.3
for s in $stubs; do
	if kill -0 "$s" 2>/dev/null; then
		echo "stub process $s left behind: $(ps -o pid=,args= -p "$s")"
		fail=1
	fi
done
for port in $(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/err"); do
	if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then
		echo "port $port still accepts connections"
		fail=1
	fi
	if command -v ss >/dev/null 2>&1 && ss -ltn | grep -q "127.0.0.1:$port "; then
		echo "port $port still listening"
		fail=1
	fi
done
[ ! -e "$work/out.json" ] || { echo "out.json written"; fail=1; }
[ -z "$(ls -A "$work/tmp")" ] || { echo "scratch left: $(ls -A "$work/tmp")"; fail=1; }
exit $fail
