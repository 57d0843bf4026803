import { AppConfig, loadConfig } from '../config/app-config';
import { Env } from '../config/env-reader';
import { BUILT_IN_PROVIDERS } from '../storage-providers/provider-catalog';
import { loadStoragePlugins, pluginFactories, PluginSet } from '../storage-providers/plugins/load-plugins';

/**
 * The configuration with the STORAGE_PLUGINS providers known to it: their code is loaded first (it
 * may be an ES module, so this is async), then every section is read, theirs included, so
 * STORAGE_PROVIDERS, STORAGE_DEFAULT_PROVIDER and the rules may name plugin ids.
 */
export async function loadConfigWithPlugins(
  env: Env = process.env,
): Promise<{ config: AppConfig; plugins: PluginSet }> {
  const plugins = await loadStoragePlugins(
    env,
    BUILT_IN_PROVIDERS.map((f) => f.id),
  );
  return { config: loadConfig(env, [...BUILT_IN_PROVIDERS, ...pluginFactories(plugins)]), plugins };
}
