import { createHash, randomBytes } from 'node:crypto';
import * as tus from 'tus-js-client';
import { download } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(); });
  afterAll(async () => { await t.close(); });

  it('uploads with tus-js-client', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-000000000001');
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const result = await new Promise<{ url: string; fileId?: string }>((resolve, reject) => {
      const upload = new tus.Upload(data, {
        endpoint: `${t.baseUrl}/api/v1/uploads`,
        headers: { Authorization: `Bearer ${token}` },
        metadata: { filename: 'smoke.bin', filetype: 'application/octet-stream' },
        chunkSize: 1024 * 1024,
        retryDelays: [],
        onError: reject,
        onSuccess: (payload) => resolve({ url: upload.url!, fileId: payload.lastResponse.getHeader('X-File-Id') }),
      });
      upload.start();
    });
    expect(result.fileId).toBeDefined();
    const got = await download(t.baseUrl, `/api/v1/files/${result.fileId}/content`, token);
    expect(got.sha256).toBe(createHash('sha256').update(data).digest('hex'));
  });
});
