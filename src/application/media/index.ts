import { GenerateThumbnailsHandler } from './commands/generate-thumbnails.handler';
import { GetThumbnailHandler } from './queries/get-thumbnail.handler';

export * from './commands/generate-thumbnails.command';
export { GenerateThumbnailsHandler } from './commands/generate-thumbnails.handler';
export * from './ports';
export * from './queries/get-thumbnail.query';
export * from './queries/get-thumbnail.handler';
export * from './rendition-provider';
export * from './thumbnail-on-upload.subscriber';

export const MEDIA_COMMAND_HANDLERS = [GenerateThumbnailsHandler];
export const MEDIA_QUERY_HANDLERS = [GetThumbnailHandler];
