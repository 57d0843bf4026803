import { startTestApp, TestApp } from '../support/test-app';

/** Browser clients (Uppy, tus-js-client in a page) need CORS: preflights, and tus headers they may read. */
describe('tus from a browser (CORS_ORIGINS)', () => {
  let t: TestApp;
  const origin = 'https://app.example.com';
  beforeAll(async () => {
    t = await startTestApp({ CORS_ORIGINS: origin });
  });
  afterAll(async () => t.close());

  it('answers a preflight for PATCH with the tus request headers allowed, and keeps the discovery headers', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/uploads/0196f000-0000-7000-8000-000000000001`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'PATCH',
        'access-control-request-headers': 'authorization,tus-resumable,upload-offset,content-type,upload-checksum',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-methods')).toContain('PATCH');
    const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
    for (const h of [
      'authorization',
      'tus-resumable',
      'upload-offset',
      'upload-checksum',
      'upload-metadata',
      'upload-concat',
    ])
      expect(allowed).toContain(h);
    expect(res.headers.get('tus-version')).toBe('1.0.0');
  });

  it('lets the page read Location, Upload-Offset and X-File-Id from the answers', async () => {
    const token = t.tokenFor('0196f000-0000-7000-8000-0000000000f1');
    const res = await fetch(`${t.baseUrl}/api/v1/uploads`, {
      method: 'POST',
      headers: {
        origin,
        authorization: `Bearer ${token}`,
        'tus-resumable': '1.0.0',
        'upload-length': '3',
        'content-type': 'application/offset+octet-stream',
      },
      body: Buffer.from('abc'),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    const exposed = res.headers.get('access-control-expose-headers')!.toLowerCase();
    for (const h of ['location', 'upload-offset', 'upload-length', 'upload-expires', 'tus-resumable', 'x-file-id'])
      expect(exposed).toContain(h);
  });

  it('gives another origin no CORS grant', async () => {
    const res = await fetch(`${t.baseUrl}/api/v1/uploads`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
