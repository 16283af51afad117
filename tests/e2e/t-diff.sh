# diff: 0 on the same report, 4 on a changed recommendation, 2 on bad input.
set -u
src="$ADVISOR_SRCDIR/tests/scenarios"
fail() { echo "FAIL: $*"; exit 1; }
$ADVISOR recommend "$src/websocket-dashboard-js.yaml" --no-probes --format json -o a.json || fail "recommend a"
$ADVISOR recommend "$src/enterprise-java-experts.yaml" --no-probes --format json -o b.json || fail "recommend b"
$ADVISOR diff a.json a.json >out.txt; rc=$?
[ $rc -eq 0 ] || fail "same report: exit $rc"
grep -q 'recommendation unchanged' out.txt || fail "same report: $(cat out.txt)"
$ADVISOR diff a.json b.json >out.txt; rc=$?
[ $rc -eq 4 ] || fail "different reports: exit $rc"
grep -q '^recommendation changed: ' out.txt || fail "no change line: $(cat out.txt)"
grep -q '^rule ' out.txt || fail "no rule change listed"
printf '{"recommendation": {"runtime": "go",\n  "model": oops}}\n' > bad.json
$ADVISOR diff a.json bad.json 2>err.txt; rc=$?
[ $rc -eq 2 ] || fail "bad input: exit $rc"
grep -q '^bad.json:2:15: error: invalid JSON' err.txt || fail "bad input place: $(cat err.txt)"
printf '{"x": 1}\n' > notreport.json
$ADVISOR diff a.json notreport.json 2>/dev/null; rc=$?
[ $rc -eq 2 ] || fail "not a report: exit $rc"
exit 0
