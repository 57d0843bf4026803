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

/** Built-in providers by id (plugin loading, when it comes, adds third-party factories here). */
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

export async function buildStorageProviders(
  context: BuildContext,
  factories: readonly StorageProviderFactory[] = BUILT_IN_PROVIDERS,
): Promise<StorageProvider[]> {
  const { enabledProviders } = context.config.storage;
  const providers: StorageProvider[] = [];
  for (const id of enabledProviders) {
    const factory = factories.find((f) => f.id === id);
    if (!factory) {
      const known = factories.map((f) => f.id).join(', ');
      throw new Error(`STORAGE_PROVIDERS names "${id}", but no such provider is built in (known: ${known}).`);
    }
    providers.push(await buildStorageProvider(factory, context));
  }
  return providers;
}
