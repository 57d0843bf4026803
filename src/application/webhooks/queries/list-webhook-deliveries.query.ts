import { Query } from '@nestjs/cqrs';
import { Actor } from '../../../domain/auth/role';
import { DeliveryAttemptPage } from '../ports';

export class ListWebhookDeliveriesQuery extends Query<DeliveryAttemptPage> {
  constructor(
    readonly actor: Actor,
    readonly id: string,
    readonly limit: number,
    readonly cursor?: string,
  ) {
    super();
  }
}
