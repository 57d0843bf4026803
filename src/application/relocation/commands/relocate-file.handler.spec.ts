import { createHash } from 'node:crypto';
import {
  ConcurrentModificationError,
  File,
  FileHash,
  FileMetadata,
  FileRepository,
  FileSize,
  FileType,
  StorageLocation,
  UploadStatus,
} from '../../../domain/files';
import { RetrievalRequest, RetrievalRequestRepository } from '../../../domain/retrieval';
import { ByteBody, RestoreNotReadyError, StorageProvider } from '../../../domain/storage';
import { RetrievalPolls, StorageProviderRegistry } from '../../ports';
import { RetrievalRequests } from '../../retrieval/retrieval-requests';
import { RelocateFileHandler } from './relocate-file.handler';
import { RelocateFileCommand } from './relocate-file.command';

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
    const providers = new Map([
      ['hot', provider('hot', new Map())],
      ['cold', provider('cold', onTarget)],
    ]);
    const registry = {
      get: (id: string) => providers.get(id)!,
      has: (id: string) => providers.has(id),
    } as unknown as StorageProviderRegistry;
    let saves = 0;
    const files = {
      findById: async () => loaded(),
      save: async (file: File) => {
        saves++;
        throw new ConcurrentModificationError(file.id); // an edit lands before every save
      },
    } as unknown as FileRepository;
    const handler = new RelocateFileHandler(
      files,
      {} as RetrievalRequestRepository,
      registry,
      { now: () => NOW },
      {} as RetrievalPolls,
      {} as RetrievalRequests,
    );

    await expect(
      handler.execute(new RelocateFileCommand('file-1', 'cold', 'standard', 'alice')),
    ).rejects.toBeInstanceOf(ConcurrentModificationError);
    expect(saves).toBeGreaterThan(1);
    expect([...onTarget.keys()]).toEqual([]);
  });

  it('waits, and has the restore checked at once, when the restored copy is gone sooner than the provider said', async () => {
    const archivedAt = StorageLocation.of('vault', 'archive-1');
    const file = File.reconstitute(
      { ...loaded().snapshot(), status: UploadStatus.Archived, locations: [archivedAt] },
      3,
    );
    const restore = RetrievalRequest.request({
      id: 'retrieval-1',
      fileId: 'file-1',
      ownerId: 'alice',
      requestedBy: 'alice',
      location: archivedAt,
      tier: 'standard',
      days: 1,
      estimatedReadyAt: NOW,
      now: NOW,
    });
    restore.restoreStarted('job-1', NOW);
    restore.complete('job-1', new Date(NOW.getTime() + 3_600_000), NOW);
    const vault = {
      id: 'vault',
      capabilities: { retrievalRequired: true },
      retrieval: {
        readRestored: async () => {
          throw new RestoreNotReadyError('vault', 'archive-1');
        },
      },
    } as unknown as StorageProvider;
    const written: string[] = [];
    const target = {
      ...provider('hot', new Map()),
      write: async () => {
        written.push('copy');
        throw new Error('nothing should be written');
      },
    } as unknown as StorageProvider;
    const providers = new Map([
      ['vault', vault],
      ['hot', target],
    ]);
    const registry = {
      get: (id: string) => providers.get(id)!,
      has: (id: string) => providers.has(id),
    } as unknown as StorageProviderRegistry;
    const scheduled: [string, number][] = [];
    const polls = {
      schedule: async (id: string, delay: number) => void scheduled.push([id, delay]),
    } as unknown as RetrievalPolls;
    const retrievals = {
      findCurrentForFile: async () => restore,
      findById: async () => restore,
    } as unknown as RetrievalRequestRepository;
    const files = { findById: async () => file } as unknown as FileRepository;
    const handler = new RelocateFileHandler(
      files,
      retrievals,
      registry,
      { now: () => NOW },
      polls,
      {} as RetrievalRequests,
    );

    const outcome = await handler.execute(new RelocateFileCommand('file-1', 'hot', 'standard', 'alice'));
    expect(outcome).toMatchObject({ status: 'waiting', retrievalId: 'retrieval-1' });
    expect(scheduled).toEqual([['retrieval-1', 0]]);
    expect(written).toEqual([]);
  });
});
