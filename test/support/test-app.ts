import { INestApplication } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import jwt from 'jsonwebtoken';
import { createHttpApp } from '../../src/app.factory';
import { AppConfig } from '../../src/infrastructure/config/app-config';
import { loadConfigWithPlugins } from '../../src/infrastructure/bootstrap/storage-plugins';
import { startStoragePlugins } from '../../src/infrastructure/storage-providers/plugins/load-plugins';
import { OWN_ISSUER } from '../../src/infrastructure/auth/jwt.strategy';
import { RuntimeSettings } from '../../src/infrastructure/config/runtime';
import { createTestDatabase, TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
/** Fixed, so apps sharing a database read each other's webhook secrets. */
export const TEST_WEBHOOK_SECRET_KEYS = `test:${Buffer.alloc(32, 'test-webhook-secret-key').toString('base64')}`;
/** Fixed, so apps sharing a database accept each other's signed media URLs. */
export const TEST_MEDIA_URL_KEYS = `test:${Buffer.alloc(32, 'test-media-url-key').toString('base64')}`;

export interface TestApp {
  app: INestApplication;
  baseUrl: string;
  config: AppConfig;
  runtime: RuntimeSettings;
  db: TestDatabase;
  dataDir: string;
  /** A signed access token, as the auth endpoints would issue it. */
  tokenFor(userId: string, roles?: string[], options?: jwt.SignOptions): string;
  close(): Promise<void>;
}

/**
 * The real application (same factory as `npm start`) on a random port, with its own database,
 * data directory and queue prefix, against the machine's PostgreSQL and Redis.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: {
    workers?: boolean;
    /** Share another app's database (several API instances); not dropped on close. */
    database?: TestDatabase;
    /** Another Redis than the machine's (a private one a test stops and starts). */
    redisUrl?: string;
  } = {},
): Promise<TestApp> {
  const db = options.database ?? (await createTestDatabase());
  const dataDir = await mkdtemp(path.join(tmpdir(), 'flexstorage-test-'));
  let built: Awaited<ReturnType<typeof buildApp>>;
  try {
    built = await buildApp(env, db, dataDir, options);
  } catch (e) {
    // A refused start (a plugin that fails, a bad setting) leaves no database or directory behind.
    if (!options.database) await db.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw e;
  }
  const { config, runtime, app } = built;
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as AddressInfo).port;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    runtime,
    db,
    dataDir,
    tokenFor: (userId, roles = ['user'], signOptions = {}) =>
      jwt.sign({ sub: userId, roles, typ: 'access' }, TEST_JWT_SECRET, {
        issuer: OWN_ISSUER,
        expiresIn: 600,
        ...signOptions,
      }),
    close: async () => {
      await app.close();
      if (!options.database) await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Configuration, STORAGE_PLUGINS and the application, as main.ts builds them. */
async function buildApp(
  env: Record<string, string>,
  db: TestDatabase,
  dataDir: string,
  options: { workers?: boolean; redisUrl?: string },
) {
  const { config, plugins } = await loadConfigWithPlugins({
    DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    WEBHOOK_SECRET_KEYS: TEST_WEBHOOK_SECRET_KEYS,
    MEDIA_URL_KEYS: TEST_MEDIA_URL_KEYS,
    QUEUE_PREFIX: `fs-test-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'error',
    OUTBOX_RELAY_INTERVAL_MS: '200',
    AUTH_RATE_LIMIT: '100000',
    ...env,
  });
  const runtime: RuntimeSettings = {
    databaseUrl: db.url,
    redisUrl: options.redisUrl ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    jwtSecret: TEST_JWT_SECRET,
    webhookSecretKeys: config.webhooks.secretKeys!,
    mediaUrlKeys: config.media.urls.keys!,
  };
  const started = await startStoragePlugins(plugins, { config, databaseUrl: db.url });
  const app = await createHttpApp({ config, runtime, api: true, workers: options.workers ?? true, plugins: started });
  return { config, runtime, app };
}
