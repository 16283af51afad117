#!/bin/sh
# check --format github escapes '%', CR and LF in the message, and also ':'
# and ',' in the file property; --format json gives every diagnostic with
# file, line, col, level and message, in that order, and stays valid JSON
# for any file name.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
name=$(printf 'no%%pe\r\nx,y:z.yaml')
$ADVISOR check -f github "$name" >out 2>err; rc=$?
[ $rc -eq 2 ] || bad "missing file: exit $rc"
want='::error file=no%25pe%0D%0Ax%2Cy%3Az.yaml::cannot read '"'"'no%25pe%0D%0Ax,y:z.yaml'"'"': No such file or directory'
[ "$(cat out)" = "$want" ] || bad "github line: $(cat out)"
[ ! -s err ] || bad "github: stderr not empty: $(cat err)"
printf 'version: 1\nworkload: {kind: io, peak_concurrency: 10, traits: [x]}\n' >bad.yaml
$ADVISOR check --format json "$name" bad.yaml >out 2>err; rc=$?
[ $rc -eq 2 ] || bad "json: exit $rc"
python3 - out "$name" <<'PY' || fail=1
import json, sys
d = json.load(open(sys.argv[1]))
assert list(d) == ["valid", "errors", "warnings", "files", "diagnostics"], list(d)
assert d["valid"] is False and d["errors"] == 2, d
assert [f["file"] for f in d["files"]] == [sys.argv[2], "bad.yaml"], d["files"]
assert [f["valid"] for f in d["files"]] == [False, False]
for g in d["diagnostics"]:
    assert list(g) == ["file", "line", "col", "level", "message"], list(g)
assert d["diagnostics"][1]["file"] == "bad.yaml" and d["diagnostics"][1]["line"] == 2
assert d["diagnostics"][1]["col"] == 53 and d["diagnostics"][1]["level"] == "error"
PY
exit $fail
