import { getEventListeners } from 'node:events';
import { SleepJob } from '../../src/infrastructure/jobs/diagnostics/sleep.job';
import { api } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { bullQueue, JobBody, JobsApi, ms, sleep, startJobsApp, waitFor } from './job-support';
import { expectProblem } from '../support/problem';

const BACKOFF_MS = 200;

/** What a caller sees of a job (GET /api/v1/jobs/:id) and how it stops one (DELETE), down to the abort signal. */
describe('Job status and cancellation (e2e, real PostgreSQL, Redis and BullMQ workers)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    ({ t, jobs, alice, bob } = await startJobsApp({
      JOBS_DIAGNOSTICS_ATTEMPTS: '3',
      JOBS_DIAGNOSTICS_BACKOFF_MS: String(BACKOFF_MS),
    }));
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
      expect(job).toMatchObject({
        queue: 'diagnostics',
        name: 'sleep',
        progress: 0,
        attemptsMade: 0,
        maxAttempts: 3,
        result: null,
        failedReason: null,
        ownerId: 'root',
        finishedAt: null,
      });
      expect(job.id).toMatch(/^diagnostics\.[^.]+$/);
      expect(['waiting', 'active']).toContain(job.state);
      expect(Number.isNaN(ms(job.createdAt))).toBe(false);

      const seen: { state: string; progress: number }[] = [];
      await waitFor(
        async () => {
          const { body } = await jobs.get(job.id);
          seen.push({ state: body.state, progress: body.progress });
          return body.state === 'completed';
        },
        'the sleep job to complete',
        5_000,
        20,
      );
      const done = (await jobs.get(job.id)).body;

      const progress = seen.map((s) => s.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b)); // never goes back
      const distinct = [...new Set(progress)];
      expect(distinct.every((p) => [0, 25, 50, 75, 100].includes(p))).toBe(true);
      expect(distinct.filter((p) => p > 0 && p < 100).length).toBeGreaterThanOrEqual(2);
      expect(seen.some((s) => s.state === 'active' && s.progress > 0 && s.progress < 100)).toBe(true);

      expect(done).toMatchObject({
        id: job.id,
        state: 'completed',
        progress: 100,
        attemptsMade: 1,
        result: { slept: 800 },
        failedReason: null,
        ownerId: 'root',
      });
      expect(ms(done.createdAt)).toBe(ms(job.createdAt));
      expect(ms(done.startedAt)).toBeGreaterThanOrEqual(ms(done.createdAt));
      expect(ms(done.finishedAt) - ms(done.startedAt)).toBeGreaterThanOrEqual(780);
      expect(ms(done.finishedAt) - ms(done.startedAt)).toBeLessThan(3_000);
    });

    it('never reports a finished state with the details of an unfinished attempt (state and fields are one snapshot)', async () => {
      const refs: string[] = [];
      for (let i = 0; i < 20; i++) refs.push((await jobs.start({ name: 'sleep', ms: 100 + 5 * i, steps: 1 })).id);
      const torn: JobBody[] = [];
      await Promise.all(
        refs.map(async (ref) => {
          for (const deadline = Date.now() + 5_000; Date.now() < deadline;) {
            const { body } = await jobs.get(ref);
            if (body.state !== 'completed') continue;
            if (body.finishedAt !== null && body.attemptsMade === 1 && body.result !== null) return;
            torn.push(body); // "completed", yet not finished, no attempt made and no result
          }
        }),
      );
      expect(
        torn.map(({ id, state, attemptsMade, result, finishedAt }) => ({
          id,
          state,
          attemptsMade,
          result,
          finishedAt,
        })),
      ).toEqual([]);
    });

    it("shows a user the job run on their behalf, and no one else's (404 problem+json)", async () => {
      const job = await jobs.start({ name: 'noop', ownerId: 'alice' });
      expect(job.ownerId).toBe('alice');
      await jobs.until(job.id, ['completed']);

      const mine = await jobs.get(job.id, alice);
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: job.id, name: 'noop', state: 'completed', ownerId: 'alice', result: null });

      const theirs = await jobs.get(job.id, bob);
      expectProblem(theirs, 404);
      expect(theirs.body).toMatchObject({ status: 404 });
      expect(JSON.stringify(theirs.body)).not.toContain('alice');
    });

    it('hides system jobs (no owner) from users; an admin sees them', async () => {
      const maintenance = bullQueue(t, 'maintenance');
      try {
        const job = await waitFor(
          async () => (await maintenance.getJobs(['completed'], 0, 0))[0],
          'a maintenance job to complete',
        );
        const ref = `maintenance.${job.id}`;
        const asAdmin = await jobs.get(ref);
        expect(asAdmin.status).toBe(200);
        expect(asAdmin.body).toMatchObject({
          id: ref,
          queue: 'maintenance',
          name: job.name,
          state: 'completed',
          ownerId: null,
        });

        const asUser = await jobs.get(ref, alice);
        expectProblem(asUser, 404);
        expect((await jobs.cancel(ref, alice)).status).toBe(404);
      } finally {
        await maintenance.close();
      }
    });

    it.each([
      'nope',
      'diagnostics.',
      '.1',
      'x.1',
      'diagnostics.999999999',
      'dead-letters.diagnostics.1',
      'a'.repeat(300),
    ])('answers 404 problem+json for the unknown or malformed ref %s', async (ref) => {
      for (const res of [await jobs.get(ref), await jobs.cancel(ref)]) {
        expectProblem(res, 404);
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
        expectProblem(byBob, 404);
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
      await waitFor(
        async () => (await jobs.get(job.id)).body.state === 'delayed',
        'the first attempt to fail',
        3_000,
        5,
      );
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
      expect(await jobs.until(job.id, ['completed', 'failed'])).toMatchObject({
        state: 'completed',
        result: { slept: 400 },
      });
    });
  });

  describe('the diagnostics sleep handler', () => {
    it('leaves no abort listener behind per step (a long sleep would pile them up on its signal)', async () => {
      const controller = new AbortController();
      const progress: number[] = [];
      const result = await t.app.get(SleepJob).handle(
        { ms: 40, steps: 20 },
        {
          ref: 'diagnostics.local',
          attempt: 1,
          signal: controller.signal,
          progress: async (p) => void progress.push(p),
        },
      );
      expect(result).toEqual({ slept: 40 });
      expect(progress).toHaveLength(20);
      expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
    });
  });
});
