import { api } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { bullQueue, JobsApi } from './job-support';

/** The dead-letter list and its metric at the edges: offsets Redis cannot take, and more than 10,000 letters. */
describe('dead letters at volume (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;

  beforeAll(async () => {
    t = await startTestApp();
    jobs = new JobsApi(t);
  });
  afterAll(() => t?.close());

  it('answers 400, not 500, to a dead-letter offset Redis cannot take', async () => {
    const res = await jobs.deadLetters(jobs.admin, '?offset=100000000000000000000');
    expect(res.status).toBe(400);
  });

  it('counts dead letters beyond 10,000 in /metrics', async () => {
    const letters = bullQueue(t, 'dead-letters');
    try {
      for (let i = 0; i < 10_001; i += 1_000) {
        await letters.addBulk(
          Array.from({ length: Math.min(1_000, 10_001 - i) }, (_, k) => ({
            name: 'noop',
            data: {
              queue: 'diagnostics',
              name: 'noop',
              jobId: String(i + k),
              data: {},
              opts: {},
              failedReason: 'x',
              stacktrace: [],
              attemptsMade: 1,
              failedAt: Date.now(),
            },
            opts: { jobId: `diagnostics.bulk-${i + k}` },
          })),
        );
      }
    } finally {
      await letters.close();
    }
    const metrics = await api<string>(t.baseUrl, 'GET', '/metrics');
    expect(/flexstorage_dead_letters\{queue="diagnostics"\} (\d+)/.exec(metrics.body)?.[1]).toBe('10001');
  });
});
