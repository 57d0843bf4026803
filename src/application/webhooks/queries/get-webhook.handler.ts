import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository } from '../../../domain/webhooks';
import { loadOwnEndpoint, toWebhookView, WebhookView } from '../webhook-view';
import { GetWebhookQuery } from './get-webhook.query';

@QueryHandler(GetWebhookQuery)
export class GetWebhookHandler implements IQueryHandler<GetWebhookQuery, WebhookView> {
  constructor(@Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository) {}
  async execute({ actor, id }: GetWebhookQuery): Promise<WebhookView> {
    return toWebhookView(await loadOwnEndpoint(this.endpoints, actor, id));
  }
}
