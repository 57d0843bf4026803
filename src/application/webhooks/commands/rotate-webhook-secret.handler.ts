import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository, WebhookSecret } from '../../../domain/webhooks';
import { CLOCK, Clock } from '../../ports';
import { WEBHOOK_SECRET_GENERATOR, WEBHOOK_SETTINGS, WebhookSecretGenerator, WebhookSettings } from '../ports';
import { loadOwnEndpoint, toWebhookView } from '../webhook-view';
import { RotatedWebhookSecret, RotateWebhookSecretCommand } from './rotate-webhook-secret.command';

/** Replaces the caller's endpoint's signing secret; the old one keeps signing for the grace period. */
@CommandHandler(RotateWebhookSecretCommand)
export class RotateWebhookSecretHandler implements ICommandHandler<RotateWebhookSecretCommand, RotatedWebhookSecret> {
  constructor(
    @Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_SECRET_GENERATOR) private readonly secrets: WebhookSecretGenerator,
    @Inject(WEBHOOK_SETTINGS) private readonly settings: WebhookSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ actor, id, secret }: RotateWebhookSecretCommand): Promise<RotatedWebhookSecret> {
    // Loaded first: someone else's endpoint is "not found", whatever the secret offered.
    const endpoint = await loadOwnEndpoint(this.endpoints, actor, id);
    const next = WebhookSecret.of(secret ?? this.secrets.generate());
    endpoint.rotateSecret(next, this.clock.now(), this.settings.secretRotationGraceMs);
    await this.endpoints.save(endpoint);
    return {
      webhook: toWebhookView(endpoint),
      secret: next.value,
      previousSecretExpiresAt: endpoint.snapshot().previousSecret?.expiresAt ?? null,
    };
  }
}
