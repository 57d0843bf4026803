import { randomBytes } from 'node:crypto';
import { sha256 } from '../support/hashing';
import { api, download, uploadMultipart } from '../support/http-client';
import { expectProblem } from '../support/problem';
import { TestApp } from '../support/test-app';
import { startFilesApp } from './files-app';

/** Whose files a caller sees, and the trash: a deleted file is hidden, kept, and can be restored. */
describe('Files API: ownership, soft delete and restore (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let admin: string;

  beforeAll(async () => {
    ({ t, alice, bob, admin } = await startFilesApp());
  });
  afterAll(() => t?.close());

  describe('ownership', () => {
    let aliceFile: string;
    beforeAll(async () => {
      const data = randomBytes(500);
      aliceFile = (await uploadMultipart(t.baseUrl, data, data.length, { token: alice, filename: 'private.txt' })).body
        .id;
      // Bob has files of his own, so an admin's list shows both owners.
      const bobs = randomBytes(500);
      const bobsUpload = await uploadMultipart(t.baseUrl, bobs, bobs.length, { token: bob, filename: 'bob.txt' });
      expect(bobsUpload.status).toBe(201);
    });

    it.each([
      ['GET', ''],
      ['GET', '/content'],
      ['PATCH', ''],
      ['DELETE', ''],
      ['POST', '/restore'],
    ])("answers 404 to another user's %s %s", async (method, suffix) => {
      const res = await api(
        t.baseUrl,
        method,
        `/api/v1/files/${aliceFile}${suffix}`,
        bob,
        method === 'PATCH' ? { name: 'x' } : undefined,
      );
      expectProblem(res, 404);
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
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${body.id}`, alice)).body).toMatchObject({
        status: 'deleted',
      });
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
});
