#!/bin/sh
# An output that names an input is refused before any work, with exit 1,
# and the input is left byte for byte: the profile (by name, through a
# link, through a hard link), the probe cache, --rules files and folders,
# the --knowledge folder and the built-in rule and knowledge bases.
set -u
work=$(mktemp -d "$PWD/output-refuse.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
bad() {
	echo "$*"
	fail=1
}
src=$ADVISOR_SRCDIR
cp "$src/docs/examples/web-api.yaml" p.yaml
cp p.yaml p.orig
cp "$src/docs/examples/probes.json" cache.json
cp cache.json cache.orig
mkdir rules knowledge
cp "$src/rules/gil.yaml" rules/
cp "$src/knowledge/"*.md knowledge/
ln -s p.yaml p-link
ln p.yaml p-hard

# refuse EXPECTED-WORDS ARGS...: exit 1, the message, nothing changed.
refuse() {
	words=$1
	shift
	$ADVISOR "$@" 2>err >out
	rc=$?
	[ $rc -eq 1 ] || bad "$*: exit $rc, expected 1"
	grep -q "$words" err || bad "$*: message lacks '$words': $(cat err)"
	grep -q 'refusing to' err || bad "$*: message: $(cat err)"
	cmp -s p.yaml p.orig || bad "$*: the profile changed"
	cmp -s cache.json cache.orig || bad "$*: the cache changed"
	[ -L p-link ] || bad "$*: p-link is no longer a link"
	[ "$(stat -c %i p.yaml)" = "$(stat -c %i p-hard)" ] || bad "$*: the hard link was broken"
	ls -A . rules knowledge | grep -q '^\.advisor-' && bad "$*: temporary file left"
	[ -s out ] && bad "$*: wrote to stdout"
}

refuse "is the input profile" recommend p.yaml --no-probes -o p.yaml
refuse "is the input profile" recommend ./p.yaml --no-probes -o "$work/p.yaml"
refuse "is the input profile" recommend p.yaml --no-probes -o p-link
refuse "is the input profile" recommend p-link --no-probes -o p.yaml
refuse "is the input profile" recommend p.yaml --no-probes -o p-hard
refuse "is the input profile" recommend p.yaml --format json --no-probes -o p.yaml
# Refused before the probes run: this would take seconds otherwise.
refuse "is the input profile" recommend p.yaml --budget 5 -o p.yaml
refuse "is the probe cache" recommend p.yaml --probes-from cache.json -o cache.json
refuse "is the probe cache" recommend p.yaml --probes-from ./cache.json -o "$work/cache.json"

cp rules/gil.yaml rules.orig
refuse "is the rules given with --rules" recommend p.yaml --no-probes --rules rules/gil.yaml -o rules/gil.yaml
refuse "lies inside the rules given with --rules" recommend p.yaml --no-probes --rules rules -o rules/note.md
refuse "lies inside the rules given with --rules" recommend p.yaml --no-probes --rules rules -o rules/gil.yaml
cmp -s rules/gil.yaml rules.orig || bad "the rule file changed"
[ -e rules/note.md ] && bad "rules/note.md was written"
refuse "lies inside the knowledge base given with --knowledge" \
	recommend p.yaml --no-probes --knowledge knowledge -o knowledge/note.md
[ -e knowledge/note.md ] && bad "knowledge/note.md was written"

# The built-in bases, from a private copy of the data folder.
mkdir data
cp -R rules knowledge data/
cp "$src/rules/"*.yaml data/rules/
export ADVISOR_DATADIR="$work/data"
refuse "lies inside the built-in rule base" recommend p.yaml --no-probes -o data/rules/note.md
refuse "lies inside the built-in knowledge base" init -o data/knowledge/p.yaml
refuse "lies inside the built-in rule base" probe --only thread.spawn -o data/rules/probes.json
ls data/rules data/knowledge | grep -q 'note.md\|p.yaml\|probes.json' && bad "wrote into the data folder"

# Not refused: a file beside the inputs, and standard output.
$ADVISOR recommend p.yaml --no-probes -o note.md 2>err || bad "note.md: exit $?: $(cat err)"
$ADVISOR recommend p.yaml --no-probes -o - >out.md 2>err || bad "stdout: exit $?: $(cat err)"
cmp -s p.yaml p.orig || bad "the profile changed"
exit $fail
