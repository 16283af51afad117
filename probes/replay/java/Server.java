// Replay server for Java (standard library only).  See ../README.md.
//
//   java -cp OUT Server [--virtual] [--order FILE]
//
// Model thread-pool: com.sun.net.httpserver.HttpServer, whose dispatcher
// thread reads the requests and hands each exchange to a fixed pool of
// platform threads, max(ADVISOR_REPLAY_WORKERS, ADVISOR_REPLAY_MAX_CONN / 4).
// With --virtual (model m-n, JDK 21 or later) each exchange gets a virtual
// thread instead.  At most ADVISOR_REPLAY_MAX_CONN connections are open
// (sun.net.httpserver.maxConnections).
//
// Java has no JSON in its standard library: the web kernel parses and
// serialises with the small hand-written code below, as the C yardstick does.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

public final class Server {
    static void fail(String msg) {
        System.err.println("replay java: " + msg);
        System.exit(2);
    }

    static int envInt(String name, int dflt) {
        String v = System.getenv(name);
        if (v == null || v.isEmpty()) return dflt;
        try {
            int n = Integer.parseInt(v);
            if (n >= 1) return n;
        } catch (NumberFormatException e) {
            // reported below
        }
        fail(name + "=" + v + ": not a positive integer");
        return 0;
    }

    // ---- JSON: parse into Map/List/String/Long/Boolean/null, serialise ------

    static final class Json {
        private final String s;
        private int i;

        private Json(String s) { this.s = s; }

        static Object parse(String s) {
            Json p = new Json(s);
            Object v = p.value();
            p.ws();
            if (p.i != s.length()) throw p.error("trailing text");
            return v;
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at " + i);
        }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) i++;
        }

        private void expect(char c) {
            ws();
            if (i >= s.length() || s.charAt(i) != c) throw error("expected " + c);
            i++;
        }

        private Object value() {
            ws();
            if (i >= s.length()) throw error("unexpected end");
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                Map<String, Object> m = new LinkedHashMap<>();
                ws();
                if (s.charAt(i) == '}') { i++; return m; }
                do {
                    ws();
                    String k = string();
                    expect(':');
                    m.put(k, value());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != '}') throw error("expected }");
                return m;
            }
            if (c == '[') {
                i++;
                List<Object> a = new ArrayList<>();
                ws();
                if (s.charAt(i) == ']') { i++; return a; }
                do {
                    a.add(value());
                    ws();
                } while (s.charAt(i++) == ',');
                if (s.charAt(i - 1) != ']') throw error("expected ]");
                return a;
            }
            if (c == '"') return string();
            if (s.startsWith("true", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("false", i)) { i += 5; return Boolean.FALSE; }
            if (s.startsWith("null", i)) { i += 4; return null; }
            int start = i;
            if (c == '-') i++;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            if (i == start || (i < s.length() && ".eE".indexOf(s.charAt(i)) >= 0))
                throw error("integers only");
            return Long.parseLong(s.substring(start, i));
        }

        private String string() {
            if (i >= s.length() || s.charAt(i) != '"') throw error("expected string");
            i++;
            StringBuilder b = new StringBuilder();
            while (true) {
                if (i >= s.length()) throw error("unterminated string");
                char c = s.charAt(i++);
                if (c == '"') return b.toString();
                if (c != '\\') { b.append(c); continue; }
                char e = s.charAt(i++);
                switch (e) {
                    case 'n': b.append('\n'); break;
                    case 't': b.append('\t'); break;
                    case 'r': b.append('\r'); break;
                    case 'b': b.append('\b'); break;
                    case 'f': b.append('\f'); break;
                    case 'u': b.append((char) Integer.parseInt(s.substring(i, i + 4), 16)); i += 4; break;
                    default: b.append(e);
                }
            }
        }

        static void write(StringBuilder b, Object v) {
            if (v instanceof Map) {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                    if (!first) b.append(',');
                    first = false;
                    writeString(b, (String) e.getKey());
                    b.append(':');
                    write(b, e.getValue());
                }
                b.append('}');
            } else if (v instanceof List) {
                b.append('[');
                boolean first = true;
                for (Object o : (List<?>) v) {
                    if (!first) b.append(',');
                    first = false;
                    write(b, o);
                }
                b.append(']');
            } else if (v instanceof String) {
                writeString(b, (String) v);
            } else {
                b.append(v);   // Long, Integer, Boolean, null
            }
        }

        static void writeString(StringBuilder b, String s) {
            b.append('"');
            for (int k = 0; k < s.length(); k++) {
                char c = s.charAt(k);
                if (c == '"' || c == '\\') b.append('\\').append(c);
                else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                else b.append(c);
            }
            b.append('"');
        }
    }

    // ---- kernels (kernels.md) ------------------------------------------------

    static final double[] X = new double[1000];
    static final byte[] B = new byte[4096];
    static String order;

    static {
        for (int i = 0; i < X.length; i++) X[i] = (i % 97) / 97.0;
        for (int i = 0; i < B.length; i++) B[i] = (byte) (i * 31 + 7);
    }

    static int fold(int acc, int v) { return acc * 31 + v; }

    static String euros(long c) { return (c / 100) + "." + (c % 100 < 10 ? "0" : "") + (c % 100); }

    @SuppressWarnings("unchecked")
    static int webKernel(int acc, int j) {
        Map<String, Object> doc = (Map<String, Object>) Json.parse(order);
        List<Object> lines = new ArrayList<>();
        long total = 0;
        for (Object o : (List<Object>) doc.get("items")) {
            Map<String, Object> it = (Map<String, Object>) o;
            long qty = (Long) it.get("qty");
            long cents = qty * (Long) it.get("unit_cents");
            total += cents;
            lines.add(it.get("sku") + " " + it.get("name") + " x" + qty + " = " + euros(cents));
        }
        total += (Long) ((Map<String, Object>) doc.get("shipping")).get("cents");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("order", doc.get("id"));
        out.put("customer", ((Map<String, Object>) doc.get("customer")).get("name"));
        out.put("seq", j);
        out.put("lines", lines);
        out.put("total_cents", total);
        out.put("total", euros(total));
        StringBuilder b = new StringBuilder();
        Json.write(b, out);
        return fold(fold(acc, b.length()), (int) total);
    }

    static int computeKernel(int acc, int j) {
        double s = 0;
        int h = 0x811c9dc5 ^ j;
        for (int i = 0; i < 1000; i++) {
            double v = X[i];
            s = s * 0.5 + v * v * 0.25 + v * 0.125;
            h = (h ^ i) * 16777619;
        }
        Map<Integer, Integer> m = new HashMap<>();
        for (int i = 0; i < 200; i++) m.put((i * 7919 + j) % 1000, i);
        int t = 0;
        for (int i = 0; i < 200; i++) t += m.get((i * 7919 + j) % 1000);
        return fold(fold(fold(acc, h), (int) (long) Math.floor(s * 1e6)), t);
    }

    static int nativeKernel(int acc) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] d = md.digest(B);
        return fold(acc, (d[0] & 0xff) << 24 | (d[1] & 0xff) << 16 | (d[2] & 0xff) << 8 | (d[3] & 0xff));
    }

    // ---- requests ----------------------------------------------------------------

    static final Set<String> KEYS = Set.of("web", "compute", "native", "io_us");

    /** web, compute, native, io_us: each at most once, 0..1000000; null when bad. */
    static Map<String, Integer> parseQuery(String q) {
        Map<String, Integer> r = new HashMap<>();
        for (String k : KEYS) r.put(k, 0);
        if (q == null || q.isEmpty()) return r;
        Set<String> seen = new HashSet<>();
        for (String part : q.split("&", -1)) {
            int eq = part.indexOf('=');
            if (eq < 0) return null;
            String k = part.substring(0, eq);
            String v = part.substring(eq + 1);
            if (!KEYS.contains(k) || !seen.add(k) || v.isEmpty() || v.length() > 7) return null;
            for (int i = 0; i < v.length(); i++)
                if (v.charAt(i) < '0' || v.charAt(i) > '9') return null;
            int n = Integer.parseInt(v);
            if (n > 1000000) return null;
            r.put(k, n);
        }
        return r;
    }

    /** Keep-alive connections to the backend; a thread holds one for its call. */
    static final class Backend {
        static final class Conn {
            final Socket sock;
            final BufferedReader in;
            final OutputStream out;

            Conn(Socket sock) throws IOException {
                this.sock = sock;
                sock.setTcpNoDelay(true);
                in = new BufferedReader(new InputStreamReader(sock.getInputStream(), StandardCharsets.US_ASCII));
                out = sock.getOutputStream();
            }
        }

        final String host;
        final int port;
        final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();

        Backend(String addr) {
            int colon = addr.lastIndexOf(':');
            host = addr.substring(0, colon);
            port = Integer.parseInt(addr.substring(colon + 1));
        }

        void call(int us) throws IOException {
            Conn c = idle.pollFirst();
            if (c == null) c = new Conn(new Socket(host, port));
            String line;
            try {
                c.out.write(("WAIT " + us + "\n").getBytes(StandardCharsets.US_ASCII));
                c.out.flush();
                line = c.in.readLine();
            } catch (IOException e) {
                c.sock.close();
                throw e;
            }
            if (!"OK".equals(line)) {
                c.sock.close();
                throw new IOException("backend said " + line);
            }
            idle.addFirst(c);
        }
    }

    static Backend backend;

    static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.US_ASCII);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(b);
        }
    }

    static void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getRawPath();
            if (!"GET".equals(ex.getRequestMethod())) { reply(ex, 405, "method not allowed\n"); return; }
            if ("/health".equals(path)) { reply(ex, 200, "ok\n"); return; }
            if (!"/r".equals(path)) { reply(ex, 404, "not found\n"); return; }
            Map<String, Integer> q = parseQuery(ex.getRequestURI().getRawQuery());
            if (q == null) { reply(ex, 400, "bad request\n"); return; }
            int acc = 0;
            for (int j = 0, n = q.get("web"); j < n; j++) acc = webKernel(acc, j);
            for (int j = 0, n = q.get("compute"); j < n; j++) acc = computeKernel(acc, j);
            for (int j = 0, n = q.get("native"); j < n; j++) acc = nativeKernel(acc);
            int io = q.get("io_us");
            if (io > 0 && backend != null) {
                try {
                    backend.call(io);
                } catch (IOException e) {
                    reply(ex, 502, "backend: " + e.getMessage() + "\n");
                    return;
                }
            }
            reply(ex, 200, "ok " + Integer.toUnsignedString(acc) + "\n");
        } catch (RuntimeException e) {
            System.err.println("replay java: " + e);
            throw e;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean virtual = false;
        Path orderFile = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--virtual")) virtual = true;
            else if (args[i].equals("--order") && i + 1 < args.length) orderFile = Path.of(args[++i]);
            else fail("unknown argument " + args[i]);
        }
        if (orderFile == null) fail("--order FILE is required");
        order = Files.readString(orderFile);
        int workers = envInt("ADVISOR_REPLAY_WORKERS", Runtime.getRuntime().availableProcessors());
        int maxConn = envInt("ADVISOR_REPLAY_MAX_CONN", 256);
        String be = System.getenv("ADVISOR_REPLAY_BACKEND");
        if (be != null && !be.isEmpty()) backend = new Backend(be);

        // Read once, when HttpServer's configuration class loads.
        System.setProperty("sun.net.httpserver.maxConnections", Integer.toString(maxConn));
        System.setProperty("sun.net.httpserver.maxIdleConnections", Integer.toString(maxConn));
        System.setProperty("sun.net.httpserver.idleInterval", "65");
        System.setProperty("sun.net.httpserver.nodelay", "true");

        ExecutorService pool;
        if (virtual) {
            // Executors.newVirtualThreadPerTaskExecutor(), JDK 21+; found by
            // reflection so that this file still compiles with JDK 17.
            try {
                pool = (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
            } catch (NoSuchMethodException e) {
                fail("--virtual needs JDK 21 or later, this is " + Runtime.version());
                return;
            }
        } else {
            pool = Executors.newFixedThreadPool(Math.max(workers, maxConn / 4));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                Math.min(maxConn, 1024));
        server.createContext("/", Server::handle);
        server.setExecutor(pool);
        server.start();
        System.out.println("LISTENING " + server.getAddress().getPort());
        System.out.flush();
    }
}
