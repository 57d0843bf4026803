import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { DomainEvent } from '../../domain/shared';
import { OutboxRecord, OutboxSchema } from '../persistence/schemas/outbox.record';
import { OutboxNotifier } from './outbox.notifier';

/**
 * Writes events into the outbox inside the caller's transaction, and after the commit tells the
 * relay there is work (a hint only: the relay's schedule picks up anything a lost hint leaves).
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly notifier: OutboxNotifier) {}

  async append(tx: EntityManager, aggregateType: string, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    const rows: OutboxRecord[] = events.map((e) => ({
      id: uuidv7(),
      aggregateType,
      aggregateId: e.aggregateId,
      eventName: e.eventName,
      payload: e.payload,
      occurredAt: new Date(e.occurredAt),
      publishedAt: null,
    }));
    await tx.insertMany(OutboxSchema, rows);
  }

  committed(): void {
    this.notifier.notify();
  }
}
