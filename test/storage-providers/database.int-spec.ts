import { AddressInfo, createServer, Socket } from 'node:net';
import { Client } from 'pg';
import {
  DatabaseProvider,
  DatabaseProviderOptions,
} from '../../src/infrastructure/storage-providers/database/database.provider';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { body, bytes, collect, describeStorageProviderContract } from './provider-contract';

let db: TestDatabase | undefined;
let sql: Client | undefined;

/** One database for the file; each contract run counts what is in it before and after. */
async function database(): Promise<{ url: string; sql: Client }> {
  if (!db) {
    db = await createTestDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  }
  return { url: db.url, sql: sql! };
}

afterAll(async () => {
  await sql?.end();
  await db?.drop();
});

async function startProvider(options: DatabaseProviderOptions): Promise<{ provider: DatabaseProvider; sql: Client }> {
  const { url, sql } = await database();
  return { provider: new DatabaseProvider(url, options), sql };
}

function underTest(chunkSize: number, options: DatabaseProviderOptions = {}) {
  return async () => {
    const { provider, sql } = await startProvider({ chunkSize, ...options });
    return {
      provider,
      boundary: chunkSize,
      footprint: async () => {
        const { rows } = await sql.query<{ objects: number; chunks: number }>(
          'select (select count(*)::int from storage_objects) as objects, (select count(*)::int from storage_chunks) as chunks',
        );
        return rows[0];
      },
      close: () => provider.close(),
    };
  };
}

describeStorageProviderContract('database (1 MiB chunks)', underTest(1024 * 1024));
// Small, odd chunks and batches: many boundaries and many read queries per object.
describeStorageProviderContract('database (1000-byte chunks, 3 per query)', underTest(1000, { readBatch: 3 }), {
  largeFileBytes: 0,
});

describe('DatabaseProvider', () => {
  it('stores an object as chunk_size rows numbered from 0, described by one storage_objects row', async () => {
    const { provider, sql } = await startProvider({ chunkSize: 4096 });
    try {
      const result = await provider.write(body('rows', 3 * 4096 + 10), { maxBytes: 1e9, contentType: 'image/png' });
      const object = await sql.query(
        'select size::int, sha256, chunk_size, content_type from storage_objects where key = $1',
        [result.key],
      );
      expect(object.rows).toEqual([
        { size: 3 * 4096 + 10, sha256: result.sha256, chunk_size: 4096, content_type: 'image/png' },
      ]);
      const chunks = await sql.query(
        'select seq, length(data) as length from storage_chunks where key = $1 order by seq',
        [result.key],
      );
      expect(chunks.rows).toEqual([
        { seq: 0, length: 4096 },
        { seq: 1, length: 4096 },
        { seq: 2, length: 4096 },
        { seq: 3, length: 10 },
      ]);
    } finally {
      await provider.close();
    }
  });

  it('reads an object with the chunk size it was written with, after the setting changes', async () => {
    const { provider: before } = await startProvider({ chunkSize: 3000 });
    const { key } = await before.write(body('resized', 10_000), { maxBytes: 1e9, contentType: 'x' });
    await before.close();
    const { provider: after } = await startProvider({ chunkSize: 7000 });
    try {
      expect(
        (await collect(await after.read(key, { start: 2999, end: 6001 }))).equals(bytes('resized', 2999, 3003)),
      ).toBe(true);
    } finally {
      await after.close();
    }
  });

  it('gives pooled connections back when readers stop early', async () => {
    const { provider } = await startProvider({ chunkSize: 1000, readBatch: 2, poolMax: 1, acquireTimeoutMs: 2000 });
    try {
      const { key } = await provider.write(body('early-stop', 20_000), { maxBytes: 1e9, contentType: 'x' });
      for (let i = 0; i < 5; i++) {
        for await (const piece of await provider.read(key)) {
          expect(piece.byteLength).toBe(1000);
          break;
        }
      }
      expect((await provider.head(key))?.size).toBe(20_000);
      expect((await collect(await provider.read(key))).equals(bytes('early-stop', 0, 20_000))).toBe(true);
    } finally {
      await provider.close();
    }
  });

  it('fails a read whose object is deleted part-way, instead of returning a truncated body', async () => {
    const { provider } = await startProvider({ chunkSize: 1000, readBatch: 2 });
    try {
      const { key } = await provider.write(body('deleted-mid-read', 10_000), { maxBytes: 1e9, contentType: 'x' });
      const reading = (async () => {
        let first = true;
        for await (const piece of await provider.read(key)) {
          void piece;
          if (first) await provider.delete(key);
          first = false;
        }
      })();
      await expect(reading).rejects.toThrow(/stored bytes are missing/);
    } finally {
      await provider.close();
    }
  });

  it('refuses a write larger than its own maxObjectSize', async () => {
    const { provider, sql } = await startProvider({ chunkSize: 1000, maxObjectSize: 2500 });
    try {
      expect(provider.capabilities.maxObjectSize).toBe(2500);
      await expect(provider.write(body('too-big', 2501), { maxBytes: 1e9, contentType: 'x' })).rejects.toThrow(
        /larger than the maximum of 2500/,
      );
      expect((await provider.write(body('fits', 2500), { maxBytes: 1e9, contentType: 'x' })).size).toBe(2500);
      void sql;
    } finally {
      await provider.close();
    }
  });

  it.each([
    ['a port nobody listens on', 'postgres://postgres@127.0.0.1:1/flexstorage'],
    ['an unresolvable host', 'postgres://postgres@flexstorage-no-such-host.invalid:5432/flexstorage'],
  ])('reports %s as unhealthy, quickly and without throwing', async (_, url) => {
    const provider = new DatabaseProvider(url, { healthTimeoutMs: 1000 });
    try {
      const started = Date.now();
      const health = await provider.health();
      expect(health.healthy).toBe(false);
      expect(health.detail).toBeTruthy();
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await provider.close();
    }
  });

  it('reports a server that accepts connections but never answers as unhealthy once its timeout passes', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const provider = new DatabaseProvider(`postgres://postgres@127.0.0.1:${port}/flexstorage`, {
      healthTimeoutMs: 500,
    });
    try {
      const started = Date.now();
      const health = await provider.health();
      expect(health.healthy).toBe(false);
      expect(Date.now() - started).toBeGreaterThanOrEqual(450);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await provider.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
