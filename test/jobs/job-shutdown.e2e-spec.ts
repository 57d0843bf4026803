import { randomBytes } from 'node:crypto';
import { startTestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { JobsApi, waitFor } from './job-support';

/** A running job when its app stops: signalled, and finished by the next instance. */
describe('Shutdown (e2e)', () => {
  let db: TestDatabase;
  const prefix = `fs-test-sd-${randomBytes(4).toString('hex')}`;
  const env = {
    QUEUE_PREFIX: prefix,
    JOBS_LOCK_DURATION_MS: '1000',
    JOBS_STALLED_INTERVAL_MS: '500',
    JOBS_DIAGNOSTICS_BACKOFF_MS: '50',
  };

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
