import { DeliveryVerdict, WebhookSecret, WebhookUrl } from '../../../domain/webhooks';
import { WebhookEvent } from './webhook-dispatch';

export interface WebhookSendRequest {
  url: WebhookUrl;
  secret: WebhookSecret;
  /** During a rotation's grace period, the replaced secret: the request carries its signature too. */
  previousSecret?: WebhookSecret;
  event: WebhookEvent;
  /** This attempt's id, sent as X-FlexStorage-Delivery and kept in the delivery log. */
  deliveryId: string;
  signal: AbortSignal;
}

export interface WebhookAttemptResult {
  verdict: DeliveryVerdict;
  /** The receiver's status; null when no answer came (refused address, network error, timeout). */
  responseStatus: number | null;
  /** The start of the receiver's body, for the log. */
  responseExcerpt: string | null;
  /** Why the attempt failed, in words; null when delivered. */
  error: string | null;
  durationMs: number;
}

/**
 * Port: one signed POST of an event to an endpoint. It never throws for the receiver's or the
 * network's failures: it reports them, with whether a retry may help.
 */
export interface WebhookSender {
  send(request: WebhookSendRequest): Promise<WebhookAttemptResult>;
}
export const WEBHOOK_SENDER = Symbol('WebhookSender');
