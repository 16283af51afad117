#!/bin/sh
# SIGINT (and SIGTERM) in the middle of `advisor probe --budget 5 -o out.json`
# kills and reaps every probe process, writes no out.json, removes its
# scratch directory and exits 130 (143).
set -u
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/tmp"
fail=0

descendants() {
	# every process below pid $1, from ps's parent links
	ps -eo pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			for (p in parent) {
				q = p
				while (q in parent && q != root && q > 1) q = parent[q]
				if (q == root && p != root) print p
			}
		}'
}

for sig in INT TERM; do
	want=130
	[ $sig = TERM ] && want=143
	TMPDIR="$work/tmp" $ADVISOR probe --budget 5 -q -o "$work/out.json" &
	pid=$!
	# Wait until a probe process is running: between two probes there is
	# none, so look again every 0.1 s (at most 3 s) rather than once.
	sleep 1
	kids=$(descendants $pid)
	tries=0
	while [ -z "$kids" ] && [ $tries -lt 30 ]; do
		sleep 0.1
		kids=$(descendants $pid)
		tries=$((tries + 1))
	done
	if [ -z "$kids" ]; then
		echo "SIG$sig: no probe process was running within 4 s"
		fail=1
	fi
	kill -$sig $pid
	wait $pid
	rc=$?
	if [ $rc -ne $want ]; then
		echo "SIG$sig: exit $rc, expected $want"
		fail=1
	fi
	sleep 0.2
	for k in $kids; do
		if kill -0 "$k" 2>/dev/null; then
			echo "SIG$sig: process $k left behind: $(ps -o pid=,stat=,args= -p "$k")"
			fail=1
		fi
	done
	if [ -e "$work/out.json" ]; then
		echo "SIG$sig: out.json was written"
		fail=1
	fi
	if [ -n "$(ls -A "$work/tmp")" ]; then
		echo "SIG$sig: scratch left in TMPDIR: $(ls -A "$work/tmp")"
		fail=1
	fi
	ls -A "$work" | grep -q '^\.advisor-' && { echo "SIG$sig: temporary output left"; fail=1; }
done
exit $fail
