#!/bin/sh
# recommend -o repeated: each file in the format its extension names (the
# longest: .madr.md is MADR, not Markdown), the same advice in each; every
# output is checked before any work, so one bad output writes nothing.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
p="$ADVISOR_SRCDIR/docs/examples/web-api.yaml"
cache="$ADVISOR_SRCDIR/docs/examples/probes.json"
$ADVISOR recommend "$p" --probes-from "$cache" -o n.md -on.json -o n.html -o n.madr.md 2>err ||
	bad "four outputs: exit $?: $(cat err)"
for f in md json html madr; do
	$ADVISOR recommend "$p" --probes-from "$cache" --format "$f" >"one.$f" || bad "--format $f"
done
# Same advice, same bytes, but for the command line quoted in the Method section.
for pair in n.md=one.md n.json=one.json n.html=one.html n.madr.md=one.madr; do
	a=${pair%%=*} b=${pair#*=}
	grep -v -e 'advisor recommend' -e 'probes.json' -e 'n.madr.md' "$a" >a.cut
	grep -v -e 'advisor recommend' -e 'probes.json' -e 'n.madr.md' "$b" >b.cut
	cmp -s a.cut b.cut || bad "$a differs from --format ${b#one.}: $(diff a.cut b.cut | head -5)"
done
# One -o: the extension names the format unless --format is given.
$ADVISOR recommend "$p" --no-probes -o single.json || bad "single .json"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' single.json || bad "single.json is not JSON"
$ADVISOR recommend "$p" --no-probes -o single.txt || bad "single .txt"
head -1 single.txt | grep -q '^# ' || bad "single.txt is not the Markdown note"
$ADVISOR recommend "$p" --no-probes -f json -o forced.md || bad "-f json -o forced.md"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' forced.md || bad "--format does not win with one -o"
# Several -o: --format must agree; an unknown extension needs --format.
$ADVISOR recommend "$p" --no-probes -f json -o x.json -o y.json || bad "-f json with two .json"
[ -s x.json ] && [ -s y.json ] || bad "two .json outputs not written"
$ADVISOR recommend "$p" --no-probes -f md -o m1.md -o m1.json 2>err; rc=$?
[ $rc -eq 1 ] && grep -q 'does not match' err || bad "mismatching --format: exit $rc: $(cat err)"
$ADVISOR recommend "$p" --no-probes -o m2.md -o m2.txt 2>err; rc=$?
[ $rc -eq 1 ] && grep -q "cannot tell the format of 'm2.txt'" err || bad "unknown extension: exit $rc"
$ADVISOR recommend "$p" --no-probes -o m3.md -o m3.md 2>err; rc=$?
[ $rc -eq 1 ] && grep -q 'given twice' err || bad "twice: exit $rc"
# Checked up front: a second output that cannot be written, or that names
# an input, leaves the first unwritten.
$ADVISOR recommend "$p" --no-probes -o w1.md -o nodir/w1.json 2>err; rc=$?
[ $rc -eq 1 ] || bad "unwritable second output: exit $rc: $(cat err)"
[ ! -e w1.md ] || bad "first output written although the second is unwritable"
cp "$p" prof.yaml
cp prof.yaml prof.md
$ADVISOR recommend prof.md --no-probes -o w2.json -o prof.md 2>err; rc=$?
[ $rc -eq 1 ] && grep -q 'input profile' err || bad "output naming the input: exit $rc: $(cat err)"
[ ! -e w2.json ] || bad "first output written although the second names the input"
cmp -s prof.md prof.yaml || bad "the input was overwritten"
exit $fail
