import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigWithPlugins } from '../../src/infrastructure/bootstrap/storage-plugins';
import { startStoragePlugins } from '../../src/infrastructure/storage-providers/plugins/load-plugins';
import { sha256 } from '../support/hashing';
import { expectProblem } from '../support/problem';
import { api, download, uploadMultipart } from '../support/http-client';
import {
  startTestApp,
  TEST_JWT_SECRET,
  TEST_MEDIA_URL_KEYS,
  TEST_WEBHOOK_SECRET_KEYS,
  TestApp,
} from '../support/test-app';

const FIXTURES = './test/fixtures/plugins';
const fixture = (name: string) => `${FIXTURES}/${name}`;

/** Loads STORAGE_PLUGINS and starts the enabled ones as main.ts does, without the rest of the app. */
async function startPlugins(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'flexstorage-plugins-'));
  try {
    const { config, plugins } = await loadConfigWithPlugins({
      DATA_DIR: dataDir,
      JWT_SECRET: TEST_JWT_SECRET,
      WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS,
      MEDIA_URL_KEYS: TEST_MEDIA_URL_KEYS,
      ...env,
    });
    const started = await startStoragePlugins(plugins, { config, databaseUrl: 'postgres://unused.invalid/x' });
    await Promise.all(started.providers.map(async (p) => p.close?.()));
    return started;
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The one-line error start-up stops with, as main.ts prints it. */
async function refusal(env: Record<string, string>): Promise<{ code: string; message: string }> {
  const error = await startPlugins(env).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string; name: string },
  );
  if (!error) throw new Error('start-up was expected to be refused');
  expect(error.name).toBe('BootstrapError');
  expect(error.message).not.toContain('\n');
  return error;
}

describe('STORAGE_PLUGINS: the loader', () => {
  describe('refuses a broken plugin with one message naming it and what is wrong', () => {
    it('a package that is not installed, with the command that installs it', async () => {
      const e = await refusal({ STORAGE_PLUGINS: '@acme/flexstorage-nowhere' });
      expect(e.code).toBe('STORAGE_PLUGIN_NOT_FOUND');
      expect(e.message).toBe(
        'Storage plugin "@acme/flexstorage-nowhere" (STORAGE_PLUGIN_NOT_FOUND): it is not installed; run npm install @acme/flexstorage-nowhere',
      );
    });

    it('a path where nothing is, naming the directory it was resolved from', async () => {
      const e = await refusal({ STORAGE_PLUGINS: fixture('nothing-here') });
      expect(e.code).toBe('STORAGE_PLUGIN_NOT_FOUND');
      expect(e.message).toContain(`nothing to load at ${join(process.cwd(), fixture('nothing-here'))}`);
    });

    it('a plugin that throws while it is imported, with its error', async () => {
      const e = await refusal({ STORAGE_PLUGINS: fixture('throws-at-import') });
      expect(e.code).toBe('STORAGE_PLUGIN_LOAD_FAILED');
      expect(e.message).toBe(
        `Storage plugin "${fixture('throws-at-import')}" (STORAGE_PLUGIN_LOAD_FAILED): it threw while loading: cannot read /etc/flexstorage-fixture.conf`,
      );
    });

    it('a plugin whose own dependency is missing: failed to load, not "not installed"', async () => {
      const e = await refusal({ STORAGE_PLUGINS: fixture('missing-dependency') });
      expect(e.code).toBe('STORAGE_PLUGIN_LOAD_FAILED');
      expect(e.message).toContain('a module it needs is missing');
      expect(e.message).toContain('flexstorage-fixture-no-such-client');
      expect(e.message).not.toContain('npm install');
    });

    it('an export of the wrong shape, naming the member', async () => {
      const e = await refusal({ STORAGE_PLUGINS: fixture('wrong-shape') });
      expect(e.code).toBe('STORAGE_PLUGIN_INVALID');
      expect(e.message).toContain("its export's member create (a function) is missing or wrong");
      expect(e.message).toContain('defineStorageProvider');
    });

    it('a plugin built for another contract version, naming both versions', async () => {
      const e = await refusal({ STORAGE_PLUGINS: fixture('needs-api-v2') });
      expect(e.code).toBe('STORAGE_PLUGIN_API_MISMATCH');
      expect(e.message).toContain('it needs contract version 2, this server supports 1');
    });

    it('invalid options, naming each failing variable', async () => {
      const e = await refusal({
        STORAGE_PLUGINS: fixture('required-options'),
        STORAGE_PROVIDERS: 'local-fs,remote-store',
        STORAGE_REMOTE_STORE_PORT: '99999',
      });
      expect(e.code).toBe('STORAGE_PLUGIN_OPTIONS_INVALID');
      expect(e.message).toContain('STORAGE_REMOTE_STORE_HOST is required: the server host name');
      expect(e.message).toContain('STORAGE_REMOTE_STORE_PORT must be at most 65535, got 99999');
    });

    it("options that pass one by one but fail the plugin's own validate", async () => {
      const e = await refusal({
        STORAGE_PLUGINS: fixture('required-options'),
        STORAGE_PROVIDERS: 'local-fs,remote-store',
        STORAGE_REMOTE_STORE_HOST: 'files.example.com',
      });
      expect(e.message).toContain('STORAGE_REMOTE_STORE_PASSWORD or STORAGE_REMOTE_STORE_PRIVATE_KEY_PATH must be set');
    });

    it('a plugin that is unhealthy at start, with its detail', async () => {
      const e = await refusal({ STORAGE_PLUGINS: fixture('unhealthy'), STORAGE_PROVIDERS: 'local-fs,down-store' });
      expect(e.code).toBe('STORAGE_PLUGIN_UNHEALTHY');
      expect(e.message).toContain('unhealthy at start: connection refused by 127.0.0.1:1');
    });

    it('a second plugin under an id an earlier one has', async () => {
      const twice = `${fixture('memory')},${join(process.cwd(), FIXTURES, 'memory')}`;
      const e = await refusal({ STORAGE_PLUGINS: twice });
      expect(e.code).toBe('STORAGE_PLUGIN_INVALID');
      expect(e.message).toContain(`its id "memory-plugin" is already taken by ${fixture('memory')}`);
    });
  });

  it('loads a plugin listed but not enabled without creating it (its options are not required then)', async () => {
    const started = await startPlugins({ STORAGE_PLUGINS: fixture('required-options') });
    expect(started.providers).toEqual([]);
  });

  it('lets STORAGE_PROVIDERS, the default and the rules name a plugin id', async () => {
    const started = await startPlugins({
      STORAGE_PLUGINS: fixture('memory'),
      STORAGE_PROVIDERS: 'local-fs,memory-plugin',
      STORAGE_DEFAULT_PROVIDER: 'memory-plugin',
      STORAGE_RULES: JSON.stringify([{ provider: 'memory-plugin', mimeTypes: ['image/*'] }]),
    });
    expect(started.providers.map((p) => p.id)).toEqual(['memory-plugin']);
    expect(started.origins.originOf('memory-plugin')).toEqual({
      kind: 'plugin',
      packageName: 'flexstorage-fixture-memory',
      version: '1.4.2',
      listedAs: fixture('memory'),
    });
  });
});

describe('STORAGE_PLUGINS through the real app', () => {
  let t: TestApp;
  const alice = () => t.tokenFor('alice');
  const admin = () => t.tokenFor('root', ['admin']);

  beforeAll(async () => {
    t = await startTestApp({
      STORAGE_PLUGINS: `${fixture('memory')}, ${fixture('unhealthy')}?, ${fixture('throws-at-import')}?`,
      STORAGE_PROVIDERS: 'local-fs,memory-plugin,down-store',
      STORAGE_DEFAULT_PROVIDER: 'memory-plugin',
    });
  });
  afterAll(() => t?.close());

  it('stores, serves a range of and deletes a file through a loaded plugin', async () => {
    const data = randomBytes(200_000);
    const up = await uploadMultipart(t.baseUrl, data, data.length, { token: alice(), filename: 'plugin.bin' });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ providerId: 'memory-plugin', size: data.length, sha256: sha256(data) });

    const whole = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice());
    expect(whole).toMatchObject({ status: 200, sha256: sha256(data) });
    const part = await download(t.baseUrl, `/api/v1/files/${up.body.id}/content`, alice(), {
      range: 'bytes=1000-1999',
    });
    expect(part.status).toBe(206);
    expect(part.bytes).toEqual(data.subarray(1000, 2000));

    expect((await api(t.baseUrl, 'DELETE', `/api/v1/files/${up.body.id}`, alice())).status).toBe(204);
    expect((await api(t.baseUrl, 'GET', `/api/v1/files/${up.body.id}/content`, alice())).status).toBe(404);
  });

  it('skips failed optional plugins: /health reports each as unhealthy with its reason', async () => {
    const health = await api(t.baseUrl, 'GET', '/health');
    const storage = (health.body as { details: { storage: Record<string, { healthy: boolean; detail?: string }> } })
      .details.storage;
    expect(storage['memory-plugin']).toEqual({ healthy: true });
    expect(storage['down-store']).toEqual({
      healthy: false,
      detail:
        'STORAGE_PLUGIN_UNHEALTHY: unhealthy at start: connection refused by 127.0.0.1:1; check that what it connects to is reachable',
    });
    expect(storage[fixture('throws-at-import')]).toMatchObject({ healthy: false });
    expect(storage[fixture('throws-at-import')].detail).toContain('STORAGE_PLUGIN_LOAD_FAILED');
  });

  it('does not let an upload choose a failed optional plugin', async () => {
    const up = await uploadMultipart(t.baseUrl, Buffer.from('x'), 1, {
      token: alice(),
      fields: { provider: 'down-store' },
    });
    expectProblem(up, 400, 'unknown-storage-provider');
  });

  it('lists the providers a user may choose, with where each comes from', async () => {
    const list = await api<{ id: string; kind: string; package?: object; state: string; healthy: boolean }[]>(
      t.baseUrl,
      'GET',
      '/api/v1/providers',
      alice(),
    );
    expect(list.status).toBe(200);
    expect(list.body.map((p) => p.id).sort()).toEqual(['local-fs', 'memory-plugin']);
    expect(list.body.find((p) => p.id === 'local-fs')).toMatchObject({
      kind: 'built-in',
      state: 'available',
      healthy: true,
    });
    expect(list.body.find((p) => p.id === 'memory-plugin')).toMatchObject({
      kind: 'plugin',
      package: { name: 'flexstorage-fixture-memory', version: '1.4.2', listedAs: fixture('memory') },
      state: 'available',
      healthy: true,
      capabilities: { instantAccess: true, rangeReads: true },
    });
  });

  it('shows admins the failed optional plugins too, with their reason', async () => {
    const list = await api<{ id: string; state: string; reason?: string; package?: { listedAs: string } }[]>(
      t.baseUrl,
      'GET',
      '/api/v1/providers',
      admin(),
    );
    expect(list.status).toBe(200);
    const failed = list.body.filter((p) => p.state === 'failed');
    expect(failed.map((p) => p.id).sort()).toEqual(['down-store', fixture('throws-at-import')].sort());
    expect(failed.find((p) => p.id === 'down-store')?.reason).toContain('STORAGE_PLUGIN_UNHEALTHY');
  });

  it('answers 401 without a token', async () => {
    expect((await api(t.baseUrl, 'GET', '/api/v1/providers')).status).toBe(401);
  });
});
