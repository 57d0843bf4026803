import { EnvReader } from './env-reader';

/** One encryption key for secrets at rest: its id is stored with every value it encrypts. */
export interface SecretKey {
  id: string;
  /** 32 bytes (AES-256). */
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]+={0,2}|[A-Za-z0-9_-]+)$/;
export const SECRET_KEY_BYTES = 32;

/**
 * Reads a key list `kid:base64key[,kid:base64key…]` (the first encrypts, every one decrypts).
 * Problems name `source` and the key id, never the key material.
 */
export function parseSecretKeys(raw: string, source: string): { keys: SecretKey[]; problems: string[] } {
  const keys: SecretKey[] = [];
  const problems: string[] = [];
  const entries = raw.split(',').map((e) => e.trim());
  entries.forEach((entry, i) => {
    const colon = entry.indexOf(':');
    const id = colon < 0 ? '' : entry.slice(0, colon);
    const encoded = colon < 0 ? '' : entry.slice(colon + 1);
    if (!id || !encoded)
      return void problems.push(
        `${source}: entry ${i + 1} must be <key id>:<base64 key>, e.g. k1:$(openssl rand -base64 32)`,
      );
    if (!KEY_ID.test(id))
      return void problems.push(`${source}: key id "${id.slice(0, 40)}" must be 1 to 32 letters, digits, "_" or "-"`);
    if (keys.some((k) => k.id === id)) return void problems.push(`${source}: key id "${id}" appears twice`);
    const key = BASE64.test(encoded)
      ? Buffer.from(encoded, encoded.includes('-') || encoded.includes('_') ? 'base64url' : 'base64')
      : undefined;
    if (!key || key.length !== SECRET_KEY_BYTES) {
      return void problems.push(
        `${source}: key "${id}" must be ${SECRET_KEY_BYTES} bytes in base64 (openssl rand -base64 32)${key ? `, got ${key.length} bytes` : ', got text that is not base64'}`,
      );
    }
    keys.push({ id, key });
  });
  return { keys, problems };
}

/** Keys in the format parseSecretKeys reads. */
export function formatSecretKeys(keys: readonly SecretKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',');
}

/**
 * A key list from `variable`, parsed. Unset: a problem in production (`purpose` says what the keys
 * are for); elsewhere undefined, and start-up generates one under DATA_DIR.
 */
export function readSecretKeyList(
  env: EnvReader,
  variable: string,
  nodeEnv: string,
  purpose: string,
): SecretKey[] | undefined {
  const raw = env.string(variable);
  if (raw === undefined) {
    if (nodeEnv === 'production') {
      env.problem(
        `${env.name(variable)} is required when NODE_ENV=production: <key id>:<32 bytes in base64>, ` +
          `e.g. k1:$(openssl rand -base64 32) (${purpose})`,
      );
    }
    return undefined;
  }
  const { keys, problems } = parseSecretKeys(raw, env.name(variable));
  problems.forEach((p) => env.problem(p));
  return keys;
}
