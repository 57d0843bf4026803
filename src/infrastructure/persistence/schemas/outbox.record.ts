import { EntitySchema } from '@mikro-orm/core';

/** One stored domain event, written in the same transaction as the aggregate that raised it. */
export class OutboxRecord {
  seq?: string;
  id!: string;
  /** Shared by the events of one save; null on rows from before it existed. */
  commitId?: string | null;
  /** Set when a relay claims the row for a batch job. */
  relayBatch?: string | null;
  aggregateType!: string;
  aggregateId!: string;
  eventName!: string;
  payload!: object;
  occurredAt!: Date;
  publishedAt?: Date | null;
}

export const OutboxSchema = new EntitySchema<OutboxRecord>({
  class: OutboxRecord,
  tableName: 'outbox',
  properties: {
    seq: { type: 'bigint', primary: true, autoincrement: true },
    id: { type: 'uuid', unique: true },
    commitId: { type: 'uuid', nullable: true },
    relayBatch: { type: 'uuid', nullable: true },
    aggregateType: { type: 'text' },
    aggregateId: { type: 'text' },
    eventName: { type: 'text' },
    payload: { type: 'jsonb' },
    occurredAt: { type: 'Date', columnType: 'timestamptz' },
    publishedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
  },
});
