import { DynamicModule, Module } from '@nestjs/common';
import { ThumbnailsController } from '../api/files/thumbnails.controller';
import { MediaUrlsController } from '../api/media/media-urls.controller';
import { SignedMediaController } from '../api/media/signed-media.controller';
import { PublicAccessGuard } from '../api/public-access/public-access.guard';
import { MEDIA_COMMAND_HANDLERS, MEDIA_JOBS, MEDIA_QUERY_HANDLERS, THUMBNAIL_SETTINGS } from '../application/media';
import { ThumbnailOnUploadSubscriber } from '../application/media';
import { RENDITION_REPOSITORY } from '../domain/media';
import { ThumbnailsJob } from '../infrastructure/media/jobs/thumbnails.job';
import { MEDIA_PROVIDERS } from '../infrastructure/media/media.providers';
import { featureModule, ModuleOptions } from './feature-module';

/**
 * Media: thumbnails and previews of uploaded images, made by a job after the upload; signed URLs
 * of content and thumbnails, for <img> and <video>, which cannot send a token.
 */
@Module({})
export class MediaModule {
  static register(options: ModuleOptions): DynamicModule {
    return featureModule(MediaModule, options, {
      providers: [...MEDIA_PROVIDERS, ...MEDIA_COMMAND_HANDLERS, ...MEDIA_QUERY_HANDLERS],
      controllers: [ThumbnailsController, MediaUrlsController, SignedMediaController],
      apiProviders: [PublicAccessGuard],
      jobs: [ThumbnailsJob],
      subscribers: [ThumbnailOnUploadSubscriber],
      // Relocation moves renditions along with their file, where THUMBNAIL_SETTINGS says they go.
      exports: [RENDITION_REPOSITORY, MEDIA_JOBS, THUMBNAIL_SETTINGS],
    });
  }
}
