#!/bin/sh
# diff --fail-on winner|score|any and --format text|json|markdown, on
# reports that differ in one way each: a total, the confidence, a rule, the
# tiers (recommendation.tiers, compared only when both reports have it).
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
src="$ADVISOR_SRCDIR/tests/scenarios"
$ADVISOR recommend "$src/websocket-dashboard-js.yaml" --no-probes -f json -o a.json || bad "recommend"
python3 - <<'PY' || bad "making the variants"
import copy, json
a = json.load(open("a.json"))
def save(name, f):
    b = copy.deepcopy(a)
    f(b)
    json.dump(b, open(name, "w"), indent=2)
def bump(b, d): b["ranking"][-1]["total"] = round(b["ranking"][-1]["total"] + d, 2)
save("score.json", lambda b: bump(b, 0.5))
save("tiny.json", lambda b: bump(b, 0.004))
save("conf.json", lambda b: b["recommendation"].update(confidence=b["recommendation"]["confidence"] + 0.1))
save("rule.json", lambda b: b["rules_fired"].pop())
tier = lambda rt, cores: [{"role": "service", "runtime": rt, "model": "event-loop",
                           "label": "x", "cores": cores, "instances": 2}]
def tiers(b, t): b["recommendation"]["tiers"] = t
save("tiers-a.json", lambda b: tiers(b, tier("node", 4)))
save("tiers-b.json", lambda b: tiers(b, tier("bun", 4)))
save("tiers-c.json", lambda b: tiers(b, tier("node", 8)))
# Without tiers (a report from before they existed): nothing to compare.
save("no-tiers.json", lambda b: b["recommendation"].pop("tiers", None))
PY
# expect OLD NEW POLICY EXIT
expect() {
	$ADVISOR diff "$1" "$2" --fail-on "$3" >out.txt 2>err.txt; rc=$?
	[ $rc -eq "$4" ] || bad "diff $1 $2 --fail-on $3: exit $rc, expected $4: $(cat out.txt err.txt)"
}
expect a.json a.json any 0
expect a.json score.json winner 0
expect a.json score.json score 4
expect a.json score.json any 4
grep -q '^score .*: .* -> .* (+0.50)$' out.txt || bad "no score line: $(cat out.txt)"
expect a.json tiny.json any 0
expect a.json conf.json winner 0
expect a.json conf.json score 4
want=$(python3 -c 'import json; c = json.load(open("a.json"))["recommendation"]["confidence"]; print("confidence: %.2f -> %.2f" % (c, c + 0.1))')
grep -qx "$want" out.txt || bad "no line '$want': $(cat out.txt)"
expect a.json rule.json score 0
expect a.json rule.json any 4
grep -q '^rule gone: ' out.txt || bad "no rule line: $(cat out.txt)"
expect no-tiers.json tiers-a.json any 0
expect tiers-a.json tiers-a.json any 0
expect tiers-a.json tiers-b.json winner 4
grep -q '^tiers changed: service node/event-loop -> service bun/event-loop$' out.txt ||
	bad "no tiers line: $(cat out.txt)"
expect tiers-a.json tiers-c.json score 0
expect tiers-a.json tiers-c.json any 4
# The default policy is winner.
$ADVISOR diff a.json score.json >/dev/null 2>&1
[ $? -eq 0 ] || bad "default policy is not winner"

$ADVISOR diff no-tiers.json score.json --format json --fail-on score >d.json; rc=$?
[ $rc -eq 4 ] || bad "json: exit $rc"
python3 - d.json <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["old", "new", "difference", "fail_on", "changed", "winner", "tiers",
                   "confidence", "scores", "ranking", "rules_fired", "rules_unfired",
                   "probes"], list(d)
assert d["difference"] == "score" and d["fail_on"] == "score" and d["changed"] is True, d
assert d["winner"]["changed"] is False and d["tiers"]["compared"] is False
assert len(d["scores"]) == 1 and d["scores"][0]["delta"] == 0.5, d["scores"]
assert list(d["scores"][0]) == ["candidate", "old", "new", "delta"]
PY
$ADVISOR diff a.json a.json -fjson >same.json || bad "json, same: exit $?"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["difference"] is None and d["changed"] is False' same.json ||
	bad "json, same: $(cat same.json)"
$ADVISOR diff tiers-a.json tiers-b.json -f markdown >d.md; rc=$?
[ $rc -eq 4 ] || bad "markdown: exit $rc"
grep -q '^| Winner | node/event-loop (machines) | node/event-loop (machines) | no |$' d.md ||
	bad "markdown winner row: $(cat d.md)"
grep -q '^| Tiers | service node/event-loop | service bun/event-loop | \*\*yes\*\* |$' d.md ||
	bad "markdown tiers row: $(cat d.md)"
$ADVISOR diff a.json a.json --format yaml 2>err.txt; rc=$?
[ $rc -eq 1 ] || bad "--format yaml: exit $rc"
$ADVISOR diff a.json a.json --fail-on sometimes 2>err.txt; rc=$?
[ $rc -eq 1 ] || bad "--fail-on sometimes: exit $rc"
exit $fail
