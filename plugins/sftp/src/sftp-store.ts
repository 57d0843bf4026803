import { Readable } from 'node:stream';
import type SftpClient from 'ssh2-sftp-client';
import { BodyMeter } from './body-meter';
import { untilAborted } from './abortable';
import { messageOf, SftpConnection, SftpConnectionOptions, SftpSession } from './connection';
import { isSftpStoreError, SftpStoreError, unavailable } from './errors';
import { isNoSuchFile, isStoreKey, newKey, ShardedLayout } from './layout';
import { Limiter } from './limiter';
import { ByteRange, resolveRange } from './range';
import { closeFile, dropHandle, isClosed, openFile, sizeOfOpenFile } from './channel';
import { FileReadStream } from './file-read-stream';
import { writeBody } from './write-body';

export interface SftpStoreOptions extends Omit<SftpConnectionOptions, 'concurrency'> {
  /** A directory that exists on the server (absolute, or relative to the login directory). */
  root: string;
  /** Operations at once on the one connection (a read counts until its stream ends). Default 8. */
  concurrency?: number;
  /**
   * Requests in flight per transfer: `depth` WRITEs per upload, twice as many READs per download,
   * each of up to 255 KiB (OpenSSH's limit). Default 4: ~1 MiB in flight per upload.
   */
  depth?: number;
}

export interface SftpWriteOptions {
  maxBytes: number;
  /** When set, a body with another SHA-256 (hex) is refused and nothing is stored. */
  expectedSha256?: string;
  signal?: AbortSignal;
}

export interface SftpWriteResult {
  key: string;
  size: number;
  sha256: string;
}

export interface SftpHealth {
  healthy: boolean;
  detail?: string;
}

/** A stream of the object's bytes; also a Node Readable, so it can be piped without an adapter. */
export type SftpReadStream = Readable & AsyncIterable<Buffer>;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Objects in a directory of an SFTP server: `<root>/<2-digit shard>/<key>`, keys made here. A
 * write streams into `<root>/.incoming/` and is renamed into place only once complete and checked,
 * so a failed or aborted write never leaves an object (at most a `.part` file when the connection
 * itself died; see `sweepIncoming`). Memory stays flat: bodies stream both ways.
 */
export class SftpStore {
  private readonly connection: SftpConnection;
  private readonly limiter: Limiter;
  private readonly layout: ShardedLayout;
  private readonly depth: number;

  constructor(options: SftpStoreOptions) {
    const concurrency = options.concurrency ?? 8;
    this.connection = new SftpConnection({ ...options, concurrency });
    this.limiter = new Limiter(concurrency);
    this.layout = new ShardedLayout(options.root);
    this.depth = options.depth ?? 4;
  }

  async write(
    body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: SftpWriteOptions,
  ): Promise<SftpWriteResult> {
    const { signal } = options;
    const expected = options.expectedSha256?.toLowerCase();
    if (expected !== undefined && !SHA256_HEX.test(expected)) {
      throw new SftpStoreError('ERR_INVALID_ARGUMENT', 'expectedSha256 must be 64 hex digits');
    }
    const meter = new BodyMeter({ maxBytes: options.maxBytes, signal });
    return this.limiter.run(async () => {
      const key = newKey();
      const partial = this.layout.partialPath(key);
      const { session, handle } = await this.openForWrite(partial);
      let open = true;
      try {
        // Raced with the signal: a source stuck in an await cannot be cancelled, and must not hold the write.
        await untilAborted(writeBody(session.sftp, handle, meter.pass(body), { depth: this.depth, signal }), signal);
        open = false;
        await closeFile(session.sftp, handle); // the server has closed the file: every byte is written
        const { size, sha256 } = meter.result();
        if (expected !== undefined && expected !== sha256) {
          throw new SftpStoreError('ERR_CHECKSUM_MISMATCH', `the body's SHA-256 is ${sha256}, expected ${expected}`);
        }
        await this.layout.publish(session.client, partial, key);
        return { key, size, sha256 };
      } catch (error) {
        await this.discard(session, open ? handle : undefined, partial);
        if (signal?.aborted) throw signal.reason;
        if (error === meter.sourceError || isSftpStoreError(error)) throw error;
        this.connection.lost(session, error);
        throw unavailable(`writing to ${this.connection.address} failed`, error);
      }
    }, signal);
  }

  /** The object's bytes, or only `range` of them; rejects before any byte when the key is missing. */
  async read(key: string, range?: ByteRange): Promise<SftpReadStream> {
    if (range) resolveRange(range, Number.MAX_SAFE_INTEGER); // a malformed range is refused before any request
    if (!isStoreKey(key)) throw notFound(key);
    const path = this.layout.objectPath(key);
    const release = await this.limiter.acquire();
    try {
      const stream = await this.retrying(async ({ sftp }) => {
        let handle: Buffer;
        try {
          handle = await openFile(sftp, path, 'r');
        } catch (error) {
          throw isNoSuchFile(error) ? notFound(key) : error;
        }
        try {
          // Without a range the open alone tells whether the object exists; a range needs its size.
          const span = range ? resolveRange(range, await sizeOfOpenFile(sftp, handle)) : undefined;
          return new FileReadStream(sftp, handle, span ?? { start: 0, end: Infinity }, {
            depth: this.depth * 2,
            label: key,
          });
        } catch (error) {
          dropHandle(sftp, handle);
          throw error;
        }
      });
      releaseWhenDone(stream, release);
      return stream as SftpReadStream;
    } catch (error) {
      release();
      throw error;
    }
  }

  /** The object's size, or null when there is no such object. */
  async head(key: string): Promise<{ size: number } | null> {
    if (!isStoreKey(key)) return null;
    const path = this.layout.objectPath(key);
    return this.limiter.run(() =>
      this.retrying(async ({ client }) => {
        try {
          return { size: await sizeOf(client, path, key) };
        } catch (error) {
          if (isSftpStoreError(error, 'ERR_NOT_FOUND')) return null;
          throw error;
        }
      }),
    );
  }

  /** Deletes the object; a missing one (never written, or deleted before) is not an error. */
  async delete(key: string): Promise<void> {
    if (!isStoreKey(key)) return;
    const path = this.layout.objectPath(key);
    await this.limiter.run(() => this.retrying(({ client }) => client.delete(path, true)));
  }

  /** Connects (or reuses the connection) and checks the root is a directory. Never throws. */
  async health(): Promise<SftpHealth> {
    // Outside the limiter: a health probe must answer while long transfers hold every slot.
    try {
      const stat = await this.retrying(({ client }) => client.stat(this.layout.root));
      if (!stat.isDirectory)
        return { healthy: false, detail: `${this.layout.root} on ${this.connection.address} is not a directory` };
      return { healthy: true };
    } catch (error) {
      return { healthy: false, detail: messageOf(error) };
    }
  }

  /**
   * Deletes `.part` files left in `<root>/.incoming/` by writes whose connection died before they
   * could clean up, once untouched for `olderThanMs` (a write in progress touches its file with
   * every chunk). Returns how many were removed.
   */
  async sweepIncoming(olderThanMs = 60 * 60 * 1000): Promise<number> {
    const dir = this.layout.incoming;
    return this.limiter.run(() =>
      this.retrying(async ({ client }) => {
        if ((await client.exists(dir)) !== 'd') return 0;
        const stale = (await client.list(dir)).filter(
          (entry) => entry.type === '-' && entry.name.endsWith('.part') && entry.modifyTime < Date.now() - olderThanMs,
        );
        for (const entry of stale) await client.delete(`${dir}/${entry.name}`, true);
        return stale.length;
      }),
    );
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  /**
   * Runs `operation` on the live connection. If the connection turns out to be gone (the server
   * restarted since the last operation), it runs once more on a new one; operations passed here
   * must therefore be safe to repeat.
   */
  private async retrying<T>(operation: (session: SftpSession) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      const session = await this.connection.session();
      try {
        return await operation(session);
      } catch (error) {
        if (isSftpStoreError(error)) throw error;
        if (!this.connection.lost(session, error)) throw unavailable(this.connection.address, error);
        if (attempt >= 2) throw unavailable(`lost the connection to ${this.connection.address}`, error);
      }
    }
  }

  /** Opens the partial file before any byte of the body is read, so this step alone can be retried. */
  private openForWrite(partial: string): Promise<{ session: SftpSession; handle: Buffer }> {
    return this.retrying(async (session) => ({ session, handle: await this.layout.openPartial(session, partial) }));
  }

  /** Best effort: a failed write closes and removes its partial file, unless the connection is gone too. */
  private async discard(session: SftpSession, handle: Buffer | undefined, partial: string): Promise<void> {
    // On a closed channel a request is never answered; the partial file stays for sweepIncoming.
    if (isClosed(session.sftp)) return;
    try {
      if (handle) dropHandle(session.sftp, handle); // requests run in order: closed before the delete
      await session.client.delete(partial, true);
    } catch {
      // Left for sweepIncoming; it is never an object, only a .part file.
    }
  }
}

async function sizeOf(client: SftpClient, path: string, key: string): Promise<number> {
  try {
    const stat = await client.stat(path);
    if (!stat.isFile) throw notFound(key);
    return stat.size;
  } catch (error) {
    throw isNoSuchFile(error) ? notFound(key) : error;
  }
}

/** A read holds its slot until its stream closes: at the end, on failure, or destroyed by a consumer that stopped. */
function releaseWhenDone(stream: Readable, release: () => void): void {
  stream.once('close', release);
}

function notFound(key: string): SftpStoreError {
  return new SftpStoreError('ERR_NOT_FOUND', `no object ${key}`);
}
