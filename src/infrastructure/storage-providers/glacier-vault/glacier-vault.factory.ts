import { StorageProviderFactory } from '../shared/provider-config';
import { GlacierVaultProvider } from './glacier-vault.provider';

/** `glacier-vault` (legacy): archives in an existing S3 Glacier vault, read through retrieval jobs. */
export const glacierVaultProviderFactory: StorageProviderFactory = {
  id: 'glacier-vault',
  create: ({ config }) => {
    const vault = config.storage.glacierVault;
    if (!vault) throw new Error('glacier-vault needs STORAGE_GLACIER_VAULT (the vault name) and its region and credentials.');
    return new GlacierVaultProvider(vault);
  },
};
