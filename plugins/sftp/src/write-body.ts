import type { SFTPWrapper } from 'ssh2';
import { channelClosed, isClosed, maxWriteLength, noted } from './channel';

/*
 * ssh2's own streams (which ssh2-sftp-client's put and createWriteStream use) keep one request
 * outstanding, so every block waits a full round trip: on loopback that halves write throughput,
 * and over a WAN it caps it at one block per RTT.
 */

/** Chunks smaller than this are gathered into one request: a body of tiny chunks costs few round trips. */
const GATHER_BELOW = 64 * 1024;

/**
 * Writes `body` from offset 0 with up to `depth` WRITE requests outstanding. ssh2 copies each
 * request's bytes into its packet at once, so no chunk of the body is held after it was sent.
 * Resolves when the server has acknowledged every byte; rejects with the first failure. Once
 * `signal` aborts no further request goes out: the caller may close the handle at once (OpenSSH
 * reuses handle numbers, so a late WRITE could land in the next file opened).
 */
export async function writeBody(
  sftp: SFTPWrapper,
  handle: Buffer,
  body: AsyncIterable<Buffer>,
  { depth, signal }: { depth: number; signal?: AbortSignal },
): Promise<void> {
  const block = maxWriteLength(sftp);
  let position = 0;
  let inFlight = 0;
  let failure: { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const settled = () => {
    const waiter = wake;
    wake = undefined;
    waiter?.();
  };
  const until = async (done: () => boolean) => {
    while (!done() && !failure) await new Promise<void>((resolve) => (wake = resolve));
    if (failure) throw failure.error;
  };
  const send = async (bytes: Buffer) => {
    for (let at = 0; at < bytes.length; at += block) {
      await until(() => inFlight < depth);
      signal?.throwIfAborted();
      if (isClosed(sftp)) throw channelClosed();
      const piece = bytes.subarray(at, at + block);
      inFlight++;
      sftp.write(handle, piece, 0, piece.length, position, (error) => {
        inFlight--;
        if (error && !failure) failure = { error: noted(sftp, error) };
        settled();
      });
      position += piece.length;
    }
  };
  await sendAll(body, send);
  await until(() => inFlight === 0); // requests pending when the channel closes are failed by ssh2
}

/** Sends chunks of at least GATHER_BELOW bytes as they are, and gathers smaller ones until they are. */
async function sendAll(body: AsyncIterable<Buffer>, send: (bytes: Buffer) => Promise<void>): Promise<void> {
  let gathered: Buffer[] = [];
  let gatheredBytes = 0;
  for await (const chunk of body) {
    if (gatheredBytes === 0 && chunk.length >= GATHER_BELOW) {
      await send(chunk);
      continue;
    }
    gathered.push(chunk);
    gatheredBytes += chunk.length;
    if (gatheredBytes >= GATHER_BELOW) {
      const bytes = Buffer.concat(gathered, gatheredBytes);
      gathered = [];
      gatheredBytes = 0;
      await send(bytes);
    }
  }
  if (gatheredBytes > 0) await send(Buffer.concat(gathered, gatheredBytes));
}
