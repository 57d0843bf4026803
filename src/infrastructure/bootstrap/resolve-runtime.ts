import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { RuntimeSettings } from '../config/runtime';
import { formatSecretKeys, parseSecretKeys, SECRET_KEY_BYTES, SecretKey } from '../config/secret-keys';
import { BootstrapError, redactUrl } from './bootstrap-error';
import { isProcessAlive } from './child-processes';
import { startEmbeddedPostgres } from './embedded-postgres';
import { REDIS_INSTALL_HINT, startEmbeddedRedis } from './embedded-redis';
import { GracefulShutdown } from './graceful-shutdown';
import { ensureDatabase, localPostgresAnswers } from './postgres-probe';
import { readLiveRuntimeFile, removeRuntimeFile, RuntimeFile, runtimeFilePath, writeRuntimeFile } from './runtime-file';
import { askRedis, HostPort, parseProbeTarget } from './tcp-probe';

const logger = new Logger('Bootstrap');

/** Only the API starts servers; a worker uses what the API found or started. */
export type ProcessRole = 'api' | 'worker';

export interface ResolveOptions {
  role: ProcessRole;
  /** Embedded servers register their shutdown here. */
  shutdown: GracefulShutdown;
  env?: NodeJS.ProcessEnv;
}

interface Found {
  url: string;
  /**
   * configured: from the environment. shared: from runtime.json, another process's. found, embedded:
   * chosen here, so recorded in runtime.json for the worker.
   */
  origin: 'configured' | 'shared' | 'found' | 'embedded';
  /** Said in the log line. */
  source: string;
}

const chosenHere = (found: Found) => found.origin === 'found' || found.origin === 'embedded';

interface Context {
  config: AppConfig;
  options: ResolveOptions;
  shared?: RuntimeFile;
  local: { postgres?: HostPort; redis?: HostPort };
}

/**
 * Finds (or starts) what the service needs: PostgreSQL, Redis, a JWT secret, the key for webhook
 * secrets at rest and the keys that sign media URLs. For each server:
 * the configured URL; else the one a running FlexStorage API on the same DATA_DIR uses
 * (runtime.json); else one answering on localhost; else, for the API, an embedded one.
 */
export async function resolveRuntime(config: AppConfig, options: ResolveOptions): Promise<RuntimeSettings> {
  const env = options.env ?? process.env;
  const local = {
    postgres: parseProbeTarget('FLEXSTORAGE_LOCAL_PG', env.FLEXSTORAGE_LOCAL_PG, { host: '127.0.0.1', port: 5432 }),
    redis: parseProbeTarget('FLEXSTORAGE_LOCAL_REDIS', env.FLEXSTORAGE_LOCAL_REDIS, { host: '127.0.0.1', port: 6379 }),
  };
  await mkdir(config.dataDir, { recursive: true });
  const context: Context = { config, options, shared: await readLiveRuntimeFile(config.dataDir), local };
  const database = await resolveDatabase(context);
  logger.log(`PostgreSQL: ${redactUrl(database.url)} (${database.source})`);
  const redis = await resolveRedis(context);
  logger.log(`Redis: ${redactUrl(redis.url)} (${redis.source})`);

  if (options.role === 'api' && !context.shared && (chosenHere(database) || chosenHere(redis))) {
    await writeRuntimeFile(config.dataDir, {
      databaseUrl: chosenHere(database) ? database.url : undefined,
      redisUrl: chosenHere(redis) ? redis.url : undefined,
    });
    const remove = () => removeRuntimeFile(config.dataDir);
    options.shutdown.add({ name: runtimeFilePath(config.dataDir), stop: async () => remove(), kill: remove });
  }
  if (context.shared && (database.origin === 'shared' || redis.origin === 'shared')) {
    exitWhenOwnerStops(context.shared.pid, config.dataDir, options.shutdown);
  }
  const jwtSecret = config.jwtSecret ?? (await loadOrCreateSecret(config.dataDir));
  const webhookSecretKeys =
    config.webhooks.secretKeys ?? (await loadOrCreateSecretKeys(config.dataDir, WEBHOOK_SECRET_KEYS));
  const mediaUrlKeys = config.media.urls.keys ?? (await loadOrCreateSecretKeys(config.dataDir, MEDIA_URL_KEYS));
  return { databaseUrl: database.url, redisUrl: redis.url, jwtSecret, webhookSecretKeys, mediaUrlKeys };
}

async function resolveDatabase({ config, options, shared, local }: Context): Promise<Found> {
  if (config.databaseUrl) return { url: config.databaseUrl, origin: 'configured', source: 'DATABASE_URL' };
  if (shared?.databaseUrl) {
    return {
      url: shared.databaseUrl,
      origin: 'shared',
      source: `shared with FlexStorage process ${shared.pid} via ${runtimeFilePath(config.dataDir)}`,
    };
  }
  if (local.postgres && (await localPostgresAnswers(local.postgres))) {
    const url = await ensureDatabase(
      `postgres://postgres@${local.postgres.host}:${local.postgres.port}/flexstorage`,
    ).catch((error: Error) => {
      throw new BootstrapError(
        `PostgreSQL on ${local.postgres?.host}:${local.postgres?.port} lets user postgres in, but creating the flexstorage database failed: ${error.message}`,
      );
    });
    return { url, origin: 'found', source: `found on ${local.postgres.host}:${local.postgres.port}` };
  }
  const nothingLocal = local.postgres
    ? `nothing answers on ${local.postgres.host}:${local.postgres.port}`
    : 'FLEXSTORAGE_LOCAL_PG=off';
  if (options.role === 'worker') {
    throw new BootstrapError(
      `No PostgreSQL for the worker: DATABASE_URL is unset, ${nothingLocal}, and no FlexStorage API using DATA_DIR=${config.dataDir} ` +
        `is running (it records the database it uses in ${runtimeFilePath(config.dataDir)}). Start the API first (npm start) with the same DATA_DIR, or set DATABASE_URL.`,
    );
  }
  if (config.nodeEnv === 'production') {
    throw new BootstrapError(
      `DATABASE_URL is required when NODE_ENV=production (${nothingLocal}; the embedded PostgreSQL is for development).`,
    );
  }
  logger.log(`DATABASE_URL is unset and ${nothingLocal}: starting an embedded PostgreSQL`);
  const embedded = await startEmbeddedPostgres(config.dataDir);
  options.shutdown.add({ name: 'embedded PostgreSQL', stop: embedded.stop, kill: embedded.kill });
  return {
    url: embedded.url,
    origin: 'embedded',
    source: `embedded, data in ${path.join(config.dataDir, 'postgres')}`,
  };
}

async function resolveRedis({ config, options, shared, local }: Context): Promise<Found> {
  if (config.redisUrl) return { url: config.redisUrl, origin: 'configured', source: 'REDIS_URL' };
  if (shared?.redisUrl) {
    return {
      url: shared.redisUrl,
      origin: 'shared',
      source: `shared with FlexStorage process ${shared.pid} via ${runtimeFilePath(config.dataDir)}`,
    };
  }
  if (local.redis) {
    const { host, port } = local.redis;
    const answer = await askRedis(local.redis);
    if (answer === 'pong')
      return { url: `redis://${host}:${port}`, origin: 'found', source: `found on ${host}:${port}` };
    if (answer === 'auth-required') {
      throw new BootstrapError(
        `A Redis server answers on ${host}:${port} but requires a password: set REDIS_URL=redis://:PASSWORD@${host}:${port}.`,
      );
    }
    if (answer === 'not-redis')
      logger.warn(`Something listens on ${host}:${port} but did not answer PING as Redis; not using it`);
  }
  const nothingLocal = local.redis
    ? `no Redis answers on ${local.redis.host}:${local.redis.port}`
    : 'FLEXSTORAGE_LOCAL_REDIS=off';
  if (options.role === 'worker') {
    throw new BootstrapError(
      `No Redis for the worker: REDIS_URL is unset, ${nothingLocal}, and no FlexStorage API using DATA_DIR=${config.dataDir} is running ` +
        `(it records the Redis it uses in ${runtimeFilePath(config.dataDir)}). Start the API first (npm start) with the same DATA_DIR, or set REDIS_URL.`,
    );
  }
  if (config.nodeEnv === 'production') {
    throw new BootstrapError(`REDIS_URL is required when NODE_ENV=production (${nothingLocal}).`);
  }
  const embedded = await startEmbeddedRedis(config.dataDir);
  if (!embedded) {
    throw new BootstrapError(
      `Redis is required for the job queues, but REDIS_URL is unset, ${nothingLocal} and redis-server is not on PATH. ${REDIS_INSTALL_HINT}`,
    );
  }
  options.shutdown.add({ name: 'embedded Redis', stop: embedded.stop, kill: embedded.kill });
  return {
    url: embedded.url,
    origin: 'embedded',
    source: `redis-server child, data in ${path.join(config.dataDir, 'redis')}`,
  };
}

/**
 * A process using another's embedded servers cannot outlive them: once that process has stopped,
 * its queues and database are gone, and a graceful close would wait for them forever.
 */
function exitWhenOwnerStops(owner: number, dataDir: string, shutdown: GracefulShutdown): void {
  const timer = setInterval(() => {
    if (isProcessAlive(owner)) return;
    clearInterval(timer);
    logger.error(
      `FlexStorage process ${owner}, whose PostgreSQL/Redis this process uses (${runtimeFilePath(dataDir)}), has stopped: exiting.`,
    );
    shutdown.exitNow(1);
  }, 1000);
  timer.unref();
}

/** Outside production a missing JWT_SECRET is generated once and kept, so tokens survive restarts. */
async function loadOrCreateSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'jwt-secret');
  return loadOrCreate(
    file,
    () => randomBytes(48).toString('base64url'),
    `JWT_SECRET is not set: using a generated secret kept in ${file}. Set JWT_SECRET in production.`,
  );
}

/** A generated key list: where it is kept, and what the messages about it say. */
interface GeneratedKeys {
  fileName: string;
  variable: string;
  /** "webhook secrets are encrypted" (with the generated key). */
  use: string;
  /** "to keep these secrets readable" (when the variable is set later). */
  keep: string;
  /** "makes the webhook secrets encrypted with it unreadable" (what deleting the file does). */
  loss: string;
}

const WEBHOOK_SECRET_KEYS: GeneratedKeys = {
  fileName: 'webhook-secret-keys',
  variable: 'WEBHOOK_SECRET_KEYS',
  use: 'webhook secrets are encrypted',
  keep: 'to keep these secrets readable',
  loss: 'makes the webhook secrets encrypted with it unreadable',
};
const MEDIA_URL_KEYS: GeneratedKeys = {
  fileName: 'media-url-keys',
  variable: 'MEDIA_URL_KEYS',
  use: 'media URLs are signed',
  keep: 'to keep the URLs already handed out working',
  loss: 'revokes the media URLs signed with it',
};

/**
 * Outside production a missing key list is generated once and kept (in its own format), so what
 * it encrypts or signs stays valid across restarts and for a worker on the same DATA_DIR.
 */
async function loadOrCreateSecretKeys(dataDir: string, keys: GeneratedKeys): Promise<SecretKey[]> {
  const file = path.join(dataDir, keys.fileName);
  const text = await loadOrCreate(
    file,
    () => formatSecretKeys([{ id: 'local', key: randomBytes(SECRET_KEY_BYTES) }]),
    `${keys.variable} is not set: ${keys.use} with a generated key kept in ${file}. Set ${keys.variable} in production (${keys.keep}, list this file's content after the new key).`,
  );
  const { keys: parsed, problems } = parseSecretKeys(text, file);
  if (problems.length)
    throw new BootstrapError(
      `${problems.join('; ')}. Mend the file, or set ${keys.variable} (deleting the file ${keys.loss}).`,
    );
  return parsed;
}

/** The file's content; created first (owner-only, never overwritten: a concurrent start's wins) when missing. */
async function loadOrCreate(file: string, generate: () => string, warning: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    await writeFile(file, generate(), { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    logger.warn(warning);
    return (await readFile(file, 'utf8')).trim();
  }
}
