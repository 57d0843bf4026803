import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { FILE_REPOSITORY, FileNotFoundError, FileRepository } from '../../../domain/files';
import {
  ImageUnreadableError,
  RENDITION_REPOSITORY,
  RenditionRepository,
  ThumbnailNotAvailableError,
  ThumbnailNotReadyError,
} from '../../../domain/media';
import { loadAccessibleFile } from '../../files/file-access';
import { STORAGE_PROVIDER_REGISTRY, StorageProviderRegistry } from '../../ports';
import { IMAGE_RENDERER, ImageRenderer } from '../ports';
import { GetThumbnailQuery, ThumbnailContent } from './get-thumbnail.query';

/**
 * A file's rendition, for whoever may read the file (another user's file is "not found", as for
 * GET /files/:id). Not made yet → ThumbnailNotReadyError; never to be made → ThumbnailNotAvailableError;
 * the original could not be decoded → ImageUnreadableError.
 */
@QueryHandler(GetThumbnailQuery)
export class GetThumbnailHandler implements IQueryHandler<GetThumbnailQuery, ThumbnailContent> {
  constructor(
    @Inject(FILE_REPOSITORY) private readonly files: FileRepository,
    @Inject(RENDITION_REPOSITORY) private readonly renditions: RenditionRepository,
    @Inject(STORAGE_PROVIDER_REGISTRY) private readonly providers: StorageProviderRegistry,
    @Inject(IMAGE_RENDERER) private readonly renderer: ImageRenderer,
  ) {}

  async execute({ actor, fileId, kind }: GetThumbnailQuery): Promise<ThumbnailContent> {
    const file = await loadAccessibleFile(this.files, actor, fileId);
    if (file.isDeleted) throw new FileNotFoundError(fileId);
    const rendition = await this.renditions.find(file.id, kind);
    if (rendition?.facts) {
      const { location, ...facts } = rendition.facts;
      return {
        fileId: file.id,
        kind,
        ...facts,
        createdAt: rendition.createdAt,
        open: () => this.providers.get(location.providerId).read(location.key),
      };
    }
    if (rendition) throw new ImageUnreadableError(rendition.failureReason ?? 'unknown');
    if (!this.renderer.canRead(file.type.mimeType))
      throw new ThumbnailNotAvailableError(
        file.id,
        `${file.type.mimeType} is not an image type thumbnails are made of`,
      );
    if (!file.hasReadableContent)
      throw new ThumbnailNotAvailableError(file.id, `it is ${file.status}, its bytes cannot be read`);
    throw new ThumbnailNotReadyError(file.id);
  }
}
