#!/bin/sh
# SIGHUP in the middle of `advisor probe` cleans up like SIGINT (exit 129,
# nothing left in TMPDIR).  A run killed with SIGKILL leaves its scratch
# folder, advisor-probe-PID-XXXXXX; the next run removes it, because that
# pid is gone, and leaves everything else alone: a folder of a live pid,
# links (and what they point at), plain files, other names, and (as root)
# a folder owned by another user.  All of it in a private TMPDIR.
set -u
work=$(mktemp -d "$PWD/probe-stale.XXXXXX")
tmp="$work/tmp"
trap 'rm -rf "$work"' EXIT
mkdir "$tmp"
fail=0
bad() {
	echo "$*"
	fail=1
}
descendants() {
	ps -eo pid=,ppid= | awk -v root="$1" '
		{ parent[$1] = $2 }
		END {
			for (p in parent) {
				q = p
				while (q in parent && q != root && q > 1) q = parent[q]
				if (q == root && p != root) print p
			}
		}'
}

# SIGHUP (made deliverable even if this shell runs under nohup).
TMPDIR="$tmp" env --default-signal=HUP $ADVISOR probe --budget 5 -q -o "$work/hup.json" &
pid=$!
sleep 1.5
kill -HUP $pid
wait $pid
rc=$?
[ $rc -eq 129 ] || bad "SIGHUP: exit $rc, expected 129"
[ -e "$work/hup.json" ] && bad "SIGHUP: output written"
[ -z "$(ls -A "$tmp")" ] || bad "SIGHUP: left in TMPDIR: $(ls -A "$tmp")"

# SIGKILL leaves the scratch folder behind.
TMPDIR="$tmp" $ADVISOR probe --budget 5 -q -o "$work/kill.json" &
dead=$!
sleep 1.5
kids=$(descendants $dead)
kill -KILL $dead
wait $dead
sleep 0.3
for k in $kids; do
	kill -KILL "$k" 2>/dev/null
done
stale=$(ls -d "$tmp"/advisor-probe-$dead-* 2>/dev/null)
[ -n "$stale" ] && [ -d "$stale" ] || bad "SIGKILL: no advisor-probe-$dead-* folder to clean: $(ls -A "$tmp")"

# Things the next run must not touch.
mkdir "$work/victim" "$tmp/advisor-probe-$$-livepi" "$tmp/advisor-probe-abcdef" \
	"$tmp/other-$dead"
touch "$work/victim/keep" "$tmp/advisor-probe-$$-livepi/keep" "$tmp/advisor-probe-abcdef/keep"
ln -s "$work/victim" "$tmp/advisor-probe-$dead-link00"
echo keep >"$tmp/advisor-probe-$dead-file00"
if [ -n "$stale" ]; then
	ln -s "$work/victim" "$stale/link"
	mkdir "$stale/sub"
	touch "$stale/sub/f"
fi
others=""
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	mkdir "$tmp/advisor-probe-$dead-nobody"
	chown nobody "$tmp/advisor-probe-$dead-nobody"
	others="advisor-probe-$dead-nobody"
fi

TMPDIR="$tmp" $ADVISOR probe --budget 0.5 --only thread.spawn -q -o "$work/p.json" 2>"$work/err" ||
	bad "next run: exit $?: $(cat "$work/err")"
[ -n "$stale" ] && [ -e "$stale" ] && bad "the stale folder $stale is still there"
for keep in advisor-probe-$$-livepi/keep advisor-probe-abcdef/keep other-$dead \
	advisor-probe-$dead-link00 advisor-probe-$dead-file00 $others; do
	[ -e "$tmp/$keep" ] || [ -L "$tmp/$keep" ] || bad "removed: $keep"
done
[ -L "$tmp/advisor-probe-$dead-link00" ] || bad "the link was replaced"
[ -f "$work/victim/keep" ] || bad "a link was followed: victim/keep is gone"
left=$(ls "$tmp" | grep "^advisor-probe-[0-9]*-" | grep -v -e "^advisor-probe-$$-livepi$" \
	-e "^advisor-probe-$dead-link00$" -e "^advisor-probe-$dead-file00$" -e "^advisor-probe-$dead-nobody$")
[ -z "$left" ] || bad "left in TMPDIR: $left"
exit $fail
