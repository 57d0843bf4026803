import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository } from '../../../domain/webhooks';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import { WEBHOOK_DISPATCH, WebhookDispatch } from '../ports';
import { pingEvent } from '../webhook-event';
import { loadOwnEndpoint } from '../webhook-view';
import { PingWebhookCommand } from './ping-webhook.command';

@CommandHandler(PingWebhookCommand)
export class PingWebhookHandler implements ICommandHandler<PingWebhookCommand> {
  constructor(
    @Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_DISPATCH) private readonly dispatch: WebhookDispatch,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ actor, id }: PingWebhookCommand): Promise<{ eventId: string }> {
    const endpoint = await loadOwnEndpoint(this.endpoints, actor, id);
    const event = pingEvent(this.ids.next(), endpoint.id, this.clock.now());
    await this.dispatch.enqueue([{ endpointId: endpoint.id, ownerId: endpoint.ownerId, event }]);
    return { eventId: event.id };
  }
}
