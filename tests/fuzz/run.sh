#!/bin/sh
# Run one fuzz target for a while and print one line:
#   fuzz TARGET execs=N crashes=N
#
#   run.sh BUILD TARGET SECONDS
#
# The seed corpus is copied from the test data into BUILD/TARGET/seed on
# every run; the corpus the fuzzer grows stays in BUILD/TARGET/corpus, its
# log in BUILD/TARGET/log, and every finding (crash-*, timeout-*, oom-*,
# leak-*) in BUILD/TARGET/.  Exit 1 when this run wrote a finding.
set -u
build=$1
target=$2
secs=$3
here=tests/fuzz
case $build in
/*) ;;
*) build=$(pwd)/$build ;;	# fuzz_cli changes folder: paths must be absolute
esac
dir=$build/$target
bin=$build/fuzz_$target
max_seed=65536

mkdir -p "$dir/corpus"
rm -rf "$dir/seed"
mkdir -p "$dir/seed"

# seed FILE...: copy each small file in under a name unique to its path.
seed() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		[ "$(wc -c <"$f")" -le $max_seed ] || continue
		cp "$f" "$dir/seed/$(printf '%s' "$f" | tr '/' '_')"
	done
}

# cli_seeds: turn each line of cli.seeds into NUL-separated arguments.
cli_seeds() {
	n=0
	grep -v '^#' "$here/cli.seeds" | while IFS= read -r line; do
		[ -n "$line" ] || continue
		n=$((n + 1))
		words=${line%%<*}
		out="$dir/seed/cli-$n"
		# shellcheck disable=SC2086
		printf '%s\0' $words >"$out"
		case $line in
		*'<'*)
			file=$(printf '%s' "${line#*<}" | tr -d ' ')
			printf '\0' >>"$out"
			cat "$file" >>"$out"
			;;
		esac
	done
}

dict=
case $target in
profile)
	seed tests/cases/*/*.yaml tests/scenarios/*.yaml docs/examples/*.yaml
	dict=yaml.dict ;;
rules)
	seed rules/*.yaml tests/fixtures/rules/*.yaml tests/cases/*/rules/*.yaml
	dict=yaml.dict ;;
knowledge)
	seed knowledge/*.md tests/fixtures/kb/*.md
	dict=yaml.dict ;;
probes)
	seed docs/examples/probes.json tests/cases/*/*.json docs/examples/*.json
	dict=json.dict ;;
diff)
	seed docs/examples/*.json tests/cases/*/*.json
	dict=json.dict ;;
cli)
	cli_seeds
	dict=cli.dict ;;
*)
	echo "fuzz: unknown target '$target'" >&2
	exit 2 ;;
esac

# Inputs that once crashed a target are replayed first, every run.
seed tests/fuzz/regress/"$target"/*

findings() {
	find "$dir" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o \
		-name 'oom-*' -o -name 'leak-*' \) | wc -l
}

before=$(findings)
# stdout and stderr of the code under test go to /dev/null
# (-close_fd_mask=3); libFuzzer's own lines and reports still reach the log.
ADVISOR_SRCDIR=$(pwd) "$bin" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-5}" \
	-rss_limit_mb=2048 -malloc_limit_mb=2048 -close_fd_mask=3 \
	-print_final_stats=1 -dict="$here/$dict" -artifact_prefix="$dir/" \
	"$dir/corpus" "$dir/seed" >"$dir/log" 2>&1
rc=$?

execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$dir/log" | tail -n 1)
if [ -z "$execs" ]; then
	execs=$(sed -n 's/^#\([0-9][0-9]*\).*/\1/p' "$dir/log" | tail -n 1)
fi
crashes=$(($(findings) - before))
echo "fuzz $target execs=${execs:-0} crashes=$crashes"
if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
	echo "fuzz $target: the fuzzer failed (exit $rc) without a finding; see $dir/log" >&2
	exit 1
fi
[ "$crashes" -eq 0 ]
