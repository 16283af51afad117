# Every scenario profile in tests/scenarios gets the runtime and model its
# .expect file names (the articles' advice), with knowledge-base defaults.
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
	if [ "$got" != "$want" ]; then
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
