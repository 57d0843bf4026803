import { BootstrapError } from '../../bootstrap/bootstrap-error';

export const StoragePluginErrorCode = {
  NotFound: 'STORAGE_PLUGIN_NOT_FOUND',
  LoadFailed: 'STORAGE_PLUGIN_LOAD_FAILED',
  Invalid: 'STORAGE_PLUGIN_INVALID',
  ApiMismatch: 'STORAGE_PLUGIN_API_MISMATCH',
  OptionsInvalid: 'STORAGE_PLUGIN_OPTIONS_INVALID',
  Unhealthy: 'STORAGE_PLUGIN_UNHEALTHY',
} as const;
export type StoragePluginErrorCode = (typeof StoragePluginErrorCode)[keyof typeof StoragePluginErrorCode];

/**
 * A plugin listed in STORAGE_PLUGINS that cannot serve. A BootstrapError, so main.ts and worker.ts
 * print its one-line message (plugin as listed, code, what is wrong and the fix) and no stack.
 */
export class StoragePluginError extends BootstrapError {
  constructor(
    readonly code: StoragePluginErrorCode,
    /** The plugin as STORAGE_PLUGINS lists it (`./plugins/sftp`, `@acme/flexstorage-sftp`). */
    readonly plugin: string,
    /** What is wrong, without the plugin's name. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Storage plugin "${plugin}" (${code}): ${reason}`, options);
  }
}

/** The first line of a thrown value's message: Node's MODULE_NOT_FOUND appends a require stack. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0].trim();
}
