import * as path from 'node:path';
import { StorageProviderFactory } from '../shared/provider-config';
import { LocalFsProvider } from './local-fs.provider';

export const localFsProviderFactory: StorageProviderFactory = {
  id: 'local-fs',
  create: ({ config }) => new LocalFsProvider(path.join(config.dataDir, 'files')),
};
