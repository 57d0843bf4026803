import { Client } from 'pg';
import { api, uploadMultipart } from '../support/http-client';
import { patternedChunks } from '../support/patterned-bytes';
import { startTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';

/**
 * The deletion of a moved file's old copy is housekeeping of the service: the owner learns its id
 * (the live stream's event id names it) but must neither cancel it (the old copy would stay for
 * ever) nor read its failure (a provider's error names the object's path, its storage key).
 */
describe("the deletion of a moved file's old copy is a system job (e2e, real PostgreSQL, Redis)", () => {
  let t: TestApp;
  let db: Client;
  const alice = '0196f000-0000-7000-8000-0000000c0e11';
  const token = () => t.tokenFor(alice);

  beforeAll(async () => {
    t = await startTestApp({
      STORAGE_PROVIDERS: 'local-fs,database',
      OUTBOX_RELAY_INTERVAL_MS: '100',
      // Long enough that the deletion waits, delayed, for the whole test.
      RELOCATION_OLD_COPY_GRACE_S: '600',
    });
    db = new Client({ connectionString: t.db.url });
    await db.connect();
  }, 120_000);
  afterAll(async () => {
    await db?.end();
    await t?.close();
  });

  it("keeps the delayed deletion of the old copy out of the owner's reach: not found, not cancellable", async () => {
    const size = 70_000;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, 901), size, {
      token: token(),
      fields: { provider: 'local-fs' },
      filename: 'extras.bin',
    });
    expect(up.status).toBe(201);
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${up.body.id}/relocations`, token(), {
      provider: 'database',
    });
    expect(asked.status).toBe(202);
    const eventId = await until(
      async () => {
        const { rows } = await db.query<{ id: string }>(
          "select id from outbox where event_name = 'file.relocated' and aggregate_id = $1 and published_at is not null",
          [up.body.id],
        );
        return rows[0]?.id;
      },
      'the file.relocated event to be relayed',
      60_000,
    );
    const ref = `relocation.delete-copies-${eventId}`;
    // The job exists (an admin sees it, delayed) ...
    const seen = await until(
      async () => {
        const r = await api(
          t.baseUrl,
          'GET',
          `/api/v1/jobs/${ref}`,
          t.tokenFor('0196f000-0000-7000-8000-0000000cad02', ['admin']),
        );
        return r.status === 200 ? r : undefined;
      },
      'the deletion job to be queued',
      60_000,
    );
    expect(seen.body.state).toBe('delayed');
    expect(seen.body.ownerId).toBeNull();
    // ... but not for the owner, who can neither read nor cancel it.
    expect((await api(t.baseUrl, 'GET', `/api/v1/jobs/${ref}`, token())).status).toBe(404);
    expect((await api(t.baseUrl, 'DELETE', `/api/v1/jobs/${ref}`, token())).status).toBe(404);
    const still = await api(
      t.baseUrl,
      'GET',
      `/api/v1/jobs/${ref}`,
      t.tokenFor('0196f000-0000-7000-8000-0000000cad02', ['admin']),
    );
    expect(still.body.state).toBe('delayed');
  }, 120_000);
});
