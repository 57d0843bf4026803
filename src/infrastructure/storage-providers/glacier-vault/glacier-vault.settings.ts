import { EnvReader } from '../../config/env-reader';
import { KeyPair, readKeyPair } from '../shared/key-pair-settings';
import { SettingsContext } from '../shared/provider-config';

/** The legacy vault, from STORAGE_GLACIER_*. */
export interface GlacierVaultConfig {
  vault: string;
  region: string;
  endpoint?: string;
  /** `-` for the credentials' own account. */
  accountId: string;
  credentials?: KeyPair;
}

/** Undefined without a vault name: then the provider cannot be built (and must not be enabled). */
export function readGlacierVaultSettings(env: EnvReader, { enabled }: SettingsContext): GlacierVaultConfig | undefined {
  const vault = env.string('VAULT');
  if (enabled && vault === undefined) {
    env.problem(`${env.name('VAULT')} is required when STORAGE_PROVIDERS includes glacier-vault`);
  }
  const credentials = readKeyPair(env, 'ACCESS_KEY_ID', 'SECRET_ACCESS_KEY');
  if (vault === undefined) return undefined;
  return {
    vault,
    region: env.string('REGION', 'us-east-1'),
    endpoint: env.url('ENDPOINT', ['https:', 'http:']),
    accountId: env.string('ACCOUNT_ID', '-'),
    credentials,
  };
}
