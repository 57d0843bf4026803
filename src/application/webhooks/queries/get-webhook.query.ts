import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { WebhookView } from '../webhook-view';

export class GetWebhookQuery extends Query<WebhookView> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
  ) {
    super();
  }
}
