import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Client, escapeLiteral, Pool } from 'pg';
import { ChecksumMismatchError, StorageLocation } from '../../../domain/files';
import {
  ByteBody,
  ByteRange,
  ObjectHead,
  ProviderHealth,
  StorageCapabilities,
  StorageProvider,
  StoredObjectNotFoundError,
  WriteOptions,
  WriteResult,
} from '../../../domain/storage';
import { meter } from '../shared/metered-body';
import { BinaryCopyQuery } from './binary-copy-query';
import { ChunkSink } from './chunk-sink';

export interface DatabaseProviderOptions {
  id?: string;
  /** Bytes per storage_chunks row. Changing it only affects new objects: each records its own. */
  chunkSize?: number;
  /** Chunks fetched per query when reading. */
  readBatch?: number;
  maxObjectSize?: number | null;
  /** Each write holds one connection for its whole upload: this caps concurrent writes. */
  poolMax?: number;
  /** How long a write or read waits for a free pooled connection. */
  acquireTimeoutMs?: number;
  healthTimeoutMs?: number;
}

const DEFAULTS = {
  id: 'database',
  chunkSize: 1024 * 1024,
  readBatch: 4,
  maxObjectSize: null,
  poolMax: 5,
  acquireTimeoutMs: 30_000,
  healthTimeoutMs: 3000,
} satisfies Required<DatabaseProviderOptions>;

interface StoredObjectRow {
  size: string;
  sha256: string;
  chunk_size: number;
}

/**
 * Objects as fixed-size bytea rows in PostgreSQL (storage_chunks), described by a storage_objects
 * row written last in the same transaction: a failed or aborted write leaves nothing behind, and a
 * visible object always has all its chunks. Bytes stream through in chunk-sized pieces both ways,
 * so memory stays flat whatever the file size. Keys are random UUIDs the provider makes.
 */
export class DatabaseProvider implements StorageProvider {
  readonly id: string;
  readonly capabilities: StorageCapabilities;
  private readonly logger: Logger;
  private readonly pool: Pool;
  private readonly settings: Required<DatabaseProviderOptions>;

  constructor(
    private readonly databaseUrl: string,
    options: DatabaseProviderOptions = {},
  ) {
    this.settings = { ...DEFAULTS, ...options };
    this.id = this.settings.id;
    this.logger = new Logger(`StorageProvider:${this.id}`);
    this.capabilities = {
      instantAccess: true,
      rangeReads: true,
      retrievalRequired: false,
      retrievalTiers: [],
      maxObjectSize: this.settings.maxObjectSize,
      deletion: 'immediate',
      minimumStorageDays: 0,
    };
    this.pool = new Pool({
      connectionString: databaseUrl,
      max: this.settings.poolMax,
      connectionTimeoutMillis: this.settings.acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      // An idle pool must not keep a worker or a test process alive.
      allowExitOnIdle: true,
      application_name: `flexstorage-${this.id}`,
    });
    // Without a listener, an idle connection dropped by the server would crash the process.
    this.pool.on('error', (e) => this.logger.warn(`Idle database connection failed: ${e.message}`));
  }

  async write(body: ByteBody, options: WriteOptions): Promise<WriteResult> {
    const limit = Math.min(options.maxBytes, this.settings.maxObjectSize ?? Infinity);
    const key = randomUUID();
    const { chunkSize } = this.settings;
    const client = await this.pool.connect();
    const sink = new ChunkSink(client, key, chunkSize);
    let broken: Error | undefined;
    try {
      await client.query('begin');
      const metered = meter(body, limit, options.signal);
      await pipeline(metered.body, sink, { signal: options.signal });
      const { size, sha256 } = metered.result();
      if (options.expectedSha256 && options.expectedSha256 !== sha256) {
        throw new ChecksumMismatchError(options.expectedSha256, sha256);
      }
      await client.query(
        'insert into storage_objects (key, size, sha256, chunk_size, content_type) values ($1, $2, $3, $4, $5)',
        [key, size, sha256, chunkSize, options.contentType],
      );
      await client.query('commit');
      return { key, size, sha256 };
    } catch (error) {
      await sink.settled();
      await client.query('rollback').catch((e: Error) => (broken = e));
      throw error;
    } finally {
      // A connection whose rollback failed is in an unknown state: destroy it, never reuse it.
      client.release(broken);
    }
  }

  async read(key: string, range?: ByteRange): Promise<ByteBody> {
    this.checkKey(key);
    if (range && (range.start < 0 || range.end < range.start))
      throw new RangeError(`Invalid byte range ${range.start}-${range.end}.`);
    // Looked up before returning, so a missing object fails before any response header is sent.
    const { rows } = await this.pool.query<StoredObjectRow>(
      'select size, sha256, chunk_size from storage_objects where key = $1',
      [key],
    );
    if (rows.length === 0) throw new StoredObjectNotFoundError(this.id, key);
    const size = Number(rows[0].size);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    return this.chunks(key, rows[0].chunk_size, start, end);
  }

  async head(key: string): Promise<ObjectHead | null> {
    this.checkKey(key);
    const { rows } = await this.pool.query<StoredObjectRow>('select size, sha256 from storage_objects where key = $1', [
      key,
    ]);
    return rows.length === 0 ? null : { size: Number(rows[0].size), sha256: rows[0].sha256 };
  }

  async delete(key: string): Promise<void> {
    this.checkKey(key);
    // One statement, so one transaction: the object and all its chunks go together.
    await this.pool.query(
      'with chunks as (delete from storage_chunks where key = $1) delete from storage_objects where key = $1',
      [key],
    );
  }

  /**
   * On a connection of its own: long uploads can hold every pooled connection, and a busy pool
   * must not make a reachable database look down.
   */
  async health(): Promise<ProviderHealth> {
    const timeoutMs = this.settings.healthTimeoutMs;
    const client = new Client({
      connectionString: this.databaseUrl,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    client.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const check = client.connect().then(() => client.query('select 1'));
      check.catch(() => undefined);
      await Promise.race([check, timeout]);
      return { healthy: true };
    } catch (e) {
      return { healthy: false, detail: (e as Error).message };
    } finally {
      clearTimeout(timer);
      client.end().catch(() => undefined);
    }
  }

  /** Closes the pool; the provider cannot be used afterwards. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  /**
   * Streams chunks first..last a few rows per query (keyset on seq), fetching the next batch while
   * the consumer takes this one. No connection is held between batches, so a slow download pins
   * no pool client and no open transaction, and a consumer that stops early leaves nothing to free.
   */
  private async *chunks(key: string, chunkSize: number, start: number, end: number): AsyncGenerator<Uint8Array> {
    if (end < start) return;
    const first = Math.floor(start / chunkSize);
    const last = Math.floor(end / chunkSize);
    let next = first;
    let pending: Promise<Buffer[]> | undefined = this.fetchChunks(key, next, last);
    try {
      while (pending) {
        const batch = await pending;
        const seq = next;
        next += batch.length;
        pending = next <= last ? this.fetchChunks(key, next, last) : undefined;
        for (let i = 0; i < batch.length; i++) {
          const offset = (seq + i) * chunkSize;
          const from = Math.max(start - offset, 0);
          const to = Math.min(end - offset + 1, batch[i].length);
          yield from === 0 && to === batch[i].length ? batch[i] : batch[i].subarray(from, to);
        }
      }
    } finally {
      // Stopped early: the prefetch may still fail, and nobody will await it.
      pending?.catch(() => undefined);
    }
  }

  private async fetchChunks(key: string, from: number, last: number): Promise<Buffer[]> {
    // COPY takes no parameters: the key is a checked key, escaped as a literal; the rest are integers.
    const copy = new BinaryCopyQuery(
      `copy (select seq, data from storage_chunks where key = ${escapeLiteral(key)} and seq between ${from} and ${last} ` +
        `order by seq limit ${this.settings.readBatch}) to stdout (format binary)`,
    );
    const client = await this.pool.connect();
    let failure: Error | undefined;
    try {
      client.query(copy);
      const rows = await copy.rows;
      // Chunks are only ever removed with their object, so a gap means it was deleted mid-read.
      if (rows.length === 0 || rows.some((row, i) => row[0]?.readInt32BE(0) !== from + i || !row[1])) {
        throw new StoredObjectNotFoundError(this.id, key);
      }
      return rows.map((row) => row[1]!);
    } catch (e) {
      // A client that failed mid-COPY may be out of step with the server: drop it.
      if (!(e instanceof StoredObjectNotFoundError)) failure = e as Error;
      throw e;
    } finally {
      client.release(failure);
    }
  }

  private checkKey(key: string): void {
    // Keys are only ever parameters here, but one that no provider could have made is refused outright.
    StorageLocation.of(this.id, key);
  }
}
