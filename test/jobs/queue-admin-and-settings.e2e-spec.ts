import { QUEUE_NAMES } from '../../src/infrastructure/jobs/queues';
import { api } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { JobBody, JobsApi, ms, sleep, startJobsApp, waitFor } from './job-support';
import { expectProblem } from '../support/problem';

const BACKOFF_MS = 200;

/** The admin queue API (counts, pause, resume) and the per-queue settings: timeout, concurrency, rate, priority. */
describe('Admin queue API (e2e, real PostgreSQL, Redis and BullMQ workers)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  let alice: string;

  beforeAll(async () => {
    ({ t, jobs, alice } = await startJobsApp({
      JOBS_DIAGNOSTICS_ATTEMPTS: '3',
      JOBS_DIAGNOSTICS_BACKOFF_MS: String(BACKOFF_MS),
    }));
    // Jobs for the counts to show: one completed, one failed once its attempts are used up.
    await jobs.until((await jobs.start({ name: 'noop' })).id, ['completed']);
    await jobs.until((await jobs.start({ name: 'sleep', ms: 10, steps: 1, failTimes: 3 })).id, ['failed']);
  });
  afterAll(() => t?.close());

  describe('admin queue API', () => {
    it('lists every queue with its counts per state', async () => {
      const res = await jobs.queues();
      expect(res.status).toBe(200);
      expect(res.body.map((q) => q.queue).sort()).toEqual([
        'diagnostics',
        'domain-events',
        'maintenance',
        'media',
        'relocation',
        'retrieval',
        'webhooks',
      ]);
      expect(QUEUE_NAMES.slice().sort()).toEqual(res.body.map((q) => q.queue).sort());
      for (const q of res.body) {
        expect(q.paused).toBe(false);
        for (const state of [
          'waiting',
          'delayed',
          'prioritized',
          'active',
          'completed',
          'failed',
          'paused',
          'waiting-children',
        ]) {
          expect(Number.isInteger(q.counts[state])).toBe(true);
        }
      }
      // The jobs run before are counted.
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
        expectProblem(res, 404);
      }
    });

    it('refuses a non-admin with 403 problem+json, and the queue stays as it was', async () => {
      for (const res of [
        await jobs.queues(alice),
        await jobs.pause('diagnostics', alice),
        await jobs.resume('diagnostics', alice),
      ]) {
        expectProblem(res, 403);
      }
      expect((await jobs.countsOf('diagnostics')).paused).toBe(false);
      expect((await api(t.baseUrl, 'GET', '/api/v1/admin/queues')).status).toBe(401);
    });
  });
});

/** How many of the jobs' [startedAt, finishedAt] intervals overlap at most. */
function maxOverlap(done: JobBody[]): number {
  const edges = done
    .flatMap(
      (j) =>
        [
          [ms(j.startedAt), 1],
          [ms(j.finishedAt), -1],
        ] as const,
    )
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (now += d));
  return max;
}

describe('Per-queue settings: timeout and concurrency (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;

  beforeAll(async () => {
    t = await startTestApp({
      JOBS_DIAGNOSTICS_TIMEOUT_MS: '300',
      JOBS_DIAGNOSTICS_ATTEMPTS: '2',
      JOBS_DIAGNOSTICS_BACKOFF_MS: '50',
      JOBS_DIAGNOSTICS_CONCURRENCY: '2',
    });
    jobs = new JobsApi(t);
  });
  afterAll(() => t?.close());

  it('aborts each attempt of a job that runs past its queue timeout, then dead-letters it', async () => {
    const job = await jobs.start({ name: 'sleep', ms: 5_000, steps: 10 });
    const failed = await jobs.until(job.id, ['failed'], 4_000);
    expect(failed).toMatchObject({
      state: 'failed',
      failedReason: 'timed out after 300 ms',
      attemptsMade: 2,
      progress: 0,
      result: null,
    });
    const took = ms(failed.finishedAt) - ms(failed.createdAt);
    expect(took).toBeGreaterThanOrEqual(2 * 300 + 25); // two whole attempts and a backoff
    expect(took).toBeLessThan(2_500); // far from the 2 × 5 s the sleeps wanted
    const letter = await waitFor(() => jobs.letterOf(job.id), 'the dead letter');
    expect(letter).toMatchObject({ failedReason: 'timed out after 300 ms', attemptsMade: 2 });
  });

  it('lets a job within the timeout complete', async () => {
    const job = await jobs.start({ name: 'sleep', ms: 100, steps: 2 });
    expect(await jobs.until(job.id, ['completed', 'failed'], 3_000)).toMatchObject({
      state: 'completed',
      attemptsMade: 1,
      result: { slept: 100 },
    });
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
    expect(
      Math.max(...done.map((j) => ms(j.finishedAt))) - Math.min(...done.map((j) => ms(j.startedAt))),
    ).toBeGreaterThanOrEqual(390);
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
