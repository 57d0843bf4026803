import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { countFiles, settledFileCount } from '../support/files-on-disk';
import { api, uploadMultipart } from '../support/http-client';
import { expectProblem } from '../support/problem';
import { rowCounts } from '../support/row-counts';
import { startTestApp, TestApp } from '../support/test-app';

const NUL = '\u0000';
const LONE_SURROGATE = '\ud800';
const cursorOf = (createdAt: string) =>
  Buffer.from(JSON.stringify([createdAt, '01a209c3-8221-7507-a25a-1c62b0c250bc'])).toString('base64url');
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

/**
 * Text PostgreSQL cannot hold (a NUL, an unpaired surrogate) and dates it cannot hold, sent where the
 * Files API takes text and dates: every one is a 400 problem naming the field, and nothing is stored.
 */
describe('Files API: hostile input (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let alice: string;
  const objectsDir = () => path.join(t.dataDir, 'files', 'objects');
  const tmpDir = () => path.join(t.dataDir, 'files', 'tmp');

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOKS_ALLOW_HTTP: 'true' });
    alice = t.tokenFor('alice');
  });
  afterAll(() => t?.close());

  /** Runs `refused`, then checks it left no row, no object and no temporary file behind. */
  async function storesNothing(refused: () => Promise<void>): Promise<void> {
    const rows = await rowCounts(t.db.url);
    const objects = await countFiles(objectsDir());
    await refused();
    expect(await rowCounts(t.db.url)).toEqual(rows);
    expect(await countFiles(objectsDir())).toBe(objects);
    expect(await settledFileCount(tmpDir())).toBe(0);
  }

  async function uploaded(fields: Record<string, string> = {}): Promise<{ id: string; description: string | null }> {
    const res = await uploadMultipart(t.baseUrl, randomBytes(32), 32, { token: alice, fields });
    expect(res.status).toBe(201);
    return res.body;
  }

  describe('list filters', () => {
    it.each(['tag', 'name', 'type'])('refuses a NUL in the %s filter with 400 naming it', async (field) => {
      const res = await api(t.baseUrl, 'GET', `/api/v1/files?${field}=a%00b`, alice);
      expectProblem(res, 400, 'invalid-text');
      expect(fieldsOf(res.body)).toEqual([field]);
    });

    it.each([
      ['createdFrom', '0000-01-01'],
      ['createdFrom', '-271821-04-20T00:00:00.000Z'],
      ['createdTo', '+275760-09-13T00:00:00.000Z'],
      ['createdTo', '99999-01-01'],
      ['createdFrom', '10000-01-01T00:00:00Z'],
    ])('refuses %s=%s, a date PostgreSQL cannot hold, with 400 naming it', async (field, date) => {
      const res = await api(t.baseUrl, 'GET', `/api/v1/files?${field}=${encodeURIComponent(date)}`, alice);
      expectProblem(res, 400, 'validation-failed');
      expect(fieldsOf(res.body)).toEqual([field]);
    });

    it('accepts the first and the last instant of the range', async () => {
      const res = await api(
        t.baseUrl,
        'GET',
        '/api/v1/files?createdFrom=0001-01-01T00:00:00Z&createdTo=9999-12-31T23:59:59.999Z',
        alice,
      );
      expect(res.status).toBe(200);
    });

    it.each(['0000-01-01T00:00:00.000Z', '-271821-04-20T00:00:00.000Z', '+275760-09-13T00:00:00.000Z'])(
      'refuses a forged cursor carrying %s on /files and on a delivery log',
      async (date) => {
        const files = await api(t.baseUrl, 'GET', `/api/v1/files?cursor=${cursorOf(date)}`, alice);
        expectProblem(files, 400, 'invalid-cursor');
        expect(fieldsOf(files.body)).toEqual(['cursor']);

        const hook = await api(t.baseUrl, 'POST', '/api/v1/webhooks', alice, {
          url: 'http://127.0.0.1:9/hook',
          events: ['file.uploaded'],
        });
        expect(hook.status).toBe(201);
        const log = await api(
          t.baseUrl,
          'GET',
          `/api/v1/webhooks/${hook.body.id}/deliveries?cursor=${cursorOf(date)}`,
          alice,
        );
        expectProblem(log, 400, 'invalid-cursor');
      },
    );
  });

  describe('metadata edits (PATCH /files/:id)', () => {
    it.each([
      ['a NUL in the description', { description: `a${NUL}b` }, 'description'],
      ['an unpaired surrogate in the description', { description: `a${LONE_SURROGATE}b` }, 'description'],
      ['an unpaired surrogate in the name', { name: `x${LONE_SURROGATE}.txt` }, 'name'],
      ['a NUL in a tag', { tags: ['ok', `b${NUL}`] }, 'tags.1'],
      ['a C1 control in a tag', { tags: ['a\u0085b'] }, 'tags'],
      ['a vertical tab in the description', { description: 'a\u000bb' }, 'description'],
      ['year 0000 as capturedAt', { capturedAt: '0000-01-01' }, 'capturedAt'],
    ])('refuses %s with 400 naming the field and changes nothing', async (_what, patch, field) => {
      const file = await uploaded({ description: 'before' });
      await storesNothing(async () => {
        const res = await api(t.baseUrl, 'PATCH', `/api/v1/files/${file.id}`, alice, patch);
        expectProblem(res, 400);
        expect(fieldsOf(res.body)).toEqual([field]);
      });
      const after = await api(t.baseUrl, 'GET', `/api/v1/files/${file.id}`, alice);
      expect(after.body).toMatchObject({ description: 'before', name: 'file.bin', tags: [], capturedAt: null });
    });

    it('keeps tabs and line breaks in a description', async () => {
      const file = await uploaded();
      const res = await api(t.baseUrl, 'PATCH', `/api/v1/files/${file.id}`, alice, {
        description: 'line one\r\n\tline two',
      });
      expect(res.status).toBe(200);
      expect(res.body.description).toBe('line one\r\n\tline two');
    });
  });

  describe('multipart uploads (POST /files)', () => {
    it('refuses a NUL in a field before the file part, storing nothing', async () => {
      await storesNothing(async () => {
        const res = await uploadMultipart(t.baseUrl, randomBytes(64), 64, {
          token: alice,
          fields: { description: `a${NUL}b` },
        });
        expectProblem(res, 400, 'invalid-text');
        expect(fieldsOf(res.body)).toEqual(['description']);
      });
    });

    it('refuses a NUL in a field after the file part, storing nothing', async () => {
      await storesNothing(async () => {
        const res = await uploadMultipart(t.baseUrl, randomBytes(64 * 1024), 64 * 1024, {
          token: alice,
          lateFields: { description: `a${NUL}b` },
        });
        expectProblem(res, 400, 'invalid-text');
        expect(fieldsOf(res.body)).toEqual(['description']);
      });
    });

    it('refuses control characters in a tag field and year 0000 as capturedAt, storing nothing', async () => {
      await storesNothing(async () => {
        const tag = await uploadMultipart(t.baseUrl, randomBytes(64), 64, {
          token: alice,
          fields: { tags: 'a\u007fb' },
        });
        expectProblem(tag, 400);
        expect(fieldsOf(tag.body)).toEqual(['tags']);
        const date = await uploadMultipart(t.baseUrl, randomBytes(64), 64, {
          token: alice,
          fields: { capturedAt: '0000-01-01T00:30:00+01:00' },
        });
        expectProblem(date, 400);
        expect(fieldsOf(date.body)).toEqual(['capturedAt']);
      });
    });

    it.each(['__proto__', 'constructor', 'hasOwnProperty'])(
      'refuses a field named %s as an unknown field, before or after the file part',
      async (name) => {
        await storesNothing(async () => {
          for (const placement of ['fields', 'lateFields'] as const) {
            const res = await uploadMultipart(t.baseUrl, randomBytes(64), 64, {
              token: alice,
              [placement]: Object.fromEntries([[name, 'x']]),
            });
            expectProblem(res, 400, 'validation-failed');
            expect(fieldsOf(res.body)).toEqual([name]);
          }
        });
      },
    );

    it('keeps a multi-line description sent as a field', async () => {
      const file = await uploaded({ description: 'first\nsecond' });
      expect(file.description).toBe('first\nsecond');
    });
  });

  describe('route parameters', () => {
    it.each(['%00', 'a%00b', `${'01a209c3-8221-7507-a25a-1c62b0c250bc'}%00`])(
      'refuses a NUL in a file id (%s) with a 4xx problem',
      async (id) => {
        const res = await api(t.baseUrl, 'GET', `/api/v1/files/${id}`, alice);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expectProblem(res, res.status);
      },
    );
  });
});
