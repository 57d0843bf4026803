import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { countFiles, settledFileCount } from '../support/files-on-disk';
import { api, uploadMultipart } from '../support/http-client';
import { expectProblem } from '../support/problem';
import { TestApp } from '../support/test-app';
import { bigStream, startFilesApp } from './files-app';

/** Every bad request gets a 4xx problem+json and leaves nothing half-written. */
describe('Files API: bad requests (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let alice: string;
  const objectsDir = () => path.join(t.dataDir, 'files', 'objects');
  const tmpDir = () => path.join(t.dataDir, 'files', 'tmp');

  beforeAll(async () => {
    ({ t, alice } = await startFilesApp());
  });
  afterAll(() => t?.close());

  describe('bad requests get a 4xx problem and leave nothing half-written', () => {
    afterEach(async () => {
      expect(await settledFileCount(tmpDir())).toBe(0);
    });

    it('401 without a token, with an expired one, or with a forged one', async () => {
      const none = await api(t.baseUrl, 'GET', '/api/v1/files');
      expectProblem(none, 401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      expect(none.body.type).toMatch(/missing-token$/);

      const expired = await api(t.baseUrl, 'GET', '/api/v1/files', t.tokenFor('alice', ['user'], { expiresIn: -10 }));
      expect(expired.status).toBe(401);
      expect(expired.body.type).toMatch(/token-expired$/);

      const forged = await api(t.baseUrl, 'GET', '/api/v1/files', `${alice.slice(0, -4)}AAAA`);
      expect(forged.status).toBe(401);
      expect(forged.body.type).toMatch(/invalid-token$/);

      const upload = await uploadMultipart(t.baseUrl, randomBytes(10), 10, {});
      expect(upload.status).toBe(401);
    });

    it('415 for a body that is not multipart', async () => {
      const res = await api(t.baseUrl, 'POST', '/api/v1/files', alice, { file: 'nope' });
      expectProblem(res, 415);
    });

    it('400 for multipart without a file part, with two files, or cut short', async () => {
      const form = new FormData();
      form.append('name', 'x');
      const noFile = await fetch(`${t.baseUrl}/api/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}` },
        body: form,
      });
      expect(noFile.status).toBe(400);
      expect(((await noFile.json()) as { type: string }).type).toMatch(/malformed-multipart$/);

      const two = new FormData();
      two.append('file', new Blob([randomBytes(10)]), 'a');
      two.append('file', new Blob([randomBytes(10)]), 'b');
      const twoFiles = await fetch(`${t.baseUrl}/api/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}` },
        body: two,
      });
      expect(twoFiles.status).toBe(400);

      const broken = await fetch(`${t.baseUrl}/api/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'multipart/form-data; boundary=xyz' },
        body: '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
      });
      expect(broken.status).toBe(400);

      const noBoundary = await fetch(`${t.baseUrl}/api/v1/files`, {
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'multipart/form-data' },
        body: 'whatever',
      });
      expect(noBoundary.status).toBe(400);
    });

    it('400 for path-like or control-character names, unknown fields and bad metadata', async () => {
      for (const filename of ['../../etc/passwd', '..\\..\\boot.ini', 'C:\\Windows\\win.ini', '..']) {
        const res = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, filename });
        expect(res.status).toBe(400);
        expect(res.body.type).toMatch(/invalid-file-name$/);
      }
      // Control characters never get past the multipart header parser; the name rule is the second fence.
      const bell = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, filename: 'bell\u0007.txt' });
      expect(bell.status).toBe(400);
      const named = await uploadMultipart(t.baseUrl, randomBytes(10), 10, {
        token: alice,
        fields: { name: 'tab\tname' },
      });
      expect(named.status).toBe(400);
      expect(named.body.type).toMatch(/invalid-file-name$/);
      const noSuchProvider = await uploadMultipart(t.baseUrl, randomBytes(10), 10, {
        token: alice,
        fields: { provider: 'nope' },
      });
      expect(noSuchProvider.status).toBe(400);
      expect(noSuchProvider.body.type).toMatch(/unknown-storage-provider$/);
      const unknown = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, fields: { owner: 'bob' } });
      expect(unknown.status).toBe(400);
      const badDate = await uploadMultipart(t.baseUrl, randomBytes(10), 10, {
        token: alice,
        fields: { capturedAt: 'soon' },
      });
      expect(badDate.status).toBe(400);
      expect(badDate.body.errors[0].field).toBe('capturedAt');
      const badType = await uploadMultipart(t.baseUrl, randomBytes(10), 10, {
        token: alice,
        fields: { mimeType: 'not a type' },
      });
      expect(badType.status).toBe(400);
      expect(badType.body.type).toMatch(/invalid-mime-type$/);
    });

    it('413 for a file over the maximum size, streamed or declared', async () => {
      const objects = await countFiles(objectsDir());
      const size = 201 * 1024 * 1024;
      const streamed = await uploadMultipart(t.baseUrl, bigStream(size), size, { token: alice, chunked: true });
      expect(streamed.status).toBe(413);
      expect(streamed.body.type).toMatch(/file-too-large$/);
      const declared = await uploadMultipart(t.baseUrl, bigStream(size), size, { token: alice });
      expect(declared.status).toBe(413);
      expect(declared.body.type).toMatch(/file-too-large$/);
      expect(await countFiles(objectsDir())).toBe(objects);
    });

    it('404 for unknown and malformed ids', async () => {
      for (const id of ['01a209c3-8221-7507-a25a-1c62b0c250bc', 'not-a-uuid', '..%2F..%2Fetc%2Fpasswd']) {
        const res = await api(t.baseUrl, 'GET', `/api/v1/files/${id}`, alice);
        expectProblem(res, 404);
      }
    });
  });
});
