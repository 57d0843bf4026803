import { Logger } from '@nestjs/common';
import { File, StorageLocation } from '../../domain/files';
import {
  ImageUnreadableError,
  Rendition,
  RENDITION_KINDS,
  RENDITION_MAX_DIMENSION,
  RenditionRepository,
} from '../../domain/media';
import { StorageProvider, WriteResult } from '../../domain/storage';
import { Clock, StorageProviderRegistry } from '../ports';
import { GenerateThumbnailsCommand } from './commands/generate-thumbnails.command';
import { ImageRenderer } from './ports';

/** A rendition is a few hundred KiB at most; anything far larger is a fault. */
const MAX_RENDITION_BYTES = 16 * 1024 * 1024;

/**
 * Makes a file's renditions in one pass: the original is decoded once as it streams from its
 * provider, every rendition streams into the target, and the rows are written only once every
 * object is stored. All or nothing: an object whose row was not written is deleted again.
 */
export class RenditionMaker {
  private readonly logger = new Logger('Thumbnails');

  constructor(
    private readonly renditions: RenditionRepository,
    private readonly providers: StorageProviderRegistry,
    private readonly renderer: ImageRenderer,
    private readonly clock: Clock,
  ) {}

  async make(file: File, target: StorageProvider, run: GenerateThumbnailsCommand['run']): Promise<Rendition[]> {
    await run.progress?.(10);
    const source = file.readableLocation();
    const body = await this.providers.get(source.providerId).read(source.key);
    // Released once the writes are done, whichever way: a write that failed before reading its
    // body must not keep the source open.
    const release = new AbortController();
    const signal = run.signal ? AbortSignal.any([run.signal, release.signal]) : release.signal;
    const requests = RENDITION_KINDS.map((kind) => ({ kind, maxDimension: RENDITION_MAX_DIMENSION[kind] }));
    const rendered = this.renderer.render(body, requests, signal);
    const writes = await Promise.allSettled(
      rendered.map((r) => target.write(r.body, { maxBytes: MAX_RENDITION_BYTES, contentType: r.contentType, signal })),
    ).finally(() => release.abort());
    const keys = writes.flatMap((w) => (w.status === 'fulfilled' ? [w.value.key] : []));
    const stored = keys.map((key) => StorageLocation.of(target.id, key));
    try {
      const failure = writes.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failure) throw failure.reason;
      await run.progress?.(90);
      const now = this.clock.now();
      const made = rendered.map((r, i) => {
        const { key, size, sha256 } = (writes[i] as PromiseFulfilledResult<WriteResult>).value;
        const { width, height } = r.dimensions() ?? { width: 0, height: 0 };
        const location = StorageLocation.of(target.id, key);
        const facts = { location, contentType: r.contentType, width, height, size, sha256 };
        return Rendition.ready(file.id, r.kind, facts, now);
      });
      await this.renditions.replace(made); // fails when the file was purged meanwhile
      return made;
    } catch (error) {
      await this.deleteQuietly(stored); // no object without its row
      throw error;
    }
  }

  /** Records the failure for every kind (the API answers 422 from it), discards `previous`, then reports it. */
  async fail(file: File, previous: readonly Rendition[], error: ImageUnreadableError): Promise<never> {
    const now = this.clock.now();
    await this.renditions.replace(RENDITION_KINDS.map((kind) => Rendition.failed(file.id, kind, error.reason, now)));
    await this.discard(previous);
    throw error;
  }

  /** The objects of renditions that were replaced; one that cannot be deleted now only costs space. */
  discard(replaced: readonly Rendition[]): Promise<void> {
    return this.deleteQuietly(replaced.flatMap((r) => (r.location ? [r.location] : [])));
  }

  private async deleteQuietly(locations: readonly StorageLocation[]): Promise<void> {
    for (const { providerId, key } of locations) {
      try {
        if (this.providers.has(providerId)) await this.providers.get(providerId).delete(key);
      } catch (error) {
        this.logger.warn(`rendition object ${providerId}/${key} stays behind: ${(error as Error).message}`);
      }
    }
  }
}
