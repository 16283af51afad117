# rules list | lint | show.
set -u
fail() { echo "FAIL: $*"; exit 1; }
$ADVISOR rules lint >out.txt 2>err.txt || fail "lint of the built-in rules: $(cat err.txt)"
grep -q 'rules in rules/: ok' out.txt || fail "lint output: $(cat out.txt)"
n=$($ADVISOR rules list | wc -l)
[ "$n" -ge 40 ] || fail "only $n rules"
$ADVISOR rules show gil-limits-cpu-threads >show.txt || fail "show"
grep -q '^id: *gil-limits-cpu-threads' show.txt || fail "show output"
grep -q '^file: *rules/gil.yaml:' show.txt || fail "show file"
$ADVISOR rules show gil-limits-cpu-thread 2>err.txt; [ $? -eq 2 ] || fail "unknown id exit"
grep -q "did you mean 'gil-limits-cpu-threads'" err.txt || fail "no suggestion"
mkdir -p bad
printf 'rules:\n  - id: a\n    description: d\n    rationale: r\n    source: s\n    when: {field: project.description, matches: "x(("}\n    effects: [{runtime: go, criterion: velocity, delta: 1}]\n' > bad/r.yaml
$ADVISOR rules lint bad 2>err.txt; [ $? -eq 2 ] || fail "bad pattern exit"
grep -q '^bad/r.yaml:6:.*: error: bad pattern' err.txt || fail "bad pattern: $(cat err.txt)"
$ADVISOR rules lnt 2>/dev/null; [ $? -eq 1 ] || fail "unknown subcommand exit"
exit 0
