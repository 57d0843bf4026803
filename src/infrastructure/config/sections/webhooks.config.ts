import { EnvReader } from '../env-reader';
import { readSecretKeyList, SecretKey } from '../secret-keys';

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
    secretKeys: readSecretKeyList(env, 'WEBHOOK_SECRET_KEYS', nodeEnv, 'it encrypts webhook secrets at rest'),
    secretRotationGraceSeconds: env.integer('WEBHOOK_SECRET_ROTATION_GRACE_S', 86_400, 0, 30 * 86_400),
  };
}
