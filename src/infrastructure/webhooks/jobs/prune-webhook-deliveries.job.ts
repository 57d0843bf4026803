import { Inject, Injectable } from '@nestjs/common';
import { WEBHOOK_DELIVERY_LOG, WebhookDeliveryLog } from '../../../application/webhooks/ports';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { HandlesJob, declareJob, JobHandler } from '../../jobs/job-handler';
import { QUEUES } from '../../jobs/queues';

export const PRUNE_WEBHOOK_DELIVERIES_JOB = declareJob(QUEUES.maintenance, 'prune-webhook-deliveries');

/** Recurring: forgets delivery attempts past their retention (the log grows by one row per attempt). */
@Injectable()
@HandlesJob(PRUNE_WEBHOOK_DELIVERIES_JOB)
export class PruneWebhookDeliveriesJob implements JobHandler {
  constructor(
    @Inject(WEBHOOK_DELIVERY_LOG) private readonly log: WebhookDeliveryLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}
  async handle(): Promise<{ pruned: number }> {
    const before = new Date(Date.now() - this.config.jobs.webhookDeliveryRetentionDays * 86_400_000);
    return { pruned: await this.log.prune(before) };
  }
}
