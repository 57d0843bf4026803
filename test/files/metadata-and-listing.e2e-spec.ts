import { randomBytes } from 'node:crypto';
import { api, uploadMultipart } from '../support/http-client';
import { expectProblem, PROBLEM_JSON } from '../support/problem';
import { TestApp } from '../support/test-app';
import { startFilesApp } from './files-app';

/** Editing a file's metadata, and listing files with a cursor and filters. */
describe('Files API: metadata and listing (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let alice: string;

  beforeAll(async () => {
    ({ t, alice } = await startFilesApp());
  });
  afterAll(() => t?.close());

  describe('metadata and listing', () => {
    it('edits metadata and validates it', async () => {
      const { body } = await uploadMultipart(t.baseUrl, randomBytes(100), 100, { token: alice, filename: 'x.bin' });
      const ok = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, {
        name: 'renamed.pdf',
        mimeType: 'application/pdf',
        tags: ['a'],
        entityType: 'order',
        entityId: '42',
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({
        name: 'renamed.pdf',
        mimeType: 'application/pdf',
        category: 'document',
        tags: ['a'],
        entityType: 'order',
        entityId: '42',
      });

      const traversal = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, { name: '../../etc/passwd' });
      expect(traversal.status).toBe(400);
      expect(traversal.body.errors[0].field).toBe('name');

      const unknown = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, { owner: 'bob' });
      expectProblem(unknown, 400);

      const badJson = await fetch(`${t.baseUrl}/api/v1/files/${body.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${alice}`, 'content-type': 'application/json' },
        body: '{"name": ',
      });
      expect(badJson.status).toBe(400);
      expect(badJson.headers.get('content-type')).toMatch(PROBLEM_JSON);

      const huge = await api(t.baseUrl, 'PATCH', `/api/v1/files/${body.id}`, alice, {
        description: 'x'.repeat(2 * 1024 * 1024),
      });
      expectProblem(huge, 413);
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
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api<{
          items: { id: string }[];
          nextCursor: string | null;
        }>(t.baseUrl, 'GET', `/api/v1/files?limit=2${cursor ? `&cursor=${cursor}` : ''}`, bearer);
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
      const future = await api(
        t.baseUrl,
        'GET',
        `/api/v1/files?createdFrom=${new Date(Date.now() + 60_000).toISOString()}`,
        bearer,
      );
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
      expectProblem(res, 400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    });
  });
});
