# Robustness: every prefix of a full profile (cut every 5 bytes) and a few
# byte-level corruptions are either valid (exit 0) or reported (exit 2 with a
# FILE:LINE:COL error); never a crash, a hang or another exit code.
set -u
src="$ADVISOR_SRCDIR/tests/cases/check-design-example/profile.yaml"
size=$(wc -c <"$src")
fail=0
check_one() {
	timeout 10 $ADVISOR check -q p.yaml >/dev/null 2>err.txt
	rc=$?
	case $rc in
	0) ;;
	2) grep -q '^p.yaml:[0-9]*:[0-9]*: error: ' err.txt || { echo "FAIL $1: exit 2 without a place"; cat err.txt; fail=1; } ;;
	*) echo "FAIL $1: exit $rc"; cat err.txt; fail=1 ;;
	esac
}
n=1
while [ $n -lt "$size" ]; do
	head -c $n "$src" >p.yaml
	check_one "prefix $n"
	n=$((n + 5))
done
for byte in '\000' '\t' '\377' '{' '[' '&' '*' '"' ':' '-'; do
	for at in 1 17 60 200 400; do
		{ head -c $at "$src"; printf "$byte"; tail -c +$((at + 1)) "$src"; } >p.yaml
		check_one "byte $byte at $at"
	done
done
exit $fail
