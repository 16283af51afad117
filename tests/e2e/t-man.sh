#!/bin/sh
# The man page names every option of every command (from the command
# table, 'advisor help --list-options'), has the usual sections, the exit
# statuses of docs/cli.md and the signals, and points only at documents
# that exist and are installed.
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
man="$ADVISOR_SRCDIR/docs/advisor.1"
$ADVISOR help --list-options >options.txt || bad "help --list-options: exit $?"
# In roff every '-' of an option is written '\-'.
roff() { printf '%s' "$1" | sed 's/-/\\-/g'; }
while read -r cmd short long arg; do
	grep -qF -- "$(roff "$long")" "$man" || bad "man page: no $long ($cmd)"
	# -x as \-x, not followed by a letter (\-\-xyz does not count).
	if [ "$short" != - ]; then
		grep -qE -- "\\\\-${short#-}([^A-Za-z]|\$)" "$man" || bad "man page: no $short ($cmd)"
	fi
done <options.txt
for c in $($ADVISOR help --list-commands); do
	grep -q "^\.B $c\$" "$man" || bad "man page: command $c not under COMMANDS"
done
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" ENVIRONMENT FILES EXAMPLES "SEE ALSO"; do
	grep -q "^\.SH $s\$" "$man" || bad "man page: no section $s"
done
for code in 0 1 2 3 4 130 143; do
	grep -q "^\.B $code\$" "$man" || bad "man page: exit status $code missing"
done
for v in ADVISOR_DATADIR TMPDIR; do
	grep -q "^\.B $v\$" "$man" || bad "man page: $v missing"
done
# SEE ALSO: each document named exists (make install puts docs/*.md and
# README.md under share/doc/advisor).
sed -n '/^\.SH SEE ALSO/,$p' "$man" | sed -n 's/^\.IR \([A-Za-z]*\.md\).*/\1/p' >docs.txt
[ -s docs.txt ] || bad "SEE ALSO names no document"
while read -r d; do
	[ -f "$ADVISOR_SRCDIR/docs/$d" ] || [ -f "$ADVISOR_SRCDIR/$d" ] || bad "SEE ALSO: $d does not exist"
done <docs.txt
grep -q 'http' "$man" && bad "man page points at a URL"
if command -v groff >/dev/null 2>&1; then
	groff -man -Tutf8 -ww -z "$man" >groff.txt 2>&1 || bad "groff failed"
	[ ! -s groff.txt ] || bad "groff warnings: $(cat groff.txt)"
fi
exit $fail
