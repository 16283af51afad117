#!/bin/sh
# End-to-end tests.
#
# 1. Data cases: every folder tests/cases/NAME/ holds
#      args             the arguments to advisor, one line (run inside the folder)
#      exit             the expected exit code
#      stderr, stdout   optional: the exact expected output
#      stderr_contains, stdout_contains
#                       optional: lines that must each appear (fixed strings)
#      stdin            optional: fed to standard input
#    Anything the command writes lands in a scratch copy of the folder.
# 2. Scripts: every tests/e2e/t-*.sh is run with $ADVISOR set; exit 0 passes.
#    Each runs in the scratch folder and writes only there (or in a private
#    folder it makes there), never to /dev/null or the harness's stdout.
# 3. Last, /dev/null must still be a character device.
#
# $ADVISOR is the command to test (it may carry a wrapper such as valgrind).
# Ends with the line "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${ADVISOR:=$root/build/advisor}"
export ADVISOR ADVISOR_SRCDIR="$root"
pass=0
fail=0
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM

report_fail() {
	fail=$((fail + 1))
	echo "FAIL $1: $2"
}

for dir in "$root"/tests/cases/*/; do
	[ -f "$dir/args" ] || continue
	name=$(basename "$dir")
	work="$scratch/$name"
	mkdir -p "$work"
	cp -R "$dir". "$work/"
	want_exit=$(cat "$dir/exit")
	args=$(cat "$dir/args")
	if [ -f "$dir/stdin" ]; then
		(cd "$work" && eval "set -- $args" && timeout 20 $ADVISOR "$@" <"$dir/stdin" >"$work/.out" 2>"$work/.err")
	else
		(cd "$work" && eval "set -- $args" && timeout 20 $ADVISOR "$@" </dev/null >"$work/.out" 2>"$work/.err")
	fi
	got_exit=$?
	ok=1
	if [ "$got_exit" != "$want_exit" ]; then
		report_fail "$name" "exit $got_exit, expected $want_exit"
		sed 's/^/    /' "$work/.err" | head -n 5
		ok=0
	fi
	for stream in stdout stderr; do
		got="$work/.out"
		[ "$stream" = stderr ] && got="$work/.err"
		if [ $ok = 1 ] && [ -f "$dir/$stream" ] && ! cmp -s "$dir/$stream" "$got"; then
			report_fail "$name" "$stream differs"
			diff -u "$dir/$stream" "$got" | head -n 20 | sed 's/^/    /'
			ok=0
		fi
		if [ $ok = 1 ] && [ -f "$dir/${stream}_contains" ]; then
			while IFS= read -r line; do
				[ -n "$line" ] || continue
				if ! grep -qF -- "$line" "$got"; then
					report_fail "$name" "$stream lacks: $line"
					sed 's/^/    /' "$got" | head -n 10
					ok=0
					break
				fi
			done <"$dir/${stream}_contains"
		fi
	done
	[ $ok = 1 ] && pass=$((pass + 1))
done

for t in "$here"/t-*.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	if out=$(cd "$scratch" && sh "$t" 2>&1); then
		pass=$((pass + 1))
	else
		report_fail "$name" "script failed"
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/    /'
	fi
done

# Last: no test may have replaced the system's null device (an output test
# gone wrong as root would turn it into a regular file).
if [ -c /dev/null ]; then
	pass=$((pass + 1))
else
	report_fail dev-null "/dev/null is no longer a character device"
fi

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
