'use strict';
// Replay server for Node.js (standard library only).  See ../README.md.
//
//   node server.js --model event-loop|process-pool|worker-threads [--order FILE]
//
// event-loop      http on one event loop, every kernel in the handler
// process-pool    cluster: ADVISOR_REPLAY_WORKERS workers share the port
//                 (the primary accepts and hands connections round-robin)
// worker-threads  one event loop; the compute and native kernels of a
//                 request run on a fixed pool of ADVISOR_REPLAY_WORKERS
//                 worker_threads, the web kernel and the I/O on the loop

const cluster = require('node:cluster');
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

function envInt(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) fail(`${name}=${v}: not a positive integer`);
  return n;
}

function fail(msg) {
  process.stderr.write(`replay node: ${msg}\n`);
  process.exit(2);
}

// ---- kernels (kernels.md) ------------------------------------------------

const fold = (acc, v) => (Math.imul(acc, 31) + (v >>> 0)) >>> 0;

const X = new Float64Array(1000);
for (let i = 0; i < 1000; i++) X[i] = (i % 97) / 97;

const B = Buffer.alloc(4096);
for (let i = 0; i < 4096; i++) B[i] = (i * 31 + 7) & 0xff;

const euros = (c) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`;

function webKernel(acc, orderText, j) {
  const doc = JSON.parse(orderText);
  const lines = [];
  let total = 0;
  for (const it of doc.items) {
    const cents = it.qty * it.unit_cents;
    total += cents;
    lines.push(`${it.sku} ${it.name} x${it.qty} = ${euros(cents)}`);
  }
  total += doc.shipping.cents;
  const out = JSON.stringify({
    order: doc.id, customer: doc.customer.name, seq: j,
    lines, total_cents: total, total: euros(total),
  });
  return fold(fold(acc, out.length), total);
}

function computeKernel(acc, j) {
  let s = 0;
  let h = (2166136261 ^ j) >>> 0;
  for (let i = 0; i < 1000; i++) {
    const v = X[i];
    s = s * 0.5 + v * v * 0.25 + v * 0.125;
    h = Math.imul(h ^ i, 16777619) >>> 0;
  }
  const m = new Map();
  for (let i = 0; i < 200; i++) m.set((i * 7919 + j) % 1000, i);
  let t = 0;
  for (let i = 0; i < 200; i++) t += m.get((i * 7919 + j) % 1000);
  return fold(fold(fold(acc, h), Math.floor(s * 1e6)), t);
}

function nativeKernel(acc) {
  const d = crypto.createHash('sha256').update(B).digest();
  return fold(acc, d.readUInt32BE(0));
}

function runWeb(acc, orderText, n) {
  for (let j = 0; j < n; j++) acc = webKernel(acc, orderText, j);
  return acc;
}

function runCpu(acc, c, k) {
  for (let j = 0; j < c; j++) acc = computeKernel(acc, j);
  for (let j = 0; j < k; j++) acc = nativeKernel(acc);
  return acc;
}

// ---- a worker thread of the worker-threads model ---------------------------

if (!isMainThread) {
  parentPort.on('message', (m) => parentPort.postMessage({ id: m.id, acc: runCpu(m.acc, m.c, m.k) }));
  return;
}

// ---- main thread ---------------------------------------------------------

const MODELS = ['event-loop', 'process-pool', 'worker-threads'];
let model = null;
let orderFile = path.join(__dirname, '..', 'order.json');
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--model' && i + 1 < process.argv.length) model = process.argv[++i];
  else if (a === '--order' && i + 1 < process.argv.length) orderFile = process.argv[++i];
  else fail(`unknown argument ${a}`);
}
if (!MODELS.includes(model)) fail(`--model must be one of ${MODELS.join(', ')}`);

const WORKERS = envInt('ADVISOR_REPLAY_WORKERS', os.availableParallelism());
const MAX_CONN = envInt('ADVISOR_REPLAY_MAX_CONN', 256);
const ORDER = fs.readFileSync(orderFile, 'utf8');

if (model === 'process-pool' && cluster.isPrimary) {
  // Workers are in the primary's process group and exit when its IPC
  // channel closes, that is when the primary dies.
  let listening = 0;
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('listening', (w, addr) => {
    if (++listening === WORKERS) process.stdout.write(`LISTENING ${addr.port}\n`);
  });
  cluster.on('exit', (w, code, sig) => fail(`worker ${w.process.pid} exited (${sig || code})`));
  return;
}

// Queries: keys web, compute, native, io_us, each at most once, a decimal
// integer 0..1000000; anything else is a bad request.
const KEYS = ['web', 'compute', 'native', 'io_us'];
function parseQuery(q) {
  const r = { web: 0, compute: 0, native: 0, io_us: 0 };
  const seen = new Set();
  if (q === '') return r;
  for (const part of q.split('&')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    const k = part.slice(0, eq);
    const v = part.slice(eq + 1);
    if (!KEYS.includes(k) || seen.has(k) || !/^[0-9]{1,7}$/.test(v)) return null;
    const n = Number(v);
    if (n > 1000000) return null;
    seen.add(k);
    r[k] = n;
  }
  return r;
}

// The backend: one keep-alive connection per call in flight, reused.
const BACKEND = process.env.ADVISOR_REPLAY_BACKEND || '';
const idle = [];
function backendConn() {
  const colon = BACKEND.lastIndexOf(':');
  const sock = net.connect({ host: BACKEND.slice(0, colon), port: Number(BACKEND.slice(colon + 1)) });
  sock.setNoDelay(true);
  sock.setEncoding('latin1');
  const c = { sock, buf: '', pending: null };
  const drop = (err) => {
    const i = idle.indexOf(c);
    if (i >= 0) idle.splice(i, 1);
    if (c.pending) { const p = c.pending; c.pending = null; p.reject(err); }
  };
  sock.on('data', (d) => {
    c.buf += d;
    let nl;
    while ((nl = c.buf.indexOf('\n')) >= 0) {
      const line = c.buf.slice(0, nl);
      c.buf = c.buf.slice(nl + 1);
      const p = c.pending;
      c.pending = null;
      if (!p) { sock.destroy(); return; }
      if (line === 'OK') { idle.push(c); p.resolve(); } else { sock.destroy(); p.reject(new Error(`backend said ${line}`)); }
    }
  });
  sock.on('error', drop);
  sock.on('close', () => drop(new Error('backend closed the connection')));
  return c;
}
function backendCall(us) {
  return new Promise((resolve, reject) => {
    const c = idle.pop() || backendConn();
    c.pending = { resolve, reject };
    c.sock.write(`WAIT ${us}\n`);
  });
}

// The worker_threads pool: a fixed set of workers, a FIFO of waiting jobs.
const pool = { free: [], queue: [], jobs: new Map(), next: 0 };
function poolRun(acc, c, k) {
  return new Promise((resolve) => {
    const id = pool.next++;
    pool.jobs.set(id, resolve);
    const w = pool.free.pop();
    if (w) w.postMessage({ id, acc, c, k }); else pool.queue.push({ id, acc, c, k });
  });
}
if (model === 'worker-threads') {
  for (let i = 0; i < WORKERS; i++) {
    const w = new Worker(__filename, { workerData: null });
    w.on('message', (m) => {
      const resolve = pool.jobs.get(m.id);
      pool.jobs.delete(m.id);
      const next = pool.queue.shift();
      if (next) w.postMessage(next); else pool.free.push(w);
      resolve(m.acc);
    });
    w.on('error', (e) => fail(`worker thread: ${e.message}`));
    pool.free.push(w);
  }
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(req, res) {
  const q = req.url.indexOf('?');
  const p = q < 0 ? req.url : req.url.slice(0, q);
  if (req.method !== 'GET') return send(res, 405, 'method not allowed\n');
  if (p === '/health') return send(res, 200, 'ok\n');
  if (p !== '/r') return send(res, 404, 'not found\n');
  const r = parseQuery(q < 0 ? '' : req.url.slice(q + 1));
  if (!r) return send(res, 400, 'bad request\n');
  let acc = runWeb(0, ORDER, r.web);
  if (model === 'worker-threads') {
    if (r.compute || r.native) acc = await poolRun(acc, r.compute, r.native);
  } else {
    acc = runCpu(acc, r.compute, r.native);
  }
  if (r.io_us > 0 && BACKEND) {
    try {
      await backendCall(r.io_us);
    } catch (e) {
      return send(res, 502, `backend: ${e.message}\n`);
    }
  }
  return send(res, 200, `ok ${acc}\n`);
}

const server = http.createServer({ noDelay: true }, (req, res) => {
  handle(req, res).catch((e) => { process.stderr.write(`replay node: ${e.stack}\n`); res.destroy(); });
});
server.maxConnections = model === 'process-pool' ? Math.ceil(MAX_CONN / WORKERS) : MAX_CONN;
server.keepAliveTimeout = 65000;
// A cluster worker leaves as soon as the primary is gone.
if (cluster.isWorker) process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  if (!cluster.isWorker) process.stdout.write(`LISTENING ${server.address().port}\n`);
});
