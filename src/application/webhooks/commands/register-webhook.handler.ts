import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  WEBHOOK_ENDPOINT_REPOSITORY,
  WebhookEndpoint,
  WebhookEndpointRepository,
  WebhookLimitReachedError,
  WebhookSecret,
} from '../../../domain/webhooks';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import {
  WEBHOOK_SECRET_GENERATOR,
  WEBHOOK_SETTINGS,
  WEBHOOK_TARGETS,
  WebhookSecretGenerator,
  WebhookSettings,
  WebhookTargets,
} from '../ports';
import { toWebhookView, WebhookView } from '../webhook-view';
import { RegisterWebhookCommand } from './register-webhook.command';

@CommandHandler(RegisterWebhookCommand)
export class RegisterWebhookHandler implements ICommandHandler<RegisterWebhookCommand> {
  constructor(
    @Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_TARGETS) private readonly targets: WebhookTargets,
    @Inject(WEBHOOK_SECRET_GENERATOR) private readonly secrets: WebhookSecretGenerator,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({
    actor,
    url,
    events,
    secret,
  }: RegisterWebhookCommand): Promise<{ webhook: WebhookView; secret: string }> {
    const valid = WebhookEndpoint.validateRegistration({ url, events, secret }, this.settings);
    await this.targets.assertAllowed(valid.url);
    const endpoint = WebhookEndpoint.register({
      id: this.ids.next(),
      ownerId: actor.userId,
      url: valid.url,
      eventTypes: valid.eventTypes,
      secret: valid.secret ?? WebhookSecret.of(this.secrets.generate()),
      now: this.clock.now(),
    });
    if (!(await this.endpoints.insertWithinLimit(endpoint, this.settings.maxPerUser)))
      throw new WebhookLimitReachedError(this.settings.maxPerUser);
    return { webhook: toWebhookView(endpoint), secret: endpoint.secret.value };
  }
}
