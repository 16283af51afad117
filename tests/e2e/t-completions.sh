#!/bin/sh
# The shell completions: bash completes commands, every option of every
# command (from 'advisor help --list-options'), formats, templates and rule
# ids; the zsh and fish files name every option and parse (when those
# shells are installed).
set -u
fail=0
bad() { echo "FAIL: $*"; fail=1; }
dir="$ADVISOR_SRCDIR/docs/completions"
# A command named like the installed one, for the completion-time look-ups.
mkdir -p bin
printf '#!/bin/sh\nexec %s "$@"\n' "$ADVISOR" >bin/advisor
chmod +x bin/advisor
$ADVISOR help --list-options >options.txt || bad "help --list-options: exit $?"
[ -s options.txt ] || bad "no option table"

# complete WORD...: the candidates bash offers for the last word.
complete_bash() {
	bash -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_advisor; printf "%s\n" "${COMPREPLY[@]}"' sh "$dir/advisor.bash" "$PWD/bin/advisor" "$@"
}
has() { # has WORD WORD... -- CANDIDATE: the completion of WORDs offers CANDIDATE
	want=$1; shift
	complete_bash "$@" >got.txt 2>err.txt || bad "bash completion failed for '$*': $(cat err.txt)"
	grep -qx -- "$want" got.txt || bad "bash: '$*' does not offer '$want': $(tr '\n' ' ' <got.txt)"
}
for c in $($ADVISOR help --list-commands); do
	has "$c" ""
done
has recommend rec
while read -r cmd short long arg; do
	[ "$cmd" = global ] && continue
	has "$long" "$cmd" "-"
	[ "$short" = - ] || has "$short" "$cmd" "-"
done <options.txt
has --quiet -
has --version --v
has table probe -f ""
has github check --format ""
has markdown diff -f ""
has score diff a.json b.json --fail-on ""
has madr recommend p.yaml -f ""
has streaming init --template ""
has cpu-batch -q init -t ""
first_rule=$($ADVISOR rules list | head -n 1 | cut -d' ' -f1)
has "$first_rule" rules show ""
has lint rules ""
: >prof.yaml
has prof.yaml check ""
has diff help d

# zsh and fish: every long option is named, and the file parses.
while read -r cmd short long arg; do
	[ "$cmd" = global ] && continue
	grep -q -- "$long" "$dir/_advisor" || bad "zsh: no $long for $cmd"
	grep -q -- "-l ${long#--}" "$dir/advisor.fish" || bad "fish: no $long for $cmd"
done <options.txt
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$dir/_advisor" || bad "zsh: _advisor does not parse"
else
	echo "note: zsh not installed; _advisor not parsed"
fi
if command -v fish >/dev/null 2>&1; then
	fish --no-execute "$dir/advisor.fish" || bad "fish: advisor.fish does not parse"
	PATH="$PWD/bin:$PATH" fish -c "source '$dir/advisor.fish'; complete -C 'advisor init --template '" \
		>fish.txt 2>&1 || bad "fish: completing failed: $(cat fish.txt)"
	grep -q '^streaming' fish.txt || bad "fish: no templates: $(cat fish.txt)"
else
	echo "note: fish not installed; advisor.fish not parsed"
fi
exit $fail
