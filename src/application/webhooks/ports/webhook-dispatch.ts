/** The JSON body a receiver gets: the event, never internal details such as storage keys. */
export interface WebhookEvent {
  /** The event's id: the same across retries, so receivers can ignore a repeat. */
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

export interface WebhookDelivery {
  endpointId: string;
  /** The endpoint's owner, so the job status API shows the delivery job to them. */
  ownerId: string;
  event: WebhookEvent;
}

/**
 * Port: queues deliveries to be made in the background, with retries. Idempotent: the same
 * endpoint and event queued twice (a batch of events re-delivered after a crash) is delivered once.
 */
export interface WebhookDispatch {
  enqueue(deliveries: readonly WebhookDelivery[]): Promise<void>;
}
export const WEBHOOK_DISPATCH = Symbol('WebhookDispatch');
