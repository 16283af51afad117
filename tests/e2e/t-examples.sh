# docs/examples is up to date: regenerating every example in every format
# (as `recommend --list-formats` names them) from its profile and the
# recorded probe cache gives the committed bytes (this is also the
# reproducibility check: same cache, same report).
set -u
cd "$ADVISOR_SRCDIR"
fail=0
n=0
formats=$($ADVISOR recommend --list-formats | awk '{ print $1 "=" $2 }')
nformats=$(printf '%s\n' $formats | wc -l)
[ "$nformats" -ge 4 ] || { echo "FAIL: --list-formats lists $nformats formats"; exit 1; }
for f in docs/examples/*.yaml; do
	base=${f%.yaml}
	for row in $formats; do
		fmt=${row%%=*}
		ext=${row#*=}
		if ! $ADVISOR recommend "$f" --probes-from docs/examples/probes.json --format $fmt >"$OLDPWD/ex.out" 2>"$OLDPWD/ex.err"; then
			echo "FAIL $base.$ext: recommend failed: $(cat "$OLDPWD/ex.err")"
			fail=1
			continue
		fi
		n=$((n + 1))
		if ! cmp -s "$OLDPWD/ex.out" "$base.$ext"; then
			echo "FAIL $base.$ext is out of date (run 'make examples')"
			diff "$base.$ext" "$OLDPWD/ex.out" | head -n 10
			fail=1
		fi
	done
done
[ "$n" -ge $((4 * nformats)) ] || { echo "FAIL: only $n example files"; fail=1; }
exit $fail
