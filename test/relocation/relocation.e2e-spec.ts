import { stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Client } from 'pg';
import sharp from 'sharp';
import { ArchiveStack, startArchiveStack } from '../support/archive-stack';
import { api, download, uploadMultipart } from '../support/http-client';
import { GlacierEmulator } from '../support/glacier-emulator';
import { patternedBytes, patternedChunks, patternedSha256 } from '../support/patterned-bytes';
import { S3Emulator } from '../support/s3-emulator';
import { listen } from '../support/sse-client';
import { TestApp } from '../support/test-app';
import { until } from '../support/until';
import { expectProblem } from '../support/problem';

const MiB = 1024 * 1024;
const BUCKET = 'flexstorage-relocation';
const VAULT = 'flexstorage-relocation-vault';
const WAIT_MS = 30_000;

interface JobBody {
  id: string;
  state: string;
  progress: number;
  result: { status: string; [k: string]: unknown } | null;
  failedReason: string | null;
  attemptsMade: number;
  ownerId: string | null;
}

/**
 * Moving files between providers in the running service: local disk, PostgreSQL, S3 archive classes, a legacy vault.
 */
describe('relocation: moving a file to another provider (e2e, real PostgreSQL, Redis, s3rver, vault emulator)', () => {
  let stack: ArchiveStack;
  let archive: S3Emulator;
  let vault: GlacierEmulator;
  let t: TestApp;
  let db: Client;
  const alice = '0196f000-0000-7000-8000-0000000c0a11';
  const bob = '0196f000-0000-7000-8000-0000000c0b0b';
  const token = (user = alice) => t.tokenFor(user);
  const admin = () => t.tokenFor('0196f000-0000-7000-8000-0000000cad01', ['admin']);
  let seed = 500;

  beforeAll(async () => {
    stack = await startArchiveStack({
      bucket: BUCKET,
      vault: VAULT,
      restoreDelayMs: { Expedited: 400, Standard: 700, Bulk: 900 },
      jobDelayMs: { Expedited: 300, Standard: 500, Bulk: 700 },
      env: {
        JOBS_REDUNDANCY_ATTEMPTS: '2',
        JOBS_REDUNDANCY_BACKOFF_MS: '100',
        // Old copies are kept a moment after a move (an hour by default) for downloads begun from them.
        RELOCATION_OLD_COPY_GRACE_S: '3',
      },
    });
    ({ archive, vault, t, db } = stack);
  });
  afterAll(() => stack?.close());

  async function upload(size: number, provider: string, user = alice) {
    const s = ++seed;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, s), size, {
      token: token(user),
      fields: { provider },
      filename: `moving-${s}.bin`,
    });
    expect(up.status).toBe(201);
    expect(up.body.providerId).toBe(provider);
    return { ...(up.body as { id: string; sha256: string; size: number; status: string }), seed: s };
  }

  const relocate = (fileId: string, body: Record<string, unknown>, user = alice) =>
    api(t.baseUrl, 'POST', `/api/v1/files/${fileId}/relocations`, token(user), body);
  const job = async (id: string, bearer = token()) =>
    (await api<JobBody>(t.baseUrl, 'GET', `/api/v1/jobs/${id}`, bearer)).body;
  const finished = (id: string, bearer = token(), timeoutMs = 60_000) =>
    until(
      async () => {
        const body = await job(id, bearer);
        return ['completed', 'failed'].includes(body.state) ? body : undefined;
      },
      `job ${id} to finish`,
      timeoutMs,
    );
  const locationsOf = async (fileId: string) =>
    (
      await db.query<{ locations: { providerId: string; key: string }[] }>(
        'select locations from files where id = $1',
        [fileId],
      )
    ).rows[0].locations;
  const localObject = (key: string) => path.join(t.dataDir, 'files', 'objects', key);
  const exists = (file: string) =>
    stat(file).then(
      () => true,
      () => false,
    );

  async function expectBytes(fileId: string, size: number, s: number) {
    const got = await download(t.baseUrl, `/api/v1/files/${fileId}/content`, token());
    expect(got.status).toBe(200);
    expect(got.size).toBe(size);
    expect(got.sha256).toBe(patternedSha256(size, s));
    const tail = await download(t.baseUrl, `/api/v1/files/${fileId}/content`, token(), {
      range: `bytes=${size - 1000}-`,
    });
    expect(tail.bytes).toEqual(patternedBytes(size - 1000, 1000, s));
  }

  it('moves 24 MiB from the local disk into PostgreSQL: a job with progress, the same bytes and ETag after, the old copy removed', async () => {
    const size = 24 * MiB + 321;
    const file = await upload(size, 'local-fs');
    const [before] = await locationsOf(file.id);
    expect(await exists(localObject(before.key))).toBe(true);

    const live = listen(`${t.baseUrl}/api/v1/events?access_token=${token()}`);
    await live.waitFor((m) => m.event === 'connected');
    const asked = await relocate(file.id, { provider: 'database' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({
      fileId: file.id,
      fromProviderId: 'local-fs',
      toProviderId: 'database',
      retrievalTier: null,
    });
    expect(asked.body.jobId).toMatch(/^relocation\.relocate-/);
    expect(asked.headers.location).toBe(`/api/v1/jobs/${asked.body.jobId}`);

    const done = await finished(asked.body.jobId);
    expect(done).toMatchObject({
      state: 'completed',
      progress: 100,
      ownerId: alice,
      result: { status: 'relocated', fromProviderId: 'local-fs', toProviderId: 'database', bytes: size },
    });
    // Checked first, while the grace (3 s here) surely runs: the checks below take seconds on a busy machine.
    const oldCopyDuringGrace = await exists(localObject(before.key));

    const meta = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}`, token());
    expect(meta.body).toMatchObject({ providerId: 'database', status: 'completed', sha256: file.sha256, size });
    await expectBytes(file.id, size, file.seed);
    const etag = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token(), {
      'if-none-match': `"${file.sha256}"`,
    });
    expect(etag.status).toBe(304);
    // The old copy goes once the move is saved (its event is relayed, the cleanup runs as a job).
    // The old copy stays for the grace after the move (a download begun from it finishes), then goes.
    expect(oldCopyDuringGrace).toBe(true);
    const fromOld = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token());
    expect(fromOld.sha256).toBe(file.sha256);
    await until(async () => !(await exists(localObject(before.key))), 'the local copy to be removed', WAIT_MS);
    // The owner hears of it live, without the storage keys.
    try {
      const moved = await live.waitFor((m) => m.event === 'file.relocated', WAIT_MS);
      expect(moved.data.data).toEqual({
        fileId: file.id,
        fromProviderIds: ['local-fs'],
        toProviderId: 'database',
        archived: false,
      });
      expect(JSON.stringify(moved)).not.toContain(before.key);
    } finally {
      live.close();
    }
  });

  it('takes the thumbnail and preview along off the provider the file left (checked, same ETag), and lets their old copies go after the grace', async () => {
    const png = await sharp({ create: { width: 900, height: 600, channels: 3, background: { r: 20, g: 120, b: 200 } } })
      .png()
      .toBuffer();
    const up = await uploadMultipart(t.baseUrl, png, png.length, {
      token: token(),
      filename: 'photo.png',
      contentType: 'image/png',
      fields: { provider: 'local-fs' },
    });
    expect(up.status).toBe(201);
    const thumb = await until(
      async () => {
        const res = await download(t.baseUrl, `/api/v1/files/${up.body.id}/thumbnail`, token());
        return res.status === 200 ? res : undefined;
      },
      'the thumbnail to be made',
      WAIT_MS,
    );
    const before = (
      await db.query<{ kind: string; provider_id: string; storage_key: string }>(
        'select kind, provider_id, storage_key from file_renditions where file_id = $1 order by kind',
        [up.body.id],
      )
    ).rows;
    expect(before.map((r) => r.provider_id)).toEqual(['local-fs', 'local-fs']);

    const asked = await relocate(up.body.id, { provider: 'database' });
    expect((await finished(asked.body.jobId)).result).toMatchObject({
      status: 'relocated',
      toProviderId: 'database',
      renditions: 2,
    });
    const after = (
      await db.query<{ provider_id: string }>('select provider_id from file_renditions where file_id = $1', [
        up.body.id,
      ])
    ).rows;
    expect(after.map((r) => r.provider_id)).toEqual(['database', 'database']);
    const again = await download(t.baseUrl, `/api/v1/files/${up.body.id}/thumbnail`, token());
    expect(again).toMatchObject({ status: 200, sha256: thumb.sha256 });
    expect(again.headers.etag).toBe(thumb.headers.etag);
    for (const r of before)
      await until(async () => !(await exists(localObject(r.storage_key))), `the old ${r.kind} to be removed`, WAIT_MS);
  });

  it('answers the same job when asked twice, 409 for another target while one move is queued, and 409 once the file is there', async () => {
    const file = await upload(64 * 1024, 'local-fs');
    const pause = await api(t.baseUrl, 'POST', '/api/v1/admin/queues/relocation/pause', admin());
    expect(pause.status).toBe(200);
    try {
      const first = await relocate(file.id, { provider: 'database' });
      const second = await relocate(file.id, { provider: 'database' });
      expect(first.status).toBe(202);
      expect(second.status).toBe(202);
      expect(second.body.jobId).toBe(first.body.jobId);
      const other = await relocate(file.id, { provider: 's3-flexible-retrieval' });
      expectProblem(other, 409);
      expect(other.body.type).toMatch(/relocation-in-progress$/);
      expect(other.body.detail).toContain('database');
    } finally {
      await api(t.baseUrl, 'POST', '/api/v1/admin/queues/relocation/resume', admin());
    }
    const jobId = (await relocate(file.id, { provider: 'database' })).body.jobId as string;
    expect((await finished(jobId)).state).toBe('completed');
    const there = await relocate(file.id, { provider: 'database' });
    expect(there.status).toBe(409);
    expect(there.body.type).toMatch(/relocation-not-needed$/);
  });

  it('archives a file moved into Deep Archive: downloads then need a retrieval', async () => {
    const file = await upload(3 * MiB, 'local-fs');
    const asked = await relocate(file.id, { provider: 's3-deep-archive' });
    expect(asked.status).toBe(202);
    expect((await finished(asked.body.jobId)).result).toMatchObject({
      status: 'relocated',
      toProviderId: 's3-deep-archive',
    });
    const meta = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}`, token());
    expect(meta.body).toMatchObject({ providerId: 's3-deep-archive', status: 'archived' });
    expect(
      archive.requests.some((r) => r.method === 'PUT' && r.headers['x-amz-storage-class'] === 'DEEP_ARCHIVE'),
    ).toBe(true);
    const refused = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token());
    expect(refused.status).toBe(409);
    expect(refused.body.type).toMatch(/retrieval-required$/);
  });

  it('brings an archived file back out: the job waits for the restore it asks for (no attempt used), then copies, and the archive copy is deleted', async () => {
    const size = 12 * MiB + 5;
    const file = await upload(size, 's3-flexible-retrieval');
    expect(file.status).toBe('archived');
    const [archived] = await locationsOf(file.id);

    const asked = await relocate(file.id, { provider: 'local-fs', tier: 'expedited' });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ fromProviderId: 's3-flexible-retrieval', retrievalTier: 'expedited' });
    // While the restore runs the job is delayed, not failed.
    const waiting = await until(
      async () => {
        const body = await job(asked.body.jobId);
        return body.state === 'delayed' ? body : undefined;
      },
      'the move to wait for its restore',
      WAIT_MS,
    );
    expect(waiting.attemptsMade).toBe(0);

    const done = await finished(asked.body.jobId);
    expect(done).toMatchObject({
      state: 'completed',
      attemptsMade: 1,
      result: { status: 'relocated', fromProviderId: 's3-flexible-retrieval', toProviderId: 'local-fs', bytes: size },
    });
    const meta = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}`, token());
    expect(meta.body).toMatchObject({ providerId: 'local-fs', status: 'completed' });
    await expectBytes(file.id, size, file.seed);
    await until(
      async () => archive.requests.some((r) => r.method === 'DELETE' && r.url.includes(archived.key)),
      'the archived object to be deleted',
      WAIT_MS,
    );
    // The restore the move used is retired: no request of the file is active any more.
    const active = await db.query(`select status from retrieval_requests where file_id = $1`, [file.id]);
    expect(active.rows.map((r) => r.status)).toEqual(['expired']);
  });

  it('keeps an edit made while a move waits, and moves nothing of a file deleted meanwhile', async () => {
    const edited = await upload(300_000, 's3-flexible-retrieval');
    const deleted = await upload(300_000, 's3-flexible-retrieval');
    const [archivedAt] = await locationsOf(deleted.id);
    const moves = [
      await relocate(edited.id, { provider: 'local-fs', tier: 'standard' }),
      await relocate(deleted.id, { provider: 'local-fs', tier: 'standard' }),
    ];
    for (const move of moves) {
      await until(
        async () => (await job(move.body.jobId)).state === 'delayed',
        'the move to wait for its restore',
        WAIT_MS,
      );
    }
    expect(
      (await api(t.baseUrl, 'PATCH', `/api/v1/files/${edited.id}`, token(), { description: 'edited while moving' }))
        .status,
    ).toBe(200);
    expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${deleted.id}`, token())).status).toBe(204);

    expect((await finished(moves[0].body.jobId)).result).toMatchObject({
      status: 'relocated',
      toProviderId: 'local-fs',
    });
    expect((await api(t.baseUrl, 'GET', `/api/v1/files/${edited.id}`, token())).body).toMatchObject({
      providerId: 'local-fs',
      status: 'completed',
      description: 'edited while moving',
    });
    expect((await finished(moves[1].body.jobId)).result).toMatchObject({ status: 'skipped' });
    expect(await locationsOf(deleted.id)).toEqual([archivedAt]);
    expect((await api(t.baseUrl, 'POST', `/api/v1/files/${deleted.id}/restore`, token())).status).toBe(200);
    expect((await api(t.baseUrl, 'GET', `/api/v1/files/${deleted.id}`, token())).body).toMatchObject({
      providerId: 's3-flexible-retrieval',
      status: 'archived',
    });
  });

  it('moves a file out of a legacy Glacier vault into Flexible Retrieval (vault job, copy, archive deleted from the vault)', async () => {
    const size = 9 * MiB + 77;
    const file = await upload(size, 'glacier-vault');
    const asked = await relocate(file.id, { provider: 's3-flexible-retrieval', tier: 'bulk' });
    expect(asked.status).toBe(202);
    const done = await finished(asked.body.jobId);
    expect(done.result).toMatchObject({
      status: 'relocated',
      fromProviderId: 'glacier-vault',
      toProviderId: 's3-flexible-retrieval',
    });
    expect(vault.requests.some((r) => r.method === 'POST' && r.url.endsWith('/jobs'))).toBe(true);
    await until(
      async () => vault.requests.some((r) => r.method === 'DELETE' && r.url.includes('/archives/')),
      'the vault archive to be deleted',
      WAIT_MS,
    );
    const meta = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}`, token());
    expect(meta.body).toMatchObject({
      providerId: 's3-flexible-retrieval',
      status: 'archived',
      sha256: patternedSha256(size, file.seed),
    });
  });

  it('refuses to replace good bytes with corrupt ones: a source that no longer matches its SHA-256 fails the move for good and the file stays', async () => {
    const size = 2 * MiB;
    const file = await upload(size, 'local-fs');
    const [where] = await locationsOf(file.id);
    await writeFile(localObject(where.key), Buffer.alloc(size, 0x5a)); // bit rot, same length
    const stored = await db.query<{ n: number }>('select count(*)::int as n from storage_objects').catch(() => null);

    const asked = await relocate(file.id, { provider: 'database' });
    const done = await finished(asked.body.jobId);
    expect(done.state).toBe('failed');
    expect(done.attemptsMade).toBe(1); // permanent: not retried
    expect(done.failedReason).toMatch(/SHA-256/);
    expect(await locationsOf(file.id)).toEqual([where]);
    expect(await exists(localObject(where.key))).toBe(true);
    if (stored)
      expect((await db.query<{ n: number }>('select count(*)::int as n from storage_objects')).rows[0].n).toBe(
        stored.rows[0].n,
      );
    const letters = await api(t.baseUrl, 'GET', '/api/v1/admin/dead-letters?limit=500', admin());
    expect(JSON.stringify(letters.body)).toContain(asked.body.jobId.replace(/^relocation\./, ''));
  });

  it("answers 404 for another user's file and their job, 400 for an unknown provider or a tier the archive lacks, 409 for a deleted file", async () => {
    const mine = await upload(10_000, 'local-fs');
    const theirs = await relocate(mine.id, { provider: 'database' }, bob);
    expectProblem(theirs, 404);

    const unknown = await relocate(mine.id, { provider: 'nowhere' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.type).toMatch(/unknown-storage-provider$/);
    const malformed = await relocate(mine.id, { provider: '../etc' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors.map((e: { field: string }) => e.field)).toContain('provider');

    const deep = await upload(10_000, 's3-deep-archive');
    const badTier = await relocate(deep.id, { provider: 'local-fs', tier: 'expedited' });
    expect(badTier.status).toBe(400);
    expect(badTier.body.type).toMatch(/invalid-retrieval-tier$/);

    const queued = await relocate(mine.id, { provider: 'database' });
    expect(queued.status).toBe(202);
    expect((await api(t.baseUrl, 'GET', `/api/v1/jobs/${queued.body.jobId}`, token(bob))).status).toBe(404);
    await finished(queued.body.jobId);

    const gone = await upload(10_000, 'local-fs');
    expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${gone.id}`, token())).status).toBe(204);
    expect((await relocate(gone.id, { provider: 'database' })).status).toBe(404);
  });

  it('lets an admin move every live file off a provider (each file a job of its own), and nobody else', async () => {
    const files = [await upload(100_000, 's3-flexible-retrieval'), await upload(200_000, 's3-flexible-retrieval', bob)];
    expect(
      (
        await api(t.baseUrl, 'POST', '/api/v1/admin/relocations', token(), {
          from: 's3-flexible-retrieval',
          to: 'database',
        })
      ).status,
    ).toBe(403);
    for (const [body, field] of [
      [{ from: 'nowhere', to: 'database' }, 'from'],
      [{ from: 'database', to: 'nowhere' }, 'to'],
    ] as const) {
      const unknown = await api(t.baseUrl, 'POST', '/api/v1/admin/relocations', admin(), body);
      expect(unknown.status).toBe(400);
      expect(unknown.body).toMatchObject({
        type: expect.stringMatching(/unknown-storage-provider$/),
        errors: [{ field }],
      });
    }
    const same = await api(t.baseUrl, 'POST', '/api/v1/admin/relocations', admin(), {
      from: 'database',
      to: 'database',
    });
    expect(same.status).toBe(400);

    const asked = await api(t.baseUrl, 'POST', '/api/v1/admin/relocations', admin(), {
      from: 's3-flexible-retrieval',
      to: 'database',
      tier: 'expedited',
    });
    expect(asked.status).toBe(202);
    const queued = await finished(asked.body.jobId, admin());
    expect(queued.state).toBe('completed');
    expect((queued.result as unknown as { queued: number }).queued).toBeGreaterThanOrEqual(files.length);
    for (const file of files) {
      await until(
        async () => (await locationsOf(file.id))[0].providerId === 'database',
        `file ${file.id} to reach the database`,
        60_000,
      );
    }
    // Every other live file there too (the one moved in from the vault earlier, for one).
    const left = async () =>
      (
        await db.query(
          `select count(*)::int as n from files where status in ('completed','archived') and locations->0->>'providerId' = 's3-flexible-retrieval'`,
        )
      ).rows[0].n as number;
    await until(async () => (await left()) === 0, 'no live file left on s3-flexible-retrieval', 60_000);
    await expectBytes(files[0].id, files[0].size, files[0].seed);
  });
});
