import { constants, createReadStream } from 'node:fs';
import { FileHandle, mkdir, open, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { AppendOptions, AppendResult, UploadStaging } from '../../../application/ports';
import { canonicalUuid } from '../../../domain/shared';
import { ByteBody, ByteRange } from '../../../domain/storage';
import { syncDir } from '../../storage-providers/shared/sync-dir';
import { StagedBytesMissingError } from './staged-bytes-missing.error';
import { CheckpointPolicy, stagedAppend, StagingSink } from './staged-append';
import { HashChain } from './hash-chain';

/**
 * Staged bytes as one file per upload under a directory: appended, fsynced at checkpoints.
 * For one API instance, or several that share the directory (a network filesystem with working
 * fsync). On the same filesystem as local-fs, a finished upload becomes a file by hard link.
 */
export class LocalDiskStaging implements UploadStaging {
  readonly id = 'local';
  private readonly root: string;
  private readonly shards = new Set<string>();

  constructor(
    root: string,
    private readonly policy: CheckpointPolicy,
    private readonly chain = new HashChain(),
  ) {
    this.root = path.resolve(root);
  }

  async append(uploadId: string, offset: number, body: ByteBody, options: AppendOptions): Promise<AppendResult> {
    const file = this.pathOf(uploadId);
    await this.ensureShard(path.dirname(file));
    const handle = await this.openForAppend(file);
    try {
      const { size } = await handle.stat();
      if (size < offset) throw new StagedBytesMissingError(uploadId, offset, size);
      // Bytes past the recorded offset were fsynced by a process that died before recording them.
      if (size > offset) await handle.truncate(offset);
    } catch (error) {
      await handle.close();
      throw error;
    }
    const sink: StagingSink = {
      write: async (chunks) => {
        await handle.writev(chunks);
      },
      sync: () => handle.sync(),
      truncate: (at) => handle.truncate(at).then(() => handle.sync()),
      close: () => handle.close(),
    };
    return stagedAppend(uploadId, offset, body, sink, options, this.chain, this.policy);
  }

  sha256(uploadId: string, length: number): Promise<string> {
    return this.chain.digest(uploadId, length, (range) => this.read(uploadId, range));
  }

  async read(uploadId: string, range?: ByteRange): Promise<ByteBody> {
    const file = this.pathOf(uploadId);
    const handle = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new StagedBytesMissingError(uploadId, range ? range.end + 1 : 0, 0) : e;
    });
    const { size } = await handle.stat();
    if (range && size <= range.end) {
      await handle.close();
      throw new StagedBytesMissingError(uploadId, range.end + 1, size);
    }
    if (range && range.end < range.start) {
      await handle.close();
      return (async function* () {})();
    }
    return createReadStream('', { fd: handle, start: range?.start, end: range?.end, highWaterMark: 1024 * 1024 });
  }

  localFile(uploadId: string): string {
    return this.pathOf(uploadId);
  }

  async remove(uploadId: string): Promise<void> {
    this.chain.forget(uploadId);
    await rm(this.pathOf(uploadId), { force: true });
  }

  /** For the sweep: whether anything is staged for an upload. */
  async exists(uploadId: string): Promise<boolean> {
    return stat(this.pathOf(uploadId)).then(
      () => true,
      () => false,
    );
  }

  private pathOf(uploadId: string): string {
    // Upload ids are server-made UUIDs; anything else never becomes part of a path.
    if (canonicalUuid(uploadId) !== uploadId) throw new StagedBytesMissingError(uploadId, 0, 0);
    return path.join(this.root, uploadId.slice(-2), uploadId);
  }

  /**
   * A new staging file's directory entry is fsynced before any of its bytes can be recorded:
   * fsyncing the file alone would leave a recorded offset whose file a power loss can take away.
   */
  private async openForAppend(file: string): Promise<FileHandle> {
    const flags = constants.O_WRONLY | constants.O_APPEND;
    try {
      const handle = await open(file, flags | constants.O_CREAT | constants.O_EXCL, 0o600);
      await syncDir(path.dirname(file)).catch(async (e) => {
        await handle.close();
        throw e;
      });
      return handle;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      return open(file, flags);
    }
  }

  private async ensureShard(dir: string): Promise<void> {
    if (this.shards.has(dir)) return;
    const made = await mkdir(dir, { recursive: true, mode: 0o700 });
    if (made) {
      // The new directories' own entries: in the staging root, and the root's in its parent.
      await syncDir(path.dirname(made));
      if (made !== dir) await syncDir(path.dirname(dir));
    }
    this.shards.add(dir);
  }
}
