import { EntityManager } from '@mikro-orm/postgresql';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../jobs/queues';

interface PendingRow {
  id: string;
  commit_id: string;
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

/** One job per committed transaction: its events, in the order they were recorded. */
export interface RelayedCommitData {
  commitId: string;
  events: RelayedEventData[];
}

const BATCH = 500;
const DAY = 86_400;
// Any constant works; it only has to be the same for every relay of this database.
const RELAY_LOCK = 7_219_004_312;

/**
 * Moves committed events from the outbox to the domain-events queue, one job per commit whose job
 * id is the commit id. If the relay dies after enqueueing but before marking rows published, the
 * next run enqueues the same commit ids again and BullMQ ignores them: every committed event is
 * delivered exactly once. One relay runs at a time (transaction advisory lock), so a commit's
 * events are never split over two jobs; a second worker's relay simply finds the lock taken.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly em: EntityManager,
    @InjectQueue(QUEUES.domainEvents) private readonly events: Queue<RelayedCommitData>,
  ) {}

  /** Relays until the outbox is empty; returns how many events were relayed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.relayBatch();
      total += n;
      if (n === 0) return total;
    }
  }

  /** Relays up to `limit` commits; returns how many events they held (0: nothing to do, or busy). */
  async relayBatch(limit = BATCH): Promise<number> {
    return this.em.fork().transactional(async (tx) => {
      const conn = tx.getConnection();
      const ctx = tx.getTransactionContext();
      const [{ locked }] = await conn.execute('select pg_try_advisory_xact_lock(?) as locked', [RELAY_LOCK], 'all', ctx);
      if (!locked) return 0;
      // Rows written before commit ids existed (or by hand) count as commits of their own.
      const rows: PendingRow[] = await conn.execute(
        `with commits as (
           select coalesce(commit_id, id) as commit_id, min(seq) as first from outbox
            where published_at is null group by 1 order by 2 limit ?)
         select o.id, c.commit_id, o.aggregate_id, o.event_name, o.payload, o.occurred_at
           from outbox o join commits c on coalesce(o.commit_id, o.id) = c.commit_id
          where o.published_at is null
          order by o.seq`,
        [limit],
        'all',
        ctx,
      );
      if (rows.length === 0) return 0;
      await this.events.addBulk(
        groupByCommit(rows).map((commit) => ({
          name: commit.events[0].eventName,
          data: commit,
          opts: {
            jobId: commit.commitId,
            attempts: 8,
            backoff: { type: 'exponential', delay: 1000 },
            // Kept a day after completion: that is the window in which a re-sent id is recognised.
            removeOnComplete: { age: DAY },
            removeOnFail: { age: 14 * DAY },
          },
        })),
      );
      await conn.execute(
        `update outbox set published_at = now()
          where published_at is null and coalesce(commit_id, id) in (select distinct coalesce(commit_id, id) from outbox where id in (?))`,
        [rows.map((r) => r.id)],
        'run',
        ctx,
      );
      this.logger.debug(`Relayed ${rows.length} events`);
      return rows.length;
    });
  }
}

function groupByCommit(rows: PendingRow[]): RelayedCommitData[] {
  const commits = new Map<string, RelayedCommitData>();
  for (const r of rows) {
    let commit = commits.get(r.commit_id);
    if (!commit) commits.set(r.commit_id, (commit = { commitId: r.commit_id, events: [] }));
    commit.events.push({
      eventId: r.id,
      eventName: r.event_name,
      aggregateId: r.aggregate_id,
      payload: r.payload,
      occurredAt: new Date(r.occurred_at).toISOString(),
    });
  }
  return [...commits.values()];
}
