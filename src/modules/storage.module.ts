import { DynamicModule, Module } from '@nestjs/common';
import { STORAGE_PROVIDER_REGISTRY } from '../application/ports';
import { buildStorageProviders } from '../infrastructure/storage-providers/provider-catalog';
import { InMemoryStorageProviderRegistry } from '../infrastructure/storage-providers/storage-provider.registry';
import { featureModule, ModuleOptions } from './feature-module';

/** The configured storage providers (built-in and plugins), in one registry every feature reads. */
@Module({})
export class StorageModule {
  static register(options: ModuleOptions): DynamicModule {
    const { config, runtime } = options;
    const build = async () => {
      const providers = await buildStorageProviders({ config, databaseUrl: runtime.databaseUrl });
      return new InMemoryStorageProviderRegistry(providers);
    };
    return featureModule(StorageModule, options, {
      providers: [{ provide: STORAGE_PROVIDER_REGISTRY, useFactory: build }],
      exports: [STORAGE_PROVIDER_REGISTRY],
    });
  }
}
