import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository } from '../../../domain/webhooks';
import { toWebhookView, WebhookView } from '../webhook-view';
import { ListWebhooksQuery } from './list-webhooks.query';

@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery, WebhookView[]> {
  constructor(@Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository) {}
  async execute({ actor }: ListWebhooksQuery): Promise<WebhookView[]> {
    return (await this.endpoints.listByOwner(actor.userId)).map(toWebhookView);
  }
}
