'use strict';
/**
 * The S3 adapter against a bare use of the same SDK, in one run against one real local S3 server
 * (s3rver, in a child process so its work is not counted in our process's memory):
 *   baseline  @aws-sdk/lib-storage Upload of a file stream, same part size and queue, nothing else
 *   adapter   S3CompatibleProvider.write: the same upload plus metering, SHA-256 and the hash tag
 * and the same for downloads (GetObject stream read to the end vs provider.read hashed).
 * Both pay s3rver's own costs (its MD5, its disk), so the ratio is what the adapter adds.
 *
 *   npm run build && node bench/s3-provider.js      (npm run bench:s3; BENCH_S3_MB=256, BENCH_S3_RUNS=3)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const crypto = require('node:crypto');
const { fork } = require('node:child_process');

const MiB = 1024 * 1024;
const BUCKET = 'bench';
const SERVER = `
const S3rver = require('s3rver');
const [directory] = process.argv.slice(-1);
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: '${BUCKET}' }] })
  .run().then((a) => process.send({ port: a.port }), (e) => { console.error(e); process.exit(1); });
process.on('disconnect', () => process.exit(0));
`;

async function startS3rver() {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-s3rver-'));
  const child = fork('-e', [SERVER, directory], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    cwd: path.join(__dirname, '..'),
  });
  const port = await new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    close: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill();
      await gone;
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

function makeInput(sizeMiB) {
  const file = path.join(os.tmpdir(), `bench-s3-${sizeMiB}MiB.bin`);
  if (!fs.existsSync(file) || fs.statSync(file).size !== sizeMiB * MiB) {
    const fd = fs.openSync(file, 'w');
    for (let i = 0; i < sizeMiB; i++) fs.writeSync(fd, crypto.randomBytes(MiB));
    fs.closeSync(fd);
  }
  return { file, size: sizeMiB * MiB };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function runS3Bench({
  sizeMiB = Number(process.env.BENCH_S3_MB ?? 256),
  runs = Number(process.env.BENCH_S3_RUNS ?? 3),
  log = console.log,
} = {}) {
  const { S3Client, GetObjectCommand, DeleteObjectCommand } = require('@aws-sdk/client-s3');
  const { Upload } = require('@aws-sdk/lib-storage');
  const { S3CompatibleProvider } = require('../dist/infrastructure/storage-providers/s3/s3-compatible.provider');
  const s3 = await startS3rver();
  const input = makeInput(sizeMiB);
  const common = {
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  };
  const client = new S3Client({
    ...common,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const provider = new S3CompatibleProvider({
    id: 's3-standard',
    bucket: BUCKET,
    ...common,
    keyPrefix: 'adapter/',
    capabilities: {
      instantAccess: true,
      rangeReads: true,
      retrievalRequired: false,
      retrievalTiers: [],
      maxObjectSize: null,
      deletion: 'immediate',
      minimumStorageDays: 0,
    },
  });
  const timed = async (fn) => {
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    try {
      await fn();
    } finally {
      clearInterval(sampler);
    }
    const cpu = process.cpuUsage(cpu0);
    return {
      seconds: Number(process.hrtime.bigint() - t0) / 1e9,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      rssGrowthMB: (peak - rss0) / 1e6,
    };
  };
  const results = { bareUp: [], adapterUp: [], bareDown: [], adapterDown: [] };
  try {
    log(`S3 adapter vs bare SDK: ${sizeMiB} MiB, ${runs} alternating runs against s3rver (${s3.endpoint})`);
    for (let run = 0; run < runs; run++) {
      const bareKey = `bare/${run}-${crypto.randomUUID()}`;
      results.bareUp.push(
        await timed(async () => {
          const upload = new Upload({
            client,
            params: { Bucket: BUCKET, Key: bareKey, Body: fs.createReadStream(input.file, { highWaterMark: MiB }) },
            partSize: 8 * MiB,
            queueSize: 2,
          });
          await upload.done();
        }),
      );
      let written;
      results.adapterUp.push(
        await timed(async () => {
          written = await provider.write(fs.createReadStream(input.file, { highWaterMark: MiB }), {
            maxBytes: Number.MAX_SAFE_INTEGER,
            contentType: 'application/octet-stream',
          });
        }),
      );
      results.bareDown.push(
        await timed(async () => {
          const res = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: bareKey }));
          for await (const _ of res.Body) {
            /* read to the end */
          }
        }),
      );
      results.adapterDown.push(
        await timed(async () => {
          const hash = crypto.createHash('sha256');
          for await (const chunk of await provider.read(written.key)) hash.update(chunk);
          if (hash.digest('hex') !== written.sha256) throw new Error('adapter download does not match');
        }),
      );
      await client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: bareKey }));
      await provider.delete(written.key);
      log(
        `  run ${run + 1}: up ${(input.size / MiB / results.bareUp[run].seconds).toFixed(0)} vs ${(input.size / MiB / results.adapterUp[run].seconds).toFixed(0)} MiB/s, down ${(input.size / MiB / results.bareDown[run].seconds).toFixed(0)} vs ${(input.size / MiB / results.adapterDown[run].seconds).toFixed(0)} MiB/s (bare vs adapter)`,
      );
    }
  } finally {
    client.destroy();
    await provider.close();
    await s3.close();
  }
  const rate = (xs) => input.size / MiB / median(xs.map((x) => x.seconds));
  const row = (label, bare, adapter) => {
    const b = rate(bare);
    const a = rate(adapter);
    return `| ${label} | ${b.toFixed(0)} | ${a.toFixed(0)} | ${(a / b).toFixed(2)}× | ${median(bare.map((x) => x.cpuSeconds)).toFixed(2)} / ${median(adapter.map((x) => x.cpuSeconds)).toFixed(2)} | ${median(bare.map((x) => x.rssGrowthMB)).toFixed(0)} / ${median(adapter.map((x) => x.rssGrowthMB)).toFixed(0)} |`;
  };
  const report = [
    '',
    `S3 adapter (${sizeMiB} MiB, median of ${runs}; s3rver's own work is in both)`,
    '| case | bare SDK MiB/s | adapter MiB/s | ratio | CPU s (bare / adapter, this process) | peak RSS growth MB (bare / adapter) |',
    '|---|---|---|---|---|---|',
    row('upload (multipart 8 MiB × 2)', results.bareUp, results.adapterUp),
    row('download (+ SHA-256 for the adapter)', results.bareDown, results.adapterDown),
    '',
  ].join('\n');
  return { report, results };
}

module.exports = { runS3Bench };

if (require.main === module) {
  runS3Bench().then(
    ({ report }) => console.log(report),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
