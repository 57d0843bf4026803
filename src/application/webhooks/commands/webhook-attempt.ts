import { WEBHOOK_PING, WebhookEndpoint, WebhookSecretUnreadableError } from '../../../domain/webhooks';
import { WebhookAttemptResult, WebhookEvent, WebhookSender } from '../ports';
import { DeliveryOutcome } from './deliver-webhook.command';

/** Why no attempt is made (the endpoint was deactivated or unsubscribed meanwhile); null to make it. */
export function unwantedAttempt(endpoint: WebhookEndpoint, event: WebhookEvent): DeliveryOutcome | null {
  if (event.type !== WEBHOOK_PING && !endpoint.wants(event.type)) {
    return {
      outcome: 'skipped',
      retryable: false,
      detail: `the endpoint is inactive or no longer subscribed to ${event.type}`,
    };
  }
  return null;
}

/** Signed with the current secret, and the replaced one during a rotation's grace period. */
export async function signAndSend(
  sender: WebhookSender,
  endpoint: WebhookEndpoint,
  request: { event: WebhookEvent; deliveryId: string; signal: AbortSignal; now: Date },
): Promise<WebhookAttemptResult> {
  let secrets: ReturnType<WebhookEndpoint['signingSecrets']>;
  try {
    secrets = endpoint.signingSecrets(request.now);
  } catch (error) {
    if (!(error instanceof WebhookSecretUnreadableError)) throw error;
    // No retry can mend it: the attempt fails for good, with why in the log, until the secret is rotated.
    return { verdict: 'permanent', responseStatus: null, responseExcerpt: null, error: error.message, durationMs: 0 };
  }
  const { event, deliveryId, signal } = request;
  return sender.send({
    url: endpoint.url,
    secret: secrets.current,
    previousSecret: secrets.previous,
    event,
    deliveryId,
    signal,
  });
}

/** What the job learns from an attempt: a retry only for a verdict that says one may help. */
export function attemptOutcome({ verdict, responseStatus, error }: WebhookAttemptResult): DeliveryOutcome {
  if (verdict === 'delivered') return { outcome: 'succeeded', retryable: false, detail: `HTTP ${responseStatus}` };
  return { outcome: 'failed', retryable: verdict === 'retry', detail: error ?? `HTTP ${responseStatus}` };
}
