import { Logger } from '@nestjs/common';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { optionVariable, readOptions, StorageProvider, StorageProviderPlugin } from '@flexstorage/provider-sdk';
import { EnvReader } from '../../config/env-reader';
import { ProviderContext, StorageProviderFactory } from '../shared/provider-config';
import { firstLine, StoragePluginError, StoragePluginErrorCode } from './storage-plugin-error';

/** How long a plugin's first health check may take before start-up calls it unhealthy. */
export const PLUGIN_START_HEALTH_TIMEOUT_MS = 5_000;

/** What a plugin's section read to: its options, or every problem with them (full variable names). */
export interface PluginSettings {
  options: Record<string, unknown>;
  problems: string[];
}

const REQUIRED_MEMBERS = ['write', 'read', 'head', 'delete', 'health'] as const;

/** `sftp` → `STORAGE_SFTP_`; `my-store` → `STORAGE_MY_STORE_`. */
export function pluginEnvPrefix(id: string): string {
  return `STORAGE_${id.toUpperCase().replace(/-/g, '_')}_`;
}

/**
 * A plugin as the configuration and the catalog see a built-in provider. Option problems are kept,
 * not recorded on the section: they stop start-up as STORAGE_PLUGIN_OPTIONS_INVALID (or skip an
 * optional plugin), and only when the plugin is enabled.
 */
export function pluginProviderFactory(
  plugin: StorageProviderPlugin,
  specifier: string,
  healthTimeoutMs = PLUGIN_START_HEALTH_TIMEOUT_MS,
): StorageProviderFactory<PluginSettings> {
  const fail = (code: StoragePluginErrorCode, reason: string, cause?: unknown) =>
    new StoragePluginError(code, specifier, reason, cause === undefined ? undefined : { cause });
  return {
    id: plugin.id,
    envPrefix: pluginEnvPrefix(plugin.id),
    readSettings: (section) => readPluginSettings(plugin, section),
    async create({ options, problems }, context: ProviderContext): Promise<StorageProvider> {
      if (problems.length) throw fail(StoragePluginErrorCode.OptionsInvalid, problems.join('; '));
      const dataDir = join(context.dataDir, 'plugins', plugin.id);
      await mkdir(dataDir, { recursive: true });
      const logger = new Logger(`StoragePlugin:${plugin.id}`);
      let provider: StorageProvider;
      try {
        provider = await plugin.create(options as never, {
          providerId: plugin.id,
          dataDir,
          log: { info: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
        });
      } catch (e) {
        throw fail(StoragePluginErrorCode.LoadFailed, `create() threw: ${firstLine(e)}`, e);
      }
      const invalid = providerProblem(provider, plugin.id);
      if (invalid) throw fail(StoragePluginErrorCode.Invalid, invalid);
      const unhealthy = await startHealthProblem(provider, healthTimeoutMs);
      if (unhealthy) {
        await provider.close?.().catch(() => undefined);
        throw fail(StoragePluginErrorCode.Unhealthy, `${unhealthy}; check that what it connects to is reachable`);
      }
      return provider;
    },
  };
}

function readPluginSettings(plugin: StorageProviderPlugin, section: EnvReader): PluginSettings {
  const { options, problems } = readOptions(plugin.options, (option) => {
    const variable = optionVariable(option);
    const spec = plugin.options[option];
    return spec.type === 'string' && spec.secret ? section.secret(variable) : section.string(variable);
  });
  const named = problems.map((p) => `${section.name(optionVariable(p.option))} ${p.message}`);
  if (!named.length && plugin.validate) {
    try {
      named.push(...plugin.validate(options).map((p) => `${section.name(optionVariable(p.option))} ${p.message}`));
    } catch (e) {
      named.push(`validate() threw: ${firstLine(e)}`);
    }
  }
  return { options, problems: named };
}

function providerProblem(provider: StorageProvider, id: string): string | undefined {
  if (typeof provider !== 'object' || provider === null) return 'create() did not return a provider object';
  const missing = REQUIRED_MEMBERS.filter((m) => typeof provider[m] !== 'function');
  if (missing.length) return `the provider create() returned lacks ${missing.join(', ')}`;
  if (typeof provider.capabilities !== 'object' || provider.capabilities === null) {
    return 'the provider create() returned has no capabilities';
  }
  if (provider.id !== id) return `create() returned a provider with id "${provider.id}", not the plugin's id "${id}"`;
  return undefined;
}

async function startHealthProblem(provider: StorageProvider, timeoutMs: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<{ healthy: false; detail: string }>((resolve) => {
      timer = setTimeout(() => resolve({ healthy: false, detail: `no answer within ${timeoutMs} ms` }), timeoutMs);
    });
    const health = await Promise.race([provider.health(), timeout]);
    return health.healthy ? undefined : `unhealthy at start: ${health.detail ?? 'no detail given'}`;
  } catch (e) {
    return `unhealthy at start: health() threw: ${firstLine(e)}`;
  } finally {
    clearTimeout(timer);
  }
}
