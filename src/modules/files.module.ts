import { DynamicModule, Module } from '@nestjs/common';
import { FilesController } from '../api/files/files.controller';
import { UsageController } from '../api/files/usage.controller';
import { FILE_COMMAND_HANDLERS, FILE_QUERY_HANDLERS, FILE_READ_MODEL, FileIngestion } from '../application/files';
import { STORAGE_USAGE, UPLOAD_POLICY, UploadPolicy } from '../application/ports';
import { FILE_EVENTS, FILE_REPOSITORY } from '../domain/files';
import { StorageProviderSelector } from '../domain/storage';
import { PurgeDeletedFilesJob } from '../infrastructure/files/jobs/purge-deleted-files.job';
import { QuotaRecountJob } from '../infrastructure/files/jobs/quota-recount.job';
import { MikroFileRepository } from '../infrastructure/persistence/mikro-file.repository';
import { SqlFileReadModel } from '../infrastructure/persistence/sql-file-read-model';
import { SqlStorageUsage } from '../infrastructure/persistence/sql-storage-usage';
import { featureModule, ModuleOptions } from './feature-module';

/** Files: upload in one request, list, read, edit, delete and restore; storage usage and quotas. */
@Module({})
export class FilesModule {
  static register(options: ModuleOptions): DynamicModule {
    const { config } = options;
    const policy: UploadPolicy = {
      maxFileSize: config.maxFileSize,
      storageQuotaBytes: config.storageQuotaBytes,
      selector: new StorageProviderSelector(config.storage.rules, config.storage.defaultProvider),
    };
    return featureModule(FilesModule, options, {
      providers: [
        MikroFileRepository,
        { provide: FILE_REPOSITORY, useExisting: MikroFileRepository },
        { provide: FILE_READ_MODEL, useClass: SqlFileReadModel },
        { provide: STORAGE_USAGE, useClass: SqlStorageUsage },
        { provide: UPLOAD_POLICY, useValue: policy },
        ...FILE_COMMAND_HANDLERS,
        ...FILE_QUERY_HANDLERS,
      ],
      controllers: [FilesController, UsageController],
      jobs: [PurgeDeletedFilesJob, QuotaRecountJob],
      events: FILE_EVENTS,
      exports: [MikroFileRepository, FILE_REPOSITORY, FILE_READ_MODEL, STORAGE_USAGE, UPLOAD_POLICY, FileIngestion],
    });
  }
}
