import { AppendUploadChunkHandler } from './commands/append-upload-chunk.handler';
import { CreateUploadHandler } from './commands/create-upload.handler';
import { FinishUploadHandler } from './commands/finish-upload.handler';
import { SweepUploadsHandler } from './commands/sweep-uploads.handler';
import { TerminateUploadHandler } from './commands/terminate-upload.handler';
import { DirectUpload } from './direct-upload';
import { GetUploadHandler } from './queries/get-upload.handler';
import { UploadChunkReceiver } from './upload-chunk-receiver';
import { UploadCompletion } from './upload-completion';
import { UploadQuota } from './upload-quota';
import { UploadStart } from './upload-start';

export * from './commands/upload-outcome';
export * from './commands/create-upload.command';
export * from './commands/append-upload-chunk.command';
export * from './commands/terminate-upload.command';
export * from './commands/finish-upload.command';
export * from './commands/sweep-uploads.command';
export * from './queries/get-upload.query';
export * from './queries/get-upload.handler';
export * from './upload-chunk-receiver';
export * from './upload-locked.error';
export * from './upload-quota';
export * from './upload-view';

export const UPLOAD_SERVICES = [UploadCompletion, UploadChunkReceiver, DirectUpload, UploadQuota, UploadStart];
export const UPLOAD_COMMAND_HANDLERS = [
  CreateUploadHandler,
  AppendUploadChunkHandler,
  TerminateUploadHandler,
  FinishUploadHandler,
  SweepUploadsHandler,
];
export const UPLOAD_QUERY_HANDLERS = [GetUploadHandler];
