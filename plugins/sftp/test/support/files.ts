import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Every file under `dir` (the server's root, read from the local disk), as paths relative to it. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)))
    .sort();
}
