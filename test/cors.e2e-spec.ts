import { Browser, Page } from 'playwright-core';
import { BLANK_PAGE, describeInBrowser, launchChromium, PageServer, startPageServer } from './support/browser';
import { uploadMultipart } from './support/http-client';
import { listen } from './support/sse-client';
import { startTestApp, TestApp } from './support/test-app';

/** What a web app on another origin sends and reads, allowed by CORS_ORIGINS: checked in a real Chromium. */
describeInBrowser('CORS: a web app on another origin (real Chromium)', () => {
  let t: TestApp;
  let pages: PageServer;
  let browser: Browser;
  let page: Page;
  const user = '0196f000-0000-7000-8000-00000000c0a1';

  beforeAll(async () => {
    pages = await startPageServer();
    t = await startTestApp({ CORS_ORIGINS: pages.origin });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(pages.show('/', BLANK_PAGE));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await pages?.close();
  });

  it('lets the page send an X-Request-Id and read it back, with the rate-limit and problem headers', async () => {
    const seen = await page.evaluate(
      async ({ api, token }) => {
        const res = await fetch(`${api}/api/v1/files?limit=1`, {
          headers: { authorization: `Bearer ${token}`, 'x-request-id': 'page-request-42' },
        });
        const refused = await fetch(`${api}/api/v1/files/not-a-file`, { headers: { authorization: 'Bearer nope' } });
        const signIn = await fetch(`${api}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'nobody@example.com', password: 'wrong password' }),
        });
        return {
          status: res.status,
          requestId: res.headers.get('x-request-id'),
          wwwAuthenticate: refused.headers.get('www-authenticate'),
          rateLimit: signIn.headers.get('x-ratelimit-limit'),
        };
      },
      { api: t.baseUrl, token: t.tokenFor(user) },
    );
    expect(seen).toEqual({ status: 200, requestId: 'page-request-42', wwwAuthenticate: 'Bearer', rateLimit: '100000' });
  });

  it('lets the page read the problems that refuse a body before any route runs (too deep, too large, bad text)', async () => {
    const seen = await page.evaluate(async (api) => {
      const post = async (body: string) => {
        const res = await fetch(`${api}/api/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        return { status: res.status, type: ((await res.json()) as { type: string }).type.split('/').pop() };
      };
      return [
        await post('['.repeat(1000) + ']'.repeat(1000)),
        await post(JSON.stringify({ email: 'x'.repeat(2 * 1024 * 1024) })),
        await post(JSON.stringify({ email: 'a\u0000@x.io', password: 'p' })),
      ];
    }, t.baseUrl);
    expect(seen).toEqual([
      { status: 400, type: 'json-too-deep' },
      { status: 413, type: 'body-too-large' },
      { status: 400, type: 'invalid-text' },
    ]);
  });

  it('lets the page resume a download (Range, If-Range) and read the range, name and ETag', async () => {
    const token = t.tokenFor(user);
    const up = await uploadMultipart(t.baseUrl, Buffer.from('0123456789'), 10, { token, filename: 'digits.txt' });
    const seen = await page.evaluate(
      async ({ api, token, id, etag }) => {
        const res = await fetch(`${api}/api/v1/files/${id}/content`, {
          headers: { authorization: `Bearer ${token}`, range: 'bytes=4-', 'if-range': etag },
        });
        const h = (name: string) => res.headers.get(name);
        return {
          status: res.status,
          body: await res.text(),
          range: h('content-range'),
          disposition: h('content-disposition'),
          etag: h('etag'),
          acceptRanges: h('accept-ranges'),
        };
      },
      { api: t.baseUrl, token, id: up.body.id, etag: `"${up.body.sha256}"` },
    );
    expect(seen).toEqual({
      status: 206,
      body: '456789',
      range: 'bytes 4-9/10',
      disposition: 'attachment; filename="digits.txt"',
      etag: `"${up.body.sha256}"`,
      acceptRanges: 'bytes',
    });
  });

  it('reads live events with fetch, the token in Authorization, resuming with Last-Event-ID', async () => {
    const token = t.tokenFor(user);
    // A fetch-based SSE reader (what apps use to send the token in a header): the lines up to `until`.
    const read = (lastEventId: string | undefined, until: string) =>
      page.evaluate(
        async ({ api, token, lastEventId, until }) => {
          const abort = new AbortController();
          const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'text/event-stream' };
          if (lastEventId) headers['last-event-id'] = lastEventId;
          const res = await fetch(`${api}/api/v1/events`, { headers, signal: abort.signal });
          if (!res.body) return { status: res.status, text: '' };
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let text = '';
          const deadline = Date.now() + 15_000;
          while (!new RegExp(until).test(text) && Date.now() < deadline) {
            const { value, done } = await reader.read();
            if (done) break;
            text += value;
          }
          abort.abort();
          return { status: res.status, text };
        },
        { api: t.baseUrl, token, lastEventId, until },
      );

    const first = await read(undefined, '\\nid: \\S+\\n\\n');
    expect(first.status).toBe(200);
    const position = /^id: (\S+)$/m.exec(first.text)![1];
    const up = await uploadMultipart(t.baseUrl, Buffer.from('live'), 4, { token, filename: 'live.txt' });
    expect(up.status).toBe(201);
    // Only once the event is in the log is it the resume that brings it, not live delivery.
    const watcher = listen(`${t.baseUrl}/api/v1/events`, {
      authorization: `Bearer ${token}`,
      'last-event-id': position,
    });
    await watcher.waitFor((m) => m.data?.data?.fileId === up.body.id);
    watcher.close();
    // The events after the position (an earlier test's upload, maybe), then this one.
    const resumed = await read(position, `event: file.uploaded\\ndata: .*"fileId":"${up.body.id}"`);
    expect(resumed.status).toBe(200);
    expect(resumed.text).toMatch(new RegExp(`event: file.uploaded\ndata: .*"fileId":"${up.body.id}"`));
  });
});
