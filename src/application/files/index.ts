import { GetStorageUsageHandler } from './queries/get-storage-usage.handler';
import { PurgeDeletedFilesHandler } from './commands/purge-deleted-files.handler';
import { DeleteFileHandler } from './commands/delete-file.handler';
import { RestoreFileHandler } from './commands/restore-file.handler';
import { UpdateFileMetadataHandler } from './commands/update-file-metadata.handler';
import { UploadFileHandler } from './commands/upload-file.handler';
import { FileIngestion } from './file-ingestion';
import { GetFileContentHandler } from './queries/get-file-content.handler';
import { GetFileHandler } from './queries/get-file.handler';
import { ListFilesHandler } from './queries/list-files.handler';

export * from './commands/update-file-metadata.command';
export * from './commands/delete-file.command';
export * from './commands/restore-file.command';
export * from './commands/upload-file.command';
export * from './file-ingestion';
export * from './file-view';
export * from './queries/file-read-model';
export * from './queries/get-file.query';
export * from './queries/list-files.query';
export * from './queries/get-file-content.query';

export const FILE_COMMAND_HANDLERS = [
  FileIngestion,
  UploadFileHandler,
  UpdateFileMetadataHandler,
  DeleteFileHandler,
  RestoreFileHandler,
  PurgeDeletedFilesHandler,
];
export const FILE_QUERY_HANDLERS = [GetStorageUsageHandler, GetFileHandler, ListFilesHandler, GetFileContentHandler];
export { PurgeDeletedFilesCommand } from './commands/purge-deleted-files.command';
export { GetStorageUsageQuery } from './queries/get-storage-usage.query';
