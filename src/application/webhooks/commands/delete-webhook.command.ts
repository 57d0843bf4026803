import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';

export class DeleteWebhookCommand extends Command<void> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {
    super();
  }
}
