import { RelocateFileHandler } from './commands/relocate-file.handler';
import { RelocateProviderFilesHandler } from './commands/relocate-provider-files.handler';
import { RequestProviderRelocationHandler, RequestRelocationHandler } from './commands/request-relocation.handler';

export * from './commands/relocation.commands';
export { RelocationRestoreFailedError } from './commands/relocate-file.handler';
export * from './ports';
export * from './relocated-object-cleanup.subscriber';

export const RELOCATION_COMMAND_HANDLERS = [RequestRelocationHandler, RequestProviderRelocationHandler, RelocateFileHandler, RelocateProviderFilesHandler];
