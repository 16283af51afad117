# Diagnostics on long lines and many problems: an error at column 1,000,000,
# and ten of them, are reported with their place and a short excerpt of the
# line; a file with more problems than are shown ends with a note saying how
# many were left out.  (Speed is measured by `make bench`, not here.)
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
fail=0
no() { echo "FAIL: $*"; fail=1; }

# project: {description: "<pad>", nmae: x}: 'nmae' starts at column pad + 28.
pad() { awk -v n="$1" 'BEGIN { s = "xxxxxxxxxx"; while (length(s) < n) s = s s; printf "%s", substr(s, 1, n) }'; }
shown_ok() {	# every line of err.txt is short (100 columns; the ellipsis is 3 bytes)
	awk 'length($0) > 106 { bad = 1 } END { exit bad }' err.txt || no "$1: a line of more than 100 columns"
}

{ printf 'version: 1\nproject: {description: "'; pad 999972; printf '", nmae: x}\nworkload: {kind: io, peak_concurrency: 10}\n'; } >one.yaml
timeout 20 $ADVISOR check one.yaml 2>err.txt
rc=$?
[ $rc = 2 ] || no "one: exit $rc, expected 2"
grep -qF "one.yaml:2:1000000: error: unknown key 'nmae' in project (did you mean 'name'?)" err.txt ||
	{ no "one: no error at 2:1000000"; head -c 600 err.txt; }
grep -q '^  .*nmae: x}$' err.txt || no "one: the excerpt does not show the key"
shown_ok one

{ printf 'version: 1\nproject: {description: "'; pad 999972
  printf '"'; i=0; while [ $i -lt 10 ]; do printf ', k%d: 1' $i; i=$((i + 1)); done
  printf '}\nworkload: {kind: io, peak_concurrency: 10}\n'; } >ten.yaml
timeout 20 $ADVISOR check ten.yaml 2>err.txt
rc=$?
[ $rc = 2 ] || no "ten: exit $rc, expected 2"
n=$(grep -c "^ten.yaml:2:[0-9]*: error: unknown key 'k[0-9]' in project" err.txt)
[ "$n" = 10 ] || no "ten: $n errors reported, expected 10"
grep -q "^ten.yaml:2:1000000: error: unknown key 'k0'" err.txt || no "ten: k0 not at 2:1000000"
shown_ok ten

# 30 unknown keys and two missing ones: 20 shown, then the note.
{ i=0; while [ $i -lt 30 ]; do printf 'zz%d: 1\n' $i; i=$((i + 1)); done; } >many.yaml
timeout 20 $ADVISOR check many.yaml 2>err.txt
rc=$?
[ $rc = 2 ] || no "many: exit $rc, expected 2"
n=$(grep -c '^many.yaml:[0-9]*:[0-9]*: error: ' err.txt)
[ "$n" = 20 ] || no "many: $n errors shown, expected 20"
[ "$(tail -n 1 err.txt)" = "many.yaml: note: 12 more errors not shown" ] ||
	{ no "many: last line is not the note"; tail -n 2 err.txt; }
exit $fail
