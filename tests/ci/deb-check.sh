#!/bin/sh
# Checks the Debian package that `make deb` built (run by `make deb-check`).
#
#   sh tests/ci/deb-check.sh DIR      # DIR holds advisor_*.deb
#
# 1. dpkg-deb --contents lists the binary, the rule and knowledge bases,
#    the man page, the three completions, the copyright and changelog, and
#    nothing under /usr/local; files are 0644, the binary 0755, all root's.
# 2. The control file has every field, Depends computed, the version the
#    Makefile builds.
# 3. Unpacked with dpkg -x into a private root, usr/bin/advisor runs from
#    another folder and finds its data at bin/../share/advisor.
# 4. lintian reports no error (E:); warnings are printed.
# Ends with the line "N passed, N failed".
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$1
deb=$(ls "$dir"/advisor_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { echo "deb-check: no package in $dir" >&2; exit 1; }
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT INT TERM

echo "== $deb"
dpkg-deb --contents "$deb" >"$scratch/contents"
for f in usr/bin/advisor usr/share/advisor/rules/concurrency.yaml \
	usr/share/advisor/knowledge/runtime-go.md usr/share/man/man1/advisor.1.gz \
	usr/share/bash-completion/completions/advisor \
	usr/share/zsh/vendor-completions/_advisor \
	usr/share/fish/vendor_completions.d/advisor.fish \
	usr/share/doc/advisor/copyright usr/share/doc/advisor/changelog.Debian.gz \
	usr/share/doc/advisor/README.md usr/share/doc/advisor/cli.md; do
	if grep -q " \./$f\$" "$scratch/contents"; then ok "contains $f"; else bad "missing $f"; fi
done
n_rules=$(ls "$root"/rules/*.yaml | wc -l)
n_got=$(grep -c ' \./usr/share/advisor/rules/.*\.yaml$' "$scratch/contents")
[ "$n_rules" = "$n_got" ] && ok "all $n_rules rule files" || bad "$n_got rule files of $n_rules"
n_kb=$(ls "$root"/knowledge/*.md | wc -l)
n_got=$(grep -c ' \./usr/share/advisor/knowledge/.*\.md$' "$scratch/contents")
[ "$n_kb" = "$n_got" ] && ok "all $n_kb knowledge files" || bad "$n_got knowledge files of $n_kb"
if grep -q ' \./usr/local' "$scratch/contents"; then bad "files under /usr/local"; else ok "nothing under /usr/local"; fi
# Owner root/root; directories and the binary 0755, other files 0644.
odd=$(awk '$2 != "root/root" { print $NF; next }
	$1 ~ /^d/ && $1 != "drwxr-xr-x" { print $NF; next }
	$1 ~ /^-/ && $NF == "./usr/bin/advisor" && $1 != "-rwxr-xr-x" { print $NF; next }
	$1 ~ /^-/ && $NF != "./usr/bin/advisor" && $1 != "-rw-r--r--" { print $NF }' "$scratch/contents")
[ -z "$odd" ] && ok "owners root/root, modes 0755/0644" || bad "owner or mode of: $odd"

version=$(sed -n 's/^VERSION *:= *//p' "$root/Makefile")
for field in Package Version Architecture Maintainer Installed-Size Depends Section Priority Description; do
	v=$(dpkg-deb --field "$deb" "$field")
	[ -n "$v" ] && ok "control $field: $(echo "$v" | head -n 1 | cut -c1-60)" || bad "control $field empty"
done
case $(dpkg-deb --field "$deb" Version) in
"$version"-*) ok "version from the Makefile ($version)" ;;
*) bad "version $(dpkg-deb --field "$deb" Version), Makefile says $version" ;;
esac
dpkg-deb --field "$deb" Depends | grep -q 'libyaml' && ok "Depends names libyaml" || bad "Depends lacks libyaml"

# Unpack as a user would see it installed, but under a private root, and
# run it from a folder that is neither the source tree nor the package.
dpkg -x "$deb" "$scratch/root"
mkdir "$scratch/run"
readelf -S "$scratch/root/usr/bin/advisor" | grep -q '\.symtab\|\.debug_' && bad "binary not stripped" || ok "binary stripped"
readelf -n "$scratch/root/usr/bin/advisor" | grep -q 'Build ID' && ok "binary keeps its build-id" || bad "binary has no build-id"
if (cd "$scratch/run" && env -u ADVISOR_DATADIR ADVISOR_SRCDIR= \
	"$scratch/root/usr/bin/advisor" recommend "$root/docs/examples/web-api.yaml" --no-probes \
	-o note.md -o note.json) 2>"$scratch/err" &&
	grep -q '^# ' "$scratch/run/note.md" && grep -q '(rules/[a-z]*\.yaml:[0-9]*)' "$scratch/run/note.md" &&
	grep -q '"runtime"' "$scratch/run/note.json"; then
	ok "dpkg -x root: usr/bin/advisor recommends from another folder with its own data"
else
	bad "dpkg -x root: usr/bin/advisor recommend failed"
	sed 's/^/    /' "$scratch/err" | head -n 5
fi
# The control: without bin/../share/advisor the same run fails, so the
# run above read the package's data (unless advisor is installed here).
if [ ! -e /usr/share/advisor ]; then
	mv "$scratch/root/usr/share/advisor" "$scratch/aside"
	(cd "$scratch/run" && env -u ADVISOR_DATADIR "$scratch/root/usr/bin/advisor" recommend \
		"$root/docs/examples/web-api.yaml" --no-probes -o none.md) 2>"$scratch/err"
	[ $? -eq 2 ] && ok "without share/advisor beside it, the same run fails (exit 2)" ||
		bad "the run succeeded without the package's data folder"
	mv "$scratch/aside" "$scratch/root/usr/share/advisor"
fi
if "$scratch/root/usr/bin/advisor" --version | grep -q "^advisor $version\$"; then
	ok "usr/bin/advisor --version says $version"
else
	bad "usr/bin/advisor --version: $("$scratch/root/usr/bin/advisor" --version 2>&1)"
fi
zcat "$scratch/root/usr/share/man/man1/advisor.1.gz" | grep -q '^\.SH OPTIONS' && ok "man page readable" || bad "man page unreadable"

# lintian: errors fail, warnings and overridden tags are shown.
lintian --pedantic -I --show-overrides "$deb" >"$scratch/lintian" 2>&1
sed -n '/^[EWIPO]:/p' "$scratch/lintian" | sed 's/^/    /'
if grep -q '^E:' "$scratch/lintian"; then
	bad "lintian reports errors"
else
	ok "lintian: no errors ($(grep -c '^W:' "$scratch/lintian") warnings)"
fi

echo "deb-check: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
