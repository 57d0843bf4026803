import { Provider } from '@nestjs/common';
import { WEBHOOK_COMMAND_HANDLERS, WEBHOOK_QUERY_HANDLERS } from '../../application/webhooks';
import {
  WEBHOOK_DELIVERY_LOG,
  WEBHOOK_DISPATCH,
  WEBHOOK_SECRET_GENERATOR,
  WEBHOOK_SENDER,
  WEBHOOK_SETTINGS,
  WEBHOOK_TARGETS,
  WebhookSettings,
} from '../../application/webhooks/ports';
import { WEBHOOK_ENDPOINT_REPOSITORY } from '../../domain/webhooks';
import { AppConfig } from '../config/app-config';
import { RUNTIME, RuntimeSettings } from '../config/runtime';
import { MikroWebhookEndpointRepository } from '../persistence/mikro-webhook-endpoint.repository';
import { SecretCipher } from '../persistence/secret-cipher';
import { WebhookSecretResealing } from '../persistence/webhook-secret-resealing';
import { SqlWebhookDeliveryLog } from '../persistence/sql-webhook-delivery-log';
import { BullmqWebhookDispatch } from './bullmq-webhook-dispatch';
import { HttpWebhookSender } from './http-webhook-sender';
import { DnsWebhookTargets } from './webhook-targets';
import { RandomWebhookSecrets } from './webhook-signature';

/** Everything webhooks need but the subscriber, the jobs and the controller (listed in modules/webhooks.module.ts). */
export function webhookProviders(config: AppConfig): Provider[] {
  const targets = new DnsWebhookTargets({ allowPrivateNetworks: config.webhooks.allowPrivateNetworks });
  return [
    {
      provide: WEBHOOK_SETTINGS,
      useValue: {
        allowHttp: config.webhooks.allowHttp,
        maxPerUser: config.webhooks.maxPerUser,
        secretRotationGraceMs: config.webhooks.secretRotationGraceSeconds * 1000,
      } satisfies WebhookSettings,
    },
    {
      provide: SecretCipher,
      useFactory: (runtime: RuntimeSettings) => new SecretCipher(runtime.webhookSecretKeys),
      inject: [RUNTIME],
    },
    WebhookSecretResealing,
    { provide: WEBHOOK_TARGETS, useValue: targets },
    { provide: WEBHOOK_SENDER, useValue: new HttpWebhookSender(targets) },
    { provide: WEBHOOK_SECRET_GENERATOR, useClass: RandomWebhookSecrets },
    { provide: WEBHOOK_DISPATCH, useClass: BullmqWebhookDispatch },
    { provide: WEBHOOK_ENDPOINT_REPOSITORY, useClass: MikroWebhookEndpointRepository },
    { provide: WEBHOOK_DELIVERY_LOG, useClass: SqlWebhookDeliveryLog },
    ...WEBHOOK_COMMAND_HANDLERS,
    ...WEBHOOK_QUERY_HANDLERS,
  ];
}
