"""Replay server for Python (standard library only).  See ../README.md.

    python3 server.py --model event-loop|gil-threads|process-pool [--order FILE]

event-loop    asyncio streams on one loop, a minimal HTTP/1.1 keep-alive
              parser written here; every kernel runs in the handler
gil-threads   http.server.ThreadingHTTPServer speaking HTTP/1.1: a thread
              per connection, at most ADVISOR_REPLAY_MAX_CONN at once
process-pool  the listening socket is bound once, then ADVISOR_REPLAY_WORKERS
              processes are forked; each runs the asyncio server of
              event-loop on the shared socket, and leaves when the parent
              dies (end of file on a pipe the parent holds open)
"""

import asyncio
import hashlib
import http.server
import json
import os
import socket
import sys
import threading

MASK = 0xFFFFFFFF


def fail(msg):
    sys.stderr.write("replay python: %s\n" % msg)
    sys.exit(2)


def env_int(name, default):
    v = os.environ.get(name, "")
    if v == "":
        return default
    if not v.isdigit() or int(v) < 1:
        fail("%s=%s: not a positive integer" % (name, v))
    return int(v)


# ---- kernels (kernels.md) ----------------------------------------------------

def fold(acc, v):
    return (acc * 31 + (v & MASK)) & MASK


X = [(i % 97) / 97 for i in range(1000)]
B = bytes((i * 31 + 7) & 0xFF for i in range(4096))


def euros(c):
    return "%d.%02d" % (c // 100, c % 100)


def web_kernel(acc, order_text, j):
    doc = json.loads(order_text)
    lines = []
    total = 0
    for it in doc["items"]:
        cents = it["qty"] * it["unit_cents"]
        total += cents
        lines.append("%s %s x%d = %s" % (it["sku"], it["name"], it["qty"], euros(cents)))
    total += doc["shipping"]["cents"]
    out = json.dumps({
        "order": doc["id"], "customer": doc["customer"]["name"], "seq": j,
        "lines": lines, "total_cents": total, "total": euros(total),
    }, separators=(",", ":"))
    return fold(fold(acc, len(out)), total)


def compute_kernel(acc, j):
    s = 0.0
    h = 2166136261 ^ j
    for i in range(1000):
        v = X[i]
        s = s * 0.5 + v * v * 0.25 + v * 0.125
        h = ((h ^ i) * 16777619) & MASK
    m = {}
    for i in range(200):
        m[(i * 7919 + j) % 1000] = i
    t = 0
    for i in range(200):
        t += m[(i * 7919 + j) % 1000]
    return fold(fold(fold(acc, h), int(s * 1e6)), t)


def native_kernel(acc):
    d = hashlib.sha256(B).digest()
    return fold(acc, int.from_bytes(d[:4], "big"))


def run_kernels(order_text, r):
    acc = 0
    for j in range(r["web"]):
        acc = web_kernel(acc, order_text, j)
    for j in range(r["compute"]):
        acc = compute_kernel(acc, j)
    for _ in range(r["native"]):
        acc = native_kernel(acc)
    return acc


KEYS = ("web", "compute", "native", "io_us")


def parse_query(q):
    """web, compute, native, io_us: each at most once, 0..1000000."""
    r = dict.fromkeys(KEYS, 0)
    if q == "":
        return r
    seen = set()
    for part in q.split("&"):
        k, eq, v = part.partition("=")
        if (not eq or k not in KEYS or k in seen or not (1 <= len(v) <= 7)
                or not v.isascii() or not v.isdigit() or int(v) > 1000000):
            return None
        seen.add(k)
        r[k] = int(v)
    return r


def route(method, target):
    """(status, query dict or None, body) for a request target."""
    path, _, query = target.partition("?")
    if method != "GET":
        return 405, None, "method not allowed\n"
    if path == "/health":
        return 200, None, "ok\n"
    if path != "/r":
        return 404, None, "not found\n"
    r = parse_query(query)
    if r is None:
        return 400, None, "bad request\n"
    return 200, r, None


REASONS = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           413: "Payload Too Large", 431: "Request Header Fields Too Large",
           501: "Not Implemented", 502: "Bad Gateway"}


def backend_address():
    b = os.environ.get("ADVISOR_REPLAY_BACKEND", "")
    if not b:
        return None
    host, _, port = b.rpartition(":")
    return host, int(port)


# ---- asyncio server (event-loop, and each process of process-pool) ----------

class AsyncBackend:
    """Keep-alive connections to the backend, one per call in flight."""

    def __init__(self, addr):
        self.addr = addr
        self.idle = []

    async def call(self, us):
        if self.idle:
            reader, writer = self.idle.pop()
        else:
            reader, writer = await asyncio.open_connection(*self.addr)
        try:
            writer.write(b"WAIT %d\n" % us)
            line = await reader.readline()
        except BaseException:
            writer.close()
            raise
        if line != b"OK\n":
            writer.close()
            raise OSError("backend said %r" % line)
        self.idle.append((reader, writer))


def response(status, body, keep):
    b = body.encode()
    return (b"HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%s\r\n"
            % (status, REASONS[status].encode(), len(b),
               b"" if keep else b"Connection: close\r\n")) + b


class AsyncServer:
    def __init__(self, order_text, max_conn):
        self.order = order_text
        self.max_conn = max_conn
        self.open = 0
        addr = backend_address()
        self.backend = AsyncBackend(addr) if addr else None

    async def request(self, method, target):
        status, r, body = route(method, target)
        if r is None:
            return status, body
        acc = run_kernels(self.order, r)
        if r["io_us"] > 0 and self.backend:
            try:
                await self.backend.call(r["io_us"])
            except (OSError, EOFError) as e:
                return 502, "backend: %s\n" % e
        return 200, "ok %d\n" % acc

    async def connection(self, reader, writer):
        if self.open >= self.max_conn:
            writer.close()
            return
        self.open += 1
        try:
            while await self.one_request(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            self.open -= 1
            writer.close()

    async def one_request(self, reader, writer):
        """Serve one request; False when the connection is to be closed."""
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError:
            return False
        except asyncio.LimitOverrunError:
            writer.write(response(431, "header too large\n", False))
            return False
        lines = head[:-4].decode("latin-1").split("\r\n")
        parts = lines[0].split(" ")
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            writer.write(response(400, "bad request\n", False))
            return False
        method, target, version = parts
        keep = version == "HTTP/1.1"
        length = 0
        for line in lines[1:]:
            name, colon, value = line.partition(":")
            if not colon:
                writer.write(response(400, "bad request\n", False))
                return False
            name = name.strip().lower()
            value = value.strip().lower()
            if name == "connection":
                if "close" in value:
                    keep = False
                elif "keep-alive" in value:
                    keep = True
            elif name == "content-length":
                if not value.isdigit() or int(value) > 65536:
                    writer.write(response(413, "body too large\n", False))
                    return False
                length = int(value)
            elif name == "transfer-encoding":
                writer.write(response(501, "chunked bodies not supported\n", False))
                return False
        if length:
            await reader.readexactly(length)
        status, body = await self.request(method, target)
        writer.write(response(status, body, keep))
        await writer.drain()
        return keep

    async def serve(self, sock=None, parent_pipe=None):
        if parent_pipe is not None:
            # The parent holds the write end: end of file means it is gone.
            asyncio.get_running_loop().add_reader(parent_pipe, os._exit, 0)
        if sock is None:
            server = await asyncio.start_server(self.connection, "127.0.0.1", 0,
                                                backlog=min(self.max_conn, 1024))
            port = server.sockets[0].getsockname()[1]
            sys.stdout.write("LISTENING %d\n" % port)
            sys.stdout.flush()
        else:
            await self.accept_shared(sock)
            return
        async with server:
            await server.serve_forever()

    async def accept_shared(self, sock):
        """process-pool: one connection per accept, then a pause of a
        millisecond away from the socket, so that the other processes take
        the next ones (as a pre-fork server accepts: asyncio's own accept
        loop takes a whole backlog at once, and the keep-alive connections
        a load opens together would all land in one process)."""
        loop = asyncio.get_running_loop()
        while True:
            try:
                conn, _ = await loop.sock_accept(sock)
            except OSError:
                await asyncio.sleep(0.01)
                continue
            conn.setblocking(False)
            reader, writer = await asyncio.open_connection(sock=conn)
            loop.create_task(self.connection(reader, writer))
            await asyncio.sleep(0.001)


# ---- gil-threads: ThreadingHTTPServer ------------------------------------------

class ThreadBackend:
    """Keep-alive connections to the backend shared by the threads; a
    thread holds one for the length of its call."""

    def __init__(self, addr):
        self.addr = addr
        self.idle = []
        self.lock = threading.Lock()

    def call(self, us):
        with self.lock:
            conn = self.idle.pop() if self.idle else None
        if conn is None:
            s = socket.create_connection(self.addr)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = (s, s.makefile("rb"))
        s, f = conn
        try:
            s.sendall(b"WAIT %d\n" % us)
            line = f.readline()
        except BaseException:
            s.close()
            raise
        if line != b"OK\n":
            s.close()
            raise OSError("backend said %r" % line)
        with self.lock:
            self.idle.append(conn)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self):
        status, r, body = route("GET", self.path)
        if r is not None:
            acc = run_kernels(self.server.order, r)
            body = "ok %d\n" % acc
            if r["io_us"] > 0 and self.server.backend:
                try:
                    self.server.backend.call(r["io_us"])
                except OSError as e:
                    status, body = 502, "backend: %s\n" % e
        self.reply(status, body)

    def reply(self, status, body):
        b = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def log_message(self, format, *args):
        pass


class BoundedThreadingServer(http.server.ThreadingHTTPServer):
    """A thread per connection, at most max_conn at once: the accept loop
    waits for a free slot."""
    daemon_threads = True
    block_on_close = False

    def __init__(self, order_text, max_conn):
        self.order = order_text
        self.slots = threading.BoundedSemaphore(max_conn)
        self.request_queue_size = min(max_conn, 1024)
        addr = backend_address()
        self.backend = ThreadBackend(addr) if addr else None
        super().__init__(("127.0.0.1", 0), Handler)

    def process_request(self, request, client_address):
        self.slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()


# ---- main ---------------------------------------------------------------------

def main():
    model = None
    order_file = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "order.json")
    args = sys.argv[1:]
    while args:
        a = args.pop(0)
        if a == "--model" and args:
            model = args.pop(0)
        elif a == "--order" and args:
            order_file = args.pop(0)
        else:
            fail("unknown argument %s" % a)
    models = ("event-loop", "gil-threads", "process-pool")
    if model not in models:
        fail("--model must be one of %s" % ", ".join(models))
    with open(order_file, encoding="utf-8") as f:
        order_text = f.read()
    max_conn = env_int("ADVISOR_REPLAY_MAX_CONN", 256)

    if model == "event-loop":
        asyncio.run(AsyncServer(order_text, max_conn).serve())
    elif model == "gil-threads":
        server = BoundedThreadingServer(order_text, max_conn)
        sys.stdout.write("LISTENING %d\n" % server.server_address[1])
        sys.stdout.flush()
        server.serve_forever()
    else:
        workers = env_int("ADVISOR_REPLAY_WORKERS", os.cpu_count() or 1)
        sock = socket.create_server(("127.0.0.1", 0), backlog=min(max_conn, 1024))
        sock.setblocking(False)
        pipe_r, pipe_w = os.pipe()
        per_child = -(-max_conn // workers)
        children = []
        for _ in range(workers):
            pid = os.fork()
            if pid == 0:
                os.close(pipe_w)
                try:
                    asyncio.run(AsyncServer(order_text, per_child).serve(sock, pipe_r))
                finally:
                    os._exit(1)
            children.append(pid)
        os.close(pipe_r)
        sys.stdout.write("LISTENING %d\n" % sock.getsockname()[1])
        sys.stdout.flush()
        pid, status = os.wait()
        # A child died: the others see the pipe close and follow.
        fail("process %d exited (status %d)" % (pid, status))


if __name__ == "__main__":
    main()
