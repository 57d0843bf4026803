import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  WEBHOOK_ENDPOINT_REPOSITORY,
  WEBHOOK_PING,
  WebhookEndpoint,
  WebhookEndpointRepository,
  WebhookSecretUnreadableError,
} from '../../../domain/webhooks';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import {
  WEBHOOK_DELIVERY_LOG,
  WEBHOOK_SENDER,
  WebhookAttemptResult,
  WebhookDeliveryLog,
  WebhookEvent,
  WebhookSender,
} from '../ports';
import { DeliverWebhookCommand, DeliveryOutcome } from './deliver-webhook.command';

/**
 * One attempt: the endpoint is loaded afresh (a retry goes to its current URL, and stops if it was
 * deleted, deactivated or unsubscribed meanwhile), logged as pending, sent, and logged with its result.
 */
@CommandHandler(DeliverWebhookCommand)
export class DeliverWebhookHandler implements ICommandHandler<DeliverWebhookCommand, DeliveryOutcome> {
  constructor(
    @Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository,
    @Inject(WEBHOOK_SENDER) private readonly sender: WebhookSender,
    @Inject(WEBHOOK_DELIVERY_LOG) private readonly log: WebhookDeliveryLog,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ID_GENERATOR) private readonly ids: IdGenerator,
  ) {}

  async execute({ endpointId, event, attempt, signal }: DeliverWebhookCommand): Promise<DeliveryOutcome> {
    const endpoint = await this.endpoints.findById(endpointId);
    if (!endpoint) return { outcome: 'skipped', retryable: false, detail: 'the endpoint was deleted' };
    if (event.type !== WEBHOOK_PING && !endpoint.wants(event.type)) {
      return {
        outcome: 'skipped',
        retryable: false,
        detail: `the endpoint is inactive or no longer subscribed to ${event.type}`,
      };
    }
    const deliveryId = this.ids.next();
    await this.log.started({
      id: deliveryId,
      endpointId,
      eventId: event.id,
      eventType: event.type,
      attempt,
      createdAt: this.clock.now(),
    });
    const { verdict, ...result } = await this.signAndSend(endpoint, event, deliveryId, signal);
    await this.log.finished(deliveryId, { status: verdict === 'delivered' ? 'succeeded' : 'failed', ...result });
    if (verdict === 'delivered')
      return { outcome: 'succeeded', retryable: false, detail: `HTTP ${result.responseStatus}` };
    return {
      outcome: 'failed',
      retryable: verdict === 'retry',
      detail: result.error ?? `HTTP ${result.responseStatus}`,
    };
  }

  /** Signed with the current secret, and the replaced one during a rotation's grace period. */
  private async signAndSend(
    endpoint: WebhookEndpoint,
    event: WebhookEvent,
    deliveryId: string,
    signal: AbortSignal,
  ): Promise<WebhookAttemptResult> {
    let secrets: ReturnType<WebhookEndpoint['signingSecrets']>;
    try {
      secrets = endpoint.signingSecrets(this.clock.now());
    } catch (error) {
      if (!(error instanceof WebhookSecretUnreadableError)) throw error;
      // No retry can mend it: the attempt fails for good, with why in the log, until the secret is rotated.
      return { verdict: 'permanent', responseStatus: null, responseExcerpt: null, error: error.message, durationMs: 0 };
    }
    return this.sender.send({
      url: endpoint.url,
      secret: secrets.current,
      previousSecret: secrets.previous,
      event,
      deliveryId,
      signal,
    });
  }
}
