import type { SFTPWrapper } from 'ssh2';

/**
 * The raw SFTP requests the store makes itself (beside ssh2-sftp-client's), each refusing at once
 * on a closed channel instead of waiting forever for an answer that cannot come.
 */

/** Largest data length one request may carry (the server's limits@openssh.com, else SFTP's 32 KiB floor). */
export function maxWriteLength(sftp: SFTPWrapper): number {
  const advertised = (sftp as unknown as { _maxWriteLen?: number })._maxWriteLen;
  return Math.min(advertised && advertised > 0 ? advertised : 32 * 1024, 256 * 1024);
}

export function maxReadLength(sftp: SFTPWrapper): number {
  const advertised = (sftp as unknown as { _maxReadLen?: number })._maxReadLen;
  return Math.min(advertised && advertised > 0 ? advertised : 32 * 1024, 256 * 1024);
}

const closedChannels = new WeakSet<SFTPWrapper>();

/**
 * Remembers when `sftp` closes. ssh2 answers the requests pending at that moment with "No
 * response from server" (before it emits 'end' or 'close'), and silently drops any sent
 * afterwards: their callbacks never run. So every request here first asks `isClosed`, and that
 * error marks the channel closed at once. Called once per channel, right after connecting.
 */
export function trackChannel(sftp: SFTPWrapper): void {
  sftp.once('end', () => closedChannels.add(sftp));
  sftp.once('close', () => closedChannels.add(sftp));
}

export function isClosed(sftp: SFTPWrapper): boolean {
  return closedChannels.has(sftp) || (sftp as unknown as { readable?: boolean }).readable === false;
}

/** Passes `error` on, first noting a closed channel when that is what it says. */
export function noted(sftp: SFTPWrapper, error: Error): Error {
  if (error.message === 'No response from server') closedChannels.add(sftp);
  return error;
}

export function channelClosed(): Error {
  return Object.assign(new Error('the SFTP channel closed (connection lost)'), { code: 'ECONNRESET' });
}

export function openFile(sftp: SFTPWrapper, path: string, flags: 'r' | 'wx', mode = 0o640): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (isClosed(sftp)) return reject(channelClosed());
    sftp.open(path, flags, { mode }, (error, handle) => (error ? reject(noted(sftp, error)) : resolve(handle)));
  });
}

export function closeFile(sftp: SFTPWrapper, handle: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (isClosed(sftp)) return reject(channelClosed());
    sftp.close(handle, (error) => (error ? reject(noted(sftp, error)) : resolve()));
  });
}

/** Closes a handle without waiting for the answer; on a closed channel the handle is gone anyway. */
export function dropHandle(sftp: SFTPWrapper, handle: Buffer): void {
  if (!isClosed(sftp)) sftp.close(handle, () => undefined);
}

export function sizeOfOpenFile(sftp: SFTPWrapper, handle: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    if (isClosed(sftp)) return reject(channelClosed());
    sftp.fstat(handle, (error, stats) => (error ? reject(noted(sftp, error)) : resolve(stats.size)));
  });
}
