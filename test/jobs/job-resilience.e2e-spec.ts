import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import jwt from 'jsonwebtoken';
import { Client } from 'pg';
import { OWN_ISSUER } from '../../src/infrastructure/auth/jwt.strategy';
import { redisOptionsFromUrl } from '../../src/infrastructure/jobs/redis.client';
import { api, uploadMultipart } from '../support/http-client';
import { PrivateRedis, startPrivateRedis } from '../support/private-redis';
import { freePort, killHard, serviceSandbox, ServiceSandbox, startService } from '../support/service-process';

const SECRET = 'job-resilience-secret-0123456789abcdef0123456789';
const adminToken = () =>
  jwt.sign({ sub: 'ops-admin', roles: ['admin'], typ: 'access' }, SECRET, { issuer: OWN_ISSUER, expiresIn: 600 });
const userToken = () =>
  jwt.sign({ sub: '0196f000-0000-7000-8000-0000000000e5', roles: ['user'], typ: 'access' }, SECRET, {
    issuer: OWN_ISSUER,
    expiresIn: 600,
  });

/**
 * `npm run start:worker` in a child process (the TypeScript source, as startService runs src/main.ts); resolves once
 * its workers run.
 */
async function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', path.join(__dirname, '../bootstrap/support/register-swc.js'), path.join(__dirname, '../../src/worker.ts')],
    {
      env: { ...process.env, ...env, LOG_LEVEL: 'log' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 60_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Workers started')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.once('exit', (code) => (clearTimeout(timer), reject(new Error(`worker exited (${code}):\n${output}`))));
  });
  child.stdout.resume();
  child.stderr.resume();
  return child;
}

async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined | null | false>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A promise's outcome, or 'no answer' once `ms` have passed. */
function within<T>(ms: number, promise: Promise<T>): Promise<T | 'no answer'> {
  return Promise.race([promise, new Promise<'no answer'>((r) => setTimeout(() => r('no answer'), ms).unref())]);
}

async function health(base: string): Promise<{ status: number | 'no answer'; redis?: unknown }> {
  try {
    const res = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { details?: { redis?: { status?: string } } };
    return { status: res.status, redis: body.details?.redis?.status };
  } catch {
    return { status: 'no answer' };
  }
}

describe('A job killed with its worker (kill -9) is picked up again', () => {
  let box: ServiceSandbox;
  beforeAll(async () => {
    box = await serviceSandbox('stalled', SECRET, { JOBS_LOCK_DURATION_MS: '1000', JOBS_STALLED_INTERVAL_MS: '1000' });
  });
  afterAll(async () => box?.cleanup());

  it('moves the stalled job back to wait; a new worker runs it to completed, and nothing is dead-lettered', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const token = adminToken();
    box.children.push(await startService({ ...box.env, RUN_WORKERS: 'false' }, port));
    const firstWorker = await startWorker(box.env);
    box.children.push(firstWorker);

    const enqueued = await api(base, 'POST', '/api/v1/admin/jobs', token, { name: 'sleep', ms: 4000, steps: 8 });
    expect(enqueued.status).toBe(201);
    const ref: string = enqueued.body.id;
    const running = await waitFor('the sleep job to run with progress', 10_000, async () => {
      const job = (await api(base, 'GET', `/api/v1/jobs/${ref}`, token)).body;
      return job.state === 'active' && job.progress > 0 && job.progress < 100 && job;
    });

    await killHard(firstWorker);
    const killedAt = Date.now();
    // Its lock lives on for up to JOBS_LOCK_DURATION_MS: until then the job still looks active.
    expect((await api(base, 'GET', `/api/v1/jobs/${ref}`, token)).body.state).not.toBe('completed');
    box.children.push(await startWorker(box.env));

    const done = await waitFor('the job to complete on the new worker', 20_000, async () => {
      const job = (await api(base, 'GET', `/api/v1/jobs/${ref}`, token)).body;
      if (job.state === 'failed') throw new Error(`job failed: ${job.failedReason}`);
      return job.state === 'completed' && job;
    });
    expect(done).toMatchObject({
      id: ref,
      state: 'completed',
      progress: 100,
      result: { slept: 4000 },
      failedReason: null,
    });
    // Ran again from the start, after the kill (not finished by the dead process).
    expect(new Date(done.startedAt).getTime()).toBeGreaterThan(killedAt);
    expect(new Date(done.startedAt).getTime()).toBeGreaterThan(new Date(running.startedAt).getTime());

    // BullMQ's own record: stalled once, started twice, one (successful) attempt made.
    const redis = new Redis(redisOptionsFromUrl(box.env.REDIS_URL));
    const [queue, id] = [ref.slice(0, ref.indexOf('.')), ref.slice(ref.indexOf('.') + 1)];
    const hash = await redis.hgetall(`${box.env.QUEUE_PREFIX}:${queue}:${id}`);
    await redis.quit();
    expect({ stalled: hash.stc, started: hash.ats, attemptsMade: hash.atm }).toEqual({
      stalled: '1',
      started: '2',
      attemptsMade: '1',
    });

    const letters = await api(base, 'GET', '/api/v1/admin/dead-letters', token);
    expect(letters.status).toBe(200);
    expect(letters.body).toEqual({ total: 0, items: [] });
  });
});

describe('No event is lost while Redis restarts (they wait in the outbox)', () => {
  let redis: PrivateRedis;
  let box: ServiceSandbox;
  let pg: Client;
  let base: string;
  let fileId: string;

  const outboxOf = async (aggregateId: string) =>
    (
      await pg.query<{ id: string; event_name: string; relay_batch: string | null; published_at: Date | null }>(
        'select id, event_name, relay_batch, published_at from outbox where aggregate_id = $1 order by seq',
        [aggregateId],
      )
    ).rows;

  /** An event committed without a kick (as when the kick was lost): only the relay's schedule picks it up. */
  const writeUnkickedEvent = async (aggregateId: string) => {
    await pg.query(
      `insert into outbox (id, commit_id, aggregate_type, aggregate_id, event_name, payload, occurred_at)
       values (gen_random_uuid(), gen_random_uuid(), 'file', $1, 'file.metadata-updated', '{}'::jsonb, now())`,
      [aggregateId],
    );
  };

  beforeAll(async () => {
    redis = await startPrivateRedis();
    box = await serviceSandbox('redis-restart', SECRET, { REDIS_URL: redis.url });
    pg = new Client({ connectionString: box.db.url });
    await pg.connect();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    box.children.push(await startService(box.env, port));

    // With Redis up, the relay's schedule relays an event that nobody kicked for.
    await writeUnkickedEvent('before-restart');
    await waitFor(
      'the relay schedule to publish an unkicked event',
      10_000,
      async () => (await outboxOf('before-restart'))[0]?.published_at,
    );
  });
  afterAll(async () => {
    await pg?.end();
    await box?.cleanup();
    await redis?.dispose();
  });

  it('accepts a multipart upload while Redis is down; its events wait unpublished in the outbox', async () => {
    await redis.stop();
    const bytes = Buffer.from('bytes written while Redis is down\n');
    const upload = await within(
      15_000,
      uploadMultipart(base, bytes, bytes.length, {
        token: userToken(),
        filename: 'offline.txt',
        contentType: 'text/plain',
      }),
    );
    expect(upload).not.toBe('no answer');
    if (upload === 'no answer') return;
    expect(upload.status).toBe(201);
    fileId = upload.body.id;

    await new Promise((r) => setTimeout(r, 1500)); // more than a relay period: nothing can be relayed yet
    const rows = await outboxOf(fileId);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.event_name)).toContain('file.uploaded');
    expect(rows.every((r) => r.published_at === null)).toBe(true);
  });

  it('reports Redis down on /health while it is down', async () => {
    expect(redis.running()).toBe(false);
    expect(await health(base)).toEqual({ status: 503, redis: 'down' });
  });

  it('relays the waiting events once Redis is back: published, and their domain-events job completed', async () => {
    expect(fileId).toBeDefined();
    await redis.start();
    const rows = await waitFor('the outbox rows to be published', 15_000, async () => {
      const now = await outboxOf(fileId);
      return now.every((r) => r.published_at !== null) && now;
    });
    const batches = [...new Set(rows.map((r) => r.relay_batch))];
    expect(batches).toHaveLength(1); // one commit, one batch, one job
    const token = adminToken();
    const job = await waitFor('the domain-events job to complete', 10_000, async () => {
      const view = (await api(base, 'GET', `/api/v1/jobs/domain-events.${batches[0]}`, token)).body;
      return view.state === 'completed' && view;
    });
    expect(job.result).toMatchObject({ events: rows.length });
    expect((await api(base, 'GET', '/api/v1/admin/dead-letters', token)).body.total).toBe(0);
  });

  it('reports Redis up on /health once it is back', async () => {
    await waitFor('/health to report Redis up', 10_000, async () => (await health(base)).redis === 'up');
    expect(await health(base)).toEqual({ status: 200, redis: 'up' });
  });

  it('keeps relaying on schedule after Redis came back empty (an unkicked event is still published)', async () => {
    if (!redis.running()) await redis.start();
    await writeUnkickedEvent('after-restart');
    const published = await waitFor(
      'the relay schedule to publish it',
      6_000,
      async () => (await outboxOf('after-restart'))[0]?.published_at,
    ).then(
      () => true,
      () => false,
    );
    const maintenance = new Queue('maintenance', {
      connection: redisOptionsFromUrl(redis.url),
      prefix: box.env.QUEUE_PREFIX,
    });
    const schedulers = (await maintenance.getJobSchedulers()).map((s) => s.key).sort();
    await maintenance.close();
    expect({ published, schedulers }).toEqual({
      published: true,
      schedulers: expect.arrayContaining(['outbox-relay', 'upload-sweep', 'retrieval-sweep']),
    });
  });
});
