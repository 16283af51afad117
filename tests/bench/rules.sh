# Section "rules": 10,000 generated rules evaluated on one profile
# (tests/bench/bench_rules.c), against a goal of 100 ms.
bench_rules() {
	bin=$(dirname "$ADVISOR")/bench/bench_rules
	if [ ! -x "$bin" ]; then
		echo "rules: $bin is not built (make bench builds it)"
		return 1
	fi
	"$bin" "$(cd "$here/../.." && pwd)" 10000
}
