import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { sha256 } from '../support/hashing';
import { download } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const MiB = 1024 * 1024;
const USER = '0196f000-0000-7000-8000-0000000000e1';

function tusHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'tus-resumable': '1.0.0', ...extra };
}

async function create(baseUrl: string, token: string, length: number): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/uploads`, {
    method: 'POST',
    headers: tusHeaders(token, { 'upload-length': String(length) }),
  });
  expect(res.status).toBe(201);
  return new URL(res.headers.get('location')!).pathname;
}

function patch(baseUrl: string, path: string, token: string, offset: number, body: Buffer) {
  return fetch(`${baseUrl}${path}`, {
    method: 'PATCH',
    headers: tusHeaders(token, { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }),
    body,
  });
}

/** A PATCH whose body trickles in: it holds the upload's lock until `finish` is called. */
function slowPatch(baseUrl: string, path: string, token: string, offset: number, body: Buffer) {
  const req = http.request(`${baseUrl}${path}`, {
    method: 'PATCH',
    headers: tusHeaders(token, {
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      'content-length': String(body.length),
    }),
  });
  const response = new Promise<http.IncomingMessage>((resolve, reject) =>
    req.on('response', resolve).on('error', reject),
  );
  req.write(body.subarray(0, 1024));
  return { response, finish: () => req.end(body.subarray(1024)) };
}

async function head(baseUrl: string, path: string, token: string): Promise<number> {
  const res = await fetch(`${baseUrl}${path}`, { method: 'HEAD', headers: tusHeaders(token) });
  return Number(res.headers.get('upload-offset'));
}

describe('Concurrent requests on one upload', () => {
  describe('on one API instance', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp();
    });
    afterAll(async () => t.close());

    it('answers a second PATCH while one is in flight with 423, and never interleaves bytes', async () => {
      const token = t.tokenFor(USER);
      const data = randomBytes(2 * MiB);
      const path = await create(t.baseUrl, token, data.length);
      const first = slowPatch(t.baseUrl, path, token, 0, data.subarray(0, MiB));
      await new Promise((r) => setTimeout(r, 300)); // the first holds the lock now

      const second = await patch(t.baseUrl, path, token, 0, randomBytes(MiB));
      expect(second.status).toBe(423);
      expect(second.headers.get('content-type')).toContain('application/problem+json');
      expect(second.headers.get('tus-resumable')).toBe('1.0.0');
      expect(await second.json()).toMatchObject({
        status: 423,
        type: 'https://flexstorage.dev/problems/upload-locked',
      });

      first.finish();
      expect((await first.response).statusCode).toBe(204);
      expect(await head(t.baseUrl, path, token)).toBe(MiB);
      const last = await patch(t.baseUrl, path, token, MiB, data.subarray(MiB));
      expect(last.status).toBe(204);
      const got = await download(t.baseUrl, `/api/v1/files/${last.headers.get('x-file-id')}/content`, token);
      expect(got.sha256).toBe(sha256(data));
    });

    it('holds the lock whatever the spelling of the id: a PATCH on the upper-case URL gets 423', async () => {
      const token = t.tokenFor(USER);
      const data = randomBytes(2 * MiB);
      const path = await create(t.baseUrl, token, data.length);
      const first = slowPatch(t.baseUrl, path, token, 0, data.subarray(0, MiB));
      await new Promise((r) => setTimeout(r, 300));
      const upper = path.replace(/[0-9a-f-]{36}$/, (id) => id.toUpperCase());
      expect((await patch(t.baseUrl, upper, token, 0, randomBytes(MiB))).status).toBe(423);
      first.finish();
      expect((await first.response).statusCode).toBe(204);
      const last = await patch(t.baseUrl, upper, token, MiB, data.subarray(MiB));
      expect(last.status).toBe(204);
      const got = await download(t.baseUrl, `/api/v1/files/${last.headers.get('x-file-id')}/content`, token);
      expect(got.sha256).toBe(sha256(data));
    });

    it('lets only one of many simultaneous PATCHes at the same offset write', async () => {
      const token = t.tokenFor(USER);
      const path = await create(t.baseUrl, token, 8 * MiB);
      const chunks = Array.from({ length: 6 }, () => randomBytes(MiB));
      const answers = await Promise.all(chunks.map((c) => patch(t.baseUrl, path, token, 0, c)));
      const statuses = answers.map((a) => a.status);
      // Exactly one writes; those that found the lock taken get 423, one that came after the winner
      // finds the offset moved (409). The upload holds exactly the winner's bytes.
      expect(statuses.filter((s) => s === 204)).toHaveLength(1);
      expect(statuses.every((s) => [204, 409, 423].includes(s))).toBe(true);
      expect(await head(t.baseUrl, path, token)).toBe(MiB);
      const winner = chunks[statuses.indexOf(204)];
      const rest = randomBytes(7 * MiB);
      const last = await patch(t.baseUrl, path, token, MiB, rest);
      const got = await download(t.baseUrl, `/api/v1/files/${last.headers.get('x-file-id')}/content`, token);
      expect(got.sha256).toBe(sha256(Buffer.concat([winner, rest])));
    });
  });

  describe('across two API instances sharing PostgreSQL and Redis (database staging, no shared disk)', () => {
    let db: TestDatabase;
    let a: TestApp;
    let b: TestApp;
    beforeAll(async () => {
      db = await createTestDatabase();
      // Same queue prefix = same lock namespace; separate data dirs = no shared disk.
      const env = {
        UPLOAD_STAGING: 'database',
        STORAGE_DEFAULT_PROVIDER: 'database',
        QUEUE_PREFIX: `fs-test-${randomBytes(4).toString('hex')}`,
      };
      a = await startTestApp(env, { database: db });
      b = await startTestApp(env, { database: db });
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await db?.drop();
    });

    it('serves one upload chunk by chunk from alternating instances, byte-exact', async () => {
      const token = a.tokenFor(USER);
      const data = randomBytes(5 * MiB + 77);
      const path = await create(a.baseUrl, token, data.length);
      for (let offset = 0, i = 0; offset < data.length; offset += MiB, i++) {
        const app = i % 2 === 0 ? b : a;
        expect(await head(app.baseUrl, path, token)).toBe(offset);
        const res = await patch(app.baseUrl, path, token, offset, data.subarray(offset, offset + MiB));
        expect(res.status).toBe(204);
        if (offset + MiB >= data.length) {
          const got = await download(a.baseUrl, `/api/v1/files/${res.headers.get('x-file-id')}/content`, token);
          expect(got.sha256).toBe(sha256(data));
        }
      }
    });

    it('holds the lock across instances: a PATCH on the other instance gets 423', async () => {
      const token = a.tokenFor(USER);
      const path = await create(a.baseUrl, token, 2 * MiB);
      const first = slowPatch(a.baseUrl, path, token, 0, randomBytes(MiB));
      await new Promise((r) => setTimeout(r, 300));
      expect((await patch(b.baseUrl, path, token, 0, randomBytes(MiB))).status).toBe(423);
      first.finish();
      expect((await first.response).statusCode).toBe(204);
      expect(await head(b.baseUrl, path, token)).toBe(MiB);
    });
  });
});
