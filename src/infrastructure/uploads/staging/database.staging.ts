import { OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppendOptions, AppendResult, UploadStaging } from '../../../application/ports';
import { ByteBody, ByteRange } from '../../../domain/storage';
import { HashChain } from './hash-chain';
import { CheckpointPolicy, stagedAppend, StagingSink } from './staged-append';
import { StagedBytesMissingError } from './staged-bytes-missing.error';

/**
 * Rows (1 MiB chunks) per read query. Each row arrives hex-encoded (twice its size) in one protocol
 * message that the driver buffers whole, so a batch costs about 3 × its bytes while it is decoded;
 * 4 put the 64 MiB flat-memory check at 32-43 MiB live on a busy machine, 2 keep it well below.
 */
const READ_BATCH = 2;

/**
 * Staged bytes as rows of `upload_chunks` in PostgreSQL: every row is committed when written, so
 * any API instance can take the next chunk without a shared disk. Slower than local disk (each
 * byte crosses to the database twice: staged, then read back into the provider).
 */
export class DatabaseStaging implements UploadStaging, OnApplicationShutdown {
  readonly id = 'database';
  private readonly pool: Pool;

  constructor(
    databaseUrl: string,
    private readonly policy: CheckpointPolicy,
    private readonly chain = new HashChain(),
    poolMax = 5,
  ) {
    this.pool = new Pool({ connectionString: databaseUrl, max: poolMax, idleTimeoutMillis: 10_000 });
    this.pool.on('error', () => undefined); // an idle connection's failure surfaces on its next use
  }

  async append(uploadId: string, offset: number, body: ByteBody, options: AppendOptions): Promise<AppendResult> {
    const staged = await this.stagedLength(uploadId, offset);
    if (staged < offset) throw new StagedBytesMissingError(uploadId, offset, staged);
    await this.truncate(uploadId, offset);
    let position = offset;
    const sink: StagingSink = {
      write: async (chunks) => {
        const data = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        await this.pool.query('insert into upload_chunks (session_id, start_offset, data) values ($1, $2, $3)', [
          uploadId,
          position,
          data,
        ]);
        position += data.length;
      },
      sync: async () => undefined, // every row was committed as it was written
      truncate: (at) => this.truncate(uploadId, at),
      close: async () => undefined,
    };
    return stagedAppend(uploadId, offset, body, sink, options, this.chain, this.policy);
  }

  sha256(uploadId: string, length: number): Promise<string> {
    return this.chain.digest(uploadId, length, (range) => this.read(uploadId, range));
  }

  async read(uploadId: string, range?: ByteRange): Promise<ByteBody> {
    const staged = await this.stagedLength(uploadId, range ? range.end + 1 : Number.MAX_SAFE_INTEGER);
    if (range && staged <= range.end) throw new StagedBytesMissingError(uploadId, range.end + 1, staged);
    const end = range?.end ?? staged - 1;
    const start = range?.start ?? 0;
    const pool = this.pool;
    return (async function* () {
      let from = start;
      while (from <= end) {
        const { rows } = await pool.query<{ start_offset: string; data: Buffer }>(
          `select start_offset, data from upload_chunks
            where session_id = $1 and start_offset + length(data) > $2 and start_offset <= $3
            order by start_offset limit ${READ_BATCH}`,
          [uploadId, from, end],
        );
        if (rows.length === 0) throw new StagedBytesMissingError(uploadId, end + 1, from);
        for (const row of rows) {
          const rowStart = Number(row.start_offset);
          const slice = row.data.subarray(Math.max(0, from - rowStart), Math.min(row.data.length, end + 1 - rowStart));
          if (slice.length > 0) yield slice;
          from = rowStart + row.data.length;
          if (from > end) break;
        }
      }
    })();
  }

  async remove(uploadId: string): Promise<void> {
    this.chain.forget(uploadId);
    await this.pool.query('delete from upload_chunks where session_id = $1', [uploadId]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }

  /** Contiguous staged bytes before `limit` (the end of the last row starting before it). */
  private async stagedLength(uploadId: string, limit: number): Promise<number> {
    const { rows } = await this.pool.query<{ staged: string }>(
      'select coalesce(max(start_offset + length(data)), 0)::text as staged from upload_chunks where session_id = $1 and start_offset < $2',
      [uploadId, limit],
    );
    return Math.min(Number(rows[0].staged), limit);
  }

  private async truncate(uploadId: string, at: number): Promise<void> {
    await this.pool.query('delete from upload_chunks where session_id = $1 and start_offset >= $2', [uploadId, at]);
    // Rows end at durable offsets, so none should reach past `at`; one that does is cut, not kept.
    await this.pool.query(
      `update upload_chunks set data = substring(data from 1 for ($2::bigint - start_offset)::int)
        where session_id = $1 and start_offset < $2 and start_offset + length(data) > $2`,
      [uploadId, at],
    );
  }
}
