import { RelocateFileHandler } from './commands/relocate-file.handler';
import { RelocateProviderFilesHandler } from './commands/relocate-provider-files.handler';
import { RequestProviderRelocationHandler, RequestRelocationHandler } from './commands/request-relocation.handler';
import { RenditionFollower } from './rendition-follower';

export * from './commands/relocation.commands';
export { RelocationRestoreFailedError } from './commands/relocate-file.handler';
export * from './ports';
export * from './relocated-object-cleanup.subscriber';
export * from './rendition-follower';

export const RELOCATION_SERVICES = [RenditionFollower];
export const RELOCATION_COMMAND_HANDLERS = [RequestRelocationHandler, RequestProviderRelocationHandler, RelocateFileHandler, RelocateProviderFilesHandler];
