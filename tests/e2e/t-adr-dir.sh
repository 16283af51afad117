#!/bin/sh
# recommend --adr-dir DIR: a MADR 4 record DIR/NNNN-title.md, numbered after
# the NNNN-*.md already there (other files ignored); nothing written when the
# latest advisor record of the project decides the same; a record that
# decides otherwise says it supersedes the latest one, which is left as it
# was.  The folder must exist (exit 1 before any work).  Front-matter values
# are quoted (a hostile decision.makers stays one value), lines stay within
# 80 columns and markdownlint (when present) is clean.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
src=$ADVISOR_SRCDIR
cache="$src/docs/examples/probes.json"
mkdir adr && cd adr || exit 1
cp "$src/docs/examples/web-api.yaml" web.yaml
# The same project with a Go team: the winner changes.
sed -e 's/javascript: 3, python: 3, go: 1/javascript: 0, python: 0, go: 5/' web.yaml >web-go.yaml
cmp -s web.yaml web-go.yaml && bad "web-go.yaml: the skills line was not changed"

mkdir dec
printf '# Use MADR\n\nHand-written.\n' >dec/0001-use-madr.md
printf -- '---\nstatus: accepted\n---\n\n# Use Kubernetes\n' >dec/0002-use-kubernetes.md
printf '# Third\n' >dec/0003-third.md
printf '# Decisions\n' >dec/README.md
printf 'x\n' >dec/12-short.md
printf 'x\n' >dec/0099-notes.txt
printf 'x\n' >dec/.0500-hidden.md

# Numbered after 0003, slugged from the title.
$ADVISOR recommend web.yaml --probes-from "$cache" --adr-dir dec 2>err || bad "first: exit $?: $(cat err)"
r4=dec/0004-build-orders-api-on-node-js-event-loop.md
[ -f "$r4" ] || bad "first: no $r4: $(ls dec)"
grep -qxF "wrote $r4" err || bad "first: stderr does not name the record: $(cat err)"
[ "$(ls dec | wc -l)" = 7 ] || bad "first: $(ls dec | wc -l) files, expected 7"

# MADR 4 front matter and sections, in the template's order.
head -1 "$r4" | grep -qx -- '---' || bad "no front matter"
for k in 'status: proposed' 'date: [0-9]{4}-[0-9]{2}-[0-9]{2}' \
	"decision-makers: \"the project's architects\"" 'consulted: ".+"' 'informed: ".+"' \
	'advisor-project: "Orders API"' 'advisor-decision: "node/event-loop"'; do
	sed -n '2,/^---$/p' "$r4" | grep -qxE "$k" || bad "front matter has no line '$k'"
done
! grep -q '^deciders:' "$r4" || bad "MADR 3's deciders key"
got=$(grep -E '^##+ ' "$r4" | grep -vE '^### (Node|Go|Java|Python|Rust|\.NET)' | tr '\n' '|')
want='## Context and Problem Statement|## Decision Drivers|## Considered Options|## Decision Outcome|### Consequences|### Confirmation|## Pros and Cons of the Options|## More Information|'
[ "$got" = "$want" ] || bad "sections: $got"
grep -q '^Chosen option: "Node.js: event loop", because' "$r4" || bad "no chosen option"
grep -q '^\* Good, because' "$r4" && grep -q '^\* Bad, because' "$r4" || bad "no Good/Bad bullets"
! grep -q 'supersedes' "$r4" || bad "the first record supersedes something"

# Same recommendation again: nothing written, exit 0, and it says so.
$ADVISOR recommend web.yaml --probes-from "$cache" --adr-dir dec/ 2>err || bad "same: exit $?"
grep -qF "unchanged since dec/0004-build-orders-api-on-node-js-event-loop.md" err ||
	bad "same: $(cat err)"
[ "$(ls dec | wc -l)" = 7 ] || bad "same: a record was written: $(ls dec)"
# Quiet: no note.
$ADVISOR -q recommend web.yaml --no-probes --adr-dir dec 2>err || bad "quiet: exit $?"
[ ! -s err ] || bad "quiet: $(cat err)"

# Another winner: a new record that supersedes 0004; 0004 is left alone.
cp "$r4" r4.before
$ADVISOR recommend web-go.yaml --probes-from "$cache" --adr-dir dec 2>err || bad "go: exit $?"
r5=$(ls dec/0005-*.md 2>/dev/null)
[ -n "$r5" ] || bad "go: no record 0005: $(ls dec; cat err)"
grep -q 'advisor-decision: "go/' "$r5" || bad "go: $(grep advisor-decision "$r5")"
grep -qF ", superseding $r4" err || bad "go: stderr: $(cat err)"
tr '\n' ' ' <"$r5" | grep -qF 'This record supersedes [ADR-0004](0004-build-orders-api-on-node-js-event-loop.md)' ||
	bad "go: no supersedes link"
tr '\n' ' ' <"$r5" | grep -qF 'set that record'"'"'s status to "superseded by ADR-0005"' ||
	bad "go: no status instruction"
cmp -s r4.before "$r4" || bad "go: the superseded record was changed"

# Another project in the same folder: numbered on, supersedes nothing.
$ADVISOR recommend "$src/docs/examples/cpu-batch.yaml" --probes-from "$cache" --adr-dir dec \
	-o note.json 2>err || bad "other project: exit $?"
r6=$(ls dec/0006-build-nightly-report-builder-on-*.md 2>/dev/null)
[ -n "$r6" ] || bad "other project: no 0006: $(ls dec)"
[ -n "$r6" ] && ! grep -q 'supersedes' "$r6" || bad "other project: supersedes a record of another"
[ -s note.json ] || bad "other project: -o beside --adr-dir not written"
# Back to the first answer: supersedes 0005, the latest of the project.
$ADVISOR recommend web.yaml --probes-from "$cache" --adr-dir dec 2>err || bad "back: exit $?"
r7=$(ls dec/0007-*.md 2>/dev/null)
[ -n "$r7" ] && tr '\n' ' ' <"$r7" | grep -qF "[ADR-0005](${r5#dec/})" || bad "back: $(cat err)"

# The folder must exist, be a folder and not be an input: exit 1, nothing written.
$ADVISOR recommend web.yaml --no-probes --adr-dir missing >out 2>err
rc=$?
[ $rc = 1 ] || bad "missing folder: exit $rc"
grep -q "missing" err || bad "missing folder: $(cat err)"
[ ! -e missing ] && [ ! -s out ] || bad "missing folder: something was written"
$ADVISOR recommend web.yaml --no-probes --adr-dir web.yaml 2>err
[ $? = 1 ] || bad "a file as the folder: not exit 1"
cp -R "$src/knowledge" kb
n=$(ls kb | wc -l)
$ADVISOR recommend web.yaml --no-probes --knowledge kb --adr-dir kb 2>err
[ $? = 1 ] || bad "the knowledge folder: not exit 1: $(cat err)"
[ "$(ls kb | wc -l)" = "$n" ] || bad "a record was written into the knowledge folder"

# A hostile decision.makers: every value stays one quoted YAML string.
mkdir h
{ cat web.yaml; cat <<'EOF'
decision:
  makers: ['Ann "the boss": #1', 'back\slash', '--- a: b', "a committee whose name goes on and on past the eightieth column"]
  consulted: ['x: y # z']
  informed: ["[all], {engineering}"]
EOF
} >h.yaml
$ADVISOR recommend h.yaml --no-probes --adr-dir h 2>err || bad "hostile: exit $?: $(cat err)"
rh=$(ls h/0001-*.md 2>/dev/null)
if [ -z "$rh" ]; then
	bad "hostile: no record"
else
	! grep -q '^date:' "$rh" || bad "--no-probes: a date (output must not depend on the clock)"
	if python3 -c 'import yaml' 2>/dev/null; then
		python3 - "$rh" <<'EOF' || bad "hostile: front matter"
import sys, yaml
text = open(sys.argv[1]).read()
fm = yaml.safe_load(text.split("\n---\n")[0][4:])
want = {
    "decision-makers": 'Ann "the boss": #1, back\\slash, --- a: b, a committee whose name goes on and on past the eightieth column',
    "consulted": "x: y # z",
    "informed": "[all], {engineering}",
    "status": "proposed",
}
for k, v in want.items():
    if fm.get(k) != v:
        print("front matter %s: %r, expected %r" % (k, fm.get(k), v))
        sys.exit(1)
EOF
	else
		grep -qF 'decision-makers: "Ann \"the boss\": #1, back\\slash, --- a: b' "$rh" ||
			bad "hostile: decision-makers not quoted: $(grep -A1 decision-makers "$rh")"
	fi
	# --no-probes: the same record byte for byte.
	mv h h.first && mkdir h
	$ADVISOR recommend h.yaml --no-probes --adr-dir h 2>/dev/null
	cmp -s "h.first/${rh#h/}" "$rh" || bad "--no-probes: two runs differ"
fi

# Slug: lowercase ASCII letters, digits and dashes, at most 60 characters.
sed -e 's/^  name: .*/  name: "Caf\\u00e9 *Orders* \& <Payments>"/' web.yaml >punct.yaml
mkdir s
$ADVISOR recommend punct.yaml --no-probes --adr-dir s 2>err || bad "slug: exit $?: $(cat err)"
name=$(ls s)
[ "$name" = 0001-build-caf-orders-payments-on-node-js-event-loop.md ] || bad "slug: '$name'"
# A name too long for the heading: the title and the slug leave it out.
sed -e 's/^  name: .*/  name: "The very long name of a project that goes on and on past the end of a line"/' \
	web.yaml >long.yaml
$ADVISOR recommend long.yaml --no-probes --adr-dir s 2>err || bad "long: exit $?: $(cat err)"
name=$(ls s/0002-* 2>/dev/null)
[ "$name" = s/0002-build-the-project-on-node-js-event-loop.md ] || bad "long: '$name'"
for f in s/*.md; do
	printf '%s\n' "${f#s/}" | grep -qxE '[0-9]{4}-[a-z0-9]([a-z0-9-]{0,58}[a-z0-9])?\.md' ||
		bad "slug: '$f'"
done

# Every record: lines within 80 columns, markdownlint clean.
for f in dec/0004-*.md dec/0005-*.md dec/0006-*.md h/*.md s/*.md; do
	! grep -qE '^.{81,}$' "$f" || bad "$f: a line passes 80 columns"
done
lint="$src/build/tools/node_modules/.bin/markdownlint"
if [ -x "$lint" ]; then
	"$lint" dec/0004-*.md dec/0005-*.md dec/0006-*.md h/*.md s/*.md || bad "markdownlint"
fi
exit $fail
