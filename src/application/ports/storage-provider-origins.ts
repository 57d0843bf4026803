/** Where an offered provider comes from: built into the server, or a plugin package. */
export interface ProviderOrigin {
  kind: 'built-in' | 'plugin';
  /** For plugins: the package (from its package.json) and the entry as STORAGE_PLUGINS lists it. */
  packageName?: string;
  version?: string;
  listedAs?: string;
}

/** An optional plugin that failed at start: not a provider, its id is not usable. */
export interface FailedStoragePlugin {
  listedAs: string;
  /** Unknown when it failed before its definition could be read (not installed, failed to load). */
  id?: string;
  packageName?: string;
  version?: string;
  code: string;
  reason: string;
}

/** Port: what start-up learnt about the offered providers' origins and the plugins it skipped. */
export interface StorageProviderOrigins {
  originOf(id: string): ProviderOrigin;
  failedPlugins(): readonly FailedStoragePlugin[];
}
export const STORAGE_PROVIDER_ORIGINS = Symbol('StorageProviderOrigins');
