import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { WebhookView } from '../webhook-view';

export class ListWebhooksQuery extends Query<WebhookView[]> {
  constructor(readonly actor: Actor) {
    super();
  }
}
