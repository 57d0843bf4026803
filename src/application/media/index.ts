import { GenerateThumbnailsHandler } from './commands/generate-thumbnails.handler';
import { GetThumbnailHandler } from './queries/get-thumbnail.handler';
import { IssueMediaUrlHandler } from './commands/issue-media-url.handler';
import { AdmitMediaUrlHandler } from './queries/admit-media-url.handler';

export * from './commands/generate-thumbnails.command';
export { GenerateThumbnailsHandler } from './commands/generate-thumbnails.handler';
export * from './commands/issue-media-url.command';
export * from './ports';
export * from './queries/admit-media-url.query';
export * from './signed-url.errors';
export * from './queries/get-thumbnail.query';
export * from './queries/get-thumbnail.handler';
export * from './rendition-provider';
export * from './thumbnail-on-upload.subscriber';

export const MEDIA_COMMAND_HANDLERS = [GenerateThumbnailsHandler, IssueMediaUrlHandler];
export const MEDIA_QUERY_HANDLERS = [GetThumbnailHandler, AdmitMediaUrlHandler];
