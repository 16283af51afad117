#!/bin/sh
# Turn a staged install into a Debian binary package.
#
#   sh docs/packaging/build-deb.sh DIR
#
# DIR/root holds `make install-files DESTDIR=DIR/root PREFIX=/usr` (the
# Makefile's `deb` target stages it from a build made with Debian's
# hardening flags).  This script finishes the tree as Debian policy wants
# it, writes DEBIAN/control and DEBIAN/md5sums, and builds
# DIR/advisor_VERSION_ARCH.deb with dpkg-deb.  It prints the package's path.
#
# Environment: DEB_VERSION (e.g. 0.1.0-1, must match the top entry of
# docs/packaging/changelog), DEB_MAINTAINER ("Name <address>").
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=$(cd "$1" && pwd)
root=$out/root
: "${DEB_VERSION:?DEB_VERSION is not set}"
: "${DEB_MAINTAINER:?DEB_MAINTAINER is not set}"
die() { echo "deb: $*" >&2; exit 1; }

[ -x "$root/usr/bin/advisor" ] || die "$root/usr/bin/advisor is missing: stage the install first"
[ ! -e "$root/usr/local" ] || die "the staged tree has files under /usr/local; stage it with PREFIX=/usr"

# The changelog names the version being packaged: bumping VERSION in the
# Makefile needs a new entry there first.
top=$(dpkg-parsechangelog -l "$here/changelog" -SVersion)
[ "$top" = "$DEB_VERSION" ] ||
	die "docs/packaging/changelog starts at $top, the package is $DEB_VERSION: add an entry"
# Every timestamp in the package is the changelog entry's date, so the
# same sources give the same .deb.
SOURCE_DATE_EPOCH=$(dpkg-parsechangelog -l "$here/changelog" -STimestamp)
export SOURCE_DATE_EPOCH

# The binary: stripped of symbols and the compiler's comment, keeping the
# GNU build-id note that debuggers and crash tools match on.
bin=$root/usr/bin/advisor
strip --strip-unneeded --remove-section=.comment "$bin"
readelf -n "$bin" | grep -q 'Build ID' || die "the stripped binary has no build-id"

# Man page and changelog compressed as policy asks (-n: no name or time in
# the gzip header).
man=$root/usr/share/man/man1/advisor.1
[ -f "$man" ] || die "$man is missing"
gzip -9nf "$man"
doc=$root/usr/share/doc/advisor
mkdir -p "$doc"
cp "$here/copyright" "$doc/copyright"
gzip -9n <"$here/changelog" >"$doc/changelog.Debian.gz"
mkdir -p "$root/usr/share/lintian/overrides"
cp "$here/lintian-overrides" "$root/usr/share/lintian/overrides/advisor"

# Owners come from dpkg-deb --root-owner-group; modes are set here, not
# left to the umask of whoever built.
find "$root" -type d -exec chmod 0755 {} +
find "$root" -type f -exec chmod 0644 {} +
chmod 0755 "$root"/usr/bin/*
find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# Depends: the shared libraries the binary links, as dpkg-shlibdeps maps
# them to packages.  It reads the source package's debian/control, which
# the repository does not have: a two-stanza stand-in is enough.
work=$out/shlibs
rm -rf "$work" && mkdir -p "$work/debian"
printf 'Source: advisor\n\nPackage: advisor\nArchitecture: any\n' >"$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O "$bin" 2>"$work/log") ||
	{ cat "$work/log" >&2; die "dpkg-shlibdeps failed"; }
depends=${depends#shlibs:Depends=}
[ -n "$depends" ] || die "dpkg-shlibdeps found no dependencies"

arch=$(dpkg --print-architecture)
size=$(du -sk --apparent-size "$root/usr" | cut -f1)
rm -rf "$root/DEBIAN" && mkdir -p "$root/DEBIAN"
sed -e "s|@VERSION@|$DEB_VERSION|" -e "s|@ARCH@|$arch|" \
	-e "s|@MAINTAINER@|$DEB_MAINTAINER|" -e "s|@SIZE@|$size|" \
	-e "s|@DEPENDS@|$depends|" "$here/control.in" >"$root/DEBIAN/control"
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 0755 "$root/DEBIAN"
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
touch -d "@$SOURCE_DATE_EPOCH" "$root/DEBIAN" "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

deb=$out/advisor_${DEB_VERSION}_$arch.deb
rm -f "$out"/advisor_*.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
echo "$deb"
