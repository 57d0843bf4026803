import { createHash } from 'node:crypto';
import { CommandBus } from '@nestjs/cqrs';
import { ConcurrentModificationError, File, FileHash, FileMetadata, FileRepository, FileSize, FileType, StorageLocation, UploadStatus } from '../../../domain/file';
import { RetrievalRequestRepository } from '../../../domain/retrieval';
import { ByteBody, StorageProvider } from '../../../domain/storage';
import { StorageProviderRegistry } from '../../ports';
import { RelocateFileHandler } from './relocate-file.handler';
import { RelocateFileCommand } from './relocation.commands';

const BYTES = Buffer.from('the bytes being moved');
const SHA = createHash('sha256').update(BYTES).digest('hex');
const NOW = new Date('2026-05-01T10:00:00.000Z');
const SOURCE = StorageLocation.of('hot', 'ab/source-object');

const loaded = (version = 3) =>
  File.reconstitute(
    {
      id: 'file-1',
      ownerId: 'alice',
      metadata: FileMetadata.of({ name: 'moving.bin' }),
      type: FileType.of('application/octet-stream'),
      size: FileSize.of(BYTES.length),
      hash: FileHash.sha256(SHA),
      status: UploadStatus.Completed,
      statusBeforeDelete: null,
      locations: [SOURCE],
      createdAt: NOW,
      updatedAt: NOW,
      deletedAt: null,
    },
    version,
  );

async function* body(): ByteBody {
  yield BYTES;
}

function provider(id: string, stored: Map<string, Buffer>): StorageProvider {
  let n = 0;
  return {
    id,
    capabilities: { retrievalRequired: false },
    read: async () => body(),
    write: async (source: ByteBody) => {
      const chunks: Buffer[] = [];
      for await (const c of source) chunks.push(Buffer.from(c));
      const key = `ab/copy-${++n}`;
      stored.set(key, Buffer.concat(chunks));
      return { key, size: BYTES.length, sha256: SHA };
    },
    delete: async (key: string) => void stored.delete(key),
  } as unknown as StorageProvider;
}

describe('RelocateFileHandler', () => {
  it('removes its copy again when the file keeps changing under every save (nothing points at it)', async () => {
    const onTarget = new Map<string, Buffer>();
    const providers = new Map([['hot', provider('hot', new Map())], ['cold', provider('cold', onTarget)]]);
    const registry = { get: (id: string) => providers.get(id)!, has: (id: string) => providers.has(id) } as unknown as StorageProviderRegistry;
    let saves = 0;
    const files = {
      findById: async () => loaded(),
      save: async (file: File) => {
        saves++;
        throw new ConcurrentModificationError(file.id); // an edit lands before every save
      },
    } as unknown as FileRepository;
    const handler = new RelocateFileHandler(files, {} as RetrievalRequestRepository, registry, { now: () => NOW }, {} as CommandBus);

    await expect(handler.execute(new RelocateFileCommand('file-1', 'cold', 'standard', 'alice'))).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(saves).toBeGreaterThan(1);
    expect([...onTarget.keys()]).toEqual([]);
  });
});
