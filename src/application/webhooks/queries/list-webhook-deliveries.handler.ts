import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository } from '../../../domain/webhooks';
import { DeliveryAttemptPage, WEBHOOK_DELIVERY_LOG, WebhookDeliveryLog } from '../ports';
import { loadOwnEndpoint } from '../webhook-view';
import { ListWebhookDeliveriesQuery } from './list-webhook-deliveries.query';

@QueryHandler(ListWebhookDeliveriesQuery)
export class ListWebhookDeliveriesHandler implements IQueryHandler<ListWebhookDeliveriesQuery, DeliveryAttemptPage> {
  constructor(
    @Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_DELIVERY_LOG) private readonly log: WebhookDeliveryLog,
  ) {}
  async execute({ actor, id, limit, cursor }: ListWebhookDeliveriesQuery): Promise<DeliveryAttemptPage> {
    const endpoint = await loadOwnEndpoint(this.endpoints, actor, id);
    return this.log.list(endpoint.id, limit, cursor);
  }
}
