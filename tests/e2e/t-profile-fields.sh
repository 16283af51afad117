#!/bin/sh
# docs/profile.md's field table is the code's table of profile fields:
# the section between the profile-fields markers must be exactly what
# `advisor check --fields-md` prints.
set -u
doc="$ADVISOR_SRCDIR/docs/profile.md"
sed -n '/<!-- profile-fields:begin -->/,/<!-- profile-fields:end -->/p' "$doc" |
	sed '1d;$d' >doc-fields.md
[ -s doc-fields.md ] || { echo "no profile-fields section in docs/profile.md"; exit 1; }
$ADVISOR check --fields-md >code-fields.md || { echo "check --fields-md failed"; exit 1; }
if ! cmp -s doc-fields.md code-fields.md; then
	echo "docs/profile.md's field table differs from advisor/profile.c's (regenerate it with"
	echo "advisor check --fields-md):"
	diff -u doc-fields.md code-fields.md | head -n 20
	exit 1
fi
