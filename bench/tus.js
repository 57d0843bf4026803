'use strict';
/**
 * The resumable-upload case of `npm run bench`: one large file through FlexStorage's tus endpoint,
 * through @tus/server + @tus/file-store (bench/tus-server.js) and as one raw POST to the bare
 * baseline, in the same run with the same client; then small files with creation-with-upload
 * (one request each) against FlexStorage and @tus/server. Driven by bench/run.js.
 */
const fs = require('node:fs');
const http = require('node:http');
const crypto = require('node:crypto');

const MB = 1e6;
const MiB = 1024 * 1024;

/**
 * The same tus client for both tus servers: create (Upload-Length), then the whole file in one
 * PATCH streamed from disk (what tus-js-client does with its default chunkSize: Infinity).
 */
async function tusLargeUpload(h, server, input, auth) {
  const created = await h.request(server, {
    method: 'POST',
    path: server.tusPath,
    headers: {
      ...auth,
      'Tus-Resumable': '1.0.0',
      'Upload-Length': String(input.size),
      'Upload-Metadata': `filename ${Buffer.from('large.bin').toString('base64')}`,
    },
  });
  if (created.status !== 201)
    throw new Error(`${server.name} tus create: HTTP ${created.status} ${created.text.slice(0, 300)}`);
  const location = new URL(created.headers.location, `http://127.0.0.1:${server.port}`).pathname;
  const res = await h.request(server, {
    method: 'PATCH',
    path: location,
    headers: {
      ...auth,
      'Tus-Resumable': '1.0.0',
      'Upload-Offset': '0',
      'Content-Type': 'application/offset+octet-stream',
      'Content-Length': input.size,
    },
    body: (req) => {
      const rs = fs.createReadStream(input.file, { highWaterMark: MiB });
      rs.on('error', (e) => req.destroy(e));
      rs.pipe(req);
    },
  });
  if (res.status !== 204 || Number(res.headers['upload-offset']) !== input.size) {
    throw new Error(
      `${server.name} tus PATCH: HTTP ${res.status}, offset ${res.headers['upload-offset']} ${res.text.slice(0, 300)}`,
    );
  }
  return { seconds: created.seconds + res.seconds, fileId: res.headers['x-file-id'] };
}

/** The bare baseline takes the file as one raw POST body (same durability as FlexStorage's local-fs). */
async function rawLargeUpload(h, server, input) {
  const res = await h.request(server, {
    method: 'POST',
    path: server.uploadPath,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': input.size },
    body: (req) => {
      const rs = fs.createReadStream(input.file, { highWaterMark: MiB });
      rs.on('error', (e) => req.destroy(e));
      rs.pipe(req);
    },
  });
  if (res.status !== 201 || res.json.sha256 !== input.sha256)
    throw new Error(`${server.name} raw upload: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  return { seconds: res.seconds };
}

async function largeCase(h, servers, input, opts) {
  const results = Object.fromEntries(servers.map((s) => [s.key, []]));
  for (let run = 1; run <= opts.runs; run++) {
    const order = run % 2 ? servers : [...servers].reverse();
    for (const s of order) {
      h.assertAlive(s);
      h.settleDisk(); // no dirty pages of the previous upload written back during this one
      const tok = h.token(`bench-tus-${run}-${crypto.randomUUID()}`);
      const meter = new h.ResourceMeter(s.pid);
      let r;
      let usage;
      meter.start();
      try {
        r =
          s.key === 'bare'
            ? await rawLargeUpload(h, s, input)
            : await tusLargeUpload(h, s, input, s.key === 'flex' ? { Authorization: `Bearer ${tok}` } : {});
      } finally {
        usage = meter.stop();
      }
      if (s.key === 'flex') await verifyFlexFile(h, s, r.fileId, tok, input);
      const row = { run, seconds: r.seconds, mbps: input.size / MB / r.seconds, ...usage };
      results[s.key].push(row);
      h.log(
        `  tus upload ${s.label.padEnd(12)} run ${run}: ${row.mbps.toFixed(1).padStart(7)} MB/s  ${row.seconds.toFixed(2)} s  ` +
          `server CPU ${row.cpuSeconds.toFixed(2)} s  peak RSS ${row.peakRssMB.toFixed(0)} MB${s.key === 'flex' ? '  sha256 ok' : ''}`,
      );
    }
  }
  return results;
}

async function verifyFlexFile(h, server, fileId, tok, input) {
  const res = await h.request(server, { path: `/api/v1/files/${fileId}`, headers: { Authorization: `Bearer ${tok}` } });
  if (res.status !== 200 || res.json.sha256 !== input.sha256 || res.json.size !== input.size) {
    throw new Error(`${server.name} tus file ${fileId}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  }
}

/** 1 request per file: POST with the whole body (creation-with-upload), 16 clients, keep-alive. */
async function smallCase(h, server, opts, label) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const count = label ? opts.smallCount : opts.warmup;
  const size = opts.smallKiB * 1024;
  const auth =
    server.key === 'flex' ? { Authorization: `Bearer ${h.token(`bench-tus-small-${crypto.randomUUID()}`)}` } : {};
  const payloads = Array.from({ length: count }, () => crypto.randomBytes(size));
  const latencies = new Array(count);
  let next = 0;
  const meter = label ? new h.ResourceMeter(server.pid) : null;
  meter?.start();
  const t0 = h.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (server.key === 'bare') {
        // The baseline's floor for a durable small upload: one raw POST, hashed, fsynced, renamed.
        const res = await h.request(server, {
          method: 'POST',
          path: server.uploadPath,
          agent,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': size },
          body: payloads[i],
        });
        latencies[i] = res.seconds;
        if (res.status !== 201) throw new Error(`${server.name} raw small #${i}: HTTP ${res.status}`);
        continue;
      }
      const res = await h.request(server, {
        method: 'POST',
        path: server.tusPath,
        agent,
        headers: {
          ...auth,
          'Tus-Resumable': '1.0.0',
          'Upload-Length': String(size),
          'Content-Type': 'application/offset+octet-stream',
          'Content-Length': size,
          'Upload-Metadata': `filename ${Buffer.from(`small-${i}.bin`).toString('base64')}`,
        },
        body: payloads[i],
      });
      latencies[i] = res.seconds;
      if (res.status !== 201 || Number(res.headers['upload-offset']) !== size) {
        throw new Error(
          `${server.name} tus small #${i}: HTTP ${res.status}, offset ${res.headers['upload-offset']} ${res.text.slice(0, 300)}`,
        );
      }
      if (server.key === 'flex' && !res.headers['x-file-id'])
        throw new Error(`${server.name} tus small #${i}: no file made`);
    }
  };
  let seconds;
  let usage;
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, count) }, worker));
    seconds = h.now() - t0;
  } finally {
    usage = meter?.stop();
    agent.destroy();
  }
  const ms = latencies.map((s) => s * 1000);
  const r = {
    count,
    seconds,
    perSecond: count / seconds,
    p50ms: h.percentile(ms, 50),
    p99ms: h.percentile(ms, 99),
    ...usage,
  };
  if (label) {
    h.log(
      `  tus small  ${server.label.padEnd(12)}: ${r.perSecond.toFixed(0).padStart(6)} uploads/s  p50 ${r.p50ms.toFixed(1)} ms  ` +
        `p99 ${r.p99ms.toFixed(1)} ms  server CPU ${r.cpuSeconds.toFixed(2)} s  peak RSS ${r.peakRssMB.toFixed(0)} MB`,
    );
  }
  return r;
}

const TUS_TARGETS = {
  largeVsTusServer: 1.0, // FlexStorage tus MB/s ≥ 1.0 × @tus/server, while also hashing and fsyncing
  smallVsTusServer: 1.5, // FlexStorage creation-with-upload/s ≥ 1.5 × @tus/server
};

/** Runs the whole tus case; `h` carries run.js's helpers, `flex`/`bare` its running servers. */
async function runTusBench(h, { flex, bare, input, opts, tmp }) {
  const port = await h.freePort();
  const ref = h.startServer({
    name: '@tus/server',
    script: require('node:path').join(__dirname, 'tus-server.js'),
    logFile: require('node:path').join(tmp, 'tus-server.log'),
    env: {
      ...process.env,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: require('node:path').join(tmp, 'tus-data'),
    },
  });
  Object.assign(ref, { key: 'tusd', label: '@tus/server', tusPath: '/files', authHeaders: {} });
  flex.tusPath = '/api/v1/uploads';
  await h.waitHealthy(ref);
  const idleRss = h.memory(ref.pid).rss;

  if (opts.warmup) {
    for (const s of [flex, ref, bare]) await smallCase(h, s, opts, null);
  }
  h.log('\nResumable (tus): large file');
  const savedAuth = flex.authHeaders;
  flex.authHeaders = {};
  const large = await largeCase(h, [flex, ref, bare], input, opts);
  h.log('\nResumable (tus): small files, creation-with-upload (one request each)');
  const small = {
    flex: await smallCase(h, flex, opts, true),
    tusd: await smallCase(h, ref, opts, true),
    bare: await smallCase(h, bare, opts, true),
  };
  flex.authHeaders = savedAuth;
  await h.stopServer(ref);

  const med = (k) => h.median(large[k].map((r) => r.mbps));
  const peak = (k) => Math.max(...large[k].map((r) => r.peakRssMB));
  const cpuPerGiB = (k) =>
    large[k].reduce((a, r) => a + r.cpuSeconds, 0) / ((input.size / (1024 * MiB)) * large[k].length);
  const s = {
    flex: {
      mbps: med('flex'),
      peakRssMB: peak('flex'),
      cpuSecPerGiB: cpuPerGiB('flex'),
      smallPerSecond: small.flex.perSecond,
      smallP99ms: small.flex.p99ms,
    },
    tusd: {
      mbps: med('tusd'),
      peakRssMB: peak('tusd'),
      cpuSecPerGiB: cpuPerGiB('tusd'),
      smallPerSecond: small.tusd.perSecond,
      smallP99ms: small.tusd.p99ms,
      idleRssMB: idleRss,
    },
    bare: {
      mbps: med('bare'),
      peakRssMB: peak('bare'),
      cpuSecPerGiB: cpuPerGiB('bare'),
      smallPerSecond: small.bare.perSecond,
      smallP99ms: small.bare.p99ms,
    },
  };
  const ratios = {
    largeVsTusServer: s.flex.mbps / s.tusd.mbps,
    largeVsBare: s.flex.mbps / s.bare.mbps,
    tusServerVsBare: s.tusd.mbps / s.bare.mbps,
    smallVsTusServer: s.flex.smallPerSecond / s.tusd.smallPerSecond,
    smallVsBare: s.flex.smallPerSecond / s.bare.smallPerSecond,
  };
  const targets = [
    {
      name: `tus large upload ≥ ${TUS_TARGETS.largeVsTusServer}× @tus/server`,
      value: ratios.largeVsTusServer,
      pass: ratios.largeVsTusServer >= TUS_TARGETS.largeVsTusServer,
    },
    {
      name: `tus small uploads ≥ ${TUS_TARGETS.smallVsTusServer}× @tus/server`,
      value: ratios.smallVsTusServer,
      pass: ratios.smallVsTusServer >= TUS_TARGETS.smallVsTusServer,
    },
  ];
  return { servers: s, ratios, targets, runs: { large, small } };
}

function tusTable(summary, input, opts) {
  const { servers: s, ratios: r } = summary;
  const { small } = summary.runs;
  const size = `${(input.size / (1024 * MiB)).toFixed(input.size % (1024 * MiB) ? 2 : 0)} GiB`;
  const w = [46, 12, 12, 12, 11, 11];
  const line = '─'.repeat(w.reduce((a, x) => a + x + 1, 0));
  const head = `${'Resumable (tus)'.padEnd(w[0])} ${'FlexStorage'.padStart(w[1])} ${'@tus/server'.padStart(w[2])} ${'Baseline'.padStart(w[3])} ${'Flex/tus'.padStart(w[4])} ${'Flex/Base'.padStart(w[5])}`;
  const row = (name, f, t, b, d, rt, rb) =>
    `${name.padEnd(w[0])} ${f.toFixed(d).padStart(w[1])} ${t.toFixed(d).padStart(w[2])} ${(b === null ? '—' : b.toFixed(d)).padStart(w[3])} ` +
    `${(rt.toFixed(2) + '×').padStart(w[4])} ${(rb === null ? '—' : rb.toFixed(2) + '×').padStart(w[5])}`;
  const out = [
    line,
    head,
    line,
    row(
      `Upload ${size}, one PATCH, median of ${opts.runs} (MB/s)`,
      s.flex.mbps,
      s.tusd.mbps,
      s.bare.mbps,
      1,
      r.largeVsTusServer,
      r.largeVsBare,
    ),
    row(
      'Server CPU, upload (s/GiB)',
      s.flex.cpuSecPerGiB,
      s.tusd.cpuSecPerGiB,
      s.bare.cpuSecPerGiB,
      2,
      s.flex.cpuSecPerGiB / s.tusd.cpuSecPerGiB,
      s.flex.cpuSecPerGiB / s.bare.cpuSecPerGiB,
    ),
    row(
      'Server peak RSS, upload (MB)',
      s.flex.peakRssMB,
      s.tusd.peakRssMB,
      s.bare.peakRssMB,
      0,
      s.flex.peakRssMB / s.tusd.peakRssMB,
      s.flex.peakRssMB / s.bare.peakRssMB,
    ),
    row(
      `Small ${opts.smallCount}×${opts.smallKiB} KiB creation-with-upload, c=${opts.concurrency} (/s)`,
      s.flex.smallPerSecond,
      s.tusd.smallPerSecond,
      s.bare.smallPerSecond,
      0,
      r.smallVsTusServer,
      r.smallVsBare,
    ),
    row(
      'Small upload latency p99 (ms)',
      s.flex.smallP99ms,
      s.tusd.smallP99ms,
      s.bare.smallP99ms,
      1,
      s.flex.smallP99ms / s.tusd.smallP99ms,
      s.flex.smallP99ms / s.bare.smallP99ms,
    ),
    row(
      'Server CPU per small upload (ms)',
      (small.flex.cpuSeconds / small.flex.count) * 1000,
      (small.tusd.cpuSeconds / small.tusd.count) * 1000,
      (small.bare.cpuSeconds / small.bare.count) * 1000,
      2,
      small.flex.cpuSeconds / small.flex.count / (small.tusd.cpuSeconds / small.tusd.count),
      small.flex.cpuSeconds / small.flex.count / (small.bare.cpuSeconds / small.bare.count),
    ),
    line,
    'Targets',
  ];
  for (const t of summary.targets)
    out.push(`  ${t.pass ? 'PASS' : 'FAIL'}  ${t.name.padEnd(40)} ${t.value.toFixed(2)}×`);
  out.push(
    `  (@tus/server reaches ${r.tusServerVsBare.toFixed(2)}× the bare baseline without hashing or fsync; FlexStorage hashes, fsyncs its offsets and records them.`,
  );
  out.push(
    `   Small files: the baseline, a bare durable store without auth or database, makes ${(s.bare.smallPerSecond / s.tusd.smallPerSecond).toFixed(2)}× @tus/server's rate.)`,
  );
  out.push(line);
  return out.join('\n');
}

module.exports = { runTusBench, tusTable, TUS_TARGETS };
