import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { WebhookView } from '../webhook-view';

export class RegisterWebhookCommand extends Command<{ webhook: WebhookView; secret: string }> {
  constructor(
    readonly actor: Actor,
    readonly url: string,
    readonly events: readonly string[],
    /** The client's own secret; one is generated when undefined. */
    readonly secret?: string,
  ) {
    super();
  }
}
