import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpoint, WebhookEndpointRepository } from '../../../domain/webhooks';
import { CLOCK, Clock } from '../../ports';
import { WEBHOOK_SETTINGS, WEBHOOK_TARGETS, WebhookSettings, WebhookTargets } from '../ports';
import { loadOwnEndpoint, toWebhookView, WebhookView } from '../webhook-view';
import { UpdateWebhookCommand } from './update-webhook.command';

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
