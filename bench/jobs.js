'use strict';
/**
 * The jobs case of `npm run bench`: N no-op jobs through FlexStorage's real worker setup (the
 * running service's JobRunner on the `diagnostics` queue: handler lookup, abort signal, timeout,
 * dead-letter hook) against a bare BullMQ Worker with the same concurrency in a child process, on
 * the same Redis, in the same run. Jobs are enqueued with addBulk in batches of 1,000 and counted
 * end to end: from the first add until no job of the run is waiting or active.
 */
const path = require('node:path');
const { fork } = require('node:child_process');

const BARE_WORKER = `
const { Worker } = require('bullmq');
const [url, prefix, queue, concurrency] = process.argv.slice(-4);
const u = new URL(url);
const worker = new Worker(queue, async () => null, { connection: { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null }, prefix, concurrency: Number(concurrency) });
worker.waitUntilReady().then(() => process.send('ready'));
process.on('disconnect', () => worker.close().then(() => process.exit(0)));
`;

async function drain(queue, count, t0) {
  for (;;) {
    const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed');
    if (c.waiting + c.active + c.delayed + c.prioritized === 0)
      return { seconds: (performance.now() - t0) / 1000, failed: c.failed };
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function pushAndDrain(queue, name, count) {
  const t0 = performance.now();
  for (let i = 0; i < count; i += 1000) {
    const n = Math.min(1000, count - i);
    await queue.addBulk(
      Array.from({ length: n }, (_, k) => ({
        name,
        data: { i: i + k },
        opts: { removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }
  const enqueued = (performance.now() - t0) / 1000;
  return { enqueued, ...(await drain(queue, count, t0)) };
}

async function runJobsBench({
  redisUrl,
  queuePrefix,
  count = Number(process.env.BENCH_JOBS ?? 20_000),
  concurrency = 64,
  log = console.log,
}) {
  const { Queue } = require('bullmq');
  const u = new URL(redisUrl);
  const connection = { host: u.hostname, port: Number(u.port || 6379), maxRetriesPerRequest: null };
  const flexQueue = new Queue('diagnostics', { connection, prefix: queuePrefix });
  const bareQueue = new Queue('bare-noop', { connection, prefix: queuePrefix });
  const bare = fork('-e', [BARE_WORKER, redisUrl, queuePrefix, 'bare-noop', String(concurrency)], {
    execArgv: [],
    cwd: path.join(__dirname, '..'),
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise((resolve, reject) => {
    bare.once('message', resolve);
    bare.once('exit', (code) => reject(new Error(`bare worker exited (${code})`)));
  });
  const results = { flex: [], bare: [] };
  try {
    // Warm both paths, then alternate the timed runs.
    await pushAndDrain(flexQueue, 'noop', 500);
    await pushAndDrain(bareQueue, 'noop', 500);
    for (let run = 0; run < 2; run++) {
      results.flex.push(await pushAndDrain(flexQueue, 'noop', count));
      results.bare.push(await pushAndDrain(bareQueue, 'noop', count));
      const f = results.flex[run];
      const b = results.bare[run];
      log(
        `  run ${run + 1}: FlexStorage ${(count / f.seconds).toFixed(0)} jobs/s (enqueue ${f.enqueued.toFixed(2)} s, failed ${f.failed}), bare BullMQ ${(count / b.seconds).toFixed(0)} jobs/s`,
      );
    }
  } finally {
    bare.disconnect();
    await flexQueue.obliterate({ force: true }).catch(() => undefined);
    await bareQueue.obliterate({ force: true }).catch(() => undefined);
    await flexQueue.close();
    await bareQueue.close();
  }
  const best = (xs) => Math.max(...xs.map((x) => count / x.seconds));
  const flexRate = best(results.flex);
  const bareRate = best(results.bare);
  const target = 1000;
  const report = [
    '',
    `Jobs (${count} no-op jobs end to end, concurrency ${concurrency}, best of 2)`,
    '| case | FlexStorage jobs/s | bare BullMQ jobs/s | ratio | aim |',
    '|---|---|---|---|---|',
    `| no-op jobs through the worker setup | ${flexRate.toFixed(0)} | ${bareRate.toFixed(0)} | ${(flexRate / bareRate).toFixed(2)}× | ≥ ${target} jobs/s ${flexRate >= target ? '✔' : '✘'} |`,
    '',
  ].join('\n');
  return { report, targets: [{ name: `no-op jobs ≥ ${target}/s`, value: flexRate, pass: flexRate >= target }] };
}

module.exports = { runJobsBench };
