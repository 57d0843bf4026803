import { DynamicModule, Module } from '@nestjs/common';
import { WebhooksController } from '../api/webhooks/webhooks.controller';
import { WebhookEventSubscriber } from '../application/webhooks';
import { PruneWebhookDeliveriesJob } from '../infrastructure/webhooks/jobs/prune-webhook-deliveries.job';
import { WebhookDeliveryJob } from '../infrastructure/webhooks/jobs/webhook-delivery.job';
import { webhookProviders } from '../infrastructure/webhooks/webhook.providers';
import { featureModule, ModuleOptions } from './feature-module';

/** Webhooks: endpoints and their secrets, one delivery job per endpoint and event, the delivery log. */
@Module({})
export class WebhooksModule {
  static register(options: ModuleOptions): DynamicModule {
    return featureModule(WebhooksModule, options, {
      providers: webhookProviders(options.config),
      controllers: [WebhooksController],
      jobs: [WebhookDeliveryJob, PruneWebhookDeliveriesJob],
      subscribers: [WebhookEventSubscriber],
    });
  }
}
