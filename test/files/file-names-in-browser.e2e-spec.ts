import { Browser, Page } from 'playwright-core';
import { BLANK_PAGE, describeInBrowser, launchChromium, PageServer, startPageServer } from '../support/browser';
import { dispositionName, NAMES_IN_SCRIPTS } from '../support/file-names';
import { api, download } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/** A web app on another origin uploads with fetch + FormData, as Chromium encodes the names. */
describeInBrowser('Files API: file names from a browser (fetch + FormData, real Chromium)', () => {
  let t: TestApp;
  let pages: PageServer;
  let browser: Browser;
  let page: Page;
  let token: string;

  beforeAll(async () => {
    pages = await startPageServer();
    t = await startTestApp({ CORS_ORIGINS: pages.origin });
    token = t.tokenFor('0196f000-0000-7000-8000-00000000f11e');
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(pages.show('/', BLANK_PAGE));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await pages?.close();
  });

  it('stores each name exactly as the user named the file, and serves it back in Content-Disposition', async () => {
    const names = [...NAMES_IN_SCRIPTS, 'Cafe\u0301 (NFD).txt'];
    const uploaded = await page.evaluate(
      async ({ api, token, names }) =>
        Promise.all(
          names.map(async (name, i) => {
            const form = new FormData();
            form.append('file', new File([`content of file ${i}`], name, { type: 'text/plain' }));
            const res = await fetch(`${api}/api/v1/files`, {
              method: 'POST',
              headers: { authorization: `Bearer ${token}` },
              body: form,
            });
            const body = (await res.json()) as { id: string };
            // What the page itself sees when it downloads the file (Content-Disposition is exposed).
            const content = await fetch(`${api}/api/v1/files/${body.id}/content`, {
              headers: { authorization: `Bearer ${token}` },
            });
            return { status: res.status, id: body.id, disposition: content.headers.get('content-disposition') };
          }),
        ),
      { api: t.baseUrl, token, names },
    );
    for (const [i, name] of names.entries()) {
      const { status, id, disposition } = uploaded[i];
      const stored = name.normalize('NFC');
      expect({ name, status }).toEqual({ name, status: 201 });
      expect((await api(t.baseUrl, 'GET', `/api/v1/files/${id}`, token)).body.name).toBe(stored);
      expect(dispositionName(disposition)).toBe(stored);
      const content = await download(t.baseUrl, `/api/v1/files/${id}/content`, token);
      expect(dispositionName(content.headers['content-disposition'])).toBe(stored);
      expect(content.bytes?.toString()).toBe(`content of file ${i}`);
    }
  });
});
