import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer, Server } from 'node:net';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { BootstrapError } from '../../src/infrastructure/bootstrap/bootstrap-error';
import { GracefulShutdown, ShutdownStep } from '../../src/infrastructure/bootstrap/graceful-shutdown';
import { resolveRuntime } from '../../src/infrastructure/bootstrap/resolve-runtime';
import { loadConfig } from '../../src/infrastructure/config/app-config';
import { tempDataDir } from './temp-data-dir';

const NOTHING_LOCAL = { FLEXSTORAGE_LOCAL_PG: '127.0.0.1:1', FLEXSTORAGE_LOCAL_REDIS: '127.0.0.1:1' };
const MACHINE_REDIS = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

/** Something listening, standing in for a server the API started: runtime.json entries must answer. */
async function listening(): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

describe('resolveRuntime', () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let shutdown: GracefulShutdown;

  beforeAll(() => Logger.overrideLogger(['error']));
  beforeEach(async () => {
    data = await tempDataDir();
    shutdown = new GracefulShutdown();
  });
  afterEach(() => data.remove());

  it('tells a worker with no database anywhere to start the API first or set DATABASE_URL', async () => {
    const attempt = resolveRuntime(loadConfig({ DATA_DIR: data.dir }), {
      role: 'worker',
      shutdown,
      env: NOTHING_LOCAL,
    });
    await expect(attempt).rejects.toThrow(BootstrapError);
    await expect(attempt).rejects.toThrow(
      /No PostgreSQL for the worker: DATABASE_URL is unset, nothing answers on 127\.0\.0\.1:1.*npm start.*set DATABASE_URL/s,
    );
  });

  it('gives a worker the PostgreSQL and Redis that the API running on the same DATA_DIR recorded', async () => {
    const { server, port } = await listening();
    try {
      const recorded = {
        databaseUrl: `postgres://postgres:pw@127.0.0.1:${port}/flexstorage`,
        redisUrl: `redis://127.0.0.1:${port}`,
      };
      await writeFile(
        path.join(data.dir, 'runtime.json'),
        JSON.stringify({ pid: process.ppid, startedAt: new Date().toISOString(), ...recorded }),
      );
      const runtime = await resolveRuntime(loadConfig({ DATA_DIR: data.dir }), {
        role: 'worker',
        shutdown,
        env: NOTHING_LOCAL,
      });
      expect(runtime).toMatchObject(recorded);
    } finally {
      server.close();
    }
  });

  it('ignores a runtime.json left behind by an API that is no longer running', async () => {
    const { server, port } = await listening();
    try {
      await writeFile(
        path.join(data.dir, 'runtime.json'),
        JSON.stringify({ pid: 999_999, startedAt: '', databaseUrl: `postgres://127.0.0.1:${port}/x` }),
      );
      const attempt = resolveRuntime(loadConfig({ DATA_DIR: data.dir }), {
        role: 'worker',
        shutdown,
        env: NOTHING_LOCAL,
      });
      await expect(attempt).rejects.toThrow(/No PostgreSQL for the worker/);
    } finally {
      server.close();
    }
  });

  it('lets the API record what it found in runtime.json (mode 0600), and remove it when it stops', async () => {
    const steps: ShutdownStep[] = [];
    jest.spyOn(shutdown, 'add').mockImplementation((step) => void steps.push(step));
    const config = loadConfig({
      DATA_DIR: data.dir,
      DATABASE_URL: 'postgres://someone:secret@db.example:5432/flexstorage',
    });
    const env = { FLEXSTORAGE_LOCAL_REDIS: `${MACHINE_REDIS.hostname}:${MACHINE_REDIS.port || 6379}` };

    const runtime = await resolveRuntime(config, { role: 'api', shutdown, env });

    const file = path.join(data.dir, 'runtime.json');
    const recorded = JSON.parse(await readFile(file, 'utf8'));
    expect(recorded).toEqual({ pid: process.pid, startedAt: expect.any(String), redisUrl: runtime.redisUrl });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    for (const step of steps.reverse()) await step.stop();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('generates the webhook secret key and the media URL keys once outside production, keeps it in DATA_DIR (0600) for every process, and refuses a mangled one', async () => {
    const { server, port } = await listening();
    try {
      await writeFile(
        path.join(data.dir, 'runtime.json'),
        JSON.stringify({
          pid: process.ppid,
          startedAt: '',
          databaseUrl: `postgres://127.0.0.1:${port}/x`,
          redisUrl: `redis://127.0.0.1:${port}`,
        }),
      );
      const resolve = (env: Record<string, string> = {}) =>
        resolveRuntime(loadConfig({ DATA_DIR: data.dir, ...env }), { role: 'worker', shutdown, env: NOTHING_LOCAL });
      const first = await resolve();
      expect(first.webhookSecretKeys).toEqual([{ id: 'local', key: expect.any(Buffer) }]);
      expect(first.webhookSecretKeys[0].key).toHaveLength(32);
      const file = path.join(data.dir, 'webhook-secret-keys');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect((await resolve()).webhookSecretKeys).toEqual(first.webhookSecretKeys);

      const configured = `k1:${Buffer.alloc(32, 9).toString('base64')}`;
      expect((await resolve({ WEBHOOK_SECRET_KEYS: configured })).webhookSecretKeys.map((k) => k.id)).toEqual(['k1']);

      // The keys that sign media URLs are kept the same way, in a file of their own.
      expect(first.mediaUrlKeys).toEqual([{ id: 'local', key: expect.any(Buffer) }]);
      expect(first.mediaUrlKeys[0].key.equals(first.webhookSecretKeys[0].key)).toBe(false);
      expect((await stat(path.join(data.dir, 'media-url-keys'))).mode & 0o777).toBe(0o600);
      expect((await resolve()).mediaUrlKeys).toEqual(first.mediaUrlKeys);
      const media = `m1:${Buffer.alloc(32, 7).toString('base64')}`;
      expect((await resolve({ MEDIA_URL_KEYS: media })).mediaUrlKeys.map((k) => k.id)).toEqual(['m1']);

      await writeFile(file, 'local:c2hvcnQ=');
      await expect(resolve()).rejects.toThrow(BootstrapError);
      await expect(resolve()).rejects.toThrow(
        /webhook-secret-keys: key "local" must be 32 bytes in base64.*Mend the file, or set WEBHOOK_SECRET_KEYS/,
      );
    } finally {
      server.close();
    }
  });

  it('refuses a probe override that is not host:port', async () => {
    const attempt = resolveRuntime(loadConfig({ DATA_DIR: data.dir }), {
      role: 'worker',
      shutdown,
      env: { FLEXSTORAGE_LOCAL_PG: 'localhost' },
    });
    await expect(attempt).rejects.toThrow('FLEXSTORAGE_LOCAL_PG must be host:port or off, got "localhost"');
  });
});
