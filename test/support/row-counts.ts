import { Client } from 'pg';

/** The tables a request could leave something in: files, events, uploads, accounts, webhooks, stored bytes. */
export const STORED_TABLES = [
  'files',
  'outbox',
  'upload_sessions',
  'upload_chunks',
  'users',
  'webhook_endpoints',
  'storage_objects',
] as const;

/**
 * How many rows each table holds now. Taken before and after a refused request, equal counts say it
 * stored nothing (every suite has its database to itself, and its requests run one at a time).
 */
export async function rowCounts(databaseUrl: string, tables: readonly string[] = STORED_TABLES) {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await db.query(`select count(*)::int as n from ${table}`)).rows[0].n;
    return counts;
  } finally {
    await db.end();
  }
}
