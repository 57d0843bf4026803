import { SelectionRule } from '../../../domain/storage';
import { StorageProviderFactory } from '../../storage-providers/shared/provider-config';
import { EnvReader } from '../env-reader';

export interface StorageConfig {
  defaultProvider: string;
  enabledProviders: string[];
  rules: SelectionRule[];
  /** Each known provider's settings by id, read from its own section (`STORAGE_S3_*`, …) by its factory. */
  providerSettings: Readonly<Record<string, unknown>>;
}

export function readStorageConfig(env: EnvReader, factories: readonly StorageProviderFactory[]): StorageConfig {
  const enabledProviders = env.list('STORAGE_PROVIDERS', ['local-fs', 'database']);
  const defaultProvider = env.string('STORAGE_DEFAULT_PROVIDER', 'local-fs');
  if (!enabledProviders.includes(defaultProvider)) {
    env.problem(`STORAGE_DEFAULT_PROVIDER "${defaultProvider}" is not among ${listed(enabledProviders)}`);
  }
  const rules = env.json<SelectionRule[]>('STORAGE_RULES', [], (parsed) => {
    if (!Array.isArray(parsed) || !parsed.every(isRule)) {
      throw new Error('an array of objects with a "provider"');
    }
    return parsed as SelectionRule[];
  });
  for (const r of rules) {
    if (!enabledProviders.includes(r.provider)) {
      env.problem(`STORAGE_RULES names provider "${r.provider}", which is not enabled`);
    }
  }
  // Every known provider's section is read, so a half-set key pair is reported even while it is off.
  const providerSettings = Object.fromEntries(
    factories.map((f) => {
      return [f.id, f.readSettings(env.section(f.envPrefix), { enabled: enabledProviders.includes(f.id) })];
    }),
  );
  return { defaultProvider, enabledProviders, rules, providerSettings };
}

/** The one provider a setting such as THUMBNAIL_PROVIDER names must be among those enabled. */
export function checkEnabled(env: EnvReader, key: string, id: string | undefined, storage: StorageConfig): void {
  if (id !== undefined && !storage.enabledProviders.includes(id)) {
    env.problem(`${env.name(key)} "${id}" is not among ${listed(storage.enabledProviders)}`);
  }
}

const isRule = (r: unknown) => typeof r === 'object' && r !== null && typeof (r as SelectionRule).provider === 'string';
const listed = (enabled: readonly string[]) => `STORAGE_PROVIDERS (${enabled.join(', ')})`;
