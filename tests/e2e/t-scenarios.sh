# Every scenario profile in tests/scenarios gets the runtime and model its
# .expect file names (the articles' advice), with knowledge-base defaults.
# A scenario with a NAME.xfail file is a known deviation: its first line is
# the answer the advice gives today, the rest says why and what fixes it.
# Getting that answer passes (XFAIL); getting the expected one fails
# (XPASS: delete the .xfail); anything else fails.
set -u
dir="$ADVISOR_SRCDIR/tests/scenarios"
fail=0
n=0
for profile in "$dir"/*.yaml; do
	name=$(basename "$profile" .yaml)
	want=$(cat "$dir/$name.expect")
	if ! $ADVISOR recommend "$profile" --no-probes --format json -o "$name.json" 2>"$name.err"; then
		echo "FAIL $name: recommend failed"; cat "$name.err"; fail=1; continue
	fi
	got=$(sed -n '/"recommendation"/,/"runner_up"/p' "$name.json" |
		sed -n 's/^    "\(runtime\|model\)": "\(.*\)",$/\2/p' | head -n 2 | tr '\n' ' ' | sed 's/ $//')
	n=$((n + 1))
	if [ -f "$dir/$name.xfail" ]; then
		known=$(head -n 1 "$dir/$name.xfail")
		if [ "$got" = "$want" ]; then
			echo "XPASS $name: got the expected '$want': delete $name.xfail"
			fail=1
		elif [ "$got" = "$known" ]; then
			echo "XFAIL $name: got '$got' (expected '$want'; see $name.xfail)"
		else
			echo "FAIL $name: got '$got', expected '$want' (known deviation '$known')"
			fail=1
		fi
	elif [ "$got" != "$want" ]; then
		echo "FAIL $name: got '$got', expected '$want'"
		fail=1
	fi
	# Contract: the report is never empty where the issue says so.
	for key in '"ranking": \[' '"rules_fired": \[' '"sensitivity": \[' '"capacity": \['; do
		grep -q "$key" "$name.json" || { echo "FAIL $name: no $key"; fail=1; }
	done
	grep -q '"rules_fired": \[\]' "$name.json" && { echo "FAIL $name: no rule fired"; fail=1; }
	grep -q '"capacity": \[\]' "$name.json" && { echo "FAIL $name: empty capacity"; fail=1; }
	rm -f "$name.json" "$name.err"
done
[ "$n" -ge 12 ] || { echo "FAIL: only $n scenarios"; fail=1; }
exit $fail
