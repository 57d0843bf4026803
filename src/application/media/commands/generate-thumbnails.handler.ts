import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileRepository } from '../../../domain/files';
import {
  ImageUnreadableError,
  RENDITION_KINDS,
  RENDITION_REPOSITORY,
  RenditionRepository,
} from '../../../domain/media';
import { CLOCK, Clock, STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { IMAGE_RENDERER, ImageRenderer, THUMBNAIL_SETTINGS, ThumbnailSettings } from '../ports';
import { RenditionMaker } from '../rendition-maker';
import { renditionTarget } from '../rendition-provider';
import { GenerateThumbnailsCommand, ThumbnailsOutcome } from './generate-thumbnails.command';

/**
 * Makes a file's renditions into an instantly readable provider, replacing earlier ones (whose
 * objects are deleted). A corrupt original is recorded as failed (so the API can say so) and
 * reported as ImageUnreadableError, which is not worth retrying.
 */
@CommandHandler(GenerateThumbnailsCommand)
export class GenerateThumbnailsHandler implements ICommandHandler<GenerateThumbnailsCommand, ThumbnailsOutcome> {
  private readonly maker: RenditionMaker;

  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RENDITION_REPOSITORY) private readonly renditions: RenditionRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(IMAGE_RENDERER) private readonly renderer: ImageRenderer,
    @Inject(THUMBNAIL_SETTINGS) private readonly settings: ThumbnailSettings,
    @Inject(CLOCK) clock: Clock,
  ) {
    this.maker = new RenditionMaker(renditions, providers, renderer, clock);
  }

  async execute({ fileId, run }: GenerateThumbnailsCommand): Promise<ThumbnailsOutcome> {
    const file = await this.files.findById(fileId);
    if (!file?.hasReadableContent) return { skipped: file ? `file is ${file.status}` : 'file is gone' };
    const { mimeType } = file.type;
    if (!this.renderer.canRead(mimeType)) return { skipped: `${mimeType} is not a readable image type` };
    const previous = await this.renditions.findAll(file.id);
    const made = (kind: string) => previous.some((r) => r.kind === kind && r.isReady);
    if (RENDITION_KINDS.every(made)) return { skipped: 'already generated' };

    const limit = this.renderer.maxSourceBytes;
    if (file.size.bytes > limit) {
      const tooLarge = new ImageUnreadableError(`larger than the ${limit} bytes thumbnails are made from`);
      return this.maker.fail(file, previous, tooLarge);
    }
    const target = await renditionTarget(file, this.settings, this.providers);
    const stored = await this.maker.make(file, target, run).catch((error: unknown) => {
      if (error instanceof ImageUnreadableError) return this.maker.fail(file, previous, error);
      throw error;
    });
    await this.maker.discard(previous);
    await run.progress?.(100);
    return { generated: stored.map((r) => r.kind), providerId: target.id };
  }
}
