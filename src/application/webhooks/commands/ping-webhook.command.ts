import { Command } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';

/** Queues a `ping` event to the endpoint, delivered (signed, retried, logged) like any other. */
export class PingWebhookCommand extends Command<{ eventId: string }> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {
    super();
  }
}
