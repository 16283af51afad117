#!/bin/sh
# Benchmarks: `make bench` runs `sh tests/bench/run.sh build/advisor`.
#
# Each section is a shell function bench_NAME, run in the order of the
# SECTIONS list at the bottom; a new section (rules speed, ...) is one more
# function and one more word in that list, or a file tests/bench/NAME.sh
# that defines bench_NAME (every such file is sourced).
#
# Section "probes" measures our probes and established tools side by side,
# one line per compared figure:
#   fidelity NAME ours=VALUE ref=VALUE ratio=OURS/REF (REFERENCE COMMAND)
# each followed by an indented line with both medians and spreads, then
#   suite ours_s=SECONDS refs_s=SECONDS
# the wall time of our probes and of the reference tools for the same
# figures.  Missing tools are installed with apt-get (through sudo when not
# root); a tool that cannot be installed gives a line saying so.
set -u
ADVISOR=${1:-build/advisor}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

now() { date +%s.%N; }

# median, MAD, min, max and count of the numbers on stdin, one a line
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
stats() {
	f=$(mktemp)
	sort -g >"$f"
	if [ ! -s "$f" ]; then
		rm -f "$f"
		echo "nan nan nan nan 0"
		return
	fi
	med=$(median <"$f")
	mad=$(awk -v m="$med" '{ d = $1 - m; print d < 0 ? -d : d }' "$f" | median)
	printf '%.6g %.6g %.6g %.6g %d\n' "$med" "$mad" "$(head -n 1 "$f")" "$(tail -n 1 "$f")" "$(wc -l <"$f")"
	rm -f "$f"
}

# Install the Debian packages that provide the missing commands.
ensure_tools() {
	missing=""
	command -v perf >/dev/null 2>&1 || missing="$missing linux-perf"
	command -v stress-ng >/dev/null 2>&1 || missing="$missing stress-ng"
	command -v sysbench >/dev/null 2>&1 || missing="$missing sysbench"
	command -v cyclictest >/dev/null 2>&1 || missing="$missing rt-tests"
	command -v taskset >/dev/null 2>&1 || missing="$missing util-linux"
	[ -n "$missing" ] || return 0
	echo "bench: installing$missing"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	export DEBIAN_FRONTEND=noninteractive
	for p in $missing; do
		$sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 ||
			{ $sudo apt-get update -qq >/dev/null 2>&1 &&
			  $sudo apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1; } ||
			echo "bench: cannot install $p"
	done
}

# ours NAME -> "median mad min max samples" from the probe JSON
ours() {
	awk -v want="$1" '
		/"name":/ { gsub(/[",]/, "", $2); name = $2 }
		name == want && /"(median|mad|min|max|samples)":/ {
			k = $1; gsub(/[":]/, "", k); v = $2; gsub(/,/, "", v); f[k] = v
		}
		END { if ("median" in f) print f["median"], f["mad"], f["min"], f["max"], f["samples"] }
	' "$work/ours.json"
}

# fidelity NAME "OURS_STATS" "REF_STATS" "COMMAND"
fidelity() {
	set -- "$1" "$2" "$3" "$4"
	o_med=${2%% *}
	r_med=${3%% *}
	if [ -z "$2" ]; then
		echo "fidelity $1: our probe gave no figure (see $work/ours.json)"
		return
	fi
	if [ -z "$3" ] || [ "$r_med" = nan ]; then
		echo "fidelity $1 ours=$o_med ref=none: reference tool not available ($4)"
		return
	fi
	ratio=$(awk -v a="$o_med" -v b="$r_med" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
	echo "fidelity $1 ours=$o_med ref=$r_med ratio=$ratio ($4)"
	echo "$2" "$3" | awk '{ printf "    ours median %s mad %s range %s..%s n=%s; ref median %s mad %s range %s..%s n=%s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
}

# context NAME "OURS_STATS" "REF_STATS" "COMMAND": a comparison with a tool
# that measures more than our probe does; shown, not a fidelity figure.
context() {
	o_med=${2%% *}
	r_med=${3%% *}
	if [ -z "$2" ] || [ -z "$3" ] || [ "$r_med" = nan ]; then
		return
	fi
	ratio=$(awk -v a="$o_med" -v b="$r_med" 'BEGIN { printf "%.2f", b ? a / b : 0 }')
	echo "context $1 ours=$o_med tool=$r_med ratio=$ratio ($4)"
}

have() { command -v "$1" >/dev/null 2>&1; }

bench_probes() {
	ensure_tools
	ncpu=$(nproc)
	# --- ours: the compared probes in one run ---
	t0=$(now)
	$ADVISOR probe --quiet --json --budget 3 -o "$work/ours.json" \
		--only thread.spawn,thread.rtt.same_core,process.rtt.same_core,process.fork,coro.switch,thread.speedup,process.speedup,loop.events_per_s \
		|| { echo "bench: advisor probe failed"; return 1; }
	ours_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')

	# --- references ---
	t0=$(now)
	: >"$work/ref.pipeT"
	: >"$work/ref.pipe"
	if have perf && have taskset; then
		for i in 1 2 3 4 5; do
			taskset -c 0 perf bench sched pipe -T -l 40000 2>/dev/null |
				awk '/usecs\/op/ { print $1 }' >>"$work/ref.pipeT"
			taskset -c 0 perf bench sched pipe -l 40000 2>/dev/null |
				awk '/usecs\/op/ { print $1 }' >>"$work/ref.pipe"
		done
	fi
	# fork+exit+wait and pthread create+join timed by a small program that
	# shares no code with advisor, run now beside our probes (five runs).
	: >"$work/ref.bare_fork"
	: >"$work/ref.bare_spawn"
	: >"$work/ref.swapcontext"
	refbin=$(dirname "$ADVISOR")/bench/ref_spawn
	if [ -x "$refbin" ]; then
		for i in 1 2 3 4 5; do
			"$refbin" >"$work/ref.one" 2>/dev/null || continue
			awk '$1 == "fork_us" { print $2 }' "$work/ref.one" >>"$work/ref.bare_fork"
			awk '$1 == "spawn_us" { print $2 }' "$work/ref.one" >>"$work/ref.bare_spawn"
			awk '$1 == "swapcontext_ns" { print $2 }' "$work/ref.one" >>"$work/ref.swapcontext"
		done
	fi
	: >"$work/ref.fork"
	: >"$work/ref.pthread"
	if have stress-ng; then
		for i in 1 2 3; do
			# bogo ops/s in real time -> microseconds per fork+exit+wait
			stress-ng --fork 1 --fork-max 1 --fork-ops 1500 --metrics-brief 2>&1 |
				awk '/metrc:.* fork / { print 1e6 / $(NF - 1) }' >>"$work/ref.fork"
			stress-ng --pthread 1 --pthread-max 1 --pthread-ops 2000 --metrics-brief 2>&1 |
				awk '/metrc:.* pthread +[0-9]+ +[0-9.]+ / { print 1e6 / $(NF - 1) }' >>"$work/ref.pthread"
		done
	fi
	# Speed-up reference, measured now (never a recorded figure): five
	# runs, so that one or two runs disturbed by another process do not set
	# the median.
	: >"$work/ref.speedup"
	if have sysbench; then
		for i in 1 2 3 4 5; do
			one=$(sysbench cpu --threads=1 --time=1 run 2>/dev/null | awk '/events per second/ { print $4 }')
			all=$(sysbench cpu --threads="$ncpu" --time=1 run 2>/dev/null | awk '/events per second/ { print $4 }')
			[ -n "$one" ] && [ -n "$all" ] && awk -v a="$all" -v b="$one" 'BEGIN { print a / b }' >>"$work/ref.speedup"
		done
	fi
	: >"$work/ref.epoll"
	if have perf; then
		for i in 1 2; do
			perf bench epoll wait -t 1 -r 1 2>/dev/null |
				awk '/Averaged/ { print $2 }' >>"$work/ref.epoll"
		done
	fi
	refs_s=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')

	fidelity thread.rtt.same_core "$(ours thread.rtt.same_core)" "$(stats <"$work/ref.pipeT")" \
		"taskset -c 0 perf bench sched pipe -T -l 40000, usecs/op, 5 runs"
	fidelity process.rtt.same_core "$(ours process.rtt.same_core)" "$(stats <"$work/ref.pipe")" \
		"taskset -c 0 perf bench sched pipe -l 40000, usecs/op, 5 runs"
	# No packaged tool times a bare fork+exit+wait or pthread create+join:
	# stress-ng's fork and pthread stressors do more per operation (see the
	# context lines).  The fidelity lines compare with tests/bench/ref_spawn.c,
	# a plain loop around the same system calls run in this bench run.
	fidelity process.fork "$(ours process.fork)" "$(stats <"$work/ref.bare_fork")" \
		"tests/bench/ref_spawn.c: fork+_exit+waitpid median, 5 runs of 400, run now"
	fidelity thread.spawn "$(ours thread.spawn)" "$(stats <"$work/ref.bare_spawn")" \
		"tests/bench/ref_spawn.c: pthread create+join across two CPUs, 5 runs of 400, run now"
	context process.fork "$(ours process.fork)" "$(stats <"$work/ref.fork")" \
		"stress-ng --fork 1 --fork-max 1: its child also calls setsid, vhangup, prctl"
	context thread.spawn "$(ours thread.spawn)" "$(stats <"$work/ref.pthread")" \
		"stress-ng --pthread 1 --pthread-max 1: each op also signals and waits on a condvar"
	fidelity thread.speedup "$(ours thread.speedup)" "$(stats <"$work/ref.speedup")" \
		"sysbench cpu --threads=$ncpu vs --threads=1, events/s ratio, 5 runs"
	fidelity process.speedup "$(ours process.speedup)" "$(stats <"$work/ref.speedup")" \
		"sysbench cpu --threads=$ncpu vs --threads=1, events/s ratio, 5 runs (same CPU scaling; workers forked before timing)"
	fidelity loop.events_per_s "$(ours loop.events_per_s)" "$(stats <"$work/ref.epoll")" \
		"perf bench epoll wait -t 1 -r 1, operations/sec, 2 runs"
	# No packaged tool times a register-only user-space switch, and a
	# recorded figure is no reference: glibc's swapcontext, timed now, is
	# shown as context (it makes a sigprocmask system call at every switch).
	context coro.switch "$(ours coro.switch)" "$(stats <"$work/ref.swapcontext")" \
		"tests/bench/ref_spawn.c: glibc swapcontext, which also makes a system call per switch"
	echo "suite ours_s=$ours_s refs_s=$refs_s"
}

for f in "$here"/*.sh; do
	[ "$f" = "$here/run.sh" ] || . "$f"
done

SECTIONS="probes"
# Sections defined in other files are run after the built-in ones.
for f in "$here"/*.sh; do
	[ "$f" = "$here/run.sh" ] || SECTIONS="$SECTIONS $(basename "$f" .sh)"
done

# BENCH_ONLY="probes load" runs just those sections.
SECTIONS=${BENCH_ONLY:-$SECTIONS}
rc=0
for s in $SECTIONS; do
	echo "== bench $s"
	"bench_$s" || rc=1
done
exit $rc
