import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '../config/app-config';
import { RuntimeSettings } from '../config/runtime';

const logger = new Logger('Bootstrap');

export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/flexstorage';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

/** Finds (or starts) what the service needs: PostgreSQL, Redis, and a JWT secret. */
export async function resolveRuntime(config: AppConfig): Promise<RuntimeSettings> {
  await mkdir(config.dataDir, { recursive: true });
  const databaseUrl = config.databaseUrl ?? (await ensureDatabase(LOCAL_DATABASE_URL));
  const redisUrl = config.redisUrl ?? LOCAL_REDIS_URL;
  const jwtSecret = config.jwtSecret ?? (await loadOrCreateSecret(config.dataDir));
  return { databaseUrl, redisUrl, jwtSecret };
}

/** Creates the database named in the URL when the server exists but the database does not. */
export async function ensureDatabase(url: string): Promise<string> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
      logger.log(`Created database ${name}`);
    }
  } finally {
    await client.end();
  }
  return url;
}

/** Outside production a missing JWT_SECRET is generated once and kept, so tokens survive restarts. */
async function loadOrCreateSecret(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'jwt-secret');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch {
    const secret = randomBytes(48).toString('base64url');
    await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch(() => undefined);
    logger.warn(`JWT_SECRET is not set: using a generated secret kept in ${file}. Set JWT_SECRET in production.`);
    return (await readFile(file, 'utf8')).trim();
  }
}
