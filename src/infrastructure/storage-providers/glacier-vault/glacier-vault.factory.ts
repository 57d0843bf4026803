import { StorageProviderFactory } from '../shared/provider-config';
import { GlacierVaultProvider } from './glacier-vault.provider';
import { GlacierVaultConfig, readGlacierVaultSettings } from './glacier-vault.settings';

/** `glacier-vault` (legacy): archives in an existing S3 Glacier vault, read through retrieval jobs. */
export const glacierVaultProviderFactory: StorageProviderFactory<GlacierVaultConfig | undefined> = {
  id: 'glacier-vault',
  envPrefix: 'STORAGE_GLACIER_',
  readSettings: readGlacierVaultSettings,
  create: (vault) => {
    if (!vault)
      throw new Error('glacier-vault needs STORAGE_GLACIER_VAULT (the vault name) and its region and credentials.');
    return new GlacierVaultProvider(vault);
  },
};
