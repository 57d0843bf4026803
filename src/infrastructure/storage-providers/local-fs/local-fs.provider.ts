import { randomUUID } from 'node:crypto';
import { constants, createReadStream } from 'node:fs';
import { access, link, mkdir, open, readdir, rename, stat, statfs, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
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
import { fileHandleSink } from '../shared/file-handle-sink';
import { meter } from '../shared/metered-body';
import { syncDir } from '../shared/sync-dir';

const WRITE_BUFFER = 1024 * 1024;
// An upload that has not written for this long belongs to a dead process.
const STALE_TEMP_MS = 6 * 60 * 60 * 1000;

/**
 * Files under a root directory. A write goes to tmp/, is fsynced, and only then renamed into
 * objects/ (and the directory fsynced), so a crash leaves either the whole object or none.
 * Keys are random UUIDs the provider makes: nothing a user sends ever becomes part of a path.
 */
export class LocalFsProvider implements StorageProvider {
  readonly capabilities: StorageCapabilities = {
    instantAccess: true,
    rangeReads: true,
    retrievalRequired: false,
    retrievalTiers: [],
    maxObjectSize: null,
    deletion: 'immediate',
    minimumStorageDays: 0,
  };
  private readonly objectsDir: string;
  private readonly tmpDir: string;
  private ready: Promise<void> | undefined;
  private readonly shards = new Set<string>();

  constructor(
    root: string,
    readonly id = 'local-fs',
  ) {
    this.objectsDir = path.join(path.resolve(root), 'objects');
    this.tmpDir = path.join(path.resolve(root), 'tmp');
  }

  async write(body: ByteBody, options: WriteOptions): Promise<WriteResult> {
    await this.ensureDirs();
    const key = newKey();
    const tmp = path.join(this.tmpDir, `${randomUUID()}.part`);
    const handle = await open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
    try {
      const metered = meter(body, options.maxBytes, options.signal);
      await pipeline(metered.body, fileHandleSink(handle, WRITE_BUFFER), { signal: options.signal });
      await handle.sync();
      await handle.close();
      const { size, sha256 } = metered.result();
      if (options.expectedSha256 && options.expectedSha256 !== sha256) {
        throw new ChecksumMismatchError(options.expectedSha256, sha256);
      }
      const final = this.pathOf(key);
      await this.ensureShard(path.dirname(final));
      await rename(tmp, final);
      await syncDir(path.dirname(final));
      return { key, size, sha256 };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw error;
    }
  }

  /**
   * A hard link to a complete, already-fsynced file (a finished resumable upload): no byte is
   * copied and the source stays. Null when the file lives on another filesystem.
   */
  async importLocalFile(source: string, facts: { size: number; sha256: string }): Promise<WriteResult | null> {
    await this.ensureDirs();
    const key = newKey();
    const final = this.pathOf(key);
    await this.ensureShard(path.dirname(final));
    try {
      await link(source, final);
    } catch (e) {
      if (['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK'].includes((e as NodeJS.ErrnoException).code ?? '')) return null;
      throw e;
    }
    try {
      // A source holding other than exactly these bytes is not taken: the caller copies instead.
      if ((await stat(final)).size !== facts.size) {
        await unlink(final);
        return null;
      }
      await syncDir(path.dirname(final));
    } catch (e) {
      await unlink(final).catch(() => undefined);
      throw e;
    }
    return { key, size: facts.size, sha256: facts.sha256 };
  }

  async read(key: string, range?: ByteRange): Promise<ByteBody> {
    const file = this.pathOf(key);
    // Open first, so a missing object fails here, before any response header is sent.
    const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new StoredObjectNotFoundError(this.id, key) : e;
    });
    return createReadStream('', { fd: handle, start: range?.start, end: range?.end, highWaterMark: 256 * 1024 });
  }

  async head(key: string): Promise<ObjectHead | null> {
    try {
      return { size: (await stat(this.pathOf(key))).size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  async health(): Promise<ProviderHealth> {
    try {
      await this.ensureDirs();
      await access(this.objectsDir, constants.W_OK);
      const fs = await statfs(this.objectsDir);
      const free = fs.bavail * fs.bsize;
      return { healthy: true, detail: `${Math.floor(free / 1024 ** 2)} MiB free` };
    } catch (e) {
      return { healthy: false, detail: (e as Error).message };
    }
  }

  private pathOf(key: string): string {
    // StorageLocation refuses absolute paths and `..`; the prefix check is a second fence.
    StorageLocation.of(this.id, key);
    const resolved = path.resolve(this.objectsDir, key);
    if (!resolved.startsWith(this.objectsDir + path.sep)) throw new StoredObjectNotFoundError(this.id, key);
    return resolved;
  }

  /**
   * A process killed mid-upload leaves its `.part` file behind (never an object: those appear only
   * by rename after fsync). Removed on start once old enough that no live write can own them.
   */
  async sweepStaleTemp(maxAgeMs = STALE_TEMP_MS): Promise<number> {
    let removed = 0;
    const names = await readdir(this.tmpDir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(this.tmpDir, name);
      const info = await stat(file).catch(() => undefined);
      if (info?.isFile() && Date.now() - info.mtimeMs > maxAgeMs) {
        await unlink(file).then(
          () => removed++,
          () => undefined,
        );
      }
    }
    return removed;
  }

  /** Remembers the shard directories made, instead of a mkdir per upload. */
  private async ensureShard(dir: string): Promise<void> {
    if (this.shards.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.shards.add(dir);
  }

  private ensureDirs(): Promise<void> {
    this.ready ??= Promise.all([
      mkdir(this.objectsDir, { recursive: true, mode: 0o700 }),
      mkdir(this.tmpDir, { recursive: true, mode: 0o700 }),
    ]).then(() => {
      void this.sweepStaleTemp();
    });
    return this.ready.catch((e) => {
      this.ready = undefined;
      throw e;
    });
  }
}

// 256 shard directories: few enough that all exist after warm-up (no mkdir per upload), enough
// to keep directories small (a million files is ~4,000 per directory). Keys of the earlier
// two-level layout (ab/cd/<uuid>) still resolve: a key is a relative path, whatever its depth.
function newKey(): string {
  const id = randomUUID();
  return `${id.slice(0, 2)}/${id}`;
}
