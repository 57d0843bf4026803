import { api } from '../support/http-client';
import { startTestApp, TestApp } from '../support/test-app';
import { bullQueue } from './job-support';
import { expectProblem } from '../support/problem';

/**
 * The queue dashboard (bull-board) to requests that come without an admin's session, or forged from elsewhere, or
 * malformed: no browser needed.
 */
describe('queue dashboard without an admin session, and against forged or malformed requests (e2e)', () => {
  let t: TestApp;
  const admin = () => t.tokenFor('0196f000-0000-7000-8000-0000000da001', ['admin']);
  const user = () => t.tokenFor('0196f000-0000-7000-8000-0000000da002');

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('refuses a board mutation posted as a plain form with the session cookie from a foreign origin (same-site CSRF)', async () => {
    const session = await api(t.baseUrl, 'POST', '/api/v1/admin/dashboard-session', t.tokenFor('root', ['admin']));
    expect(session.status).toBe(204);
    const cookie = String(session.headers['set-cookie']).split(';')[0];
    const diagnostics = bullQueue(t, 'diagnostics');
    const unnamed = async () =>
      (await diagnostics.getJobs(['waiting', 'active', 'prioritized', 'completed', 'failed'], 0, 1000)).filter(
        (j) => j && j.name === '',
      ).length;
    try {
      const before = await unnamed();
      // What <form method=post action=".../add"> on a sibling subdomain sends: SameSite=Strict lets the cookie through,
      // a form needs no preflight, and nothing checks Origin. (bull-board then adds a job with an empty name.)
      const res = await fetch(`${t.baseUrl}/admin/queues/api/queues/diagnostics/add`, {
        method: 'POST',
        headers: {
          cookie,
          origin: 'https://uploads.evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'name=noop',
      });
      expect({ status: res.status, added: (await unnamed()) - before }).toEqual({ status: 403, added: 0 });
    } finally {
      await diagnostics.close();
    }
  });

  it('answers 401 problem+json, not 500, to a malformed dashboard cookie', async () => {
    const res = await api(t.baseUrl, 'GET', '/admin/queues/api/queues', undefined, undefined, {
      cookie: 'fs_dashboard=%E0%A4%A',
    });
    expectProblem(res, 401);
  });

  it("answers the board's API 401 problem+json without a session, and with a forged or API-token cookie", async () => {
    for (const cookie of [undefined, 'fs_dashboard=not-a-token', `fs_dashboard=${admin()}`]) {
      const res = await api(
        t.baseUrl,
        'GET',
        '/admin/queues/api/queues',
        undefined,
        undefined,
        cookie ? { cookie } : {},
      );
      expectProblem(res, 401);
      expect(res.body.type).toMatch(/dashboard-session-required$/);
    }
    expect((await api(t.baseUrl, 'POST', '/api/v1/admin/dashboard-session', user())).status).toBe(403);
    expect((await api(t.baseUrl, 'POST', '/api/v1/admin/dashboard-session')).status).toBe(401);
  });
});
