import { randomBytes } from 'node:crypto';
import { recurringJobs } from '../../src/infrastructure/jobs/recurring-jobs';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { bullQueue } from './job-support';
import { sleep } from '../support/until';

/** Recurring jobs: one scheduler each, however many instances start, and a new schedule after a restart. */
describe('Recurring jobs (e2e, several instances on one queue prefix)', () => {
  let db: TestDatabase;
  const prefix = `fs-test-rec-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db?.drop());

  /** Every queue's schedulers, and how many next runs (waiting or delayed) each has. */
  async function schedulesOf(t: TestApp) {
    const byQueue = new Map<
      string,
      { ids: string[]; pattern: Record<string, string | number | undefined>; pending: Record<string, number> }
    >();
    for (const name of new Set(recurringJobs(t.config).map((j) => j.queue))) {
      const queue = bullQueue(t, name);
      try {
        const schedulers = await queue.getJobSchedulers(0, -1);
        // Reading the three states is not atomic: a fast job (the outbox relay runs every 200 ms)
        // can move from delayed to waiting between the reads and be counted twice, and on a busy
        // machine a run stalled by the instance that stopped comes back for a while. A job added
        // twice stays twice, so the fewest seen over reads until each is at most one (or 10 s)
        // is the true count.
        const pendingOf: Record<string, number> = {};
        const deadline = Date.now() + 10_000;
        const settled = () => Object.values(pendingOf).every((n) => n <= 1);
        for (let read = 0; read < 3 || (!settled() && Date.now() < deadline); read++) {
          if (read >= 3) await sleep(100);
          const counts: Record<string, number> = {};
          for (const j of await queue.getJobs(['delayed', 'waiting', 'prioritized'], 0, -1))
            counts[j.name] = (counts[j.name] ?? 0) + 1;
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
    expect(registry.map((j) => j.id).sort()).toEqual([
      'outbox-relay',
      'prune-webhook-deliveries',
      'purge-deleted-files',
      'quota-recount',
      'retrieval-sweep',
      'upload-sweep',
    ]);
    for (const [queue, { ids, pending }] of found) {
      expect(ids).toEqual(
        registry
          .filter((j) => j.queue === queue)
          .map((j) => j.id)
          .sort(),
      );
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
      expect(found.get('maintenance')!.pattern).toMatchObject({
        'outbox-relay': 200,
        'purge-deleted-files': '0 3 * * *',
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }

    const restarted = await startTestApp(
      { ...env, SCHEDULE_QUOTA_RECOUNT: '20 * * * *', SCHEDULE_PURGE_DELETED_FILES: '45 2 * * *' },
      { database: db },
    );
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
