import { Browser } from 'playwright-core';
import { describeInBrowser, launchChromium } from '../support/browser';
import { api } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';

/** bull-board at /admin/queues in a real headless Chromium: admins get in, nobody else does. */
describeInBrowser('queue dashboard (bull-board) in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  const admin = () => t.tokenFor('0196f000-0000-7000-8000-0000000da001', ['admin']);
  const user = () => t.tokenFor('0196f000-0000-7000-8000-0000000da002');

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function signIn(token: string) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${t.baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login'); // no session yet: sent to sign in
    await page.fill('#token', token);
    await page.click('button[type=submit]');
    return { context, page };
  }

  it('lets an admin in with their token and shows every queue', async () => {
    // Something to see: a finished diagnostics job.
    expect((await api(t.baseUrl, 'POST', '/api/v1/admin/jobs', admin(), { name: 'noop' })).status).toBe(201);
    const { context, page } = await signIn(admin());
    await page.waitForURL(`${t.baseUrl}/admin/queues**`);
    for (const queue of ['diagnostics', 'maintenance', 'retrieval', 'media', 'webhooks', 'dead-letters']) {
      await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 15_000 });
    }
    const [session] = (await context.cookies()).filter((c) => c.name === 'fs_dashboard');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/admin' });
    expect(session.expires * 1000).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 5_000);
    // The board's own API answers the session too (what the page itself calls).
    const queues = await page.evaluate(async () => (await fetch('/admin/queues/api/queues')).status);
    expect(queues).toBe(200);
    await context.close();
  });

  it('refuses a non-admin: the sign-in page says why, and the dashboard stays closed', async () => {
    const { context, page } = await signIn(user());
    await page.getByText('Only an administrator may do this.').waitFor({ timeout: 10_000 });
    await page.goto(`${t.baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    expect((await context.cookies()).some((c) => c.name === 'fs_dashboard')).toBe(false);
    await context.close();
  });
});
