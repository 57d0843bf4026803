import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { WebhookView } from '../webhook-view';

export class UpdateWebhookCommand extends Command<WebhookView> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
    readonly changes: { url?: string; events?: readonly string[]; active?: boolean },
  ) {
    super();
  }
}
