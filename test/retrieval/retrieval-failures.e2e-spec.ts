import { CommandBus } from '@nestjs/cqrs';
import { STORAGE_PROVIDER_REGISTRY } from '../../src/application/ports';
import { CheckRetrievalCommand } from '../../src/application/retrieval';
import { FILE_REPOSITORY, FileRepository } from '../../src/domain/files';
import { InMemoryStorageProviderRegistry } from '../../src/infrastructure/storage-providers/storage-provider.registry';
import { glacierVaultEnv, QUICK_RETRIEVAL_POLLING, s3ArchiveEnv } from '../support/archive-env';
import { GlacierEmulator, startGlacierEmulator } from '../support/glacier-emulator';
import { api, download, uploadMultipart } from '../support/http-client';
import { patternedChunks } from '../support/patterned-bytes';
import { LocalS3, startS3rver } from '../support/s3rver';
import { S3Emulator, startS3Emulator } from '../support/s3-emulator';
import { startTestApp, TestApp } from '../support/test-app';
import { sleep } from '../support/until';
import { retrievalStatus, waitForRetrieval } from './retrieval-support';
import { expectProblem, PROBLEM_JSON } from '../support/problem';

const BUCKET = 'flexstorage-retrieval-failures';
const VAULT = 'flexstorage-retrieval-failures';

describe('retrievals when things go wrong: S3 archive classes', () => {
  let s3: LocalS3;
  let flexible: S3Emulator;
  let t: TestApp;
  const token = () => t.tokenFor('0196f000-0000-7000-8000-00000000c001');
  let seed = 500;

  beforeAll(async () => {
    s3 = await startS3rver(BUCKET);
    flexible = await startS3Emulator({ upstream: s3.endpoint, accessKeyId: 'S3RVER', restoreDelayMs: 50 });
    t = await startTestApp({
      STORAGE_PROVIDERS: 'local-fs,s3-flexible-retrieval',
      ...s3ArchiveEnv('s3-flexible-retrieval', BUCKET, flexible.endpoint),
      ...QUICK_RETRIEVAL_POLLING,
      RETRIEVAL_GIVE_UP_FACTOR: '0.002', // expedited: 5 min × 0.002 = 0.6 s
    });
  });
  afterAll(async () => {
    await t?.close();
    await flexible?.close();
    await s3?.close();
  });

  async function uploadArchived(size = 4096) {
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, ++seed), size, {
      token: token(),
      fields: { provider: 's3-flexible-retrieval' },
    });
    expect(up.body).toMatchObject({ status: 'archived' });
    return up.body as { id: string; sha256: string };
  }

  it('fails (gives up on) a retrieval whose archived object is gone, instead of leaving it "requested" and polling it forever', async () => {
    const file = await uploadArchived();
    const stored = await t.app.get<FileRepository>(FILE_REPOSITORY).findById(file.id);
    const registry = t.app.get<InMemoryStorageProviderRegistry>(STORAGE_PROVIDER_REGISTRY);
    await registry.get('s3-flexible-retrieval').delete(stored!.primaryLocation().key); // lost underneath (lifecycle rule, operator)

    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'expedited' });
    expect(asked.status).toBe(202);
    // Its give-up time is 0.6 s; allow ten times that.
    const settled = await waitForRetrieval(t, token(), asked.body.id, ['failed'], 6_000);
    expect(settled.status).toBe('failed');
  }, 20_000);

  it('answers 503 problem+json (not 500) when the restored copy cannot be read because the archive is unreachable', async () => {
    const file = await uploadArchived();
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'expedited' });
    expect((await waitForRetrieval(t, token(), asked.body.id, ['ready', 'failed'], 10_000)).status).toBe('ready');
    flexible.setAvailable(false);
    try {
      const res = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token());
      expect(res.headers['content-type']).toMatch(PROBLEM_JSON);
      expect(res.status).toBe(503);
    } finally {
      flexible.setAvailable(true);
    }
  }, 30_000);

  it('stops polling, without another restore, once the file is deleted: the request fails with a reason', async () => {
    const file = await uploadArchived();
    flexible.setAvailable(false); // the restore cannot start yet: the request waits for the poller
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'bulk' });
    expect(asked.body.status).toBe('requested');
    expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${file.id}`, token())).status).toBe(204);
    flexible.setAvailable(true);
    const restoresBefore = flexible.requests.filter((r) => r.method === 'POST' && r.url.includes('restore')).length;
    const settled = await waitForRetrieval(t, token(), asked.body.id, ['failed'], 6_000);
    expect(settled).toMatchObject({ status: 'failed', failureReason: 'the file was deleted or is no longer archived' });
    expect(flexible.requests.filter((r) => r.method === 'POST' && r.url.includes('restore')).length).toBe(
      restoresBefore,
    );
  }, 20_000);

  it('does not store an upload it will drop as a duplicate in archive storage (deleting it there would be billed 90 days)', async () => {
    const file = await uploadArchived(5000);
    const objectsBefore = flexible.requests.filter(
      (r) => r.method === 'PUT' || (r.method === 'POST' && r.url.includes('uploads')),
    ).length;
    const again = await uploadMultipart(t.baseUrl, patternedChunks(5000, seed), 5000, {
      token: token(),
      fields: { provider: 's3-flexible-retrieval', sha256: file.sha256 },
    });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ id: file.id, duplicate: true });
    expect(
      flexible.requests.filter((r) => r.method === 'PUT' || (r.method === 'POST' && r.url.includes('uploads'))).length,
    ).toBe(objectsBefore);

    // A declared hash that the bytes do not match is still refused, and nothing is kept anywhere.
    const wrong = await uploadMultipart(t.baseUrl, patternedChunks(5000, 250), 5000, {
      token: token(),
      fields: { provider: 's3-flexible-retrieval', sha256: file.sha256 },
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.type).toMatch(/checksum-mismatch$/);
  });
});

describe('retrievals when things go wrong: glacier-vault', () => {
  let vault: GlacierEmulator;
  let t: TestApp;
  const token = () => t.tokenFor('0196f000-0000-7000-8000-00000000c002');
  const OUTPUT_TTL_MS = 1_500;

  beforeAll(async () => {
    vault = await startGlacierEmulator({ accessKeyId: 'VAULTKEY', vaults: [VAULT], outputTtlMs: OUTPUT_TTL_MS });
    // No workers: the test itself plays the poller, so it decides when checks overlap.
    t = await startTestApp(
      {
        STORAGE_PROVIDERS: 'local-fs,glacier-vault',
        ...glacierVaultEnv(VAULT, vault.endpoint),
      },
      { workers: false },
    );
  });
  afterAll(async () => {
    await t?.close();
    await vault?.close();
  });

  const jobsStarted = () =>
    vault.requests.filter((r) => r.method === 'POST' && /\/jobs$/.test(new URL(r.url, 'http://x').pathname)).length;

  async function uploadToVault(seed: number) {
    const size = 3000;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, seed), size, {
      token: token(),
      fields: { provider: 'glacier-vault' },
    });
    expect(up.body).toMatchObject({ status: 'archived' });
    return up.body as { id: string; sha256: string };
  }

  /** Plays the poller until the request is ready (the emulated job finishes at once). */
  async function checkUntilReady(id: string) {
    const commands = t.app.get(CommandBus);
    for (let i = 0; i < 5 && (await retrievalStatus(t, token(), id)).status !== 'ready'; i++)
      await commands.execute(new CheckRetrievalCommand(id));
    expect((await retrievalStatus(t, token(), id)).status).toBe('ready');
  }

  it('starts ONE (billed) archive-retrieval job when two checks of a not-yet-started request overlap (sweep + scheduled poll)', async () => {
    const file = await uploadToVault(900);
    vault.setAvailable(false); // the first start fails: the request stays "requested" for the poller
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'standard' });
    vault.setAvailable(true);
    expect(asked.status).toBe(202);
    expect(asked.body.status).toBe('requested');

    const before = jobsStarted();
    const commands = t.app.get(CommandBus);
    await Promise.allSettled([
      commands.execute(new CheckRetrievalCommand(asked.body.id)),
      commands.execute(new CheckRetrievalCommand(asked.body.id)),
    ]);
    expect(jobsStarted() - before).toBe(1);
  }, 30_000);

  it("answers a vanished restored copy with a clean 409 problem, without the file's download headers (Content-Disposition, Content-Range, ETag)", async () => {
    const file = await uploadToVault(901);
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token(), { tier: 'expedited' });
    await checkUntilReady(asked.body.id);
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token())).sha256).toBe(file.sha256);

    // The job output goes before the request's availableUntil (Glacier forgets early; here after 1.5 s).
    await sleep(OUTPUT_TTL_MS + 500);
    const refused = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token(), undefined, {
      range: 'bytes=0-9',
    });
    expectProblem(refused, 409);
    expect(refused.headers['content-disposition']).toBeUndefined(); // else a browser saves the problem as the file
    expect(refused.headers['content-range']).toBeUndefined();
    expect(refused.headers.etag).toBeUndefined();
  }, 30_000);
});
