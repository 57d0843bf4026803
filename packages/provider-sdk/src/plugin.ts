import type { StorageProvider } from './contract';
import type { OptionProblem, OptionsOf, OptionsSchema } from './options';
import type { ApiVersionSupport } from './version';

/** Marks what `defineStorageProvider` returns; `Symbol.for` so the host recognises any copy of this package. */
export const STORAGE_PROVIDER_PLUGIN = Symbol.for('flexstorage.storage-provider-plugin');

/** What the host gives `create`. */
export interface PluginContext {
  /** The id this provider has in this deployment (STORAGE_PROVIDERS names it). */
  providerId: string;
  /** A directory the provider may keep local state in (created by the host). */
  dataDir: string;
  /** The host's log, scoped to this provider. */
  log: { info(message: string): void; warn(message: string): void; error(message: string): void };
}

export interface StorageProviderPluginDefinition<S extends OptionsSchema> {
  /**
   * The provider id it registers under, lowercase letters, digits and dashes (e.g. `sftp`); its
   * options are read from `STORAGE_<ID>_*` (`STORAGE_SFTP_HOST`).
   */
  id: string;
  /** The contract versions it implements (PROVIDER_API_VERSION of the SDK it was built with). */
  apiVersion: ApiVersionSupport;
  options: S;
  /** Checks across options, after each was read and checked on its own; problems name the option. */
  validate?(options: OptionsOf<S>): OptionProblem[];
  create(options: OptionsOf<S>, context: PluginContext): StorageProvider | Promise<StorageProvider>;
}

export interface StorageProviderPlugin<
  S extends OptionsSchema = OptionsSchema,
> extends StorageProviderPluginDefinition<S> {
  readonly [STORAGE_PROVIDER_PLUGIN]: true;
}

/** What a plugin package exports (as `default` or `plugin`): its definition, checked and branded. */
export function defineStorageProvider<S extends OptionsSchema>(
  definition: StorageProviderPluginDefinition<S>,
): StorageProviderPlugin<S> {
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(definition.id)) {
    throw new Error(
      `A provider id is 1-40 lowercase letters, digits and dashes, starting with a letter: "${definition.id}".`,
    );
  }
  return Object.freeze({ ...definition, [STORAGE_PROVIDER_PLUGIN]: true as const });
}

export function isStorageProviderPlugin(value: unknown): value is StorageProviderPlugin {
  return (
    typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[STORAGE_PROVIDER_PLUGIN] === true
  );
}
