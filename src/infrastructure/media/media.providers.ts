import { Provider } from '@nestjs/common';
import { IMAGE_RENDERER, MEDIA_JOBS, THUMBNAIL_SETTINGS, ThumbnailSettings } from '../../application/media';
import { RENDITION_REPOSITORY } from '../../domain/media';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { KnexRenditionRepository } from '../persistence/knex-rendition.repository';
import { BullmqMediaJobs } from './bullmq-media-jobs';
import { SharpImageRenderer } from './sharp-image-renderer';

/** The adapters of the media feature (thumbnails), for the API and the workers alike. */
export const MEDIA_PROVIDERS: Provider[] = [
  { provide: IMAGE_RENDERER, useFactory: () => new SharpImageRenderer() },
  { provide: MEDIA_JOBS, useClass: BullmqMediaJobs },
  { provide: RENDITION_REPOSITORY, useClass: KnexRenditionRepository },
  {
    provide: THUMBNAIL_SETTINGS,
    useFactory: (config: AppConfig): ThumbnailSettings => ({
      provider: config.thumbnails.provider,
      defaultProvider: config.storage.defaultProvider,
    }),
    inject: [APP_CONFIG],
  },
];
