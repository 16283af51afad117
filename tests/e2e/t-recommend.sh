# recommend end to end: formats, determinism, atomic output, errors.
set -eu
src="$ADVISOR_SRCDIR"
ex="$src/tests/scenarios/websocket-dashboard-js.yaml"
fail() { echo "FAIL: $*"; exit 1; }

# JSON carries exactly the contract's top-level keys (and only adds).
$ADVISOR recommend "$ex" --no-probes --format json -o r.json
for key in advisor_version profile recommendation ranking capacity probes rules_fired sensitivity; do
	grep -q "^  \"$key\":" r.json || fail "JSON lacks $key"
done
for key in runtime model scaling confidence runner_up hybrid; do
	grep -q "^    \"$key\":" r.json || fail "recommendation lacks $key"
done
# The same inputs give the same bytes, in every format.
formats=$($ADVISOR recommend --list-formats | awk '{ print $1 }')
for f in md html json madr; do
	printf '%s\n' $formats | grep -qx "$f" || fail "--list-formats lacks $f"
done
for f in $formats; do
	$ADVISOR recommend "$ex" --no-probes --format $f >a.$f
	$ADVISOR recommend "$ex" --no-probes --format $f >b.$f
	cmp -s a.$f b.$f || fail "$f output differs between two runs"
done
# Markdown has the ten sections.
for h in "## Recommendation" "## Profile" "## Ranking" "## Capacity at target load" \
	"## Measured on this machine" "## Trade-offs" "## Why" "## What would change the answer" \
	"## Risks and mitigations" "## Method and reproducibility"; do
	grep -qx "$h" a.md || fail "Markdown lacks '$h'"
done
# HTML holds its tables.
[ "$(grep -c '<table>' a.html)" -ge 3 ] || fail "HTML has fewer than 3 tables"
# A broken rule file: FILE:LINE:COL, exit 2, no output file.
printf 'rules:\n  - id: x\n    description: d\n    rationale: r\n    source: s\n    effects: [{runtime: go, criterion: speed, delta: 1}]\n' > bad.yaml
set +e
$ADVISOR recommend "$ex" --no-probes --rules bad.yaml -o out.md 2>err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "broken rule exit $rc"
grep -q '^bad.yaml:6:40: error: unknown criterion' err.txt || fail "no place for the broken rule: $(cat err.txt)"
[ ! -e out.md ] || fail "output written despite the error"
# An unknown accepted rule is a profile error at its line.
cp "$ex" acc.yaml
printf 'accept:\n  - rule: no-such-rule\n    because: testing\n' >> acc.yaml
set +e
$ADVISOR recommend acc.yaml --no-probes -o out.md 2>err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "unknown accept exit $rc"
grep -q "^acc.yaml:.*: error: accept: unknown rule 'no-such-rule'" err.txt || fail "accept error: $(cat err.txt)"
# --explain prints verdicts.
$ADVISOR recommend "$ex" --no-probes --explain -o explain.md 2>explain.txt
grep -q '^FIRED ' explain.txt || fail "--explain printed no FIRED line"
grep -q '^skip ' explain.txt || fail "--explain printed no skip line"
# Usage errors.
set +e
$ADVISOR recommend "$ex" --format pdf 2>/dev/null; [ $? -eq 1 ] || fail "bad format not exit 1"
$ADVISOR recommend "$ex" --no-probes --probes-from x.json 2>/dev/null; [ $? -eq 1 ] || fail "exclusive options not exit 1"
$ADVISOR recommend 2>/dev/null; [ $? -eq 1 ] || fail "no profile not exit 1"
exit 0
