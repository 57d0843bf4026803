import { StorageProviderFactory } from '../shared/provider-config';
import { DatabaseProvider } from './database.provider';

export interface DatabaseProviderSettings {
  /** Connections of the database provider; each upload to it holds one for its duration. */
  poolMax: number;
}

export const databaseProviderFactory: StorageProviderFactory<DatabaseProviderSettings> = {
  id: 'database',
  envPrefix: 'STORAGE_DATABASE_',
  readSettings: (section) => ({ poolMax: section.integer('POOL_MAX', 10, 1, 200) }),
  create: ({ poolMax }, { databaseUrl }) => new DatabaseProvider(databaseUrl, { poolMax }),
};
