import { readdir } from 'node:fs/promises';

/** The files (not folders) below `dir` whose name `match` accepts; 0 for a folder that is not there. */
export async function countFiles(dir: string, match: (name: string) => boolean = () => true): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && match(e.name)).length;
}

/**
 * Files left below `dir` once in-flight writes settle: a temporary file seen there for a moment
 * (a background job of the same app writing through tmp/) is not a leak; one that stays is.
 */
export async function settledFileCount(dir: string, waitMs = 15_000): Promise<number> {
  const deadline = Date.now() + waitMs;
  let count = await countFiles(dir);
  while (count > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    count = await countFiles(dir);
  }
  return count;
}
