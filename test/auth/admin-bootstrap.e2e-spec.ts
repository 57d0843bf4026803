import { INestApplication } from '@nestjs/common';
import { createHttpApp } from '../../src/app.factory';
import { loadConfig } from '../../src/infrastructure/config/app-config';
import { expectProblem } from '../support/problem';
import { startTestApp, TEST_JWT_SECRET, TestApp } from '../support/test-app';
import { client, query } from './auth-client';

/** The configured admin account, created or taken over at start. */
describe('Admin bootstrap (e2e)', () => {
  const ADMIN = { ADMIN_EMAIL: 'Root@Example.com', ADMIN_PASSWORD: 'the admin password' };
  let t: TestApp;
  let auth: ReturnType<typeof client>;

  beforeAll(async () => {
    t = await startTestApp(ADMIN, { workers: false });
    auth = client(t);
  });
  afterAll(() => t?.close());

  /** The same database served by a second instance, as after a restart with a new configuration. */
  async function restartWith(env: Record<string, string>): Promise<INestApplication> {
    const config = loadConfig({
      ...env,
      DATA_DIR: t.dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      QUEUE_PREFIX: t.config.queuePrefix,
      LOG_LEVEL: 'error',
    });
    const app = await createHttpApp({ config, runtime: t.runtime, api: true, workers: false });
    await app.init();
    return app;
  }

  it('creates the configured admin at start', async () => {
    const login = await auth.login('root@example.com', ADMIN.ADMIN_PASSWORD);
    expect(login.status).toBe(200);
    expect((await auth.me(login.body.accessToken)).body.roles).toEqual(['user', 'admin']);
    const rows = await query(t.runtime.databaseUrl, `select roles from users where email = 'root@example.com'`);
    expect(rows).toEqual([{ roles: ['user', 'admin'] }]);
  });

  it('does not let anyone register the admin address', async () => {
    expectProblem(await auth.register('root@example.com'), 409, 'email-already-registered');
  });

  it('takes over an account registered earlier with the address: admin role, configured password, old sessions ended', async () => {
    const early = await auth.register('boss@example.com', 'the squatter password');
    expect(early.body.user.roles).toEqual(['user']);

    const restarted = await restartWith({ ADMIN_EMAIL: 'boss@example.com', ADMIN_PASSWORD: 'the real boss password' });
    try {
      expectProblem(await auth.login('boss@example.com', 'the squatter password'), 401, 'invalid-credentials');
      expect((await auth.refresh(early.body.refreshToken)).status).toBe(401);
      const login = await auth.login('boss@example.com', 'the real boss password');
      expect(login.status).toBe(200);
      expect((await auth.me(login.body.accessToken)).body).toEqual({
        userId: early.body.user.id,
        roles: ['user', 'admin'],
      });
    } finally {
      await restarted.close();
    }
  });

  it('refuses to start with half an admin configuration', () => {
    expect(() => loadConfig({ ADMIN_EMAIL: 'x@example.com' })).toThrow(/ADMIN_EMAIL and ADMIN_PASSWORD/);
    expect(() => loadConfig({ ADMIN_EMAIL: 'x@example.com', ADMIN_PASSWORD: 'short' })).toThrow(/ADMIN_PASSWORD/);
  });
});
