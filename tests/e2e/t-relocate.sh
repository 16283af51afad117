# An installed tree is relocatable: a copy of the binary in PREFIX/bin finds
# its rules and knowledge in PREFIX/share/advisor, from any folder, whatever
# prefix was compiled in.
set -e
bin=${ADVISOR##* }
wrap=${ADVISOR% *}
[ "$wrap" != "$ADVISOR" ] || wrap=
mkdir -p relocate/prefix/bin relocate/prefix/share/advisor relocate/elsewhere
cd relocate
cp "$bin" prefix/bin/advisor
cp -R "$ADVISOR_SRCDIR/rules" "$ADVISOR_SRCDIR/knowledge" prefix/share/advisor/
cd elsewhere
env -u ADVISOR_DATADIR $wrap ../prefix/bin/advisor recommend \
	"$ADVISOR_SRCDIR/docs/examples/web-api.yaml" --no-probes -o note.md 2>/dev/null
# Rule files are named relative to the data folder it found.
grep -q '(rules/[a-z-]*\.yaml:[0-9]*)' note.md
