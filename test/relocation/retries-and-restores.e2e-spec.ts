import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Client } from 'pg';
import { ArchiveStack, startArchiveStack } from '../support/archive-stack';
import { api, download, uploadMultipart } from '../support/http-client';
import { patternedBytes, patternedChunks, patternedSha256 } from '../support/patterned-bytes';
import { GlacierEmulator } from '../support/glacier-emulator';
import { S3Emulator } from '../support/s3-emulator';
import { TestApp } from '../support/test-app';
import { until as untilWithin } from '../support/until';
import { expectProblem } from '../support/problem';

const BUCKET = 'flexstorage-relocation-retries';
const VAULT = 'flexstorage-relocation-retries-vault';

/** Restores, copies and deletes through the emulators: generous for a busy CI machine. */
const until = <T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 60_000) =>
  untilWithin(probe, what, timeoutMs, 100);

interface JobBody {
  id: string;
  state: string;
  result: { status: string; [k: string]: unknown } | null;
  failedReason: string | null;
}

/**
 * Moving files between providers when a move failed (it can be asked for again), is still queued, or meets a restore
 * under way or one left behind by a crash (which does not strand the file).
 */
describe('relocation retried, queued, and meeting restores (e2e, PostgreSQL, Redis, s3rver behind the emulator)', () => {
  let stack: ArchiveStack;
  let archive: S3Emulator;
  let vault: GlacierEmulator;
  let t: TestApp;
  let db: Client;
  const alice = '0196f000-0000-7000-8000-0000000e0a11';
  const token = () => t.tokenFor(alice);
  let seed = 900;

  beforeAll(async () => {
    stack = await startArchiveStack({
      bucket: BUCKET,
      vault: VAULT,
      restoreDelayMs: { Expedited: 300, Standard: 500, Bulk: 10 * 60_000 },
      // Job output outlives the archive it came from (as in Glacier), for 10 minutes here.
      jobDelayMs: { Expedited: 300, Standard: 500, Bulk: 700 },
      outputTtlMs: 10 * 60_000,
      env: { JOBS_REDUNDANCY_ATTEMPTS: '2', JOBS_REDUNDANCY_BACKOFF_MS: '100', RELOCATION_OLD_COPY_GRACE_S: '0' },
    });
    ({ archive, vault, t, db } = stack);
  });
  afterAll(() => stack?.close());

  async function upload(size: number, provider: string) {
    const s = ++seed % 256;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, s), size, {
      token: token(),
      fields: { provider },
      filename: `move-${seed}.bin`,
    });
    expect(up.status).toBe(201);
    expect(up.body.providerId).toBe(provider);
    return { ...(up.body as { id: string; sha256: string; size: number; status: string }), seed: s };
  }

  const relocate = (fileId: string, body: Record<string, unknown>) =>
    api(t.baseUrl, 'POST', `/api/v1/files/${fileId}/relocations`, token(), body);
  const job = async (id: string) => (await api<JobBody>(t.baseUrl, 'GET', `/api/v1/jobs/${id}`, token())).body;
  const finished = (id: string, timeoutMs = 60_000) =>
    until(
      async () => {
        const body = await job(id);
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

  async function expectBytes(fileId: string, size: number, s: number) {
    const got = await download(t.baseUrl, `/api/v1/files/${fileId}/content`, token());
    expect(got.status).toBe(200);
    expect(got.size).toBe(size);
    expect(got.sha256).toBe(patternedSha256(size, s));
  }

  describe('a move that failed', () => {
    it('runs again when asked again once its cause is mended, instead of answering the failed job for days', async () => {
      const size = 256 * 1024;
      const file = await upload(size, 'local-fs');
      const [where] = await locationsOf(file.id);
      await writeFile(localObject(where.key), Buffer.alloc(size, 0x5a)); // bit rot: the move must refuse it
      const first = await relocate(file.id, { provider: 'database' });
      expect(first.status).toBe(202);
      expect((await finished(first.body.jobId)).state).toBe('failed');

      await writeFile(localObject(where.key), patternedBytes(0, size, file.seed)); // mended from a backup
      const again = await relocate(file.id, { provider: 'database' });
      expect(again.status).toBe(202);
      const done = await finished(again.body.jobId);
      expect(done).toMatchObject({ state: 'completed', result: { status: 'relocated', toProviderId: 'database' } });
      expect((await locationsOf(file.id))[0].providerId).toBe('database');
      await expectBytes(file.id, size, file.seed);
    });

    it('does not block a move to another provider with 409 relocation-in-progress', async () => {
      const size = 64 * 1024;
      const file = await upload(size, 'local-fs');
      const [where] = await locationsOf(file.id);
      await writeFile(localObject(where.key), Buffer.alloc(size, 0x33));
      const first = await relocate(file.id, { provider: 'database' });
      expect((await finished(first.body.jobId)).state).toBe('failed');

      await writeFile(localObject(where.key), patternedBytes(0, size, file.seed));
      const elsewhere = await relocate(file.id, { provider: 's3-deep-archive' });
      expect(elsewhere.headers['content-type']).not.toMatch(/problem/);
      expect(elsewhere.status).toBe(202);
      expect(elsewhere.body).toMatchObject({ toProviderId: 's3-deep-archive' });
      expect(await finished(elsewhere.body.jobId)).toMatchObject({
        state: 'completed',
        result: { status: 'relocated', toProviderId: 's3-deep-archive' },
      });
    });
  });

  describe('a move still queued', () => {
    const admin = () => t.tokenFor('0196f000-0000-7000-8000-0000000ead01', ['admin']);

    it('answers 409 for another target even after the file was edited (an edit is no new move)', async () => {
      const file = await upload(32 * 1024, 'local-fs');
      expect((await api(t.baseUrl, 'POST', '/api/v1/admin/queues/relocation/pause', admin())).status).toBe(200);
      let first: Awaited<ReturnType<typeof relocate>>;
      try {
        first = await relocate(file.id, { provider: 'database' });
        expect(first.status).toBe(202);
        expect(
          (
            await api(t.baseUrl, 'PATCH', `/api/v1/files/${file.id}`, token(), {
              description: 'edited while the move waits',
            })
          ).status,
        ).toBe(200);
        const again = await relocate(file.id, { provider: 'database' });
        expect(again.status).toBe(202);
        expect(again.body.jobId).toBe(first.body.jobId);
        const other = await relocate(file.id, { provider: 's3-deep-archive' });
        expectProblem(other, 409);
        expect(other.body.type).toMatch(/relocation-in-progress$/);
      } finally {
        await api(t.baseUrl, 'POST', '/api/v1/admin/queues/relocation/resume', admin());
      }
      expect(await finished(first.body.jobId)).toMatchObject({
        state: 'completed',
        result: { status: 'relocated', toProviderId: 'database' },
      });
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}`, token())).body).toMatchObject({
        providerId: 'database',
        description: 'edited while the move waits',
      });
      // The file's next move gets a job of its own.
      const next = await relocate(file.id, { provider: 'local-fs' });
      expect(next.status).toBe(202);
      expect(next.body.jobId).not.toBe(first.body.jobId);
      expect(await finished(next.body.jobId)).toMatchObject({
        state: 'completed',
        result: { status: 'relocated', toProviderId: 'local-fs' },
      });
    });
  });

  describe('an archived file whose restore is already under way', () => {
    it('is restored at the tier the move asks for when that is faster (the running Bulk restore is sped up, not waited out)', async () => {
      const size = 200_000;
      const file = await upload(size, 's3-flexible-retrieval');
      const slow = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'bulk' });
      expect(slow.body).toMatchObject({ tier: 'bulk', status: 'in-progress' });
      const move = await relocate(file.id, { provider: 'local-fs', tier: 'expedited' });
      expect(move.status).toBe(202);
      expect(move.body).toMatchObject({ retrievalTier: 'expedited' });
      expect(await finished(move.body.jobId, 60_000)).toMatchObject({
        state: 'completed',
        result: { status: 'relocated', toProviderId: 'local-fs' },
      });
      expect((await api(t.baseUrl, 'GET', `/api/v1/retrievals/${slow.body.id}`, token())).body).toMatchObject({
        tier: 'expedited',
      });
      await expectBytes(file.id, size, file.seed);
    });
  });

  describe('a restore of the old location left ready by a crash between the repoint and its retirement', () => {
    /**
     * A file moved from Flexible Retrieval into Deep Archive, with the restore the move used put back to `ready` (as a
     * crash right after the repoint leaves it).
     */
    async function movedWithStaleRestore(from = 's3-flexible-retrieval', to = 's3-deep-archive') {
      const size = 300_000;
      const file = await upload(size, from);
      expect(file.status).toBe('archived');
      const [old] = await locationsOf(file.id);
      const moved = await relocate(file.id, { provider: to, tier: 'expedited' });
      expect(moved.status).toBe(202);
      expect(await finished(moved.body.jobId)).toMatchObject({ state: 'completed', result: { status: 'relocated' } });
      const deletes = from === 'glacier-vault' ? vault.requests : archive.requests;
      await until(
        async () =>
          deletes.some(
            (r) => r.method === 'DELETE' && (r.url.includes(old.key) || r.url.includes(encodeURIComponent(old.key))),
          ),
        'the old archive copy to be deleted',
      );
      const { rows } = await db.query<{ id: string }>(
        `update retrieval_requests set status = 'ready', available_until = now() + interval '10 minutes', next_check_at = now() + interval '10 minutes'
         where file_id = $1 and status = 'expired' returning id`,
        [file.id],
      );
      expect(rows).toHaveLength(1);
      return { ...file, size, staleId: rows[0].id };
    }

    it('is not joined by a new retrieval request: the file is restored from where it is now and downloads', async () => {
      const file = await movedWithStaleRestore();
      const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'standard' });
      expect(asked.status).toBe(202);
      expect(asked.body.id).not.toBe(file.staleId);
      await until(
        async () =>
          (await api(t.baseUrl, 'GET', `/api/v1/retrievals/${asked.body.id}`, token())).body.status === 'ready',
        'the new restore to be ready',
      );
      await expectBytes(file.id, file.size, file.seed);
    });

    it('is ended once a download finds it serves nothing, even while the old vault job output is still there', async () => {
      const file = await movedWithStaleRestore('glacier-vault', 's3-flexible-retrieval');
      const refused = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token());
      expectProblem(refused, 409);
      expect(refused.body.type).toMatch(/retrieval-required$/);
      expect(refused.body.retrieval?.id).not.toBe(file.staleId);
      await until(
        async () =>
          (await api(t.baseUrl, 'GET', `/api/v1/retrievals/${file.staleId}`, token())).body.status === 'expired',
        'the stale restore to be ended',
      );
      const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'standard' });
      expect(asked.body).toMatchObject({ shared: false });
      await until(
        async () => (await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token())).status === 200,
        'the file to download again',
      );
      await expectBytes(file.id, file.size, file.seed);
    });

    it('does not keep a move out of the archive waiting on it', async () => {
      const file = await movedWithStaleRestore();
      const out = await relocate(file.id, { provider: 'local-fs', tier: 'standard' });
      expect(out.status).toBe(202);
      expect(await finished(out.body.jobId, 60_000)).toMatchObject({
        state: 'completed',
        result: { status: 'relocated', toProviderId: 'local-fs' },
      });
      await expectBytes(file.id, file.size, file.seed);
    });
  });
});
