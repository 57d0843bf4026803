import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { File, FileHash, FileMetadata, FileRepository, FileSize, FileType, StorageLocation } from '../../domain/files';
import { ImageUnreadableError, Rendition, RenditionKind, RenditionRepository } from '../../domain/media';
import {
  ByteBody,
  ProviderCandidate,
  StorageCapabilities,
  StorageProvider,
  WriteOptions,
  WriteResult,
} from '../../domain/storage';
import { SharpImageRenderer } from './sharp-image-renderer';
import { GenerateThumbnailsCommand, GenerateThumbnailsHandler } from '../../application/media';
import { StorageProviderRegistry } from '../../application/ports';

const NOW = new Date('2026-12-10T10:00:00Z');

/** An in-memory provider: enough of the port for the handler (write, read, delete). */
class MemoryProvider implements StorageProvider {
  readonly objects = new Map<string, Buffer>();
  readonly capabilities: StorageCapabilities;
  private next = 0;
  constructor(
    readonly id: string,
    instantAccess: boolean,
    private readonly failWrites = false,
  ) {
    this.capabilities = {
      instantAccess,
      rangeReads: true,
      retrievalRequired: !instantAccess,
      retrievalTiers: [],
      maxObjectSize: null,
      deletion: 'immediate',
      minimumStorageDays: 0,
    };
  }
  async write(body: ByteBody, options: WriteOptions): Promise<WriteResult> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) {
      if (this.failWrites) throw Object.assign(new Error('disk on fire'), { code: 'EIO' });
      chunks.push(Buffer.from(chunk));
    }
    const bytes = Buffer.concat(chunks);
    if (bytes.length > options.maxBytes) throw new Error('too large');
    const key = `obj-${++this.next}`;
    this.objects.set(key, bytes);
    return { key, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
  async read(key: string): Promise<ByteBody> {
    const bytes = this.objects.get(key);
    if (!bytes) throw new Error(`no ${key}`);
    return (async function* () {
      for (let i = 0; i < bytes.length; i += 4096) yield bytes.subarray(i, i + 4096);
    })();
  }
  async head() {
    return null;
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
  async health() {
    return { healthy: true };
  }
}

class MemoryRenditions implements RenditionRepository {
  readonly rows = new Map<string, Rendition>();
  async find(fileId: string, kind: RenditionKind) {
    return this.rows.get(`${fileId}/${kind}`) ?? null;
  }
  async findAll(fileId: string) {
    return [...this.rows.values()].filter((r) => r.fileId === fileId);
  }
  async replace(renditions: readonly Rendition[]) {
    for (const r of renditions) this.rows.set(`${r.fileId}/${r.kind}`, r);
  }
}

function setUp(options: { failingTarget?: boolean } = {}) {
  const providers = new Map<string, MemoryProvider>([
    ['cold', new MemoryProvider('cold', false)],
    ['hot', new MemoryProvider('hot', true, options.failingTarget)],
    ['default', new MemoryProvider('default', true, options.failingTarget)],
  ]);
  const registry: StorageProviderRegistry = {
    get: (id) => providers.get(id)!,
    has: (id) => providers.has(id),
    candidates: async () =>
      [...providers.values()].map((p): ProviderCandidate => ({
        id: p.id,
        capabilities: p.capabilities,
        healthy: true,
      })),
  };
  const files = new Map<string, File>();
  const repo = { findById: async (id: string) => files.get(id) ?? null } as unknown as FileRepository;
  const renditions = new MemoryRenditions();
  const handler = new GenerateThumbnailsHandler(
    repo,
    renditions,
    registry,
    new SharpImageRenderer(),
    { defaultProvider: 'default' },
    { now: () => NOW },
  );
  const addFile = (providerId: string, bytes: Buffer, mimeType = 'image/png') => {
    const key = `original-${files.size}`;
    providers.get(providerId)!.objects.set(key, bytes);
    const file = File.ingest({
      id: `0193a000-0000-7000-8000-00000000000${files.size}`,
      ownerId: 'alice',
      metadata: FileMetadata.of({ name: 'a.png' }),
      type: FileType.of(mimeType),
      location: StorageLocation.of(providerId, key),
      size: FileSize.of(bytes.length),
      hash: FileHash.sha256(createHash('sha256').update(bytes).digest('hex')),
      archived: false,
      now: NOW,
    });
    files.set(file.id, file);
    return file;
  };
  return { handler, providers, renditions, addFile };
}

const png = (width: number, height: number) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })
    .png()
    .toBuffer();

describe('GenerateThumbnailsHandler with the sharp renderer', () => {
  it('stores the renditions of a file on a non-instant provider on the default provider', async () => {
    const { handler, providers, renditions, addFile } = setUp();
    const file = addFile('cold', await png(2000, 1000));
    await expect(handler.execute(new GenerateThumbnailsCommand(file.id))).resolves.toEqual({
      generated: ['thumb', 'preview'],
      providerId: 'default',
    });
    const thumb = (await renditions.find(file.id, 'thumb'))!;
    expect(thumb.facts).toMatchObject({ width: 256, height: 128, contentType: 'image/webp' });
    expect(thumb.location!.providerId).toBe('default');
    const stored = providers.get('default')!.objects.get(thumb.location!.key)!;
    expect(createHash('sha256').update(stored).digest('hex')).toBe(thumb.facts!.sha256);
    expect((await sharp(stored).metadata()).format).toBe('webp');
    expect((await renditions.find(file.id, 'preview'))!.facts).toMatchObject({ width: 1440, height: 720 });
  });

  it("stores them next to the original when the file's provider reads instantly, and does the work once", async () => {
    const { handler, providers, addFile } = setUp();
    const file = addFile('hot', await png(300, 300));
    await expect(handler.execute(new GenerateThumbnailsCommand(file.id))).resolves.toMatchObject({ providerId: 'hot' });
    await expect(handler.execute(new GenerateThumbnailsCommand(file.id))).resolves.toEqual({
      skipped: 'already generated',
    });
    expect(providers.get('hot')!.objects.size).toBe(3); // the original and two renditions
  });

  it('records a corrupt image as failed for both kinds and stores nothing', async () => {
    const { handler, providers, renditions, addFile } = setUp();
    const good = await png(400, 300);
    const file = addFile('hot', Buffer.concat([good.subarray(0, 100), Buffer.alloc(5000, 7)]));
    await expect(handler.execute(new GenerateThumbnailsCommand(file.id))).rejects.toBeInstanceOf(ImageUnreadableError);
    expect((await renditions.findAll(file.id)).map((r) => [r.kind, r.status])).toEqual([
      ['thumb', 'failed'],
      ['preview', 'failed'],
    ]);
    expect((await renditions.find(file.id, 'thumb'))!.failureReason).not.toContain('\n');
    expect(providers.get('hot')!.objects.size).toBe(1);
  });

  it('lets a storage failure through for a retry, recording nothing and leaving no object behind', async () => {
    const { handler, providers, renditions, addFile } = setUp({ failingTarget: true });
    const file = addFile('hot', await png(400, 300));
    await expect(handler.execute(new GenerateThumbnailsCommand(file.id))).rejects.toThrow('disk on fire');
    expect(await renditions.findAll(file.id)).toEqual([]);
    expect(providers.get('hot')!.objects.size).toBe(1);
  });

  it('skips files that are not images it can read', async () => {
    const { handler, addFile } = setUp();
    const file = addFile('hot', Buffer.from('hello'), 'text/plain');
    await expect(handler.execute(new GenerateThumbnailsCommand(file.id))).resolves.toEqual({
      skipped: 'text/plain is not a readable image type',
    });
    await expect(
      handler.execute(new GenerateThumbnailsCommand('0193a000-0000-7000-8000-0000000000ff')),
    ).resolves.toEqual({ skipped: 'file is gone' });
  });
});

describe('SharpImageRenderer', () => {
  const renderer = new SharpImageRenderer();
  const requests = [
    { kind: 'thumb' as const, maxDimension: 256 },
    { kind: 'preview' as const, maxDimension: 1440 },
  ];
  const drain = async (body: ByteBody) => {
    for await (const _ of body) void _;
  };

  it('reads the image types its sharp build decodes, and no others', () => {
    for (const mime of ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/tiff', 'image/avif', 'IMAGE/PNG'])
      expect(renderer.canRead(mime)).toBe(true);
    for (const mime of ['image/svg+xml', 'text/plain', 'application/pdf', 'video/mp4'])
      expect(renderer.canRead(mime)).toBe(false);
    expect(renderer.canRead('image/heic')).toBe(!!sharp.format.heif.input.fileSuffix?.includes('.heic'));
  });

  it("reports a failing source as the source's error (worth a retry), not as an unreadable image", async () => {
    const bytes = await png(500, 400);
    const source = (async function* () {
      yield bytes.subarray(0, 200);
      throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
    })();
    const outputs = renderer.render(source, requests);
    for (const output of outputs) await expect(drain(output.body)).rejects.toThrow('connection reset');
  });

  it('lets go of the source when its signal fires, even if no body was ever read', async () => {
    const source = new Readable({ read() {} }); // a provider stream that sends a little, then hangs
    source.push(Buffer.alloc(10));
    const abort = new AbortController();
    renderer.render(source, requests, abort.signal);
    await new Promise((r) => setTimeout(r, 20));
    abort.abort(new Error('done'));
    expect(source.destroyed).toBe(true);
  });
});
