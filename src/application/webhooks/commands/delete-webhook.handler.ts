import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { WEBHOOK_ENDPOINT_REPOSITORY, WebhookEndpointRepository, WebhookNotFoundError } from '../../../domain/webhooks';
import { loadOwnEndpoint } from '../webhook-view';
import { DeleteWebhookCommand } from './delete-webhook.command';

@CommandHandler(DeleteWebhookCommand)
export class DeleteWebhookHandler implements ICommandHandler<DeleteWebhookCommand> {
  constructor(@Inject(WEBHOOK_ENDPOINT_REPOSITORY) private readonly endpoints: WebhookEndpointRepository) {}

  async execute({ actor, id }: DeleteWebhookCommand): Promise<void> {
    const endpoint = await loadOwnEndpoint(this.endpoints, actor, id);
    // Deliveries still queued for it find it gone and stop.
    if (!(await this.endpoints.delete(endpoint.id))) throw new WebhookNotFoundError(id);
  }
}
