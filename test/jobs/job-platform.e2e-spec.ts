import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { SleepJob } from '../../src/infrastructure/jobs/diagnostics/sleep.job';
import { recurringJobs } from '../../src/infrastructure/jobs/recurring-jobs';
import { QUEUE_NAMES } from '../../src/infrastructure/jobs/queues';
import { redisOptionsFromUrl } from '../../src/infrastructure/jobs/redis.client';
import { api, download, sha256, uploadMultipart } from '../support/http-client';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { startTestApp, TestApp } from '../support/test-app';
import { bullQueue, JobBody, JobsApi, PROBLEM, sleep, sql, waitFor } from './job-support';

const BACKOFF_MS = 200;
const ms = (iso: string | null) => (iso ? Date.parse(iso) : NaN);

describe('Job platform (e2e, real PostgreSQL, Redis and BullMQ workers)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    t = await startTestApp({
      JOBS_DIAGNOSTICS_ATTEMPTS: '3',
      JOBS_DIAGNOSTICS_BACKOFF_MS: String(BACKOFF_MS),
      // Default retention (30 days), but the purge runs often enough to show it keeps a fresh delete.
      SCHEDULE_PURGE_DELETED_FILES: 'every:300',
    });
    jobs = new JobsApi(t);
    alice = t.tokenFor('alice');
    bob = t.tokenFor('bob');
  });
  afterAll(() => t?.close());

  /** Pauses diagnostics for the duration of `body`, resuming it whatever happens. */
  async function whilePaused<T>(body: () => Promise<T>): Promise<T> {
    expect((await jobs.pause('diagnostics')).status).toBe(200);
    try {
      return await body();
    } finally {
      await jobs.resume('diagnostics');
    }
  }

  describe('job status: GET /api/v1/jobs/:id', () => {
    it('follows a sleep job from waiting/active to completed, with progress rising in steps, attempts, result and timestamps', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 800, steps: 4 });
      expect(job).toMatchObject({ queue: 'diagnostics', name: 'sleep', progress: 0, attemptsMade: 0, maxAttempts: 3, result: null, failedReason: null, ownerId: 'root', finishedAt: null });
      expect(job.id).toMatch(/^diagnostics\.[^.]+$/);
      expect(['waiting', 'active']).toContain(job.state);
      expect(Number.isNaN(ms(job.createdAt))).toBe(false);

      const seen: { state: string; progress: number }[] = [];
      await waitFor(async () => {
        const { body } = await jobs.get(job.id);
        seen.push({ state: body.state, progress: body.progress });
        return body.state === 'completed';
      }, 'the sleep job to complete', 5_000, 20);
      const done = (await jobs.get(job.id)).body;

      const progress = seen.map((s) => s.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b)); // never goes back
      const distinct = [...new Set(progress)];
      expect(distinct.every((p) => [0, 25, 50, 75, 100].includes(p))).toBe(true);
      expect(distinct.filter((p) => p > 0 && p < 100).length).toBeGreaterThanOrEqual(2);
      expect(seen.some((s) => s.state === 'active' && s.progress > 0 && s.progress < 100)).toBe(true);

      expect(done).toMatchObject({ id: job.id, state: 'completed', progress: 100, attemptsMade: 1, result: { slept: 800 }, failedReason: null, ownerId: 'root' });
      expect(ms(done.createdAt)).toBe(ms(job.createdAt));
      expect(ms(done.startedAt)).toBeGreaterThanOrEqual(ms(done.createdAt));
      expect(ms(done.finishedAt) - ms(done.startedAt)).toBeGreaterThanOrEqual(780);
      expect(ms(done.finishedAt) - ms(done.startedAt)).toBeLessThan(3_000);
    });

    it('never reports a finished state with the details of an unfinished attempt (state and fields are one snapshot)', async () => {
      const refs: string[] = [];
      for (let i = 0; i < 20; i++) refs.push((await jobs.start({ name: 'sleep', ms: 100 + 5 * i, steps: 1 })).id);
      const torn: JobBody[] = [];
      await Promise.all(refs.map(async (ref) => {
        for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
          const { body } = await jobs.get(ref);
          if (body.state !== 'completed') continue;
          if (body.finishedAt !== null && body.attemptsMade === 1 && body.result !== null) return;
          torn.push(body); // "completed", yet not finished, no attempt made and no result
        }
      }));
      expect(torn.map(({ id, state, attemptsMade, result, finishedAt }) => ({ id, state, attemptsMade, result, finishedAt }))).toEqual([]);
    });

    it("shows a user the job run on their behalf, and no one else's (404 problem+json)", async () => {
      const job = await jobs.start({ name: 'noop', ownerId: 'alice' });
      expect(job.ownerId).toBe('alice');
      await jobs.until(job.id, ['completed']);

      const mine = await jobs.get(job.id, alice);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: job.id, name: 'noop', state: 'completed', ownerId: 'alice', result: null });

      const theirs = await jobs.get(job.id, bob);
      expect(theirs.status).toBe(404);
      expect(theirs.headers['content-type']).toMatch(PROBLEM);
      expect(theirs.body).toMatchObject({ status: 404 });
      expect(JSON.stringify(theirs.body)).not.toContain('alice');
    });

    it('hides system jobs (no owner) from users; an admin sees them', async () => {
      const maintenance = bullQueue(t, 'maintenance');
      try {
        const job = await waitFor(async () => (await maintenance.getJobs(['completed'], 0, 0))[0], 'a maintenance job to complete');
        const ref = `maintenance.${job.id}`;
        const asAdmin = await jobs.get(ref);
        expect(asAdmin.status).toBe(200);
        expect(asAdmin.body).toMatchObject({ id: ref, queue: 'maintenance', name: job.name, state: 'completed', ownerId: null });

        const asUser = await jobs.get(ref, alice);
        expect(asUser.status).toBe(404);
        expect(asUser.headers['content-type']).toMatch(PROBLEM);
        expect((await jobs.cancel(ref, alice)).status).toBe(404);
      } finally {
        await maintenance.close();
      }
    });

    it.each(['nope', 'diagnostics.', '.1', 'x.1', 'diagnostics.999999999', 'dead-letters.diagnostics.1', 'a'.repeat(300)])('answers 404 problem+json for the unknown or malformed ref %s', async (ref) => {
      for (const res of [await jobs.get(ref), await jobs.cancel(ref)]) {
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
    });

    it('answers 401 without a token', async () => {
      const job = await jobs.start({ name: 'noop' });
      expect((await api(t.baseUrl, 'GET', `/api/v1/jobs/${job.id}`)).status).toBe(401);
      expect((await api(t.baseUrl, 'DELETE', `/api/v1/jobs/${job.id}`)).status).toBe(401);
    });
  });

  describe('cancellation: DELETE /api/v1/jobs/:id', () => {
    it('removes a waiting job, after which it is gone; another user cannot touch it', async () => {
      await whilePaused(async () => {
        const job = await jobs.start({ name: 'sleep', ms: 50, ownerId: 'alice' });
        expect(job.state).toBe('waiting');

        const byBob = await jobs.cancel(job.id, bob);
        expect(byBob.status).toBe(404);
        expect(byBob.headers['content-type']).toMatch(PROBLEM);
        expect((await jobs.get(job.id)).body.state).toBe('waiting');

        const cancelled = await jobs.cancel(job.id, alice);
        expect(cancelled.status).toBe(200);
        expect(cancelled.body).toEqual({ outcome: 'removed' });
        expect((await jobs.get(job.id, alice)).status).toBe(404);
        expect((await jobs.get(job.id)).status).toBe(404);
        expect((await jobs.cancel(job.id, alice)).status).toBe(404);
      });
    });

    it('signals an active job, which stops early and fails as cancelled, without retries or a dead letter', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 4_000, steps: 40, ownerId: 'alice' });
      await waitFor(async () => {
        const { body } = await jobs.get(job.id);
        return body.state === 'active' && body.progress >= 5;
      }, 'the job to be running');

      const cancelled = await jobs.cancel(job.id, alice);
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toEqual({ outcome: 'signalled' });

      const failed = await jobs.until(job.id, ['failed'], 3_000);
      expect(failed).toMatchObject({ state: 'failed', failedReason: 'cancelled', result: null, attemptsMade: 1 });
      expect(failed.progress).toBeGreaterThan(0);
      expect(failed.progress).toBeLessThan(60);
      expect(ms(failed.finishedAt) - ms(failed.startedAt)).toBeLessThan(2_500);

      // Not retried after the backoff, and not a dead letter: a cancellation is what was asked for.
      await sleep(BACKOFF_MS * 2 + 100);
      expect((await jobs.get(job.id)).body).toMatchObject({ state: 'failed', attemptsMade: 1 });
      expect(await jobs.letterOf(job.id)).toBeUndefined();
      expect((await jobs.cancel(job.id, alice)).body).toEqual({ outcome: 'already-finished' });
    });

    it('removes a job that is waiting out its backoff between attempts; it never runs again', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 10, steps: 1, failTimes: 1, ownerId: 'alice' });
      await waitFor(async () => (await jobs.get(job.id)).body.state === 'delayed', 'the first attempt to fail', 3_000, 5);
      const res = await jobs.cancel(job.id, alice);
      expect(res.body).toEqual({ outcome: 'removed' });
      await sleep(BACKOFF_MS * 2);
      expect((await jobs.get(job.id)).status).toBe(404);
      expect(await jobs.letterOf(job.id)).toBeUndefined();
    });

    it('cancels a job running on another instance: the DELETE reaches its worker through Redis', async () => {
      const apiOnly = await startTestApp({ QUEUE_PREFIX: t.config.queuePrefix }, { workers: false, database: t.db });
      try {
        const job = await jobs.start({ name: 'sleep', ms: 3_000, steps: 30, ownerId: 'alice' });
        await waitFor(async () => {
          const { body } = await jobs.get(job.id);
          return body.state === 'active' && body.progress > 0;
        }, 'the job to be running');
        const res = await new JobsApi(apiOnly).cancel(job.id, alice);
        expect(res.body).toEqual({ outcome: 'signalled' });
        const failed = await jobs.until(job.id, ['failed'], 2_000);
        expect(failed).toMatchObject({ failedReason: 'cancelled' });
        expect(failed.progress).toBeLessThan(50);
      } finally {
        await apiOnly.close();
      }
    });

    it('answers already-finished for a completed job, and leaves it as it was', async () => {
      const job = await jobs.start({ name: 'noop', ownerId: 'alice' });
      await jobs.until(job.id, ['completed']);
      const res = await jobs.cancel(job.id, alice);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ outcome: 'already-finished' });
      expect((await jobs.get(job.id, alice)).body).toMatchObject({ state: 'completed' });
    });

    it("refuses (404) to let a user cancel another user's running job, which runs to its end", async () => {
      const job = await jobs.start({ name: 'sleep', ms: 400, steps: 4, ownerId: 'alice' });
      await jobs.until(job.id, ['active']);
      expect((await jobs.cancel(job.id, bob)).status).toBe(404);
      expect(await jobs.until(job.id, ['completed', 'failed'])).toMatchObject({ state: 'completed', result: { slept: 400 } });
    });
  });

  describe('retries and dead letters', () => {
    it('retries a failing job with exponential backoff and completes it on the third attempt', async () => {
      const job = await jobs.start({ name: 'sleep', ms: 20, steps: 1, failTimes: 2 });
      const states = new Set<string>();
      await waitFor(async () => {
        const { body } = await jobs.get(job.id);
        states.add(body.state);
        return ['completed', 'failed'].includes(body.state);
      }, 'the retried job to finish', 5_000, 15);
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
      expect(failed).toMatchObject({ attemptsMade: 3, failedReason: 'failing on purpose (attempt 3 of 3 to fail)', result: null });

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
      expect(rerun).toMatchObject({ name: 'sleep', ownerId: 'root', attemptsMade: 3, maxAttempts: 3, failedReason: 'failing on purpose (attempt 3 of 3 to fail)' });
      const letter = await waitFor(() => jobs.letterOf(again), 'the second dead letter');
      expect(letter).toMatchObject({ queue: 'diagnostics', name: 'sleep', data: { ms: 10, steps: 1, failTimes: 3, ownerId: 'root' }, attemptsMade: 3 });
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
      for (const res of [await jobs.retryLetter('diagnostics.424242'), await jobs.discardLetter('diagnostics.424242'), await jobs.retryLetter('nope')]) {
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
    });

    it('pages the dead letters with limit and offset, and validates them', async () => {
      const refs: string[] = [];
      for (let i = 0; i < 3; i++) refs.push((await jobs.start({ name: 'sleep', ms: 1, steps: 1, failTimes: 9 })).id);
      await waitFor(async () => (await Promise.all(refs.map((r) => jobs.letterOf(r)))).every(Boolean), 'three dead letters', 5_000);
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
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
      expect(await jobs.letterOf(job.id)).toBeDefined();
      await jobs.discardLetter(job.id);
    });

    it('validates a diagnostics job request (400)', async () => {
      for (const body of [{ name: 'rm-rf' }, { name: 'sleep', ms: -1 }, { name: 'sleep', ms: 3_600_001 }, { name: 'sleep', steps: 0 }, { name: 'sleep', failTimes: 101 }, { name: 'noop', ownerId: 7 }]) {
        expect((await jobs.enqueue(body as never)).status).toBe(400);
      }
    });
  });

  describe('admin queue API', () => {
    it('lists every queue with its counts per state', async () => {
      const res = await jobs.queues();
      expect(res.status).toBe(200);
      expect(res.body.map((q) => q.queue).sort()).toEqual(['diagnostics', 'domain-events', 'maintenance', 'media', 'relocation', 'retrieval', 'webhooks']);
      expect(QUEUE_NAMES.slice().sort()).toEqual(res.body.map((q) => q.queue).sort());
      for (const q of res.body) {
        expect(q.paused).toBe(false);
        for (const state of ['waiting', 'delayed', 'prioritized', 'active', 'completed', 'failed', 'paused', 'waiting-children']) {
          expect(Number.isInteger(q.counts[state])).toBe(true);
        }
      }
      // Jobs seen earlier in this file are counted.
      const diagnostics = res.body.find((q) => q.queue === 'diagnostics')!;
      expect(diagnostics.counts.completed).toBeGreaterThan(0);
      expect(diagnostics.counts.failed).toBeGreaterThan(0);
      expect(res.body.find((q) => q.queue === 'maintenance')!.counts.completed).toBeGreaterThan(0);
    });

    it('pauses a queue (a new job stays waiting) and resumes it (the job then runs)', async () => {
      const paused = await jobs.pause('diagnostics');
      let job: JobBody;
      try {
        expect(paused.status).toBe(200);
        expect(paused.body).toMatchObject({ queue: 'diagnostics', paused: true });
        job = await jobs.start({ name: 'noop' });
        await sleep(300);
        expect((await jobs.get(job.id)).body).toMatchObject({ state: 'waiting', startedAt: null });
        const counts = await jobs.countsOf('diagnostics');
        expect(counts.paused).toBe(true);
        expect(counts.counts.waiting + counts.counts.paused).toBeGreaterThanOrEqual(1);
      } finally {
        const resumed = await jobs.resume('diagnostics');
        expect(resumed.status).toBe(200);
        expect(resumed.body).toMatchObject({ queue: 'diagnostics', paused: false });
      }
      expect(await jobs.until(job.id, ['completed'], 3_000)).toMatchObject({ state: 'completed', attemptsMade: 1 });
    });

    it('answers 404 problem+json for an unknown queue', async () => {
      for (const res of [await jobs.pause('nope'), await jobs.resume('nope'), await jobs.pause('dead-letters')]) {
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
    });

    it('refuses a non-admin with 403 problem+json, and the queue stays as it was', async () => {
      for (const res of [await jobs.queues(alice), await jobs.pause('diagnostics', alice), await jobs.resume('diagnostics', alice)]) {
        expect(res.status).toBe(403);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
      expect((await jobs.countsOf('diagnostics')).paused).toBe(false);
      expect((await api(t.baseUrl, 'GET', '/api/v1/admin/queues')).status).toBe(401);
    });
  });

  describe('the diagnostics sleep handler', () => {
    it('leaves no abort listener behind per step (a long sleep would pile them up on its signal)', async () => {
      const controller = new AbortController();
      const progress: number[] = [];
      const result = await t.app.get(SleepJob).handle({ ms: 40, steps: 20 }, { ref: 'diagnostics.local', attempt: 1, signal: controller.signal, progress: async (p) => void progress.push(p) });
      expect(result).toEqual({ slept: 40 });
      expect(progress).toHaveLength(20);
      expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
    });
  });

  describe('purge of soft-deleted files with the default retention (30 days)', () => {
    it('keeps a file deleted just now, row and bytes, while the purge runs', async () => {
      const data = randomBytes(2048);
      const { body: file } = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'kept.bin' });
      const [{ locations }] = await sql(t, 'select locations from files where id = $1', [file.id]);
      expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${file.id}`, alice)).status).toBe(204);
      const deletedAt = Date.now();

      const maintenance = bullQueue(t, 'maintenance');
      try {
        await waitFor(async () => {
          const done = await maintenance.getJobs(['completed'], 0, 200);
          return done.filter((j) => j.name === 'purge-deleted-files' && (j.processedOn ?? 0) > deletedAt).length >= 2;
        }, 'two purge runs after the delete', 5_000, 50);
      } finally {
        await maintenance.close();
      }
      const trash = await api(t.baseUrl, 'GET', '/api/v1/files?status=deleted&limit=200', alice);
      expect(trash.body.items.map((f: { id: string }) => f.id)).toContain(file.id);
      expect((await stat(path.join(t.dataDir, 'files', 'objects', locations[0].key))).size).toBe(2048);
      expect(await sql(t, `select 1 from outbox where event_name = 'file.purged' and aggregate_id = $1`, [file.id])).toHaveLength(0);
    });
  });
});

/** How many of the jobs' [startedAt, finishedAt] intervals overlap at most. */
function maxOverlap(done: JobBody[]): number {
  const edges = done.flatMap((j) => [[ms(j.startedAt), 1], [ms(j.finishedAt), -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

describe('Per-queue settings: timeout and concurrency (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;

  beforeAll(async () => {
    t = await startTestApp({ JOBS_DIAGNOSTICS_TIMEOUT_MS: '300', JOBS_DIAGNOSTICS_ATTEMPTS: '2', JOBS_DIAGNOSTICS_BACKOFF_MS: '50', JOBS_DIAGNOSTICS_CONCURRENCY: '2' });
    jobs = new JobsApi(t);
  });
  afterAll(() => t?.close());

  it('aborts each attempt of a job that runs past its queue timeout, then dead-letters it', async () => {
    const job = await jobs.start({ name: 'sleep', ms: 5_000, steps: 10 });
    const failed = await jobs.until(job.id, ['failed'], 4_000);
    expect(failed).toMatchObject({ state: 'failed', failedReason: 'timed out after 300 ms', attemptsMade: 2, progress: 0, result: null });
    const took = ms(failed.finishedAt) - ms(failed.createdAt);
    expect(took).toBeGreaterThanOrEqual(2 * 300 + 25); // two whole attempts and a backoff
    expect(took).toBeLessThan(2_500); // far from the 2 × 5 s the sleeps wanted
    const letter = await waitFor(() => jobs.letterOf(job.id), 'the dead letter');
    expect(letter).toMatchObject({ failedReason: 'timed out after 300 ms', attemptsMade: 2 });
  });

  it('lets a job within the timeout complete', async () => {
    const job = await jobs.start({ name: 'sleep', ms: 100, steps: 2 });
    expect(await jobs.until(job.id, ['completed', 'failed'], 3_000)).toMatchObject({ state: 'completed', attemptsMade: 1, result: { slept: 100 } });
  });

  it('runs at most the configured number of jobs of a queue at once', async () => {
    const refs: string[] = [];
    // All four waiting before any starts, so only the setting limits how many run together.
    expect((await jobs.pause('diagnostics')).status).toBe(200);
    try {
      for (let i = 0; i < 4; i++) refs.push((await jobs.start({ name: 'sleep', ms: 200, steps: 1 })).id);
    } finally {
      await jobs.resume('diagnostics');
    }
    const done = await Promise.all(refs.map((r) => jobs.until(r, ['completed', 'failed'], 5_000)));
    expect(done.map((j) => j.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
    expect(maxOverlap(done)).toBe(2);
    expect(Math.max(...done.map((j) => ms(j.finishedAt))) - Math.min(...done.map((j) => ms(j.startedAt)))).toBeGreaterThanOrEqual(390);
  });
});

describe('Per-queue settings: rate limit (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;

  beforeAll(async () => {
    t = await startTestApp({ JOBS_DIAGNOSTICS_RATE_MAX: '2', JOBS_DIAGNOSTICS_RATE_MS: '400' });
    jobs = new JobsApi(t);
  });
  afterAll(() => t?.close());

  it('starts at most RATE_MAX jobs per RATE_MS window', async () => {
    const refs: string[] = [];
    for (let i = 0; i < 6; i++) refs.push((await jobs.start({ name: 'noop' })).id);
    const done = await Promise.all(refs.map((r) => jobs.until(r, ['completed'], 5_000)));
    const starts = done.map((j) => ms(j.startedAt)).sort((a, b) => a - b);
    for (let i = 0; i + 2 < starts.length; i++) expect(starts[i + 2] - starts[i]).toBeGreaterThanOrEqual(300);
    expect(starts[5] - starts[0]).toBeGreaterThanOrEqual(700);
  });
});

describe('Priorities within a queue (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;

  beforeAll(async () => {
    t = await startTestApp({ JOBS_DIAGNOSTICS_CONCURRENCY: '1' });
    jobs = new JobsApi(t);
  });
  afterAll(() => t?.close());

  it('runs high before normal before low, whatever the order they were added in', async () => {
    expect((await jobs.pause('diagnostics')).status).toBe(200);
    const low = await jobs.start({ name: 'sleep', ms: 30, priority: 'low' });
    const normal = await jobs.start({ name: 'sleep', ms: 30, priority: 'normal' });
    const high = await jobs.start({ name: 'sleep', ms: 30, priority: 'high' });
    expect([low.priority, normal.priority, high.priority]).toEqual([10, 5, 1]);
    expect((await jobs.resume('diagnostics')).status).toBe(200);
    const [l, n, h] = await Promise.all([low, normal, high].map((j) => jobs.until(j.id, ['completed'], 5_000)));
    expect(ms(h.startedAt)).toBeLessThan(ms(n.startedAt));
    expect(ms(n.startedAt)).toBeLessThan(ms(l.startedAt));
  });
});

describe('Shutdown (e2e)', () => {
  let db: TestDatabase;
  const prefix = `fs-test-sd-${randomBytes(4).toString('hex')}`;
  const env = { QUEUE_PREFIX: prefix, JOBS_LOCK_DURATION_MS: '1000', JOBS_STALLED_INTERVAL_MS: '500', JOBS_DIAGNOSTICS_BACKOFF_MS: '50' };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  it("fires a running job's signal on shutdown, so the app stops promptly; the next instance finishes the job", async () => {
    const first = await startTestApp(env, { database: db });
    const jobs = new JobsApi(first);
    const job = await jobs.start({ name: 'sleep', ms: 3_000, steps: 30 });
    await waitFor(async () => (await jobs.get(job.id)).body.progress > 0, 'the job to be running');
    const closing = Date.now();
    await first.close();
    const closeTook = Date.now() - closing;

    const second = await startTestApp(env, { database: db });
    try {
      const done = await new JobsApi(second).until(job.id, ['completed', 'failed'], 8_000);
      expect(done).toMatchObject({ state: 'completed', result: { slept: 3_000 } });
    } finally {
      await second.close();
    }
    // JobContext.signal: "fires when the job is cancelled, times out, or the worker shuts down".
    expect(closeTook).toBeLessThan(1_500);
  });
});

describe('Stalled jobs (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  let redis: Redis;

  beforeAll(async () => {
    t = await startTestApp({ JOBS_LOCK_DURATION_MS: '1000', JOBS_STALLED_INTERVAL_MS: '500', JOBS_DIAGNOSTICS_ATTEMPTS: '3' });
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
    const letter = await waitFor(() => jobs.letterOf(job.id), 'the dead letter of the stalled job', 2_000).catch(() => undefined);
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

    const second = await startTestApp({ QUEUE_PREFIX: prefix, JOBS_DIAGNOSTICS_ATTEMPTS: '2', JOBS_DIAGNOSTICS_BACKOFF_MS: '50' }, { database: db });
    try {
      const jobs = new JobsApi(second);
      expect(await jobs.letterOf(ref)).toMatchObject({ queue: 'diagnostics', name: 'sleep', attemptsMade: 1, failedReason: 'failing on purpose (attempt 1 of 1 to fail)' });
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

describe('Recurring jobs (e2e, several instances on one queue prefix)', () => {
  let db: TestDatabase;
  const prefix = `fs-test-rec-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  /** Every queue's schedulers, and how many next runs (waiting or delayed) each has. */
  async function schedulesOf(t: TestApp) {
    const byQueue = new Map<string, { ids: string[]; pattern: Record<string, string | number | undefined>; pending: Record<string, number> }>();
    for (const name of new Set(recurringJobs(t.config).map((j) => j.queue))) {
      const queue = bullQueue(t, name);
      try {
        const schedulers = await queue.getJobSchedulers(0, -1);
        // Reading the three states is not atomic: a fast job (the outbox relay runs every 200 ms)
        // can move from delayed to waiting between the reads and be counted twice. A job added
        // twice stays twice, so the fewest seen over a few reads is the true count.
        const pendingOf: Record<string, number> = {};
        for (let read = 0; read < 3; read++) {
          const counts: Record<string, number> = {};
          for (const j of await queue.getJobs(['delayed', 'waiting', 'prioritized'], 0, -1)) counts[j.name] = (counts[j.name] ?? 0) + 1;
          for (const name of new Set([...Object.keys(counts), ...Object.keys(pendingOf)])) {
            pendingOf[name] = read === 0 ? (counts[name] ?? 0) : Math.min(pendingOf[name] ?? 0, counts[name] ?? 0);
          }
        }
        byQueue.set(name, {
          ids: schedulers.map((s) => s.key).sort(),
          pattern: Object.fromEntries(schedulers.map((s) => [s.key, s.pattern ?? s.every])),
          pending: pendingOf,
        });
      } finally {
        await queue.close();
      }
    }
    return byQueue;
  }

  function expectOneSchedulerPerRecurringJob(t: TestApp, found: Awaited<ReturnType<typeof schedulesOf>>) {
    const registry = recurringJobs(t.config);
    expect(registry.map((j) => j.id).sort()).toEqual(['outbox-relay', 'prune-webhook-deliveries', 'purge-deleted-files', 'quota-recount', 'retrieval-sweep', 'upload-sweep']);
    for (const [queue, { ids, pending }] of found) {
      expect(ids).toEqual(registry.filter((j) => j.queue === queue).map((j) => j.id).sort());
      for (const id of ids) expect(pending[id] ?? 0).toBeLessThanOrEqual(1);
    }
    // Daily jobs have their one next run waiting; none was added twice.
    expect(found.get('maintenance')!.pending['purge-deleted-files']).toBe(1);
  }

  it('schedules each recurring job once, with two instances started together and after a restart with a new schedule', async () => {
    const env = { QUEUE_PREFIX: prefix };
    const [a, b] = await Promise.all([startTestApp(env, { database: db }), startTestApp(env, { database: db })]);
    try {
      const found = await schedulesOf(a);
      expectOneSchedulerPerRecurringJob(a, found);
      expect(found.get('maintenance')!.pattern).toMatchObject({ 'outbox-relay': 200, 'purge-deleted-files': '0 3 * * *' });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }

    const restarted = await startTestApp({ ...env, SCHEDULE_QUOTA_RECOUNT: '20 * * * *', SCHEDULE_PURGE_DELETED_FILES: '45 2 * * *' }, { database: db });
    try {
      const found = await schedulesOf(restarted);
      expectOneSchedulerPerRecurringJob(restarted, found);
      expect(found.get('maintenance')!.pattern).toMatchObject({ 'purge-deleted-files': '45 2 * * *' });
      expect(found.get('maintenance')!.pattern).toMatchObject({ 'quota-recount': '20 * * * *' });
      // The one pending run follows the new schedule.
      const maintenance = bullQueue(restarted, 'maintenance');
      try {
        const delayed = await maintenance.getJobs(['delayed'], 0, -1);
        const next = delayed.filter((j) => j.name === 'purge-deleted-files');
        expect(next).toHaveLength(1);
        const at = new Date(next[0].timestamp + next[0].delay);
        expect([at.getUTCHours(), at.getUTCMinutes()]).toEqual([2, 45]);
      } finally {
        await maintenance.close();
      }
    } finally {
      await restarted.close();
    }
  });
});

describe('Purge of soft-deleted files past their retention (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  let alice: string;
  const objectPath = async (fileId: string) => {
    const [{ locations }] = await sql(t, 'select locations from files where id = $1', [fileId]);
    expect(locations).toHaveLength(1);
    expect(locations[0].providerId).toBe('local-fs');
    return path.join(t.dataDir, 'files', 'objects', locations[0].key);
  };
  const exists = (p: string) => stat(p).then(() => true, () => false);

  beforeAll(async () => {
    t = await startTestApp({ DELETED_RETENTION_DAYS: '0', SCHEDULE_PURGE_DELETED_FILES: 'every:300' });
    jobs = new JobsApi(t);
    alice = t.tokenFor('alice');
  });
  afterAll(() => t?.close());

  it('purges deleted files (row, bytes, file.purged event) and keeps live and restored ones byte-exact', async () => {
    const upload = async (data: Buffer, name: string) => (await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: name })).body.id as string;
    const liveBytes = randomBytes(3000);
    const doomedBytes = randomBytes(4000);
    const restoredBytes = randomBytes(5000);
    const twinBytes = randomBytes(6000);

    // Held while the deletes and the restore happen, so the restore cannot lose a race with the purge.
    expect((await jobs.pause('maintenance')).status).toBe(200);
    let live: string, doomed: string, restored: string, oldTwin: string, newTwin: string;
    const paths: Record<string, string> = {};
    try {
      await waitFor(async () => (await jobs.countsOf('maintenance')).counts.active === 0, 'maintenance to be idle');
      live = await upload(liveBytes, 'live.bin');
      doomed = await upload(doomedBytes, 'doomed.bin');
      restored = await upload(restoredBytes, 'restored.bin');
      oldTwin = await upload(twinBytes, 'twin.bin');
      for (const id of [live, doomed, restored, oldTwin]) paths[id] = await objectPath(id);
      for (const id of [doomed, restored, oldTwin]) expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${id}`, alice)).status).toBe(204);
      expect((await api(t.baseUrl, 'POST', `/api/v1/files/${restored}/restore`, alice)).status).toBe(200);
      // The same bytes uploaded again after the delete: a new file with its own object.
      newTwin = await upload(twinBytes, 'twin-again.bin');
      expect(newTwin).not.toBe(oldTwin);
      paths[newTwin] = await objectPath(newTwin);
      await sleep(400);
      const trash = await api(t.baseUrl, 'GET', '/api/v1/files?status=deleted&limit=200', alice);
      expect(trash.body.items.map((f: { id: string }) => f.id).sort()).toEqual([doomed, oldTwin].sort());
    } finally {
      expect((await jobs.resume('maintenance')).status).toBe(200);
    }

    await waitFor(async () => (await api(t.baseUrl, 'GET', '/api/v1/files?status=deleted&limit=200', alice)).body.items.length === 0, 'the trash to be emptied', 5_000, 50);
    for (const id of [doomed, oldTwin]) {
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${id}`, alice)).status).toBe(404);
      expect(await sql(t, 'select 1 from files where id = $1', [id])).toHaveLength(0);
      expect(await exists(paths[id])).toBe(false);
    }
    const purgedEvents = await sql(t, `select aggregate_id, payload from outbox where event_name = 'file.purged' order by seq`);
    expect(purgedEvents.map((e) => e.aggregate_id).sort()).toEqual([doomed, oldTwin].sort());
    expect(purgedEvents[0].payload).toMatchObject({ ownerId: 'alice', deletedAt: expect.any(String) });

    for (const [id, data] of [[live, liveBytes], [restored, restoredBytes], [newTwin, twinBytes]] as const) {
      expect(await exists(paths[id])).toBe(true);
      const got = await download(t.baseUrl, `/api/v1/files/${id}/content`, alice);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(sha256(data));
    }
    expect((await api(t.baseUrl, 'GET', `/api/v1/files/${restored}`, alice)).body).toMatchObject({ status: 'completed', deletedAt: null });

    // file.purged is an event this build knows: relayed and handled, not dead-lettered.
    await waitFor(async () => (await sql(t, 'select 1 from outbox where published_at is null')).length === 0, 'the outbox to be relayed', 5_000, 50);
    await waitFor(async () => {
      const { counts } = await jobs.countsOf('domain-events');
      return counts.waiting + counts.active + counts.delayed === 0;
    }, 'domain events to be handled', 5_000, 50);
    expect((await jobs.deadLetters()).body).toEqual({ total: 0, items: [] });
  });
});
