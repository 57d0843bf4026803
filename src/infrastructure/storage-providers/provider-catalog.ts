import { StorageProvider } from '../../domain/storage';
import { databaseProviderFactory } from './database/database.factory';
import { glacierVaultProviderFactory } from './glacier-vault/glacier-vault.factory';
import { localFsProviderFactory } from './local-fs/local-fs.factory';
import {
  backblazeB2ProviderFactory,
  s3DeepArchiveProviderFactory,
  s3FlexibleRetrievalProviderFactory,
  s3StandardProviderFactory,
} from './s3/s3-compatible.factories';
import { ProviderContext, StorageProviderFactory } from './shared/provider-config';

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

export async function buildStorageProviders(context: ProviderContext): Promise<StorageProvider[]> {
  const { enabledProviders } = context.config.storage;
  const providers: StorageProvider[] = [];
  for (const id of enabledProviders) {
    const factory = BUILT_IN_PROVIDERS.find((f) => f.id === id);
    if (!factory) throw new Error(`STORAGE_PROVIDERS names "${id}", but no such provider is built in (known: ${BUILT_IN_PROVIDERS.map((f) => f.id).join(', ')}).`);
    providers.push(await factory.create(context));
  }
  return providers;
}
