import { EntityManager } from '@mikro-orm/postgresql';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../jobs/queues';

interface PendingRow {
  id: string;
  aggregate_id: string;
  event_name: string;
  payload: object;
  occurred_at: Date | string;
}

export interface RelayedEventData {
  eventId: string;
  eventName: string;
  aggregateId: string;
  payload: object;
  occurredAt: string;
}

const BATCH = 500;
const DAY = 86_400;

/**
 * Moves committed events from the outbox to the domain-events queue. Rows are locked with SKIP
 * LOCKED so several relays share the work, and each event becomes a job whose id is the event id:
 * if the relay dies after enqueueing but before marking rows published, the next run enqueues the
 * same ids again and BullMQ ignores them. Every committed event is delivered exactly once.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly em: EntityManager,
    @InjectQueue(QUEUES.domainEvents) private readonly events: Queue<RelayedEventData>,
  ) {}

  /** Relays until the outbox is empty; returns how many events were relayed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n < BATCH) return total;
    }
  }

  async relayBatch(limit = BATCH): Promise<number> {
    return this.em.fork().transactional(async (tx) => {
      const conn = tx.getConnection();
      const rows: PendingRow[] = await conn.execute(
        `select id, aggregate_id, event_name, payload, occurred_at from outbox
          where published_at is null order by seq limit ? for update skip locked`,
        [limit],
        'all',
        tx.getTransactionContext(),
      );
      if (rows.length === 0) return 0;
      await this.events.addBulk(
        rows.map((r) => ({
          name: r.event_name,
          data: {
            eventId: r.id,
            eventName: r.event_name,
            aggregateId: r.aggregate_id,
            payload: r.payload,
            occurredAt: new Date(r.occurred_at).toISOString(),
          },
          opts: {
            jobId: r.id,
            attempts: 8,
            backoff: { type: 'exponential', delay: 1000 },
            // Kept a day after completion: that is the window in which a re-sent id is recognised.
            removeOnComplete: { age: DAY },
            removeOnFail: { age: 14 * DAY },
          },
        })),
      );
      await conn.execute(
        `update outbox set published_at = now() where id in (?)`,
        [rows.map((r) => r.id)],
        'run',
        tx.getTransactionContext(),
      );
      this.logger.debug(`Relayed ${rows.length} events`);
      return rows.length;
    });
  }
}
