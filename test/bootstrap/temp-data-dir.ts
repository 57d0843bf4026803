import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * A throw-away DATA_DIR. World-searchable because, when the tests run as root, the embedded
 * cluster runs as the postgres system user, which must reach it (mkdtemp makes it 0700).
 */
export async function tempDataDir(): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'flexstorage-bootstrap-'));
  await chmod(dir, 0o755);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
