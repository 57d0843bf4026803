import { DynamicModule, Module } from '@nestjs/common';
import { UploadsController } from '../api/uploads/uploads.controller';
import { UPLOAD_LOCK, UPLOAD_SETTINGS, UPLOAD_STAGING, UploadSettings } from '../application/ports';
import { UPLOAD_COMMAND_HANDLERS, UPLOAD_QUERY_HANDLERS, UPLOAD_SERVICES } from '../application/uploads';
import { UPLOAD_SESSION_EVENTS, UPLOAD_SESSION_REPOSITORY } from '../domain/uploads';
import { redisOptionsFromUrl } from '../infrastructure/jobs/redis.client';
import { MikroUploadSessionRepository } from '../infrastructure/persistence/mikro-upload-session.repository';
import { UploadSweepJob } from '../infrastructure/uploads/jobs/upload-sweep.job';
import { RedisUploadLock } from '../infrastructure/uploads/redis-upload.lock';
import { buildUploadStaging } from '../infrastructure/uploads/staging/upload-staging.factory';
import { featureModule, ModuleOptions } from './feature-module';

/** Resumable uploads (tus): sessions, staged bytes, one writer per upload, the sweep of idle ones. */
@Module({})
export class UploadsModule {
  static register(options: ModuleOptions): DynamicModule {
    const { config, runtime } = options;
    const { uploads } = config;
    const settings: UploadSettings = {
      maxSize: uploads.maxSize,
      ttlMs: uploads.ttlSeconds * 1000,
      maxActivePerUser: uploads.maxActivePerUser,
      maxReservedBytesPerUser: uploads.maxReservedBytesPerUser,
      directMaxBytes: uploads.directMaxBytes,
      endedRetentionMs: uploads.retentionSeconds * 1000,
    };
    const lockOptions = { keyPrefix: config.queuePrefix, ttlMs: uploads.lockTtlMs };
    const lock = () => new RedisUploadLock(redisOptionsFromUrl(runtime.redisUrl), lockOptions);
    return featureModule(UploadsModule, options, {
      providers: [
        { provide: UPLOAD_SESSION_REPOSITORY, useClass: MikroUploadSessionRepository },
        { provide: UPLOAD_STAGING, useFactory: () => buildUploadStaging(config, runtime.databaseUrl) },
        { provide: UPLOAD_LOCK, useFactory: lock },
        { provide: UPLOAD_SETTINGS, useValue: settings },
        ...UPLOAD_SERVICES,
        ...UPLOAD_COMMAND_HANDLERS,
        ...UPLOAD_QUERY_HANDLERS,
      ],
      controllers: [UploadsController],
      jobs: [UploadSweepJob],
      events: UPLOAD_SESSION_EVENTS,
      exports: [UPLOAD_SESSION_REPOSITORY, UPLOAD_STAGING, UPLOAD_LOCK, UPLOAD_SETTINGS, ...UPLOAD_SERVICES],
    });
  }
}
