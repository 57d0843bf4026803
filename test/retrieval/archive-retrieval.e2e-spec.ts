import { STORAGE_PROVIDER_REGISTRY } from '../../src/application/ports';
import { InMemoryStorageProviderRegistry } from '../../src/infrastructure/storage-providers/storage-provider.registry';
import { QUICK_RETRIEVAL_POLLING, s3ArchiveEnv } from '../support/archive-env';
import { api, download, uploadMultipart } from '../support/http-client';
import { patternedBytes, patternedChunks, patternedSha256 } from '../support/patterned-bytes';
import { LocalS3, startS3rver } from '../support/s3rver';
import { S3Emulator, startS3Emulator } from '../support/s3-emulator';
import { startTestApp, TestApp } from '../support/test-app';
import { waitForRetrieval } from './retrieval-support';
import { expectProblem } from '../support/problem';

const MiB = 1024 * 1024;
const BUCKET = 'flexstorage-archive';
const COPY_MS = 6_000; // how long the emulated S3 keeps a restored copy

function archiveEnv(deep: S3Emulator, flexible: S3Emulator): Record<string, string> {
  return {
    STORAGE_PROVIDERS: 'local-fs,s3-deep-archive,s3-flexible-retrieval',
    ...s3ArchiveEnv('s3-deep-archive', BUCKET, deep.endpoint),
    STORAGE_DEEP_ARCHIVE_PREFIX: 'deep/',
    ...s3ArchiveEnv('s3-flexible-retrieval', BUCKET, flexible.endpoint),
    STORAGE_FLEXIBLE_RETRIEVAL_PREFIX: 'flexible/',
    // Videos of 1 GB and more go to Deep Archive by rule; "archive" is a preference users can ask for.
    STORAGE_RULES: JSON.stringify([
      { provider: 's3-deep-archive', categories: ['video'], minSize: 1_000_000_000 },
      { provider: 's3-flexible-retrieval', preference: 'archive' },
    ]),
    ...QUICK_RETRIEVAL_POLLING,
  };
}

describe('archive storage and retrieval in the running service (S3 archive classes)', () => {
  let s3: LocalS3;
  let deep: S3Emulator;
  let flexible: S3Emulator;
  let t: TestApp;
  const owner = '0196f000-0000-7000-8000-00000000a001';
  let token: string;

  beforeAll(async () => {
    s3 = await startS3rver(BUCKET);
    const restoreDelayMs = { Expedited: 300, Standard: 600, Bulk: 900 };
    deep = await startS3Emulator({
      upstream: s3.endpoint,
      accessKeyId: 'S3RVER',
      restoreDelayMs,
      // Long enough for downloads on a busy machine; the expiry test shortens it to COPY_MS.
      restoredCopyMs: 10 * 60_000,
    });
    flexible = await startS3Emulator({
      upstream: s3.endpoint,
      accessKeyId: 'S3RVER',
      restoreDelayMs,
      restoredCopyMs: 10 * 60_000,
    });
    t = await startTestApp(archiveEnv(deep, flexible));
    token = t.tokenFor(owner);
  });
  afterEach(() => deep?.setRestoredCopyMs(10 * 60_000));
  afterAll(async () => {
    await t?.close();
    await deep?.close();
    await flexible?.close();
    await s3?.close();
  });

  let uploads = 0;
  /** A new archived file (other bytes each time, so none is a duplicate); its seed regenerates any slice. */
  async function uploadArchived(size: number, provider: string, name = 'archived.bin') {
    const seed = ++uploads;
    const up = await uploadMultipart(t.baseUrl, patternedChunks(size, seed), size, {
      token,
      fields: { provider },
      filename: name,
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ providerId: provider, status: 'archived', size });
    return { ...(up.body as { id: string; sha256: string }), seed };
  }

  const restoreCalls = (emulator: S3Emulator) =>
    emulator.requests.filter((r) => r.method === 'POST' && /[?&]restore(=|&|$)/.test(r.url)).length;

  describe.each([
    ['s3-flexible-retrieval', 'expedited', () => flexible],
    ['s3-deep-archive', 'standard', () => deep],
  ] as const)('%s', (provider, tier, emulator) => {
    const size = 56 * MiB + 12_345; // several multipart parts and a ragged end

    it(`stores ${size} bytes as an archived file, refuses its download with a link to retrieve it, restores it (${tier}) through the poller, and serves it byte-exact`, async () => {
      const file = await uploadArchived(size, provider);
      expect(file.sha256).toBe(patternedSha256(size, file.seed));
      expect(
        emulator().requests.some(
          (r) => r.headers['x-amz-storage-class'] === (provider === 's3-deep-archive' ? 'DEEP_ARCHIVE' : 'GLACIER'),
        ),
      ).toBe(true);

      const refused = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token);
      expectProblem(refused, 409);
      expect(refused.body).toMatchObject({
        status: 409,
        title: 'Retrieval Required',
        requestRetrieval: { method: 'POST', href: `/api/v1/files/${file.id}/retrievals` },
      });
      expect(refused.body.type).toMatch(/retrieval-required$/);
      expect(refused.headers.link).toBe(`</api/v1/files/${file.id}/retrievals>; rel="retrieval"`);

      const before = restoreCalls(emulator());
      const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier });
      expect(asked.status).toBe(202);
      expect(asked.headers.location).toBe(`/api/v1/retrievals/${asked.body.id}`);
      expect(asked.body).toMatchObject({
        fileId: file.id,
        tier,
        status: 'in-progress',
        providerId: provider,
        shared: false,
      });
      expect(new Date(asked.body.estimatedReadyAt).getTime()).toBeGreaterThan(Date.now());

      // A second request for the same file joins the restore under way: no second restore.
      const again = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'bulk' });
      expect(again.status).toBe(202);
      expect(again.body).toMatchObject({ id: asked.body.id, tier, shared: true });
      expect(restoreCalls(emulator()) - before).toBe(1);

      const pending = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token);
      expect(pending.status).toBe(409);
      expect(pending.body.retrieval).toMatchObject({
        id: asked.body.id,
        status: 'in-progress',
        href: `/api/v1/retrievals/${asked.body.id}`,
      });

      const ready = await waitForRetrieval(t, token, asked.body.id, ['ready', 'failed']);
      expect(ready).toMatchObject({ status: 'ready', failureReason: null });
      expect(ready.checks).toBeGreaterThanOrEqual(1);
      expect(new Date(ready.availableUntil!).getTime()).toBeGreaterThan(Date.now());

      const whole = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token);
      expect(whole.status).toBe(200);
      expect(whole.size).toBe(size);
      expect(whole.sha256).toBe(file.sha256);
      const from = 8 * MiB - 5;
      const part = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token, {
        range: `bytes=${from}-${from + 9}`,
      });
      expect(part.status).toBe(206);
      expect(part.bytes).toEqual(patternedBytes(from, 10, file.seed));
      const last = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token, { range: `bytes=-1` });
      expect(last.bytes).toEqual(patternedBytes(size - 1, 1, file.seed));
    });
  });

  it.each([
    ['s3-flexible-retrieval', 'expedited'],
    ['s3-flexible-retrieval', 'standard'],
    ['s3-flexible-retrieval', 'bulk'],
    ['s3-deep-archive', 'standard'],
    ['s3-deep-archive', 'bulk'],
  ])('%s: the %s tier reaches ready through the poller and the copy downloads', async (provider, tier) => {
    const size = 300_001;
    const file = await uploadArchived(size, provider, `${tier}.bin`);
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier });
    expect(asked.status).toBe(202);
    expect(await waitForRetrieval(t, token, asked.body.id, ['ready', 'failed'])).toMatchObject({
      status: 'ready',
      tier,
    });
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token)).sha256).toBe(file.sha256);
  });

  it('answers a signed URL of an archived file with the same 409 as the token route, and serves it once restored', async () => {
    const size = 200_003;
    const file = await uploadArchived(size, 's3-flexible-retrieval', 'archived-clip.webm');
    const signed = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/url`, token);
    expect(signed.status).toBe(200);
    // The version signed stays valid through the retrieval: restoring a copy does not change the file.
    const refused = await download(signed.body.url, signed.body.url, undefined);
    expectProblem(refused, 409, 'retrieval-required');
    expect(JSON.parse(refused.bytes!.toString())).toMatchObject({
      requestRetrieval: { method: 'POST', href: `/api/v1/files/${file.id}/retrievals` },
    });
    expect(refused.headers.link).toBe(`</api/v1/files/${file.id}/retrievals>; rel="retrieval"`);
    expect(refused.headers['content-disposition']).toBeUndefined();

    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'expedited' });
    await waitForRetrieval(t, token, asked.body.id, ['ready', 'failed']);
    const part = await download(signed.body.url, signed.body.url, undefined, { range: 'bytes=10-19' });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(patternedBytes(10, 10, file.seed));
  });

  it('refuses a tier the storage class does not offer, and an unknown tier, with 400 naming the field', async () => {
    const file = await uploadArchived(1000, 's3-deep-archive');
    const expedited = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'expedited' });
    expect(expedited.status).toBe(400);
    expect(expedited.body.type).toMatch(/invalid-retrieval-tier$/);
    expect(expedited.body.errors).toEqual([{ field: 'tier', message: 'must be one of standard, bulk' }]);
    const unknown = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'instant' });
    expect(unknown.status).toBe(400);
    const days = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'bulk', days: 0 });
    expect(days.status).toBe(400);
  });

  it("answers 409 for a retrieval of a file that is readable already, and 404 for another user's file or request", async () => {
    const hot = await uploadMultipart(t.baseUrl, Buffer.from('hot bytes'), 9, { token, filename: 'hot.txt' });
    expect(hot.body.status).toBe('completed');
    const notNeeded = await api(t.baseUrl, 'POST', `/api/v1/files/${hot.body.id}/retrievals`, token, {
      tier: 'standard',
    });
    expect(notNeeded.status).toBe(409);
    expect(notNeeded.body.type).toMatch(/retrieval-not-needed$/);

    const file = await uploadArchived(1000, 's3-flexible-retrieval');
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'expedited' });
    const stranger = t.tokenFor('0196f000-0000-7000-8000-00000000a0ff');
    expect(
      (await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, stranger, { tier: 'expedited' })).status,
    ).toBe(404);
    expect((await api(t.baseUrl, 'GET', `/api/v1/retrievals/${asked.body.id}`, stranger)).status).toBe(404);
    expect((await api(t.baseUrl, 'GET', `/api/v1/retrievals/not-a-uuid`, token)).status).toBe(404);
    const admin = t.tokenFor('0196f000-0000-7000-8000-00000000a0ad', ['admin']);
    expect((await api(t.baseUrl, 'GET', `/api/v1/retrievals/${asked.body.id}`, admin)).status).toBe(200);
  });

  it('lets the restored copy expire: downloads are refused again, the request turns expired, and a new request restores anew', async () => {
    deep.setRestoredCopyMs(COPY_MS);
    const file = await uploadArchived(2 * MiB, 's3-deep-archive', 'short-lived.bin');
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'standard' });
    const ready = await waitForRetrieval(t, token, asked.body.id, ['ready']);
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token)).sha256).toBe(file.sha256);
    const until = new Date(ready.availableUntil!).getTime();
    expect(until).toBeLessThanOrEqual(Date.now() + COPY_MS + 1000);

    const expired = await waitForRetrieval(t, token, asked.body.id, ['expired'], COPY_MS + 10_000);
    expect(expired.status).toBe('expired');
    const refused = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}/content`, token);
    expect(refused.status).toBe(409);
    expect(refused.body.retrieval).toBeUndefined();

    const anew = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'bulk' });
    expect(anew.status).toBe(202);
    expect(anew.body).toMatchObject({ shared: false, tier: 'bulk' });
    expect(anew.body.id).not.toBe(asked.body.id);
    await waitForRetrieval(t, token, anew.body.id, ['ready']);
    expect((await download(t.baseUrl, `/api/v1/files/${file.id}/content`, token)).sha256).toBe(file.sha256);
  }, 60_000);

  it('routes by rule to archive storage and falls back to a healthy provider while the archive is down', async () => {
    const registry = t.app.get<InMemoryStorageProviderRegistry>(STORAGE_PROVIDER_REGISTRY);
    // The "archive" preference is a rule to Flexible Retrieval.
    const ruled = await uploadMultipart(t.baseUrl, Buffer.alloc(2048, 1), 2048, {
      token,
      fields: { provider: 'archive' },
      filename: 'ruled.bin',
    });
    expect(ruled.body).toMatchObject({ providerId: 's3-flexible-retrieval', status: 'archived' });

    flexible.setAvailable(false);
    try {
      expect((await registry.checkAll())['s3-flexible-retrieval'].healthy).toBe(false);
      const fallback = await uploadMultipart(t.baseUrl, Buffer.alloc(2048, 2), 2048, {
        token,
        fields: { provider: 'archive' },
        filename: 'fallback.bin',
      });
      expect(fallback.status).toBe(201);
      expect(fallback.body).toMatchObject({ providerId: 'local-fs', status: 'completed' });
      const health = await api(t.baseUrl, 'GET', '/health');
      expect(health.body.details.storage['s3-flexible-retrieval'].healthy).toBe(false);
    } finally {
      flexible.setAvailable(true);
      await registry.checkAll();
    }
  });

  it('keeps polling a retrieval whose scheduled check was lost (the sweep re-schedules it)', async () => {
    const file = await uploadArchived(4096, 's3-flexible-retrieval', 'lost-poll.bin');
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/retrievals`, token, { tier: 'bulk' });
    expect(asked.body.status).toBe('in-progress');
    // Lose every scheduled check, as a Redis without persistence would on restart.
    const { Queue } = await import('bullmq');
    const queue = new Queue('retrieval', { connection: { url: t.runtime.redisUrl }, prefix: t.config.queuePrefix });
    await queue.drain(true);
    await queue.close();
    expect(await waitForRetrieval(t, token, asked.body.id, ['ready'], 20_000)).toMatchObject({ status: 'ready' });
  });
});

describe('a restore that never finishes', () => {
  let s3: LocalS3;
  let slow: S3Emulator;
  let t: TestApp;

  beforeAll(async () => {
    s3 = await startS3rver(BUCKET);
    slow = await startS3Emulator({ upstream: s3.endpoint, accessKeyId: 'S3RVER', restoreDelayMs: 60 * 60_000 });
    t = await startTestApp({ ...archiveEnv(slow, slow), RETRIEVAL_GIVE_UP_FACTOR: '0.002' }); // expedited: 5 min × 0.002 = 0.6 s
  });
  afterAll(async () => {
    await t?.close();
    await slow?.close();
    await s3?.close();
  });

  it("is given up after its tier's give-up time: the request fails with a reason, and a new one may be made", async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-00000000a101');
    const up = await uploadMultipart(t.baseUrl, Buffer.alloc(1000, 3), 1000, {
      token,
      fields: { provider: 's3-flexible-retrieval' },
    });
    const asked = await api(t.baseUrl, 'POST', `/api/v1/files/${up.body.id}/retrievals`, token, { tier: 'expedited' });
    const failed = await waitForRetrieval(t, token, asked.body.id, ['failed', 'ready'], 15_000);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toMatch(/not ready by/);
    const again = await api(t.baseUrl, 'POST', `/api/v1/files/${up.body.id}/retrievals`, token, { tier: 'expedited' });
    expect(again.body).toMatchObject({ shared: false });
  });
});
