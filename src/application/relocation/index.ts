import { RelocateFileHandler } from './commands/relocate-file.handler';
import { RelocateProviderFilesHandler } from './commands/relocate-provider-files.handler';
import { RequestProviderRelocationHandler } from './commands/request-provider-relocation.handler';
import { RequestRelocationHandler } from './commands/request-relocation.handler';
import { RenditionFollower } from './rendition-follower';

export * from './commands/request-relocation.command';
export * from './commands/request-provider-relocation.command';
export * from './commands/relocate-file.command';
export * from './commands/relocate-provider-files.command';
export { RelocationRestoreFailedError } from './relocation-source';
export * from './ports';
export * from './relocated-object-cleanup.subscriber';
export * from './rendition-follower';

export const RELOCATION_SERVICES = [RenditionFollower];
export const RELOCATION_COMMAND_HANDLERS = [
  RequestRelocationHandler,
  RequestProviderRelocationHandler,
  RelocateFileHandler,
  RelocateProviderFilesHandler,
];
