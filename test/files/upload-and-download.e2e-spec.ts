import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { countFiles, settledFileCount } from '../support/files-on-disk';
import { sha256 } from '../support/hashing';
import { api, download, uploadMultipart } from '../support/http-client';
import { expectProblem } from '../support/problem';
import { TestApp } from '../support/test-app';
import { bigStream, startFilesApp } from './files-app';

/**
 * Multipart upload and download of files: bytes, ranges and fields, and deduplication by SHA-256 with declared
 * checksums.
 */
describe('Files API: upload and download (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  const objectsDir = () => path.join(t.dataDir, 'files', 'objects');
  const tmpDir = () => path.join(t.dataDir, 'files', 'tmp');

  beforeAll(async () => {
    ({ t, alice, bob } = await startFilesApp());
  });
  afterAll(() => t?.close());

  describe('upload and download', () => {
    it('stores a file and gives back the same bytes, with its SHA-256 as ETag', async () => {
      const data = randomBytes(300_000);
      const up = await uploadMultipart(t.baseUrl, data, data.length, {
        token: alice,
        filename: 'holiday photo.jpg',
        contentType: 'image/jpeg',
        fields: { tags: 'beach,2026', description: 'Sea', capturedAt: '2026-07-01T10:00:00Z' },
      });
      expect(up.status).toBe(201);
      expect(up.headers.location).toBe(`/api/v1/files/${up.body.id}`);
      expect(up.body).toMatchObject({
        name: 'holiday photo.jpg',
        mimeType: 'image/jpeg',
        category: 'image',
        size: data.length,
        sha256: sha256(data),
        status: 'completed',
        tags: ['beach', '2026'],
        description: 'Sea',
        capturedAt: '2026-07-01T10:00:00.000Z',
        duplicate: false,
        ownerId: 'alice',
        providerId: 'local-fs',
      });

      const meta = await api(t.baseUrl, 'GET', `/api/v1/files/${up.body.id}`, alice);
      expect(meta.status).toBe(200);
      expect(meta.body.sha256).toBe(sha256(data));

      const got = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(sha256(data));
      expect(got.headers.etag).toBe(`"${sha256(data)}"`);
      expect(got.headers['content-length']).toBe(String(data.length));
      expect(got.headers['content-type']).toBe('image/jpeg');
      expect(got.headers['content-disposition']).toBe('attachment; filename="holiday photo.jpg"');

      const cached = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice, {
        'if-none-match': `"${sha256(data)}"`,
      });
      expect(cached.status).toBe(304);
      expect(cached.size).toBe(0);
    });

    it('accepts an empty file', async () => {
      const up = await uploadMultipart(t.baseUrl, Buffer.alloc(0), 0, {
        token: alice,
        filename: 'empty.txt',
        contentType: 'text/plain',
      });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)), category: 'document' });
      const got = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice);
      expect(got).toMatchObject({ status: 200, size: 0 });
    });

    it('round-trips a file larger than 100 MB byte for byte through each provider', async () => {
      for (const provider of ['local-fs', 'database']) {
        const size = 101 * 1024 * 1024 + 7;
        const up = await uploadMultipart(t.baseUrl, bigStream(size), size, {
          token: alice,
          filename: `big-${provider}.bin`,
          fields: { provider },
        });
        expect(up.status).toBe(201);
        expect(up.body).toMatchObject({ size, sha256: up.sentSha256, providerId: provider });
        const got = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice);
        expect(got.size).toBe(size);
        expect(got.sha256).toBe(up.sentSha256);
      }
    });

    it('serves byte ranges (206) and refuses unsatisfiable ones (416)', async () => {
      const data = randomBytes(10_000);
      const { body } = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'r.bin' });
      const url = `/api/v1/files/${body.id}/content`;

      const first = await download(t.baseUrl, url, alice, { range: 'bytes=0-9' });
      expect(first.status).toBe(206);
      expect(first.headers['content-range']).toBe('bytes 0-9/10000');
      expect(first.bytes).toEqual(data.subarray(0, 10));

      const middle = await download(t.baseUrl, url, alice, { range: 'bytes=4000-5999' });
      expect(middle.bytes).toEqual(data.subarray(4000, 6000));

      const suffix = await download(t.baseUrl, url, alice, { range: 'bytes=-5' });
      expect(suffix.headers['content-range']).toBe('bytes 9995-9999/10000');
      expect(suffix.bytes).toEqual(data.subarray(9995));

      const open = await download(t.baseUrl, url, alice, { range: 'bytes=9990-' });
      expect(open.bytes).toEqual(data.subarray(9990));

      const beyond = await api(t.baseUrl, 'GET', url, alice, undefined, { range: 'bytes=20000-30000' });
      expectProblem(beyond, 416);
      expect(beyond.headers['content-range']).toBe('bytes */10000');

      const staleIfRange = await download(t.baseUrl, url, alice, { range: 'bytes=0-9', 'if-range': '"other"' });
      expect(staleIfRange.status).toBe(200);
      expect(staleIfRange.size).toBe(10_000);
    });

    it('applies metadata fields sent after the file part', async () => {
      const data = randomBytes(1000);
      const up = await uploadMultipart(t.baseUrl, data, data.length, {
        token: alice,
        filename: 'late.bin',
        lateFields: { tags: 'late', description: 'after' },
      });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ tags: ['late'], description: 'after' });
    });

    it('refuses an invalid field after the file part and keeps nothing', async () => {
      const objects = await countFiles(objectsDir());
      const before = (await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', alice)).body.items.length;
      const data = randomBytes(5000);
      const res = await uploadMultipart(t.baseUrl, data, data.length, {
        token: alice,
        filename: 'late-bad.bin',
        lateFields: { category: 'bogus' },
      });
      expect(res.status).toBe(400);
      expect(res.body.type).toMatch(/invalid-category$/);
      expect(await countFiles(objectsDir())).toBe(objects);
      expect((await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', alice)).body.items.length).toBe(before);
      // A retry with the same bytes is a fresh upload, not a duplicate of a half-kept file.
      const retry = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'late-bad.bin' });
      expect(retry.status).toBe(201);
    });

    it('treats empty fields as not given, as forms and Swagger UI send them', async () => {
      const res = await uploadMultipart(t.baseUrl, randomBytes(300), 300, {
        token: alice,
        filename: 'hello.txt',
        contentType: 'text/plain',
        fields: {
          name: '',
          mimeType: '',
          category: '',
          capturedAt: '',
          sha256: '',
          provider: '',
          entityType: '',
          entityId: '',
          description: '',
        },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        name: 'hello.txt',
        mimeType: 'text/plain',
        category: 'document',
        capturedAt: null,
        description: null,
      });
    });
  });

  describe('deduplication and checksums', () => {
    it('answers 200 with the existing file when the owner uploads the same bytes again, and keeps one copy', async () => {
      const data = randomBytes(50_000);
      const first = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'a.bin' });
      const objects = await countFiles(objectsDir());
      const again = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'b.bin' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: first.body.id, duplicate: true, name: 'a.bin' });
      expect(await countFiles(objectsDir())).toBe(objects);

      const otherOwner = await uploadMultipart(t.baseUrl, data, data.length, { token: bob, filename: 'a.bin' });
      expect(otherOwner.status).toBe(201);
      expect(otherOwner.body.id).not.toBe(first.body.id);
    });

    it('keeps exactly one copy when the same bytes are uploaded concurrently', async () => {
      const data = randomBytes(200_000);
      const objects = await countFiles(objectsDir());
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          uploadMultipart(t.baseUrl, data, data.length, { token: t.tokenFor('racer'), filename: `race-${i}.bin` }),
        ),
      );
      const created = results.filter((r) => r.status === 201);
      const duplicates = results.filter((r) => r.status === 200);
      expect(created).toHaveLength(1);
      expect(duplicates).toHaveLength(5);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      expect(duplicates.every((r) => r.body.duplicate === true)).toBe(true);
      expect(await countFiles(objectsDir())).toBe(objects + 1);
    });

    it('stores the file when the declared SHA-256 matches (header or field, hex or base64)', async () => {
      const data = randomBytes(2048);
      const hex = sha256(data);
      const viaHeader = await uploadMultipart(t.baseUrl, data, data.length, {
        token: alice,
        headers: { 'x-content-sha256': hex },
      });
      expect(viaHeader.status).toBe(201);
      const data2 = randomBytes(2048);
      const b64 = Buffer.from(sha256(data2), 'hex').toString('base64');
      const viaField = await uploadMultipart(t.baseUrl, data2, data2.length, { token: alice, fields: { sha256: b64 } });
      expect(viaField.status).toBe(201);
      expect(viaField.body.sha256).toBe(sha256(data2));
    });

    it('refuses a checksum mismatch with 400 and leaves nothing behind', async () => {
      const objects = await countFiles(objectsDir());
      const before = await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', alice);
      const data = randomBytes(100_000);
      const res = await uploadMultipart(t.baseUrl, data, data.length, {
        token: alice,
        headers: { 'x-content-sha256': sha256(Buffer.from('other')) },
      });
      expectProblem(res, 400);
      expect(res.body.type).toMatch(/checksum-mismatch$/);
      expect(await countFiles(objectsDir())).toBe(objects);
      expect(await settledFileCount(tmpDir())).toBe(0);
      const after = await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', alice);
      expect(after.body.items.length).toBe(before.body.items.length);
    });

    it('refuses a malformed declared SHA-256 before reading the body', async () => {
      const res = await uploadMultipart(t.baseUrl, randomBytes(10), 10, {
        token: alice,
        headers: { 'x-content-sha256': 'abc' },
      });
      expect(res.status).toBe(400);
      expect(res.body.type).toMatch(/invalid-sha256$/);
    });
  });
});
