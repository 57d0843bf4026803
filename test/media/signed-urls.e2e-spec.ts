import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { sha256 } from '../support/hashing';
import { api, download, uploadMultipart } from '../support/http-client';
import { expectProblem } from '../support/problem';
import { startTestApp, TEST_MEDIA_URL_KEYS, TestApp } from '../support/test-app';
import { sleep, until } from '../support/until';

const key = (fill: string) => Buffer.alloc(32, fill).toString('base64');

/** Signed content and thumbnail URLs: for <img> and <video>, which cannot send a bearer token. */
describe('Signed media URLs (e2e, real PostgreSQL, Redis and workers)', () => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ MEDIA_URL_MAX_TTL_S: '86400' });
    alice = t.tokenFor('alice');
    bob = t.tokenFor('bob');
    admin = t.tokenFor('root', ['admin']);
  });
  afterAll(() => t?.close());

  async function upload(bytes: Buffer, filename: string, contentType: string, token = alice) {
    const res = await uploadMultipart(t.baseUrl, bytes, bytes.length, { token, filename, contentType });
    expect(res.status).toBe(201);
    return res.body as { id: string; sha256: string };
  }
  const signUrl = (id: string, body?: object, token = alice) =>
    api(t.baseUrl, 'POST', `/api/v1/files/${id}/url`, token, body);
  async function signed(id: string, body?: object, token = alice): Promise<string> {
    const res = await signUrl(id, body, token);
    expect(res.status).toBe(200);
    return res.body.url;
  }
  /** The URL as it is handed out, with one query parameter changed (or removed: `undefined`). */
  const withParam = (url: string, name: string, value: string | undefined) => {
    const u = new URL(url);
    if (value === undefined) u.searchParams.delete(name);
    else u.searchParams.set(name, value);
    return u.toString();
  };
  const fetchPublic = (url: string, headers: Record<string, string> = {}, method = 'GET') =>
    download(url, url, undefined, headers, method);

  describe('issuing', () => {
    it('gives the owner an absolute URL that expires in an hour by default, in the requested time otherwise', async () => {
      const file = await upload(randomBytes(100), 'a.bin', 'application/octet-stream');
      const before = Date.now();
      const res = await signUrl(file.id);
      expect(res.status).toBe(200);
      const url = new URL(res.body.url);
      expect(`${url.origin}${url.pathname}`).toBe(`${t.baseUrl}/api/v1/media/files/${file.id}/content`);
      expect(Object.fromEntries(url.searchParams)).toEqual({
        user: 'alice',
        scope: 'owner',
        version: expect.stringMatching(/^\d+$/),
        disposition: 'inline',
        expires: String(Math.floor(new Date(res.body.expiresAt).getTime() / 1000)),
        kid: 'test',
        sig: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      const ttl = new Date(res.body.expiresAt).getTime() - before;
      expect(ttl).toBeGreaterThan(3595_000);
      expect(ttl).toBeLessThanOrEqual(3601_000);
      const short = await signUrl(file.id, { expiresIn: 120, disposition: 'attachment' });
      expect(new Date(short.body.expiresAt).getTime() - Date.now()).toBeLessThanOrEqual(120_000);
      expect(new URL(short.body.url).searchParams.get('disposition')).toBe('attachment');
    });

    it("refuses another user's file as not found, and a bad body with the field named", async () => {
      const file = await upload(randomBytes(100), 'b.bin', 'application/octet-stream');
      expectProblem(await signUrl(file.id, {}, bob), 404, 'file-not-found');
      expectProblem(await signUrl('0196f000-0000-7000-8000-000000000999'), 404, 'file-not-found');
      for (const [body, field] of [
        [{ expiresIn: 86_401 }, 'expiresIn'],
        [{ expiresIn: 0 }, 'expiresIn'],
        [{ expiresIn: 'soon' }, 'expiresIn'],
        [{ disposition: 'download' }, 'disposition'],
        [{ thumbnail: 'huge' }, 'thumbnail'],
        [{ thumbnail: 'thumb', disposition: 'attachment' }, 'disposition'],
        [{ owner: 'bob' }, 'owner'],
      ] as const) {
        const res = await signUrl(file.id, body);
        expectProblem(res, 400);
        expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
      expectProblem(await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/url`), 401, 'missing-token');
    });
  });

  describe('serving', () => {
    it('serves the bytes without a token, embeddable from any site and cached no longer than the URL lives', async () => {
      const data = randomBytes(50_000);
      const file = await upload(data, 'clip.webm', 'video/webm');
      const url = await signed(file.id, { expiresIn: 120 });
      const got = await fetchPublic(url);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(sha256(data));
      expect(got.headers).toMatchObject({
        'content-type': 'video/webm',
        'content-length': String(data.length),
        'content-disposition': 'inline; filename="clip.webm"',
        'cross-origin-resource-policy': 'cross-origin',
        'accept-ranges': 'bytes',
        etag: `"${file.sha256}"`,
      });
      const maxAge = Number(/^private, max-age=(\d+)$/.exec(got.headers['cache-control'])![1]);
      expect(maxAge).toBeGreaterThan(0);
      expect(maxAge).toBeLessThanOrEqual(120);
      // attachment when asked, and for types a browser should not show inline (whatever was asked).
      expect((await fetchPublic(await signed(file.id, { disposition: 'attachment' }))).headers).toMatchObject({
        'content-disposition': 'attachment; filename="clip.webm"',
      });
      const page = await upload(Buffer.from('<script>alert(1)</script>'), 'page.html', 'text/html');
      expect((await fetchPublic(await signed(page.id))).headers['content-disposition']).toBe(
        'attachment; filename="page.html"',
      );
    });

    it('answers Range, If-Range, If-None-Match and HEAD exactly as the token route does', async () => {
      const data = randomBytes(10_000);
      const file = await upload(data, 'ranges.bin', 'video/mp4');
      const url = await signed(file.id);
      const part = await fetchPublic(url, { range: 'bytes=100-199' });
      expect(part.status).toBe(206);
      expect(part.headers['content-range']).toBe('bytes 100-199/10000');
      expect(part.bytes).toEqual(data.subarray(100, 200));
      expect(part.headers['cross-origin-resource-policy']).toBe('cross-origin');
      const tail = await fetchPublic(url, { range: 'bytes=-10', 'if-range': `"${file.sha256}"` });
      expect(tail.status).toBe(206);
      expect(tail.bytes).toEqual(data.subarray(9_990));
      const stale = await fetchPublic(url, { range: 'bytes=0-9', 'if-range': '"other"' });
      expect(stale.status).toBe(200);
      expect(stale.size).toBe(10_000);
      const outside = await fetchPublic(url, { range: 'bytes=20000-' });
      expectProblem(outside, 416, 'range-not-satisfiable');
      expect(outside.headers['content-range']).toBe('bytes */10000');
      const cached = await fetchPublic(url, { 'if-none-match': `"${file.sha256}"` });
      expect(cached.status).toBe(304);
      expect(cached.headers['cache-control']).toMatch(/^private, max-age=\d+$/);
      const head = await fetchPublic(url, {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.size).toBe(0);
      expect(head.headers['content-length']).toBe('10000');
      // The token route, for comparison: the same ranges and validators.
      const viaToken = await download(t.baseUrl, `/api/v1/files/${file.id}/content`, alice, { range: 'bytes=100-199' });
      expect(viaToken.headers['content-range']).toBe(part.headers['content-range']);
      expect(viaToken.headers.etag).toBe(part.headers.etag);
    });

    it("lets an admin sign a URL of another user's file, which then works without a token", async () => {
      const data = randomBytes(300);
      const file = await upload(data, 'hers.bin', 'application/octet-stream');
      const url = await signed(file.id, {}, admin);
      expect(new URL(url).searchParams.get('scope')).toBe('admin');
      expect(new URL(url).searchParams.get('user')).toBe('root');
      const got = await fetchPublic(url);
      expect(got.status).toBe(200);
      expect(got.sha256).toBe(sha256(data));
      // An admin's URL of their own file is an owner's URL: it does not rest on admin rights.
      const own = await upload(randomBytes(300), 'mine.bin', 'application/octet-stream', admin);
      expect(new URL(await signed(own.id, {}, admin)).searchParams.get('scope')).toBe('owner');
    });

    it('serves a thumbnail and a preview of an image through their own URLs', async () => {
      const png = await sharp({ create: { width: 600, height: 400, channels: 3, background: '#3366cc' } })
        .png()
        .toBuffer();
      const file = await upload(png, 'photo.png', 'image/png');
      const url = await signed(file.id, { thumbnail: 'thumb' });
      expect(new URL(url).pathname).toBe(`/api/v1/media/files/${file.id}/thumbnail`);
      expect(new URL(url).searchParams.get('size')).toBe('thumb');
      const thumb = await until(
        async () => {
          const res = await fetchPublic(url);
          return (res.status !== 404 || !res.bytes?.toString().includes('thumbnail-not-ready')) && res;
        },
        'the thumbnail',
        15_000,
      );
      expect(thumb.status).toBe(200);
      expect(thumb.headers).toMatchObject({
        'content-type': 'image/webp',
        'x-image-width': '256',
        'cross-origin-resource-policy': 'cross-origin',
      });
      expect((await sharp(thumb.bytes).metadata()).width).toBe(256);
      expect((await fetchPublic(url, {}, 'HEAD')).status).toBe(200);
      const preview = await fetchPublic(await signed(file.id, { thumbnail: 'preview' }));
      expect(preview.status).toBe(200);
      expect(preview.headers['x-image-width']).toBe('600');
      // A thumbnail URL is no content URL, and the other way round.
      expectProblem(await fetchPublic(url.replace('/thumbnail?', '/content?')), 403, 'signed-url-invalid');
    });
  });

  describe('refusals', () => {
    it('refuses a URL with any part changed, missing or repeated, with one answer that tells nothing', async () => {
      const file = await upload(randomBytes(100), 'c.bin', 'application/octet-stream');
      const other = await upload(randomBytes(100), 'd.bin', 'application/octet-stream', bob);
      const url = await signed(file.id);
      const sig = new URL(url).searchParams.get('sig')!;
      const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
      const tampered = [
        withParam(url, 'user', 'bob'),
        withParam(url, 'scope', 'admin'),
        withParam(url, 'version', String(Number(new URL(url).searchParams.get('version')) + 1)),
        withParam(url, 'version', `0${new URL(url).searchParams.get('version')}`),
        withParam(url, 'disposition', 'attachment'),
        withParam(url, 'expires', String(Number(new URL(url).searchParams.get('expires')) + 3600)),
        withParam(url, 'kid', 'other'),
        withParam(url, 'sig', flipped),
        withParam(url, 'sig', undefined),
        withParam(url, 'kid', undefined),
        withParam(url, 'expires', undefined),
        `${url}&sig=${sig}`,
        url.replace(file.id, other.id), // bob's file, with alice's signature
        url.replace(file.id, '0196f000-0000-7000-8000-000000000999'),
      ];
      for (const u of tampered) {
        const res = await fetchPublic(u);
        expect({ u, status: res.status }).toEqual({ u, status: 403 });
        expectProblem(res, 403, 'signed-url-invalid');
        expect(res.headers['content-disposition']).toBeUndefined();
      }
      expect((await fetchPublic(withParam(url, 'cachebuster', '1'))).status).toBe(200);
    });

    it('does not take a bearer token instead of a signature: the public routes admit signed URLs only', async () => {
      const file = await upload(randomBytes(100), 'e.bin', 'application/octet-stream');
      const bare = `${t.baseUrl}/api/v1/media/files/${file.id}/content`;
      expectProblem(await download(t.baseUrl, bare, alice), 403, 'signed-url-invalid');
      expectProblem(await download(t.baseUrl, `${bare.replace('/content', '/thumbnail')}`, alice), 403);
    });

    it('answers an expired URL 410 signed-url-expired, an altered expired one 403', async () => {
      const file = await upload(randomBytes(100), 'f.bin', 'application/octet-stream');
      const url = await signed(file.id, { expiresIn: 1 });
      await sleep(Number(new URL(url).searchParams.get('expires')) * 1000 - Date.now() + 50);
      expectProblem(await fetchPublic(url), 410, 'signed-url-expired');
      expectProblem(await fetchPublic(withParam(url, 'user', 'bob')), 403, 'signed-url-invalid');
    });

    it('ends the URL when the file changes (410 signed-url-outdated) or is deleted (404), and a new one works', async () => {
      const file = await upload(randomBytes(100), 'g.bin', 'application/octet-stream');
      const url = await signed(file.id);
      expect((await api(t.baseUrl, 'PATCH', `/api/v1/files/${file.id}`, alice, { name: 'renamed.bin' })).status).toBe(
        200,
      );
      expectProblem(await fetchPublic(url), 410, 'signed-url-outdated');
      const renamed = await fetchPublic(await signed(file.id));
      expect(renamed.status).toBe(200);
      expect(renamed.headers['content-disposition']).toBe('attachment; filename="renamed.bin"');

      const current = await signed(file.id);
      expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${file.id}`, alice)).status).toBe(204);
      expectProblem(await fetchPublic(current), 404, 'file-not-found');
      expectProblem(await signUrl(file.id), 404, 'file-not-found');
      // Restored, the file is another version: the URL made before the delete stays dead.
      expect((await api(t.baseUrl, 'POST', `/api/v1/files/${file.id}/restore`, alice)).status).toBe(200);
      expectProblem(await fetchPublic(current), 410, 'signed-url-outdated');
    });

    it('answers a thumbnail URL of a file that gets none as the token route does', async () => {
      const file = await upload(randomBytes(100), 'h.bin', 'application/octet-stream');
      const res = await fetchPublic(await signed(file.id, { thumbnail: 'thumb' }));
      expectProblem(res, 404, 'thumbnail-not-available');
    });
  });

  describe('keys', () => {
    it('keeps URLs of a key still listed after a rotation, and revokes those of a key taken out', async () => {
      const file = await upload(randomBytes(100), 'i.bin', 'application/octet-stream');
      const before = await signed(file.id); // signed with "test", the suite's key
      const rotated = await startTestApp(
        { MEDIA_URL_KEYS: `k2:${key('new')},${TEST_MEDIA_URL_KEYS}` },
        { database: t.db, workers: false },
      );
      const withdrawn = await startTestApp({ MEDIA_URL_KEYS: `k2:${key('new')}` }, { database: t.db, workers: false });
      // HEAD: these apps have data directories of their own; admitting the URL is what is checked.
      const head = (u: string) => fetchPublic(u, {}, 'HEAD');
      try {
        const onRotated = (u: string) => u.replace(t.baseUrl, rotated.baseUrl);
        expect((await head(onRotated(before))).status).toBe(200);
        const after = await api(rotated.baseUrl, 'POST', `/api/v1/files/${file.id}/url`, alice);
        expect(new URL(after.body.url).searchParams.get('kid')).toBe('k2');
        expect((await head(after.body.url)).status).toBe(200);
        const onWithdrawn = (u: string) => u.replace(/^http:\/\/127\.0\.0\.1:\d+/, withdrawn.baseUrl);
        expectProblem(await fetchPublic(onWithdrawn(before)), 403, 'signed-url-invalid');
        expect((await head(onWithdrawn(after.body.url))).status).toBe(200);
      } finally {
        await rotated.close();
        await withdrawn.close();
      }
    });

    it('builds the URL on PUBLIC_URL when set (behind a proxy or a path prefix)', async () => {
      const behind = await startTestApp(
        { PUBLIC_URL: 'https://files.example.com/storage/' },
        { database: t.db, workers: false },
      );
      try {
        const file = await upload(randomBytes(100), 'j.bin', 'application/octet-stream');
        const res = await api(behind.baseUrl, 'POST', `/api/v1/files/${file.id}/url`, alice);
        expect(res.body.url).toMatch(
          new RegExp(`^https://files\\.example\\.com/storage/api/v1/media/files/${file.id}/content\\?user=alice&`),
        );
      } finally {
        await behind.close();
      }
    });
  });
});
