import { Logger } from '@nestjs/common';
import { StorageProvider, StorageProviderPlugin } from '@flexstorage/provider-sdk';
import { FailedStoragePlugin, ProviderOrigin, StorageProviderOrigins } from '../../../application/ports';
import { Env, EnvReader } from '../../config/env-reader';
import { BuildContext, buildStorageProvider } from '../provider-catalog';
import { StorageProviderFactory } from '../shared/provider-config';
import { importPlugin } from './import-plugin';
import { checkPluginDefinition } from './plugin-definition';
import { PluginEntry, readPluginEntries } from './plugin-entries';
import { pluginProviderFactory } from './plugin-factory';
import { StoragePluginError, StoragePluginErrorCode } from './storage-plugin-error';

export interface LoadedPlugin {
  entry: PluginEntry;
  plugin: StorageProviderPlugin;
  factory: StorageProviderFactory;
  packageName?: string;
  version?: string;
}

/** STORAGE_PLUGINS after their code was loaded and checked; nothing created yet. */
export interface PluginSet {
  loaded: LoadedPlugin[];
  failed: FailedStoragePlugin[];
}

export const NO_PLUGINS: PluginSet = { loaded: [], failed: [] };

const logger = new Logger('StoragePlugins');

/**
 * Loads every plugin STORAGE_PLUGINS lists (before the configuration is read, so STORAGE_PROVIDERS
 * and the rules may name their ids). A failure stops start-up, unless the entry is optional.
 * `reserved`: the built-in ids, which no plugin may take.
 */
export async function loadStoragePlugins(
  env: Env,
  reserved: readonly string[],
  cwd: string = process.cwd(),
): Promise<PluginSet> {
  const set: PluginSet = { loaded: [], failed: [] };
  for (const entry of readPluginEntries(new EnvReader(env))) {
    try {
      set.loaded.push(await loadPlugin(entry, reserved, set.loaded, cwd));
    } catch (e) {
      skipOrThrow(set, entry, e);
    }
  }
  return set;
}

async function loadPlugin(
  entry: PluginEntry,
  reserved: readonly string[],
  earlier: readonly LoadedPlugin[],
  cwd: string,
): Promise<LoadedPlugin> {
  const imported = await importPlugin(entry, cwd);
  const plugin = checkPluginDefinition(imported.exported, entry.specifier);
  const clash = reserved.includes(plugin.id)
    ? 'the built-in provider'
    : earlier.find((p) => p.plugin.id === plugin.id)?.entry.specifier;
  if (clash) {
    throw new StoragePluginError(
      StoragePluginErrorCode.Invalid,
      entry.specifier,
      `its id "${plugin.id}" is already taken by ${clash}; list only one provider per id`,
    );
  }
  const factory = pluginProviderFactory(plugin, entry.specifier) as StorageProviderFactory;
  return { entry, plugin, factory, packageName: imported.packageName, version: imported.version };
}

/** The plugins' factories, for loadConfig to read their sections next to the built-in ones. */
export const pluginFactories = (set: PluginSet): StorageProviderFactory[] => set.loaded.map((p) => p.factory);

/** Plugin providers created and healthy, and what start-up knows of every offered provider's origin. */
export interface StartedPlugins {
  providers: StorageProvider[];
  origins: StorageProviderOrigins;
}

/**
 * Creates each enabled plugin's provider and checks its health once, before the application is
 * built, so a failure is one clean message rather than a Nest stack trace. A failed optional plugin
 * is left out (its id then names no provider) and reported.
 */
export async function startStoragePlugins(set: PluginSet, context: BuildContext): Promise<StartedPlugins> {
  const failed = [...set.failed];
  const providers: StorageProvider[] = [];
  const origins = new Map<string, ProviderOrigin>();
  for (const p of set.loaded) {
    if (!context.config.storage.enabledProviders.includes(p.plugin.id)) continue;
    try {
      providers.push(await buildStorageProvider(p.factory, context));
      origins.set(p.plugin.id, {
        kind: 'plugin',
        packageName: p.packageName,
        version: p.version,
        listedAs: p.entry.specifier,
      });
    } catch (e) {
      try {
        skipOrThrow({ loaded: [], failed }, p.entry, e, p);
      } catch (fatal) {
        await Promise.all(providers.map(async (started) => started.close?.().catch(() => undefined)));
        throw fatal;
      }
    }
  }
  return { providers, origins: pluginOrigins(origins, failed) };
}

/** No plugin provider started (none listed, or a process that builds no providers). */
export const startedWithout = (set: PluginSet): StartedPlugins => ({
  providers: [],
  origins: pluginOrigins(new Map(), [...set.failed]),
});

function skipOrThrow(set: PluginSet, entry: PluginEntry, error: unknown, loaded?: LoadedPlugin): void {
  if (!(error instanceof StoragePluginError) || !entry.optional) throw error;
  logger.warn(`${error.message} (optional: skipped)`);
  set.failed.push({
    listedAs: entry.specifier,
    ...(loaded ? { id: loaded.plugin.id, packageName: loaded.packageName, version: loaded.version } : {}),
    code: error.code,
    reason: error.reason,
  });
}

function pluginOrigins(plugins: Map<string, ProviderOrigin>, failed: FailedStoragePlugin[]): StorageProviderOrigins {
  return {
    originOf: (id) => plugins.get(id) ?? { kind: 'built-in' },
    failedPlugins: () => failed,
  };
}
