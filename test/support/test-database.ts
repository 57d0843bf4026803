import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrateDatabase } from '../../src/infrastructure/persistence/migrate';

/**
 * Each test file gets its own freshly migrated database on the real PostgreSQL server
 * (DATABASE_URL's server, else 127.0.0.1:5432; Testcontainers where neither exists and Docker does).
 */
export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

let containerUrl: Promise<string> | undefined;

async function serverUrl(): Promise<string> {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const local = 'postgres://postgres@127.0.0.1:5432/postgres';
  const probe = new Client({ connectionString: local, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
    await probe.end();
    return local;
  } catch {
    containerUrl ??= (async () => {
      const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
      const container = await new PostgreSqlContainer('postgres:16-alpine').start();
      return container.getConnectionUri();
    })();
    return containerUrl;
  }
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = await serverUrl();
  const name = `fs_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  await migrateDatabase(url.toString());
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: server });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}
