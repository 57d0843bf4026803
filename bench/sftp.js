'use strict';
/**
 * The SFTP plugin's store against ssh2-sftp-client alone, in one run against one real OpenSSH sshd
 * (started by the plugin's own test helper on a loopback port):
 *   bare client  ssh2-sftp-client put(stream) / get(path, sink), with TCP_NODELAY set (one line;
 *                without it every request waits out a delayed ACK, measured below on a small file)
 *   store        SftpStore.write (size, SHA-256, limit, .incoming then rename) / SftpStore.read
 * alternating, same input file, same server. Each transfer runs in a fresh child process, so its
 * peak RSS is its own (not the high-water mark an earlier transfer left). For reference: the
 * library's fastPut / fastGet (local file to file, 64 requests in flight), which a provider cannot
 * use: it is handed a stream, not a file.
 *
 *   npm run bench:sftp     (builds plugins/sftp; BENCH_SFTP_MB=256, BENCH_SFTP_RUNS=3,
 *                           BENCH_SFTP_DEPTH=<store requests in flight>, BENCH_SFTP_NAGLE_MB=8)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Writable } = require('node:stream');
const { execFileSync, fork } = require('node:child_process');
const { createRequire } = require('node:module');

const MiB = 1024 * 1024;
const MB = 1e6;
const PLUGIN = path.join(__dirname, '..', 'plugins', 'sftp');

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Random input written and hashed by child processes: no buffer of it ever lives in a Node process. */
function makeInput(dir, sizeMiB) {
  const file = path.join(dir, `input-${sizeMiB}MiB.bin`);
  const fd = fs.openSync(file, 'w');
  execFileSync('head', ['-c', String(sizeMiB * MiB), '/dev/urandom'], { stdio: ['ignore', fd, 'inherit'] });
  fs.closeSync(fd);
  const sha256 = execFileSync('sha256sum', [file], { encoding: 'utf8' }).split(' ')[0];
  return { file, size: sizeMiB * MiB, sha256 };
}

/** One transfer in a fresh Node process: `job` is { kind, server, input, remote?, key?, depth? }. */
function inChild(job) {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--transfer'], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let answer;
    child.once('message', (message) => (answer = message));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (answer?.error) reject(new Error(`${job.kind}: ${answer.error}`));
      else if (code !== 0 || !answer) reject(new Error(`${job.kind}: child exited with ${code}`));
      else resolve(answer);
    });
    child.send(job);
  });
}

async function runSftpBench({
  sizeMiB = Number(process.env.BENCH_SFTP_MB ?? 256),
  runs = Number(process.env.BENCH_SFTP_RUNS ?? 3),
  nagleMiB = Number(process.env.BENCH_SFTP_NAGLE_MB ?? 8),
  depth = process.env.BENCH_SFTP_DEPTH ? Number(process.env.BENCH_SFTP_DEPTH) : undefined,
  log = console.log,
} = {}) {
  if (!fs.existsSync(path.join(PLUGIN, 'dist', 'index.js')))
    throw new Error('plugins/sftp/dist is missing: run `npm run bench:sftp` (it builds it)');
  // The test helper is erasable TypeScript importing only node: modules: Node runs it as it is.
  const { startSshd } = require(path.join(PLUGIN, 'test', 'support', 'sshd.ts'));
  const loadAtStart = os.loadavg();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flexstorage-bench-sftp-'));
  const sshd = await startSshd();
  const server = {
    host: sshd.host,
    port: sshd.port,
    username: sshd.username,
    privateKey: sshd.privateKey,
    hostKeySha256: sshd.hostKeySha256,
    root: sshd.root,
  };
  const results = { bareUp: [], storeUp: [], bareDown: [], storeDown: [], fastPut: [], fastGet: [] };
  let nagle;
  try {
    const input = makeInput(tmp, sizeMiB);
    log(
      `SFTP store vs ssh2-sftp-client: ${sizeMiB} MiB, ${runs} alternating runs against OpenSSH on 127.0.0.1:${sshd.port}` +
        (depth ? `, store depth ${depth}` : ''),
    );
    const rate = (r) => input.size / MB / r.seconds;
    for (let run = 0; run < runs; run++) {
      const remote = `${sshd.root}/bare-${run}.bin`;
      const job = { server, input, remote, depth };
      results.bareUp.push(await inChild({ ...job, kind: 'bare-put' }));
      const stored = await inChild({ ...job, kind: 'store-write' });
      if (stored.sha256 !== input.sha256 || stored.size !== input.size) throw new Error('the store wrote other bytes');
      results.storeUp.push(stored);
      results.bareDown.push(await inChild({ ...job, kind: 'bare-get' }));
      results.storeDown.push(await inChild({ ...job, kind: 'store-read', key: stored.key }));
      results.fastPut.push(await inChild({ ...job, kind: 'fast-put' }));
      results.fastGet.push(await inChild({ ...job, kind: 'fast-get', local: path.join(tmp, 'fast-get.bin') }));
      await inChild({ ...job, kind: 'clean-up', key: stored.key });
      log(
        `  run ${run + 1}: up ${rate(results.bareUp[run]).toFixed(0)} vs ${rate(results.storeUp[run]).toFixed(0)} MB/s, ` +
          `down ${rate(results.bareDown[run]).toFixed(0)} vs ${rate(results.storeDown[run]).toFixed(0)} MB/s (bare vs store)`,
      );
    }
    const small = makeInput(tmp, nagleMiB);
    const remote = `${sshd.root}/nagle.bin`;
    const up = await inChild({ server, input: small, remote, kind: 'nagle-put' });
    const down = await inChild({ server, input: small, remote, kind: 'nagle-get' });
    nagle = { sizeMiB: nagleMiB, upMBs: small.size / MB / up.seconds, downMBs: small.size / MB / down.seconds };
  } finally {
    await sshd.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { report: formatReport({ sizeMiB, runs, results, nagle, loadAtStart }), results, nagle };
}

function formatReport({ sizeMiB, runs, results, nagle, loadAtStart }) {
  const size = sizeMiB * MiB;
  const rate = (xs) => size / MB / median(xs.map((x) => x.seconds));
  const med = (xs, field, digits = 0) => median(xs.map((x) => x[field])).toFixed(digits);
  const row = (label, bare, store) => {
    const b = rate(bare);
    const s = rate(store);
    return (
      `| ${label} | ${b.toFixed(0)} | ${s.toFixed(0)} | ${(s / b).toFixed(2)}× | ` +
      `${med(bare, 'peakRssMB')} / ${med(store, 'peakRssMB')} | ${med(bare, 'rssGrowthMB')} / ${med(store, 'rssGrowthMB')} | ` +
      `${med(bare, 'cpuSeconds', 2)} / ${med(store, 'cpuSeconds', 2)} |`
    );
  };
  const load = os.loadavg();
  return [
    '',
    `SFTP store (${sizeMiB} MiB, median of ${runs}; each transfer in its own process; sshd's work is in both)`,
    '| case | bare client MB/s | store MB/s | store/bare | peak RSS MB (bare / store) | RSS growth during the transfer MB (bare / store) | CPU s of the client (bare / store) |',
    '|---|---|---|---|---|---|---|',
    row('upload: put(stream) / store.write', results.bareUp, results.storeUp),
    row('download: get(path, sink) / store.read', results.bareDown, results.storeDown),
    '',
    `For reference: fastPut ${rate(results.fastPut).toFixed(0)} MB/s, fastGet ${rate(results.fastGet).toFixed(0)} MB/s ` +
      '(local file to file, 64 requests in flight);',
    `ssh2-sftp-client as it comes (Nagle on), ${nagle.sizeMiB} MiB: put ${nagle.upMBs.toFixed(1)} MB/s, get ${nagle.downMBs.toFixed(1)} MB/s.`,
    `Load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}, at end ${load.map((x) => x.toFixed(2)).join(' ')}` +
      (loadAtStart[0] > 0.7 ? '  (the machine was busy before the bench started: figures may be noisy)' : ''),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// One transfer, in a child process (`node bench/sftp.js --transfer`, job over IPC)

async function transfer(job) {
  const pluginRequire = createRequire(path.join(PLUGIN, 'package.json'));
  const SftpClient = pluginRequire('ssh2-sftp-client');
  const { SftpStore } = require(path.join(PLUGIN, 'dist', 'index.js'));
  const { server, input, remote } = job;
  const sink = () => new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const source = () => fs.createReadStream(input.file, { highWaterMark: MiB });
  if (job.kind.startsWith('store-')) {
    const store = new SftpStore({ ...server, depth: job.depth });
    try {
      await store.health(); // connected before the clock starts, as the bare client is
      if (job.kind === 'store-write') {
        let written;
        const figures = await timed(async () => (written = await store.write(source(), { maxBytes: input.size })));
        return { ...figures, ...written };
      }
      return await timed(async () => {
        for await (const _chunk of await store.read(job.key)) {
          /* read to the end */
        }
      });
    } finally {
      await store.close();
    }
  }
  const client = new SftpClient('bench', {});
  await client.connect({
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: server.privateKey,
  });
  if (!job.kind.startsWith('nagle-')) client.client.setNoDelay(true);
  try {
    switch (job.kind) {
      case 'bare-put':
      case 'nagle-put':
        return await timed(() => client.put(source(), remote));
      case 'bare-get':
      case 'nagle-get':
        return await timed(() => client.get(remote, sink()));
      case 'fast-put':
        return await timed(() => client.fastPut(input.file, `${remote}.fast`));
      case 'fast-get':
        return await timed(() => client.fastGet(`${remote}.fast`, job.local));
      case 'clean-up': {
        await client.delete(remote, true);
        await client.delete(`${remote}.fast`, true);
        const store = new SftpStore(server);
        await store.delete(job.key);
        await store.close();
        return {};
      }
      default:
        throw new Error(`unknown transfer ${job.kind}`);
    }
  } finally {
    await client.end();
  }
}

/** Wall time, CPU of this process, peak RSS and its growth over the start, of `fn`. */
async function timed(fn) {
  execFileSync('sync'); // the previous transfer's dirty pages are written back before this one starts
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    await fn();
  } finally {
    clearInterval(sampler);
  }
  const cpu = process.cpuUsage(cpu0);
  peak = Math.max(peak, process.memoryUsage().rss);
  return {
    seconds: Number(process.hrtime.bigint() - t0) / 1e9,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMB: peak / MB,
    rssGrowthMB: (peak - rss0) / MB,
  };
}

module.exports = { runSftpBench };

if (require.main === module && process.argv.includes('--transfer')) {
  process.once('message', (job) =>
    transfer(job).then(
      (figures) => process.send(figures, () => process.exit(0)),
      (error) => process.send({ error: error.stack ?? String(error) }, () => process.exit(1)),
    ),
  );
} else if (require.main === module) {
  runSftpBench().then(
    ({ report, results, nagle }) => {
      console.log(report);
      const out = path.join(__dirname, 'results');
      fs.mkdirSync(out, { recursive: true });
      fs.writeFileSync(path.join(out, 'sftp-latest.json'), JSON.stringify({ at: new Date(), results, nagle }, null, 2));
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
