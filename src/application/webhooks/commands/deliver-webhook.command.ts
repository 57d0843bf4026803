import { Command } from '@nestjs/cqrs';
import { WebhookEvent } from '../ports';

export interface DeliveryOutcome {
  outcome: 'succeeded' | 'failed' | 'skipped';
  /** For a failure: whether another attempt may succeed. */
  retryable: boolean;
  detail: string;
}

/** One attempt to deliver an event to an endpoint (the webhooks queue's job). */
export class DeliverWebhookCommand extends Command<DeliveryOutcome> {
  constructor(
    readonly endpointId: string,
    readonly event: WebhookEvent,
    readonly attempt: number,
    readonly signal: AbortSignal,
  ) {
    super();
  }
}
