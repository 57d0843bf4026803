import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpoint, WebhookEndpointRepository, WebhookNotFoundError } from '../../../domain/webhooks';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import { WEBHOOK_DISPATCH, WEBHOOK_SETTINGS, WEBHOOK_TARGETS, WebhookDispatch, WebhookSettings, WebhookTargets } from '../ports';
import { pingEvent } from '../webhook-event';
import { loadOwnEndpoint, toWebhookView, WebhookView } from '../webhook-view';
import { DeleteWebhookCommand, PingWebhookCommand, UpdateWebhookCommand } from './webhook.commands';

@CommandHandler(UpdateWebhookCommand)
export class UpdateWebhookHandler implements ICommandHandler<UpdateWebhookCommand> {
  constructor(
    @Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_TARGETS) private readonly targets: WebhookTargets,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, id, changes }: UpdateWebhookCommand): Promise<WebhookView> {
    const endpoint = await loadOwnEndpoint(this.endpoints, actor, id);
    const valid = WebhookEndpoint.validateChanges(changes, this.settings);
    if (valid.url) await this.targets.assertAllowed(valid.url);
    endpoint.reconfigure(valid, this.clock.now());
    await this.endpoints.save(endpoint);
    return toWebhookView(endpoint);
  }
}

@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand> {
  constructor(@Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository) {}

  async execute({ actor, id }: DeleteWebhookCommand): Promise<void> {
    const endpoint = await loadOwnEndpoint(this.endpoints, actor, id);
    // Deliveries still queued for it find it gone and stop.
    if (!(await this.endpoints.delete(endpoint.id))) throw new WebhookNotFoundError(id);
  }
}

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
