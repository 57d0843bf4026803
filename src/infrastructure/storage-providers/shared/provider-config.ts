import { StorageProvider } from '../../../domain/storage';
import { AppConfig } from '../../config/app-config';

/** How a provider is built from configuration; plugins export one of these. */
export interface StorageProviderFactory {
  /** The provider id this factory builds, e.g. `local-fs`. */
  readonly id: string;
  create(context: ProviderContext): StorageProvider | Promise<StorageProvider>;
}

export interface ProviderContext {
  config: AppConfig;
  databaseUrl: string;
}
