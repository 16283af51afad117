# Every template of `advisor init` writes a profile that `advisor check` accepts.
set -e
for t in web-api cpu-batch ml-service streaming; do
	$ADVISOR init --template "$t" -o "tpl-$t.yaml" --force 2>/dev/null
	$ADVISOR check "tpl-$t.yaml" >/dev/null
	grep -q '^version: 1' "tpl-$t.yaml"
	rm -f "tpl-$t.yaml"
done
# No temporary file is left behind by init.
! ls .advisor-* 2>/dev/null
