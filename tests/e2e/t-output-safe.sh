#!/bin/sh
# -o never replaces what is not a regular file: a FIFO and a character
# device are written in place, a symbolic link (or a chain of them) is
# followed and its target replaced, an existing file keeps its mode, a
# folder and a link loop are errors, /dev/stdout is the descriptor already
# open.  Everything happens in a private folder; the device node is made
# only when running as root, in that folder.
set -u
work=$(mktemp -d "$PWD/output-safe.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
fail=0
bad() {
	echo "$*"
	fail=1
}
cp "$ADVISOR_SRCDIR/docs/examples/web-api.yaml" p.yaml

# A FIFO with a reader: written in place, still a FIFO afterwards.
mkfifo fifo
timeout 20 cat fifo >fifo.out &
reader=$!
timeout 20 $ADVISOR init -o fifo 2>err || bad "fifo: exit $?: $(cat err)"
wait $reader
[ -p fifo ] || bad "fifo: no longer a FIFO"
grep -q '^workload:' fifo.out || bad "fifo: the reader got no profile"

# A chain of two links: the final target is replaced, the links stay links.
echo old >target.md
ln -s target.md link1
ln -s link1 link2
$ADVISOR recommend p.yaml --no-probes -o link2 2>err || bad "link: exit $?: $(cat err)"
[ -L link1 ] && [ -L link2 ] || bad "link: a link was replaced"
[ "$(readlink link2)" = link1 ] || bad "link: link2 changed"
grep -q '^# Design note' target.md || bad "link: target not written"
ls -A | grep -q '^\.advisor-' && bad "link: temporary file left"

# A link into another folder: the temporary file goes there, not here.
mkdir other
echo old >other/t.md
ln -s other/t.md far
$ADVISOR recommend p.yaml --no-probes -o far 2>err || bad "far link: exit $?: $(cat err)"
[ -L far ] && grep -q '^# Design note' other/t.md || bad "far link: target not written"

# A dangling link: its target is created.
ln -s made.md dangling
$ADVISOR init -o dangling 2>err || bad "dangling: exit $?: $(cat err)"
[ -L dangling ] && [ -f made.md ] || bad "dangling: target not created through the link"

# A link loop is an error that names the reason.
ln -s loop-b loop-a
ln -s loop-a loop-b
$ADVISOR init -o loop-a 2>err
rc=$?
[ $rc -ne 0 ] || bad "loop: exit 0"
grep -q 'Too many levels of symbolic links' err || bad "loop: no reason: $(cat err)"
[ -L loop-a ] && [ -L loop-b ] || bad "loop: a link was replaced"

# A bad output fails before any work (no probe runs), as a usage error.
for o in loop-a missing-folder/x.md dir-later; do
	[ "$o" = dir-later ] && mkdir -p dir-later
	$ADVISOR recommend p.yaml --budget 1 -o "$o" 2>err
	rc=$?
	[ $rc -eq 1 ] || bad "early $o: exit $rc, expected 1: $(cat err)"
	grep -q "cannot write '$o'" err || bad "early $o: message: $(cat err)"
	grep -q 'probe' err && bad "early $o: probes ran: $(cat err)"
done

# Existing files keep their mode: 0444 and 0600.
for mode in 444 600; do
	echo old >m$mode.md
	chmod $mode m$mode.md
	$ADVISOR recommend p.yaml --no-probes -o m$mode.md 2>err || bad "mode $mode: exit $?: $(cat err)"
	[ "$(stat -c %a m$mode.md)" = $mode ] || bad "mode $mode: now $(stat -c %a m$mode.md)"
	grep -q '^# Design note' m$mode.md || bad "mode $mode: not written"
done

# A new file gets 0666 less the umask.
(umask 027 && $ADVISOR init -o new.yaml 2>err) || bad "new: exit $?"
[ "$(stat -c %a new.yaml)" = 640 ] || bad "new: mode $(stat -c %a new.yaml), expected 640"

# init still refuses to overwrite a file, also through a link.
cp new.yaml keep.yaml
ln -s keep.yaml keep-link
$ADVISOR init --template cpu-batch -o keep-link 2>err
[ $? -eq 1 ] || bad "init overwrite: expected exit 1"
cmp -s new.yaml keep.yaml || bad "init overwrite: file changed"
grep -q 'already exists' err || bad "init overwrite: message: $(cat err)"

# A folder is an error.
mkdir dir
$ADVISOR init -o dir 2>err
[ $? -ne 0 ] && [ -d dir ] && grep -q 'Is a directory' err || bad "folder: $(cat err)"

# /dev/stdout is the descriptor the command holds (here: a file of ours).
$ADVISOR init -o /dev/stdout >stdout.yaml 2>err || bad "stdout: exit $?: $(cat err)"
grep -q '^workload:' stdout.yaml || bad "stdout: nothing written"
$ADVISOR init -o /dev/stdout 2>err | grep -q '^workload:' || bad "stdout pipe: nothing read"

# A Unix socket someone listens on is connected to and written.
if command -v python3 >/dev/null; then
	timeout 20 python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind("sock"); s.listen(1)
print("ready", flush=True)
c, _ = s.accept()
data = b""
while True:
    b = c.recv(65536)
    if not b: break
    data += b
open("sock.out", "wb").write(data)
' >ready &
	listener=$!
	n=0
	while ! grep -q ready ready 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	timeout 20 $ADVISOR init -o sock 2>err || bad "socket: exit $?: $(cat err)"
	wait $listener
	[ -S sock ] || bad "socket: no longer a socket"
	grep -q '^workload:' sock.out || bad "socket: nothing received"
fi

# As root only: a private character device node (the null device) stays one.
if [ "$(id -u)" -eq 0 ]; then
	mknod nulldev c 1 3 || bad "mknod failed"
	$ADVISOR recommend p.yaml --no-probes -o nulldev 2>err || bad "device: exit $?: $(cat err)"
	[ -c nulldev ] || bad "device: nulldev is no longer a character device"
	[ "$(stat -c '%t,%T' nulldev)" = "1,3" ] || bad "device: numbers changed"
	ln -s nulldev nulllink
	$ADVISOR init -o nulllink 2>err || bad "device link: exit $?: $(cat err)"
	[ -L nulllink ] && [ -c nulldev ] || bad "device link: replaced"
fi
exit $fail
