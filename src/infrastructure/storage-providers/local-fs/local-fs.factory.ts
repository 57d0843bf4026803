import * as path from 'node:path';
import { StorageProviderFactory } from '../shared/provider-config';
import { LocalFsProvider } from './local-fs.provider';

/** Objects under DATA_DIR/files; it has no variables of its own (yet), its section is reserved. */
export const localFsProviderFactory: StorageProviderFactory<Record<string, never>> = {
  id: 'local-fs',
  envPrefix: 'STORAGE_LOCAL_FS_',
  readSettings: () => ({}),
  create: (_settings, { dataDir }) => new LocalFsProvider(path.join(dataDir, 'files')),
};
