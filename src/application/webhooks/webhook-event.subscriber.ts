import { Inject, Injectable } from '@nestjs/common';
import { DomainEvent } from '../../domain/shared';
import { WEBHOOK_ENDPOINT_REPOSITORY, WEBHOOK_EVENT_TYPES, WebhookEndpointRepository } from '../../domain/webhooks';
import { DomainEventSubscriber } from '../ports';
import { WEBHOOK_DISPATCH, WebhookDispatch } from './ports';
import { toWebhookEvent } from './webhook-event';

/**
 * Fans a relayed event out to its owner's endpoints subscribed to it: one delivery job per endpoint,
 * keyed by endpoint and event, so a batch delivered again after a crash queues nothing twice.
 */
@Injectable()
export class WebhookEventSubscriber implements DomainEventSubscriber {
  readonly name = 'webhooks';
  readonly events = WEBHOOK_EVENT_TYPES;

  constructor(
    @Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_DISPATCH) private readonly dispatch: WebhookDispatch,
  ) {}

  async handle(event: DomainEvent): Promise<void> {
    const ownerId = (event.payload as { ownerId?: unknown }).ownerId;
    if (typeof ownerId !== 'string') return;
    const endpoints = await this.endpoints.findSubscribed(ownerId, event.eventName);
    if (endpoints.length === 0) return;
    const body = toWebhookEvent(event);
    await this.dispatch.enqueue(endpoints.map((e) => ({ endpointId: e.id, ownerId, event: body })));
  }
}
