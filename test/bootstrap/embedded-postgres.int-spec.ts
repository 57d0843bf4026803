import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { BootstrapError } from '../../src/infrastructure/bootstrap/bootstrap-error';
import { EmbeddedService } from '../../src/infrastructure/bootstrap/child-processes';
import { startEmbeddedPostgres } from '../../src/infrastructure/bootstrap/embedded-postgres';
import { localPostgresAnswers } from '../../src/infrastructure/bootstrap/postgres-probe';
import { canConnect } from '../../src/infrastructure/bootstrap/tcp-probe';
import { migrateDatabase } from '../../src/infrastructure/persistence/migrate';
import { tempDataDir } from './temp-data-dir';

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

const target = (url: string) => ({ host: new URL(url).hostname, port: Number(new URL(url).port) });

describe('embedded PostgreSQL', () => {
  let data: Awaited<ReturnType<typeof tempDataDir>>;
  let postgres: EmbeddedService | undefined;

  beforeAll(async () => {
    Logger.overrideLogger(['warn', 'error']);
    data = await tempDataDir();
  });
  afterEach(async () => {
    await postgres?.stop();
    postgres = undefined;
  });
  afterAll(() => data.remove());

  it('initialises a cluster in DATA_DIR/postgres, creates the flexstorage database and takes the migrations', async () => {
    postgres = await startEmbeddedPostgres(data.dir);
    expect(new URL(postgres.url).pathname).toBe('/flexstorage');

    const applied = await migrateDatabase(postgres.url);
    expect(applied.length).toBeGreaterThan(0);
    const tables = await query<{ table_name: string }>(
      postgres.url,
      "select table_name from information_schema.tables where table_schema = 'public'",
    );
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['files', 'outbox']));
    await query(postgres.url, "create table kept (note text); insert into kept values ('survives a restart')");
  });

  it('stops cleanly: the port closes and the server process is gone', async () => {
    postgres = await startEmbeddedPostgres(data.dir);
    const where = target(postgres.url);
    expect(await canConnect(where)).toBe(true);
    await postgres.stop();
    postgres = undefined;
    expect(await canConnect(where)).toBe(false);
  });

  it('reuses the initialised cluster on the next start, with its data and migrations', async () => {
    postgres = await startEmbeddedPostgres(data.dir);
    expect(await query(postgres.url, 'select note from kept')).toEqual([{ note: 'survives a restart' }]);
    expect(await migrateDatabase(postgres.url)).toEqual([]);
  });

  it('starts after a crash left a postmaster.pid naming a dead process', async () => {
    await writeFile(path.join(data.dir, 'postgres', 'postmaster.pid'), '999999\n/nowhere\n0\n54329\n');
    postgres = await startEmbeddedPostgres(data.dir);
    expect(await query(postgres.url, 'select 1 as one')).toEqual([{ one: 1 }]);
  });

  it('is password protected: the localhost probe says so instead of falling back silently', async () => {
    postgres = await startEmbeddedPostgres(data.dir);
    const refusal = localPostgresAnswers(target(postgres.url));
    await expect(refusal).rejects.toThrow(BootstrapError);
    await expect(refusal).rejects.toThrow(/refused user "postgres" without a password.*Set DATABASE_URL=/s);
  });

  it('reports nothing listening as absent, so start-up may embed its own', async () => {
    expect(await localPostgresAnswers({ host: '127.0.0.1', port: 1 })).toBe(false);
  });
});
