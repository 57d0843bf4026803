import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DomainError } from '../../src/domain/shared';
import { LocalDiskStaging } from '../../src/infrastructure/uploads/staging/local-disk.staging';
import { StagedBytesMissingError } from '../../src/infrastructure/uploads/staging/staged-bytes-missing.error';
import { bytes, collect } from '../storage-providers/provider-contract';
import { sha256 } from '../support/hashing';
import { chunksOf, describeUploadStagingContract } from './staging-contract';

const policy = { bytes: 64 * 1024, ms: 3_600_000 };
const recordNothing = { maxBytes: Number.MAX_SAFE_INTEGER, onDurable: async () => undefined };

describeUploadStagingContract('local disk', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'flexstorage-staging-'));
  return {
    open: async (p) => new LocalDiskStaging(root, p),
    close: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalDiskStaging', () => {
  let parent: string;
  let root: string;

  beforeAll(async () => {
    parent = await mkdtemp(path.join(tmpdir(), 'flexstorage-staging-local-'));
    root = path.join(parent, 'staging');
  });
  afterAll(() => rm(parent, { recursive: true, force: true }));

  it('names a local file holding exactly the staged bytes, also after residue was dropped', async () => {
    const staging = new LocalDiskStaging(root, policy);
    const id = randomUUID();
    const first = bytes('local-file', 0, 150_000);
    await staging.append(id, 0, chunksOf(first), recordNothing);
    const file = staging.localFile(id);
    expect(path.isAbsolute(file)).toBe(true);
    expect(file.startsWith(root + path.sep)).toBe(true);
    expect((await readFile(file)).equals(first)).toBe(true);

    const next = bytes('local-file-next', 0, 1_000);
    await staging.append(id, 100_000, chunksOf(next), recordNothing);
    const expected = Buffer.concat([first.subarray(0, 100_000), next]);
    expect((await readFile(file)).equals(expected)).toBe(true);
    expect(new LocalDiskStaging(root, policy).localFile(id)).toBe(file); // the same path for every instance
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('drops residue a killed process left in the file (bytes past the recorded offset)', async () => {
    const staging = new LocalDiskStaging(root, policy);
    const id = randomUUID();
    const data = bytes('killed', 0, 40_000);
    await staging.append(id, 0, chunksOf(data.subarray(0, 30_000)), recordNothing);
    // The dead process had fsynced more than it recorded, and some garbage.
    await writeFile(
      staging.localFile(id),
      Buffer.concat([data.subarray(0, 30_000), Buffer.from('garbage past the recorded offset')]),
    );
    const restarted = new LocalDiskStaging(root, policy);
    expect(await restarted.append(id, 30_000, chunksOf(data.subarray(30_000)), recordNothing)).toEqual({
      offset: 40_000,
    });
    expect((await readFile(staging.localFile(id))).equals(data)).toBe(true);
    expect(await restarted.sha256(id, 40_000)).toBe(sha256(data));
  });

  it('fails a whole read (no range) of a removed upload instead of returning nothing', async () => {
    const staging = new LocalDiskStaging(root, policy);
    const id = randomUUID();
    await staging.append(id, 0, chunksOf(bytes('whole-read', 0, 1_000)), recordNothing);
    await staging.remove(id);
    await expect(staging.read(id)).rejects.toBeInstanceOf(StagedBytesMissingError);
    await expect(stat(staging.localFile(id))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never touches a path outside its directory, whatever id it is given', async () => {
    const staging = new LocalDiskStaging(root, policy);
    const sentinel = path.join(parent, 'sentinel');
    await writeFile(sentinel, 'keep me');
    const before = (await readdir(parent, { recursive: true })).sort();
    const uuid = randomUUID();
    const ids = [
      '../../etc/passwd',
      '../sentinel',
      '../../sentinel',
      sentinel,
      `${uuid}/../../../sentinel`,
      `../${uuid}`,
      `${uuid.slice(0, -2)}/../sentinel`,
      `${uuid}\0`,
      `${uuid}/`,
      uuid.toUpperCase(),
      '',
      '.',
      '..',
      'sentinel',
    ];
    for (const id of ids) {
      const attempts: Array<[string, () => unknown]> = [
        ['append', () => staging.append(id, 0, chunksOf(Buffer.from('overwritten!')), recordNothing)],
        ['read', () => staging.read(id)],
        ['read range', () => staging.read(id, { start: 0, end: 3 })],
        ['sha256', () => staging.sha256(id, 7)],
        ['remove', () => staging.remove(id)],
        ['localFile', () => staging.localFile(id)],
        ['exists', () => staging.exists(id)],
      ];
      for (const [operation, attempt] of attempts) {
        const outcome = await (async () => attempt())().then(
          (value) => ({ operation, id, value }),
          (error: unknown) => ({ operation, id, error: error instanceof DomainError }),
        );
        expect(outcome).toEqual({ operation, id, error: true });
      }
    }
    expect(await readFile(sentinel, 'utf8')).toBe('keep me');
    expect((await readdir(parent, { recursive: true })).sort()).toEqual(before);
    expect(await readFile('/etc/passwd', 'utf8')).toContain('root');
  });

  it('keeps one file per upload under a two-character shard of its id', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flexstorage-staging-shards-'));
    try {
      const staging = new LocalDiskStaging(dir, policy);
      const ids = [randomUUID(), randomUUID(), randomUUID()];
      for (const id of ids) await staging.append(id, 0, chunksOf(bytes(id, 0, 100)), recordNothing);
      const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
      expect(files.sort()).toEqual(ids.map((id) => path.join(id.slice(-2), id)).sort());
      for (const id of ids) expect(await staging.exists(id)).toBe(true);
      await staging.remove(ids[0]);
      expect(await staging.exists(ids[0])).toBe(false);
      expect((await collect(await staging.read(ids[1]))).equals(bytes(ids[1], 0, 100))).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
