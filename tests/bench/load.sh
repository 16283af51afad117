# Section "load": inputs that used to cost quadratic time, each timed as
# whole runs of the CLI (median, MAD, range over a few runs), with a ratio
# against a smaller run of the same shape where that shows the scaling:
#   diag  an error at column 1,000,000, and ten of them (exit 2 expected)
#   keys  24 mappings of 4,096 keys against 1 (linear: about 24)
#   rules 'rules lint' on 100,000 rules against 10,000 (linear: about 10)
# Goal: every figure well under a second.

# time_runs N CMD...: N wall times in seconds, one a line
time_runs() {
	n=$1
	shift
	i=0
	while [ $i -lt "$n" ]; do
		t0=$(now)
		"$@" >/dev/null 2>&1
		awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.4f\n", b - a }'
		i=$((i + 1))
	done
}

# show NAME "STATS": one line with the median and its spread
show() {
	echo "$2" | awk -v name="$1" '{ printf "load %s median=%ss mad=%s range=%s..%s n=%s\n", name, $1, $2, $3, $4, $5 }'
}

ratio() {
	awk -v name="$1" -v a="${2%% *}" -v b="${3%% *}" -v want="$4" \
		'BEGIN { printf "ratio %s=%.1f (linear: about %s)\n", name, (b > 0 ? a / b : 0), want }'
}

# pad N: N characters of filler
pad() { awk -v n="$1" 'BEGIN { s = "xxxxxxxxxx"; while (length(s) < n) s = s s; printf "%s", substr(s, 1, n) }'; }

# rules DIR N: N small valid rules in files of 5,000
gen_rules() {
	mkdir -p "$1"
	awk -v dir="$1" -v n="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			if (i % 5000 == 0) {
				if (f) close(f)
				f = sprintf("%s/r%03d.yaml", dir, i / 5000)
				print "rules:" > f
			}
			printf "  - id: bench-rule-%d\n    description: d\n    when: {field: workload.peak_concurrency, gt: %d}\n    effects: [{runtime: go, criterion: performance, delta: 1}]\n    rationale: r\n    source: s\n", i, i > f
		}
	}'
}

# keys FILE M: M top-level mappings of 4,096 short keys each
gen_keys() {
	awk -v m="$2" 'BEGIN {
		print "version: 1"
		for (j = 0; j < m; j++) {
			printf "m%d: {", j
			for (i = 0; i < 4096; i++)
				printf "%sk%04x: 0", (i ? ", " : ""), i
			print "}"
		}
	}' >"$1"
}

bench_load() {
	d="$work/load"
	mkdir -p "$d"
	{ printf 'version: 1\nproject: {description: "'; pad 999972; printf '", nmae: x}\n'; } >"$d/col1.yaml"
	{ printf 'version: 1\nproject: {description: "'; pad 999972; printf '"'
	  for i in 0 1 2 3 4 5 6 7 8 9; do printf ', k%d: 1' $i; done; printf '}\n'; } >"$d/col10.yaml"
	gen_keys "$d/keys1.yaml" 1
	gen_keys "$d/keys24.yaml" 24
	gen_rules "$d/r10k" 10000
	gen_rules "$d/r100k" 100000
	# Each case must fail for the reason it is meant to test.
	$ADVISOR check "$d/col1.yaml" 2>&1 | grep -q ':2:1000000: error: unknown key' ||
		{ echo "load: col1.yaml does not give its error"; return 1; }
	[ "$($ADVISOR check "$d/col10.yaml" 2>&1 | grep -c ':2:[0-9]*: error: unknown key')" = 10 ] ||
		{ echo "load: col10.yaml does not give its ten errors"; return 1; }

	show "diag.col1e6" "$(time_runs 5 $ADVISOR check "$d/col1.yaml" | stats)"
	show "diag.col1e6x10" "$(time_runs 5 $ADVISOR check "$d/col10.yaml" | stats)"
	k1=$(time_runs 5 $ADVISOR check "$d/keys1.yaml" | stats)
	k24=$(time_runs 5 $ADVISOR check "$d/keys24.yaml" | stats)
	show "keys.1x4096" "$k1"
	show "keys.24x4096" "$k24"
	ratio "keys.24x4096/1x4096" "$k24" "$k1" 24
	r10=$(time_runs 3 $ADVISOR rules lint "$d/r10k" | stats)
	r100=$(time_runs 3 $ADVISOR rules lint "$d/r100k" | stats)
	show "rules.lint.10000" "$r10"
	show "rules.lint.100000" "$r100"
	ratio "rules.lint.100000/10000" "$r100" "$r10" 10
	# The rule files must really lint: a fast failure would prove nothing.
	$ADVISOR rules lint "$d/r100k" >/dev/null 2>&1 || { echo "load: the generated rules do not lint"; return 1; }
}
