import { PROBLEM_JSON } from '../support/problem';
import { startTestApp, TestApp } from '../support/test-app';

/** The limit on auth attempts per client. */
describe('Auth rate limit (e2e)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT: '3', AUTH_RATE_WINDOW: '60' });
  });
  afterAll(() => t?.close());

  it('answers 429 problem+json with Retry-After once a client has used up its attempts', async () => {
    const attempt = () =>
      fetch(`${t.baseUrl}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'guess@example.com', password: 'not-the-password' }),
      });
    for (let i = 0; i < 3; i++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('content-type')).toMatch(PROBLEM_JSON);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await limited.json()) as { status: number }).status).toBe(429);
    // File routes are not counted against the auth limit.
    const files = await fetch(`${t.baseUrl}/api/v1/files`, {
      headers: { authorization: `Bearer ${t.tokenFor('someone')}` },
    });
    expect(files.status).toBe(200);
  });
});
