import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DomainError } from '../../src/domain/shared';
import { LocalFsProvider } from '../../src/infrastructure/storage-providers/local-fs/local-fs.provider';
import { describeStorageProviderContract } from './provider-contract';

async function countFiles(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).length;
}

describeStorageProviderContract('local-fs', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'flexstorage-local-fs-'));
  return {
    provider: new LocalFsProvider(root),
    boundary: 1024 * 1024,
    footprint: async () => ({
      objects: await countFiles(path.join(root, 'objects')),
      tmp: await countFiles(path.join(root, 'tmp')),
    }),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalFsProvider outside its root', () => {
  it('never reads or deletes a file next to its root, whatever key it is given', async () => {
    const parent = await mkdtemp(path.join(tmpdir(), 'flexstorage-local-fs-fence-'));
    try {
      const provider = new LocalFsProvider(path.join(parent, 'root'));
      const sentinel = path.join(parent, 'sentinel');
      await writeFile(sentinel, 'keep me');
      for (const key of ['../sentinel', '../../sentinel', sentinel, `objects/../../sentinel`, 'ab/../../../sentinel']) {
        await expect(provider.read(key)).rejects.toBeInstanceOf(DomainError);
        await expect(provider.delete(key)).rejects.toBeInstanceOf(DomainError);
      }
      expect(await readFile(sentinel, 'utf8')).toBe('keep me');
    } finally {
      await rm(parent, { recursive: true, force: true });
    }
  });
});
