import { createHmac, randomBytes } from 'node:crypto';
import { WebhookSecretGenerator } from '../../application/webhooks/ports';

/**
 * The signature receivers check: hex HMAC-SHA256 with the endpoint's secret over
 * `<unix seconds>.<raw body>`, sent as `X-FlexStorage-Signature: v1=<hex>`. Covering the timestamp
 * lets receivers refuse replays of an old delivery.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

export const SIGNATURE_SCHEME = 'v1';

/**
 * The X-FlexStorage-Signature value: one `v1=<hex>` per secret, comma-separated, the current secret
 * first (as Stripe does): during a rotation's grace period a receiver holding either secret finds a
 * signature it can check, and one that accepts any `v1` entry needs no change.
 */
export function signatureHeader(secrets: readonly string[], timestamp: number, body: string): string {
  return secrets.map((secret) => `${SIGNATURE_SCHEME}=${webhookSignature(secret, timestamp, body)}`).join(',');
}

/** 32 random bytes, prefixed so a leaked secret is recognisable as one of ours. */
export class RandomWebhookSecrets implements WebhookSecretGenerator {
  generate(): string {
    return `whsec_${randomBytes(32).toString('base64url')}`;
  }
}
