#!/bin/sh
# .pre-commit-hooks.yaml: the file parses (when python3 has PyYAML), its
# advisor-check hook runs `advisor check` with language: system, its
# `files` pattern takes profile*.yaml and advisor*.yml files anywhere and
# leaves rules and other YAML alone, and its entry, run as pre-commit runs
# it (entry + file names), passes a good profile and fails a bad one with
# exit 2 and FILE:LINE:COL.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
hooks="$ADVISOR_SRCDIR/.pre-commit-hooks.yaml"
entry=""
files=""
if python3 -c 'import yaml' 2>/dev/null; then
	python3 - "$hooks" >hook.txt <<'PY' || bad ".pre-commit-hooks.yaml: $(cat hook.txt)"
import sys, yaml
hooks = yaml.safe_load(open(sys.argv[1]))
assert isinstance(hooks, list), "not a list of hooks"
h = [x for x in hooks if x.get("id") == "advisor-check"]
assert len(h) == 1, "no advisor-check hook"
h = h[0]
for k in ("id", "name", "entry", "language"):
    assert isinstance(h.get(k), str), "%s missing" % k
assert h["language"] == "system", "language is %s" % h["language"]
print(h["entry"])
print(h["files"])
PY
	entry=$(sed -n 1p hook.txt)
	files=$(sed -n 2p hook.txt)
else
	# Without PyYAML, read the two plain scalars directly.
	entry=$(sed -n 's/^  entry: //p' "$hooks")
	files=$(sed -n "s/^  files: '\(.*\)'\$/\1/p" "$hooks")
fi
case $entry in
"advisor check"*) ;;
*) bad "entry '$entry' does not run advisor check" ;;
esac
[ -n "$files" ] || bad "no files pattern"

# The pattern, as pre-commit applies it (Python re.search on the path).
for p in design/profile.yaml profile.yml svc/advisor-profile.yaml advisor.yaml; do
	python3 -c 'import re,sys; sys.exit(0 if re.search(sys.argv[1], sys.argv[2]) else 1)' "$files" "$p" ||
		bad "files pattern misses $p"
done
for p in rules/workload.yaml .github/workflows/ci.yml docs/examples/web-api.yaml profiles/x.json; do
	python3 -c 'import re,sys; sys.exit(0 if re.search(sys.argv[1], sys.argv[2]) else 1)' "$files" "$p" &&
		bad "files pattern takes $p"
done

# The entry with the advisor under test, and file names appended.
mkdir -p design
cp "$ADVISOR_SRCDIR/docs/examples/web-api.yaml" design/profile.yaml
cp "$ADVISOR_SRCDIR/tests/cases/bad-kind-typo/profile.yaml" design/profile-bad.yaml
args=${entry#advisor }
# shellcheck disable=SC2086 # the entry's words, as pre-commit splits them
$ADVISOR $args design/profile.yaml >out.txt 2>err.txt || bad "good profile: exit $? $(cat err.txt)"
# shellcheck disable=SC2086
$ADVISOR $args design/profile.yaml design/profile-bad.yaml >out.txt 2>err.txt
rc=$?
[ $rc -eq 2 ] || bad "bad profile: exit $rc, expected 2"
grep -q '^design/profile-bad.yaml:[0-9]*:[0-9]*: error: ' err.txt || bad "bad profile: no FILE:LINE:COL error"
exit $fail
