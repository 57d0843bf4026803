import { randomBytes } from 'node:crypto';
import type SftpClient from 'ssh2-sftp-client';
import type { SftpSession } from './connection';
import { openFile } from './channel';

/**
 * Keys are made by the store, never by callers: 32 random hex digits. Random (not time-ordered
 * like a UUIDv7) so the first two digits spread objects evenly over 256 shard directories.
 */
export function newKey(): string {
  return randomBytes(16).toString('hex');
}

const KEY = /^[0-9a-f]{32}$/;

/**
 * Whether `key` could be one of ours. Anything else names no object, so it is answered as
 * missing without a request — and it can never reach the server as a path ("../x", "/etc").
 */
export function isStoreKey(key: string): boolean {
  return KEY.test(key);
}

export function isNoSuchFile(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 2 || code === 'ENOENT'; // ssh2's SFTP status, ssh2-sftp-client's spelling
}

/**
 * Where objects live under the root: `<root>/<first two digits of the key>/<key>`, written first
 * as `<root>/.incoming/<key>.<random>.part` and renamed into place once complete and checked.
 * Directories are made on first need and remembered.
 */
export class ShardedLayout {
  readonly root: string;
  readonly incoming: string;
  private readonly knownDirs = new Set<string>();

  constructor(root: string) {
    this.root = root.length > 1 ? root.replace(/\/+$/, '') : root;
    this.incoming = `${this.root}/.incoming`;
  }

  objectPath(key: string): string {
    return `${this.shardOf(key)}/${key}`;
  }

  partialPath(key: string): string {
    return `${this.incoming}/${key}.${randomBytes(4).toString('hex')}.part`;
  }

  /** Opens a new partial file for writing, making `.incoming` the first time. */
  async openPartial(session: SftpSession, partial: string): Promise<Buffer> {
    try {
      return await openFile(session.sftp, partial, 'wx');
    } catch (error) {
      if (!isNoSuchFile(error)) throw error;
      await this.ensureDir(session.client, this.incoming);
      return openFile(session.sftp, partial, 'wx');
    }
  }

  /** Renames a complete partial file to its key, making the shard directory the first time. */
  async publish(client: SftpClient, partial: string, key: string): Promise<void> {
    const shard = this.shardOf(key);
    if (!this.knownDirs.has(shard)) await this.ensureDir(client, shard);
    try {
      await client.rename(partial, this.objectPath(key));
    } catch (error) {
      if (!isNoSuchFile(error)) throw error;
      // The shard was removed behind our back: make it again, once.
      this.knownDirs.delete(shard);
      await this.ensureDir(client, shard);
      await client.rename(partial, this.objectPath(key));
    }
  }

  private shardOf(key: string): string {
    return `${this.root}/${key.slice(0, 2)}`;
  }

  /** mkdir that tolerates a directory made meanwhile by a concurrent write (or another host). */
  private async ensureDir(client: SftpClient, dir: string): Promise<void> {
    try {
      await client.mkdir(dir);
    } catch (error) {
      if ((await client.exists(dir)) !== 'd') throw error;
    }
    this.knownDirs.add(dir);
  }
}
