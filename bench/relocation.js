'use strict';
/**
 * The relocation case of `npm run bench`: a large file moved from local-fs into the database
 * provider by the running service (POST /files/:id/relocations → a relocate-file job: read,
 * SHA-256 check, write, repoint, old copy deleted) against a bare copy of the same bytes between the
 * same two providers (dist classes, `database.write(localFs.read(key))`, nothing else) in a child
 * process, same database, same run. Both read their source cold (page cache dropped first). Memory:
 * peak RSS of the service while it moves the file, and the bare copy's RSS growth.
 */
const path = require('node:path');
const { fork } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');

const BARE_COPY = `
const fs = require('node:fs');
const path = require('node:path');
const [root, dbUrl, file, size, sha256] = process.argv.slice(-5);
const { LocalFsProvider } = require(path.join(${JSON.stringify(ROOT)}, 'dist/infrastructure/storage-providers/local-fs/local-fs.provider.js'));
const { DatabaseProvider } = require(path.join(${JSON.stringify(ROOT)}, 'dist/infrastructure/storage-providers/database/database.provider.js'));
const rss = () => Number(/VmRSS:\\s+(\\d+)/.exec(fs.readFileSync('/proc/self/status', 'utf8'))[1]) / 1024;
(async () => {
  const local = new LocalFsProvider(root);
  const db = new DatabaseProvider(dbUrl, { id: 'database' });
  const source = await local.write(fs.createReadStream(file, { highWaterMark: 1 << 20 }), { maxBytes: Number(size), contentType: 'application/octet-stream' });
  // Read cold, as the service's copy is (the bench drops the page cache before it), and as a file
  // being moved usually is.
  require('node:child_process').execFileSync('sync');
  try { fs.writeFileSync('/proc/sys/vm/drop_caches', '1'); } catch { /* not root */ }
  global.gc?.();
  const before = rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const t0 = performance.now();
  const written = await db.write(await local.read(source.key), { maxBytes: Number(size), contentType: 'application/octet-stream', expectedSha256: sha256 });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  await local.delete(source.key);
  await db.delete(written.key);
  await db.close?.();
  process.send({ seconds, peakGrowthMB: Math.max(peak, rss()) - before });
})().catch((e) => { console.error(e); process.exit(1); });
`;

function bareCopy({ root, dbUrl, file, size, sha256 }) {
  return new Promise((resolve, reject) => {
    const child = fork('-e', [BARE_COPY, root, dbUrl, file, String(size), sha256], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.once('message', (m) => {
      resolve(m);
      child.kill();
    });
    child.once('exit', (code) => code && reject(new Error(`bare copy exited with ${code}`)));
  });
}

async function waitForJob(h, server, id, auth) {
  for (;;) {
    const res = await h.request(server, { path: `/api/v1/jobs/${id}`, headers: { Authorization: `Bearer ${auth}` } });
    if (res.json?.state === 'completed') return res.json;
    if (res.json?.state === 'failed') throw new Error(`relocation job failed: ${res.json.failedReason}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function runRelocationBench(h, { flex, input, dbUrl, tmp, runs, log }) {
  const MB = 1e6;
  const flexRuns = [];
  const bareRuns = [];
  for (let run = 1; run <= runs; run++) {
    // Another owner per run: the same bytes again would be a duplicate of the first upload.
    const bare = await bareCopy({
      root: path.join(tmp, 'relocation-bare'),
      dbUrl,
      file: input.file,
      size: input.size,
      sha256: input.sha256,
    });
    const auth = h.token(`bench-relocation-${run}`);
    const up = await h.uploadFromDisk(flex, input.file, input.size, auth);
    if (up.status !== 201) throw new Error(`upload for relocation: HTTP ${up.status} ${up.text}`);
    await h.settleDisk();
    const meter = new h.ResourceMeter(flex.pid);
    meter.start();
    const asked = await h.request(flex, {
      method: 'POST',
      path: `/api/v1/files/${up.json.id}/relocations`,
      headers: { Authorization: `Bearer ${auth}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ provider: 'database' }),
    });
    if (asked.status !== 202) throw new Error(`relocation: HTTP ${asked.status} ${asked.text}`);
    const job = await waitForJob(h, flex, asked.json.jobId, auth);
    const m = meter.stop();
    const idle = h.memory(flex.pid).rss;
    const inJob = (new Date(job.finishedAt) - new Date(job.startedAt)) / 1000;
    flexRuns.push({
      inJobSeconds: inJob,
      seconds: m.wallSeconds,
      peakRssMB: m.peakRssMB,
      cpuSeconds: m.cpuSeconds,
      bytes: job.result.bytes,
    });
    await h.request(flex, {
      method: 'DELETE',
      path: `/api/v1/files/${up.json.id}`,
      headers: { Authorization: `Bearer ${auth}` },
    });

    bareRuns.push(bare);
    log(
      `  run ${run}: FlexStorage ${(input.size / MB / m.wallSeconds).toFixed(0)} MB/s (job end to end; ${(input.size / MB / inJob).toFixed(0)} MB/s inside the job, peak RSS ${m.peakRssMB.toFixed(0)} MB, ${idle.toFixed(0)} after), ` +
        `bare provider copy ${(input.size / MB / bare.seconds).toFixed(0)} MB/s (peak RSS growth ${bare.peakGrowthMB.toFixed(0)} MB)`,
    );
  }
  const flexS = h.median(flexRuns.map((r) => r.seconds));
  const bareS = h.median(bareRuns.map((r) => r.seconds));
  const flexMBs = input.size / MB / flexS;
  const bareMBs = input.size / MB / bareS;
  const ratio = flexMBs / bareMBs;
  const report =
    `\n| relocation local-fs → database (${(input.size / 1024 ** 2).toFixed(0)} MiB, median of ${runs}) | FlexStorage | bare provider copy | ratio |\n|---|---|---|---|\n` +
    `| throughput, MB/s | ${flexMBs.toFixed(0)} | ${bareMBs.toFixed(0)} | ${ratio.toFixed(2)}× |\n` +
    `| peak RSS, MB (FlexStorage: whole service; bare: growth during the copy) | ${h.median(flexRuns.map((r) => r.peakRssMB)).toFixed(0)} | +${h.median(bareRuns.map((r) => r.peakGrowthMB)).toFixed(0)} | |\n`;
  return { report, summary: { flexMBs, bareMBs, ratio, flexRuns, bareRuns }, targets: [] };
}

module.exports = { runRelocationBench };
