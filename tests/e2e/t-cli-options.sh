#!/bin/sh
# One command line for every command: -oFILE, bundled short options (-qo),
# -q and -v before or after the command, -f as --format everywhere (init's
# --force has no short form), probe --format json with --json as an alias,
# and 'advisor help COMMAND'.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
src="$ADVISOR_SRCDIR"

$ADVISOR init -oa.yaml 2>err || bad "-oFILE: exit $?"
[ -s a.yaml ] || bad "-oFILE wrote nothing"
$ADVISOR init -qo b.yaml --template cpu-batch >out 2>err || bad "-qo FILE: exit $?"
[ -s b.yaml ] && [ ! -s err ] || bad "-qo FILE: no file, or progress despite -q: $(cat err)"
$ADVISOR init -qob.yaml --force 2>err || bad "-qoFILE --force: exit $?"
$ADVISOR init -o b.yaml -f 2>err; rc=$?
[ $rc -eq 1 ] || bad "init -f: exit $rc, expected 1 (a usage error)"
grep -q "unknown option '-f' (did you mean '--force'?)" err || bad "init -f: $(cat err)"
$ADVISOR init --template=streaming -o c.yaml -q 2>err || bad "-q after the command: exit $?"
[ ! -s err ] || bad "-q after the command still printed: $(cat err)"
$ADVISOR -q init -o d.yaml 2>err || bad "-q before the command: exit $?"
[ ! -s err ] || bad "-q before the command still printed: $(cat err)"
$ADVISOR check a.yaml -q >out 2>&1 || bad "check -q: exit $?"
[ ! -s out ] || bad "check -q printed: $(cat out)"
$ADVISOR check -v a.yaml >out 2>&1 || bad "check -v: exit $?"
grep -q '^a.yaml: ok$' out || bad "check -v: $(cat out)"
$ADVISOR -v check a.yaml >out 2>&1 || bad "-v check: exit $?"

# -f is --format in recommend, check and probe.
$ADVISOR recommend a.yaml --no-probes -f json -o r1.json || bad "recommend -f json"
$ADVISOR recommend a.yaml --no-probes -fjson -or2.json || bad "recommend -fjson -oFILE"
$ADVISOR recommend a.yaml --no-probes -qfjson -o r3.json || bad "recommend -qfjson"
for f in r1.json r2.json r3.json; do
	python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$f" || bad "$f is not JSON"
done
$ADVISOR check -f json a.yaml >out || bad "check -f json: exit $?"
python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["valid"] is True' out ||
	bad "check -f json: $(cat out)"
$ADVISOR probe -q --budget 0.5 --only coro.switch --format json >p1.json 2>err || bad "probe --format json"
grep -q '"coro.switch"' p1.json || bad "probe --format json: no JSON"
$ADVISOR probe -q --budget 0.5 --only coro.switch --json >p2.json 2>err || bad "probe --json"
grep -q '"coro.switch"' p2.json || bad "probe --json: no JSON"
$ADVISOR probe -q --budget 0.5 --only coro.switch -f table >p3.txt 2>err || bad "probe -f table"
grep -q '^probe  *median' p3.txt || bad "probe -f table: $(head -3 p3.txt)"
$ADVISOR probe --format yaml 2>err; rc=$?
[ $rc -eq 1 ] || bad "probe --format yaml: exit $rc"
grep -q "unknown format 'yaml'" err || bad "probe --format yaml: $(cat err)"

# Bundles: an unknown letter and a missing value are usage errors.
$ADVISOR init -qz 2>err; rc=$?
[ $rc -eq 1 ] && grep -q "unknown option '-z'" err || bad "-qz: exit $rc, $(cat err)"
$ADVISOR init -qo 2>err; rc=$?
[ $rc -eq 1 ] && grep -q "option '-o' needs a value" err || bad "-qo at the end: exit $rc, $(cat err)"

# help COMMAND, for every command of the table.
for c in $($ADVISOR help --list-commands); do
	$ADVISOR help "$c" >out || bad "help $c: exit $?"
	grep -q "^  advisor $c" out || bad "help $c: no usage line"
done
$ADVISOR help nosuch 2>err; rc=$?
[ $rc -eq 1 ] || bad "help nosuch: exit $rc"
exit $fail
