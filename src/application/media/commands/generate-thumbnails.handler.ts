import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { File, FILE_REPOSITORY, FileRepository, StorageLocation, UploadStatus } from '../../../domain/files';
import { ImageUnreadableError, Rendition, RENDITION_KINDS, RENDITION_MAX_DIMENSION, RENDITION_REPOSITORY, RenditionRepository } from '../../../domain/media';
import { NoStorageProviderAvailableError, StorageProvider, WriteResult } from '../../../domain/storage';
import { CLOCK, Clock, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { IMAGE_RENDERER, ImageRenderer, THUMBNAIL_SETTINGS, ThumbnailSettings } from '../ports';
import { chooseRenditionProvider } from '../rendition-provider';
import { GenerateThumbnailsCommand, ThumbnailsOutcome } from './generate-thumbnails.command';

/** A rendition is a few hundred KiB at most; anything far larger is a fault. */
const MAX_RENDITION_BYTES = 16 * 1024 * 1024;

/**
 * Decodes the original once (streamed from its provider) and streams each rendition into an
 * instantly readable provider; the rows are written only when every object is stored, and objects
 * of a failed or replaced attempt are deleted. A corrupt original is recorded as failed (so the API
 * can say so) and reported as ImageUnreadableError, which is not worth retrying.
 */
@CommandHandler(GenerateThumbnailsCommand)
export class GenerateThumbnailsHandler implements ICommandHandler<GenerateThumbnailsCommand, ThumbnailsOutcome> {
  private readonly logger = new Logger('Thumbnails');

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RENDITION_REPOSITORY) private readonly renditions: RenditionRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(IMAGE_RENDERER) private readonly renderer: ImageRenderer,
    @Inject(THUMBNAIL_SETTINGS) private readonly settings: ThumbnailSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ fileId, run }: GenerateThumbnailsCommand): Promise<ThumbnailsOutcome> {
    const file = await this.files.findById(fileId);
    if (!file?.hasReadableContent) return { skipped: file ? `file is ${file.status}` : 'file is gone' };
    if (!this.renderer.canRead(file.type.mimeType)) return { skipped: `${file.type.mimeType} is not a readable image type` };
    const previous = await this.renditions.findAll(file.id);
    if (RENDITION_KINDS.every((kind) => previous.some((r) => r.kind === kind && r.isReady))) return { skipped: 'already generated' };

    if (file.size.bytes > this.renderer.maxSourceBytes) {
      return this.fail(file, previous, new ImageUnreadableError(`larger than the ${this.renderer.maxSourceBytes} bytes thumbnails are made from`));
    }
    const target = await this.target(file);
    const made = await this.store(file, target, run).catch((error: unknown) => {
      if (error instanceof ImageUnreadableError) return this.fail(file, previous, error);
      throw error;
    });
    await this.deleteQuietly(previous.flatMap((r) => (r.location ? [r.location] : [])));
    await run.progress?.(100);
    return { generated: made.map((r) => r.kind), providerId: target.id };
  }

  /** Renders from the original as it streams in, stores every rendition, then their rows; all or nothing. */
  private async store(file: File, target: StorageProvider, run: GenerateThumbnailsCommand['run']): Promise<Rendition[]> {
    await run.progress?.(10);
    const source = file.readableLocation();
    const body = await this.providers.get(source.providerId).read(source.key);
    // Released once the writes are done, whichever way: a write that failed before reading its body must not keep the source open.
    const release = new AbortController();
    const signal = run.signal ? AbortSignal.any([run.signal, release.signal]) : release.signal;
    const rendered = this.renderer.render(body, RENDITION_KINDS.map((kind) => ({ kind, maxDimension: RENDITION_MAX_DIMENSION[kind] })), signal);
    const writes = await Promise.allSettled(rendered.map((r) => target.write(r.body, { maxBytes: MAX_RENDITION_BYTES, contentType: r.contentType, signal }))).finally(() => release.abort());
    const stored = writes.flatMap((w) => (w.status === 'fulfilled' ? [StorageLocation.of(target.id, w.value.key)] : []));
    try {
      const failure = writes.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failure) throw failure.reason;
      await run.progress?.(90);
      const now = this.clock.now();
      const made = rendered.map((r, i) => {
        const { key, size, sha256 } = (writes[i] as PromiseFulfilledResult<WriteResult>).value;
        const { width, height } = r.dimensions() ?? { width: 0, height: 0 };
        return Rendition.ready(file.id, r.kind, { location: StorageLocation.of(target.id, key), contentType: r.contentType, width, height, size, sha256 }, now);
      });
      await this.renditions.replace(made); // fails when the file was purged meanwhile
      return made;
    } catch (error) {
      await this.deleteQuietly(stored); // no object without its row
      throw error;
    }
  }

  private async target(file: File): Promise<StorageProvider> {
    const id = chooseRenditionProvider(file.primaryLocation().providerId, this.settings, await this.providers.candidates());
    if (!id) throw new NoStorageProviderAvailableError('no provider reads instantly, as thumbnails need');
    return this.providers.get(id);
  }

  /** Records the failure for every kind (the API answers 422 from it), then reports it. */
  private async fail(file: File, previous: readonly Rendition[], error: ImageUnreadableError): Promise<never> {
    const now = this.clock.now();
    await this.renditions.replace(RENDITION_KINDS.map((kind) => Rendition.failed(file.id, kind, error.reason, now)));
    await this.deleteQuietly(previous.flatMap((r) => (r.location ? [r.location] : [])));
    throw error;
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
