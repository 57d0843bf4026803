import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DatabaseStaging } from '../../src/infrastructure/uploads/staging/database.staging';
import { CheckpointPolicy } from '../../src/infrastructure/uploads/staging/staged-append';
import { bytes, collect } from '../storage-providers/provider-contract';
import { sha256 } from '../support/hashing';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { chunksOf, describeUploadStagingContract } from './staging-contract';

let db: TestDatabase | undefined;
let sql: Client | undefined;
const opened: DatabaseStaging[] = [];

/** One migrated database for the file, shared by every store instance. */
async function database(): Promise<{ url: string; sql: Client }> {
  if (!db) {
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  }
  return { url: db.url, sql: sql! };
}

function open(url: string, policy: CheckpointPolicy): DatabaseStaging {
  const staging = new DatabaseStaging(url, policy);
  opened.push(staging);
  return staging;
}

afterAll(async () => {
  await Promise.all(opened.map((s) => s.onApplicationShutdown()));
  await sql?.end();
  await db?.drop();
});

describeUploadStagingContract('database', async () => {
  const { url } = await database();
  return {
    open: async (policy) => open(url, policy),
    close: async () => undefined, // everything is closed with the file's database
  };
});

describe('DatabaseStaging', () => {
  const policy = { bytes: 64 * 1024, ms: 3_600_000 };
  const recordNothing = { maxBytes: Number.MAX_SAFE_INTEGER, onDurable: async () => undefined };

  async function rows(id: string): Promise<Array<{ start: number; length: number }>> {
    const { sql } = await database();
    const result = await sql.query<{ start: number; length: number }>(
      'select start_offset::int as start, length(data) as length from upload_chunks where session_id = $1 order by start_offset',
      [id],
    );
    return result.rows;
  }

  it('stores an upload as contiguous upload_chunks rows that end at durable offsets', async () => {
    const { url } = await database();
    const staging = open(url, policy);
    const id = randomUUID();
    const offsets: number[] = [];
    await staging.append(id, 0, chunksOf(bytes('rows', 0, 200_000), 16 * 1024), {
      ...recordNothing,
      onDurable: async (at) => {
        offsets.push(at);
      },
    });
    const stored = await rows(id);
    expect(stored.length).toBeGreaterThan(1);
    let at = 0;
    for (const row of stored) {
      expect(row.start).toBe(at);
      at += row.length;
      expect(offsets).toContain(at);
    }
    expect(at).toBe(200_000);
  });

  it('cuts a row that reaches past the recorded offset, and removes every row of the upload on remove()', async () => {
    const { url } = await database();
    const staging = open(url, { bytes: 1024 * 1024 * 1024, ms: 3_600_000 });
    const id = randomUUID();
    const keep = randomUUID();
    const first = bytes('cut-row', 0, 100_000);
    await staging.append(id, 0, chunksOf(first), recordNothing);
    await staging.append(keep, 0, chunksOf(bytes('kept', 0, 1_000)), recordNothing);
    expect(await rows(id)).toEqual([{ start: 0, length: 100_000 }]);

    const next = bytes('cut-row-next', 0, 5_000);
    await staging.append(id, 33_333, chunksOf(next), recordNothing);
    expect(await rows(id)).toEqual([
      { start: 0, length: 33_333 },
      { start: 33_333, length: 5_000 },
    ]);
    const expected = Buffer.concat([first.subarray(0, 33_333), next]);
    expect((await collect(await staging.read(id, { start: 0, end: expected.length - 1 }))).equals(expected)).toBe(true);
    expect(await open(url, policy).sha256(id, expected.length)).toBe(sha256(expected));

    await staging.remove(id);
    expect(await rows(id)).toEqual([]);
    expect(await rows(keep)).toEqual([{ start: 0, length: 1_000 }]);
  });

  it('serves reads over many rows in batches, byte for byte', async () => {
    const { url } = await database();
    const staging = open(url, { bytes: 1_000, ms: 3_600_000 });
    const id = randomUUID();
    const data = bytes('many-rows', 0, 25_500);
    await staging.append(id, 0, chunksOf(data, 500), recordNothing);
    expect((await rows(id)).length).toBe(26);
    for (const [start, end] of [
      [0, 25_499],
      [999, 1_000],
      [3_999, 8_000],
      [25_000, 25_499],
    ]) {
      expect((await collect(await staging.read(id, { start, end }))).equals(data.subarray(start, end + 1))).toBe(true);
    }
  });
});
