#!/bin/sh
# Replay servers self-test: every candidate of manifest.yaml whose program is
# installed is built and started in a temporary folder, then asked over
# loopback, then stopped; nothing may be left running, listening or written.
#
#   sh probes/replay/selftest.sh
#
# Node.js is the client and the I/O backend, so it is needed.  Prints one
# line per candidate and "replay-selftest: N passed, N failed"; exits 1 when
# a candidate fails.  Runtimes not installed are skipped with the reason.

set -u
src=$(cd "$(dirname "$0")" && pwd)
# The kernels' test vector (kernels.md): web=2&compute=2&native=2.
expect='ok 3190014839'

command -v node >/dev/null 2>&1 || {
	echo "replay-selftest: node is needed as the test client (apt-get install nodejs)" >&2
	exit 1
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/replay-selftest.XXXXXX") || exit 1
backend_pid=
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill -s KILL -- "-$server_pid" 2>/dev/null
	[ -n "$backend_pid" ] && kill -s KILL -- "-$backend_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Processes of a process group, finished zombies left out (they are gone,
# waiting to be reaped by whoever adopted them); a zombie leader whose other
# threads still run (state Zl) counts.
group_alive() {
	ps -e -o pgid=,stat= | awk -v g="$1" '$1 == g && ($2 !~ /^Z/ || $2 ~ /l/) { n++ }
		END { exit n ? 0 : 1 }'
}

# Local addresses listening on TCP port $1 (IPv4 and IPv6), from /proc; an
# IPv4-mapped IPv6 address (Java's sockets) is shown as the IPv4 one.
listeners() {
	hex=$(printf '%04X' "$1")
	cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
		awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p {
			sub(/^0000000000000000FFFF0000/, "", $2); print $2 }'
}

# Wait up to $2 tenths of a second for "LISTENING <port>" in file $1.
wait_listening() {
	i=0
	while [ "$i" -lt "$2" ]; do
		port=$(sed -n 's/^LISTENING \([0-9][0-9]*\)$/\1/p' "$1" 2>/dev/null | head -n 1)
		[ -n "$port" ] && return 0
		[ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# ---- the I/O backend: answers "OK" to each "WAIT <us>" line after <us> ------
setsid node -e '
require("net").createServer((s) => {
  let b = "";
  s.setNoDelay(true);
  s.setEncoding("latin1");
  s.on("error", () => {});
  s.on("data", (d) => {
    b += d;
    let i;
    while ((i = b.indexOf("\n")) >= 0) {
      const line = b.slice(0, i);
      b = b.slice(i + 1);
      console.log(line);
      const m = /^WAIT ([0-9]+)$/.exec(line);
      setTimeout(() => s.write(m ? "OK\n" : "ERR\n"), m ? Number(m[1]) / 1000 : 0);
    }
  });
}).listen(0, "127.0.0.1", function () { console.log("LISTENING " + this.address().port); });
' </dev/null >>"$tmp/backend.log" 2>&1 &
backend_pid=$!
wait_listening "$tmp/backend.log" 100 "$backend_pid" || {
	echo "replay-selftest: the test backend did not start" >&2
	exit 1
}
backend_port=$port

# ---- the client: every check on one server, one line on failure -----------
client='
const net = require("net");
const port = Number(process.argv[1]), expect = process.argv[2] + "\n";
function conn() {
  return new Promise((ok, ko) => {
    const s = net.connect(port, "127.0.0.1", () => ok(s));
    s.setNoDelay(true);
    s.on("error", ko);
    s.buf = Buffer.alloc(0);
    s.waiters = [];
    s.on("data", (d) => { s.buf = Buffer.concat([s.buf, d]); s.waiters.splice(0).forEach((f) => f()); });
    s.on("close", () => { s.closed = true; s.waiters.splice(0).forEach((f) => f()); });
  });
}
async function get(s, path) {
  const t0 = process.hrtime.bigint();
  s.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  for (;;) {
    const end = s.buf.indexOf("\r\n\r\n");
    if (end >= 0) {
      const head = s.buf.slice(0, end).toString("latin1").split("\r\n");
      const h = {};
      for (const l of head.slice(1)) { const c = l.indexOf(":"); h[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim(); }
      if (!("content-length" in h)) throw new Error(path + ": no Content-Length");
      const n = Number(h["content-length"]);
      if (s.buf.length >= end + 4 + n) {
        const body = s.buf.slice(end + 4, end + 4 + n).toString("latin1");
        s.buf = s.buf.slice(end + 4 + n);
        return { status: Number(head[0].split(" ")[1]), h, body, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
      }
    }
    if (s.closed) throw new Error(path + ": connection closed before the response");
    await new Promise((f) => s.waiters.push(f));
  }
}
function check(cond, what) { if (!cond) throw new Error(what); }
(async () => {
  let s = await conn();
  let r = await get(s, "/health");
  check(r.status === 200 && r.body === "ok\n", "/health: " + r.status + " " + JSON.stringify(r.body));
  s.end();
  s = await conn();
  for (const n of [1, 2]) {
    r = await get(s, "/r?web=2&compute=2&native=2&io_us=0");
    check(r.status === 200, "/r request " + n + " on one connection: status " + r.status);
    check(/^text\/plain/.test(r.h["content-type"] || ""), "/r: Content-Type " + r.h["content-type"]);
    check(r.body === expect, "/r: body " + JSON.stringify(r.body) + ", expected " + JSON.stringify(expect));
  }
  for (const [path, want] of [["/nope", 404], ["/r?web=x", 400], ["/r?web=1&web=1", 400],
                              ["/r?bogus=1", 400], ["/r?web=1000001", 400]]) {
    r = await get(s, path);
    check(r.status === want, path + ": status " + r.status + ", expected " + want);
  }
  r = await get(s, "/r?io_us=20000");
  check(r.status === 200 && /^ok [0-9]+\n$/.test(r.body), "/r?io_us=20000: " + r.status + " " + JSON.stringify(r.body));
  check(r.ms >= 20, "/r?io_us=20000 took " + r.ms.toFixed(1) + " ms, less than 20");
  s.end();
  // Eight waits of 100 ms on eight connections overlap: all within 400 ms.
  const cs = await Promise.all([...Array(8)].map(conn));
  const t0 = Date.now();
  const rs = await Promise.all(cs.map((c) => get(c, "/r?io_us=100000")));
  const ms = Date.now() - t0;
  check(rs.every((x) => x.status === 200), "8 concurrent io_us=100000: not all 200");
  check(ms < 400, "8 concurrent io_us=100000 took " + ms + " ms: the waits did not overlap");
  cs.forEach((c) => c.end());
  console.log("io_us=20000 " + r.ms.toFixed(1) + " ms, 8 x io_us=100000 " + ms + " ms");
})().catch((e) => { console.log(e.message); process.exit(1); });
'

# ---- the manifest, one candidate a line, commands quoted for the shell ----
list=$(node -e '
const fs = require("fs");
const [file, src, tmp] = process.argv.slice(1);
const q = (s) => "'"'"'" + String(s).replace(/'"'"'/g, "'"'"'\\'"'"''"'"'") + "'"'"'";
const cands = [];
let cur = null;
for (const line of fs.readFileSync(file, "utf8").split("\n")) {
  if (/^\s*(#|$)/.test(line) || line === "candidates:") continue;
  let m = /^  - (\w+): (.*)$/.exec(line);
  if (m) cands.push(cur = {}); else m = /^    (\w+): (.*)$/.exec(line);
  if (!m || !cur) throw new Error("manifest: cannot read line: " + line);
  cur[m[1]] = /^(null|true|false|-?[0-9]+|".*"|\[.*\])$/.test(m[2]) ? JSON.parse(m[2]) : m[2];
}
cands.forEach((c, i) => {
  const out = tmp + "/" + i + "/out";
  const sub = (a) => a.map((s) => q(s.split("{src}").join(src).split("{out}").join(out))).join(" ");
  const run = (c.exec ? [c.exec] : [c.program]).concat(c.argv);
  console.log([i, c.runtime, c.model, c.program, c.min_version || "-", q(c.install),
               sub(c.version), c.build ? sub(c.build) : "-", sub(run)].join("\t"));
});
' "$src/manifest.yaml" "$src" "$tmp") || {
	echo "replay-selftest: cannot read $src/manifest.yaml" >&2
	exit 1
}

passed=0
failed=0
skipped=0
tab=$(printf '\t')
while IFS="$tab" read -r i runtime model program minv install version build run; do
	name="$runtime/$model"
	if ! command -v "$program" >/dev/null 2>&1; then
		eval "set -- $install"
		echo "replay-selftest: skip $name: $program not found on PATH (install: $1)"
		skipped=$((skipped + 1))
		continue
	fi
	if [ "$minv" != - ]; then
		eval "set -- $version"
		have=$("$@" 2>&1 | head -n 1 | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p')
		if [ -z "$have" ] || [ "$have" -lt "$minv" ]; then
			echo "replay-selftest: skip $name: needs $program $minv or later, found ${have:-no version}"
			skipped=$((skipped + 1))
			continue
		fi
	fi
	dir=$tmp/$i
	mkdir -p "$dir/out" "$dir/run" "$dir/log"
	why=
	if [ "$build" != - ]; then
		eval "set -- $build"
		if ! (cd "$dir/run" && timeout 300 "$@") >"$dir/log/build" 2>&1; then
			why="build failed: $(tail -n 3 "$dir/log/build" | tr '\n' ' ')"
		fi
	fi
	if [ -z "$why" ]; then
		eval "set -- $run"
		(cd "$dir/run" && ADVISOR_REPLAY_WORKERS=2 ADVISOR_REPLAY_MAX_CONN=16 \
			ADVISOR_REPLAY_BACKEND="127.0.0.1:$backend_port" \
			exec setsid "$@") </dev/null >"$dir/log/stdout" 2>"$dir/log/stderr" &
		server_pid=$!
		t0=$(date +%s)
		if ! wait_listening "$dir/log/stdout" 200 "$server_pid"; then
			why="no LISTENING line within 20 s: $(tail -n 3 "$dir/log/stderr" | tr '\n' ' ')"
		elif [ "$(ps -o pgid= -p "$server_pid" | tr -d ' ')" != "$server_pid" ]; then
			why="the server is not the leader of its own process group"
		else
			start=$(($(date +%s) - t0))
			where=$(listeners "$port" | sort -u | tr '\n' ' ')
			: >"$tmp/backend.log"	# appended to by the backend: from here on, this candidate's calls
			if [ "$where" != "0100007F:$(printf '%04X' "$port") " ]; then
				why="listening on $where, not on 127.0.0.1:$port alone"
			elif ! res=$(node -e "$client" "$port" "$expect" 2>&1); then
				why=$res
			elif [ "$(wc -l <"$dir/log/stdout")" -ne 1 ]; then
				why="more than the LISTENING line on stdout"
			elif ! grep -qx 'WAIT 20000' "$tmp/backend.log"; then
				why="the backend never saw WAIT 20000"
			fi
		fi
		# The leader alone gets SIGTERM: its children must follow it.
		kill -s TERM "$server_pid" 2>/dev/null
		n=0
		while group_alive "$server_pid" && [ "$n" -lt 30 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		if group_alive "$server_pid"; then
			[ -z "$why" ] && why="processes left 3 s after SIGTERM: $(ps -e -o pgid=,pid=,args= |
				awk -v g="$server_pid" '$1 == g { $1 = ""; print }' | tr '\n' ';')"
			kill -s KILL -- "-$server_pid" 2>/dev/null
			sleep 0.2
		fi
		wait "$server_pid" 2>/dev/null
		server_pid=
		n=0
		while [ -n "$(listeners "$port")" ] && [ "$n" -lt 10 ]; do
			sleep 0.1
			n=$((n + 1))
		done
		if [ -z "$why" ] && [ -n "$(listeners "$port")" ]; then
			why="port $port still listening 1 s after the server stopped"
		fi
		if [ -z "$why" ] && [ -n "$(ls -A "$dir/run")" ]; then
			why="files written in its working folder: $(ls -A "$dir/run" | tr '\n' ' ')"
		fi
	fi
	if [ -z "$why" ]; then
		echo "replay-selftest: ok   $name (started in ${start}s; $res)"
		passed=$((passed + 1))
	else
		echo "replay-selftest: FAIL $name: $why"
		failed=$((failed + 1))
	fi
done <<EOF
$list
EOF

echo "replay-selftest: $skipped skipped"
echo "replay-selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
