import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DomainError } from '../../src/domain/shared';
import { LocalFsProvider } from '../../src/infrastructure/storage-providers/local-fs/local-fs.provider';
import { countFiles } from '../support/files-on-disk';
import { describeStorageProviderContract } from './provider-contract';

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

describe('LocalFsProvider after a crash', () => {
  it('removes temp files a killed process left behind, and only stale ones', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'flexstorage-local-fs-crash-'));
    try {
      await mkdir(path.join(root, 'tmp'), { recursive: true });
      const stale = path.join(root, 'tmp', 'dead-upload.part');
      const fresh = path.join(root, 'tmp', 'live-upload.part');
      await writeFile(stale, 'half an upload');
      await writeFile(fresh, 'an upload in progress');
      const dayAgo = new Date(Date.now() - 24 * 3600 * 1000);
      await utimes(stale, dayAgo, dayAgo);

      const provider = new LocalFsProvider(root);
      expect((await provider.health()).healthy).toBe(true); // first use prepares the directories and sweeps
      await new Promise((r) => setTimeout(r, 200));
      expect(await readdir(path.join(root, 'tmp'))).toEqual(['live-upload.part']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
