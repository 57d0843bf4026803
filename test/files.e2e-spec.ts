import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { api, download, sha256, uploadMultipart } from './support/http-client';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = /^application\/problem\+json/;

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

/**
 * Temporary files left once in-flight writes settle. Background jobs of the same app (thumbnails of
 * the images uploaded here) write through tmp/ too, so a file seen there for a moment is not a leak;
 * one that stays is.
 */
async function settledTempFiles(dir: string, waitMs = 15_000): Promise<number> {
  const deadline = Date.now() + waitMs;
  let count = await countFiles(dir);
  while (count > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    count = await countFiles(dir);
  }
  return count;
}

describe('Files API (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let admin: string;
  const objectsDir = () => path.join(t.dataDir, 'files', 'objects');
  const tmpDir = () => path.join(t.dataDir, 'files', 'tmp');

  beforeAll(async () => {
    t = await startTestApp({ MAX_FILE_SIZE: '200MiB' });
    alice = t.tokenFor('alice');
    bob = t.tokenFor('bob');
    admin = t.tokenFor('root', ['admin']);
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

      const cached = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice, { 'if-none-match': `"${sha256(data)}"` });
      expect(cached.status).toBe(304);
      expect(cached.size).toBe(0);
    });

    it('accepts an empty file', async () => {
      const up = await uploadMultipart(t.baseUrl, Buffer.alloc(0), 0, { token: alice, filename: 'empty.txt', contentType: 'text/plain' });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ size: 0, sha256: sha256(Buffer.alloc(0)), category: 'document' });
      const got = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice);
      expect(got).toMatchObject({ status: 200, size: 0 });
    });

    it('round-trips a file larger than 100 MB byte for byte through each provider', async () => {
      for (const provider of ['local-fs', 'database']) {
        const size = 101 * 1024 * 1024 + 7;
        const up = await uploadMultipart(t.baseUrl, bigStream(size), size, { token: alice, filename: `big-${provider}.bin`, fields: { provider } });
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
      expect(beyond.status).toBe(416);
      expect(beyond.headers['content-type']).toMatch(PROBLEM);
      expect(beyond.headers['content-range']).toBe('bytes */10000');

      const staleIfRange = await download(t.baseUrl, url, alice, { range: 'bytes=0-9', 'if-range': '"other"' });
      expect(staleIfRange.status).toBe(200);
      expect(staleIfRange.size).toBe(10_000);
    });

    it('applies metadata fields sent after the file part', async () => {
      const data = randomBytes(1000);
      const up = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'late.bin', lateFields: { tags: 'late', description: 'after' } });
      expect(up.status).toBe(201);
      expect(up.body).toMatchObject({ tags: ['late'], description: 'after' });
    });

    it('refuses an invalid field after the file part and keeps nothing', async () => {
      const objects = await countFiles(objectsDir());
      const before = (await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', alice)).body.items.length;
      const data = randomBytes(5000);
      const res = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'late-bad.bin', lateFields: { category: 'bogus' } });
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
        fields: { name: '', mimeType: '', category: '', capturedAt: '', sha256: '', provider: '', entityType: '', entityId: '', description: '' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'hello.txt', mimeType: 'text/plain', category: 'document', capturedAt: null, description: null });
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
        Array.from({ length: 6 }, (_, i) => uploadMultipart(t.baseUrl, data, data.length, { token: t.tokenFor('racer'), filename: `race-${i}.bin` })),
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
      const viaHeader = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, headers: { 'x-content-sha256': hex } });
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
      const res = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, headers: { 'x-content-sha256': sha256(Buffer.from('other')) } });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.type).toMatch(/checksum-mismatch$/);
      expect(await countFiles(objectsDir())).toBe(objects);
      expect(await settledTempFiles(tmpDir())).toBe(0);
      const after = await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', alice);
      expect(after.body.items.length).toBe(before.body.items.length);
    });

    it('refuses a malformed declared SHA-256 before reading the body', async () => {
      const res = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, headers: { 'x-content-sha256': 'abc' } });
      expect(res.status).toBe(400);
      expect(res.body.type).toMatch(/invalid-sha256$/);
    });
  });

  describe('ownership', () => {
    let aliceFile: string;
    beforeAll(async () => {
      const data = randomBytes(500);
      aliceFile = (await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'private.txt' })).body.id;
    });

    it.each([
      ['GET', ''],
      ['GET', '/content'],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/restore'],
    ])("answers 404 to another user's %s %s", async (method, suffix) => {
      const res = await api(t.baseUrl, method, `/api/v1/files/${aliceFile}${suffix}`, bob, method === 'PATCH' ? { name: 'x' } : undefined);
      expect(res.status).toBe(404);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      const still = await api(t.baseUrl, 'GET', `/api/v1/files/${aliceFile}`, alice);
      expect(still.body).toMatchObject({ status: 'completed', name: 'private.txt' });
    });

    it("lists only the caller's files; an admin may see everyone's", async () => {
      const bobs = await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', bob);
      expect(bobs.body.items.every((f: { ownerId: string }) => f.ownerId === 'bob')).toBe(true);
      const bobAll = await api(t.baseUrl, 'GET', '/api/v1/files?limit=200&all=true', bob);
      expect(bobAll.body.items.every((f: { ownerId: string }) => f.ownerId === 'bob')).toBe(true);
      const all = await api(t.baseUrl, 'GET', '/api/v1/files?limit=200&all=true', admin);
      const owners = new Set(all.body.items.map((f: { ownerId: string }) => f.ownerId));
      expect(owners.has('alice') && owners.has('bob')).toBe(true);
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${aliceFile}`, admin)).status).toBe(200);
    });
  });

  describe('soft delete and restore', () => {
    it('hides a deleted file, keeps its bytes, and brings it back on restore', async () => {
      const data = randomBytes(4096);
      const { body } = await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'trash.bin' });
      expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${body.id}`, alice)).status).toBe(204);
      expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${body.id}`, alice)).status).toBe(204);

      const listed = await api(t.baseUrl, 'GET', '/api/v1/files?limit=200', alice);
      expect(listed.body.items.map((f: { id: string }) => f.id)).not.toContain(body.id);
      const trash = await api(t.baseUrl, 'GET', '/api/v1/files?status=deleted', alice);
      expect(trash.body.items.map((f: { id: string }) => f.id)).toContain(body.id);
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${body.id}`, alice)).body).toMatchObject({ status: 'deleted' });
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${body.id}/content`, alice)).status).toBe(404);

      const restored = await api(t.baseUrl, 'POST', `/api/v1/files/${body.id}/restore`, alice);
      expect(restored.status).toBe(200);
      expect(restored.body).toMatchObject({ status: 'completed', deletedAt: null });
      expect((await download(t.baseUrl, `/api/v1/files/${body.id}/content`, alice)).sha256).toBe(sha256(data));

      const twice = await api(t.baseUrl, 'POST', `/api/v1/files/${body.id}/restore`, alice);
      expect(twice.status).toBe(409);
    });

    it('lets the same bytes be uploaded anew after a delete', async () => {
      const data = randomBytes(1234);
      const first = await uploadMultipart(t.baseUrl, data, data.length, { token: alice });
      await api(t.baseUrl, 'DELETE', `/api/v1/files/${first.body.id}`, alice);
      const second = await uploadMultipart(t.baseUrl, data, data.length, { token: alice });
      expect(second.status).toBe(201);
      expect(second.body.id).not.toBe(first.body.id);
      // Restoring the old one now would make two live copies: refused.
      const restore = await api(t.baseUrl, 'POST', `/api/v1/files/${first.body.id}/restore`, alice);
      expect(restore.status).toBe(409);
    });
  });

  describe('metadata and listing', () => {
    it('edits metadata and validates it', async () => {
      const { body } = await uploadMultipart(t.baseUrl, randomBytes(100), 100, { token: alice, filename: 'x.bin' });
      const ok = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, { name: 'renamed.pdf', mimeType: 'application/pdf', tags: ['a'], entityType: 'order', entityId: '42' });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'renamed.pdf', mimeType: 'application/pdf', category: 'document', tags: ['a'], entityType: 'order', entityId: '42' });

      const traversal = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, { name: '../../etc/passwd' });
      expect(traversal.status).toBe(400);
      expect(traversal.body.errors[0].field).toBe('name');

      const unknown = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, { owner: 'bob' });
      expect(unknown.status).toBe(400);
      expect(unknown.headers['content-type']).toMatch(PROBLEM);

      const badJson = await fetch(`${t.baseUrl}/api/v1/files/${body.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: '{"name": ',
      });
      expect(badJson.status).toBe(400);
      expect(badJson.headers.get('content-type')).toMatch(PROBLEM);

      const huge = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, { description: 'x'.repeat(2 * 1024 * 1024) });
      expect(huge.status).toBe(413);
      expect(huge.headers['content-type']).toMatch(PROBLEM);
      expect(huge.body.type).toMatch(/body-too-large$/);
    });

    it('pages with a cursor and filters by tag, category, type, name and date', async () => {
      const bearer = t.tokenFor('lister');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await uploadMultipart(t.baseUrl, randomBytes(64), 64, {
          token: bearer,
          filename: `doc-${i}.${i % 2 ? 'png' : 'txt'}`,
          contentType: i % 2 ? 'image/png' : 'text/plain',
          fields: { tags: i < 2 ? 'red' : 'blue' },
        });
        ids.push(res.body.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api<{ items: { id: string }[]; nextCursor: string | null }>(
          t.baseUrl, 'GET', `/api/v1/files?limit=2${cursor ? `&cursor=${cursor}` : ''}`, bearer,
        );
        expect(page.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.body.items.map((f) => f.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(seen).toEqual([...ids].reverse());

      const byTag = await api(t.baseUrl, 'GET', '/api/v1/files?tag=red', bearer);
      expect(byTag.body.items.map((f: { id: string }) => f.id).sort()).toEqual(ids.slice(0, 2).sort());
      const images = await api(t.baseUrl, 'GET', '/api/v1/files?category=image', bearer);
      expect(images.body.items).toHaveLength(2);
      const byType = await api(t.baseUrl, 'GET', '/api/v1/files?type=text/plain', bearer);
      expect(byType.body.items).toHaveLength(3);
      const byName = await api(t.baseUrl, 'GET', '/api/v1/files?name=DOC-3', bearer);
      expect(byName.body.items.map((f: { name: string }) => f.name)).toEqual(['doc-3.png']);
      const future = await api(t.baseUrl, 'GET', `/api/v1/files?createdFrom=${new Date(Date.now() + 60_000).toISOString()}`, bearer);
      expect(future.body.items).toHaveLength(0);
      const wildcard = await api(t.baseUrl, 'GET', '/api/v1/files?name=%25', bearer);
      expect(wildcard.body.items).toHaveLength(0);
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=abc', 'limit'],
      ['category=weird', 'category'],
      ['createdFrom=yesterday', 'createdFrom'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
    ])('refuses a bad query (%s) with field errors', async (query, field) => {
      const res = await api(t.baseUrl, 'GET', `/api/v1/files?${query}`, alice);
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(PROBLEM);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });

  describe('bad requests get a 4xx problem and leave nothing half-written', () => {
    afterEach(async () => {
      expect(await settledTempFiles(tmpDir())).toBe(0);
    });

    it('401 without a token, with an expired one, or with a forged one', async () => {
      const none = await api(t.baseUrl, 'GET', '/api/v1/files');
      expect(none.status).toBe(401);
      expect(none.headers['content-type']).toMatch(PROBLEM);
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
      expect(res.status).toBe(415);
      expect(res.headers['content-type']).toMatch(PROBLEM);
    });

    it('400 for multipart without a file part, with two files, or cut short', async () => {
      const form = new FormData();
      form.append('name', 'x');
      const noFile = await fetch(`${t.baseUrl}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${alice}` }, body: form });
      expect(noFile.status).toBe(400);
      expect(((await noFile.json()) as { type: string }).type).toMatch(/malformed-multipart$/);

      const two = new FormData();
      two.append('file', new Blob([randomBytes(10)]), 'a');
      two.append('file', new Blob([randomBytes(10)]), 'b');
      const twoFiles = await fetch(`${t.baseUrl}/api/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${alice}` }, body: two });
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
      const named = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, fields: { name: 'tab\tname' } });
      expect(named.status).toBe(400);
      expect(named.body.type).toMatch(/invalid-file-name$/);
      const noSuchProvider = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, fields: { provider: 'nope' } });
      expect(noSuchProvider.status).toBe(400);
      expect(noSuchProvider.body.type).toMatch(/unknown-storage-provider$/);
      const unknown = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, fields: { owner: 'bob' } });
      expect(unknown.status).toBe(400);
      const badDate = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, fields: { capturedAt: 'soon' } });
      expect(badDate.status).toBe(400);
      expect(badDate.body.errors[0].field).toBe('capturedAt');
      const badType = await uploadMultipart(t.baseUrl, randomBytes(10), 10, { token: alice, fields: { mimeType: 'not a type' } });
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
        expect(res.status).toBe(404);
        expect(res.headers['content-type']).toMatch(PROBLEM);
      }
    });
  });
});

function* bigStream(size: number): Generator<Buffer> {
  const block = randomBytes(1024 * 1024);
  let left = size;
  let i = 0;
  while (left > 0) {
    const n = Math.min(block.length, left);
    const chunk = Buffer.from(block.subarray(0, n));
    chunk.writeUInt32BE(i++ >>> 0, 0); // vary each block so the content is not periodic
    yield chunk;
    left -= n;
  }
}
