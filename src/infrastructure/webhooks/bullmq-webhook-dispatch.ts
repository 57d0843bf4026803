import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { WebhookDelivery, WebhookDispatch } from '../../application/webhooks/ports';
import { EnqueuesJobs } from '../jobs/job-handler';
import { QUEUES } from '../jobs/queues';
import { WEBHOOK_DELIVERY_JOB } from './jobs/webhook-delivery.job';

/**
 * Deliveries as jobs on the webhooks queue, whose attempts and backoff (JOBS_WEBHOOKS_*) are the
 * retry policy; the job id is endpoint + event, so the same delivery queued twice runs once (BullMQ
 * keeps finished ids a day, failed ones a week).
 */
@Injectable()
@EnqueuesJobs(WEBHOOK_DELIVERY_JOB)
export class BullmqWebhookDispatch implements WebhookDispatch {
  constructor(@InjectQueue(QUEUES.webhooks) private readonly queue: Queue<WebhookDelivery>) {}

  async enqueue(deliveries: readonly WebhookDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.queue.addBulk(
      deliveries.map((delivery) => ({
        name: WEBHOOK_DELIVERY_JOB.name,
        data: delivery,
        opts: { jobId: `${delivery.endpointId}-${delivery.event.id}` },
      })),
    );
  }
}
