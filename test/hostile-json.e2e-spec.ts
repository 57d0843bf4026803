import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { api, uploadMultipart } from './support/http-client';
import { expectProblem, expectProblemResponse } from './support/problem';
import { rowCounts } from './support/row-counts';
import { startTestApp, TestApp } from './support/test-app';

const SOME_ID = '01a209c3-8221-7507-a25a-1c62b0c250bc';
const PASSWORD = 'correct horse battery staple';
const fieldsOf = (body: { errors?: { field: string }[] }) => (body.errors ?? []).map((e) => e.field);

/** A raw JSON text, sent as it is (JSON.stringify could not even build 60,000 levels). */
function post(t: TestApp, path: string, text: string, headers: Record<string, string> = {}, method = 'POST') {
  return fetch(t.baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: text,
  });
}

/**
 * What a JSON body may be: nested at most 64 levels, at most MAX_JSON_BODY bytes, UTF-8, and made
 * of text PostgreSQL can hold; a field left out is left out, and null is only for fields that say
 * they clear. Everything else is a 4xx problem before a guard, pipe or handler runs, storing nothing.
 */
describe('JSON bodies: hostile input (e2e, real PostgreSQL and Redis)', () => {
  let t: TestApp;
  let alice: string;

  beforeAll(async () => {
    t = await startTestApp({ WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true', WEBHOOKS_ALLOW_HTTP: 'true' });
    alice = t.tokenFor('alice');
  });
  afterAll(() => t?.close());

  /** Every operation of the OpenAPI document that takes a body, its path parameters filled in. */
  async function routesWithBodies(): Promise<{ method: string; path: string }[]> {
    const doc = (await (await fetch(`${t.baseUrl}/docs-json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    return Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['post', 'patch', 'put'].includes(m))
        .map((m) => ({ method: m.toUpperCase(), path: path.replace(/\{[^}]+\}/g, SOME_ID) })),
    );
  }

  describe('nesting depth', () => {
    const deepArrays = '['.repeat(60_000) + ']'.repeat(60_000);
    const deepObjects = '{"a":'.repeat(60_000) + '1' + '}'.repeat(60_000);

    it('refuses 60,000 levels of arrays or objects on every route with a body, without a token, as json-too-deep', async () => {
      const routes = await routesWithBodies();
      expect(routes.map((r) => r.path)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/webhooks']));
      for (const { method, path } of routes) {
        for (const body of [deepArrays, deepObjects]) {
          const res = await post(t, path, body, {}, method);
          await expectProblemResponse(res, 400, 'json-too-deep');
        }
      }
    });

    it('reads 64 levels and refuses 65', async () => {
      const nested = (levels: number) => `{"email":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)},"password":"x"}`;
      const at64 = await post(t, '/api/v1/auth/login', nested(64));
      await expectProblemResponse(at64, 400, 'validation-failed');
      const at65 = await post(t, '/api/v1/auth/login', nested(65));
      await expectProblemResponse(at65, 400, 'json-too-deep');
    });

    it('does not count brackets inside strings, escaped quotes included', async () => {
      const email = `${'['.repeat(500)}\\"${'{'.repeat(500)}@x.io`;
      const res = await post(t, '/api/v1/auth/login', `{"email":"${email}","password":"x"}`);
      await expectProblemResponse(res, 400, 'validation-failed');
    });
  });

  describe('size, syntax, media type and encoding', () => {
    it('answers 413 body-too-large above MAX_JSON_BODY (1 MiB unless configured)', async () => {
      expect(t.config.maxJsonBodyBytes).toBe(1024 * 1024);
      const res = await post(
        t,
        '/api/v1/auth/login',
        JSON.stringify({ email: 'a'.repeat(1024 * 1024), password: 'x' }),
      );
      await expectProblemResponse(res, 413, 'body-too-large');
    });

    it('answers malformed JSON with 400 malformed-json', async () => {
      for (const text of ['{"email": ', '{bad}', '[1,]', '"\\x"']) {
        await expectProblemResponse(await post(t, '/api/v1/auth/login', text), 400, 'malformed-json');
      }
    });

    it('answers a charset other than UTF-8 or an unknown content coding with 415', async () => {
      for (const charset of ['latin1', 'utf-16le', 'utf-7']) {
        const res = await post(t, '/api/v1/auth/login', '{}', {
          'content-type': `application/json; charset=${charset}`,
        });
        await expectProblemResponse(res, 415, 'unsupported-media-type');
      }
      const coded = await post(t, '/api/v1/auth/login', '{}', { 'content-encoding': 'compress-me' });
      await expectProblemResponse(coded, 415, 'unsupported-media-type');
    });

    it('reads a gzip body, and answers one that does not inflate with 400 malformed-body', async () => {
      const good = await fetch(`${t.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipSync(JSON.stringify({ email: 'nobody@example.com', password: PASSWORD })),
      });
      await expectProblemResponse(good, 401);
      for (const encoding of ['gzip', 'br', 'deflate']) {
        const res = await post(t, '/api/v1/auth/login', '{}', { 'content-encoding': encoding });
        await expectProblemResponse(res, 400, 'malformed-body');
      }
    });

    it('answers a body that is not JSON on a JSON route with a 400 problem', async () => {
      for (const type of ['text/plain', 'application/xml']) {
        const res = await post(t, '/api/v1/auth/login', '{"email":"a@b.io","password":"x"}', { 'content-type': type });
        await expectProblemResponse(res, 400, 'validation-failed');
      }
    });
  });

  describe('text PostgreSQL cannot hold', () => {
    it.each(['/api/v1/auth/login', '/api/v1/auth/register'])(
      'refuses an email with an unpaired surrogate on %s, storing nothing',
      async (path) => {
        const rows = await rowCounts(t.db.url);
        const res = await post(t, path, `{"email":"\\ud800@x.io","password":"${PASSWORD}"}`);
        const body = (await res.clone().json()) as { errors?: { field: string }[] };
        await expectProblemResponse(res, 400, 'invalid-text');
        expect(fieldsOf(body)).toEqual(['email']);
        expect(await rowCounts(t.db.url)).toEqual(rows);
      },
    );

    it('refuses a NUL at any depth, in a value or in a key, naming where it is', async () => {
      const rows = await rowCounts(t.db.url);
      const inArray = await api(t.baseUrl, 'POST', '/api/v1/webhooks', alice, {
        url: 'http://127.0.0.1:9/hook',
        events: ['file.uploaded', 'file.\u0000'],
      });
      expectProblem(inArray, 400, 'invalid-text');
      expect(fieldsOf(inArray.body)).toEqual(['events.1']);
      const inKey = await post(t, '/api/v1/auth/register', '{"email":"a@b.io","password":"x","\\u0000":1}');
      await expectProblemResponse(inKey, 400, 'invalid-text');
      expect(await rowCounts(t.db.url)).toEqual(rows);
    });

    it('refuses a lone surrogate in a password too: it could never be typed again', async () => {
      const res = await post(t, '/api/v1/auth/register', `{"email":"pw@x.io","password":"${PASSWORD}\\udc00"}`);
      await expectProblemResponse(res, 400, 'invalid-text');
    });
  });

  describe('null where a field is optional', () => {
    let hookId: string;
    let fileId: string;
    beforeAll(async () => {
      const hook = await api(t.baseUrl, 'POST', '/api/v1/webhooks', alice, {
        url: 'http://127.0.0.1:9/hook',
        events: ['file.uploaded'],
      });
      hookId = hook.body.id;
      const file = await uploadMultipart(t.baseUrl, randomBytes(16), 16, { token: alice, fields: { tags: 'a' } });
      fileId = file.body.id;
    });

    it('refuses "secret": null when registering a webhook with 400 naming it, storing nothing', async () => {
      const rows = await rowCounts(t.db.url);
      const res = await api(t.baseUrl, 'POST', '/api/v1/webhooks', alice, {
        url: 'http://127.0.0.1:9/hook',
        events: ['file.uploaded'],
        secret: null,
      });
      expectProblem(res, 400, 'validation-failed');
      expect(fieldsOf(res.body)).toContain('secret');
      expect(await rowCounts(t.db.url)).toEqual(rows);
    });

    it.each([
      ['PATCH', '/api/v1/webhooks/:hook', { url: null }, 'url'],
      ['PATCH', '/api/v1/webhooks/:hook', { events: null }, 'events'],
      ['PATCH', '/api/v1/webhooks/:hook', { active: null }, 'active'],
      ['POST', '/api/v1/webhooks/:hook/rotate-secret', { secret: null }, 'secret'],
      ['PATCH', '/api/v1/files/:file', { name: null }, 'name'],
      ['PATCH', '/api/v1/files/:file', { mimeType: null }, 'mimeType'],
      ['PATCH', '/api/v1/files/:file', { category: null }, 'category'],
      ['PATCH', '/api/v1/files/:file', { tags: null }, 'tags'],
      ['POST', '/api/v1/files/:file/retrievals', { tier: 'standard', days: null }, 'days'],
      ['POST', '/api/v1/files/:file/relocations', { provider: 'database', tier: null }, 'tier'],
    ])('refuses %s %s with %j: 400 naming the field', async (method, path, body, field) => {
      const rows = await rowCounts(t.db.url);
      const res = await api(t.baseUrl, method, path.replace(':hook', hookId).replace(':file', fileId), alice, body);
      expectProblem(res, 400, 'validation-failed');
      expect(fieldsOf(res.body)).toContain(field);
      expect(await rowCounts(t.db.url)).toEqual(rows);
    });

    it('refuses null for an admin diagnostic job option', async () => {
      const res = await api(t.baseUrl, 'POST', '/api/v1/admin/jobs', t.tokenFor('root', ['admin']), {
        name: 'sleep',
        ms: null,
      });
      expectProblem(res, 400, 'validation-failed');
      expect(fieldsOf(res.body)).toContain('ms');
    });

    it('still clears the fields documented as nullable (PATCH /files/:id)', async () => {
      const set = await api(t.baseUrl, 'PATCH', `/api/v1/files/${fileId}`, alice, {
        description: 'd',
        capturedAt: '2026-07-01T10:00:00Z',
        entityType: 'order',
        entityId: '42',
      });
      expect(set.status).toBe(200);
      const cleared = await api(t.baseUrl, 'PATCH', `/api/v1/files/${fileId}`, alice, {
        description: null,
        capturedAt: null,
        entityType: null,
        entityId: null,
      });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ description: null, capturedAt: null, entityType: null, entityId: null });
      expect(cleared.body.tags).toEqual(['a']);
    });
  });
});
