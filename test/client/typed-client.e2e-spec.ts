import {
  createFlexStorageClient,
  FlexStorageClient,
  offsetOctetStream,
  Schemas,
  uploadForm,
} from '@flexstorage/client';
import { createHash, randomBytes } from 'node:crypto';
import { WebhookReceiver } from '../webhooks/webhook-receiver';
import { expectProblem } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const TUS = { 'Tus-Resumable': '1.0.0' } as const;

/**
 * The generated client (@flexstorage/client) against the real server: every call below is checked
 * by the compiler against the OpenAPI document, and by the server at run time.
 */
describe('The typed client against the real service', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let anonymous: FlexStorageClient;
  let client: FlexStorageClient;
  let me: Schemas['UserResponse'];
  const email = `typed-${randomBytes(4).toString('hex')}@example.com`;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOKS_ALLOW_HTTP: 'true' });
    anonymous = createFlexStorageClient({ baseUrl: t.baseUrl });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  it('registers, signs in and asks who it is', async () => {
    const registered = await anonymous.POST('/api/v1/auth/register', { body: { email, password } });
    expect(registered.response.status).toBe(201);
    me = registered.data!.user;
    expect(me).toMatchObject({ email, roles: ['user'] });

    const login = await anonymous.POST('/api/v1/auth/login', { body: { email, password } });
    expect(login.data).toMatchObject({ tokenType: 'Bearer', expiresIn: expect.any(Number) });
    client = createFlexStorageClient({ baseUrl: t.baseUrl, token: login.data!.accessToken });

    const who = await client.GET('/api/v1/auth/me');
    expect(who.data).toEqual({ userId: me.id, roles: ['user'] });
  });

  it('types a refused call as a Problem', async () => {
    const wrong = await anonymous.POST('/api/v1/auth/login', { body: { email, password: 'not the password' } });
    expect(wrong.data).toBeUndefined();
    expectProblem({ status: wrong.response.status, headers: wrong.response.headers, body: wrong.error }, 401);
    const nobody = await anonymous.GET('/api/v1/files');
    expect(nobody.error?.status).toBe(401);
  });

  describe('a file, from upload to delete', () => {
    const bytes = randomBytes(48 * 1024);
    let file: Schemas['UploadResponse'];

    it('uploads it as multipart/form-data, metadata first', async () => {
      const photo = new File([bytes], 'beach.jpg', { type: 'application/x-test' });
      const uploaded = await client.POST('/api/v1/files', uploadForm({ tags: 'holiday,beach', file: photo }));
      expect(uploaded.response.status).toBe(201);
      file = uploaded.data!;
      expect(file).toMatchObject({
        name: 'beach.jpg',
        mimeType: 'application/x-test',
        size: bytes.length,
        sha256: sha256(bytes),
        tags: ['holiday', 'beach'],
        duplicate: false,
        ownerId: me.id,
      });

      const again = await client.POST('/api/v1/files', uploadForm({ file: new File([bytes], 'copy.jpg') }));
      expect(again.response.status).toBe(200);
      expect(again.data).toMatchObject({ id: file.id, duplicate: true });
    });

    it('lists it by tag and gets it by id', async () => {
      const page = await client.GET('/api/v1/files', { params: { query: { tag: 'holiday', limit: 10 } } });
      expect(page.data?.items.map((f) => f.id)).toEqual([file.id]);
      expect(page.data?.nextCursor).toBeNull();
      const none = await client.GET('/api/v1/files', { params: { query: { tag: 'work' } } });
      expect(none.data?.items).toEqual([]);

      const got = await client.GET('/api/v1/files/{id}', { params: { path: { id: file.id } } });
      expect(got.data).toMatchObject({ id: file.id, status: 'completed', category: 'other' });
    });

    it('edits its metadata', async () => {
      const patched = await client.PATCH('/api/v1/files/{id}', {
        params: { path: { id: file.id } },
        body: { name: 'sunset.jpg', description: 'the last evening', tags: ['holiday'], category: 'image' },
      });
      expect(patched.data).toMatchObject({
        name: 'sunset.jpg',
        description: 'the last evening',
        tags: ['holiday'],
        category: 'image',
      });
      const cleared = await client.PATCH('/api/v1/files/{id}', {
        params: { path: { id: file.id } },
        body: { description: null },
      });
      expect(cleared.data?.description).toBeNull();
    });

    it('downloads its bytes, whole and as a range', async () => {
      const whole = await client.GET('/api/v1/files/{id}/content', {
        params: { path: { id: file.id } },
        parseAs: 'arrayBuffer',
      });
      expect(whole.response.status).toBe(200);
      expect(whole.response.headers.get('etag')).toBe(`"${sha256(bytes)}"`);
      expect(sha256(Buffer.from(whole.data!))).toBe(sha256(bytes));

      const part = await client.GET('/api/v1/files/{id}/content', {
        params: { path: { id: file.id } },
        headers: { Range: 'bytes=100-199' },
        parseAs: 'arrayBuffer',
      });
      expect(part.response.status).toBe(206);
      expect(Buffer.from(part.data!)).toEqual(bytes.subarray(100, 200));
    });

    it('deletes it into the trash and restores it', async () => {
      const deleted = await client.DELETE('/api/v1/files/{id}', { params: { path: { id: file.id } } });
      expect(deleted.response.status).toBe(204);
      const trash = await client.GET('/api/v1/files', { params: { query: { status: 'deleted' } } });
      expect(trash.data?.items.map((f) => [f.id, f.status])).toEqual([[file.id, 'deleted']]);

      const restored = await client.POST('/api/v1/files/{id}/restore', { params: { path: { id: file.id } } });
      expect(restored.data).toMatchObject({ id: file.id, status: 'completed', deletedAt: null });
      const usage = await client.GET('/api/v1/usage');
      expect(usage.data).toMatchObject({ files: 1, bytes: bytes.length, trashFiles: 0 });
    });

    it('answers an unknown id with a typed not-found problem', async () => {
      const missing = await client.GET('/api/v1/files/{id}', {
        params: { path: { id: '01960000-0000-7000-8000-000000000000' } },
      });
      expectProblem({ status: missing.response.status, headers: missing.response.headers, body: missing.error }, 404);
    });
  });

  describe('webhooks', () => {
    it('registers an endpoint, lists it, and it receives a signed ping', async () => {
      const created = await client.POST('/api/v1/webhooks', {
        body: { url: receiver.url('/typed'), events: ['file.uploaded', 'file.deleted'] },
      });
      expect(created.response.status).toBe(201);
      const hook = created.data!;
      expect(hook).toMatchObject({
        events: ['file.uploaded', 'file.deleted'],
        active: true,
        secret: expect.any(String),
      });
      receiver.expectSecret('/typed', hook.secret);

      const listed = await client.GET('/api/v1/webhooks');
      expect(listed.data?.map((w) => w.id)).toEqual([hook.id]);
      expect(listed.data?.[0]).not.toHaveProperty('secret');

      const ping = await client.POST('/api/v1/webhooks/{id}/ping', { params: { path: { id: hook.id } } });
      expect(ping.response.status).toBe(202);
      const [delivery] = await receiver.waitFor('/typed', 1, 'ping');
      expect(delivery.signatureValid).toBe(true);

      const log = await client.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id: hook.id } } });
      expect(log.data?.items.length).toBeGreaterThanOrEqual(1);
    });
  });

  describe('a resumable upload (tus)', () => {
    it('discovers, creates, appends in two chunks, and the upload becomes a file', async () => {
      const discovery = await anonymous.OPTIONS('/api/v1/uploads');
      expect(discovery.response.status).toBe(204);
      expect(discovery.response.headers.get('tus-extension')).toContain('creation');

      const bytes = randomBytes(20_000);
      const created = await client.POST('/api/v1/uploads', {
        params: {
          header: {
            ...TUS,
            'Upload-Length': bytes.length,
            'Upload-Metadata': `filename ${base64('notes.bin')},tags ${base64('tus')}`,
          },
        },
      });
      expect(created.response.status).toBe(201);
      const id = created.response.headers.get('location')!.split('/').pop()!;

      for (const [start, end] of [
        [0, 12_000],
        [12_000, bytes.length],
      ]) {
        const appended = await client.PATCH('/api/v1/uploads/{id}', {
          params: { path: { id }, header: { ...TUS, 'Upload-Offset': start } },
          ...offsetOctetStream(new Blob([bytes.subarray(start, end)])),
        });
        expect(appended.response.status).toBe(204);
        expect(appended.response.headers.get('upload-offset')).toBe(String(end));
      }

      const status = await client.HEAD('/api/v1/uploads/{id}', { params: { path: { id }, header: TUS } });
      expect(status.response.headers.get('upload-offset')).toBe(String(bytes.length));
      const fileId = status.response.headers.get('x-file-id')!;
      const file = await client.GET('/api/v1/files/{id}', { params: { path: { id: fileId } } });
      expect(file.data).toMatchObject({ name: 'notes.bin', size: bytes.length, sha256: sha256(bytes), tags: ['tus'] });

      const ended = await client.DELETE('/api/v1/uploads/{id}', { params: { path: { id }, header: TUS } });
      expect(ended.response.status).toBe(204);
    });
  });
});
