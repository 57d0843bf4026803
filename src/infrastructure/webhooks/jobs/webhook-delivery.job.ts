import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DeliverWebhookCommand, DeliveryOutcome } from '../../../application/webhooks';
import { WebhookDelivery } from '../../../application/webhooks/ports';
import { HandlesJob, JobContext, declareJob, JobHandler, PermanentJobError } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

/** Enqueued by BullmqWebhookDispatch, one per endpoint and event. */
export const WEBHOOK_DELIVERY_JOB = declareJob(QUEUES.webhooks, 'webhook-delivery');

export class WebhookDeliveryFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookDeliveryFailedError';
  }
}

/**
 * One delivery attempt per run. A failure worth retrying throws, so the queue's backoff applies
 * and the last attempt is dead-lettered; a permanent one (a refused address, a redirect, a 4xx
 * other than 408/429) is dead-lettered at once.
 */
@Injectable()
@HandlesJob(WEBHOOK_DELIVERY_JOB)
export class WebhookDeliveryJob implements JobHandler<WebhookDelivery> {
  constructor(private readonly commands: CommandBus) {}

  async handle(data: WebhookDelivery, context: JobContext): Promise<DeliveryOutcome> {
    const result = await this.commands.execute(
      new DeliverWebhookCommand(data.endpointId, data.event, context.attempt, context.signal),
    );
    if (result.outcome !== 'failed') return result;
    throw result.retryable ? new WebhookDeliveryFailedError(result.detail) : new PermanentJobError(result.detail);
  }
}
