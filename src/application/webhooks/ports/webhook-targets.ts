import { WebhookUrl } from '../../../domain/webhooks';

/**
 * Port: whether a URL's host may receive deliveries at all. Throws WebhookTargetNotAllowedError
 * (a validation error on `url`) when it is, or resolves to, a loopback, private, link-local or
 * otherwise internal address — unless the deployment allows private networks.
 */
export interface WebhookTargets {
  assertAllowed(url: WebhookUrl): Promise<void>;
}
export const WEBHOOK_TARGETS = Symbol('WebhookTargets');

/** Port: a new random signing secret. */
export interface WebhookSecretGenerator {
  generate(): string;
}
export const WEBHOOK_SECRET_GENERATOR = Symbol('WebhookSecretGenerator');
