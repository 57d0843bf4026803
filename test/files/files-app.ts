import { randomBytes } from 'node:crypto';
import { startTestApp, TestApp } from '../support/test-app';

/** The app the Files API suites run against (files up to 200 MiB), with tokens for two users and an admin. */
export async function startFilesApp(): Promise<{ t: TestApp; alice: string; bob: string; admin: string }> {
  const t = await startTestApp({ MAX_FILE_SIZE: '200MiB' });
  return { t, alice: t.tokenFor('alice'), bob: t.tokenFor('bob'), admin: t.tokenFor('root', ['admin']) };
}

/** `size` bytes as 1 MiB blocks, each numbered so the content is not periodic. */
export function* bigStream(size: number): Generator<Buffer> {
  const block = randomBytes(1024 * 1024);
  let left = size;
  let i = 0;
  while (left > 0) {
    const n = Math.min(block.length, left);
    const chunk = Buffer.from(block.subarray(0, n));
    chunk.writeUInt32BE(i++ >>> 0, 0); // vary each block so the content is not periodic
    yield chunk;
    left -= n;
  }
}
