import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { sha256 } from '../support/hashing';
import { api, download, uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { bullQueue, JobsApi, sleep, sql, startJobsApp, waitFor } from './job-support';

/** The purge of the trash: what is past its retention goes (row, bytes, event), all else stays byte-exact. */
describe('Purge of soft-deleted files (e2e, real PostgreSQL, Redis and BullMQ workers)', () => {
  let t: TestApp;
  let alice: string;

  beforeAll(async () => {
    // Default retention (30 days), but the purge runs often enough to show it keeps a fresh delete.
    ({ t, alice } = await startJobsApp({ SCHEDULE_PURGE_DELETED_FILES: 'every:300' }));
  });
  afterAll(() => t?.close());

  describe('purge of soft-deleted files with the default retention (30 days)', () => {
    it('keeps a file deleted just now, row and bytes, while the purge runs', async () => {
      const data = randomBytes(2048);
      const { body: file } = await uploadMultipart(t.baseUrl, data, data.length, {
        token: alice,
        filename: 'kept.bin',
      });
      const [{ locations }] = await sql(t, 'select locations from files where id = $1', [file.id]);
      expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${file.id}`, alice)).status).toBe(204);
      const deletedAt = Date.now();

      const maintenance = bullQueue(t, 'maintenance');
      try {
        await waitFor(
          async () => {
            const done = await maintenance.getJobs(['completed'], 0, 200);
            return done.filter((j) => j.name === 'purge-deleted-files' && (j.processedOn ?? 0) > deletedAt).length >= 2;
          },
          'two purge runs after the delete',
          5_000,
          50,
        );
      } finally {
        await maintenance.close();
      }
      const trash = await api(t.baseUrl, 'GET', '/api/v1/files?status=deleted&limit=200', alice);
      expect(trash.body.items.map((f: { id: string }) => f.id)).toContain(file.id);
      expect((await stat(path.join(t.dataDir, 'files', 'objects', locations[0].key))).size).toBe(2048);
      expect(
        await sql(t, `select 1 from outbox where event_name = 'file.purged' and aggregate_id = $1`, [file.id]),
      ).toHaveLength(0);
    });
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
  const exists = (p: string) =>
    stat(p).then(
      () => true,
      () => false,
    );

  beforeAll(async () => {
    t = await startTestApp({ DELETED_RETENTION_DAYS: '0', SCHEDULE_PURGE_DELETED_FILES: 'every:300' });
    jobs = new JobsApi(t);
    alice = t.tokenFor('alice');
  });
  afterAll(() => t?.close());

  it('purges deleted files (row, bytes, file.purged event) and keeps live and restored ones byte-exact', async () => {
    const upload = async (data: Buffer, name: string) =>
      (await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: name })).body.id as string;
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
      for (const id of [doomed, restored, oldTwin])
        expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${id}`, alice)).status).toBe(204);
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

    await waitFor(
      async () =>
        (await api(t.baseUrl, 'GET', '/api/v1/files?status=deleted&limit=200', alice)).body.items.length === 0,
      'the trash to be emptied',
      5_000,
      50,
    );
    for (const id of [doomed, oldTwin]) {
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${id}`, alice)).status).toBe(404);
      expect(await sql(t, 'select 1 from files where id = $1', [id])).toHaveLength(0);
      expect(await exists(paths[id])).toBe(false);
    }
    const purgedEvents = await sql(
      t,
      `select aggregate_id, payload from outbox where event_name = 'file.purged' order by seq`,
    );
    expect(purgedEvents.map((e) => e.aggregate_id).sort()).toEqual([doomed, oldTwin].sort());
    expect(purgedEvents[0].payload).toMatchObject({ ownerId: 'alice', deletedAt: expect.any(String) });

    for (const [id, data] of [
      [live, liveBytes],
      [restored, restoredBytes],
      [newTwin, twinBytes],
    ] as const) {
      expect(await exists(paths[id])).toBe(true);
      const got = await download(t.baseUrl, `/api/v1/files/${id}/content`, alice);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(sha256(data));
    }
    expect((await api(t.baseUrl, 'GET', `/api/v1/files/${restored}`, alice)).body).toMatchObject({
      status: 'completed',
      deletedAt: null,
    });

    // file.purged is an event this build knows: relayed and handled, not dead-lettered.
    await waitFor(
      async () => (await sql(t, 'select 1 from outbox where published_at is null')).length === 0,
      'the outbox to be relayed',
      5_000,
      50,
    );
    await waitFor(
      async () => {
        const { counts } = await jobs.countsOf('domain-events');
        return counts.waiting + counts.active + counts.delayed === 0;
      },
      'domain events to be handled',
      5_000,
      50,
    );
    expect((await jobs.deadLetters()).body).toEqual({ total: 0, items: [] });
  });
});

describe('Purge of a trash larger than one batch (e2e)', () => {
  let t: TestApp;
  let jobs: JobsApi;
  const user = (n: number) => `0196f000-0000-7000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    t = await startTestApp({
      // The purge only when the spec asks for it, and everything in the trash past retention.
      DELETED_RETENTION_DAYS: '0',
      SCHEDULE_PURGE_DELETED_FILES: '0 0 1 1 *',
    });
    jobs = new JobsApi(t);
  });
  afterAll(() => t?.close());

  const upload = (token: string) => {
    const data = randomBytes(64);
    return uploadMultipart(t.baseUrl, data, data.length, { token, filename: `${randomBytes(4).toString('hex')}.bin` });
  };

  it('one purge run empties the trash of every file past its retention, not only the first 200', async () => {
    const token = t.tokenFor(user(4));
    const ids: string[] = [];
    for (let i = 0; i < 21; i++) {
      const batch = await Promise.all(Array.from({ length: 10 }, () => upload(token)));
      for (const r of batch) {
        expect(r.status).toBe(201);
        ids.push(r.body.id);
      }
    }
    for (let i = 0; i < ids.length; i += 10) {
      await Promise.all(
        ids
          .slice(i, i + 10)
          .map(async (fileId) =>
            expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${fileId}`, token)).status).toBe(204),
          ),
      );
    }
    const maintenance = bullQueue(t, 'maintenance');
    try {
      const job = await maintenance.add('purge-deleted-files', {});
      const done = await jobs.until(`maintenance.${job.id}`, ['completed', 'failed'], 60_000);
      expect(done.state).toBe('completed');
    } finally {
      await maintenance.close();
    }
    const [{ n }] = await sql(t, `select count(*)::int as n from files where status = 'deleted' and owner_id = $1`, [
      user(4),
    ]);
    expect(n).toBe(0); // 210 deleted, the daily run purges 200: the trash never catches up
  });
});
