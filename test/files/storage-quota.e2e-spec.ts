import { Queue } from 'bullmq';
import { api, uploadMultipart } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { tusUpload } from '../uploads/tus-support';

/** Per-user storage quota, and the recurring recount behind GET /usage. */
describe('storage usage and quota', () => {
  let t: TestApp;
  const user = '0196f000-0000-7000-8000-00000000f001';
  const token = () => t.tokenFor(user);

  beforeAll(async () => {
    t = await startTestApp({ STORAGE_QUOTA: '10000', SCHEDULE_QUOTA_RECOUNT: 'every:300' });
  });
  afterAll(() => t?.close());

  const usage = async () => (await api(t.baseUrl, 'GET', '/api/v1/usage', token())).body;

  it('counts what a user stores, refuses an upload that would pass the quota (413, nothing kept), and frees room once files are deleted and recounted', async () => {
    expect(await usage()).toMatchObject({ files: 0, bytes: 0, quotaBytes: 10_000 });
    const first = await uploadMultipart(t.baseUrl, Buffer.alloc(6000, 1), 6000, { token: token(), filename: 'a.bin' });
    expect(first.status).toBe(201);
    expect(await usage()).toMatchObject({ files: 1, bytes: 6000 });

    const refused = await uploadMultipart(t.baseUrl, Buffer.alloc(6000, 2), 6000, {
      token: token(),
      filename: 'b.bin',
    });
    expect(refused.status).toBe(413);
    expect(refused.body).toMatchObject({ status: 413, quotaBytes: 10_000, usedBytes: 6000 });
    expect(refused.body.type).toMatch(/storage-quota-exceeded$/);
    const listed = await api(t.baseUrl, 'GET', '/api/v1/files', token());
    expect(listed.body.items).toHaveLength(1);

    // Resumable uploads end up in the same check: the file that would pass the quota is not made.
    await expect(
      tusUpload(Buffer.alloc(5000, 3), {
        endpoint: `${t.baseUrl}/api/v1/uploads`,
        token: token(),
        metadata: { filename: 'c.bin' },
      }),
    ).rejects.toThrow(/413/);

    expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${first.body.id}`, token())).status).toBe(204);
    const deadline = Date.now() + 10_000;
    let now = await usage();
    while (!(now.bytes === 0 && now.trashBytes === 6000)) {
      if (Date.now() > deadline) throw new Error(`not recounted: ${JSON.stringify(now)}`);
      await new Promise((r) => setTimeout(r, 100));
      now = await usage();
    }
    expect(now).toMatchObject({ files: 0, bytes: 0, trashFiles: 1, trashBytes: 6000 });
    expect(new Date(now.recountedAt).getTime()).toBeGreaterThan(Date.now() - 10_000);
    expect(
      (await uploadMultipart(t.baseUrl, Buffer.alloc(6000, 4), 6000, { token: token(), filename: 'd.bin' })).status,
    ).toBe(201);
  });

  it('schedules the recount once in the recurring registry', async () => {
    const queue = new Queue('maintenance', { connection: { url: t.runtime.redisUrl }, prefix: t.config.queuePrefix });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.filter((s) => s.key === 'quota-recount' || s.name === 'quota-recount')).toHaveLength(1);
    } finally {
      await queue.close();
    }
  });
});
