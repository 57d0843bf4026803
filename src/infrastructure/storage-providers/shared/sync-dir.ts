import { open } from 'node:fs/promises';

/** fsyncs a directory, so the entries just made in it (a new file, a rename) survive a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
