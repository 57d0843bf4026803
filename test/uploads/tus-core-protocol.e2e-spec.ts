import { randomBytes } from 'node:crypto';
import { TestApp } from '../support/test-app';
import { until } from '../support/until';
import {
  expectProblem,
  expectSameBytes,
  HTTP_DATE,
  OFFSET_STREAM,
  sizeOnDisk,
  startTusApp,
  streamingPatch,
  TUS,
  TusClient,
  uploadMetadata,
  UPLOADS,
  UUID,
} from './tus-raw-client';

/** The core of tus 1.0 at /api/v1/uploads: discovery, Tus-Resumable, HEAD, PATCH and the method override. */
describe('tus 1.0 core protocol at /api/v1/uploads (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let c: TusClient;
  let close: () => Promise<void>;
  beforeAll(async () => ({ t, c, close } = await startTusApp({ MAX_FILE_SIZE: '10MB' }, '8000')));
  afterAll(() => close?.());

  describe('discovery (OPTIONS)', () => {
    it.each([UPLOADS, `${UPLOADS}/0196f000-0000-7000-8000-000000000000`])(
      'answers 204 with the server capabilities on %s, without a token',
      async (target) => {
        const res = await c.send('OPTIONS', target, { tusResumable: null });
        expect(res.status).toBe(204);
        expect(res.headers['tus-resumable']).toBe(TUS);
        expect(res.headers['tus-version']).toBe('1.0.0');
        const extensions = String(res.headers['tus-extension'])
          .split(',')
          .map((e) => e.trim());
        expect(extensions).toEqual(
          expect.arrayContaining([
            'creation',
            'creation-with-upload',
            'creation-defer-length',
            'expiration',
            'checksum',
            'termination',
            'concatenation',
          ]),
        );
        expect(res.headers['tus-max-size']).toBe(String(t.config.uploads.maxSize));
        expect(t.config.uploads.maxSize).toBeLessThanOrEqual(10 * 1024 * 1024);
        expect(String(res.headers['tus-checksum-algorithm']).split(',')).toEqual(['sha1', 'md5', 'sha256']);
      },
    );
  });

  describe('Tus-Resumable, versions and authentication', () => {
    it('puts Tus-Resumable on every response, successes and errors (401, 404, 409, 412) alike', async () => {
      const u = c.user();
      const created = await c.create(u.token, { length: 10 });
      expect(created.status).toBe(201);
      expect(created.headers['tus-resumable']).toBe(TUS);
      const url = created.headers.location!;

      const head = await c.head(u.token, url);
      expect(head.status).toBe(200);
      expect(head.headers['tus-resumable']).toBe(TUS);

      const patched = await c.patch(u.token, url, 0, Buffer.from('abc'));
      expect(patched.status).toBe(204);
      expect(patched.headers['tus-resumable']).toBe(TUS);

      expectProblem(await c.create('', { length: 10 }), 401);
      const unauthenticatedHead = await c.send('HEAD', url);
      expect(unauthenticatedHead.status).toBe(401);
      expect(unauthenticatedHead.headers['tus-resumable']).toBe(TUS);

      expectProblem(
        await c.patch(u.token, `${UPLOADS}/0196f000-0000-7000-8000-ffffffffffff`, 0, Buffer.from('x')),
        404,
        'upload-not-found',
      );
      const missingHead = await c.head(u.token, `${UPLOADS}/0196f000-0000-7000-8000-ffffffffffff`);
      expect(missingHead.status).toBe(404);
      expect(missingHead.headers['tus-resumable']).toBe(TUS);
      // Not even a UUID: still just "no such upload".
      expectProblem(await c.send('DELETE', `${UPLOADS}/not-an-upload`, { token: u.token }), 404);

      expectProblem(await c.patch(u.token, url, 0, Buffer.from('abc')), 409, 'upload-offset-mismatch');
      expectProblem(
        await c.send('POST', UPLOADS, { token: u.token, tusResumable: null, headers: { 'upload-length': '1' } }),
        412,
      );

      const terminated = await c.send('DELETE', url, { token: u.token });
      expect(terminated.status).toBe(204);
      expect(terminated.headers['tus-resumable']).toBe(TUS);
    });

    it.each([
      ['missing', null],
      ['unsupported', '0.2.2'],
    ])('answers 412 with Tus-Version when Tus-Resumable is %s', async (_what, version) => {
      const u = c.user();
      const res = await c.send('POST', UPLOADS, {
        token: u.token,
        tusResumable: version,
        headers: { 'upload-length': '5' },
      });
      expectProblem(res, 412, 'unsupported-tus-version');
      expect(res.headers['tus-version']).toBe('1.0.0');
      expect(await c.count('upload_sessions', u.id)).toBe(0);

      const { url } = await c.created(u.token, { length: 5 });
      for (const method of ['HEAD', 'PATCH', 'DELETE']) {
        const other = await c.send(method, url, {
          token: u.token,
          tusResumable: version,
          headers: { 'content-type': OFFSET_STREAM, 'upload-offset': '0' },
          body: method === 'PATCH' ? Buffer.from('12345') : undefined,
        });
        expect(other.status).toBe(412);
        expect(other.headers['tus-version']).toBe('1.0.0');
      }
      expect(await c.offsetOf(u.token, url)).toBe(0);
    });

    it('answers 401 problem+json without a token, and creates nothing', async () => {
      const res = await c.create('', { length: 5, metadata: uploadMetadata({ filename: 'x.bin' }) });
      expectProblem(res, 401);
      expect(res.headers['www-authenticate']).toBe('Bearer');
      const { rows } = await c.db.query(
        "select count(*)::int as n from upload_sessions where client_metadata->>'filename' = 'x.bin'",
      );
      expect(rows[0].n).toBe(0);
    });
  });

  describe('HEAD', () => {
    it('reports offset, length, expiry and forbids caching', async () => {
      const u = c.user();
      const { url } = await c.created(u.token, { length: 50 });
      await c.patch(u.token, url, 0, randomBytes(20));
      const head = await c.head(u.token, url);
      expect(head.status).toBe(200);
      expect(head.headers['upload-offset']).toBe('20');
      expect(head.headers['upload-length']).toBe('50');
      expect(head.headers['upload-defer-length']).toBeUndefined();
      expect(head.headers['cache-control']).toBe('no-store');
      expect(head.headers['upload-expires']).toMatch(HTTP_DATE);
      expect(new Date(head.headers['upload-expires'] as string).getTime()).toBeGreaterThan(Date.now());
      expect(head.text).toBe('');
    });

    it('reports Upload-Defer-Length: 1 (and no Upload-Length) while the length is deferred', async () => {
      const u = c.user();
      const { url } = await c.created(u.token, { defer: true });
      const head = await c.head(u.token, url);
      expect(head.status).toBe(200);
      expect(head.headers['upload-defer-length']).toBe('1');
      expect(head.headers['upload-length']).toBeUndefined();
      expect(head.headers['upload-offset']).toBe('0');
    });

    it("hides another user's upload (404 on HEAD, PATCH and DELETE) but shows it to an admin", async () => {
      const owner = c.user();
      const stranger = c.user();
      const admin = c.user(['admin']);
      const { url, id } = await c.created(owner.token, { length: 10 });
      await c.patch(owner.token, url, 0, Buffer.from('hello'));

      expect((await c.head(stranger.token, url)).status).toBe(404);
      expectProblem(await c.patch(stranger.token, url, 5, Buffer.from('world')), 404, 'upload-not-found');
      expectProblem(await c.send('DELETE', url, { token: stranger.token }), 404, 'upload-not-found');

      const asAdmin = await c.head(admin.token, url);
      expect(asAdmin.status).toBe(200);
      expect(asAdmin.headers['upload-offset']).toBe('5');
      expect(asAdmin.headers['upload-length']).toBe('10');

      // The stranger changed nothing.
      expect(await c.session(id)).toMatchObject({ status: 'active', upload_offset: '5' });
      expect(await sizeOnDisk(c.stagedFile(id))).toBe(5);
    });
  });

  describe('PATCH', () => {
    it('refuses a Content-Type other than application/offset+octet-stream (415)', async () => {
      const u = c.user();
      const { url } = await c.created(u.token, { length: 10 });
      for (const type of ['application/octet-stream', 'text/plain']) {
        const res = await c.patch(u.token, url, 0, Buffer.from('0123456789'), { 'content-type': type });
        expectProblem(res, 415, 'unsupported-media-type');
      }
      const none = await c.send('PATCH', url, {
        token: u.token,
        body: Buffer.from('0123456789'),
        headers: { 'upload-offset': '0' },
      });
      expectProblem(none, 415);
      expect(await c.offsetOf(u.token, url)).toBe(0);
    });

    it('refuses a PATCH without Upload-Offset (400), or with one that is not a number', async () => {
      const u = c.user();
      const { url } = await c.created(u.token, { length: 10 });
      const missing = await c.send('PATCH', url, {
        token: u.token,
        body: Buffer.from('0123'),
        headers: { 'content-type': OFFSET_STREAM },
      });
      expectProblem(missing, 400);
      expectProblem(await c.patch(u.token, url, 0, Buffer.from('0123'), { 'upload-offset': 'zero' }), 400);
      expect(await c.offsetOf(u.token, url)).toBe(0);
    });

    it('refuses a chunk for the wrong offset (409) and keeps the offset where it was', async () => {
      const u = c.user();
      const { url, id } = await c.created(u.token, { length: 30 });
      expect((await c.patch(u.token, url, 0, Buffer.alloc(10, 1))).status).toBe(204);
      for (const wrong of [0, 5, 11, 30]) {
        const res = await c.patch(u.token, url, wrong, Buffer.alloc(5, 2));
        expectProblem(res, 409, 'upload-offset-mismatch');
      }
      expect(await c.offsetOf(u.token, url)).toBe(10);
      expect(await sizeOnDisk(c.stagedFile(id))).toBe(10);
    });

    it('completes the upload with chunks in order: X-File-Id on the last PATCH, bytes byte-exact, staging cleaned up', async () => {
      const u = c.user();
      const data = randomBytes(256 * 1024 + 13);
      const { url, id } = await c.created(u.token, {
        length: data.length,
        metadata: uploadMetadata({ filename: 'chunks.bin' }),
      });
      const chunk = 64 * 1024;
      for (let at = 0; at + chunk < data.length; at += chunk) {
        const res = await c.patch(u.token, url, at, data.subarray(at, at + chunk));
        expect(res.status).toBe(204);
        expect(res.headers['upload-offset']).toBe(String(at + chunk));
        expect(res.headers['x-file-id']).toBeUndefined();
        expect(res.headers['upload-expires']).toMatch(HTTP_DATE);
        expect(await sizeOnDisk(c.stagedFile(id))).toBe(at + chunk);
      }
      const lastAt = Math.floor(data.length / chunk) * chunk;
      const last = await c.patch(u.token, url, lastAt, data.subarray(lastAt));
      expect(last.status).toBe(204);
      expect(last.headers['upload-offset']).toBe(String(data.length));
      const fileId = last.headers['x-file-id'] as string;
      expect(fileId).toMatch(UUID);

      expectSameBytes(await c.downloaded(u.token, fileId), data);
      expect(await c.session(id)).toMatchObject({
        status: 'completed',
        file_id: fileId,
        upload_offset: String(data.length),
      });
      expect(await sizeOnDisk(c.stagedFile(id))).toBeUndefined();

      const head = await c.head(u.token, url);
      expect(head.status).toBe(200);
      expect(head.headers['upload-offset']).toBe(String(data.length));
      expect(head.headers['x-file-id']).toBe(fileId);
    });

    it('refuses a chunk longer than what is left (413) and keeps nothing of it', async () => {
      const u = c.user();
      const { url, id } = await c.created(u.token, { length: 10 });
      expectProblem(await c.patch(u.token, url, 0, randomBytes(11)), 413, 'upload-length-exceeded');
      expect(await c.offsetOf(u.token, url)).toBe(0);

      expect((await c.patch(u.token, url, 0, Buffer.from('12345'))).status).toBe(204);
      expectProblem(await c.patch(u.token, url, 5, randomBytes(6)), 413, 'upload-length-exceeded');
      expect(await c.offsetOf(u.token, url)).toBe(5);
      expect(await sizeOnDisk(c.stagedFile(id))).toBe(5);

      // Without a Content-Length the server only finds out while reading: still nothing kept.
      const chunked = await c.send('PATCH', url, {
        token: u.token,
        chunked: [Buffer.from('abc'), Buffer.from('def')],
        headers: { 'content-type': OFFSET_STREAM, 'upload-offset': '5' },
      });
      expectProblem(chunked, 413, 'upload-length-exceeded');
      expect(await c.offsetOf(u.token, url)).toBe(5);
      expect(await sizeOnDisk(c.stagedFile(id))).toBe(5);

      const last = await c.patch(u.token, url, 5, Buffer.from('67890'));
      expect(last.status).toBe(204);
      expect((await c.downloaded(u.token, last.headers['x-file-id'] as string)).toString()).toBe('1234567890');
    });

    it('lets one request write an upload at a time: a competing PATCH or DELETE answers 423, HEAD still answers', async () => {
      const u = c.user();
      const data = randomBytes(300_000);
      const { url, id } = await c.created(u.token, { length: data.length });
      const slow = streamingPatch(t.baseUrl, url, u.token, 0, data.length);
      slow.write(data.subarray(0, 1000));
      // The staged file is opened (created) under the upload's lock: once it exists, the lock is held.
      await until(
        async () => (await sizeOnDisk(c.stagedFile(id))) !== undefined,
        'the staged file to be opened',
        5_000,
      );

      expectProblem(await c.patch(u.token, url, 0, data), 423, 'upload-locked');
      expectProblem(await c.send('DELETE', url, { token: u.token }), 423, 'upload-locked');
      expect(await c.offsetOf(u.token, url)).toBe(0);

      slow.end(data.subarray(1000));
      const done = await slow.response;
      expect(done.status).toBe(204);
      expect(done.headers['upload-offset']).toBe(String(data.length));
      expectSameBytes(await c.downloaded(u.token, done.headers['x-file-id'] as string), data);
    });

    it('refuses more bytes for a completed upload (403) and leaves its file alone', async () => {
      const u = c.user();
      const data = randomBytes(20);
      const { url, id } = await c.created(u.token, { length: 20 });
      const last = await c.sendAll(u.token, url, data, 20);
      const fileId = last.headers['x-file-id'] as string;

      // At its end offset (what a confused client would send)...
      expectProblem(await c.patch(u.token, url, 20, Buffer.from('more')), 403, 'upload-not-writable');
      // ...and even resending the first chunk.
      expectProblem(await c.patch(u.token, url, 0, data), 403, 'upload-not-writable');
      expect(await c.session(id)).toMatchObject({ status: 'completed', file_id: fileId });
      expectSameBytes(await c.downloaded(u.token, fileId), data);
    });
  });

  describe('X-HTTP-Method-Override', () => {
    it('treats POST with X-HTTP-Method-Override: PATCH as a PATCH (and DELETE as DELETE)', async () => {
      const u = c.user();
      const data = randomBytes(600);
      const { url, id } = await c.created(u.token, { length: data.length });
      const first = await c.send('POST', url, {
        token: u.token,
        body: data.subarray(0, 400),
        headers: { 'x-http-method-override': 'PATCH', 'content-type': OFFSET_STREAM, 'upload-offset': '0' },
      });
      expect(first.status).toBe(204);
      expect(first.headers['upload-offset']).toBe('400');
      expect(await c.offsetOf(u.token, url)).toBe(400);

      const last = await c.send('POST', url, {
        token: u.token,
        body: data.subarray(400),
        headers: { 'x-http-method-override': 'PATCH', 'content-type': OFFSET_STREAM, 'upload-offset': '400' },
      });
      expect(last.status).toBe(204);
      expectSameBytes(await c.downloaded(u.token, last.headers['x-file-id'] as string), data);
      expect(await c.session(id)).toMatchObject({ status: 'completed' });

      const { url: other, id: otherId } = await c.created(u.token, { length: 10 });
      const deleted = await c.send('POST', other, { token: u.token, headers: { 'x-http-method-override': 'DELETE' } });
      expect(deleted.status).toBe(204);
      expect(await c.session(otherId)).toMatchObject({ status: 'aborted' });
    });
  });
});
