import { EntityManager } from '@mikro-orm/postgresql';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { v7 as uuidv7 } from 'uuid';
import { EnqueuesJobs, declareJob } from '../jobs/job-handler';
import { QUEUES } from '../jobs/queues';

interface PendingRow {
  seq: string | number;
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

/** One job per relay batch: whole commits, their events in the order they were recorded. */
export interface RelayedBatchData {
  batchId: string;
  events: RelayedEventData[];
}

/** Every job of the domain-events queue: relayed batches (named after their first event) and subscriber jobs. */
export const DOMAIN_EVENTS_JOB = declareJob(QUEUES.domainEvents, '*');

const MAX_COMMITS = 200;
const DAY = 86_400;

/**
 * Moves committed events from the outbox to the domain-events queue in three steps:
 *  1. claim: stamp up to MAX_COMMITS whole commits with a new batch id (its own committed statement);
 *  2. enqueue the batch as ONE job whose job id is the batch id;
 *  3. mark the batch's rows published.
 * A relay that dies after 1 or 2 leaves a claimed, unpublished batch; the next run re-sends exactly
 * that batch under the same id, and BullMQ ignores an id it already has. So every committed event
 * is delivered exactly once, and a busy outbox costs one job per batch, not one per event.
 */
@Injectable()
@EnqueuesJobs(DOMAIN_EVENTS_JOB)
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly em: EntityManager,
    @InjectQueue(QUEUES.domainEvents) private readonly events: Queue<RelayedBatchData>,
  ) {}

  /** Relays until the outbox is empty; returns how many events were relayed. */
  /** Relays until the outbox is empty, or `signal` fires (between batches: a claimed batch is always sent). */
  async drain(signal?: AbortSignal): Promise<number> {
    let total = 0;
    for (let leftover = await this.leftoverBatch(); leftover; leftover = await this.leftoverBatch()) {
      total += await this.send(leftover, await this.rowsOf(leftover));
      signal?.throwIfAborted();
    }
    for (;;) {
      signal?.throwIfAborted();
      const claimed = await this.claim(MAX_COMMITS);
      if (!claimed) return total;
      total += await this.send(claimed.batchId, claimed.rows);
    }
  }

  /** Relays one batch (a leftover claimed one first); returns how many events it held. */
  async relayBatch(maxCommits = MAX_COMMITS): Promise<number> {
    const leftover = await this.leftoverBatch();
    if (leftover) return this.send(leftover, await this.rowsOf(leftover));
    const claimed = await this.claim(maxCommits);
    return claimed ? this.send(claimed.batchId, claimed.rows) : 0;
  }

  private async send(batchId: string, rows: PendingRow[]): Promise<number> {
    if (rows.length === 0) return 0; // another relay finished it meanwhile
    await this.events.add(
      rows[0].event_name,
      { batchId, events: rows.map(toEventData) },
      {
        jobId: batchId,
        attempts: 8,
        backoff: { type: 'exponential', delay: 1000 },
        // Kept a day after completion: that is the window in which a re-sent id is recognised.
        removeOnComplete: { age: DAY },
        removeOnFail: { age: 14 * DAY },
      },
    );
    await this.em
      .getConnection()
      .execute(
        'update outbox set published_at = now() where relay_batch = ? and published_at is null',
        [batchId],
        'run',
      );
    this.logger.debug(`Relayed ${rows.length} events as batch ${batchId}`);
    return rows.length;
  }

  private async leftoverBatch(): Promise<string | undefined> {
    const rows: { relay_batch: string }[] = await this.em
      .getConnection()
      .execute(
        'select relay_batch from outbox where relay_batch is not null and published_at is null order by seq limit 1',
      );
    return rows[0]?.relay_batch;
  }

  private rowsOf(batchId: string): Promise<PendingRow[]> {
    return this.em.getConnection().execute(
      `select seq, id, aggregate_id, event_name, payload, occurred_at from outbox
        where relay_batch = ? and published_at is null order by seq`,
      [batchId],
    );
  }

  /** Claims whole commits (rows from before commit ids count as commits of their own) and returns their rows. */
  private async claim(maxCommits: number): Promise<{ batchId: string; rows: PendingRow[] } | undefined> {
    const batchId = uuidv7();
    const rows: PendingRow[] = await this.em.getConnection().execute(
      `with commits as (
         select coalesce(commit_id, id) as commit_id from outbox
          where published_at is null and relay_batch is null
          group by 1 order by min(seq) limit ?)
       update outbox set relay_batch = ?
        where published_at is null and relay_batch is null and coalesce(commit_id, id) in (select commit_id from commits)
        returning seq, id, aggregate_id, event_name, payload, occurred_at`,
      [maxCommits, batchId],
    );
    if (rows.length === 0) return undefined;
    rows.sort((a, b) => Number(a.seq) - Number(b.seq));
    return { batchId, rows };
  }
}

function toEventData(r: PendingRow): RelayedEventData {
  return {
    eventId: r.id,
    eventName: r.event_name,
    aggregateId: r.aggregate_id,
    payload: r.payload,
    occurredAt: new Date(r.occurred_at).toISOString(),
  };
}
