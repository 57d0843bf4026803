import { Logger } from '@nestjs/common';
import { FailedStoragePlugin } from '../../application/ports';
import { StorageProvider } from '../../domain/storage';
import { StorageConfig } from '../config/sections/storage.config';
import { databaseProviderFactory } from './database/database.factory';
import { glacierVaultProviderFactory } from './glacier-vault/glacier-vault.factory';
import { localFsProviderFactory } from './local-fs/local-fs.factory';
import {
  backblazeB2ProviderFactory,
  s3DeepArchiveProviderFactory,
  s3FlexibleRetrievalProviderFactory,
  s3StandardProviderFactory,
} from './s3/s3-compatible.factories';
import { StorageProviderFactory } from './shared/provider-config';

/** Built-in providers by id (plugins/load-plugins.ts adds the factories of those STORAGE_PLUGINS lists). */
export const BUILT_IN_PROVIDERS: StorageProviderFactory[] = [
  localFsProviderFactory,
  databaseProviderFactory,
  s3StandardProviderFactory,
  backblazeB2ProviderFactory,
  s3DeepArchiveProviderFactory,
  s3FlexibleRetrievalProviderFactory,
  glacierVaultProviderFactory,
];

/** What building needs: the loaded configuration (its storage section and DATA_DIR) and the resolved database. */
export interface BuildContext {
  config: { dataDir: string; storage: StorageConfig };
  databaseUrl: string;
}

/** One provider from the settings its factory read at loadConfig. */
export function buildStorageProvider<S>(factory: StorageProviderFactory<S>, { config, databaseUrl }: BuildContext) {
  return factory.create(config.storage.providerSettings[factory.id] as S, { dataDir: config.dataDir, databaseUrl });
}

/** Providers built before the application (plugins), and the optional plugins that failed. */
export interface PrebuiltProviders {
  providers: readonly StorageProvider[];
  failed: readonly FailedStoragePlugin[];
}

/**
 * Every provider STORAGE_PROVIDERS enables: prebuilt ones as they are, the rest from `factories`. A
 * failed optional plugin's id is skipped; one that failed before its id was known (not installed)
 * is taken to be any id nothing else has, with a warning.
 */
export async function buildStorageProviders(
  context: BuildContext,
  factories: readonly StorageProviderFactory[] = BUILT_IN_PROVIDERS,
  prebuilt: PrebuiltProviders = { providers: [], failed: [] },
): Promise<StorageProvider[]> {
  const { enabledProviders } = context.config.storage;
  const providers: StorageProvider[] = [];
  const unnamed = prebuilt.failed.filter((f) => f.id === undefined).map((f) => f.listedAs);
  for (const id of enabledProviders) {
    const ready = prebuilt.providers.find((p) => p.id === id);
    const factory = factories.find((f) => f.id === id);
    if (ready) providers.push(ready);
    else if (prebuilt.failed.some((f) => f.id === id)) continue;
    else if (factory) providers.push(await buildStorageProvider(factory, context));
    else if (unnamed.length) {
      new Logger('StorageProviders').warn(
        `STORAGE_PROVIDERS names "${id}", which no provider has; skipped with the optional plugin ${unnamed.join(', ')}`,
      );
    } else {
      const known = [...factories.map((f) => f.id), ...prebuilt.providers.map((p) => p.id)].join(', ');
      throw new Error(
        `STORAGE_PROVIDERS names "${id}", but no provider is built in or loaded from STORAGE_PLUGINS under that id (known: ${known}).`,
      );
    }
  }
  return providers;
}
