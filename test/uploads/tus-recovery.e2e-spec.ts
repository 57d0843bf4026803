import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { Client } from 'pg';
import { sha256 } from '../support/hashing';
import { download } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Uploads left holding every byte without their file (the server died between the last
 * checkpoint and the file save, or the provider failed): HEAD finishes them before it reports
 * the full offset, and backs off when finishing keeps failing.
 */
describe('Stranded uploads', () => {
  let t: TestApp;
  let pg: Client;
  beforeAll(async () => {
    t = await startTestApp();
    pg = new Client({ connectionString: t.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await t.close();
  });

  const tus = (token: string, extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${token}`,
    'tus-resumable': '1.0.0',
    ...extra,
  });

  /** An upload of `declared` bytes with `data` staged, then recorded as if `data` were all of it. */
  async function stranded(token: string, data: Buffer, declared: number): Promise<string> {
    const created = await fetch(`${t.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: tus(token, { 'upload-length': String(declared) }),
    });
    const url = created.headers.get('location')!;
    const patched = await fetch(url, {
      method: 'PATCH',
      headers: tus(token, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }),
      body: data,
    });
    expect(patched.status).toBe(204);
    const id = url.split('/').pop()!;
    await pg.query('update upload_sessions set length = upload_offset where id = $1', [id]);
    return url;
  }

  it('finishes an upload holding every byte on HEAD, and only then reports the full offset', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-0000000000b1');
    const data = randomBytes(70_000);
    const url = await stranded(token, data, 100_000);
    const head = await fetch(url, { method: 'HEAD', headers: tus(token) });
    expect(head.status).toBe(200);
    expect(head.headers.get('upload-offset')).toBe(String(data.length));
    const fileId = head.headers.get('x-file-id');
    expect(fileId).toBeTruthy();
    expect((await download(t.baseUrl, `/api/v1/files/${fileId}/content`, token)).sha256).toBe(sha256(data));
    const row = await pg.query('select status, file_id from upload_sessions where id = $1', [url.split('/').pop()]);
    expect(row.rows[0]).toEqual({ status: 'completed', file_id: fileId });
  });

  it('answers 503 with Retry-After while a failed completion backs off, instead of retrying on every HEAD', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-0000000000b2');
    // Smaller than a directory's own size, so the read fails on the bytes (EISDIR), not on a missing length.
    const url = await stranded(token, randomBytes(3_000), 10_000);
    const id = url.split('/').pop()!;
    // The staged file turns into something no read can take (a directory in its place).
    const staged = path.join(t.dataDir, 'uploads', id.slice(-2), id);
    await rm(staged);
    await mkdir(staged);
    const first = await fetch(url, { method: 'HEAD', headers: tus(token) });
    expect(first.status).toBe(500);
    const second = await fetch(url, { method: 'HEAD', headers: tus(token) });
    expect(second.status).toBe(503);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(second.headers.get('tus-resumable')).toBe('1.0.0');
    const row = await pg.query('select status, file_id from upload_sessions where id = $1', [id]);
    expect(row.rows[0]).toEqual({ status: 'active', file_id: null }); // still owed, not lost
  });
});
