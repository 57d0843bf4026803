import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository } from '../../../domain/webhooks';
import { DeliveryAttemptPage, WEBHOOK_DELIVERY_LOG, WebhookDeliveryLog } from '../ports';
import { loadOwnEndpoint, toWebhookView, WebhookView } from '../webhook-view';

export class ListWebhooksQuery extends Query<WebhookView[]> {
  constructor(readonly actor: Actor) {
    super();
  }
}

export class GetWebhookQuery extends Query<WebhookView> {
  constructor(readonly actor: Actor, readonly id: string) {
    super();
  }
}

export class ListWebhookDeliveriesQuery extends Query<DeliveryAttemptPage> {
  constructor(readonly actor: Actor, readonly id: string, readonly limit: number, readonly cursor?: string) {
    super();
  }
}

@QueryHandler(ListWebhooksQuery)
export class ListWebhooksHandler implements IQueryHandler<ListWebhooksQuery, WebhookView[]> {
  constructor(@Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository) {}
  async execute({ actor }: ListWebhooksQuery): Promise<WebhookView[]> {
    return (await this.endpoints.listByOwner(actor.userId)).map(toWebhookView);
  }
}

@QueryHandler(GetWebhookQuery)
export class GetWebhookHandler implements IQueryHandler<GetWebhookQuery, WebhookView> {
  constructor(@Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository) {}
  async execute({ actor, id }: GetWebhookQuery): Promise<WebhookView> {
    return toWebhookView(await loadOwnEndpoint(this.endpoints, actor, id));
  }
}

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
