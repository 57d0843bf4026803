import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { BootstrapError } from './bootstrap-error';
import { canConnect, HostPort } from './tcp-probe';

const logger = new Logger('Bootstrap');

/** SQLSTATE class 28 (invalid authorization) and pg's complaint when a password is asked for but none given. */
function isAuthRefusal(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (typeof e.code === 'string' && e.code.startsWith('28')) || /password/i.test(e.message ?? '');
}

/**
 * Whether a PostgreSQL on `target` lets user postgres in without a password (the usual local trust
 * setup). Nothing listening: false. A server that refuses: an error saying so, because silently
 * starting a second, empty database next to the one the developer meant would be worse.
 */
export async function localPostgresAnswers(target: HostPort): Promise<boolean> {
  if (!(await canConnect(target))) return false;
  const client = new Client({
    host: target.host,
    port: target.port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 3000,
  });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch (error) {
    await client.end().catch(() => undefined);
    if (isAuthRefusal(error)) {
      throw new BootstrapError(
        `A PostgreSQL server answers on ${target.host}:${target.port} but refused user "postgres" without a password ` +
          `(${(error as Error).message}). Set DATABASE_URL=postgres://USER:PASSWORD@${target.host}:${target.port}/flexstorage, ` +
          'or allow local trust authentication, or set FLEXSTORAGE_LOCAL_PG=off to use an embedded PostgreSQL instead.',
      );
    }
    logger.warn(
      `Something listens on ${target.host}:${target.port} but did not answer as PostgreSQL (${(error as Error).message}); not using it`,
    );
    return false;
  }
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
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      logger.log(`Created database ${name}`);
    }
  } finally {
    await client.end();
  }
  return url;
}
