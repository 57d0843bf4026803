import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { sha256 } from '../support/hashing';
import { download } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/** Behind a proxy: the URLs handed out, and uploads that outlast Node's default request timeout. */
describe('tus behind a proxy (PUBLIC_URL)', () => {
  let t: TestApp;
  const publicUrl = 'https://files.example.com/storage';
  beforeAll(async () => {
    t = await startTestApp({ PUBLIC_URL: `${publicUrl}/` });
  });
  afterAll(async () => t.close());

  const tus = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    'tus-resumable': '1.0.0',
    ...extra,
  });

  it('hands out upload URLs under PUBLIC_URL', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-0000000000a1');
    const res = await fetch(`${t.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: tus(token, { 'upload-length': '10' }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toMatch(new RegExp(`^${publicUrl}/api/v1/uploads/[0-9a-f-]{36}$`));
  });

  it('concatenates partial uploads named by their public (prefixed) URLs', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-0000000000a2');
    const parts = [randomBytes(1000), randomBytes(2000)];
    const urls: string[] = [];
    for (const part of parts) {
      const created = await fetch(`${t.baseUrl}/api/v1/uploads`, {
        method: 'POST',
        headers: tus(token, {
          'upload-length': String(part.length),
          'upload-concat': 'partial',
          'content-type': 'application/offset+octet-stream',
        }),
        body: part,
      });
      expect(created.status).toBe(201);
      urls.push(created.headers.get('location')!);
    }
    const final = await fetch(`${t.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: tus(token, { 'upload-concat': `final;${urls.join(' ')}` }),
    });
    expect(final.status).toBe(201);
    const got = await download(t.baseUrl, `/api/v1/files/${final.headers.get('x-file-id')}/content`, token);
    expect(got.sha256).toBe(sha256(Buffer.concat(parts)));
  });

  it('documents every tus method in OpenAPI, with the tus statuses', async () => {
    const doc = (await fetch(`${t.baseUrl}/docs-json`).then((r) => r.json())) as {
      paths: Record<string, Record<string, { responses: object }>>;
    };
    expect(Object.keys(doc.paths['/api/v1/uploads']).sort()).toEqual(['options', 'post']);
    expect(Object.keys(doc.paths['/api/v1/uploads/{id}']).sort()).toEqual(['delete', 'head', 'options', 'patch']);
    expect(Object.keys(doc.paths['/api/v1/uploads/{id}'].patch.responses)).toEqual(
      expect.arrayContaining(['204', '409', '410', '423', '460']),
    );
  });

  it("does not cut a request after Node's default 5 minutes, only an idle connection", () => {
    const server = t.app.getHttpServer() as Server;
    expect(server.requestTimeout).toBe(0);
    expect(server.timeout).toBe(120_000);
  });
});
