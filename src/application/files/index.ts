import { GetStorageUsageHandler } from './queries/get-storage-usage.query';
import { PurgeDeletedFilesHandler } from './commands/purge-deleted-files.handler';
import { DeleteFileHandler, RestoreFileHandler, UpdateFileMetadataHandler } from './commands/file-lifecycle.handlers';
import { UploadFileHandler } from './commands/upload-file.handler';
import { FileIngestion } from './file-ingestion';
import { GetFileContentHandler, GetFileHandler, ListFilesHandler } from './queries/file.query-handlers';

export * from './commands/file-lifecycle.commands';
export * from './commands/upload-file.command';
export * from './file-ingestion';
export * from './file-view';
export * from './queries/file-read-model';
export * from './queries/file.queries';

export const FILE_COMMAND_HANDLERS = [FileIngestion, UploadFileHandler, UpdateFileMetadataHandler, DeleteFileHandler, RestoreFileHandler, PurgeDeletedFilesHandler];
export const FILE_QUERY_HANDLERS = [GetStorageUsageHandler, GetFileHandler, ListFilesHandler, GetFileContentHandler];
export { PurgeDeletedFilesCommand } from './commands/purge-deleted-files.handler';
export { GetStorageUsageQuery } from './queries/get-storage-usage.query';
