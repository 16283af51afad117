# Knowledge files at the edges:
# - many sections: every section is read, so a required one that comes after
#   300 others is found (past 256 they used to be dropped, which gave a false
#   "no '## execution-model' section");
# - bad UTF-8 in the front matter or in the body: the message names a
#   knowledge file, with the place of the bad byte.
set -u
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
fail=0
fresh() { rm -rf "$dir/kb" && cp -R "$ADVISOR_SRCDIR/knowledge" "$dir/kb"; }
f="$dir/kb/runtime-go.md"

fresh
# 300 extra sections before the first '## ' heading of the body.
awk 'done == 0 && /^## / { for (i = 1; i <= 300; i++) printf "## Note %d\n\nText %d.\n\n", i, i; done = 1 } { print }' \
	"$f" >"$f.new" && mv "$f.new" "$f"
[ "$(grep -c '^## ' "$f")" -gt 305 ] || { echo "FAIL: the sections were not added"; exit 1; }
out=$(timeout 20 $ADVISOR rules lint --knowledge "$dir/kb" 2>&1)
rc=$?
if [ $rc != 0 ]; then
	echo "FAIL: rules lint with 300 extra sections: exit $rc"
	echo "$out" | head -n 5
	fail=1
fi

# Line 3 of the front matter, then the first line of the body's first section.
for where in 3 body; do
	fresh
	awk -v w="$where" '
		(w == "body" && done == 0 && prev ~ /^## /) { printf "caf\351 "; done = 1 }
		(w == NR) { printf "\377" }
		{ print; prev = $0 }' "$f" >"$f.new" && mv "$f.new" "$f"
	out=$(timeout 20 $ADVISOR rules lint --knowledge "$dir/kb" 2>&1)
	rc=$?
	[ $rc = 2 ] || { echo "FAIL: bad UTF-8 ($where): exit $rc"; fail=1; }
	echo "$out" | grep -q "runtime-go.md:[0-9]*:[0-9]*: error: invalid text: .*(a knowledge file must be UTF-8 text)" ||
		{ echo "FAIL: bad UTF-8 ($where): no knowledge-file error"; echo "$out" | head -n 3; fail=1; }
done
exit $fail
