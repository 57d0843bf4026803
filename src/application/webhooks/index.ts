import { DeliverWebhookHandler } from './commands/deliver-webhook.handler';
import { DeleteWebhookHandler } from './commands/delete-webhook.handler';
import { PingWebhookHandler } from './commands/ping-webhook.handler';
import { UpdateWebhookHandler } from './commands/update-webhook.handler';
import { RegisterWebhookHandler } from './commands/register-webhook.handler';
import { RotateWebhookSecretHandler } from './commands/rotate-webhook-secret.handler';
import { GetWebhookHandler } from './queries/get-webhook.handler';
import { ListWebhookDeliveriesHandler } from './queries/list-webhook-deliveries.handler';
import { ListWebhooksHandler } from './queries/list-webhooks.handler';

export * from './commands/register-webhook.command';
export * from './commands/update-webhook.command';
export * from './commands/delete-webhook.command';
export * from './commands/ping-webhook.command';
export * from './commands/rotate-webhook-secret.command';
export * from './commands/deliver-webhook.command';
export * from './queries/list-webhooks.query';
export * from './queries/get-webhook.query';
export * from './queries/list-webhook-deliveries.query';
export * from './queries/list-webhooks.handler';
export * from './queries/get-webhook.handler';
export * from './queries/list-webhook-deliveries.handler';
export * from './webhook-event';
export * from './webhook-event.subscriber';
export * from './webhook-view';

export const WEBHOOK_COMMAND_HANDLERS = [
  RegisterWebhookHandler,
  UpdateWebhookHandler,
  DeleteWebhookHandler,
  PingWebhookHandler,
  RotateWebhookSecretHandler,
  DeliverWebhookHandler,
];
export const WEBHOOK_QUERY_HANDLERS = [ListWebhooksHandler, GetWebhookHandler, ListWebhookDeliveriesHandler];
