import { isStorageProviderPlugin, negotiateApiVersion, StorageProviderPlugin } from '@flexstorage/provider-sdk';
import { StoragePluginError, StoragePluginErrorCode } from './storage-plugin-error';

/** The contract versions this server implements. */
export const SUPPORTED_PROVIDER_API_VERSIONS: readonly number[] = [1];

/**
 * What a module exported, checked to be a plugin this server can run: the SDK's brand, each member
 * of the right kind, and a contract version both sides speak.
 */
export function checkPluginDefinition(exported: unknown, specifier: string): StorageProviderPlugin {
  const problem = shapeProblem(exported);
  if (problem) throw new StoragePluginError(StoragePluginErrorCode.Invalid, specifier, problem);
  const plugin = exported as StorageProviderPlugin;
  const negotiated = negotiateApiVersion(plugin.apiVersion, SUPPORTED_PROVIDER_API_VERSIONS);
  if ('mismatch' in negotiated) {
    throw new StoragePluginError(
      StoragePluginErrorCode.ApiMismatch,
      specifier,
      `it ${negotiated.mismatch}; install a version of the plugin built for this server's contract`,
    );
  }
  return plugin;
}

function shapeProblem(value: unknown): string | undefined {
  const fix = 'export defineStorageProvider({ id, apiVersion, options, create }) from @flexstorage/provider-sdk';
  if (typeof value !== 'object' || value === null) return `it exports ${typeof value}, not a plugin; ${fix}`;
  const v = value as Record<string, unknown>;
  const wrong =
    typeof v.id !== 'string' || !/^[a-z][a-z0-9-]{0,39}$/.test(v.id)
      ? 'id (1-40 lowercase letters, digits and dashes)'
      : !isVersionSupport(v.apiVersion)
        ? 'apiVersion (a contract version number or a list of them)'
        : typeof v.options !== 'object' || v.options === null
          ? 'options (an options schema object)'
          : typeof v.create !== 'function'
            ? 'create (a function)'
            : v.validate !== undefined && typeof v.validate !== 'function'
              ? 'validate (a function when given)'
              : undefined;
  if (wrong) return `its export's member ${wrong} is missing or wrong; ${fix}`;
  if (!isStorageProviderPlugin(value)) return `its export was not made by defineStorageProvider; ${fix}`;
  return undefined;
}

function isVersionSupport(value: unknown): boolean {
  const ok = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
  return ok(value) || (Array.isArray(value) && value.length > 0 && value.every(ok));
}
