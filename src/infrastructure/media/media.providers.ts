import { Provider } from '@nestjs/common';
import {
  IMAGE_RENDERER,
  MEDIA_JOBS,
  MEDIA_URL_SETTINGS,
  MEDIA_URL_SIGNER,
  MediaUrlSettings,
  THUMBNAIL_SETTINGS,
  ThumbnailSettings,
} from '../../application/media';
import { RENDITION_REPOSITORY } from '../../domain/media';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { RUNTIME, RuntimeSettings } from '../config/runtime';
import { KnexRenditionRepository } from '../persistence/knex-rendition.repository';
import { BullmqMediaJobs } from './bullmq-media-jobs';
import { HmacMediaUrlSigner } from './hmac-media-url-signer';
import { SharpImageRenderer } from './sharp-image-renderer';

/** The adapters of the media feature (thumbnails, signed URLs), for the API and the workers alike. */
export const MEDIA_PROVIDERS: Provider[] = [
  { provide: IMAGE_RENDERER, useFactory: () => new SharpImageRenderer() },
  { provide: MEDIA_JOBS, useClass: BullmqMediaJobs },
  { provide: RENDITION_REPOSITORY, useClass: KnexRenditionRepository },
  {
    provide: THUMBNAIL_SETTINGS,
    useFactory: (config: AppConfig): ThumbnailSettings => ({
      provider: config.media.provider,
      defaultProvider: config.storage.defaultProvider,
    }),
    inject: [APP_CONFIG],
  },
  {
    provide: MEDIA_URL_SIGNER,
    useFactory: (runtime: RuntimeSettings) => new HmacMediaUrlSigner(runtime.mediaUrlKeys),
    inject: [RUNTIME],
  },
  {
    provide: MEDIA_URL_SETTINGS,
    useFactory: ({ media }: AppConfig): MediaUrlSettings => ({
      ttlSeconds: media.urls.ttlSeconds,
      maxTtlSeconds: media.urls.maxTtlSeconds,
    }),
    inject: [APP_CONFIG],
  },
];
