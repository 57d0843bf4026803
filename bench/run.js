'use strict';
/**
 * `npm run bench`: FlexStorage (node dist/main.js, API + workers) against a bare Node.js baseline
 * (bench/bare-server.js), same machine, same run, same client. See bench/README.md.
 *
 * Options (env or --flag=value):
 *   BENCH_SIZE_MB      --size-mb       large file size in MiB                 (1024)
 *   BENCH_RUNS         --runs          timed runs per large-file measurement  (3)
 *   BENCH_SMALL_COUNT  --small-count   small uploads per server               (1000)
 *   BENCH_SMALL_KB     --small-kb      small upload size in KiB               (4)
 *   BENCH_CONCURRENCY  --concurrency   concurrent small-upload clients        (16)
 *   BENCH_WARMUP       --warmup        untimed small uploads first            (50)
 *   BENCH_PROFILE=1    --profile       CPU-profile each phase of both servers (numbers then skewed)
 *   BENCH_KEEP=1       --keep          keep the temp dir and database
 *   BENCH_STRICT=1     --strict        exit 1 when a target is missed
 *   BENCH_TUS=0        --tus=0         skip the resumable-upload (tus) case
 *   BENCH_ONLY=tus     --only=tus      run only the tus case (plus what it needs)
 *   BENCH_S3=0         --s3=0          skip the S3 adapter case (bench/s3-provider.js, against s3rver)
 *   BENCH_JOBS_CASE=0  --jobs-case=0   skip the jobs case (bench/jobs.js: BENCH_JOBS no-op jobs, default 20000)
 *   BENCH_RELOCATION=0 --relocation=0  skip the relocation case (bench/relocation.js: the large file
 *                                      local-fs → database)
 *   BENCH_ONLY=jobs|s3|relocation      run only that case (plus what it needs)
 *   BENCH_PG_URL       admin URL of the PostgreSQL server (postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_REDIS_URL    redis://127.0.0.1:6379
 */
const http = require('node:http');
const net = require('node:net');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, execFileSync } = require('node:child_process');

const { runTusBench, tusTable } = require('./tus');

const ROOT = path.resolve(__dirname, '..');
const RESULTS_DIR = path.join(__dirname, 'results');
const JWT_SECRET = 'bench-secret-0123456789abcdef-0123456789abcdef';
// NODE_ENV=production needs a key for webhook secrets at rest; any fixed 32 bytes do for a bench.
const WEBHOOK_SECRET_KEYS = `bench:${Buffer.alloc(32, 7).toString('base64')}`;
const MB = 1e6; // throughput is reported in decimal MB/s
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

// ---------------------------------------------------------------------------------------------
// options

function option(envName, flag, fallback) {
  const arg = process.argv.slice(2).find((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  if (arg !== undefined) return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : '1';
  const v = process.env[envName];
  return v === undefined || v === '' ? fallback : v;
}
function intOption(envName, flag, fallback, min) {
  const raw = option(envName, flag, String(fallback));
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) {
    console.error(`${envName} / --${flag} must be an integer ≥ ${min}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}
const flag = (envName, name) => ['1', 'true', 'yes', 'on'].includes(String(option(envName, name, '0')).toLowerCase());

const opts = {
  sizeMiB: intOption('BENCH_SIZE_MB', 'size-mb', 1024, 1),
  runs: intOption('BENCH_RUNS', 'runs', 3, 1),
  smallCount: intOption('BENCH_SMALL_COUNT', 'small-count', 1000, 1),
  smallKiB: intOption('BENCH_SMALL_KB', 'small-kb', 4, 1),
  concurrency: intOption('BENCH_CONCURRENCY', 'concurrency', 16, 1),
  warmup: intOption('BENCH_WARMUP', 'warmup', 50, 0),
  profile: flag('BENCH_PROFILE', 'profile'),
  keep: flag('BENCH_KEEP', 'keep'),
  strict: flag('BENCH_STRICT', 'strict'),
  tus: option('BENCH_TUS', 'tus', '1') !== '0',
  s3: option('BENCH_S3', 's3', '1') !== '0',
  jobs: option('BENCH_JOBS_CASE', 'jobs-case', '1') !== '0',
  relocation: option('BENCH_RELOCATION', 'relocation', '1') !== '0',
  only: option('BENCH_ONLY', 'only', ''),
  // The production topology: API with RUN_WORKERS=false plus a `start:worker` process.
  splitWorker: flag('BENCH_SPLIT_WORKER', 'split-worker'),
  pgAdminUrl: option('BENCH_PG_URL', 'pg-url', 'postgres://postgres@127.0.0.1:5432/postgres'),
  redisUrl: option('BENCH_REDIS_URL', 'redis-url', 'redis://127.0.0.1:6379'),
};

const TARGETS = {
  largeUploadRatio: 0.85, // FlexStorage MB/s ≥ 0.85 × baseline
  maxRssMB: 150, // FlexStorage peak RSS during large transfers
  smallUploadRatio: 0.5, // FlexStorage uploads/s ≥ 0.5 × baseline
};

// ---------------------------------------------------------------------------------------------
// cleanup: everything the bench creates is registered here and undone on exit, error or Ctrl-C

const cleanups = [];
let cleaning;
function cleanup() {
  cleaning ??= (async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (e) {
        console.error(`cleanup: ${e.message}`);
      }
    }
  })();
  return cleaning;
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping servers and removing temp files…`);
    cleanup().finally(() => process.exit(130));
  });
}

// ---------------------------------------------------------------------------------------------
// small helpers

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const percentile = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const log = (...a) => console.log(...a);
const now = () => Number(process.hrtime.bigint()) / 1e9;

/**
 * Flushes dirty pages and, where allowed (root), drops the page cache, so every timed upload meets
 * the same disk: otherwise the writeback of the previous upload lands on whoever runs next, and the
 * cache fills run by run (figures then drift by ±30 % between identical runs).
 */
function settleDisk() {
  execFileSync('sync');
  try {
    fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
  } catch {
    /* not root: sync only */
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

let CLK_TCK = 100;
try {
  CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* 100 on every Linux we run on */
}

/** utime+stime of a process (all its threads), in seconds. */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime is field 14, stime field 15
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

/** VmRSS and VmHWM in MB (MiB, as the kernel counts kB = KiB). */
function memory(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => {
    const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) / 1024 : null;
  };
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon'), file: kb('RssFile') };
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, needs to own the process); false if refused. */
function resetPeak(pid) {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Samples a server's RSS every ~50 ms and its CPU time between start() and stop(). */
class ResourceMeter {
  constructor(pid) {
    this.pid = pid;
  }
  start() {
    this.peakReset = resetPeak(this.pid);
    this.cpu0 = cpuSeconds(this.pid);
    this.client0 = process.cpuUsage();
    this.t0 = now();
    this.maxRss = memory(this.pid).rss;
    this.samples = 1;
    this.timer = setInterval(() => {
      try {
        const { rss } = memory(this.pid);
        this.samples++;
        if (rss > this.maxRss) this.maxRss = rss;
      } catch {
        /* the process is gone; the request will fail and say so */
      }
    }, 50);
  }
  stop() {
    clearInterval(this.timer);
    const wall = now() - this.t0;
    const { rss, hwm } = memory(this.pid);
    const client = process.cpuUsage(this.client0);
    return {
      wallSeconds: wall,
      cpuSeconds: cpuSeconds(this.pid) - this.cpu0,
      peakRssMB: Math.max(this.maxRss, rss, this.peakReset ? hwm : 0),
      sampledPeakRssMB: Math.max(this.maxRss, rss),
      hwmMB: hwm,
      hwmIsWindowPeak: this.peakReset,
      rssSamples: this.samples,
      clientCpuSeconds: (client.user + client.system) / 1e6,
    };
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP client

function request(server, { method = 'GET', path: p, headers = {}, body, agent, sink }) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method,
        path: p,
        agent: agent ?? false,
        headers: { ...server.authHeaders, ...headers },
      },
      (res) => {
        const chunks = [];
        let bytes = 0;
        res.on('data', (c) => {
          bytes += c.length;
          if (sink) sink(c);
          else chunks.push(c);
        });
        res.on('end', () => {
          const text = sink ? '' : Buffer.concat(chunks).toString('utf8');
          let json;
          try {
            json = text ? JSON.parse(text) : undefined;
          } catch {
            /* not JSON */
          }
          resolve({ status: res.statusCode, headers: res.headers, text, json, bytes, seconds: now() - t0 });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (typeof body === 'function') body(req);
    else req.end(body);
  });
}

function multipartEnvelope(filename) {
  const boundary = `----flexbench${crypto.randomBytes(12).toString('hex')}`;
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    head: Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    tail: Buffer.from(`\r\n--${boundary}--\r\n`),
  };
}

/** Uploads a file from disk as multipart/form-data, streamed (1 MiB reads), with Content-Length. */
function uploadFromDisk(server, file, size, token) {
  const env = multipartEnvelope('large.bin');
  return request(server, {
    method: 'POST',
    path: server.uploadPath,
    headers: {
      'Content-Type': env.contentType,
      'Content-Length': env.head.length + size + env.tail.length,
      Authorization: `Bearer ${token}`,
    },
    body: (req) => {
      req.write(env.head);
      const rs = fs.createReadStream(file, { highWaterMark: MiB });
      rs.on('error', (e) => req.destroy(e));
      rs.on('end', () => req.end(env.tail));
      rs.pipe(req, { end: false });
    },
  });
}

function uploadBuffer(server, data, token, agent) {
  const env = multipartEnvelope('small.bin');
  const body = Buffer.concat([env.head, data, env.tail]);
  return request(server, {
    method: 'POST',
    path: server.uploadPath,
    agent,
    headers: { 'Content-Type': env.contentType, 'Content-Length': body.length, Authorization: `Bearer ${token}` },
    body,
  });
}

function token(sub) {
  const jwt = require('jsonwebtoken');
  return jwt.sign({ sub, roles: ['user'], typ: 'access' }, JWT_SECRET, { issuer: 'flexstorage', expiresIn: 3600 });
}

// ---------------------------------------------------------------------------------------------
// setup: database, input file, servers

async function createDatabase() {
  const { Client } = require('pg');
  const name = `flexstorage_bench_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: opts.pgAdminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  if (!opts.keep) {
    cleanups.push(async () => {
      const c = new Client({ connectionString: opts.pgAdminUrl });
      await c.connect();
      try {
        await c.query(`drop database if exists ${name} with (force)`);
      } finally {
        await c.end();
      }
    });
  }
  const url = new URL(opts.pgAdminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

/** Deterministic, incompressible bytes (AES-128-CTR keystream), written once; returns its SHA-256. */
async function generateInput(file, bytes) {
  const cipher = crypto.createCipheriv('aes-128-ctr', Buffer.alloc(16, 7), Buffer.alloc(16, 0));
  const hash = crypto.createHash('sha256');
  const zeros = Buffer.alloc(4 * MiB);
  const fh = await fsp.open(file, 'w');
  try {
    for (let left = bytes; left > 0;) {
      const n = Math.min(left, zeros.length);
      const chunk = cipher.update(n === zeros.length ? zeros : zeros.subarray(0, n));
      hash.update(chunk);
      await fh.write(chunk);
      left -= n;
    }
  } finally {
    await fh.close();
  }
  return hash.digest('hex');
}

/** The node flags `npm start` uses (package.json scripts.start), so the bench runs what users run. */
function startScriptNodeFlags() {
  const start = require(path.join(ROOT, 'package.json')).scripts.start || '';
  const words = start.trim().split(/\s+/);
  return words[0] === 'node' ? words.slice(1).filter((w) => w.startsWith('--')) : [];
}

function startServer({ name, script, env, logFile, nodeFlags = [] }) {
  const out = fs.openSync(logFile, 'a');
  // --expose-gc only lets the memory snapshot run a full GC first, so retained heap is told apart
  // from garbage not yet collected; the servers never call gc() themselves.
  const child = spawn(
    process.execPath,
    [...nodeFlags, '--expose-gc', '-r', path.join(__dirname, 'child-hook.js'), script],
    {
      cwd: ROOT,
      env,
      stdio: ['ignore', out, out, 'ipc'],
    },
  );
  fs.closeSync(out);
  const server = {
    name,
    child,
    pid: child.pid,
    port: Number(env.PORT),
    logFile,
    exited: null,
    seq: 0,
    acks: new Map(),
  };
  child.on('exit', (code, signal) => {
    server.exited = { code, signal };
  });
  child.on('message', (m) => {
    const waiter = m && server.acks.get(m.ack);
    if (waiter) {
      server.acks.delete(m.ack);
      waiter(m);
    }
  });
  cleanups.push(() => stopServer(server));
  return server;
}

async function stopServer(server) {
  if (server.exited) return;
  const gone = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  const t = setTimeout(() => server.child.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(t);
}

function logTail(server, lines = 30) {
  try {
    return fs.readFileSync(server.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

async function waitHealthy(server, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (server.exited)
      throw new Error(`${server.name} exited (${JSON.stringify(server.exited)}) during start:\n${logTail(server)}`);
    try {
      const res = await request(server, { path: '/health' });
      if (res.status === 200) return;
      last = `${res.status} ${res.text.slice(0, 300)}`;
    } catch (e) {
      last = e.message;
    }
    await sleep(200);
  }
  throw new Error(`${server.name} not healthy after ${timeoutMs / 1000}s (last: ${last}):\n${logTail(server)}`);
}

function control(server, msg) {
  return new Promise((resolve, reject) => {
    const seq = ++server.seq;
    const onExit = () => {
      clearTimeout(t);
      server.acks.delete(seq);
      reject(
        new Error(
          `${server.name} exited (${JSON.stringify(server.exited)}) before answering ${msg.cmd}:\n${logTail(server)}`,
        ),
      );
    };
    const t = setTimeout(() => {
      server.child.off('exit', onExit);
      server.acks.delete(seq);
      reject(new Error(`${server.name}: no answer to ${msg.cmd} within 60 s:\n${logTail(server)}`));
    }, 60_000);
    if (server.exited) return onExit();
    server.child.once('exit', onExit);
    server.acks.set(seq, (m) => {
      clearTimeout(t);
      server.child.off('exit', onExit);
      if (m.error) reject(new Error(`${server.name}: ${msg.cmd}: ${m.error}`));
      else resolve(m);
    });
    server.child.send({ ...msg, seq });
  });
}

const profiles = [];
async function profiled(servers, phase, fn) {
  if (!opts.profile) return fn();
  const dir = path.join(RESULTS_DIR, 'profiles');
  await fsp.mkdir(dir, { recursive: true });
  await Promise.all(servers.map((s) => control(s, { cmd: 'profile-start' })));
  try {
    return await fn();
  } finally {
    for (const s of servers) {
      const out = path.join(dir, `${s.key}-${phase}.cpuprofile`);
      await control(s, { cmd: 'profile-stop', out });
      profiles.push({ server: s.key, phase, file: out });
    }
  }
}

/** RSS split as the kernel sees it (anonymous vs file-backed, e.g. the node binary) and as V8 does. */
/**
 * `gc` forces a full GC first, to tell retained memory from garbage. Only before and after all
 * timed phases: V8 shrinks the young generation after a forced GC, and the phase after one then
 * pays for it (a tus upload measured 2-3× the CPU), which would be the bench measuring itself.
 */
async function memorySnapshot(server, gc) {
  const proc = memory(server.pid);
  const { memory: v8 } = await control(server, { cmd: 'memory', gc });
  const mb = (b) => b / MiB;
  return {
    rssMB: proc.rss,
    rssAnonMB: proc.anon,
    rssFileMB: proc.file,
    heapUsedMB: mb(v8.heapUsed),
    heapTotalMB: mb(v8.heapTotal),
    externalMB: mb(v8.external),
    arrayBuffersMB: mb(v8.arrayBuffers),
  };
}

function formatMemory(label, snap) {
  const f = (x) => x.toFixed(0).padStart(4);
  return (
    `  ${label.padEnd(30)} RSS ${f(snap.rssMB)} = anon ${f(snap.rssAnonMB)} + file ${f(snap.rssFileMB)};  ` +
    `V8 heap used ${f(snap.heapUsedMB)} / total ${f(snap.heapTotalMB)}, external ${f(snap.externalMB)} (buffers ${f(snap.arrayBuffersMB)})`
  );
}

function assertAlive(server) {
  if (server.exited) throw new Error(`${server.name} exited (${JSON.stringify(server.exited)}):\n${logTail(server)}`);
}

// ---------------------------------------------------------------------------------------------
// measurements

async function largeUploads(servers, input) {
  const results = Object.fromEntries(servers.map((s) => [s.key, []]));
  for (let run = 1; run <= opts.runs; run++) {
    // Alternate who goes first so drift (page cache, disk) does not favour one server.
    const order = run % 2 ? servers : [...servers].reverse();
    for (const s of order) {
      assertAlive(s);
      settleDisk(); // no dirty pages of the previous upload written back during this one
      const owner = `bench-large-${run}-${crypto.randomUUID()}`;
      const meter = new ResourceMeter(s.pid);
      let res;
      let usage;
      meter.start();
      try {
        res = await uploadFromDisk(s, input.file, input.size, token(owner));
      } finally {
        usage = meter.stop();
      }
      if (res.status !== 201) throw new Error(`${s.name} large upload: HTTP ${res.status} ${res.text.slice(0, 500)}`);
      const sha = res.json && res.json.sha256;
      if (sha !== input.sha256) throw new Error(`${s.name} large upload: sha256 ${sha} ≠ ${input.sha256}`);
      if (res.json.size !== input.size)
        throw new Error(`${s.name} large upload: size ${res.json.size} ≠ ${input.size}`);
      const r = {
        run,
        seconds: res.seconds,
        mbps: input.size / MB / res.seconds,
        id: s.idOf(res.json),
        owner,
        ...usage,
      };
      results[s.key].push(r);
      log(
        `  upload   ${s.label.padEnd(11)} run ${run}: ${r.mbps.toFixed(1).padStart(7)} MB/s  ${r.seconds.toFixed(2)} s  ` +
          `server CPU ${r.cpuSeconds.toFixed(2)} s  peak RSS ${r.peakRssMB.toFixed(0)} MB  sha256 ok`,
      );
    }
  }
  return results;
}

async function largeDownloads(servers, input, ids) {
  const results = Object.fromEntries(servers.map((s) => [s.key, []]));
  for (let run = 1; run <= opts.runs; run++) {
    const order = run % 2 ? servers : [...servers].reverse();
    for (const s of order) {
      assertAlive(s);
      const meter = new ResourceMeter(s.pid);
      let res;
      let usage;
      meter.start();
      try {
        res = await request(s, { path: s.downloadPath(ids[s.key]), sink: () => {} });
      } finally {
        usage = meter.stop();
      }
      if (res.status !== 200 || res.bytes !== input.size)
        throw new Error(`${s.name} download: HTTP ${res.status}, ${res.bytes} bytes`);
      const r = { run, seconds: res.seconds, mbps: input.size / MB / res.seconds, ...usage };
      results[s.key].push(r);
      log(
        `  download ${s.label.padEnd(11)} run ${run}: ${r.mbps.toFixed(1).padStart(7)} MB/s  ${r.seconds.toFixed(2)} s  ` +
          `server CPU ${r.cpuSeconds.toFixed(2)} s  peak RSS ${r.peakRssMB.toFixed(0)} MB`,
      );
    }
  }
  // One untimed download per server with the client hashing, so hashing never limits the timed runs.
  for (const s of servers) {
    const hash = crypto.createHash('sha256');
    const res = await request(s, { path: s.downloadPath(ids[s.key]), sink: (c) => hash.update(c) });
    const sha = hash.digest('hex');
    if (res.status !== 200 || sha !== input.sha256)
      throw new Error(`${s.name} download verification: HTTP ${res.status}, sha256 ${sha}`);
    log(`  download ${s.label.padEnd(11)} verified: ${res.bytes} bytes, sha256 ok`);
  }
  return results;
}

async function smallUploads(server, count, sizeBytes, label) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const tok = token(`bench-small-${crypto.randomUUID()}`);
  // Unique random content per upload (no dedup), made before the clock starts.
  const payloads = Array.from({ length: count }, () => crypto.randomBytes(sizeBytes));
  const latencies = new Array(count);
  let next = 0;
  const meter = label ? new ResourceMeter(server.pid) : null;
  meter?.start();
  const t0 = now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await uploadBuffer(server, payloads[i], tok, agent);
      latencies[i] = res.seconds;
      if (res.status !== 201)
        throw new Error(`${server.name} small upload #${i}: HTTP ${res.status} ${res.text.slice(0, 500)}`);
      const expected = crypto.createHash('sha256').update(payloads[i]).digest('hex');
      if (res.json.sha256 !== expected) throw new Error(`${server.name} small upload #${i}: sha256 mismatch`);
    }
  };
  let seconds;
  let usage;
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, count) }, worker));
    seconds = now() - t0;
  } finally {
    usage = meter?.stop();
    agent.destroy();
  }
  const ms = latencies.map((s) => s * 1000);
  const r = {
    count,
    seconds,
    perSecond: count / seconds,
    p50ms: percentile(ms, 50),
    p99ms: percentile(ms, 99),
    maxMs: Math.max(...ms),
    ...usage,
  };
  if (label) {
    log(
      `  small    ${server.label.padEnd(11)}: ${r.perSecond.toFixed(0).padStart(6)} uploads/s  p50 ${r.p50ms.toFixed(1)} ms  ` +
        `p99 ${r.p99ms.toFixed(1)} ms  server CPU ${r.cpuSeconds.toFixed(2)} s  peak RSS ${r.peakRssMB.toFixed(0)} MB`,
    );
  }
  return r;
}

// ---------------------------------------------------------------------------------------------
// report

function summarise(servers, up, down, small, input) {
  const gib = input.size / GiB;
  const s = {};
  for (const srv of servers) {
    const u = up[srv.key];
    const d = down[srv.key];
    s[srv.key] = {
      uploadMBps: median(u.map((r) => r.mbps)),
      downloadMBps: median(d.map((r) => r.mbps)),
      uploadCpuSecPerGiB: u.reduce((a, r) => a + r.cpuSeconds, 0) / (gib * u.length),
      downloadCpuSecPerGiB: d.reduce((a, r) => a + r.cpuSeconds, 0) / (gib * d.length),
      uploadPeakRssMB: Math.max(...u.map((r) => r.peakRssMB)),
      downloadPeakRssMB: Math.max(...d.map((r) => r.peakRssMB)),
      largePeakRssMB: Math.max(...u.map((r) => r.peakRssMB), ...d.map((r) => r.peakRssMB)),
      clientCpuShareUpload: median(u.map((r) => r.clientCpuSeconds / r.wallSeconds)),
      clientCpuShareDownload: median(d.map((r) => r.clientCpuSeconds / r.wallSeconds)),
      smallPerSecond: small[srv.key].perSecond,
      smallP50ms: small[srv.key].p50ms,
      smallP99ms: small[srv.key].p99ms,
      smallCpuMsPerUpload: (1000 * small[srv.key].cpuSeconds) / small[srv.key].count,
      smallPeakRssMB: small[srv.key].peakRssMB,
    };
  }
  const f = s.flex;
  const b = s.bare;
  const ratios = {
    upload: f.uploadMBps / b.uploadMBps,
    download: f.downloadMBps / b.downloadMBps,
    uploadCpu: f.uploadCpuSecPerGiB / b.uploadCpuSecPerGiB,
    downloadCpu: f.downloadCpuSecPerGiB / b.downloadCpuSecPerGiB,
    largeRss: f.largePeakRssMB / b.largePeakRssMB,
    smallThroughput: f.smallPerSecond / b.smallPerSecond,
    smallP50: f.smallP50ms / b.smallP50ms,
    smallP99: f.smallP99ms / b.smallP99ms,
  };
  const targets = [
    {
      name: `large upload ≥ ${TARGETS.largeUploadRatio}× baseline`,
      value: ratios.upload,
      pass: ratios.upload >= TARGETS.largeUploadRatio,
    },
    {
      name: `FlexStorage peak RSS < ${TARGETS.maxRssMB} MB`,
      value: f.largePeakRssMB,
      pass: f.largePeakRssMB < TARGETS.maxRssMB,
    },
    {
      name: `small uploads ≥ ${TARGETS.smallUploadRatio}× baseline`,
      value: ratios.smallThroughput,
      pass: ratios.smallThroughput >= TARGETS.smallUploadRatio,
    },
  ];
  return { servers: s, ratios, targets };
}

function table(summary, input, idle) {
  const { servers: s, ratios: r } = summary;
  const f = s.flex;
  const b = s.bare;
  const sizeLabel =
    input.size >= GiB ? `${(input.size / GiB).toFixed(input.size % GiB ? 2 : 0)} GiB` : `${input.size / MiB} MiB`;
  const rows = [
    [`Large upload ${sizeLabel}, median of ${opts.runs} (MB/s)`, f.uploadMBps, b.uploadMBps, r.upload, 1],
    [`Large download ${sizeLabel}, median of ${opts.runs} (MB/s)`, f.downloadMBps, b.downloadMBps, r.download, 1],
    ['Server CPU, upload (s/GiB)', f.uploadCpuSecPerGiB, b.uploadCpuSecPerGiB, r.uploadCpu, 2],
    ['Server CPU, download (s/GiB)', f.downloadCpuSecPerGiB, b.downloadCpuSecPerGiB, r.downloadCpu, 2],
    ['Server RSS idle, after start (MB)', idle.flex, idle.bare, idle.flex / idle.bare, 0],
    ['Server peak RSS, large files (MB)', f.largePeakRssMB, b.largePeakRssMB, r.largeRss, 0],
    [
      `Small uploads ${opts.smallCount}×${opts.smallKiB} KiB, c=${opts.concurrency} (uploads/s)`,
      f.smallPerSecond,
      b.smallPerSecond,
      r.smallThroughput,
      0,
    ],
    ['Small upload latency p50 (ms)', f.smallP50ms, b.smallP50ms, r.smallP50, 1],
    ['Small upload latency p99 (ms)', f.smallP99ms, b.smallP99ms, r.smallP99, 1],
    [
      'Server CPU per small upload (ms)',
      f.smallCpuMsPerUpload,
      b.smallCpuMsPerUpload,
      f.smallCpuMsPerUpload / b.smallCpuMsPerUpload,
      2,
    ],
    ['Server peak RSS, small files (MB)', f.smallPeakRssMB, b.smallPeakRssMB, f.smallPeakRssMB / b.smallPeakRssMB, 0],
  ];
  const w = [52, 13, 13, 11];
  const line = '─'.repeat(w.reduce((a, x) => a + x + 1, 0));
  const out = [
    line,
    `${'Measure'.padEnd(w[0])} ${'FlexStorage'.padStart(w[1])} ${'Baseline'.padStart(w[2])} ${'Flex/Base'.padStart(w[3])}`,
    line,
  ];
  for (const [name, fv, bv, ratio, d] of rows) {
    out.push(
      `${name.padEnd(w[0])} ${fv.toFixed(d).padStart(w[1])} ${bv.toFixed(d).padStart(w[2])} ${(ratio.toFixed(2) + '×').padStart(w[3])}`,
    );
  }
  out.push(line);
  out.push('Targets');
  for (const t of summary.targets) {
    const v = t.name.includes('RSS') ? `${t.value.toFixed(0)} MB` : `${t.value.toFixed(2)}×`;
    out.push(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(40)} ${v}`);
  }
  out.push(line);
  out.push(
    `Client CPU share (median, 1.0 = one core busy): upload ${f.clientCpuShareUpload.toFixed(2)} / ${b.clientCpuShareUpload.toFixed(2)}, ` +
      `download ${f.clientCpuShareDownload.toFixed(2)} / ${b.clientCpuShareDownload.toFixed(2)} (Flex / Base)`,
  );
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// main

async function main() {
  const distMain = path.join(ROOT, 'dist', 'main.js');
  if (!fs.existsSync(distMain))
    throw new Error('dist/main.js is missing: run `npm run build` (npm run bench does it for you)');
  const started = new Date();
  const loadAtStart = os.loadavg();
  const tmp = await fsp.mkdtemp(path.join(os.tmpdir(), 'flexstorage-bench-'));
  if (!opts.keep) cleanups.push(() => fsp.rm(tmp, { recursive: true, force: true }));
  log(`FlexStorage bench — ${started.toISOString()}`);
  log(
    `  node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${(os.totalmem() / GiB).toFixed(0)} GiB RAM, temp ${tmp}`,
  );
  log(
    `  large file ${opts.sizeMiB} MiB × ${opts.runs} runs; small ${opts.smallCount} × ${opts.smallKiB} KiB, concurrency ${opts.concurrency}, warm-up ${opts.warmup}` +
      (opts.profile ? '; CPU PROFILING ON (figures are skewed by the profiler)' : ''),
  );

  const db = await createDatabase();
  const queuePrefix = `fsbench-${crypto.randomBytes(4).toString('hex')}`;
  if (!opts.keep) cleanups.push(() => deleteRedisKeys(queuePrefix));
  log(`  database ${db.name}, queue prefix ${queuePrefix}`);

  const inputFile = path.join(tmp, 'large.bin');
  const size = opts.sizeMiB * MiB;
  const tGen = now();
  // The jobs and S3 cases bring their own inputs.
  const sha256 = opts.only === 'jobs' || opts.only === 's3' ? '' : await generateInput(inputFile, size);
  if (sha256)
    log(`  generated ${inputFile} (${size} bytes, sha256 ${sha256.slice(0, 16)}…) in ${(now() - tGen).toFixed(1)} s`);
  const input = { file: inputFile, size, sha256 };

  const [flexPort, barePort] = await Promise.all([freePort(), freePort()]);
  const baseEnv = { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', WEBHOOK_SECRET_KEYS };
  const flex = startServer({
    name: 'FlexStorage',
    script: distMain,
    nodeFlags: startScriptNodeFlags(),
    logFile: path.join(tmp, 'flexstorage.log'),
    env: {
      ...baseEnv,
      PORT: String(flexPort),
      DATABASE_URL: db.url,
      REDIS_URL: opts.redisUrl,
      DATA_DIR: path.join(tmp, 'flex-data'),
      JWT_SECRET,
      QUEUE_PREFIX: queuePrefix,
      LOG_LEVEL: 'warn',
      ...(opts.splitWorker ? { RUN_WORKERS: 'false' } : {}),
    },
  });
  const worker = opts.splitWorker
    ? startServer({
        name: 'FlexStorage worker',
        script: path.join(ROOT, 'dist', 'worker.js'),
        nodeFlags: startScriptNodeFlags(),
        logFile: path.join(tmp, 'flexstorage-worker.log'),
        env: {
          ...baseEnv,
          DATABASE_URL: db.url,
          REDIS_URL: opts.redisUrl,
          DATA_DIR: path.join(tmp, 'flex-data'),
          JWT_SECRET,
          QUEUE_PREFIX: queuePrefix,
          LOG_LEVEL: 'warn',
          PORT: '0',
        },
      })
    : undefined;
  Object.assign(flex, {
    key: 'flex',
    label: 'FlexStorage',
    uploadPath: '/api/v1/files',
    downloadPath: (id) => `/api/v1/files/${id}/content`,
    idOf: (json) => json.id,
    authHeaders: {},
  });
  const bare = startServer({
    name: 'bare server',
    script: path.join(__dirname, 'bare-server.js'),
    logFile: path.join(tmp, 'bare.log'),
    env: { ...baseEnv, PORT: String(barePort), DATA_DIR: path.join(tmp, 'bare-data') },
  });
  Object.assign(bare, {
    key: 'bare',
    label: 'Baseline',
    uploadPath: '/files',
    downloadPath: (name) => `/files/${name}`,
    idOf: (json) => json.name,
    authHeaders: {},
  });
  const servers = [flex, bare];
  const tStart = now();
  await Promise.all(servers.map((s) => waitHealthy(s)));
  log(
    `  servers healthy in ${(now() - tStart).toFixed(1)} s: FlexStorage pid ${flex.pid} :${flex.port}, baseline pid ${bare.pid} :${bare.port}`,
  );
  const mem = { idle: {}, afterLarge: {}, afterSmall: {}, end: {} };
  for (const s of servers) mem.idle[s.key] = await memorySnapshot(s, true);
  const idle = Object.fromEntries(servers.map((s) => [s.key, { rss: mem.idle[s.key].rssMB }]));

  if (opts.warmup) {
    for (const s of servers) await warmUp(s);
    log(`  warm-up: ${opts.warmup} small uploads, one 4 MiB upload and 3 downloads of it, per server`);
  }

  let summary = { targets: [] };
  let report = '';
  let up = { results: {} };
  let down = {};
  const small = {};
  if (!opts.only) {
    log('\nLarge file: upload');
    up = await profiled(servers, 'large-upload', () => largeUploadsWithOwners(servers, input));
    log('\nLarge file: download');
    const ids = Object.fromEntries(servers.map((s) => [s.key, up.last[s.key]]));
    down = await profiled(servers, 'large-download', () => largeDownloads(servers, input, ids));
    for (const s of servers) mem.afterLarge[s.key] = await memorySnapshot(s, false);
    log('\nSmall files');
    const workerCpu0 = worker ? cpuSeconds(worker.pid) : 0;
    for (const s of servers)
      small[s.key] = await profiled([s], 'small-upload', () =>
        smallUploads(s, opts.smallCount, opts.smallKiB * 1024, true),
      );
    if (worker) {
      // The worker relays and publishes the events of these uploads; give it a moment to finish.
      await new Promise((r) => setTimeout(r, 1500));
      const ms = (1000 * (cpuSeconds(worker.pid) - workerCpu0)) / opts.smallCount;
      log(`  worker process (separate, RUN_WORKERS=false on the API): ${ms.toFixed(2)} ms CPU per small upload`);
    }
    for (const s of servers) mem.afterSmall[s.key] = await memorySnapshot(s, false);
    summary = summarise(servers, up.results, down, small, input);
    report = table(summary, input, { flex: idle.flex.rss, bare: idle.bare.rss });
  }

  let tusSummary;
  if (opts.only ? opts.only === 'tus' : opts.tus) {
    const helpers = {
      settleDisk,
      request,
      token,
      ResourceMeter,
      log,
      now,
      percentile,
      median,
      assertAlive,
      freePort,
      startServer,
      waitHealthy,
      stopServer,
      memory,
    };
    tusSummary = await profiled(servers, 'tus', () => runTusBench(helpers, { flex, bare, input, opts, tmp }));
    report = [report, tusTable(tusSummary, input, opts)].filter(Boolean).join('\n');
    summary.targets.push(...tusSummary.targets);
  }
  for (const s of servers) mem.end[s.key] = await memorySnapshot(s, true);
  if (opts.only ? opts.only === 'jobs' : opts.jobs) {
    log('\nJobs');
    const jobs = await require('./jobs').runJobsBench({ redisUrl: opts.redisUrl, queuePrefix, log });
    report += jobs.report;
    summary.targets.push(...jobs.targets);
  }
  if (opts.only ? opts.only === 'relocation' : opts.relocation) {
    log('\nRelocation');
    const helpers = { request, token, uploadFromDisk, settleDisk, ResourceMeter, memory, median };
    const relocation = await profiled([flex], 'relocation', () =>
      require('./relocation').runRelocationBench(helpers, { flex, input, dbUrl: db.url, tmp, runs: opts.runs, log }),
    );
    report += relocation.report;
    summary.targets.push(...relocation.targets);
  }
  if (opts.only ? opts.only === 's3' : opts.s3) {
    log('\nS3 adapter');
    report += (await require('./s3-provider').runS3Bench({ log })).report;
  }
  log(`\n${report}`);
  log(
    'Memory (MB) — RSS from /proc (file = mapped node binary and libraries), V8 from process.memoryUsage(); idle and end after a full GC',
  );
  for (const [phase, label] of [
    ['idle', 'idle after start'],
    ['afterLarge', 'after large files'],
    ['afterSmall', 'after small files'],
    ['end', 'at the end, after a full GC'],
  ]) {
    for (const s of servers) if (mem[phase][s.key]) log(formatMemory(`${s.label}, ${label}`, mem[phase][s.key]));
  }
  const load = os.loadavg();
  log(
    `Load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${load.map((x) => x.toFixed(2)).join(' ')}` +
      (loadAtStart[0] > 0.7 ? '  (the machine was busy before the bench started: figures may be noisy)' : ''),
  );

  let profileSummaries;
  if (opts.profile) {
    const { summarise: summariseProfile, formatSummary } = require('./profile-summary');
    profileSummaries = [];
    log('\nCPU profiles (main JS thread; written to bench/results/profiles/)');
    for (const p of profiles) {
      const ps = summariseProfile(JSON.parse(fs.readFileSync(p.file, 'utf8')), 15);
      profileSummaries.push({ ...p, summary: ps });
      log(`\n${formatSummary(`${p.server} ${p.phase}`, ps)}`);
    }
  }

  const result = {
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    environment: {
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim(),
      memoryGiB: +(os.totalmem() / GiB).toFixed(1),
      kernel: os.release(),
      gitCommit: gitCommit(),
    },
    options: { ...opts, pgAdminUrl: undefined, redisUrl: undefined },
    units: {
      throughput: 'MB/s (10^6 bytes)',
      memory: 'MB (MiB, as /proc reports kB=KiB)',
      cpu: 'seconds of utime+stime, all threads',
    },
    targets: TARGETS,
    input: { bytes: size, sha256 },
    loadAverage: { start: loadAtStart, end: os.loadavg() },
    memory: roundDeep(mem),
    summary: roundDeep(summary),
    runs: roundDeep({ largeUpload: up.results, largeDownload: down, small }),
    tus: tusSummary && roundDeep(tusSummary),
    profiles: profileSummaries,
    table: report,
  };
  await fsp.mkdir(RESULTS_DIR, { recursive: true });
  const out = path.join(RESULTS_DIR, 'latest.json');
  await fsp.writeFile(out, `${JSON.stringify(result, null, 2)}\n`);
  log(`\nResults written to ${path.relative(process.cwd(), out) || out}`);
  if (opts.keep) log(`Kept ${tmp} and database ${db.name} (BENCH_KEEP)`);
  return summary.targets.every((t) => t.pass);
}

/** Untimed: JIT, connection pools and code paths of both servers are warm before anything counts. */
async function warmUp(server) {
  await smallUploads(server, opts.warmup, opts.smallKiB * 1024, null);
  const owner = `bench-warmup-${crypto.randomUUID()}`;
  const tok = token(owner);
  const res = await uploadBuffer(server, crypto.randomBytes(4 * MiB), tok);
  if (res.status !== 201)
    throw new Error(`${server.name} warm-up upload: HTTP ${res.status} ${res.text.slice(0, 500)}`);
  for (let i = 0; i < 3; i++) {
    const d = await request(server, {
      path: server.downloadPath(server.idOf(res.json)),
      headers: { Authorization: `Bearer ${tok}` },
      sink: () => {},
    });
    if (d.status !== 200 || d.bytes !== 4 * MiB)
      throw new Error(`${server.name} warm-up download: HTTP ${d.status}, ${d.bytes} bytes`);
  }
}

/** Large uploads with a fresh owner per run (FlexStorage dedups per owner and SHA-256). */
async function largeUploadsWithOwners(servers, input) {
  const results = await largeUploads(servers, input);
  const last = Object.fromEntries(servers.map((s) => [s.key, results[s.key][results[s.key].length - 1]]));
  // Downloads need a token for the owner of the object they read.
  for (const s of servers) {
    s.authHeaders = { Authorization: `Bearer ${token(last[s.key].owner)}` };
  }
  return { results, last: Object.fromEntries(servers.map((s) => [s.key, last[s.key].id])) };
}

function roundDeep(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? v : +v.toFixed(3);
  if (Array.isArray(v)) return v.map(roundDeep);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, roundDeep(x)]));
  return v;
}

function gitCommit() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head}+dirty-src` : head;
  } catch {
    return null;
  }
}

async function deleteRedisKeys(prefix) {
  const Redis = require('ioredis');
  const redis = new Redis(opts.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

main()
  .then(async (allPass) => {
    await cleanup();
    process.exit(!allPass && opts.strict ? 1 : 0);
  })
  .catch(async (error) => {
    if (interrupted) return; // the signal handler is cleaning up and exits
    console.error(`\nbench failed: ${error && error.stack ? error.stack : error}`);
    await cleanup();
    process.exit(1);
  });
