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

/** 32 random bytes, prefixed so a leaked secret is recognisable as one of ours. */
export class RandomWebhookSecrets implements WebhookSecretGenerator {
  generate(): string {
    return `whsec_${randomBytes(32).toString('base64url')}`;
  }
}
