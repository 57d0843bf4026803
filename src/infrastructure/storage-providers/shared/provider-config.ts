import { StorageProvider } from '../../../domain/storage';
import { EnvReader } from '../../config/env-reader';

/**
 * How a provider is configured and built; built-in providers and plugins export one of these. Its
 * settings come from its own section of the environment, so a provider added later brings its
 * variables and their checks with it instead of growing the central configuration.
 */
export interface StorageProviderFactory<Settings = unknown> {
  /** The provider id this factory builds, e.g. `local-fs`, as named in STORAGE_PROVIDERS. */
  readonly id: string;
  /** Where its variables start, e.g. `STORAGE_S3_`: its section's `BUCKET` is `STORAGE_S3_BUCKET`. */
  readonly envPrefix: string;
  /**
   * Reads and checks its section at start, whether or not the provider is enabled, recording each
   * problem on the section (messages name the full variable) and returning what `create` gets.
   */
  readSettings(section: EnvReader, context: SettingsContext): Settings;
  create(settings: Settings, context: ProviderContext): StorageProvider | Promise<StorageProvider>;
}

export interface SettingsContext {
  /** STORAGE_PROVIDERS lists this provider: settings it cannot run without are then required. */
  enabled: boolean;
}

export interface ProviderContext {
  /** DATA_DIR: where a provider keeps local state (local-fs its objects, under `files/`). */
  dataDir: string;
  databaseUrl: string;
}
