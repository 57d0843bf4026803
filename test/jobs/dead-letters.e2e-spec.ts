import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { redisOptionsFromUrl } from '../../src/infrastructure/jobs/redis.client';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { JobBody, JobsApi, ms, sleep, startJobsApp, waitFor } from './job-support';
import { expectProblem } from '../support/problem';

const BACKOFF_MS = 200;

/**
 * Failed attempts: retries with backoff, dead letters (kept, paged, retried, discarded), stalled and restarted
 * workers.
 */
describe('Retries and dead letters (e2e, real PostgreSQL, Redis and BullMQ workers)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  let alice: string;

  beforeAll(async () => {
    ({ t, jobs, alice } = await startJobsApp({
      JOBS_DIAGNOSTICS_ATTEMPTS: '3',
      JOBS_DIAGNOSTICS_BACKOFF_MS: String(BACKOFF_MS),
    }));
  });
  afterAll(() => t?.close());

  describe('retries and dead letters', () => {
    it('retries a failing job with exponential backoff and completes it on the third attempt', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 20, steps: 1, failTimes: 2 });
      const states = new Set<string>();
      await waitFor(
        async () => {
          const { body } = await jobs.get(job.id);
          states.add(body.state);
          return ['completed', 'failed'].includes(body.state);
        },
        'the retried job to finish',
        5_000,
        15,
      );
      const done = (await jobs.get(job.id)).body;

      expect(done).toMatchObject({ state: 'completed', attemptsMade: 3, maxAttempts: 3, result: { slept: 20 } });
      expect(states.has('delayed')).toBe(true); // waited out its backoff between attempts
      // Backoffs of 200 and 400 ms, each jittered down by at most half: at least 100 + 200 ms.
      const took = ms(done.finishedAt) - ms(done.createdAt);
      expect(took).toBeGreaterThanOrEqual(BACKOFF_MS * 1.5);
      expect(took).toBeLessThan(BACKOFF_MS * 3 + 1_500);
      expect(await jobs.letterOf(job.id)).toBeUndefined();
    });

    it('reports no failure reason for a job that completed after failed attempts', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 10, steps: 1, failTimes: 1 });
      const done = await jobs.until(job.id, ['completed', 'failed'], 5_000);
      expect(done).toMatchObject({ state: 'completed', attemptsMade: 2, result: { slept: 10 } });
      expect(done.failedReason).toBeNull();
    });

    it('dead-letters a job after its last attempt, with queue, name, data, reason and attempts', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 10, steps: 1, failTimes: 3 });
      const failed = await jobs.until(job.id, ['failed'], 5_000);
      expect(failed).toMatchObject({
        attemptsMade: 3,
        failedReason: 'failing on purpose (attempt 3 of 3 to fail)',
        result: null,
      });

      const letter = await waitFor(() => jobs.letterOf(job.id), 'the dead letter');
      expect(letter).toEqual({
        id: job.id,
        queue: 'diagnostics',
        name: 'sleep',
        jobId: job.id.slice('diagnostics.'.length),
        data: { ms: 10, steps: 1, failTimes: 3, ownerId: 'root' },
        failedReason: 'failing on purpose (attempt 3 of 3 to fail)',
        attemptsMade: 3,
        failedAt: expect.any(String),
      });
      expect(ms(letter.failedAt)).toBeGreaterThanOrEqual(ms(failed.finishedAt) - 5);
      const page = (await jobs.deadLetters()).body;
      expect(page.total).toBeGreaterThanOrEqual(1);
      expect(page.items.filter((l) => l.id === job.id)).toHaveLength(1);
    });

    it('retries a dead letter as a new job with fresh attempts: a deterministic failure fails all of them again and is dead-lettered anew', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 10, steps: 1, failTimes: 3 });
      await jobs.until(job.id, ['failed'], 5_000);
      await waitFor(() => jobs.letterOf(job.id), 'the dead letter');

      const retried = await jobs.retryLetter(job.id);
      expect(retried.status).toBe(200);
      expect(retried.body).toEqual({ retriedAs: expect.stringMatching(/^diagnostics\.[^.]+$/) });
      const again = retried.body.retriedAs;
      expect(again).not.toBe(job.id);
      expect(await jobs.letterOf(job.id)).toBeUndefined();
      expect((await jobs.retryLetter(job.id)).status).toBe(404);

      const rerun = await jobs.until(again, ['failed'], 5_000);
      expect(rerun).toMatchObject({
        name: 'sleep',
        ownerId: 'root',
        attemptsMade: 3,
        maxAttempts: 3,
        failedReason: 'failing on purpose (attempt 3 of 3 to fail)',
      });
      const letter = await waitFor(() => jobs.letterOf(again), 'the second dead letter');
      expect(letter).toMatchObject({
        queue: 'diagnostics',
        name: 'sleep',
        data: { ms: 10, steps: 1, failTimes: 3, ownerId: 'root' },
        attemptsMade: 3,
      });
      // The original job is untouched by the retry.
      expect((await jobs.get(job.id)).body).toMatchObject({ state: 'failed', attemptsMade: 3 });
      await jobs.discardLetter(again);
    });

    it('discards a dead letter (204), after which it is gone', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 10, steps: 1, failTimes: 5 });
      await waitFor(() => jobs.letterOf(job.id), 'the dead letter', 5_000);
      const res = await jobs.discardLetter(job.id);
      expect(res.status).toBe(204);
      expect(res.body).toBeUndefined();
      expect(await jobs.letterOf(job.id)).toBeUndefined();
      expect((await jobs.discardLetter(job.id)).status).toBe(404);
      expect((await jobs.retryLetter(job.id)).status).toBe(404);
    });

    it('answers 404 problem+json to retry or discard an unknown letter', async () => {
      for (const res of [
        await jobs.retryLetter('diagnostics.424242'),
        await jobs.discardLetter('diagnostics.424242'),
        await jobs.retryLetter('nope'),
      ]) {
        expectProblem(res, 404);
      }
    });

    it('pages the dead letters with limit and offset, and validates them', async () => {
      const refs: string[] = [];
      for (let i = 0; i < 3; i++) refs.push((await jobs.start({ name: 'sleep', ms: 1, steps: 1, failTimes: 9 })).id);
      await waitFor(
        async () => (await Promise.all(refs.map((r) => jobs.letterOf(r)))).every(Boolean),
        'three dead letters',
        5_000,
      );
      const { total } = (await jobs.deadLetters()).body;
      const first = await jobs.deadLetters(jobs.admin, '?limit=2&offset=0');
      const rest = await jobs.deadLetters(jobs.admin, `?limit=500&offset=2`);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.total).toBe(total);
      expect(rest.body.items).toHaveLength(total - 2);
      expect(new Set([...first.body.items, ...rest.body.items].map((l) => l.id)).size).toBe(total);
      for (const query of ['?limit=0', '?limit=501', '?offset=-1', '?limit=x']) {
        expect((await jobs.deadLetters(jobs.admin, query)).status).toBe(400);
      }
      for (const ref of refs) await jobs.discardLetter(ref);
    });

    it('refuses every dead-letter and diagnostics endpoint to a non-admin with 403 problem+json', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 1, steps: 1, failTimes: 9 });
      await waitFor(() => jobs.letterOf(job.id), 'the dead letter', 5_000);
      const refused = [
        await jobs.deadLetters(alice),
        await jobs.retryLetter(job.id, alice),
        await jobs.discardLetter(job.id, alice),
        await jobs.enqueue({ name: 'noop' }, alice),
        await jobs.enqueue({ name: 'sleep', ms: 10, ownerId: 'alice' }, alice),
      ];
      for (const res of refused) {
        expectProblem(res, 403);
      }
      expect(await jobs.letterOf(job.id)).toBeDefined();
      await jobs.discardLetter(job.id);
    });

    it('validates a diagnostics job request (400)', async () => {
      for (const body of [
        { name: 'rm-rf' },
        { name: 'sleep', ms: -1 },
        { name: 'sleep', ms: 3_600_001 },
        { name: 'sleep', steps: 0 },
        { name: 'sleep', failTimes: 101 },
        { name: 'noop', ownerId: 7 },
      ]) {
        expect((await jobs.enqueue(body as never)).status).toBe(400);
      }
    });
  });
});

describe('Stalled jobs (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTestApp({
      JOBS_LOCK_DURATION_MS: '1000',
      JOBS_STALLED_INTERVAL_MS: '500',
      JOBS_DIAGNOSTICS_ATTEMPTS: '3',
    });
    jobs = new JobsApi(t);
    redis = new Redis(redisOptionsFromUrl(t.runtime.redisUrl));
  });
  afterAll(async () => {
    await redis?.quit();
    await t?.close();
  });

  it('dead-letters a job that stalled more often than allowed (a poison job that kills its worker every time)', async () => {
    const job = await jobs.start({ name: 'sleep', ms: 3_000, steps: 30 });
    const id = job.id.slice('diagnostics.'.length);
    // Each worker that takes the job loses its lock at once, as if it had been killed with -9.
    let stop = false;
    const killer = (async () => {
      while (!stop) {
        await redis.del(`${t.config.queuePrefix}:diagnostics:${id}:lock`);
        await sleep(20);
      }
    })();
    let failed: JobBody;
    try {
      failed = await jobs.until(job.id, ['failed'], 6_000);
    } finally {
      stop = true;
      await killer;
    }
    expect(failed.failedReason).toMatch(/stalled more than allowable limit/);
    const letter = await waitFor(() => jobs.letterOf(job.id), 'the dead letter of the stalled job', 2_000).catch(
      () => undefined,
    );
    expect(letter).toMatchObject({ queue: 'diagnostics', name: 'sleep', failedReason: failed.failedReason });
  });
});

describe('Dead letters across a restart (e2e)', () => {
  let db: TestDatabase;
  const prefix = `fs-test-dl-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it('keeps a dead letter through a restart; once the cause is mended (more attempts), its retry completes', async () => {
    const first = await startTestApp({ QUEUE_PREFIX: prefix, JOBS_DIAGNOSTICS_ATTEMPTS: '1' }, { database: db });
    let ref: string;
    try {
      ref = (await new JobsApi(first).start({ name: 'sleep', ms: 10, steps: 1, failTimes: 1 })).id;
      await waitFor(() => new JobsApi(first).letterOf(ref), 'the dead letter', 5_000);
    } finally {
      await first.close();
    }

    const second = await startTestApp(
      { QUEUE_PREFIX: prefix, JOBS_DIAGNOSTICS_ATTEMPTS: '2', JOBS_DIAGNOSTICS_BACKOFF_MS: '50' },
      { database: db },
    );
    try {
      const jobs = new JobsApi(second);
      expect(await jobs.letterOf(ref)).toMatchObject({
        queue: 'diagnostics',
        name: 'sleep',
        attemptsMade: 1,
        failedReason: 'failing on purpose (attempt 1 of 1 to fail)',
      });
      const retried = await jobs.retryLetter(ref);
      expect(retried.status).toBe(200);
      const done = await jobs.until(retried.body.retriedAs, ['completed', 'failed'], 5_000);
      expect(done).toMatchObject({ state: 'completed', attemptsMade: 2, maxAttempts: 2, result: { slept: 10 } });
      expect((await jobs.deadLetters()).body.total).toBe(0);
    } finally {
      await second.close();
    }
  });
});
