import { DeliverWebhookHandler } from './commands/deliver-webhook.handler';
import { DeleteWebhookHandler, PingWebhookHandler, UpdateWebhookHandler } from './commands/manage-webhook.handlers';
import { RegisterWebhookHandler } from './commands/register-webhook.handler';
import { RotateWebhookSecretHandler } from './commands/rotate-webhook-secret.handler';
import { GetWebhookHandler, ListWebhookDeliveriesHandler, ListWebhooksHandler } from './queries/webhook.queries';

export * from './commands/webhook.commands';
export * from './queries/webhook.queries';
export * from './webhook-event';
export * from './webhook-event.subscriber';
export * from './webhook-view';

export const WEBHOOK_COMMAND_HANDLERS = [RegisterWebhookHandler, UpdateWebhookHandler, DeleteWebhookHandler, PingWebhookHandler, RotateWebhookSecretHandler, DeliverWebhookHandler];
export const WEBHOOK_QUERY_HANDLERS = [ListWebhooksHandler, GetWebhookHandler, ListWebhookDeliveriesHandler];
