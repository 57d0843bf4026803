import { DynamicModule, Module } from '@nestjs/common';
import { STORAGE_PROVIDER_ORIGINS, STORAGE_PROVIDER_REGISTRY } from '../application/ports';
import { ProviderListing } from '../application/storage/provider-listing';
import { ProvidersController } from '../api/storage/providers.controller';
import { buildStorageProviders } from '../infrastructure/storage-providers/provider-catalog';
import { NO_PLUGINS, startedWithout } from '../infrastructure/storage-providers/plugins/load-plugins';
import { InMemoryStorageProviderRegistry } from '../infrastructure/storage-providers/storage-provider.registry';
import { featureModule, ModuleOptions } from './feature-module';

/** The configured storage providers (built-in and plugins), in one registry every feature reads. */
@Module({})
export class StorageModule {
  static register(options: ModuleOptions): DynamicModule {
    const { config, runtime } = options;
    const plugins = options.plugins ?? startedWithout(NO_PLUGINS);
    const failed = plugins.origins.failedPlugins();
    const build = async () => {
      const providers = await buildStorageProviders({ config, databaseUrl: runtime.databaseUrl }, undefined, {
        providers: plugins.providers,
        failed,
      });
      const unavailable = failed.map((f) => ({ name: f.id ?? f.listedAs, detail: `${f.code}: ${f.reason}` }));
      return new InMemoryStorageProviderRegistry(providers, unavailable);
    };
    return featureModule(StorageModule, options, {
      providers: [
        { provide: STORAGE_PROVIDER_REGISTRY, useFactory: build },
        { provide: STORAGE_PROVIDER_ORIGINS, useValue: plugins.origins },
      ],
      exports: [STORAGE_PROVIDER_REGISTRY, STORAGE_PROVIDER_ORIGINS],
      controllers: [ProvidersController],
      apiProviders: [ProviderListing],
    });
  }
}
