import { EnvReader } from '../env-reader';
import { parseSecretKeys, SecretKey } from '../secret-keys';

export interface WebhooksConfig {
  /**
   * Deliver to loopback/private/link-local addresses too (tests, trusted internal receivers);
   * off: refused (SSRF).
   */
  allowPrivateNetworks: boolean;
  /** Accept http:// endpoint URLs; off: https only. */
  allowHttp: boolean;
  /** Endpoints one user may register. */
  maxPerUser: number;
  /**
   * WEBHOOK_SECRET_KEYS: the first encrypts secrets at rest, all decrypt. Undefined outside
   * production: generated and kept under DATA_DIR.
   */
  secretKeys?: SecretKey[];
  /** After a rotation, deliveries are signed with the old secret too for this long. */
  secretRotationGraceSeconds: number;
}

export function readWebhooksConfig(env: EnvReader, nodeEnv: string): WebhooksConfig {
  return {
    allowPrivateNetworks: env.boolean('WEBHOOKS_ALLOW_PRIVATE_NETWORKS', false),
    allowHttp: env.boolean('WEBHOOKS_ALLOW_HTTP', false),
    maxPerUser: env.integer('WEBHOOKS_MAX_PER_USER', 20, 1, 10_000),
    secretKeys: readSecretKeys(env, nodeEnv),
    secretRotationGraceSeconds: env.integer('WEBHOOK_SECRET_ROTATION_GRACE_S', 86_400, 0, 30 * 86_400),
  };
}

function readSecretKeys(env: EnvReader, nodeEnv: string): SecretKey[] | undefined {
  const raw = env.string('WEBHOOK_SECRET_KEYS');
  if (raw === undefined) {
    if (nodeEnv === 'production') {
      env.problem(
        'WEBHOOK_SECRET_KEYS is required when NODE_ENV=production: <key id>:<32 bytes in base64>, ' +
          'e.g. k1:$(openssl rand -base64 32) (it encrypts webhook secrets at rest)',
      );
    }
    return undefined;
  }
  const { keys, problems } = parseSecretKeys(raw, env.name('WEBHOOK_SECRET_KEYS'));
  problems.forEach((p) => env.problem(p));
  return keys;
}
