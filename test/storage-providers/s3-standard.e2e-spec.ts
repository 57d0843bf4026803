import { randomBytes } from 'node:crypto';
import { sha256 } from '../support/hashing';
import { api, download, uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { tusUpload } from '../uploads/tus-support';
import { LocalS3, startS3rver } from '../support/s3rver';
import { startS3Emulator } from '../support/s3-emulator';

const MiB = 1024 * 1024;

/** The whole service with an S3 bucket (a real local S3 API server) as one of its providers. */
describe('s3-standard in the running service', () => {
  let s3: LocalS3;
  let t: TestApp;
  const env = () => ({
    STORAGE_PROVIDERS: 'local-fs,database,s3-standard',
    STORAGE_S3_BUCKET: 'flexstorage-e2e',
    STORAGE_S3_ENDPOINT: s3.endpoint,
    STORAGE_S3_FORCE_PATH_STYLE: 'true',
    STORAGE_S3_ACCESS_KEY_ID: 'S3RVER',
    STORAGE_S3_SECRET_ACCESS_KEY: 'S3RVER',
    STORAGE_S3_PREFIX: 'files/',
  });
  beforeAll(async () => {
    s3 = await startS3rver('flexstorage-e2e');
    t = await startTestApp(env());
  });
  afterAll(async () => {
    await t?.close();
    await s3?.close();
  });

  it('stores a multipart upload in the bucket when asked for, and serves it back with ranges', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-000000000531');
    const data = randomBytes(12 * MiB + 3);
    const up = await uploadMultipart(t.baseUrl, data, data.length, {
      token,
      fields: { provider: 's3-standard' },
      filename: 'in-s3.bin',
    });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ providerId: 's3-standard', size: data.length, sha256: sha256(data) });
    expect((await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, token)).sha256).toBe(sha256(data));
    const part = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, token, {
      range: `bytes=${5 * MiB - 2}-${5 * MiB + 1}`,
    });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(data.subarray(5 * MiB - 2, 5 * MiB + 2));
  });

  it('completes a resumable upload into the bucket (staged locally, streamed across)', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-000000000532');
    const data = randomBytes(7 * MiB);
    const result = await tusUpload(data, {
      endpoint: `${t.baseUrl}/api/v1/uploads`,
      token,
      chunkSize: 2 * MiB,
      metadata: { filename: 'tus-s3.bin', provider: 's3-standard' },
    });
    const file = await api(t.baseUrl, 'GET', `/api/v1/files/${result.fileId}`, token);
    expect(file.body).toMatchObject({ providerId: 's3-standard', size: data.length });
    expect((await download(t.baseUrl, `/api/v1/files/${result.fileId}/content`, token)).sha256).toBe(sha256(data));
  });

  it('reports the bucket in /health', async () => {
    const health = await api(t.baseUrl, 'GET', '/health');
    expect(JSON.stringify(health.body)).toContain('s3-standard');
    expect(health.status).toBe(200);
  });

  it('says clearly in /health when the bucket refuses the credentials, and stays up on the others', async () => {
    const gate = await startS3Emulator({ upstream: s3.endpoint, accessKeyId: 'S3RVER' });
    const wrong = await startTestApp({
      ...env(),
      STORAGE_S3_ENDPOINT: gate.endpoint,
      STORAGE_S3_ACCESS_KEY_ID: 'NOT-A-KEY',
    });
    try {
      const health = await api(wrong.baseUrl, 'GET', '/health');
      // The service stays up on its other providers (uploads fall back to them); the bucket says why it is out.
      expect(health.body.details.storage['s3-standard']).toEqual({
        healthy: false,
        detail: 'bucket flexstorage-e2e: access denied (check the credentials)',
      });
    } finally {
      await wrong.close();
      await gate.close();
    }
  });
});
