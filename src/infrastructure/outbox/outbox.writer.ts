import { Injectable } from '@nestjs/common';
import { EntityManager } from '@mikro-orm/postgresql';
import { v7 as uuidv7 } from 'uuid';
import { DomainEvent } from '../../domain/shared';
import { OutboxRecord, OutboxSchema } from '../persistence/schemas/outbox.record';
import { OutboxNotifier } from './outbox.notifier';

/** A SQL fragment with its positional (`?`) bindings. */
export interface SqlFragment {
  sql: string;
  bindings: unknown[];
}

/**
 * Writes events into the outbox inside the caller's transaction, and after the commit tells the
 * relay there is work (a hint only: the relay's schedule picks up anything a lost hint leaves).
 * All events of one save share a commit id: the relay delivers them as one job, in order.
 */
@Injectable()
export class OutboxWriter {
  constructor(private readonly notifier: OutboxNotifier) {}

  rows(aggregateType: string, events: readonly DomainEvent[]): OutboxRecord[] {
    const commitId = uuidv7();
    return events.map((e) => ({
      id: uuidv7(),
      commitId,
      aggregateType,
      aggregateId: e.aggregateId,
      eventName: e.eventName,
      payload: e.payload,
      occurredAt: new Date(e.occurredAt),
      publishedAt: null,
    }));
  }

  async append(tx: EntityManager, aggregateType: string, events: readonly DomainEvent[]): Promise<void> {
    if (events.length === 0) return;
    await tx.insertMany(OutboxSchema, this.rows(aggregateType, events));
  }

  /**
   * `insert into outbox … select … where <guard>`: lets a repository write its row and its events
   * in one statement (one round trip, one implicit transaction). Values go through JSON, because
   * the query builder would expand array bindings into lists.
   */
  insertWhere(aggregateType: string, events: readonly DomainEvent[], guard: string): SqlFragment | null {
    if (events.length === 0) return null;
    return {
      sql: `insert into outbox (id, commit_id, aggregate_type, aggregate_id, event_name, payload, occurred_at)
        select e.id, e.commit_id, e.aggregate_type, e.aggregate_id, e.event_name, e.payload, e.occurred_at
        from jsonb_to_recordset(?::jsonb) as e(id uuid, commit_id uuid, aggregate_type text, aggregate_id text,
          event_name text, payload jsonb, occurred_at timestamptz)
        where ${guard}`,
      bindings: [
        JSON.stringify(
          this.rows(aggregateType, events).map((r) => ({
            id: r.id,
            commit_id: r.commitId,
            aggregate_type: r.aggregateType,
            aggregate_id: r.aggregateId,
            event_name: r.eventName,
            payload: r.payload,
            occurred_at: r.occurredAt.toISOString(),
          })),
        ),
      ],
    };
  }

  committed(): void {
    this.notifier.notify();
  }
}
