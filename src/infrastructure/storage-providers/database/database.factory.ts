import { StorageProviderFactory } from '../shared/provider-config';
import { DatabaseProvider } from './database.provider';

export const databaseProviderFactory: StorageProviderFactory = {
  id: 'database',
  create: ({ databaseUrl, config }) => new DatabaseProvider(databaseUrl, { poolMax: config.storage.databasePoolMax }),
};
