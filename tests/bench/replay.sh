# Section "replay": replay's load generator against wrk (Debian's wrk
# package), both run now, in turn, on the same server: the stand-in stub
# (tests/fixtures/replay/stub.js on one Node.js event loop) serving the
# same request over the same number of keep-alive connections.  Our
# generator runs closed loop here, as wrk does, so that both measure the
# server's maximum rate; the ratio should stay within 0.8..1.25.
#   fidelity replay.max_rps ours=RPS wrk=RPS ratio=OURS/WRK (...)
bench_replay() {
	bin=$(dirname "$ADVISOR")/bench/bench_replay
	root=$(cd "$here/../.." && pwd)
	conns=16
	secs=2		# wrk takes whole seconds
	rounds=4
	path='/r?web=20&compute=20&native=5&io_us=0'
	if [ ! -x "$bin" ]; then
		echo "replay: $bin is not built (make bench builds it)"
		return 1
	fi
	if ! command -v node >/dev/null 2>&1; then
		echo "fidelity replay.max_rps: node is not installed; no server to measure"
		return 0
	fi
	if ! command -v wrk >/dev/null 2>&1; then
		sudo=""
		[ "$(id -u)" -eq 0 ] || sudo=sudo
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null 2>&1 ||
			echo "bench: cannot install wrk"
	fi
	mkfifo "$work/stub.out"
	node "$root/tests/fixtures/replay/stub.js" --model event-loop >"$work/stub.out" 2>/dev/null &
	stub=$!
	read -r word port <"$work/stub.out"
	if [ "$word" != LISTENING ]; then
		echo "fidelity replay.max_rps: the stub did not start"
		kill $stub 2>/dev/null
		return 1
	fi
	: >"$work/ours.rps"
	: >"$work/wrk.rps"
	: >"$work/pair.ratio"
	# warm the server up, then alternate so that drift (and other work on
	# the machine) hits both alike; the ratio is the median of the pairs'
	"$bin" "$port" "$conns" 1 "$path" >/dev/null
	i=0
	while [ $i -lt $rounds ]; do
		i=$((i + 1))
		o1=$("$bin" "$port" "$conns" "$secs" "$path" | awk '{ print $1 }')
		echo "$o1" >>"$work/ours.rps"
		if command -v wrk >/dev/null 2>&1; then
			w1=$(wrk -t 1 -c "$conns" -d "${secs}s" "http://127.0.0.1:$port$path" 2>/dev/null |
				awk '/^Requests\/sec:/ { print $2 }')
			echo "$w1" >>"$work/wrk.rps"
			[ -n "$o1" ] && [ -n "$w1" ] &&
				awk -v a="$o1" -v b="$w1" 'BEGIN { if (b > 0) print a / b }' >>"$work/pair.ratio"
		fi
	done
	kill $stub 2>/dev/null
	wait $stub 2>/dev/null
	o=$(median <"$work/ours.rps")
	w=$(median <"$work/wrk.rps")
	if [ -z "$w" ] || [ "$w" = nan ]; then
		echo "fidelity replay.max_rps ours=$o wrk=none: wrk not available"
		return 0
	fi
	ratio=$(median <"$work/pair.ratio" | awk '{ printf "%.2f", $1 }')
	echo "fidelity replay.max_rps ours=$o wrk=$w ratio=$ratio (closed loop, $conns connections, ${secs} s x$rounds each in turn, same stub server, wrk -t 1; ratio: median of the pairs)"
	awk -v r="$ratio" 'BEGIN { exit !(r >= 0.8 && r <= 1.25) }' ||
		echo "    outside the 0.8..1.25 target"
	bench_replay_calibration
}

# The capacity model against replay (docs/method.md, "Measured by replay"):
# replay run now on a profile, then for each candidate it measured the
# capacity model's maximum rate per instance at the p99 budget on this
# machine's cores, computed without the replay (knowledge and microprobes
# only), beside the rate replay measured:
#   calibration RUNTIME/MODEL predicted=RPS measured=RPS ratio=P/M
#   calibration error n=N median=X worst=Y (...)
# CALIBRATION_PROFILES and CALIBRATION_BUDGET override the defaults.
bench_replay_calibration() {
	root=$(cd "$here/../.." && pwd)
	bin=$(dirname "$ADVISOR")/bench/bench_calibration
	budget=${CALIBRATION_BUDGET:-60}
	profiles=${CALIBRATION_PROFILES:-"$root/tests/scenarios/chat-gateway-io.yaml $root/tests/fixtures/replay/cpu.yaml"}
	if [ ! -x "$bin" ]; then
		echo "calibration: $bin is not built (make bench builds it)"
		return 1
	fi
	for prof in $profiles; do
		name=$(basename "$prof" .yaml)
		echo "calibration profile $name (replay --budget $budget)"
		if ! "$ADVISOR" probe --replay "$prof" --budget "$budget" -q -o "$work/cal-$name.json"; then
			echo "calibration $name: probe --replay failed"
			continue
		fi
		"$bin" "$root" "$prof" "$work/cal-$name.json" || echo "calibration $name: failed"
	done
}
