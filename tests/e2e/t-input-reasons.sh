#!/bin/sh
# --rules and --knowledge naming a symbolic link loop or a missing folder
# fail with exit 2 and the path and reason.
set -u
work=$(mktemp -d "$PWD/input-reasons.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
cp "$ADVISOR_SRCDIR/docs/examples/web-api.yaml" p.yaml
ln -s loop-b loop-a
ln -s loop-a loop-b
for opt in rules knowledge; do
	folder=rules
	[ $opt = knowledge ] && folder=knowledge
	$ADVISOR recommend p.yaml --no-probes --$opt loop-a >out 2>err
	rc=$?
	[ $rc -eq 2 ] || { echo "--$opt loop: exit $rc, expected 2"; fail=1; }
	grep -qF "cannot read the $folder folder 'loop-a': Too many levels of symbolic links" err ||
		{ echo "--$opt loop: $(cat err)"; fail=1; }
	$ADVISOR recommend p.yaml --no-probes --$opt gone/away >out 2>err
	rc=$?
	[ $rc -eq 2 ] || { echo "--$opt missing: exit $rc, expected 2"; fail=1; }
	grep -qF "cannot read the $folder folder 'gone/away': No such file or directory" err ||
		{ echo "--$opt missing: $(cat err)"; fail=1; }
done
exit $fail
