// Replay server for Rust (standard library only).  See ../README.md.
//
//   rustc -O -o OUT/server server.rs && OUT/server --order FILE
//
// Model thread-pool: std::net with a fixed pool of ADVISOR_REPLAY_MAX_CONN
// std threads started up front.  The accepting thread hands each connection
// to a free pool thread through a rendezvous channel, and waits while none
// is free; a pool thread serves its connection, keep-alive, until the
// client closes it (std has no readiness API, so an idle keep-alive
// connection holds its thread, as in any blocking server).
//
// The standard library has neither JSON nor SHA-256: the web kernel uses
// the small hand-written parser and serialiser below and the native kernel
// a plain-Rust SHA-256, as the C yardstick does in C.  Written for Rust 1.63.

use std::collections::HashMap;
use std::env;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process;
use std::sync::{mpsc, Arc, Mutex};
use std::thread;

fn fail(msg: &str) -> ! {
    eprintln!("replay rust: {}", msg);
    process::exit(2);
}

fn env_int(name: &str, dflt: usize) -> usize {
    match env::var(name) {
        Ok(v) if !v.is_empty() => match v.parse::<usize>() {
            Ok(n) if n >= 1 => n,
            _ => fail(&format!("{}={}: not a positive integer", name, v)),
        },
        _ => dflt,
    }
}

// ---- JSON ------------------------------------------------------------------

enum Json {
    Null,
    Bool(bool),
    Num(i64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> &Json {
        if let Json::Obj(members) = self {
            for (k, v) in members {
                if k == key {
                    return v;
                }
            }
        }
        &Json::Null
    }
    fn num(&self) -> i64 {
        match self {
            Json::Num(n) => *n,
            _ => 0,
        }
    }
    fn str(&self) -> &str {
        match self {
            Json::Str(s) => s,
            _ => "",
        }
    }
    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => out.push_str(&n.to_string()),
            Json::Str(s) => write_str(out, s),
            Json::Arr(a) => {
                out.push('[');
                for (i, v) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

type PResult<T> = Result<T, String>;

impl<'a> Parser<'a> {
    fn parse(text: &str) -> PResult<Json> {
        let mut p = Parser { s: text.as_bytes(), i: 0 };
        let v = p.value()?;
        p.ws();
        if p.i != p.s.len() {
            return Err(p.error("trailing text"));
        }
        Ok(v)
    }
    fn error(&self, what: &str) -> String {
        format!("JSON: {} at {}", what, self.i)
    }
    fn ws(&mut self) {
        while self.i < self.s.len() && b" \t\r\n".contains(&self.s[self.i]) {
            self.i += 1;
        }
    }
    fn peek(&self) -> PResult<u8> {
        self.s.get(self.i).copied().ok_or_else(|| self.error("unexpected end"))
    }
    fn expect(&mut self, c: u8) -> PResult<()> {
        self.ws();
        if self.peek()? != c {
            return Err(self.error(&format!("expected {}", c as char)));
        }
        self.i += 1;
        Ok(())
    }
    fn value(&mut self) -> PResult<Json> {
        self.ws();
        let rest = &self.s[self.i..];
        match self.peek()? {
            b'{' => {
                self.i += 1;
                let mut m = Vec::new();
                self.ws();
                if self.peek()? == b'}' {
                    self.i += 1;
                    return Ok(Json::Obj(m));
                }
                loop {
                    self.ws();
                    let k = self.string()?;
                    self.expect(b':')?;
                    m.push((k, self.value()?));
                    self.ws();
                    let c = self.peek()?;
                    self.i += 1;
                    match c {
                        b',' => continue,
                        b'}' => return Ok(Json::Obj(m)),
                        _ => return Err(self.error("expected , or }")),
                    }
                }
            }
            b'[' => {
                self.i += 1;
                let mut a = Vec::new();
                self.ws();
                if self.peek()? == b']' {
                    self.i += 1;
                    return Ok(Json::Arr(a));
                }
                loop {
                    a.push(self.value()?);
                    self.ws();
                    let c = self.peek()?;
                    self.i += 1;
                    match c {
                        b',' => continue,
                        b']' => return Ok(Json::Arr(a)),
                        _ => return Err(self.error("expected , or ]")),
                    }
                }
            }
            b'"' => Ok(Json::Str(self.string()?)),
            _ if rest.starts_with(b"true") => {
                self.i += 4;
                Ok(Json::Bool(true))
            }
            _ if rest.starts_with(b"false") => {
                self.i += 5;
                Ok(Json::Bool(false))
            }
            _ if rest.starts_with(b"null") => {
                self.i += 4;
                Ok(Json::Null)
            }
            _ => {
                let start = self.i;
                if self.s[self.i] == b'-' {
                    self.i += 1;
                }
                while self.i < self.s.len() && self.s[self.i].is_ascii_digit() {
                    self.i += 1;
                }
                if self.i < self.s.len() && b".eE".contains(&self.s[self.i]) {
                    return Err(self.error("integers only"));
                }
                std::str::from_utf8(&self.s[start..self.i])
                    .unwrap()
                    .parse::<i64>()
                    .map(Json::Num)
                    .map_err(|_| self.error("bad number"))
            }
        }
    }
    fn string(&mut self) -> PResult<String> {
        if self.peek()? != b'"' {
            return Err(self.error("expected string"));
        }
        self.i += 1;
        let mut b: Vec<u8> = Vec::new();
        loop {
            let c = self.peek()?;
            self.i += 1;
            match c {
                b'"' => return String::from_utf8(b).map_err(|_| self.error("bad UTF-8")),
                b'\\' => {
                    let e = self.peek()?;
                    self.i += 1;
                    match e {
                        b'n' => b.push(b'\n'),
                        b't' => b.push(b'\t'),
                        b'r' => b.push(b'\r'),
                        b'b' => b.push(8),
                        b'f' => b.push(12),
                        b'u' => {
                            let hex = self.s.get(self.i..self.i + 4).ok_or_else(|| self.error("bad escape"))?;
                            let code = u32::from_str_radix(std::str::from_utf8(hex).unwrap_or("x"), 16)
                                .map_err(|_| self.error("bad escape"))?;
                            let ch = char::from_u32(code).unwrap_or('\u{fffd}');
                            let mut buf = [0u8; 4];
                            b.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                            self.i += 4;
                        }
                        other => b.push(other),
                    }
                }
                other => b.push(other),
            }
        }
    }
}

// ---- SHA-256 (FIPS 180-4) ----------------------------------------------------

const K256: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

fn sha256(data: &[u8]) -> [u8; 32] {
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks(64) {
        let mut w = [0u32; 64];
        for t in 0..16 {
            w[t] = u32::from_be_bytes([block[4 * t], block[4 * t + 1], block[4 * t + 2], block[4 * t + 3]]);
        }
        for t in 16..64 {
            let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
            let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16].wrapping_add(s0).wrapping_add(w[t - 7]).wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for t in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh.wrapping_add(s1).wrapping_add(ch).wrapping_add(K256[t]).wrapping_add(w[t]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh].iter()) {
            *x = x.wrapping_add(*y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

// ---- kernels (kernels.md) ------------------------------------------------------

fn fold(acc: u32, v: u32) -> u32 {
    acc.wrapping_mul(31).wrapping_add(v)
}

struct Kernels {
    order: String,
    x: Vec<f64>,
    b: Vec<u8>,
}

fn euros(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

impl Kernels {
    fn new(order: String) -> Kernels {
        Kernels {
            order,
            x: (0..1000).map(|i| (i % 97) as f64 / 97.0).collect(),
            b: (0..4096u32).map(|i| (i * 31 + 7) as u8).collect(),
        }
    }

    fn web(&self, acc: u32, j: usize) -> u32 {
        let doc = Parser::parse(&self.order).unwrap_or_else(|e| fail(&e));
        let mut lines = Vec::new();
        let mut total = 0i64;
        if let Json::Arr(items) = doc.get("items") {
            for it in items {
                let qty = it.get("qty").num();
                let cents = qty * it.get("unit_cents").num();
                total += cents;
                lines.push(Json::Str(format!(
                    "{} {} x{} = {}",
                    it.get("sku").str(),
                    it.get("name").str(),
                    qty,
                    euros(cents)
                )));
            }
        }
        total += doc.get("shipping").get("cents").num();
        let summary = Json::Obj(vec![
            ("order".to_string(), Json::Str(doc.get("id").str().to_string())),
            ("customer".to_string(), Json::Str(doc.get("customer").get("name").str().to_string())),
            ("seq".to_string(), Json::Num(j as i64)),
            ("lines".to_string(), Json::Arr(lines)),
            ("total_cents".to_string(), Json::Num(total)),
            ("total".to_string(), Json::Str(euros(total))),
        ]);
        let mut out = String::new();
        summary.write(&mut out);
        fold(fold(acc, out.len() as u32), total as u32)
    }

    fn compute(&self, acc: u32, j: usize) -> u32 {
        let mut s = 0.0f64;
        let mut h = 2166136261u32 ^ j as u32;
        for i in 0..1000 {
            let v = self.x[i];
            s = s * 0.5 + v * v * 0.25 + v * 0.125;
            h = (h ^ i as u32).wrapping_mul(16777619);
        }
        let mut m: HashMap<usize, usize> = HashMap::new();
        for i in 0..200 {
            m.insert((i * 7919 + j) % 1000, i);
        }
        let mut t = 0usize;
        for i in 0..200 {
            t += m[&((i * 7919 + j) % 1000)];
        }
        fold(fold(fold(acc, h), (s * 1e6).floor() as u32), t as u32)
    }

    fn native(&self, acc: u32) -> u32 {
        let d = sha256(&self.b);
        fold(acc, u32::from_be_bytes([d[0], d[1], d[2], d[3]]))
    }
}

// ---- requests --------------------------------------------------------------------

#[derive(Default)]
struct Query {
    web: usize,
    compute: usize,
    native: usize,
    io_us: usize,
}

/// web, compute, native, io_us: each at most once, 0..1000000.
fn parse_query(q: &str) -> Option<Query> {
    let mut r = Query::default();
    if q.is_empty() {
        return Some(r);
    }
    let mut seen: Vec<&str> = Vec::new();
    for part in q.split('&') {
        let eq = part.find('=')?;
        let (k, v) = (&part[..eq], &part[eq + 1..]);
        if seen.contains(&k) || v.is_empty() || v.len() > 7 || !v.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let n: usize = v.parse().ok()?;
        if n > 1000000 {
            return None;
        }
        match k {
            "web" => r.web = n,
            "compute" => r.compute = n,
            "native" => r.native = n,
            "io_us" => r.io_us = n,
            _ => return None,
        }
        seen.push(k);
    }
    Some(r)
}

/// Keep-alive connections to the backend; a thread holds one for its call.
struct Backend {
    addr: String,
    idle: Mutex<Vec<(BufReader<TcpStream>, TcpStream)>>,
}

impl Backend {
    fn call(&self, us: usize) -> io::Result<()> {
        let conn = self.idle.lock().unwrap().pop();
        let (mut r, mut w) = match conn {
            Some(c) => c,
            None => {
                let s = TcpStream::connect(&self.addr)?;
                s.set_nodelay(true)?;
                (BufReader::new(s.try_clone()?), s)
            }
        };
        w.write_all(format!("WAIT {}\n", us).as_bytes())?;
        let mut line = String::new();
        r.read_line(&mut line)?;
        if line != "OK\n" {
            return Err(io::Error::new(io::ErrorKind::Other, format!("backend said {:?}", line)));
        }
        self.idle.lock().unwrap().push((r, w));
        Ok(())
    }
}

struct State {
    k: Kernels,
    backend: Option<Backend>,
}

fn respond(out: &mut TcpStream, status: u16, body: &str, keep: bool) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        413 => "Payload Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        _ => "Bad Gateway",
    };
    let msg = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n{}\r\n{}",
        status,
        reason,
        body.len(),
        if keep { "" } else { "Connection: close\r\n" },
        body
    );
    out.write_all(msg.as_bytes())
}

fn request(st: &State, method: &str, target: &str) -> (u16, String) {
    let (path, query) = match target.find('?') {
        Some(q) => (&target[..q], &target[q + 1..]),
        None => (target, ""),
    };
    if method != "GET" {
        return (405, "method not allowed\n".to_string());
    }
    if path == "/health" {
        return (200, "ok\n".to_string());
    }
    if path != "/r" {
        return (404, "not found\n".to_string());
    }
    let q = match parse_query(query) {
        Some(q) => q,
        None => return (400, "bad request\n".to_string()),
    };
    let mut acc = 0u32;
    for j in 0..q.web {
        acc = st.k.web(acc, j);
    }
    for j in 0..q.compute {
        acc = st.k.compute(acc, j);
    }
    for _ in 0..q.native {
        acc = st.k.native(acc);
    }
    if q.io_us > 0 {
        if let Some(b) = &st.backend {
            if let Err(e) = b.call(q.io_us) {
                return (502, format!("backend: {}\n", e));
            }
        }
    }
    (200, format!("ok {}\n", acc))
}

/// Serve one connection, keep-alive, until the client closes it.
fn serve(st: &State, stream: TcpStream) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut out = stream.try_clone()?;
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    loop {
        // The head: request line and headers, at most 64 KiB.
        let mut head: Vec<String> = Vec::new();
        let mut size = 0;
        loop {
            line.clear();
            let n = (&mut reader).take(65536).read_until(b'\n', &mut line)?;
            if n == 0 {
                return Ok(());
            }
            size += n;
            if size > 65536 || line.last() != Some(&b'\n') {
                return respond(&mut out, 431, "header too large\n", false);
            }
            let text: String = String::from_utf8_lossy(&line).trim_end_matches(&['\r', '\n'][..]).to_string();
            if text.is_empty() {
                if head.is_empty() {
                    continue; // a stray empty line before a request
                }
                break;
            }
            head.push(text);
        }
        let parts: Vec<&str> = head[0].split(' ').collect();
        if parts.len() != 3 || !parts[2].starts_with("HTTP/1.") {
            return respond(&mut out, 400, "bad request\n", false);
        }
        let mut keep = parts[2] == "HTTP/1.1";
        let mut length = 0u64;
        for h in &head[1..] {
            let colon = match h.find(':') {
                Some(c) => c,
                None => return respond(&mut out, 400, "bad request\n", false),
            };
            let name = h[..colon].trim().to_ascii_lowercase();
            let value = h[colon + 1..].trim().to_ascii_lowercase();
            match name.as_str() {
                "connection" if value.contains("close") => keep = false,
                "connection" if value.contains("keep-alive") => keep = true,
                "content-length" => match value.parse::<u64>() {
                    Ok(n) if n <= 65536 => length = n,
                    _ => return respond(&mut out, 413, "body too large\n", false),
                },
                "transfer-encoding" => return respond(&mut out, 501, "chunked bodies not supported\n", false),
                _ => {}
            }
        }
        if length > 0 {
            io::copy(&mut (&mut reader).take(length), &mut io::sink())?;
        }
        let (status, body) = request(st, parts[0], parts[1]);
        respond(&mut out, status, &body, keep)?;
        if !keep {
            return Ok(());
        }
    }
}

fn main() {
    let args: Vec<String> = env::args().collect();
    let mut order_file = None;
    let mut i = 1;
    while i < args.len() {
        if args[i] == "--order" && i + 1 < args.len() {
            order_file = Some(args[i + 1].clone());
            i += 2;
        } else {
            fail(&format!("unknown argument {}", args[i]));
        }
    }
    let order_file = order_file.unwrap_or_else(|| fail("--order FILE is required"));
    let order = std::fs::read_to_string(&order_file).unwrap_or_else(|e| fail(&format!("{}: {}", order_file, e)));
    let max_conn = env_int("ADVISOR_REPLAY_MAX_CONN", 256);
    let backend = match env::var("ADVISOR_REPLAY_BACKEND") {
        Ok(a) if !a.is_empty() => Some(Backend { addr: a, idle: Mutex::new(Vec::new()) }),
        _ => None,
    };
    let st = Arc::new(State { k: Kernels::new(order), backend });

    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| fail(&e.to_string()));
    let (tx, rx) = mpsc::sync_channel::<TcpStream>(0);
    let rx = Arc::new(Mutex::new(rx));
    for _ in 0..max_conn {
        let rx = Arc::clone(&rx);
        let st = Arc::clone(&st);
        thread::spawn(move || loop {
            let conn = rx.lock().unwrap().recv();
            match conn {
                Ok(stream) => {
                    let _ = serve(&st, stream);
                }
                Err(_) => return,
            }
        });
    }
    println!("LISTENING {}", listener.local_addr().unwrap().port());
    io::stdout().flush().unwrap();
    for stream in listener.incoming() {
        match stream {
            Ok(s) => {
                if tx.send(s).is_err() {
                    fail("the thread pool is gone");
                }
            }
            Err(e) => eprintln!("replay rust: accept: {}", e),
        }
    }
}
