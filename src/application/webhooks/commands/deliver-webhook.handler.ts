import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository } from '../../../domain/webhooks';
import { CLOCK, Clock, ID_GENERATOR, IdGenerator } from '../../ports';
import { WEBHOOK_DELIVERY_LOG, WEBHOOK_SENDER, WebhookDeliveryLog, WebhookSender } from '../ports';
import { DeliverWebhookCommand, DeliveryOutcome } from './deliver-webhook.command';
import { attemptOutcome, signAndSend, unwantedAttempt } from './webhook-attempt';

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
    const unwanted = unwantedAttempt(endpoint, event);
    if (unwanted) return unwanted;
    const deliveryId = this.ids.next();
    await this.log.started({
      id: deliveryId,
      endpointId,
      eventId: event.id,
      eventType: event.type,
      attempt,
      createdAt: this.clock.now(),
    });
    const { verdict, ...result } = await signAndSend(this.sender, endpoint, {
      event,
      deliveryId,
      signal,
      now: this.clock.now(),
    });
    await this.log.finished(deliveryId, { status: verdict === 'delivered' ? 'succeeded' : 'failed', ...result });
    return attemptOutcome({ verdict, ...result });
  }
}
